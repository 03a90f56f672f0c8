"""Full-text hits merged below a search's own: the main index is never rebuilt for them.

A query's free words and its phrases (``"margin loss"``, in any field) are looked for
in the PDFs' bodies (``BodyIndex``); papers found there and not by the index are
listed after every title, author and abstract match, in the library's order. They
obey the rest of the query as the index does: its filters (``year:``, ``has:pdf``),
its exclusions (``-word``, looked for in titles, authors and abstracts) and its terms
tied to one field (``author:cohan``). A phrase may be in the body or in the paper's
fields; every free word must be in the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from paperbrowse.core.library import Library
from paperbrowse.core.models import Paper
from paperbrowse.core.pdf.body_index import BodyIndex, Passage, register_fulltext_filter
from paperbrowse.core.pdf.check import is_pdf_name
from paperbrowse.core.pdf.fulltext import FullText, Progress, extract_all
from paperbrowse.core.pdf.worker import PdfWorker
from paperbrowse.core.search.query import FIELDS, Query, Term
from paperbrowse.core.search.results import Results

BODY_SCORE = 0.0  # below any index match's score
# Shorter words (and the first keys of a word being typed) are in nearly every PDF:
# they are not looked for in bodies, so "a transformer" looks for "transformer".
BODY_WORD_MIN = 3


def body_query(parsed: Query) -> str:
    """The free words of a query looked for in the bodies, those long enough."""
    words = (w for term in parsed.free_words for w in term.words)
    return " ".join(w for w in words if len(w) >= BODY_WORD_MIN)


def body_phrases(parsed: Query) -> tuple[Term, ...]:
    """The query's phrases (and quoted words) not tied to a field: a body may hold them."""
    return tuple(term for term in parsed.required if term.phrase and term.fields == FIELDS)


def body_hits(library: Library, body: BodyIndex, parsed: Query) -> set[str]:
    """Ids of the papers whose body matches the query and which pass the rest of it.

    Looked for among the papers with a body first (the PDFs, not the whole library),
    and only those found are checked against the rest of the query.
    """
    free = body_query(parsed)
    phrases = body_phrases(parsed)
    if not (free or phrases) or not len(body):
        return set()
    index = library.index
    found = body.matching(free) if free else set(body.ids())
    for term in phrases:
        in_body = body.matching(" ".join(term.words), phrase=True, among=found)
        elsewhere = found - in_body  # the phrase may be in the paper's own fields
        found = in_body | (index.ids_passing(holding=[term], among=elsewhere) or set())
    if not found:
        return found
    fielded = [term for term in parsed.required if term not in phrases]
    return set(index.ids_passing(parsed, fielded, among=found) or ())


def merge_body_hits(body: BodyIndex) -> Callable[[Library, Results], Results]:
    def add(library: Library, results: Results) -> Results:
        found = body_hits(library, body, results.parsed)
        if not found:
            return results
        # By their places, from the rows: reading each result and library paper made a
        # paper of every one.
        return library.index.with_more(results, found, BODY_SCORE)

    return add


def attach_bodies(
    library: Library, body: BodyIndex, why_none: Callable[[], str | None] = lambda: None
) -> Callable[[], None]:
    """Search ``body`` in ``library``'s searches (free words and ``fulltext:``); an undo.
    ``why_none``: the note of a library without PDFs (``register_fulltext_filter``)."""
    undo_filter = register_fulltext_filter(library.filters, body, why_none)
    add = merge_body_hits(body)
    library.more_hits.append(add)

    def undo() -> None:
        undo_filter()
        if add in library.more_hits:
            library.more_hits.remove(add)

    return undo


def passage_for(body: BodyIndex, paper_id: str, results: Results) -> Passage | None:
    """The passage of the paper's PDF that matched the search, if its body matched."""
    parsed = results.parsed
    for f in parsed.filters:
        if f.key == "fulltext" and not f.negated:
            return body.passage(paper_id, f.value, phrase=" " in f.value.strip())
    for term in body_phrases(parsed):
        found = body.passage(paper_id, " ".join(term.words), phrase=True)
        if found is not None:
            return found
    free = body_query(parsed)
    return body.passage(paper_id, free) if free else None


def pdf_owners(
    papers: Iterable[Paper], files_of: Callable[[Paper], Sequence[Path]]
) -> dict[Path, list[str]]:
    """Each PDF on disk of these papers, with the ids of the papers it is a file of."""
    owners: dict[Path, list[str]] = {}
    for paper in papers:
        for path in files_of(paper):
            if is_pdf_name(path) and path.is_file():
                owners.setdefault(path, []).append(paper.id)
    return owners


def read_bodies(
    papers: Iterable[Paper],
    files_of: Callable[[Paper], Sequence[Path]],
    worker: PdfWorker,
    folder: Path | None = None,
    progress: Progress | None = None,
) -> BodyIndex:
    """The text of the papers' PDFs, from the cache or extracted now (the CLI's way);
    ``progress(done, total)`` after each PDF."""
    owners = pdf_owners(papers, files_of)
    body = BodyIndex()

    def read(path: Path, text: FullText) -> None:
        for paper_id in owners[path]:
            body.add(paper_id, text)

    extract_all(owners, worker, progress, folder=folder, each=read)
    return body
