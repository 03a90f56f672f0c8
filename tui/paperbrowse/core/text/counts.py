"""Counts as a user reads them: "1 paper", "2 papers", "1,234 papers".

Kept apart from core/text/clean.py, whose source is part of the parse cache's
fingerprint: a change of wording need not re-read every library.
"""

from __future__ import annotations


def plural(count: float, noun: str, many: str | None = None) -> str:
    """``noun`` for exactly one, else its plural (``many``, by default ``noun`` + "s")."""
    return noun if count == 1 else many or noun + "s"


def counted(count: int, noun: str, many: str | None = None) -> str:
    """The count, thousands separated, and its noun agreeing with it: "1 paper", "0 papers"."""
    return f"{count:,} {plural(count, noun, many)}"
