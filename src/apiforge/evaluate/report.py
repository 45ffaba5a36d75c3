"""Reports over one or more runs: a self-contained HTML page (plotly, its JavaScript inlined), CSV and JSON.

The HTML needs no network: plotly.js is embedded once, every chart is a `<div>` drawn by it. It shows the runs
side by side: headline metrics, accuracy by level / language / API / kind, failure kinds, and examples of each
failure kind (question, predicted and gold answer, what differs).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from apiforge.evaluate.runs import Run
from apiforge.evaluate.scoring import LOWER_IS_BETTER, METRICS

__all__ = ["report_csv", "report_html", "report_json", "write_reports"]

_EXAMPLES_PER_KIND = 3
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{white-space:pre-wrap;max-width:36rem;margin:0;font-size:.8rem}
.note{color:#666;font-size:.85rem}
"""


def _pct(value: Any) -> str:
    return f"{100 * value:.1f} %" if isinstance(value, int | float) else "–"


def _bar(title: str, categories: list[str], series: dict[str, list[float | None]], *, ytitle: str = "rate") -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    # Labels on the bars, so a zero (no bar at all) still reads as a value and not as missing data.
    label = "%{y}" if ytitle == "items" else "%{y:.0%}"
    for name, values in series.items():
        fig.add_trace(go.Bar(name=name, x=categories, y=values, texttemplate=label, textposition="outside"))
    fig.update_layout(
        title=title,
        barmode="group",
        yaxis={"title": ytitle, "rangemode": "tozero"},
        height=380,
        margin={"l": 50, "r": 20, "t": 50, "b": 120},
        legend={"orientation": "h"},
    )
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False}))


def _metrics_present(runs: Sequence[Run]) -> list[str]:
    return [m for m in METRICS if any(m in run.summary.get("overall", {}) for run in runs)]


def _group_chart(runs: Sequence[Run], group: str) -> str:
    names = sorted({k for run in runs for k in run.summary.get("groups", {}).get(group, {})})
    if not names:
        return ""
    series = {run.name: [run.summary["groups"].get(group, {}).get(n, {}).get("correct") for n in names] for run in runs}
    return _bar(f"Accuracy by {group}", names, series, ytitle="correct")


def _failure_chart(runs: Sequence[Run]) -> str:
    kinds = sorted({k for run in runs for k in run.summary.get("failures", {})})
    if not kinds:
        return ""
    series: dict[str, list[float | None]] = {
        run.name: [float(run.summary.get("failures", {}).get(k, 0)) for k in kinds] for run in runs
    }
    return _bar("Failure kinds (items)", kinds, series, ytitle="items")


def _side_by_side(runs: Sequence[Run]) -> str:
    rows = ["<table><tr><th>metric</th>" + "".join(f"<th>{html.escape(r.name)}</th>" for r in runs) + "</tr>"]
    rows.append("<tr><td>items</td>" + "".join(f"<td class=num>{r.summary['overall']['n']}</td>" for r in runs))
    for metric in _metrics_present(runs):
        arrow = " (lower is better)" if metric in LOWER_IS_BETTER else ""
        cells = "".join(f"<td class=num>{_pct(r.summary['overall'].get(metric))}</td>" for r in runs)
        rows.append(f"<tr><td title='{html.escape(METRICS[metric])}'>{metric}{arrow}</td>{cells}</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _config_table(runs: Sequence[Run]) -> str:
    rows = ["<table><tr><th>run</th><th>suite</th><th>system</th><th>scoring</th></tr>"]
    for r in runs:
        system = ", ".join(f"{k}={v}" for k, v in r.config.get("system", {}).items())
        scoring = ", ".join(f"{k}={v}" for k, v in r.config.get("scoring", {}).items())
        rows.append(
            f"<tr><td>{html.escape(r.name)}</td><td>{html.escape(str(r.config.get('suite', '')))}</td>"
            f"<td>{html.escape(system)}</td><td>{html.escape(scoring)}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)


def _short(value: Any, limit: int = 600) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _examples(run: Run) -> str:
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for score in run.scores:
        if not score.get("correct"):
            by_kind.setdefault(score.get("failure") or "other", []).append(score)
    if not by_kind:
        return "<p>No failures.</p>"
    parts = []
    for kind, scores in sorted(by_kind.items()):
        parts.append(f"<h4>{html.escape(kind)} ({len(scores)})</h4><table>")
        parts.append("<tr><th>id</th><th>question</th><th>predicted</th><th>gold</th><th>what differs</th></tr>")
        for s in scores[:_EXAMPLES_PER_KIND]:
            differs = s.get("detail") or s.get("structural_detail") or s.get("error") or ""
            parts.append(
                f"<tr><td>{html.escape(str(s['id']))}</td><td>{html.escape(_short(s.get('question', ''), 200))}</td>"
                f"<td><pre>{html.escape(_short(s.get('predicted', '')))}</pre></td>"
                f"<td><pre>{html.escape(_short(s.get('gold', '')))}</pre></td>"
                f"<td>{html.escape(_short(differs, 300))}</td></tr>"
            )
        parts.append("</table>")
    return "\n".join(parts)


def report_html(runs: Sequence[Run], *, title: str = "apiforge evaluation") -> str:
    """The whole report as one HTML document (plotly.js inlined: it opens offline)."""
    from plotly.offline import get_plotlyjs

    metrics = _metrics_present(runs)
    overall = _bar(
        "Headline metrics",
        metrics,
        {r.name: [r.summary["overall"].get(m) for m in metrics] for r in runs},
    )
    groups = [_group_chart(runs, g) for g in ("level", "lang", "api", "kind", "category")]
    body = [
        f"<h1>{html.escape(title)}</h1>",
        "<p class=note>Rates are over the items each metric applies to; hallucinated and invalid_arguments are "
        "error rates (lower is better). Definitions: docs/evaluation.md.</p>",
        "<h2>Runs</h2>",
        _config_table(runs),
        "<h2>Side by side</h2>",
        _side_by_side(runs),
        "<h2>Charts</h2>",
        overall,
        *[g for g in groups if g],
        _failure_chart(runs),
        "<h2>Examples of each failure kind</h2>",
    ]
    for r in runs:
        body += [f"<h3>{html.escape(r.name)}</h3>", _examples(r)]
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>" + "\n".join(body) + "</body></html>"
    )


def report_rows(runs: Sequence[Run]) -> list[dict[str, Any]]:
    """Flat rows (run, group, value, metric, rate, n): the CSV's content."""
    rows: list[dict[str, Any]] = []
    for r in runs:
        blocks = [("overall", "", r.summary["overall"])]
        for group, values in r.summary.get("groups", {}).items():
            blocks += [(group, name, rates) for name, rates in values.items()]
        for group, value, rates in blocks:
            for metric in METRICS:
                if metric in rates:
                    rows.append(
                        {
                            "run": r.name,
                            "group": group,
                            "value": value,
                            "metric": metric,
                            "rate": round(rates[metric], 6),
                            "n": rates.get(f"{metric}_n", rates["n"]),
                        }
                    )
        for kind, count in r.summary.get("failures", {}).items():
            rows.append({"run": r.name, "group": "failure", "value": kind, "metric": "items", "rate": "", "n": count})
    return rows


def report_csv(runs: Sequence[Run]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["run", "group", "value", "metric", "rate", "n"])
    writer.writeheader()
    writer.writerows(report_rows(runs))
    return buffer.getvalue()


def report_json(runs: Sequence[Run]) -> dict[str, Any]:
    return {"runs": [{"name": r.name, "folder": str(r.folder), "config": r.config, "summary": r.summary} for r in runs]}


def write_reports(runs: Sequence[Run], out: str | Path, *, title: str = "apiforge evaluation") -> dict[str, Path]:
    """Write `report.html`, `report.csv` and `report.json` into folder `out`; returns their paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"html": folder / "report.html", "csv": folder / "report.csv", "json": folder / "report.json"}
    paths["html"].write_text(report_html(runs, title=title), encoding="utf-8")
    paths["csv"].write_text(report_csv(runs), encoding="utf-8")
    paths["json"].write_text(json.dumps(report_json(runs), indent=2, default=str), encoding="utf-8")
    return paths
