"""`apiforge auth set/list/remove/login`: manage stored credentials (never printed, only masked hints), log in."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json

if TYPE_CHECKING:
    from apiforge.execute import Credential

__all__ = ["auth_app", "register"]

HELP = """\
Manage credentials, keyed by API id and security scheme name (as in the spec's securitySchemes).

They are stored in credentials.toml under $APIFORGE_CONFIG_DIR (default: the user config dir), created with mode
0600 and refused if others can read it. The environment variable APIFORGE_CRED_<API>_<SCHEME> (upper-cased,
non-alphanumerics as _) overrides the file; for basic/digest its value is USERNAME:PASSWORD.

Examples:

\b
  apiforge auth set httpbin bearerAuth                     # prompts for the token, hidden
  printf %s "$TOKEN" | apiforge auth set httpbin bearerAuth --value -
  apiforge auth set httpbin basicAuth --username ada --password -
  apiforge auth set my-api oauth --field client_id=app --field client_secret=-   # OAuth 2.0 client
  apiforge auth set my-api oauth --field client_id=app --field token_url=https://id.example/token
  apiforge auth login my-api oauth                         # authorization code + PKCE in your browser
  apiforge auth set aws-s3 hmac --field access_key_id=AKIA... --field secret_access_key=- --field region=eu-west-1
  apiforge auth set my-api oauth1 -f consumer_key=K -f consumer_secret=- -f token=T -f token_secret=S
  apiforge auth list --json
  apiforge auth remove httpbin bearerAuth

OAuth 2.0 tokens (from `auth login`, client credentials or refreshes) are cached in tokens.json beside
credentials.toml (mode 0600); `auth remove` forgets them too. See docs/auth.md for every scheme's fields.
"""

auth_app = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)


def _secret(given: str | None, prompt: str) -> str:
    """`-` reads stdin; nothing prompts with hidden input on a terminal; otherwise it is a usage error."""
    if given == "-":
        return sys.stdin.read().rstrip("\r\n")
    if given is not None:
        return given
    if sys.stdin.isatty():
        return str(typer.prompt(prompt, hide_input=True))
    raise typer.BadParameter(f"no {prompt.lower()} given: pass it, or '-' to read it from stdin", param_hint=prompt)


def _fields(pairs: list[str]) -> dict[str, str]:
    """`--field NAME=VALUE` options; one VALUE may be '-' (read from stdin), an empty VALUE prompts hidden."""
    out: dict[str, str] = {}
    stdin_used = False
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise typer.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--field")
        if name in ("value", "username", "password"):
            raise typer.BadParameter(f"use --{name} for {name!r}, not --field", param_hint="--field")
        if value == "-":
            if stdin_used:
                raise typer.BadParameter("only one --field may read stdin ('-')", param_hint="--field")
            stdin_used = True
        out[name] = _secret(value or None, name) if value in ("-", "") else value
    return out


@auth_app.command("set")
def set_credential(
    api: Annotated[str, typer.Argument(help="API id.")],
    scheme: Annotated[str, typer.Argument(help="Security scheme name.")],
    value: Annotated[str | None, typer.Option(help="API key or token; '-' reads stdin.")] = None,
    username: Annotated[str | None, typer.Option(help="Username (basic/digest).")] = None,
    password: Annotated[str | None, typer.Option(help="Password (basic/digest); '-' reads stdin.")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            "-f",
            help="NAME=VALUE of a scheme-specific field (OAuth client_id/client_secret, AWS access_key_id/"
            "secret_access_key/region, OAuth 1 consumer_key/consumer_secret/token/token_secret); "
            "repeatable; VALUE '-' reads stdin, an empty VALUE prompts.",
        ),
    ] = None,
) -> None:
    """Store a credential (replacing any previous one)."""
    from apiforge.execute import Credential, CredentialStore

    if value is not None and (username is not None or password is not None):
        raise typer.BadParameter("give --value, or --username and --password, not both", param_hint="--value")
    if username is None and password is not None:
        raise typer.BadParameter("--password needs --username", param_hint="--password")
    fields = _fields(field or [])
    if fields and "-" in (value, password):
        raise typer.BadParameter("only one value may read stdin ('-')", param_hint="--field")
    if username is not None:
        cred = Credential(username=username, password=_secret(password, "Password"), fields=fields)
    elif fields and value is None:
        cred = Credential(fields=fields)
    else:
        cred = Credential(value=_secret(value, "Value"), fields=fields)
    store = CredentialStore()
    store.set(api, scheme, cred)
    typer.echo(f"stored {cred.kind} for {api} {scheme} in {store.path}", err=True)


@auth_app.command("list")
def list_credentials(json_output: JsonOption = False) -> None:
    """List stored credentials (masked) and the APIFORGE_CRED_* variables set (names only)."""
    from apiforge.execute import CredentialStore, env_var_name

    store = CredentialStore()
    env = set(store.env_names())
    rows = []
    for (api, scheme), cred in sorted(store.stored().items()):
        name = env_var_name(api, scheme)
        rows.append(
            {
                "api": api,
                "scheme": scheme,
                "kind": cred.kind,
                "hint": cred.hint(),
                "source": name if name in env else str(store.path),
            }
        )
        env.discard(name)
    rows.extend({"api": None, "scheme": None, "kind": "value", "hint": "", "source": name} for name in sorted(env))
    if json_output:
        emit_json({"path": str(store.path), "credentials": rows})
        return
    if not rows:
        typer.echo(f"no credentials (file: {store.path})", err=True)
    for row in rows:
        where = f"{row['api']} {row['scheme']}" if row["api"] else "(environment)"
        typer.echo(f"{where:<40} {row['kind']:<18} {row['hint']:<10} {row['source']}")


@auth_app.command("remove")
def remove_credential(
    api: Annotated[str, typer.Argument(help="API id.")],
    scheme: Annotated[str, typer.Argument(help="Security scheme name.")],
) -> None:
    """Delete a stored credential."""
    from apiforge.execute import CredentialStore, env_var_name
    from apiforge.execute.oauth2 import token_cache_for

    store = CredentialStore()
    forgotten = token_cache_for(store).drop_prefix(f"{api} {scheme} ")
    if not store.remove(api, scheme) and not forgotten:
        note = ""
        if env_var_name(api, scheme) in store.env_names():
            note = f" (it comes from the environment variable {env_var_name(api, scheme)}; unset that instead)"
        typer.echo(f"no stored credential for {api} {scheme} in {store.path}{note}", err=True)
        raise typer.Exit(2)
    typer.echo(f"removed {api} {scheme}", err=True)


@auth_app.command("login")
def login_command(
    ctx: typer.Context,
    api: Annotated[str, typer.Argument(help="API id (or unique prefix).")],
    scheme: Annotated[str, typer.Argument(help="OAuth 2.0 / OpenID Connect security scheme name.")],
    browser: Annotated[bool, typer.Option(help="Open the login page in the browser ($BROWSER is honoured).")] = True,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the login to finish.", min=1)] = 300.0,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    """Log in with OAuth 2.0 authorization code + PKCE: a browser login, a redirect to 127.0.0.1, a cached token.

    Needs the client stored first (`apiforge auth set API SCHEME --field client_id=ID`, plus client_secret for a
    confidential client). The authorize and token URLs come from the spec's flows or its openIdConnectUrl, or the
    credential's authorization_url / token_url / openid_url fields; redirect_uri fixes the loopback port when the
    provider only accepts a registered one. Later `apiforge call`s use the cached token and refresh it.

    Examples:
      apiforge auth set my-api oauth --field client_id=apiforge-cli
      apiforge auth login my-api oauth
      apiforge auth login my-api oauth --no-browser     # prints the URL to open yourself

    """
    import os
    import webbrowser

    from apiforge.cli._state import open_catalog
    from apiforge.execute import CredentialStore, Masker
    from apiforge.execute.oauth2 import AUTHORIZATION_CODE, login, resolve_settings, token_cache_for

    with open_catalog(ctx, catalog_path) as catalog:
        api_model = catalog.get_api(catalog.find_api(api).id)
    found = api_model.security_schemes.get(scheme)
    if found is None or found.type not in ("oauth2", "openIdConnect"):
        names = [n for n, s in api_model.security_schemes.items() if s.type in ("oauth2", "openIdConnect")]
        offer = f"its OAuth schemes: {', '.join(names)}" if names else "it declares no OAuth 2.0 scheme"
        typer.echo(f"'{scheme}' is not an OAuth 2.0 scheme of '{api_model.id}' ({offer})", err=True)
        raise typer.Exit(2)
    store = CredentialStore()
    cred = store.get(api_model.id, scheme)
    if cred is None:
        typer.echo(
            f"no client stored for {api_model.id} {scheme}: run "
            f"`apiforge auth set {api_model.id} {scheme} --field client_id=ID` first",
            err=True,
        )
        raise typer.Exit(2)
    settings = resolve_settings(api_model.id, found, cred)
    if settings.flow != AUTHORIZATION_CODE:
        settings = resolve_settings(api_model.id, found, _with_flow(cred, AUTHORIZATION_CODE))
    masker = Masker()
    cred.add_to(masker)

    def open_page(url: str) -> None:
        typer.echo(f"open this URL to log in (waiting up to {timeout:.0f} s):\n  {url}", err=True)
        if browser:
            command = os.environ.get("BROWSER")
            webbrowser.get(command if command and "%s" in command else None).open(url)

    cache = token_cache_for(store)
    token = login(settings, cache, masker, open_browser=open_page, timeout=timeout)
    expires = token.get("expires_in")
    summary = {
        "api": api_model.id,
        "scheme": scheme,
        "token_cache": str(cache.path),
        "expires_in": expires,
        "has_refresh_token": bool(token.get("refresh_token")),
    }
    if json_output:
        emit_json(summary)
        return
    life = f"expires in {expires:.0f} s" if isinstance(expires, float) else "no expiry given"
    refresh = "with a refresh token" if summary["has_refresh_token"] else "no refresh token"
    typer.echo(f"logged in to {api_model.id} {scheme}: token {life}, {refresh}; cached in {cache.path}", err=True)


def _with_flow(cred: Credential, flow: str) -> Credential:
    from dataclasses import replace

    return replace(cred, fields={**cred.fields, "flow": flow})


def register(app: typer.Typer) -> None:
    app.add_typer(auth_app, name="auth", help=HELP)
