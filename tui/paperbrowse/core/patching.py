"""Another library's method replaced by ours, once per process.

For the fixes put on citeproc-py's element classes (``cite.processor``,
``cite.references``) and on Textual's (``app.textual_patches``). Imports nothing, so
the app can use it before its first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Method = Callable[..., Any]


def install_once(owner: Any, name: str, replacing: Callable[[Method], Method]) -> None:
    """``owner.name`` replaced by ``replacing(original)``, once per process: the fix goes
    on the class (citeproc-py's elements are lxml element classes), and a later call
    (another style, another thread's first reference, a second app) finds it there and
    leaves it."""
    original = getattr(owner, name)
    if getattr(original, "installed_by", None) is replacing:
        return
    replacement = replacing(original)
    replacement.installed_by = replacing  # type: ignore[attr-defined]
    setattr(owner, name, replacement)
