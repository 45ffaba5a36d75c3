"""`apiforge show`: a readable view of an API or of one operation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._schema_tree import SchemaNode, describe_type, outline, referenced_schemas
from apiforge.cli._state import open_catalog
from apiforge.spec import Api, Operation, SecurityScheme

if TYPE_CHECKING:
    from rich.console import Console

    from apiforge.catalog import ApiRow, OperationRow

__all__ = ["describe_scheme", "register", "show"]

HELP = """\
Show an API (summary, servers, auth schemes, operations) or one operation (parameters, request body,
responses, auth).

API is an id, or a unique prefix or title; OPERATION is an operation id or "METHOD /path".

Examples:

\b
  apiforge show xkcd.com
  apiforge show xkcd.com getComicById
  apiforge show stripe "POST /v1/customers" --depth 1
  apiforge show bookshop createBook --json
"""


def describe_scheme(scheme: SecurityScheme) -> str:
    """One line saying how to authenticate, e.g. `API key in header 'X-Api-Key'`."""
    if scheme.type == "apiKey":
        return f"API key in {scheme.location or '?'} '{scheme.param_name}'"
    if scheme.type == "http":
        fmt = f" ({scheme.bearer_format})" if scheme.bearer_format else ""
        return f"HTTP {scheme.scheme or 'auth'}{fmt}"
    if scheme.type == "oauth2":
        scopes = sorted({s for flow in scheme.flows.values() for s in (flow.get("scopes") or {})})
        more = f"; scopes: {', '.join(scopes[:8])}" + (" …" if len(scopes) > 8 else "") if scopes else ""
        return f"OAuth 2 ({', '.join(scheme.flows) or 'no flows'}){more}"
    if scheme.type == "openIdConnect":
        return f"OpenID Connect ({scheme.openid_url})"
    return scheme.type


def _spec_label(api: Api) -> str:
    if not api.spec_version:
        return api.kind
    return ("Swagger " if api.spec_version.startswith("2") else "OpenAPI ") + api.spec_version


def _auth_lines(api: Api, op: Operation) -> list[str]:
    if not op.security:
        return ["none"]
    lines = []
    for requirement in op.security:
        if not requirement:
            lines.append("none (optional auth)")
            continue
        parts = []
        for name, scopes in requirement.items():
            scheme = api.security_schemes.get(name)
            text = f"{name}: {describe_scheme(scheme) if scheme else 'undefined scheme'}"
            parts.append(text + (f" [scopes: {', '.join(scopes)}]" if scopes else ""))
        lines.append(" + ".join(parts))
    return lines


def _tree(node: SchemaNode) -> Any:
    from rich.markup import escape
    from rich.tree import Tree

    def add(parent: Any, child: SchemaNode) -> None:
        branch = parent.add(escape(child.label))
        for grandchild in child.children:
            add(branch, grandchild)

    tree = Tree(escape(node.label))
    for child in node.children:
        add(tree, child)
    return tree


def _print_api(console: Console, row: ApiRow, api: Api, ops: list[OperationRow], warnings: list[str]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]{escape(api.title)}[/] [dim]{escape(api.id)} · version {escape(api.version)}[/]")
    console.print(
        f"{escape(_spec_label(api))} · "
        f"{row.operation_count} operations · {row.schema_count} schemas · source {escape(api.source)}"
    )
    if api.description:
        console.print(escape(short(api.description, 400)))
    servers = Table("Server", "Description", title="Servers", title_justify="left")
    for s in api.servers:
        servers.add_row(escape(s.url), escape(short(s.description, 60)))
    console.print(servers if api.servers else "[dim]No servers given.[/]")
    if api.security_schemes:
        auth = Table("Scheme", "Type", "How", title="Auth schemes", title_justify="left")
        for name, scheme in api.security_schemes.items():
            auth.add_row(escape(name), scheme.type, escape(describe_scheme(scheme)))
        console.print(auth)
    else:
        console.print("[dim]No auth schemes.[/]")
    table = Table("Operation", "Method", "Path", "Summary", title="Operations", title_justify="left")
    for r in ops:
        table.add_row(escape(r.id), r.method, escape(r.path), escape(short(r.summary, 60)))
    console.print(table)
    if warnings:
        console.print(f"[yellow]{len(warnings)} loader warnings[/]" + (", first 10:" if len(warnings) > 10 else ":"))
        for w in warnings[:10]:
            console.print(f"  [yellow]•[/] {escape(w)}")


def _example(p: Any) -> str:
    if p.has_example:
        return repr(p.example) if isinstance(p.example, str) else str(p.example)
    schema = p.schema
    if "default" in schema:
        return f"default {schema['default']!r}"
    return ""


def _print_operation(console: Console, api: Api, op: Operation, depth: int) -> None:
    from rich.markup import escape
    from rich.table import Table

    dep = " [red](deprecated)[/]" if op.deprecated else ""
    console.print(f"[bold]{op.method} {escape(op.path)}[/]{dep}  [dim]{escape(api.id)} · {escape(op.id)}[/]")
    if op.summary:
        console.print(escape(op.summary))
    if op.description and op.description.strip() != op.summary.strip():
        console.print(f"[dim]{escape(short(op.description, 400))}[/]")
    servers = op.servers or api.servers
    if servers:
        console.print("Servers: " + ", ".join(escape(s.url) for s in servers))
    console.print("Auth: " + "  |  ".join(escape(line) for line in _auth_lines(api, op)))
    if op.parameters:
        table = Table("Name", "In", "Type", "Required", "Enum", "Example", "Description", title="Parameters")
        table.title_justify = "left"
        for p in op.parameters:
            enum = " | ".join(str(v) for v in p.enum[:6]) + (" …" if len(p.enum) > 6 else "")
            table.add_row(
                escape(p.name),
                p.location,
                escape(describe_type(p.schema).split(" enum:")[0]),
                "yes" if p.required else "",
                escape(enum),
                escape(short(_example(p), 30)),
                escape(short(p.description, 50)),
            )
        console.print(table)
    else:
        console.print("[dim]No parameters.[/]")
    if op.request_body is not None:
        required = " (required)" if op.request_body.required else ""
        console.print(f"[bold]Request body{required}[/]")
        for media, content in op.request_body.content.items():
            node = outline(api, content.schema, label=f"{media}: {describe_type(content.schema)}", depth=depth)
            console.print(_tree(node))
    table = Table("Status", "Description", "Body", title="Responses", title_justify="left")
    for r in op.responses:
        body = ", ".join(f"{m}: {describe_type(c.schema)}" for m, c in r.content.items())
        table.add_row(r.status, escape(short(r.description, 60)), escape(body))
    console.print(table)


def show(
    ctx: typer.Context,
    api: Annotated[str, typer.Argument(help="API id, or a unique prefix or title.", show_default=False)],
    operation: Annotated[str | None, typer.Argument(help='Operation id or "METHOD /path".', show_default=False)] = None,
    depth: Annotated[int, typer.Option("--depth", min=0, help="How many named schemas deep to expand bodies.")] = 3,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        row = catalog.find_api(api)
        if operation is not None:
            model, op = catalog.get_operation(row.id, operation)
        else:
            model = catalog.get_api(row.id)
            ops = catalog.operations(row.id)
            warnings = [str(w) for w in catalog.warnings(row.id)]
    console = None if json_output else make_console()
    if operation is not None:
        if console is None:
            schemas = [p.schema for p in op.parameters]
            if op.request_body is not None:
                schemas += [m.schema for m in op.request_body.content.values()]
            schemas += [m.schema for r in op.responses for m in r.content.values()]
            emit_json(
                {
                    "api": row.to_dict(),
                    "operation": op.to_dict(),
                    "security_schemes": {k: v.to_dict() for k, v in model.security_schemes.items()},
                    "servers": [s.to_dict() for s in op.servers or model.servers],
                    "schemas": referenced_schemas(model, *schemas),
                }
            )
        else:
            _print_operation(console, model, op, depth)
        return
    if console is None:
        emit_json(
            {
                "api": row.to_dict(),
                "servers": [s.to_dict() for s in model.servers],
                "security_schemes": {k: v.to_dict() for k, v in model.security_schemes.items()},
                "operations": [r.to_dict() for r in ops],
                "warnings": warnings,
            }
        )
    else:
        _print_api(console, row, model, ops, warnings)


def register(app: typer.Typer) -> None:
    app.command("show", help=HELP, no_args_is_help=True)(show)
