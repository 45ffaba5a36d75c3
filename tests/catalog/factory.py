"""Hand-built specs for catalog tests (no loader involved)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from apiforge.spec import (
    Api,
    LoadedSpec,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityScheme,
    Server,
    SpecWarning,
)


def make_op(op_id: str, method: str = "GET", path: str | None = None, **kw: object) -> Operation:
    kw.setdefault("security", ())  # the loader never leaves it None
    return Operation(id=op_id, method=method, path=path or f"/{op_id}", **kw)  # type: ignore[arg-type]


def pets_api(api_id: str = "pets", *, version: str = "1.0", extra_ops: tuple[Operation, ...] = ()) -> Api:
    ops = (
        make_op(
            "listPets",
            "GET",
            "/pets",
            summary="List all pets",
            tags=("pets",),
            parameters=(Parameter("limit", "query", schema={"type": "integer"}, example=10, has_example=True),),
            responses=(
                Response(
                    "200",
                    "A page",
                    {"application/json": MediaType({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}})},
                ),
            ),
            security=({"key": []},),
        ),
        make_op(
            "createPet",
            "POST",
            "/pets",
            summary="Create a pet",
            description="Adds a pet to the store.",
            tags=("pets", "admin"),
            request_body=RequestBody({"application/json": MediaType({"$ref": "#/components/schemas/Pet"})}, True),
            responses=(Response("201", "Created"),),
            security=({"key": []},),
        ),
        make_op("getOwner", "GET", "/owners/{id}", summary="Find an owner by id", tags=("owners",), deprecated=True),
        *extra_ops,
    )
    return Api(
        id=api_id,
        title="Pet Store",
        version=version,
        description="Pets and owners.",
        servers=(Server("https://pets.example/v1"),),
        security_schemes={"key": SecurityScheme("key", "apiKey", location="header", param_name="X-Key")},
        operations=ops,
        schemas={
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "parent": {"$ref": "#/components/schemas/Pet"},
                },
            }
        },
        source=f"/specs/{api_id}.yaml",
        spec_version="3.0.3",
        extensions={"x-providerName": "pets.example"},
    )


def loaded(api: Api, digest: str = "", warnings: tuple[SpecWarning, ...] = ()) -> LoadedSpec:
    return LoadedSpec(api=api, warnings=warnings, digest=digest, size=123)


def dump(db: Path) -> list[str]:
    """Every row of every table, as SQL text, read through a separate connection."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
