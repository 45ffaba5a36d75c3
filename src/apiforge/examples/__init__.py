"""Small example API descriptions shipped with apiforge, for `apiforge quickstart` and the README.

Written for apiforge (not copied from anywhere): a bookshop (OpenAPI 3.0, API key), a notes service
(Swagger 2.0, HTTP basic, file upload) and a weather service (OpenAPI 3.1, OAuth 2 client credentials).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["EXAMPLE_FILES", "example_paths"]

EXAMPLE_FILES = ("bookshop.openapi.yaml", "notes.swagger.json", "weather.openapi.yaml")


def example_paths() -> list[Path]:
    """Paths of the bundled example specs (they live inside the installed package)."""
    root = files(__name__)
    return [Path(str(root.joinpath(name))) for name in EXAMPLE_FILES]
