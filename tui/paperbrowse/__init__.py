"""paperbrowse: a terminal app for reading research papers.

The public API for scripts is :func:`load`, which returns a searchable
:class:`~paperbrowse.core.library.Library` (``Library.search`` gives
:class:`Hit` objects, each holding a :class:`Paper`). It is imported lazily so
that ``paperbrowse --version`` and the app's first frame stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from paperbrowse.core.library import Library, load
    from paperbrowse.core.models import Paper
    from paperbrowse.core.search.results import Hit

__all__ = ["Hit", "Library", "Paper", "__version__", "load"]

# Where each public name lives; imported on first use.
_PUBLIC = {
    "load": "paperbrowse.core.library",
    "Library": "paperbrowse.core.library",
    "Paper": "paperbrowse.core.models",
    "Hit": "paperbrowse.core.search.results",
}


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(name)
