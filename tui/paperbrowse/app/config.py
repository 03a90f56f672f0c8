"""The user's settings (the theme), in a small JSON file in the platform's config folder."""

from __future__ import annotations

import json
from typing import Any

from paperbrowse.core.locations import config_file as config_path


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
