"""The user's settings (the theme), in a small JSON file in the platform's config folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def config_path() -> Path:
    override = os.environ.get("PAPERBROWSE_CONFIG_DIR")
    if override:
        return Path(override) / "config.json"
    from platformdirs import user_config_dir

    return Path(user_config_dir("paperbrowse", appauthor=False)) / "config.json"


def load_config() -> dict[str, Any]:
    """Settings saved earlier; a missing or damaged file gives defaults."""
    try:
        data = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_config(**changes: Any) -> None:
    """Merge changes into the file, written atomically; failures are ignored (settings only)."""
    path = config_path()
    data = load_config() | changes
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass
