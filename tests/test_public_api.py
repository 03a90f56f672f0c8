"""The public API scripts use stays where the README says, whatever the package layout."""

from __future__ import annotations

from pathlib import Path

import paperbrowse


def test_a_script_loads_searches_and_reads_hits_through_the_top_level_names(
    seed_path: Path,
) -> None:
    library = paperbrowse.load(seed_path)
    assert isinstance(library, paperbrowse.Library)
    hits = library.search("graph", limit=3)
    assert hits
    assert all(isinstance(hit, paperbrowse.Hit) for hit in hits)
    assert all(isinstance(hit.paper, paperbrowse.Paper) for hit in hits)


def test_every_public_name_is_listed() -> None:
    assert set(paperbrowse.__all__) >= {"load", "Library", "Paper", "Hit"}
    for name in paperbrowse.__all__:
        assert getattr(paperbrowse, name) is not None
