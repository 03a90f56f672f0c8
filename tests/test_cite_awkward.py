"""Papers that lack what a reference is made of (authors, a year, a venue) or have too
much of it (more than 20 authors), or only an organisation as author, render in every
bundled style without a crash and without stray punctuation or LaTeX."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import BUNDLED, load_style
from paperbrowse.core.models import Paper, paper_id

STYLES = [load_style(name) for name in BUNDLED]
NUMBER = re.compile(r"^(\[\d+\]|\d+\.) ")
# What a reference must never hold: doubled or orphaned punctuation, an empty pair of
# brackets, a period after ? or !, LaTeX, and spaces where none belong.
STRAY = re.compile(
    r"\. \.|,,|, ,|(?<!\.)\.\.(?!\.)|\(\s*\)|\[\s*\]|[?!][.,](?=\s|$)"
    r"|[{}\\]|\s[,.;:](?=\s|$)|  |^\s|\s$|^[.,;:)]"
)

AUTHORS = st.sampled_from(
    [
        (),
        ("Jörg Müller",),
        tuple(f"Given{i} Family{i}" for i in range(23)),
        ("World Health Organization",),
        ("Anne van der Berg", "Tim Van de Cruys", "John Smith Jr."),
    ]
)
TITLES = st.sampled_from(
    ["A Title", "What Is It?", "Stop!", "Title: With a Subtitle", "“Quoted” Words in a Title"]
)
# Entry types as the readers give them, with the venue a file of that type gives.
KINDS = st.sampled_from(
    [
        ("article", "Journal of Tests"),
        ("inproceedings", "Proceedings of the Test Conference"),
        ("incollection", "A Book of Chapters"),
        ("book", "Test Press"),
        ("phdthesis", "Test University"),
        ("techreport", "Test Institute"),
        ("misc", None),
        ("online", None),
        (None, "Proceedings of the Test Workshop"),
        (None, None),
    ]
)


@st.composite
def awkward_papers(draw: st.DrawFn) -> Paper:
    entry_type, venue = draw(KINDS)
    year = draw(st.sampled_from([None, 2020]))
    title = draw(TITLES)
    has_place = entry_type in ("article", "inproceedings", None)
    in_book = entry_type in ("inproceedings", "incollection")
    return Paper(
        id=paper_id(title, year),
        title=title,
        authors=draw(AUTHORS),
        date=dt.date(year, 7, 1) if year else None,
        date_precision=draw(st.sampled_from(["year", "month"])),
        entry_type=entry_type,
        venue=draw(st.sampled_from([venue, None])),
        volume=draw(st.sampled_from([None, "12"])) if has_place else None,
        issue=draw(st.sampled_from([None, "3"])) if has_place else None,
        pages=draw(st.sampled_from([None, "101–120", "7"])),
        doi=draw(st.sampled_from([None, "10.1000/xyz.123"])),
        editors=draw(st.sampled_from([(), ("Ed Itor", "Anne van der Berg")])) if in_book else (),
        publisher=draw(st.sampled_from([None, "Test Press"])) if in_book else None,
        publisher_place=draw(st.sampled_from([None, "Oxford"])) if in_book else None,
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(awkward_papers())
def test_awkward_papers_render_without_stray_punctuation_in_every_style(paper: Paper) -> None:
    for style in STYLES:
        (entry,) = references([paper], style)
        text = NUMBER.sub("", entry)
        assert text and not STRAY.search(text), (style.name, entry)
        if paper.authors[:1] == ("World Health Organization",):
            assert "Organization, W." not in entry, (style.name, entry)


# --- each fix on its own ---------------------------------------------------------------


def _one(style: str, **fields: object) -> str:
    title = str(fields.pop("title", "A Title"))
    fields.setdefault("date_precision", "year")
    (entry,) = references([Paper(id="x", title=title, **fields)], load_style(style))  # type: ignore[arg-type]
    return entry


def test_a_label_is_printed_only_beside_its_variable() -> None:
    # citeproc-py printed Chicago's "Edition" label for every article without a journal.
    entry = _one("chicago", authors=("Ann Lee",), entry_type="article", date=dt.date(2020, 1, 1))
    assert "Edition" not in entry and entry.startswith("Lee, Ann. 2020.")


def test_a_title_ending_in_a_question_mark_takes_no_period_after_it() -> None:
    date = dt.date(2020, 1, 1)
    assert _one("apa", title="What Is It?", entry_type="article", date=date).startswith(
        "What is it? (2020)."
    )
    assert "What Is It? 2020." in _one("mla", title="What Is It?", entry_type="article", date=date)


def test_a_missing_year_leaves_no_space_before_the_period() -> None:
    entry = _one("acm", entry_type="article", venue="Journal of Tests", issue="3")
    assert entry.endswith("Journal of Tests 3.")


def test_a_title_ending_in_a_period_gets_no_second_one() -> None:
    title = "Rates of Growth Indexed by Sets."
    entry = _one("chicago", title=title, authors=("Ann Lee",), entry_type="article", venue="J")
    assert "Indexed by Sets.”" in entry and ".." not in entry
    assert _one("apa", title=title, entry_type="article", venue="J").startswith(
        "Rates of growth indexed by sets. (n.d.)."
    )


# As pmlr-v75_locatelli18_mendeley-library.bib (../shared/corpus) has them.
MENDELEY = r"""@article{m, title = {{Optimal Control of \{Markov\} Processes over $\{0,1\}$}},
author = {Astrom, Karl}, journal = {J}, year = {1965}}
@article{t, title = {{A threshold of \{$\backslash$rm ln\} n for approximating set cover}},
author = {Feige, Uriel}, year = {1998},
journal = {Foundations and Trends\{$\backslash$textregistered\} in Machine Learning}}
@phdthesis{u, title = {{Jeux de bandits}}, author = {Bubeck, S.}, year = {2010},
school = {Universit\{\'{e}\} de Lille 1}}
@inproceedings{n, author = {Drineas, P and Mahoney, M W}, year = {2005},
title = {{On the \{N\}ystr\{$\backslash$ddot\{$\backslash$text\{o\}\}\}m method for
approximating a \{G\}ram matrix}}}
"""


def test_braces_a_mendeley_export_escapes_do_not_reach_the_reference() -> None:
    from paperbrowse.core.formats.bibtex import parse_bibtex

    papers = parse_bibtex(MENDELEY, "library.bib").papers
    # A set in math keeps its braces; the escaped protection of a word is protection.
    assert papers[0].title == "Optimal Control of Markov Processes over {0,1}"
    assert papers[1].title == "A threshold of ln n for approximating set cover"
    assert papers[1].venue == "Foundations and Trends® in Machine Learning"
    assert papers[2].venue == "Université de Lille 1"
    assert papers[3].title == "On the Nyström method for approximating a Gram matrix"
    for style in STYLES:
        for entry in references(papers, style):
            assert "{M" not in entry and "{\\" not in entry and "\\" not in entry, style.name


def test_citeproc_is_patched_once_however_often_a_reference_is_asked_for() -> None:
    # Patched twice, each patch would wrap the last: Chicago's names initialised twice
    # over, labels checked twice, and every reference slower.
    from citeproc import model

    from paperbrowse.core.cite.processor import guard_processor

    guard_processor()
    methods = [model.Key.sort_keys, model.Name.initialize, model.Label.case, model.Label.process]
    guard_processor()
    assert [
        model.Key.sort_keys,
        model.Name.initialize,
        model.Label.case,
        model.Label.process,
    ] == methods
    assert all(getattr(method, "installed_by", None) for method in methods)
