"""Credentials keyed by API id and security scheme name, from the environment or a private TOML file.

Sources, first match wins:

1. the environment variable `APIFORGE_CRED_<API>_<SCHEME>` (both upper-cased, every non-alphanumeric character
   replaced by `_`; e.g. API `httpbin.org`, scheme `bearerAuth` → `APIFORGE_CRED_HTTPBIN_ORG_BEARERAUTH`).
   For basic and digest schemes the value is `username:password`;
2. `credentials.toml` in `$APIFORGE_CONFIG_DIR` (default: the platform's user config dir for `apiforge`)::

       ["httpbin.org".bearerAuth]
       value = "t0ken"

       ["httpbin.org".basicAuth]
       username = "ada"
       password = "s3cret"

       ["some-api".oauth2]                 # any other string keys are scheme-specific fields
       client_id = "app"
       client_secret = "s3cret"

   An environment value that starts with `{` is read as a JSON object of such string fields.

The file is created with mode 0600 and refused (`InsecureCredentialsFile`) when group or others may access it:
a secret readable by other users is already leaked, so we make the user fix it rather than use it silently.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from apiforge.execute.errors import CredentialError, InsecureCredentialsFile
from apiforge.execute.secrets import MASK, Masker

__all__ = [
    "CONFIG_DIR_ENV",
    "ENV_PREFIX",
    "Credential",
    "CredentialStore",
    "credentials_path",
    "env_var_name",
]

CONFIG_DIR_ENV = "APIFORGE_CONFIG_DIR"
ENV_PREFIX = "APIFORGE_CRED_"
NOT_SECRET = frozenset(
    {
        "client_id",
        "consumer_key",
        "access_key_id",
        "region",
        "service",
        "token_url",
        "scope",
        "authorization_url",
        "openid_url",
        "redirect_uri",
        "flow",
        "auth_method",
        "audience",
        "signature_method",
        "realm",
    }
)
"""Field names that identify rather than authenticate: shown in hints; every other field value is masked."""


def env_var_name(api_id: str, scheme: str) -> str:
    """`APIFORGE_CRED_<API>_<SCHEME>`: upper-cased, non-alphanumerics → `_`."""

    def part(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9]", "_", text).upper()

    return f"{ENV_PREFIX}{part(api_id)}_{part(scheme)}"


def credentials_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$APIFORGE_CONFIG_DIR/credentials.toml`, else the user config dir's."""
    env = os.environ if environ is None else environ
    base = env.get(CONFIG_DIR_ENV)
    if base:
        return Path(base) / "credentials.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("apiforge")) / "credentials.toml"


@dataclass(frozen=True, slots=True)
class Credential:
    """One credential: a single `value` (API key, token) or a `username` and `password` (basic, digest)."""

    value: str | None = None
    username: str | None = None
    password: str | None = None
    source: str = ""
    """Where it came from: the environment variable's name or the file's path."""
    fields: dict[str, str] = field(default_factory=dict, hash=False)
    """Scheme-specific named fields beyond value/username/password (OAuth client id and secret, AWS keys, ...)."""

    def get(self, name: str) -> str | None:
        """A named field: `value`, `username`, `password`, or one of `fields`."""
        if name in ("value", "username", "password"):
            return getattr(self, name)
        return self.fields.get(name)

    @property
    def is_user_password(self) -> bool:
        return self.username is not None

    def user_password(self) -> tuple[str, str] | None:
        """`(username, password)`; a single value `user:password` (the environment form) is split at the first `:`."""
        if self.username is not None:
            return self.username, self.password or ""
        if self.value is not None and ":" in self.value:
            user, _, password = self.value.partition(":")
            return user, password
        return None

    def add_to(self, masker: Masker) -> None:
        """Teach `masker` every form of this credential's secret."""
        pair = self.user_password()
        if pair is not None:
            masker.add_basic(*pair)
        if self.value is not None:
            masker.add(self.value)
        for name, text in self.fields.items():
            if name not in NOT_SECRET:
                masker.add(text)

    def hint(self) -> str:
        """A display hint that never reveals the secret: the username, or `••••` + the last 2 of a long value."""
        if self.username is not None:
            return f"{self.username}:{MASK}"
        if self.fields and self.value is None:
            return ", ".join(f"{k}={v if k in NOT_SECRET else MASK}" for k, v in sorted(self.fields.items()))
        value = self.value or ""
        return MASK + value[-2:] if len(value) >= 16 else MASK

    @property
    def kind(self) -> str:
        if self.username is not None:
            return "username/password"
        return "value" if self.value is not None or not self.fields else "fields"


class CredentialStore:
    """Credentials from the environment and the credentials file.

    Usage::

        store = CredentialStore()
        store.set("httpbin.org", "bearerAuth", Credential(value="t0ken"))
        store.get("httpbin.org", "bearerAuth")  # Credential(value='t0ken', source='.../credentials.toml')
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.path = Path(path) if path is not None else credentials_path(self.environ)
        self._parsed: tuple[tuple[int, int, int], dict[tuple[str, str], Credential]] | None = None

    # -- reading ---------------------------------------------------------------------------------------------

    def get(self, api_id: str, scheme: str) -> Credential | None:
        """The credential for `scheme` of `api_id`: the environment variable wins over the file."""
        name = env_var_name(api_id, scheme)
        if name in self.environ:
            return _from_env(name, self.environ[name])
        return self._read().get((api_id, scheme))

    def stored(self) -> dict[tuple[str, str], Credential]:
        """Every credential in the file, by `(api_id, scheme)`."""
        return dict(self._read())

    def env_names(self) -> list[str]:
        """Names of the `APIFORGE_CRED_*` variables set (their API and scheme cannot be told apart reliably)."""
        return sorted(k for k in self.environ if k.startswith(ENV_PREFIX))

    def _read(self) -> dict[tuple[str, str], Credential]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return {}
        if os.name != "nt" and stat.S_IMODE(info.st_mode) & 0o077:  # POSIX modes do not describe Windows ACLs
            raise InsecureCredentialsFile(str(self.path), stat.S_IMODE(info.st_mode))
        # Parsed once per version of the file: every call reads credentials, and TOML parsing dominated its cost.
        version = (info.st_ino, info.st_mtime_ns, info.st_size)
        if self._parsed is not None and self._parsed[0] == version:
            return dict(self._parsed[1])
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise CredentialError(f"{self.path}: cannot read the credentials file: {exc}") from None
        out: dict[tuple[str, str], Credential] = {}
        for api_id, schemes in data.items():
            if not isinstance(schemes, dict):
                raise CredentialError(f"{self.path}: [{api_id}] must be a table of security schemes")
            for scheme, entry in schemes.items():
                out[(api_id, scheme)] = self._entry(api_id, scheme, entry)
        self._parsed = (version, out)
        return dict(out)

    def _entry(self, api_id: str, scheme: str, entry: object) -> Credential:
        where = f"{self.path}: [{api_id}.{scheme}]"
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise CredentialError(f"{where} must hold string keys `value`, or `username` and `password`")
        entry = dict(entry)
        value, username, password = entry.pop("value", None), entry.pop("username", None), entry.pop("password", None)
        if value is None and username is None and not entry:
            raise CredentialError(f"{where} is empty: give `value`, `username` and `password`, or named fields")
        if username is not None and password is None:
            password = ""
        return Credential(value=value, username=username, password=password, source=str(self.path), fields=entry)

    # -- writing ---------------------------------------------------------------------------------------------

    def set(self, api_id: str, scheme: str, credential: Credential) -> None:
        """Store `credential` in the file (created 0600 in a 0700 directory), replacing any previous one."""
        entries = self._read()
        entries[(api_id, scheme)] = credential
        self._write(entries)

    def remove(self, api_id: str, scheme: str) -> bool:
        """Delete the stored credential; False when the file held none."""
        entries = self._read()
        if entries.pop((api_id, scheme), None) is None:
            return False
        self._write(entries)
        return True

    def _write(self, entries: Mapping[tuple[str, str], Credential]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = "".join(_toml_lines(entries))
        tmp = self.path.with_name(self.path.name + ".tmp")
        # Created 0600 from the start (never briefly readable), then renamed over the old file atomically.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if hasattr(os, "fchmod"):  # O_CREAT keeps the mode of a leftover temp file
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, self.path)


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped (TOML 1.0 §String)."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_lines(entries: Mapping[tuple[str, str], Credential]) -> Iterator[str]:
    yield "# apiforge credentials: keep this file private (mode 0600). Edit with `apiforge auth set/remove`.\n"
    for (api_id, scheme), cred in sorted(entries.items()):
        yield f"\n[{_toml_string(api_id)}.{_toml_string(scheme)}]\n"
        if cred.username is not None:
            yield f"username = {_toml_string(cred.username)}\n"
            yield f"password = {_toml_string(cred.password or '')}\n"
        elif cred.value is not None or not cred.fields:
            yield f"value = {_toml_string(cred.value or '')}\n"
        for name, text in sorted(cred.fields.items()):
            yield f"{_toml_string(name)} = {_toml_string(text)}\n"


def _from_env(name: str, text: str) -> Credential:
    """An environment credential: a plain value, or a JSON object of string fields when it starts with `{`."""
    if not text.lstrip().startswith("{"):
        return Credential(value=text, source=name)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CredentialError(f"${name} starts with '{{' but is not a JSON object: {exc.msg}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise CredentialError(f"${name} must be a JSON object of string fields")
    value, username, password = data.pop("value", None), data.pop("username", None), data.pop("password", None)
    return Credential(value=value, username=username, password=password, source=name, fields=data)
