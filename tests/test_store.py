"""A reopened library keeps its papers as rows and makes a paper only when one is asked for."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paperbrowse.core import library as library_module
from paperbrowse.core.cache import writes_deferred
from paperbrowse.core.library import Library, load
from paperbrowse.core.merge import merge_duplicates
from paperbrowse.core.models import Paper
from paperbrowse.core.rows import PAPER_FIELDS
from paperbrowse.core.search import index_cache
from paperbrowse.core.search.index import SearchIndex
from paperbrowse.core.stats import papers_by_author
from paperbrowse.core.store import (
    PaperStore,
    field_values,
    index_after,
    index_of_id,
    stored_as_rows,
)

AS_OF = dt.date(2025, 11, 24)
PAPERS = 300


def library_file(folder: Path, papers: int = PAPERS) -> Path:
    """A BibTeX library large enough to be cached, with one paper listed twice."""
    entries = [
        f"@inproceedings{{k{i}, title={{Learning thing {i}}}, author={{Doe, Jane and Roe, R{i}}},"
        f" booktitle={{Proceedings of ACL}}, year={{{2000 + i % 20}}},"
        f" abstract={{{'An abstract about graphs. ' * 8}}}}}\n"
        for i in range(papers)
    ]
    entries.append(
        "@article{k7, title={Learning thing 7}, author={Doe, Jane}, year=2007,"  # again
        " doi={10.1000/seven}}\n"
    )
    path = folder / "lib.bib"
    path.write_text("".join(entries))
    return path


def reopened(path: Path) -> PaperStore:
    load(path, as_of=AS_OF)  # parsed, then cached
    papers = load(path, as_of=AS_OF).papers
    assert isinstance(papers, PaperStore)
    return papers


def test_a_reopened_library_makes_papers_only_for_what_is_shown(
    cache_dir: Path, tmp_path: Path
) -> None:
    path = library_file(tmp_path)
    library = load(path, as_of=AS_OF)
    library = load(path, as_of=AS_OF)
    papers = library.papers
    assert isinstance(papers, PaperStore)
    shown = library.listing()
    hits = library.search("thing 12", limit=10)
    assert [hit.paper.title for hit in hits][:1] == ["Learning thing 12"]
    assert len(shown) == PAPERS and shown[0].year == 2019
    assert library.keys[papers[3].id] == "k3"
    assert library.find("year:2005 has:abstract")
    assert [p.title for p in papers_by_author(papers, "R12 Roe")] == ["Learning thing 12"]
    # Listing, indexing, ten hits, the keys, filters, an author's papers: a few dozen at most.
    assert papers.built < 40


def test_papers_made_from_rows_equal_the_parsed_ones_and_stay_the_same_objects(
    cache_dir: Path, tmp_path: Path
) -> None:
    path = library_file(tmp_path)
    parsed = load(path, as_of=AS_OF).papers
    papers = reopened(path)
    assert papers[5] is papers[5]
    assert list(papers) == list(parsed)
    assert papers == parsed
    for name in ("title", "authors", "venue", "date", "source", "abstract", "doi"):
        assert field_values(papers, name) == [getattr(p, name) for p in parsed]


def test_duplicates_across_files_merge_the_same_from_rows(cache_dir: Path, tmp_path: Path) -> None:
    first = library_file(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    second = library_file(other, papers=250)
    parsed = merge_duplicates([*load(first, as_of=AS_OF).papers, *load(second, as_of=AS_OF).papers])
    library = load(first, second, as_of=AS_OF)  # both reopened from the cache
    assert isinstance(library.papers, PaperStore)
    assert list(library.papers) == list(parsed)
    seven = next(p for p in library.papers if p.title == "Learning thing 7")
    assert seven.doi == "10.1000/seven" and len(seven.sources) == 4  # twice in each file


def test_the_index_does_not_see_papers_changed_after_it_was_made(
    cache_dir: Path, tmp_path: Path
) -> None:
    library = load(library_file(tmp_path), as_of=AS_OF)
    library = load(library_file(tmp_path), as_of=AS_OF)  # reopened: a store of rows
    assert [hit.paper.title for hit in library.search("thing 12", limit=1)] == ["Learning thing 12"]
    del library.papers[0]  # every paper after the first moves up one place
    library.papers.append(library.papers[100])
    # The index holds the papers as they were when it was made, as it held a list of its own.
    assert [hit.paper.title for hit in library.search("thing 12", limit=1)] == ["Learning thing 12"]
    assert len(library.index.find("")) == PAPERS


def test_a_store_copies_adds_repeats_sorts_and_clears_like_a_list(
    cache_dir: Path, tmp_path: Path
) -> None:
    papers = reopened(library_file(tmp_path))
    as_list = list(papers)
    extra = as_list[3].model_copy(update={"id": "extra", "title": "An extra paper"})
    for copied in (papers.copy(), copy.copy(papers), papers[:]):
        copied.append(extra)
        copied[0] = extra
        assert papers == as_list  # the original is untouched
        assert len(copied) == PAPERS + 1 and copied[0] is extra
    joined = papers + [extra]
    assert len(joined) == PAPERS + 1 and joined[-1] is extra and len(papers) == PAPERS
    assert [extra, *as_list] == [extra] + papers
    assert papers * 2 == as_list * 2
    papers += [extra]
    assert papers[-1] is extra
    by_title = sorted(papers, key=lambda p: p.title)
    papers.sort(key=lambda p: p.title)
    assert papers == by_title
    papers.reverse()
    assert papers == by_title[::-1]
    papers.clear()
    assert len(papers) == 0 and papers == []


def test_a_first_listing_from_the_saved_index_follows_papers_changed_since(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_module, "STORED_ORDER_FROM", 1)
    monkeypatch.setattr(index_cache, "MIN_PAPERS", 1)
    path = library_file(tmp_path)
    with writes_deferred() as pending:
        load(path, as_of=AS_OF).index  # noqa: B018  # made, to be saved
    pending.write()
    library = load(path, as_of=AS_OF)
    oldest = min(range(PAPERS), key=lambda i: (library.papers[i].date, library.papers[i].title))
    library.papers[oldest] = library.papers[oldest].model_copy(update={"date": dt.date(2024, 1, 1)})
    # Same ids as the saved index, but one paper now the newest: it leads the listing.
    assert library.listing()[0].id == library.papers[oldest].id
    assert library.index.find("")[0].id == library.papers[oldest].id


def reopened_library(folder: Path) -> tuple[Library, PaperStore]:
    """The test library opened once, then reopened from the cache: its papers a store of rows."""
    path = library_file(folder)
    load(path, as_of=AS_OF)
    library = load(path, as_of=AS_OF)
    assert isinstance(library.papers, PaperStore)
    return library, library.papers


def test_a_paper_named_by_id_doi_or_key_is_found_without_making_the_others(
    cache_dir: Path, tmp_path: Path
) -> None:
    library, papers = reopened_library(tmp_path)
    twelve = field_values(papers, "id")[12]
    library.keys  # noqa: B018  # made first: the keys read fields, make no papers
    made_before = papers.built
    assert library.paper_named(twelve) is papers[12]
    assert library.paper_named("HTTPS://doi.org/10.1000/SEVEN").doi == "10.1000/seven"  # type: ignore[union-attr]
    assert library.paper_named("K13").title == "Learning thing 13"  # type: ignore[union-attr]
    assert library.paper_named("no such paper") is None
    # Only the papers found were made (the cites: and citedby: filters ask for one each).
    assert papers.built - made_before == 3


def test_the_highlighted_paper_is_found_in_a_listing_or_search_without_making_the_others(
    cache_dir: Path, tmp_path: Path
) -> None:
    """Clearing a search keeps the highlighted paper highlighted: it is looked for in the
    listing. Reading each paper in turn made one of every row before it (at 100k papers,
    up to the whole library, kept made, and each later collector pass slower)."""
    library, papers = reopened_library(tmp_path)
    paper = papers[250]
    made_before = papers.built
    listing, results = library.listing(), library.find("learning thing")
    for shown in (listing, results, papers):
        place = index_of_id(shown, paper.id)
        assert place is not None and shown[place] is paper
        assert index_of_id(shown, "no such paper") is None
    assert papers.built == made_before
    assert index_of_id(list(listing), paper.id) == index_of_id(listing, paper.id)


def test_of_two_papers_with_one_id_the_first_in_the_order_is_found() -> None:
    """Merging goes by DOI or title and year: a file's own ids may repeat."""
    import numpy as np

    from paperbrowse.core.store import Ordered

    store = stored_as_rows([Paper(id="same", title="One"), Paper(id="same", title="Two")])
    for order in ([1], [1, 0], np.array([1, 0]), np.array([0, 1])):
        place = index_of_id(Ordered(store, order), "same")
        assert place == 0, order
    assert index_of_id(Ordered(store, np.array([1])), "other") is None
    assert index_of_id(store, "same") == 0


def test_the_highlighted_paper_is_followed_from_a_search_to_the_listing_and_back(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By its place among the library's papers when both order them (no id read: a
    million took 0.1-0.25 s a key); the very paper, not another with its id; by id
    between plain lists."""
    import numpy as np

    from paperbrowse.core.store import Ordered

    library, papers = reopened_library(tmp_path)
    library.index  # noqa: B018  (the listing from the index: both order its papers)
    listing, results = library.listing(), library.find("learning thing 12")
    read = PaperStore.values
    ids_read: list[str] = []

    def reading(store: PaperStore, name: str, as_held: bool = False) -> list[object]:
        ids_read.append(name)
        return read(store, name, as_held)

    monkeypatch.setattr(PaperStore, "values", reading)
    for index in range(len(results)):
        place = index_after(results, index, listing)
        assert place is not None and listing[place] is results[index]
        assert index_after(listing, place, results) == index
    assert index_after(listing, 0, results) is None  # not among the results
    assert ids_read == []
    assert index_after(list(results), 0, list(listing)) == index_of_id(listing, results[0].id)
    twins = stored_as_rows([Paper(id="same", title="One"), Paper(id="same", title="Two")])
    first, then = Ordered(twins, np.array([1, 0])), Ordered(twins, [0, 1])
    assert index_after(first, 0, then) == 1  # "Two", where index_of_id finds "One"


def test_related_papers_are_found_without_making_the_others(
    cache_dir: Path, tmp_path: Path
) -> None:
    from paperbrowse.core.related.rank import related_papers

    library, papers = reopened_library(tmp_path)
    paper = papers[12]
    made_before = papers.built
    found = related_papers(library.index, paper, limit=5)
    assert found and paper.id not in {each.paper.id for each in found}
    # Only the papers listed were made: the ranking reads ids from the rows.
    assert papers.built - made_before <= 5


def test_title_keys_added_store_by_store_are_all_the_papers_and_a_snapshot_keeps_its() -> None:
    """Title keys are added in place (a new list each time cost 0.17 s a 250k-paper file):
    they are still those of all the papers read at once, plain papers added after others
    leave them unknown, and a snapshot taken on the way keeps its own."""
    papers = [Paper(id=f"p{i}", title=f"Title {i}") for i in range(12)]

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.tuples(st.booleans(), st.integers(0, 3)), max_size=5),
        st.integers(0, 5),
    )
    def check(shapes: list[tuple[bool, int]], snapshot_at: int) -> None:
        store = PaperStore()
        added: list[Paper] = []
        snapshot: PaperStore | None = None
        expected_snapshot: list[str] = []
        keys_known = True
        for step, (as_rows, count) in enumerate(shapes):
            if step == snapshot_at:
                snapshot, expected_snapshot = store.snapshot(), list(store.title_keys or [])
            part = papers[len(added) : len(added) + count]
            store.extend(stored_as_rows(part) if as_rows else list(part))
            # Plain papers leave the keys unknown; rows added to an empty store make them known.
            keys_known = as_rows and (keys_known or not added)
            added += part
        if keys_known and shapes:
            assert store.title_keys == stored_as_rows(added).title_keys
        if not keys_known:
            assert store.title_keys is None
        if snapshot is not None:
            assert list(snapshot.title_keys or []) == expected_snapshot

    check()


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None), min_size=1, max_size=300))
@example("\udcff \u2014 a lone surrogate beside a dash")
def test_an_abstract_in_any_script_comes_back_from_its_row_as_it_was(text: str) -> None:
    """Rows hold an abstract whose characters pass U+00FF as UTF-8 bytes (half the memory
    of such a string): read back through the store, its paper and the parse cache's
    pickled rows, it is the same text, lone surrogates (JSON escapes) included."""
    paper = Paper(id="p", title="T", abstract=text)
    store = stored_as_rows([paper])
    reread = PaperStore(pickle.loads(pickle.dumps(store.rows(0, 1))))
    for papers in (store, reread):
        assert papers.value(0, "abstract") == paper.abstract
        assert field_values(papers, "abstract") == [paper.abstract]
        assert papers[0] == paper and papers[0].abstract == paper.abstract
    assert field_values(store, "abstract") == [paper.abstract]  # a paper made among rows


def test_a_wide_abstract_is_held_as_utf8_and_an_ascii_or_latin_one_as_text() -> None:
    wide = (
        "Graphs \u2014 \u201cknowledge\u201d " * 20
    )  # a dash and curly quotes: 2 bytes a character
    latin = "Caf\u00e9 na\u00efve " * 20  # 1 byte a character, as UTF-8 would be longer
    rows = stored_as_rows(
        [
            Paper(id=str(i), title="T", abstract=text)
            for i, text in enumerate((wide, latin, "ascii"))
        ]
    ).rows(0, 3)
    held = [row[PAPER_FIELDS.index("abstract")] for row in rows]
    assert held == [wide.encode("utf-8"), latin, "ascii"]


def test_words_of_wide_abstracts_are_found_from_rows_as_from_papers() -> None:
    """The index reads wide abstracts from the rows as UTF-8 (decoded a chunk at a time)."""
    texts = [
        "Graphs \u2014 \u201cknowledge\u201d bases",
        "Caf\u00e9 na\u00efve",
        "plain ascii graphs",
        "\u03a9 networks \u2013 Stra\u00dfe",
    ]
    papers = [Paper(id=str(i), title=f"T{i}", abstract=text) for i, text in enumerate(texts)]
    from_rows, from_papers = SearchIndex(stored_as_rows(papers)), SearchIndex(papers)
    for query in ("knowledge", "graphs", "networks", "strasse", "cafe"):
        found = [paper.id for paper in from_rows.find(query)]
        assert found and found == [paper.id for paper in from_papers.find(query)], query
    assert [paper.id for paper in from_rows.find("knowledge")] == ["0"]


def test_the_has_abstract_filter_does_not_decode_every_abstract() -> None:
    """``has:abstract`` asks only whether each paper has one: the wide abstracts held as
    UTF-8 are not all decoded at once for it (4 MB here; hundreds at a million papers)."""
    import tracemalloc

    wide = "Knowledge graphs \u2014 \u201cembeddings\u201d. " * 30  # ~1,000 characters
    papers = [
        Paper(id=f"p{i}", title=f"T{i}", abstract=wide if i % 2 else None) for i in range(2000)
    ]
    index = SearchIndex(stored_as_rows(papers))
    tracemalloc.start()
    try:
        found = index.find("has:abstract")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found) == 1000
    assert peak < 1 << 20  # the decoded abstracts alone would be 2 MB
