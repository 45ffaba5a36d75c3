"""Choosing the base URL a request goes to.

The operation's `servers` win over the API's. `server=None` takes the first, an `int` is an index, a string is
either one of the servers (its template or resolved URL) or any absolute URL the caller wants (e.g. a local
test server). Variables take their `default`, else their first `enum` value, else a `{{placeholder}}`.

A relative server URL (`/api/v1`) is resolved, in this order, against: the URL the description was loaded from
(what OpenAPI prescribes), the origin of another absolute server of the same API (with a warning), or
`PLACEHOLDER_ORIGIN` (with a warning) when the API names no absolute URL at all.
"""

from __future__ import annotations

import re
import urllib.parse

from apiforge.errors import BuildError, did_you_mean
from apiforge.http._models import placeholder
from apiforge.spec.model import Api, Operation, Server

__all__ = ["PLACEHOLDER_ORIGIN", "resolve_base_url"]

#: Where requests go when the API has no absolute server URL: a reserved domain (RFC 2606), never a real API.
PLACEHOLDER_ORIGIN = "https://example.com"

_VARIABLE = re.compile(r"\{([^{}]+)\}")


def _is_absolute(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return bool(parts.scheme and parts.netloc)


def _expand(server: Server) -> str:
    def value(match: re.Match[str]) -> str:
        var = server.variables.get(match.group(1))
        if isinstance(var, dict):
            if "default" in var:
                return str(var["default"])
            if var.get("enum"):
                return str(var["enum"][0])
        return placeholder(match.group(1))

    return _VARIABLE.sub(value, server.url)


def resolve_base_url(api: Api, op: Operation, server: str | int | None) -> tuple[str, list[str]]:
    """The base URL (no trailing slash) and any warnings about how it was chosen."""
    candidates = list(op.servers or api.servers)
    warnings: list[str] = []
    if isinstance(server, bool):
        raise BuildError(f"server must be an index or a URL, not {server!r}", operation_id=op.id)
    if isinstance(server, int):
        if not 0 <= server < len(candidates):
            raise BuildError(
                f"server index {server} out of range: the operation has {len(candidates)} server(s)",
                operation_id=op.id,
            )
        url = _expand(candidates[server])
    elif isinstance(server, str):
        wanted = server.rstrip("/")
        match = next((s for s in candidates if wanted in (s.url.rstrip("/"), _expand(s).rstrip("/"))), None)
        if match is not None:
            url = _expand(match)
        elif _is_absolute(server):
            url = server
        else:
            known = [s.url for s in candidates]
            raise BuildError(
                f"unknown server '{server}'.{did_you_mean(server, known)} Known: {', '.join(known) or '(none)'}",
                operation_id=op.id,
            )
    elif candidates:
        url = _expand(candidates[0])
    else:
        url = "/"
    if not _is_absolute(url):
        url, warning = _absolutize(api, op, url)
        if warning:
            warnings.append(warning)
    return url.rstrip("/"), warnings


def _absolutize(api: Api, op: Operation, url: str) -> tuple[str, str]:
    if url.startswith("//"):
        return "https:" + url, ""
    if _is_absolute(api.source):
        return urllib.parse.urljoin(api.source, url), ""
    path = url if url.startswith("/") else "/" + url
    for other in (*op.servers, *api.servers):
        expanded = _expand(other)
        if _is_absolute(expanded):
            origin = urllib.parse.urlsplit(expanded)
            base = f"{origin.scheme}://{origin.netloc}"
            return base + path, f"relative server URL '{url}' resolved against another server of the API, {base}"
    return PLACEHOLDER_ORIGIN + path, (
        f"the API has no absolute server URL; '{url}' resolved against the placeholder {PLACEHOLDER_ORIGIN}"
    )
