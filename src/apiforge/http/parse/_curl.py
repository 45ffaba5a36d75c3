"""Parse a curl command line into an `HttpRequest`.

curl's own rules are followed where they matter for the request: which options take a value (so a value is never
mistaken for the URL), how `-d` variants join and encode, what `-G`, `-I`, `-T`, `--json`, `-F`, `-u` imply.
"""

from __future__ import annotations

import base64
import os
import urllib.parse

from apiforge.errors import ParseError
from apiforge.http._models import Part
from apiforge.http.parse._draft import FORM, Draft, ParseResult
from apiforge.http.parse._shell import split_commands

__all__ = ["parse_curl"]

# Options that consume the next word (curl 8.x `--help all`); everything else is a switch.
_LONG_WITH_VALUE = frozenset(
    """
    abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config connect-timeout connect-to
    continue-at cookie cookie-jar create-file-mode crlfile curves data data-ascii data-binary data-raw data-urlencode
    delegation dns-interface dns-ipv4-addr dns-ipv6-addr dns-servers doh-url dump-header ech egd-file engine
    etag-compare etag-save expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method ftp-port
    ftp-ssl-ccc-mode happy-eyeballs-timeout-ms haproxy-clientip header hostpubmd5 hostpubsha256 hsts interface
    ip-tos ipfs-gateway json keepalive-cnt keepalive-time key key-type krb libcurl limit-rate local-port
    login-options mail-auth mail-from mail-rcpt max-filesize max-redirs max-time netrc-file noproxy oauth2-bearer
    output output-dir parallel-max pass pinnedpubkey preproxy proto proto-default proto-redir proxy proxy-cacert
    proxy-capath proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key proxy-key-type
    proxy-pass proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword
    proxy-tlsuser proxy-user proxy1.0 pubkey quote random-file range rate referer request request-target resolve
    retry retry-delay retry-max-time sasl-authzid service-name sigalgs socks4 socks4a socks5 socks5-gssapi-service
    socks5-hostname speed-limit speed-time ssl-sessions stderr telnet-option tftp-blksize time-cond tls-max
    tls13-ciphers tlsauthtype tlspassword tlsuser trace trace-ascii trace-config unix-socket upload-file url
    url-query user user-agent variable vlan-priority write-out
    """.split()
)
_SHORT_WITH_VALUE = frozenset("AbcCdDeEFHKmoPQrtTuUwxXYyz")
_SHORT_TO_LONG = {
    "A": "user-agent",
    "b": "cookie",
    "d": "data",
    "e": "referer",
    "F": "form",
    "G": "get",
    "H": "header",
    "I": "head",
    "T": "upload-file",
    "u": "user",
    "X": "request",
}
_DATA_OPTIONS = frozenset({"data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "json"})


def parse_curl(text: str) -> ParseResult:
    """Parse the first curl command in `text` (a shell snippet; other commands are ignored and noted)."""
    commands = [c for c in split_commands(text) if _curl_index(c) is not None]
    if not commands:
        raise ParseError("no curl command found", lang="curl")
    draft = Draft("curl", default_scheme="http")
    if len(commands) > 1:
        draft.notes.append(f"{len(commands)} curl commands found; parsed the first")
    words = commands[0]
    start = _curl_index(words)
    assert start is not None
    _read_options(words[start + 1 :], draft)
    return draft.finish()


def _curl_index(words: list[str]) -> int | None:
    for i, word in enumerate(words):
        name = os.path.basename(word.replace("\\", "/")).lower()
        if name in ("curl", "curl.exe"):
            return i
        if "=" in word and not word.startswith("-"):  # `VAR=value curl ...`
            continue
        if word in ("sudo", "time", "command", "exec", "env"):
            continue
        return None
    return None


def _options(args: list[str]) -> list[tuple[str, str | None]]:
    """`(long option name, value)` pairs; bare words come back as `("url", word)`."""
    found: list[tuple[str, str | None]] = []
    i = 0
    only_urls = False
    while i < len(args):
        arg = args[i]
        i += 1
        if only_urls or not arg.startswith("-") or arg == "-":
            found.append(("url", arg))
        elif arg == "--":
            only_urls = True
        elif arg.startswith("--"):
            name, eq, attached = arg[2:].partition("=")
            name = name.lower()
            for prefix in ("expand-",):
                if name.startswith(prefix) and name[len(prefix) :] in _LONG_WITH_VALUE:
                    name = name[len(prefix) :]
            if name in _LONG_WITH_VALUE:
                if eq:  # not curl syntax, but unambiguous and common in hand-written commands
                    found.append((name, attached))
                elif i < len(args):
                    found.append((name, args[i]))
                    i += 1
            else:
                found.append((arg[2:].lower(), None))
        else:
            j = 1
            while j < len(arg):
                letter = arg[j]
                long = _SHORT_TO_LONG.get(letter, letter)
                if letter in _SHORT_WITH_VALUE:
                    value = arg[j + 1 :]
                    if not value and i < len(args):
                        value = args[i]
                        i += 1
                    found.append((long, value))
                    break
                found.append((long, None))
                j += 1
    return found


def _read_options(args: list[str], draft: Draft) -> None:
    data: list[str] = []
    json_data: list[str] = []
    parts: list[Part] = []
    get = head = False
    for name, value in _options(args):
        if value is None:
            get = get or name == "get"
            head = head or name == "head"
            continue
        if name == "url":
            if draft.url is None:
                draft.url = value
            else:
                draft.notes.append(f"more than one URL; ignored {value!r}")
        elif name == "request":
            draft.method = value.upper()
        elif name == "header":
            _header(value, draft)
        elif name in _DATA_OPTIONS:
            piece = _data_piece(name, value, draft)
            (json_data if name == "json" else data).append(piece)
            if name == "json":
                for header, default in (("Content-Type", "application/json"), ("Accept", "application/json")):
                    if draft.header(header) is None:
                        draft.headers.append((header, default))
        elif name in ("form", "form-string"):
            parts.append(_form_part(value, literal=name == "form-string", draft=draft))
        elif name == "user":
            user = value if ":" in value else value + ":"
            draft.headers.append(("Authorization", "Basic " + base64.b64encode(user.encode()).decode()))
        elif name == "oauth2-bearer":
            draft.headers.append(("Authorization", "Bearer " + value))
        elif name == "cookie":
            if "=" in value:
                draft.headers.append(("Cookie", value))
            else:
                draft.notes.append(f"cookies read from file {value!r} (not read)")
        elif name == "user-agent":
            draft.headers.append(("User-Agent", value))
        elif name == "referer":
            referer = value.removesuffix(";auto")
            if referer:
                draft.headers.append(("Referer", referer))
        elif name == "url-query":
            draft.query.extend(urllib.parse.parse_qsl(_urlencode_piece(value, draft), keep_blank_values=True))
        elif name == "upload-file":
            draft.notes.append(f"body uploaded from file {value!r} (not read)")
            draft.method = draft.method or "PUT"
            draft.body_text = ""
    _assemble_body(draft, data, json_data, parts, get=get, head=head)


def _assemble_body(
    draft: Draft, data: list[str], json_data: list[str], parts: list[Part], *, get: bool, head: bool
) -> None:
    body = "&".join(data) + "".join(json_data) if data or json_data else None
    if get and body is not None:
        draft.query.extend(urllib.parse.parse_qsl(body, keep_blank_values=True))
        body = None
    if head:
        draft.method = draft.method or "HEAD"
    elif get:
        draft.method = draft.method or "GET"
    if parts:
        draft.body_parts = parts
        draft.media_type = "multipart/form-data"
    elif body is not None:
        draft.body_text = body
        draft.media_type = "application/json" if json_data and not data else FORM
    if draft.has_body:
        draft.method = draft.method or "POST"


def _header(value: str, draft: Draft) -> None:
    if value.startswith("@"):
        draft.notes.append(f"headers read from file {value[1:]!r} (not read)")
        return
    name, sep, rest = value.partition(":")
    if sep and not rest.strip() and not name.endswith(";"):
        return  # `-H 'Accept:'` removes a header curl would add; nothing to send
    draft.add_header_line(value)


def _data_piece(name: str, value: str, draft: Draft) -> str:
    if name == "data-urlencode":
        return _urlencode_piece(value, draft)
    if name in ("data", "data-ascii", "data-binary", "json") and value.startswith("@"):
        draft.notes.append(f"body read from file {value[1:]!r} (not read)")
    return value


def _urlencode_piece(value: str, draft: Draft) -> str:
    """Read curl `--data-urlencode`: `content`, `=content`, `name=content`, `@file` or `name@file`."""
    eq = value.find("=")
    at = value.find("@")
    if at >= 0 and (eq < 0 or at < eq):
        draft.notes.append(f"form value read from file {value[at + 1 :]!r} (not read)")
        return value
    if eq < 0:
        return urllib.parse.quote_plus(value)
    name, content = value[:eq], value[eq + 1 :]
    encoded = urllib.parse.quote_plus(content)
    return f"{name}={encoded}" if name else encoded


def _form_part(value: str, *, literal: bool, draft: Draft) -> Part:
    """Read curl `-F name=value`, `name=@file;type=x;filename=y`, `name=<file`, `name="quoted;value"`."""
    name, _, rest = value.partition("=")
    if literal:
        return Part(name, rest)
    if rest.startswith('"'):
        end, chars = 1, []
        while end < len(rest) and rest[end] != '"':
            if rest[end] == "\\" and end + 1 < len(rest):
                end += 1
            chars.append(rest[end])
            end += 1
        content, options = "".join(chars), rest[end + 1 :]
    else:
        content, sep, options = rest.partition(";")
        options = sep + options
    attrs: dict[str, str] = {}
    for option in options.split(";"):
        key, sep, val = option.partition("=")
        if sep:
            attrs[key.strip().lower()] = val.strip().strip('"')
    content_type = attrs.get("type", "")
    if content.startswith("@"):
        path = content[1:]
        draft.notes.append(f"multipart file {path!r} for field {name!r} (not read)")
        filename = attrs.get("filename", os.path.basename(path))
        return Part(name, "", filename, content_type)
    if content.startswith("<"):
        draft.notes.append(f"multipart field {name!r} read from file {content[1:]!r} (not read)")
        return Part(name, "", attrs.get("filename"), content_type)
    return Part(name, content, attrs.get("filename"), content_type)
