"""A BibTeX entry pasted where an identifier is asked for (Zotero's "Import from
clipboard", cobib's ``add -b``): read by paperbrowse's own BibTeX reader, never looked up,
then added as a looked-up paper is (``adding``: the same checks for a paper or key the
file has, the same backup)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from paperbrowse.core.errors import FormatError
from paperbrowse.core.formats.bibvalues import comment_scan
from paperbrowse.core.models import Paper

PASTED = "(pasted BibTeX)"  # the "file" the reader's messages name


def is_bibtex_entry(text: str) -> bool:
    """Whether ``text`` is a BibTeX entry (``@article{...``), which no identifier or
    title starts as, after the comments a .bib may begin with (JabRef's "% Encoding")."""
    return next(without_comments(text), "").lstrip().startswith("@")


_ENTRY_OPENER = re.compile(r"@\s*\w+\s*([({])")


def without_comments(text: str) -> Iterator[str]:
    """The lines of ``text`` that hold more than a ``%`` comment, each without its comment:
    from a ``%`` outside any value to the line's end (``title = {A Paper}, % from
    Scholar``). Joined into one line (the add dialog's field), a comment would run on over
    the lines after it. A ``%`` in a value is text: in braces (``{50% of}``, a URL's
    ``%20``, a line of an abstract starting with one), in quotes, or escaped (``\\%``)."""
    depth = 0  # braces open: 1 inside an entry, 2 and more inside a braced value
    quoted = False  # inside a "quoted" value
    # Braces open outside any value: the entry's own, unless it opens with "(" (``@article(k,
    # ...)``, which BibTeX allows: its values' braces are then the first).
    opener = _ENTRY_OPENER.search(text)
    top = 0 if opener is not None and opener.group(1) == "(" else 1
    for line in text.splitlines():
        comment, depth, quoted = comment_scan(line, depth, quoted, top=top)
        kept = line if comment is None else line[:comment]
        if kept.strip():
            yield kept


def pasted_paper(text: str) -> Paper | str:
    """The one paper of a pasted BibTeX entry, its key kept; else why there is none (no
    title, a brace never closed) or that there are several, for ``client.look_up`` to
    raise (this module imports nothing of the client's: no cycle)."""
    from paperbrowse.core.formats.bibtex import parse_bibtex

    try:
        read = parse_bibtex(text.strip(), PASTED)
    except (FormatError, RecursionError, MemoryError) as error:
        return f"the pasted BibTeX cannot be read: {error}"
    if len(read.papers) > 1:
        return f"the pasted BibTeX has {len(read.papers)} entries; paste one"
    if not read.papers:
        why = read.problems[0].message.removesuffix("; skipped") if read.problems else ""
        return f"the pasted BibTeX has no entry to add{': ' + why if why else ''}"
    return read.papers[0]
