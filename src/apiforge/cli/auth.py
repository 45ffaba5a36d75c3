"""`apiforge auth set/list/remove`: manage stored credentials; values are never printed, only masked hints."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from apiforge.cli._output import JsonOption, emit_json

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
  apiforge auth list --json
  apiforge auth remove httpbin bearerAuth
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


@auth_app.command("set")
def set_credential(
    api: Annotated[str, typer.Argument(help="API id.")],
    scheme: Annotated[str, typer.Argument(help="Security scheme name.")],
    value: Annotated[str | None, typer.Option(help="API key or token; '-' reads stdin.")] = None,
    username: Annotated[str | None, typer.Option(help="Username (basic/digest).")] = None,
    password: Annotated[str | None, typer.Option(help="Password (basic/digest); '-' reads stdin.")] = None,
) -> None:
    """Store a credential (replacing any previous one)."""
    from apiforge.execute import Credential, CredentialStore

    if value is not None and (username is not None or password is not None):
        raise typer.BadParameter("give --value, or --username and --password, not both", param_hint="--value")
    if username is None and password is not None:
        raise typer.BadParameter("--password needs --username", param_hint="--password")
    if username is not None:
        cred = Credential(username=username, password=_secret(password, "Password"))
    else:
        cred = Credential(value=_secret(value, "Value"))
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

    store = CredentialStore()
    if not store.remove(api, scheme):
        note = ""
        if env_var_name(api, scheme) in store.env_names():
            note = f" (it comes from the environment variable {env_var_name(api, scheme)}; unset that instead)"
        typer.echo(f"no stored credential for {api} {scheme} in {store.path}{note}", err=True)
        raise typer.Exit(2)
    typer.echo(f"removed {api} {scheme}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(auth_app, name="auth", help=HELP)
