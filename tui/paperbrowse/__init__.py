"""paperbrowse: a terminal app for reading research papers.

The public API for scripts is :func:`load`, which returns a searchable
:class:`~paperbrowse.core.library.Library`. It is imported lazily so that
``paperbrowse --version`` and the app's first frame stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from paperbrowse.core.library import Library, load

__all__ = ["Library", "__version__", "load"]


def __getattr__(name: str) -> Any:
    if name in ("load", "Library"):
        from paperbrowse.core import library

        return getattr(library, name)
    raise AttributeError(name)
