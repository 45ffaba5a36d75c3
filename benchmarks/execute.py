"""Execute-layer overhead: apiforge's build → check → send → decode per request against a bare httpx client doing
the same GET in the same run, and items/s when paginating 10,000 json-server records (apiforge vs a bare httpx
loop following the same `Link` headers).

Run from the repo root: `python benchmarks/execute.py [--requests N] [--records N] [--page-size N]`.
Servers: httpbin (gunicorn, one worker) and json-server 0.17 (`.ci/install.d/60-pagination-servers.sh`), both on
127.0.0.1 and started here. The two clients run in alternating rounds so that server warm-up and machine noise
hit both alike; each keeps one keep-alive connection (apiforge shares one `httpx.Client` across calls, as
`paginate` does across pages). The apiforge request carries an API key filled from the credential store at
send time and masked in its trace, so masking is part of the measured cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.servers import RunningServer, start_server, stop_server, unused_port  # noqa: E402

from apiforge.check import check_request  # noqa: E402
from apiforge.execute import Credential, CredentialStore, env_var_name, send  # noqa: E402
from apiforge.execute.paginate import paginate  # noqa: E402
from apiforge.execute.send import new_client  # noqa: E402
from apiforge.http.build import build_request  # noqa: E402
from apiforge.spec._load import load_spec  # noqa: E402
from apiforge.spec.model import Api  # noqa: E402

JSON_SERVER = ROOT / ".ci/node/json-server/node_modules/.bin/json-server"
KEY = "bench-secret-key-0001"


def _spec(path: Path, api_id: str, base_url: str, paths: dict[str, Any], schemes: dict[str, Any]) -> Api:
    document = {
        "openapi": "3.0.3",
        "info": {"title": api_id, "version": "1", "x-apiforge-id": api_id},
        "servers": [{"url": base_url}],
        "components": {"securitySchemes": schemes},
        "paths": paths,
    }
    path.write_text(json.dumps(document))
    return load_spec(str(path)).api


def _httpbin() -> RunningServer:
    port = unused_port()
    argv = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "2"]
    return start_server([*argv, "-k", "gthread", "httpbin:app"], port)


def _rounds(
    runs: dict[str, Callable[[], None]], requests: int, round_size: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Per-request (wall, client CPU) seconds of each round, the contenders alternating round by round.

    CPU time is this process's only: on a loaded machine the wall time also holds the wait for a server that
    competes for the same cores, while the overhead apiforge adds is client CPU.
    """
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in runs}
    for run in runs.values():  # warm up: connections, caches, first-use compilation
        for _ in range(20):
            run()
    for _ in range(max(1, requests // round_size)):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(round_size):
                run()
            times[name][0].append((time.perf_counter() - wall) / round_size)
            times[name][1].append((time.process_time() - cpu) / round_size)
    return times


def _stage(run: Callable[[], object], n: int = 500) -> float:
    """Seconds per call of one stage alone (no network)."""
    run()
    start = time.perf_counter()
    for _ in range(n):
        run()
    return (time.perf_counter() - start) / n


def request_overhead(tmp: Path, requests: int, round_size: int) -> None:
    server = _httpbin()
    try:
        query = [{"name": "q", "in": "query", "schema": {"type": "string"}}]
        response = {"200": {"description": "echo", "content": {"application/json": {"schema": {"type": "object"}}}}}
        op = {"operationId": "get", "parameters": query, "security": [{"key": []}], "responses": response}
        schemes = {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}
        api = _spec(tmp / "httpbin.json", "httpbin-bench", server.url, {"/get": {"get": op}}, schemes)
        operation = api.operation("get")
        assert operation is not None
        file_store = CredentialStore(tmp / "credentials.toml", environ={})
        file_store.set(api.id, "key", Credential(value=KEY))
        env_store = CredentialStore(tmp / "absent.toml", environ={env_var_name(api.id, "key"): KEY})
        bare = httpx.Client(timeout=10)
        shared = new_client(10)
        prebuilt = build_request(api, operation, {"q": "hello"}).request

        def bare_get() -> None:
            r = bare.get(f"{server.url}/get", params={"q": "hello"}, headers={"X-Api-Key": KEY})
            assert r.status_code == 200 and r.json()["args"] == {"q": "hello"}

        def send_only() -> None:
            result = send(api, operation, prebuilt, env_store, timeout=10, retries=0, client=shared)
            assert result.is_success and result.body["args"] == {"q": "hello"}

        def full(store: CredentialStore, client: httpx.Client | None) -> Callable[[], None]:
            def run() -> None:
                built = build_request(api, operation, {"q": "hello"})
                assert check_request(built.request, api).is_valid
                result = send(api, operation, built.request, store, timeout=10, retries=0, client=client)
                assert result.is_success and result.body["args"] == {"q": "hello"}

            return run

        runs = {
            "bare httpx (one client)": bare_get,
            "apiforge send only": send_only,
            "apiforge build+check+send, env": full(env_store, shared),
            "apiforge build+check+send, file": full(file_store, shared),
        }
        times = _rounds(runs, requests, round_size)
        per_call = _rounds({"apiforge, a new client per call": full(env_store, None)}, requests // 5, 25)
        stages = {
            "build_request": _stage(lambda: build_request(api, operation, {"q": "hello"})),
            "check_request": _stage(lambda: check_request(prebuilt, api)),
            "credential from the environment": _stage(lambda: env_store.get(api.id, "key")),
            "credential from the file": _stage(lambda: file_store.get(api.id, "key")),
        }
        bare.close()
        shared.close()
    finally:
        stop_server(server)
    base_wall, base_cpu = (statistics.median(v) for v in times["bare httpx (one client)"])
    rounds = len(times["apiforge send only"][0])
    print(f"per request, GET /get on httpbin over loopback (median of {rounds} alternating rounds):")
    print(f"  {'':<36} {'wall':>8}        {'ratio':>5}   {'client CPU':>10}     {'ratio':>5}")
    for name, (walls, cpus) in {**times, **per_call}.items():
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        ratios = f"{wall / base_wall:5.2f}×   {cpu * 1e6:8.0f} µs   {cpu / base_cpu:5.2f}×"
        print(f"  {name:<36} {wall * 1e6:8.0f} µs   {ratios}")
    print("stages alone (no network):")
    for name, seconds in stages.items():
        print(f"  {name:<36} {seconds * 1e6:8.0f} µs")


def pagination(tmp: Path, records: int, page_size: int) -> None:
    if not JSON_SERVER.exists():
        print(f"pagination: skipped, json-server is not installed at {JSON_SERVER}")
        return
    db = tmp / "db.json"
    db.write_text(json.dumps({"records": [{"id": i, "title": f"record {i}"} for i in range(1, records + 1)]}))
    port = unused_port()
    server = start_server([str(JSON_SERVER), "--host", "127.0.0.1", "--port", str(port), "--quiet", str(db)], port)
    try:
        params = [{"name": n, "in": "query", "schema": {"type": "integer"}} for n in ("_page", "_limit")]
        op = {"operationId": "list", "parameters": params, "responses": {"200": {"description": "records"}}}
        api = _spec(tmp / "records.json", "records-bench", server.url, {"/records": {"get": op}}, {})
        operation = api.operation("list")
        assert operation is not None
        store = CredentialStore(tmp / "none.toml", environ={})

        # Each side keeps one client for all its runs, so neither pays for creating a TLS context while timed.
        ours, theirs = new_client(30), httpx.Client(timeout=30)

        def with_apiforge() -> int:
            request = build_request(api, operation, {"_page": 1, "_limit": page_size}).request
            result = paginate(api, operation, request, store, max_pages=records, timeout=30, retries=0, client=ours)
            assert result.stopped_because == "no next page", result.stopped_because
            return len(result.items)

        def with_httpx() -> int:  # the loop a user would write: follow `Link: rel="next"` to the end
            items: list[Any] = []
            url: str | None = f"{server.url}/records?_page=1&_limit={page_size}"
            while url:
                r = theirs.get(url)
                items.extend(r.json())
                url = r.links.get("next", {}).get("url")
            return len(items)

        rates: dict[str, list[float]] = {"bare httpx": [], "apiforge": []}
        cpu: dict[str, list[float]] = {"bare httpx": [], "apiforge": []}
        contenders = [("bare httpx", with_httpx), ("apiforge", with_apiforge)]
        for _, run in contenders:  # warm up: json-server and both clients, untimed
            run()
        for i in range(4):  # ABBA: whoever runs right after the other pays for the server's cleanup
            for name, run in contenders if i % 2 == 0 else contenders[::-1]:
                start, start_cpu = time.perf_counter(), time.process_time()
                count = run()
                rates[name].append(count / (time.perf_counter() - start))
                cpu[name].append((time.process_time() - start_cpu) / count)
                assert count == records, (name, count)
        ours.close()
        theirs.close()
    finally:
        stop_server(server)
    pages = -(-records // page_size)
    print(f"\npaginating {records:,} json-server records, {page_size} a page ({pages} pages, Link headers; best of 4):")
    base, base_cpu = max(rates["bare httpx"]), min(cpu["bare httpx"])
    for name, values in rates.items():
        per_item = min(cpu[name])
        print(
            f"  {name:<32} {max(values):10,.0f} items/s   {base / max(values):5.2f}× the time   "
            f"client CPU {per_item * 1e6:5.1f} µs/item   {per_item / base_cpu:5.2f}×"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per contender (default 1000)")
    parser.add_argument("--round", type=int, default=50, help="requests per alternating round (default 50)")
    parser.add_argument("--records", type=int, default=10_000, help="json-server records (default 10,000)")
    parser.add_argument("--page-size", type=int, default=100, help="records per page (default 100)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        request_overhead(Path(tmp), args.requests, args.round)
        pagination(Path(tmp), args.records, args.page_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
