"""Where the catalog database lives: `--catalog PATH`, else `$APIFORGE_CATALOG`, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CATALOG_ENV", "default_catalog_path"]

CATALOG_ENV = "APIFORGE_CATALOG"


def default_catalog_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the catalog file: the explicit path wins, then `$APIFORGE_CATALOG`, then `user_data_dir/catalog.db`.

    platformdirs is imported here, not at module level, so that commands that never touch the catalog stay fast.
    """
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(CATALOG_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("apiforge")) / "catalog.db"
