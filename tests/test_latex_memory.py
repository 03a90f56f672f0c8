"""Converting LaTeX frees what it used at once, even while loading pauses the collector.

pylatexenc leaves a reference cycle through an exception's traceback that
holds every calling frame; with the collector paused (``memory.gc_paused``,
as every load does) a 100k-paper profile kept each conversion's frames, and
the file's text they reference, until the load ended (issue 11: 3.7 GB).
"""

from __future__ import annotations

import weakref

from paperbrowse.core.memory import gc_paused
from paperbrowse.core.text import latex
from paperbrowse.core.text.latex import latex_to_text


class _FileText:
    """Stands for the text of a large file, held by a caller of the conversion."""


def _convert_while_holding(holder: _FileText) -> str:
    text, _ = latex_to_text(r"We use \textit{graphs} -- and {\method}, see \cite{a}.", "X")
    return text


def test_a_conversion_leaves_its_callers_free_with_the_collector_paused() -> None:
    latex._remembered_run.cache_clear()  # pylatexenc must run, not the memory of a run
    with gc_paused():
        held = _FileText()
        alive = weakref.ref(held)
        assert _convert_while_holding(held) == "We use graphs – and X, see [a]."
        del held
        assert alive() is None
