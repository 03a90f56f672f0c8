"""What the detail pane lists under a paper: the library's papers it cites and that cite it.

The graph (``core.citations``) is resolved in the loader's thread once searching works,
and the pane redrawn then (``CitationsReady``); a small library, or one handed in
already loaded, resolves it when its first detail is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from paperbrowse.app.widgets.citation_links import LinkSection
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper

# Up to this many papers the graph is resolved when a detail is first drawn, if the
# loader has not done it yet (milliseconds); a bigger library waits for the loader.
RESOLVED_WHEN_SHOWN = 5_000
CITES = "Cites (in this library)"
CITED_BY = "Cited by (in this library)"


def links_shown(library: Library) -> Callable[[Paper], Sequence[LinkSection]]:
    """The detail pane's "Cites" and "Cited by" sections for a paper of ``library``."""

    def sections(paper: Paper) -> Sequence[LinkSection]:
        if not library.citations_ready and (
            len(library.papers) > RESOLVED_WHEN_SHOWN or not library.carries_citations
        ):
            return ()
        graph = library.citations
        if not graph.edge_count:
            return ()
        # (Imported here: the list of links is not the first screen's, and most libraries
        # never show one.)
        from paperbrowse.app.widgets.citation_links import LinkSection

        # The search listing a whole section names the paper by its key once made.
        name = library.keys.get(paper.id, paper.id) if library.keys_ready else paper.id
        return (
            LinkSection(CITES, graph.cites(paper), f"citedby:{name}"),
            LinkSection(CITED_BY, graph.cited_by(paper), f"cites:{name}"),
        )

    return sections
