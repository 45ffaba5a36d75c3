"""The registry of code targets: each target is a small module with a `render(request) -> str` function.

Built-in targets register themselves through the same `register_target` that third-party code uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from apiforge.errors import RenderError, did_you_mean
from apiforge.http import HttpRequest

__all__ = ["Target", "get_target", "register_target", "render", "targets"]


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    """Registry key, e.g. `python_requests`, `shell_curl` (API Pack names are used where API Pack has the target)."""
    language: str
    """What users type for `--lang`: `curl`, `python`, `go`, ... Several targets may share a language."""
    client: str
    """The library used, e.g. `requests`, `net/http`, `OkHttp`."""
    render: Callable[[HttpRequest], str]
    extension: str = ""
    """File extension for saving the snippet (`py`, `go`, ...)."""
    aliases: tuple[str, ...] = ()
    """Other names accepted on the command line (e.g. `requests`, `okhttp`)."""


_TARGETS: dict[str, Target] = {}


def register_target(target: Target) -> Target:
    """Add a target to the registry (a later registration of the same name replaces the earlier one)."""
    _TARGETS[target.name] = target
    return target


def targets() -> list[Target]:
    _load_builtins()
    return list(_TARGETS.values())


def get_target(name: str) -> Target:
    """Look a target up by name, alias or language (a bare language picks its default, first-registered target)."""
    _load_builtins()
    key = name.lower()
    if key in _TARGETS:
        return _TARGETS[key]
    for target in _TARGETS.values():
        if key in target.aliases:
            return target
    for target in _TARGETS.values():
        if key == target.language:
            return target
    names = sorted({*_TARGETS, *(a for t in _TARGETS.values() for a in t.aliases)})
    raise RenderError(f"Unknown target '{name}'.{did_you_mean(key, names)} Known: {', '.join(sorted(_TARGETS))}")


def render(request: HttpRequest, target: str) -> str:
    return get_target(target).render(request)


_loaded = False


def _load_builtins() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from apiforge.snippets import _builtins  # noqa: F401  (each module registers itself)
