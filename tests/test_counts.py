"""Counts read as English: one paper, two papers (core.counts, used by the app and CLI)."""

from __future__ import annotations

import pytest

from paperbrowse.core.text.counts import counted, plural


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0 papers"), (1, "1 paper"), (2, "2 papers"), (1234, "1,234 papers")],
)
def test_a_count_and_its_noun_agree(count: int, shown: str) -> None:
    assert counted(count, "paper") == shown


def test_irregular_plurals_and_bare_nouns() -> None:
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"
    assert plural(1, "citation") == "citation" and plural(1.0, "citation") == "citation"
    assert plural(2, "citation") == "citations"
