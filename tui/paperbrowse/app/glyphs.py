"""How the user's marks look: the list's mark column and the detail pane's rows.

Pure functions of a paper's ``Marks`` (core/marks/store.py) and whether it is
selected for export; every glyph is one cell wide, so rows stay aligned.
Tags and notes are user text: they only ever become ``rich.text.Text``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from paperbrowse.core.marks.store import Marks, Store
    from paperbrowse.core.models import Paper

SELECTED_GLYPH = "●"  # marked with space, for export and copy
BOOKMARK_GLYPH = "★"
READ_GLYPH = "✓"
NOTE_GLYPH = "✎"

SELECTED_STYLE = "bold magenta"
BOOKMARK_STYLE = "bold yellow"
READ_STYLE = "green"
NOTE_STYLE = "cyan"
LABEL_WIDTH = 10  # as the detail pane's own labels


def shows_glyph(marks: Marks) -> bool:
    """Whether ``marks`` puts a glyph in the list's mark column (tags and files do not)."""
    return marks.bookmarked or marks.read or marks.has_note


def column_shown(every_paper_marks: Iterable[Marks]) -> bool:
    """Whether the list has a mark column for papers with these marks. None at all until
    something shows in it: a new user's rows keep their room, and so do they when papers
    only have tags or an attached PDF."""
    return any(map(shows_glyph, every_paper_marks))


def glyphs_to_keep(store: Store | None) -> Callable[[Paper], str]:
    """Each paper's mark column as a later launch first shows it (kept with its first
    screen, ``kept_mark_column``): its glyphs, plain, none marked with space (nothing is
    at launch); "" for every paper while no mark shows a glyph (no column). Whether one
    does is asked once, not once a row."""
    if store is None or not column_shown(store.all_marks().values()):
        return lambda paper: ""
    return lambda paper: mark_column(store.marks(paper), selected=False).plain


def kept_glyphs_now(ids: Sequence[str]) -> list[str] | None:
    """A kept first screen's rows' mark columns (their papers' ``ids``) as the database
    holds them now, in the form ``glyphs_to_keep`` keeps: read when the marks changed
    since the screen was kept, so the column is there (or not) as the library read
    draws it, and no row moves over when that comes. None when it cannot be read."""
    from paperbrowse.core.marks import glance

    shown = glance.glyph_marks()
    if shown is None:
        return None
    if not shown:
        return ["" for _ in ids]  # no mark shows a glyph: no column
    unmarked = (False, False, False)
    return [_column((False, *shown.get(id_, unmarked))).plain for id_ in ids]


# The mark column's places, in order, each with its glyph and style.
MARK_PLACES = (
    (SELECTED_GLYPH, SELECTED_STYLE),
    (BOOKMARK_GLYPH, BOOKMARK_STYLE),
    (READ_GLYPH, READ_STYLE),
    (NOTE_GLYPH, NOTE_STYLE),
)


def mark_column(marks: Marks | None, selected: bool) -> Text:
    """The glyphs before a row's title: selected, bookmarked, read, noted (blanks when not)."""
    shown = (
        selected,
        marks is not None and marks.bookmarked,
        marks is not None and marks.read,
        marks is not None and marks.has_note,
    )
    return _column(shown)


def kept_mark_column(glyphs: str) -> Text:
    """A kept first screen's mark column (``core.first_screen``), from the glyphs kept:
    each place shows its glyph where that glyph was kept there, a blank otherwise (so a
    damaged entry draws blanks, never its own text). Nothing without glyphs kept, and
    never the selection's: a launch starts with nothing marked with space."""
    if not glyphs:
        return Text()
    return _column(
        0 < index < len(glyphs) and glyphs[index] == glyph
        for index, (glyph, _) in enumerate(MARK_PLACES)
    )


def _column(shown: Iterable[bool]) -> Text:
    text = Text(no_wrap=True)
    for (glyph, style), on in zip(MARK_PLACES, shown, strict=True):
        text.append(glyph if on else " ", style)
    return text


def _row(label: str, value: Text) -> Text:
    return Text.assemble((f"{label:<{LABEL_WIDTH}}", "dim"), value)


def status_text(marks: Marks | None, selected: bool) -> Text:
    """``★ bookmarked · ✓ read`` or ``unread``, as one line."""
    parts: list[Text] = []
    if marks is not None and marks.bookmarked:
        parts.append(Text(f"{BOOKMARK_GLYPH} bookmarked", BOOKMARK_STYLE))
    if marks is not None and marks.read:
        parts.append(Text(f"{READ_GLYPH} read", READ_STYLE))
    else:
        parts.append(Text("unread", "dim"))
    if selected:
        parts.append(Text(f"{SELECTED_GLYPH} marked for export", SELECTED_STYLE))
    return Text(" · ", "dim").join(parts)


def detail_rows(marks: Marks | None, selected: bool) -> list[Text]:
    """Rows for the detail pane's header: status, and tags when there are any."""
    rows = [_row("Status", status_text(marks, selected))]
    if marks is not None and marks.tags:
        tags = Text(", ").join(Text(tag, "bold cyan") for tag in marks.tags)
        rows.append(_row("Tags", tags))
    return rows


def note_lines(marks: Marks | None, edit_key: str = "n") -> list[Text]:
    """The note, under the abstract: a heading (with the key that edits it, when there is
    one) and the text as typed (never markup)."""
    if marks is None or not marks.has_note:
        return []
    heading = f"{NOTE_GLYPH} Note ({edit_key} to edit)" if edit_key else f"{NOTE_GLYPH} Note"
    return [Text(), Text(heading, "bold cyan"), Text(marks.note.rstrip())]
