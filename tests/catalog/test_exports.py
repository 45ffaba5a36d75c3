from __future__ import annotations

import importlib

import pytest

OWN_MODULES = [
    "apiforge.catalog",
    "apiforge.catalog._catalog",
    "apiforge.catalog._paths",
    "apiforge.catalog._prepare",
    "apiforge.catalog._rows",
    "apiforge.catalog._schema",
    "apiforge.cli",
    "apiforge.cli._output",
    "apiforge.cli._schema_tree",
    "apiforge.cli._state",
    "apiforge.cli.app",
    "apiforge.examples",
]


@pytest.mark.parametrize("name", OWN_MODULES)
def test_module_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__ and all(hasattr(module, attr) for attr in module.__all__)


def test_every_registered_command_module_has_register_and_all() -> None:
    from apiforge.cli.app import COMMANDS

    for name in COMMANDS:
        module = importlib.import_module(f"apiforge.cli.{name}")
        assert callable(module.register) and "register" in module.__all__
