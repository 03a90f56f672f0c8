"""Searching the bodies of PDFs: hyphen-broken words, phrases, passages and pages,
and the ``fulltext:`` filter in a library's searches."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from paperbrowse.core.formats import read_file
from paperbrowse.core.library import Library
from paperbrowse.core.pdf.body_index import BodyIndex, register_fulltext_filter
from paperbrowse.core.pdf.body_search import attach_bodies, passage_for, read_bodies
from paperbrowse.core.pdf.fulltext import FullText, extract
from paperbrowse.core.pdf.locate import PdfFinder
from paperbrowse.core.pdf.worker import PdfFacts, PdfWorker

AS_OF = dt.date(2026, 12, 4)


@pytest.fixture
def specter_text(corpus: Path, tmp_path: Path) -> FullText:
    pdf = corpus / "pdf" / "acl-2020.acl-main.207.pdf"
    if not pdf.is_file():
        pytest.skip("the shared corpus has no SPECTER PDF")
    worker = PdfWorker()
    try:
        return extract(pdf, worker, folder=tmp_path / "cache")
    finally:
        worker.close()


def test_hyphen_broken_representation_is_found_in_the_specter_body(specter_text: FullText) -> None:
    body = BodyIndex()
    body.add("specter", specter_text)
    assert body.matching("representation") == {"specter"}
    # Words the PDF breaks at a line's end ("repre-\nsentations", "ingre-\ndient"),
    # found whole, also inside a phrase
    assert body.matching("learn powerful textual representations", phrase=True) == {"specter"}
    assert body.matching("ingredient") == {"specter"}
    # PDFium's end-of-line hyphen mark never survives into the searched text
    assert not any("\ufffe" in page for page in specter_text.pages)


def test_phrase_must_be_in_order_words_need_not() -> None:
    body = BodyIndex()
    body.add("a", FullText(("Intro\n\nWe learn document\nembeddings here.", "Second page")))
    assert body.matching("document embeddings", phrase=True) == {"a"}
    assert body.matching("embeddings document", phrase=True) == set()
    assert body.matching("embeddings document") == {"a"}


def test_passage_carries_its_page_and_the_matched_spans() -> None:
    body = BodyIndex()
    body.add("a", FullText(("nothing here", "the [bold]zebra[/bold] crossing")))
    passage = body.passage("a", "zebra")
    assert passage is not None and passage.page == 2
    (start, end), *_ = passage.spans
    assert passage.text[start:end].lower() == "zebra"
    assert "[bold]" in passage.text  # markup in a PDF is kept as plain characters


def test_fulltext_filter_answers_only_from_bodies(tmp_path: Path) -> None:
    bib = tmp_path / "two.bib"
    bib.write_text(
        "@article{a, title={Zebras}, year={2020}}\n@article{b, title={Horses}, year={2020}}\n",
        encoding="utf-8",
    )
    library = Library(read_file(bib, AS_OF, None).papers)
    body = BodyIndex()
    register_fulltext_filter(library.filters, body)
    b = next(p for p in library.papers if p.title == "Horses")
    body.add(b.id, FullText(("striped zebra crossing",)))
    assert [p.title for p in library.find("fulltext:zebra")] == ["Horses"]
    assert [p.title for p in library.find('fulltext:"zebra crossing"')] == ["Horses"]
    assert list(library.find('fulltext:"crossing zebra"')) == []


def test_body_matches_rank_below_title_matches(tmp_path: Path) -> None:
    bib = tmp_path / "three.bib"
    bib.write_text(
        "@article{a, title={Zebra stripes}, year={2020}}\n"
        "@article{b, title={Horses}, year={2020}}\n"
        "@article{c, title={Cows}, year={2019}}\n",
        encoding="utf-8",
    )
    library = Library(read_file(bib, AS_OF, None).papers)
    body = BodyIndex()
    attach_bodies(library, body)
    by_title = {p.title: p for p in library.papers}
    body.add(by_title["Horses"].id, FullText(("a zebra in the text",)))
    body.add(by_title["Cows"].id, FullText(("another zebra",)))
    assert [p.title for p in library.find("zebra")] == ["Zebra stripes", "Horses", "Cows"]
    assert [p.title for p in library.find("zebra year:2019")] == ["Cows"]
    results = library.find("zebra")
    passage = passage_for(body, by_title["Horses"].id, results)
    assert passage is not None and passage.page == 1


def test_body_matches_obey_field_terms_phrases_and_exclusions(tmp_path: Path) -> None:
    bib = tmp_path / "four.bib"
    bib.write_text(
        "@article{a, title={Horses}, author={Smith, Ann}, year={2020}}\n"
        "@article{b, title={Cows}, author={Jones, Bob}, year={2020}}\n"
        "@article{c, title={Goats}, author={Smith, Cy}, year={2019}}\n"
        "@article{d, title={Crossing roads}, author={Lee, Di}, year={2018}}\n",
        encoding="utf-8",
    )
    library = Library(read_file(bib, AS_OF, None).papers)
    body = BodyIndex()
    attach_bodies(library, body)
    by_title = {p.title: p for p in library.papers}
    body.add(by_title["Horses"].id, FullText(("a zebra crossing the road",)))
    body.add(by_title["Cows"].id, FullText(("a zebra, then a crossing",)))
    body.add(by_title["Goats"].id, FullText(("zebra crossing, twice: zebra crossing",)))
    body.add(by_title["Crossing roads"].id, FullText(("a zebra here",)))

    def found(query: str) -> list[str]:
        return [p.title for p in library.find(query)]

    # a term tied to a field: body words only among the papers it matches
    assert found("author:smith zebra") == ["Horses", "Goats"]
    # an exclusion leaves out the papers the index finds it in
    assert found("zebra -goats") == ["Horses", "Cows", "Crossing roads"]
    # a phrase is looked for in bodies as a phrase...
    assert found('"zebra crossing"') == ["Horses", "Goats"]
    assert found('"zebra crossing" year:2019') == ["Goats"]
    # ...or held by the paper's own fields, its free words by the body
    assert found('"crossing roads" zebra') == ["Crossing roads"]
    assert found('zebra "crossing the road" -author:smith') == []
    passage = passage_for(body, by_title["Goats"].id, library.find('"zebra crossing"'))
    assert passage is not None and passage.text.startswith("zebra crossing")


def test_a_passage_shows_whole_words_at_its_ends() -> None:
    words = [f"word{number:02d}" for number in range(80)]
    body = BodyIndex()
    body.add("a", FullText((" ".join(words[:40] + ["zebra"] + words[40:]),)))
    passage = body.passage("a", "zebra")
    assert passage is not None
    assert passage.text.startswith("…") and passage.text.endswith("…")
    assert set(passage.text.strip("…").split()) <= {*words, "zebra"}  # none cut


def test_words_are_found_in_any_case_the_pdf_writes_them() -> None:
    body = BodyIndex()
    body.add(
        "a",
        FullText(
            (
                "nothing",
                "The ZeBrA CROSSING of Émile",
            )
        ),
    )
    assert body.matching("zebra") == {"a"}
    assert body.matching("zebra crossing", phrase=True) == {"a"}
    assert body.matching("crossing émile") == {"a"}
    assert body.matching("zebras") == set()


def test_accents_and_vowel_signs_are_folded_as_in_titles(tmp_path: Path) -> None:
    # The bodies' words were only casefolded, and a query's free words are folded: a
    # search for jürgen (or jurgen) found nothing in a PDF citing Jürgen Schmidhuber, and
    # an Arabic word typed without its vowel signs (as people type it) nothing either.
    body = BodyIndex()
    body.add("a", FullText(("Sepp Hochreiter and JÜRGEN Schmidhuber. Daumé, 2007.",)))
    body.add("b", FullText(("مرحبا يبيبَح habibi",)))
    for query in ("jürgen", "jurgen", "JURGEN schmid", "daume", "daumé"):
        assert body.matching(query) == {"a"}, query
    assert body.matching("hochreiter and jurgen", phrase=True) == {"a"}
    assert body.matching("jurgen hochreiter", phrase=True) == set()
    assert body.matching("يبيبح") == body.matching("يبيبَح") == {"b"}
    passage = body.passage("a", "jurgen schmidhuber", phrase=True)
    assert passage is not None
    assert [passage.text[a:b] for a, b in passage.spans] == ["JÜRGEN Schmidhuber"]
    bib = tmp_path / "one.bib"
    bib.write_text("@article{a, title={Long short-term memory}, year={1997}}\n")
    library = Library(papers=read_file(bib, AS_OF, None).papers)
    found = BodyIndex()
    found.add(library.papers[0].id, FullText(("Jürgen Schmidhuber",)))
    attach_bodies(library, found)
    assert [p.title for p in library.find("jurgen")] == ["Long short-term memory"]


def test_a_text_cached_before_words_were_folded_is_extracted_anew(tmp_path: Path) -> None:
    from paperbrowse.core.pdf.body_text import BodyText, read_entry, write_entry

    entry = tmp_path / "x.text"
    assert write_entry(entry, BodyText.of(["Jürgen"]), None)
    assert read_entry(entry) is not None
    for older in (b"paperbrowse-fulltext\n", b"paperbrowse-fulltext 2\n"):
        # as versions 1 and 2 wrote it: words not folded, right-to-left ones in one order
        entry.write_bytes(re.sub(b"^paperbrowse-fulltext[^\n]*\n", older, entry.read_bytes()))
        assert read_entry(entry) is None


def test_control_characters_from_a_pdf_never_reach_the_passage() -> None:
    body = BodyIndex()
    body.add("a", FullText(("loss \x10d \x1b[31mred\x01 zebra",)))
    passage = body.passage("a", "zebra")
    assert passage is not None
    assert not any(ord(c) < 32 for c in passage.text)


class CountingWorker(PdfWorker):
    """A worker that counts the PDFs it is asked to read."""

    asked = 0

    def extract_to_cache(self, path: Path, entry: Path) -> PdfFacts:
        CountingWorker.asked += 1
        return super().extract_to_cache(path, entry)


def test_a_reopen_reads_the_cached_text_and_extracts_nothing(tmp_path: Path, corpus: Path) -> None:
    pdf = tmp_path / "specter.pdf"
    pdf.write_bytes((corpus / "pdf" / "acl-2020.acl-main.207.pdf").read_bytes())
    bib = tmp_path / "lib.bib"
    bib.write_text("@article{a, title={Specter}, year={2020}, file={:specter.pdf:PDF}}\n")
    papers = read_file(bib, AS_OF, None).papers
    finder = PdfFinder()
    bodies = []
    for _ in range(2):  # the first open extracts, the second finds it cached
        worker = CountingWorker()
        try:
            bodies.append(read_bodies(papers, finder.files_of, worker, tmp_path / "cache"))
        finally:
            worker.close()
    assert CountingWorker.asked == 1
    assert bodies[1].matching("ingredient") == {papers[0].id}


def test_short_words_are_not_looked_for_in_bodies(tmp_path: Path) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text("@article{a, title={Horses}, year={2020}}\n", encoding="utf-8")
    library = Library(read_file(bib, AS_OF, None).papers)
    body = BodyIndex()
    attach_bodies(library, body)
    body.add(library.papers[0].id, FullText(("a zebra in the text",)))
    assert list(library.find("ze")) == []  # the first keys of a word typed
    assert [p.title for p in library.find("a zebra")] == ["Horses"]


# --- hyphens at a line's end (PDFium marks each with U+FFFE) ---------------------------------


def test_a_compound_at_a_line_end_keeps_its_hyphen_in_the_specter_body(
    specter_text: FullText,
) -> None:
    text = specter_text.text
    # "document-\nlevel" and "Citation-\ninformed" are compounds the paper writes
    # elsewhere with their hyphen: never made into one word
    assert "documentlevel" not in text.casefold()
    assert "citationinformed" not in text.casefold()
    # "state-\nof-the-art" and "off-the-\nshelf" break inside a longer compound
    assert "stateof" not in text and "theshelf" not in text
    assert "off-the-shelf embeddings" in text
    # a name's halves, both capitalised and written nowhere else
    assert "Hsu-Han Ooi" in text
    # words the paper writes whole elsewhere are joined: "pre-\ntrained", "SciB-\nERT"
    assert "768-dimensional pretrained ELMo" in text
    assert "SciB-ERT" not in text and "vanilla SciBERT" in text
    body = BodyIndex()
    body.add("specter", specter_text)
    assert body.matching("document-level representation power", phrase=True) == {"specter"}


def test_each_line_end_hyphen_is_judged_by_the_rest_of_its_document() -> None:
    from paperbrowse.core.pdf.hyphens import mend_pages

    pages = [
        "a represen\ufffe\r\ntation of a document\ufffelevel task;",
        "more document-level work. The representation again, a cross\ufffetopic one,"
        " work by Ana\ufffeMaria, a state\ufffeof-the-art model.",
    ]
    mended = mend_pages(pages)
    assert mended[0] == "a representation of a document-level task;"
    assert "a crosstopic one" in mended[1]  # neither form written elsewhere: a broken word
    assert "Ana-Maria" in mended[1] and "state-of-the-art" in mended[1]
    assert mend_pages(["no marks here"]) == ["no marks here"]


def test_a_pdf_read_while_a_word_is_typed_is_found_by_the_next_key() -> None:
    # Each key looks only among the bodies its word's prefix was found in (issue 15's
    # keystroke figure), unless more text has arrived since: then all are looked at.
    body = BodyIndex()
    body.add("a", FullText(("a zebra crossing",)))
    assert body.matching("zeb") == {"a"}
    assert body.matching("zebr") == {"a"}
    assert body.matching("zebu") == set()
    body.add("b", FullText(("the zebu is a humped ox",)))  # extracted meanwhile
    assert body.matching("zebu") == {"b"}
    assert body.matching("zebus") == set() and body.matching("zebu ox") == {"b"}
    assert body.matching("zeb") == {"a", "b"}


def test_a_second_pdf_of_a_paper_read_while_typing_is_searched_too() -> None:
    body = BodyIndex()
    body.add("a", FullText(("a zebra crossing",)))
    body.add("b", FullText(("horses",)))
    assert body.matching("zeb") == {"a"}
    body.add("b", FullText(("the zebu is a humped ox",)))  # b's second PDF
    assert body.matching("zebu") == {"b"}


def test_body_matches_are_merged_without_making_a_paper_of_each_row() -> None:
    """Merging read every result and every paper of the library (a paper made of each:
    140 ms at 22k papers for "learning"); now their places are merged, from the rows."""
    from paperbrowse.core.models import Paper
    from paperbrowse.core.store import stored_as_rows

    papers = stored_as_rows(
        [Paper(id=f"p{i}", title=f"Zebra {i}" if i < 3 else f"Horse {i}") for i in range(300)]
    )
    library = Library(papers)
    body = BodyIndex()
    attach_bodies(library, body)
    body.add("p250", FullText(("a zebra in the text",)))
    body.add("p100", FullText(("another zebra",)))
    body.add("p1", FullText(("a zebra in the title's paper too",)))
    library.index  # noqa: B018  (built first: building it reads the rows, makes no paper)
    made = papers.built
    results = library.find("zebra")
    assert papers.built == made
    assert [p.title for p in results][3:] == ["Horse 100", "Horse 250"]  # the library's order
    assert sorted(p.title for p in results[:3]) == ["Zebra 0", "Zebra 1", "Zebra 2"]


# Words of every kind the folding meets: case, "_", accents precomposed and combining,
# ligatures, curly quotes, dashes, "½", dotted I, "ß", Arabic with its vowel sign, CJK,
# Arabic-Indic digits, Devanagari with its spacing marks, a zero-width space, U+FFFE.
PIECES = [
    "graph", "GRAPH", "neural", "net_work", "x_1", "a.b", "C++", "naive", "fine", "STRASSE",
    "état", "e\u0301tat", "Jürgen", "Ju\u0308rgen", "\ufb01ne", "\u201cquoted\u201d", "\u2013",
    "\u00bd", "\u0130stanbul", "stra\u00dfe", "\u01c5", "\u216b",
    "\u064a\u0628\u064a\u0628\u064e\u062d", "\u0645\u0631\u062d\u0628\u0627", "\u4e2d\u6587",
    "\u0661\u0662\u0663", "\u0929\u093f",
    "\u0915\u094d\u0937", "\u200b", "\ufffe",
]  # fmt: skip


def test_a_phrase_is_found_by_the_quick_check_exactly_as_word_by_word() -> None:
    """``holds_phrase`` reads pages that fold to ASCII with one regular expression (a
    candidate PDF without the phrase took 76 ms a key word by word): it must answer as
    the word-by-word search does, on text of every kind the folding meets."""
    from paperbrowse.core.pdf.body_index import holds_phrase, words_of
    from paperbrowse.core.search.tokens import words

    chance = random.Random(7)
    separators = [" ", "  ", "\n", ", ", "-", "/", "_", "", "(", ")"]
    checked = 0
    for _ in range(1500):
        pages = tuple(
            "".join(
                chance.choice(PIECES) + chance.choice(separators)
                for _ in range(chance.randint(1, 30))
            )
            for _ in range(chance.randint(1, 3))
        )
        found = [word for page in pages for word in words(page)]
        if len(found) < 2:
            continue
        start = chance.randint(0, len(found) - 2)
        phrase = found[start : start + chance.randint(2, 3)]
        if chance.random() < 0.4:  # words of the pages, in any order
            phrase = chance.sample(found, min(3, len(found)))
        phrase[-1] = phrase[-1][: chance.randint(1, len(phrase[-1]))]  # (a prefix)
        wanted = words_of(" ".join(phrase))
        if len(wanted) < 2:
            continue
        word_by_word = BodyIndex._first(pages, wanted, True) is not None
        assert holds_phrase(pages, wanted) == word_by_word, (wanted, pages)
        checked += 1
    assert checked > 1000
