"""BibTeX in: what a user sees after opening their .bib file, messy parts included."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paperbrowse.core.formats import read_file
from paperbrowse.core.formats.bibtex import CHUNK_CHARS, parse_bibtex
from paperbrowse.core.formats.bibvalues import fast_tex_to_text, split_names, tex_to_text
from paperbrowse.core.library import Library
from paperbrowse.core.models import Paper, paper_id
from paperbrowse.core.text.clean import clean_line
from paperbrowse.core.text.latex import latex_to_text

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 11, 24)


def parse(text: str) -> tuple[list[Paper], list[str]]:
    result = parse_bibtex(text, "lib.bib")
    return list(result.papers), [str(problem) for problem in result.problems]


def only(text: str) -> Paper:
    papers, problems = parse(text)
    assert len(papers) == 1, problems
    return papers[0]


def test_strings_concatenation_and_value_styles() -> None:
    paper = only(
        '@String{acl = "Association for " # "Computational Linguistics"}\n'
        "@STRING(proc = {Proceedings of the } # acl)\n"
        "@InProceedings{key1,\n"
        '  Title = "Quoted {T}itle with a \\"{o}",\n'
        "  author = {Doe, Jane},\n"
        "  booktitle = proc # { Annual Meeting},\n"
        "  year = 2020, month = jul,\n"
        "}\n"
    )
    assert paper.title == "Quoted Title with a ö"
    assert paper.venue == (
        "Proceedings of the Association for Computational Linguistics Annual Meeting"
    )
    assert paper.date == dt.date(2020, 7, 1) and paper.date_precision == "month"
    assert (paper.citekey, paper.entry_type) == ("key1", "inproceedings")


@pytest.mark.parametrize(
    ("month", "expected"), [("jul", 7), ("{July}", 7), ('"9"', 9), ("dec", 12), ("August", 8)]
)
def test_month_macros_and_words(month: str, expected: int) -> None:
    paper = only(f"@article{{k, title={{T}}, year={{1999}}, month={month}}}")
    assert paper.date == dt.date(1999, expected, 1)


def test_biblatex_date_field_gives_the_day() -> None:
    paper = only("@online{k, title={T}, date={2021-03-15}}")
    assert paper.date == dt.date(2021, 3, 15) and paper.date_precision == "day"


def test_crossref_child_inherits_from_its_parent_in_file_order() -> None:
    papers, problems = parse(
        "@incollection{child, title={A Chapter}, author={Roe, Rick}, crossref={parent}}\n"
        "@book{other, title={Another Book}, year={2001}}\n"
        "@collection{parent, title={The Collection}, editor={Doe, Jane}, year={2019},"
        " publisher={Press}}\n"
    )
    assert problems == []
    assert [p.title for p in papers] == ["A Chapter", "Another Book", "The Collection"]
    child = papers[0]
    assert child.year == 2019 and child.venue == "The Collection"
    assert child.authors == ("Rick Roe",)


def test_a_missing_crossref_is_a_warning_and_the_entry_stays() -> None:
    papers, problems = parse("@inproceedings{k, title={Alone}, crossref={nowhere}}")
    assert [p.title for p in papers] == ["Alone"]
    assert problems == [
        "lib.bib:1: crossref 'nowhere' is not in this file; the entry is read without it"
    ]


def test_a_string_past_a_megabyte_is_left_unexpanded_and_the_entry_loads() -> None:
    # Doubling to 2 MiB from a0; "big" uses it, so it is left unexpanded too, silently.
    doubling = "".join(f"@string{{a{n} = a{n - 1} # a{n - 1}}}\n" for n in range(1, 21))
    papers, problems = parse(
        '@string{a0 = "xx"}\n' + doubling + "@string{big = {Big } # a20}\n"
        "@article{k, title = {Small } # a19, abstract = big, year = 2020}\n"
    )
    assert problems == [
        "lib.bib:21: @string 'a20' would expand past 1 MB; left unexpanded "
        "(and any @string built on it)",
        "lib.bib:23: @article 'k' field 'title' would expand past 1 MB; left unexpanded",
        "lib.bib:23: @article 'k' field 'abstract' uses @string 'big', which would expand "
        "past 1 MB; its name is used as text",
    ]
    assert (papers[0].title, papers[0].abstract, papers[0].year) == ("Small a19", "big", 2020)


def test_a_string_defined_again_smaller_expands_again() -> None:
    doubling = "".join(f"@string{{a{n} = a{n - 1} # a{n - 1}}}\n" for n in range(1, 22))
    paper = only(
        '@string{a0 = "xx"}\n' + doubling + '@string{a21 = "small"}\n'
        "@article{k, title = {Now } # a21}\n"
    )
    assert paper.title == "Now small"


def test_macros_used_many_times_stop_expanding_past_the_file_allowance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A short file using a large macro in many entries must not become gigabytes of papers:
    macros may add at most the file's own size (and EXPANSION_ALLOWANCE, made 0 here)."""
    from paperbrowse.core.formats import bibtex

    monkeypatch.setattr(bibtex, "EXPANSION_ALLOWANCE", 0, raising=False)
    text = (
        "@string{big = {"
        + "x" * 1000
        + "}}\n"
        + "".join(f"@article{{k{n}, title = big, year = 2020}}\n" for n in range(40))
    )
    papers, problems = parse(text)
    # The file is 2,608 characters and each use adds 997: two uses fit, then none.
    assert len(text) == 2608
    assert [paper.title for paper in papers] == ["x" * 1000] * 2 + ["big"] * 38
    assert len(problems) == 1 and problems[0].endswith(
        "field 'title': @string and crossref expansion in this file would pass 0 MB; "
        "from here on neither is expanded"
    )


def test_crossref_children_stop_copying_past_the_file_allowance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from paperbrowse.core.formats import bibtex

    monkeypatch.setattr(bibtex, "EXPANSION_ALLOWANCE", 0, raising=False)
    children = "".join(
        f"@inproceedings{{c{n}, title={{Child {n}}}, crossref={{p}}}}\n" for n in range(40)
    )
    text = children + "@proceedings{p, booktitle={" + "B" * 1000 + "}, year=2019}\n"
    papers, problems = parse(text)
    venues = [paper.venue for paper in papers]
    assert venues[0] == "B" * 1000 and venues[-1] is None
    assert [paper.year for paper in papers] == [2019] * venues.count("B" * 1000) + [None] * (
        venues.count(None)
    )
    assert len(problems) == 1 and "crossref: @string and crossref expansion" in problems[0]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('Sch{\\"o}lkopf', "Schölkopf"),
        ("Erd{\\H{o}}s and {\\v{S}}koda", "Erdős and Škoda"),
        ("Garc{\\'\\i}a, {\\c c}a, \\c{C}", "García, ça, Ç"),
        ("{\\l}ukasz {\\O}ster {\\ss} {\\aa}", "łukasz Øster ß å"),
        ("pages 1--10, a---b, ``quoted''", "pages 1–10, a—b, “quoted”"),
        ("WordNet{\\textquoteright}s {\\textendash} 50\\% \\& \\$5", "WordNet’s – 50% & $5"),
        ("\\emph{Italic} and \\textbf{bold} and {\\it old}", "Italic and bold and old"),
        ("{BERT} and {G}erman", "BERT and German"),
        ("$\\alpha$-divergence, $\\log n$, 2$\\times$2", "α-divergence, log n, 2×2"),
        ("costs US$ 10", "costs US$ 10"),
        ("Sepp{\\{''}a}l{\\{''}a}", "Seppälä"),  # the ACL Anthology's \" in "quoted" values
    ],
)
def test_latex_becomes_unicode(latex: str, text: str) -> None:
    assert clean_line(tex_to_text(latex)[0]) == text


@pytest.mark.parametrize(
    "latex",
    [
        "Acc{\\`e}s lexical et reconnaissance du voisement en voix chuchot{\\'e}e",
        "Sam{\\={a}}sa-Kart{\\={a}} {\\textquotedblleft}de facto{\\textquotedblright}",
        "Mladenovi{\\'c}, Miljana and Szil{\\'a}gyi, Norbert",
        "S{\\o}gaard {\\textemdash} 3",
    ],
)
def test_fast_path_gives_what_pylatexenc_gives(latex: str) -> None:
    assert fast_tex_to_text(latex) is not None
    assert clean_line(tex_to_text(latex)[0]) == clean_line(latex_to_text(latex)[0])


def test_urls_survive_latex_rules_and_are_links() -> None:
    text, links = tex_to_text("Data at \\url{https://x.org/a_b~c%20d} and https://y.org/p_q.")
    assert text == "Data at https://x.org/a_b~c%20d and https://y.org/p_q."
    assert links == ["https://x.org/a_b~c%20d", "https://y.org/p_q"]


def test_names_in_every_bibtex_form() -> None:
    names, et_al = split_names(
        'M{\\"u}ller, J{\\"o}rg and van der Berg, Anna AND Smith, Jr., John and'
        " {Google Brain Team} and {Barnes and Noble} and Ada Lovelace and others"
    )
    assert names == (
        "Jörg Müller",
        "Anna van der Berg",
        "John Smith Jr.",
        "Google Brain Team",
        "Barnes and Noble",
        "Ada Lovelace",
    )
    assert et_al
    assert split_names("Sepp{\\{''}a}l{\\{''}a}, Selja  and\n      Hicks, Amanda") == (
        ("Selja Seppälä", "Amanda Hicks"),
        False,
    )


def test_abstract_keeps_paragraphs_and_finds_links() -> None:
    paper = only(
        "@article{k, title={T},\n abstract={First  line\n   continues.\n\n"
        "Second paragraph: see \\url{https://example.org/x}.}}"
    )
    assert paper.abstract == (
        "First line continues.\n\nSecond paragraph: see https://example.org/x."
    )
    assert paper.links == ("https://example.org/x",)


def test_url_doi_and_arxiv_fields() -> None:
    paper = only(
        "@misc{k, title={T}, doi={https://doi.org/10.1000/{ABC}\\_1},"
        " eprint={2103.01234}, archiveprefix={arXiv}, primaryclass={cs.LG}}"
    )
    assert paper.doi == "10.1000/ABC_1"
    assert paper.url == "https://arxiv.org/abs/2103.01234"
    assert paper.category == "LG"
    assert paper.id == paper_id("T", None, "10.1000/ABC_1")


@pytest.mark.parametrize(
    ("primaryclass", "shown"),
    [
        ("cs, stat", "cs"),
        ("{physics, stat}", "physics"),
        ("cs.DS cs.LG", "DS"),
        ("math", "math"),
    ],
)
def test_a_list_of_classes_gives_the_first_as_the_category(primaryclass: str, shown: str) -> None:
    assert only(f"@misc{{k, title={{T}}, primaryclass={{{primaryclass}}}}}").category == shown


def test_junk_outside_entries_is_skipped_with_the_line_named() -> None:
    papers, problems = parse(
        "% a comment, silently ignored\n"
        "Generated by some tool; this prose is allowed\n"
        "@article{good1, title={One}}\n"
        "}\n\n"
        "{lost2,\n  title = {Two}\n}\n"
        "@article{good3, title={Three}}\n"
    )
    assert [p.title for p in papers] == ["One", "Three"]
    assert problems == [
        "lib.bib:4: text outside any entry skipped: '}' and 3 more lines",
    ]
    papers, problems = parse("@article{a, title={A}}\narticle{lost,\n title={B}\n}\n")
    assert [p.title for p in papers] == ["A"]
    assert problems == [
        "lib.bib:2: an entry without its '@type' skipped: 'article{lost,' and 2 more lines"
    ]


def test_prose_between_entries_is_a_warning_but_a_header_trailer_or_comment_is_not() -> None:
    text = (
        "Automatically generated by Mendeley 1.7.1\n"
        "Any changes to this file will be lost if it is regenerated by Mendeley.\n\n"
        "@article{a, title={A}}\n"
        "A plain note between entries.\n"
        "% a comment\n\n"
        "@article{b, title={B}}\n"
        "  % another comment\n"
        "@article{c, title={C}}\n\n"
        "This note sits outside any entry, as BibTeX allows.\n"
    )
    papers, problems = parse(text)
    assert [p.title for p in papers] == ["A", "B", "C"]
    assert problems == [
        "lib.bib:5: text outside any entry skipped: 'A plain note between entries.'"
    ]
    # Read in several chunks, the note is not taken for the file's header.
    chunked = parse_bibtex(text, "lib.bib", chunk_chars=30)
    assert [str(p) for p in chunked.problems] == problems


def test_a_broken_entry_is_skipped_and_the_rest_loads() -> None:
    papers, problems = parse(
        "@article{a, title={Fine}}\n\n"
        "@article{broken,\n  title = {Never closed,\n  year = 2000,\n\n"
        "@article{c, title={Also fine}}\n"
    )
    assert [p.title for p in papers] == ["Fine", "Also fine"]
    assert problems == [
        "lib.bib:3: @article 'broken' could not be read (a brace or quote is not closed); skipped"
    ]


def test_duplicate_keys_fields_and_missing_titles_are_warnings() -> None:
    papers, problems = parse(
        "@article{dup, title={First}}\n"
        "@article{dup, title={Second}, title={Ignored}}\n"
        "@misc{notitle, author={Someone}, year={1988}}\n"
        "@article{k, title={T}, journal=jmlr, publisher=jmlr}\n"
    )
    assert [p.title for p in papers] == ["First", "Second", "T"]
    assert papers[2].venue == "jmlr"
    assert problems == [
        "lib.bib:2: field title given twice in one entry; the first is used",
        "lib.bib:2: citation key 'dup' also used on line 1; both entries kept",
        "lib.bib:3: @misc 'notitle' has no title; skipped",
        "lib.bib:4: @string 'jmlr' is not defined; its name is used as text",
    ]


def test_a_missing_comma_between_fields_is_a_warning_and_both_fields_are_read() -> None:
    papers, problems = parse(
        "@article{mc1,\n"
        "  author = {Smith, John}\n"
        "  year = {2020},\n"
        "  title = {Missing comma}\n"
        "}\n"
        "@article{mc2, title={Third} author={A, B} month = jul\n year=2021}\n"
    )
    assert [(p.title, p.authors, p.year) for p in papers] == [
        ("Missing comma", ("John Smith",), 2020),
        ("Third", ("B A",), 2021),
    ]
    assert papers[1].date and papers[1].date.month == 7
    assert problems == [
        f"lib.bib:2: @article 'mc1': {NO_COMMA.format('author', 'year')}",
        f"lib.bib:6: @article 'mc2': {NO_COMMA.format('title', 'author')}",
        f"lib.bib:6: @article 'mc2': {NO_COMMA.format('author', 'month')}",
        f"lib.bib:6: @article 'mc2': {NO_COMMA.format('month', 'year')}",
    ]


NO_COMMA = "no comma after field {!r}, whose value ends on this line ({!r} follows); both read"
# The line where the comma belongs, however far into its entry and the file it is.
MISSING_COMMAS = (
    "@article{first,\n"  # 1
    "  title = {Fine},\n"
    "  year = 2020,\n"
    "  journal = {J},\n"
    "  author = {Smith, John}\n"  # 5: the comma belongs here
    "  note = {n}\n"
    "}\n"
    "@article{second,\n"
    "  title = {A title\n"
    "    over two lines}\n"  # 10: and here
    "  year = {2021}, abstract = {Ends\n"
    "    here} note = {second}\n"  # 12: and here
    "}\n"
    "@article{third, title={Third}, abstract={{x} year=2022}, note =\n"
    "\n"
    "  {x} year=2022}\n"  # 16: and here, its value (not the abstract) ending on it
)


@pytest.mark.parametrize("chunk_chars", [CHUNK_CHARS, 60])
def test_a_missing_comma_names_the_line_where_it_belongs(chunk_chars: int) -> None:
    result = parse_bibtex(MISSING_COMMAS, "lib.bib", chunk_chars=chunk_chars)
    assert [(p.title, p.year) for p in result.papers] == [
        ("Fine", 2020),
        ("A title over two lines", 2021),
        ("Third", 2022),
    ]
    assert [problem.line for problem in result.problems] == [5, 10, 12, 16]
    assert [str(problem) for problem in result.problems][0] == (
        f"lib.bib:5: @article 'first': {NO_COMMA.format('author', 'note')}"
    )


def test_a_comment_between_fields_or_after_a_value_leaves_the_fields_read() -> None:
    """bibtexparser reads a ``%`` comment line between fields into the next field's name
    (``% from Scholar\\n  author``): the author was lost without a word. One after a
    value without a comma was read into the value (``A Paper % from Scholar``)."""
    paper = only(
        "@article{k, % from Scholar\n"
        "  title = {A Paper}, % checked\n"
        "  % a line of its own\n"
        "  author = {Doe, Jane},\n"
        "  abstract = {Up 50% now, \\% and {%}.},\n"
        '  journal = "50% Journal" % quoted\n,'
        "  year = {2020} % last\n"
        "}\n"
    )
    assert (paper.title, paper.authors, paper.year) == ("A Paper", ("Jane Doe",), 2020)
    assert (paper.abstract, paper.venue) == ("Up 50% now, % and %.", "50% Journal")
    assert parse("@article{k, title = {A Paper} % from Scholar\n}")[0][0].title == "A Paper"
    assert parse("@article{k, title = {A Paper},\n year = 2020 % c\n}")[1] == []
    # The review: a comment holding a brace or a quote stayed in the value, and a comment
    # with no comma after it, the next field read into the value too, was kept.
    assert parse("@article{k, title = {A Paper} % from {Scholar}\n}")[0][0].title == "A Paper"
    assert parse('@article{k, title = {A Paper} % the "best"\n}')[0][0].title == "A Paper"
    (paper,), problems = parse(
        "@article{k,\n  title = {A Paper} % from Scholar\n  author = {Doe, Jane},\n}"
    )
    assert (paper.title, paper.authors) == ("A Paper", ("Jane Doe",))
    assert ["no comma after field 'title'" in str(problem) for problem in problems] == [True]
    # A comment line holding "=" between fields was warned of as a field named ''.
    (paper,), problems = parse(
        "@article{k,\n  title = {A Paper},\n  % TODO: check year=2019\n"
        "  author = {Doe, Jane},\n  year = 2020\n}"
    )
    assert (paper.title, paper.authors, paper.year, problems) == (
        "A Paper",
        ("Jane Doe",),
        2020,
        [],
    )


def test_an_equals_sign_inside_a_value_is_text() -> None:
    paper = only(
        '@article{k, title = "Why x = y", abstract = {We set {a} b = c and d={e}.},\n'
        "  url = {https://example.org/?a=b&c=d}, note = acl # { k = v}}"
    )
    assert paper.title == "Why x = y" and paper.abstract == "We set a b = c and d=e."
    assert paper.url == "https://example.org/?a=b&c=d"


def test_a_year_or_date_that_is_none_is_a_warning_naming_the_value() -> None:
    papers, problems = parse(
        "@article{y1, title={In press}, year={in press}}\n"
        "@article{y2, title={Range}, year={2019--2020}}\n"
        "@article{y3, title={Bad date}, date={2020-13-45}}\n"
        "@article{y4, title={No date}, date={soon}}\n"
        "@article{ok1, title={Plain}, year=2020, month=jul}\n"
        "@article{ok2, title={Second of its year}, year={1995a}}\n"
        "@article{ok3, title={Dated}, date={2018-07-06/2018-07-08}, year={ignored}}\n"
        "@article{ok4, title={Old style}, year=1992, month=sep, date=28}\n"
    )
    assert [p.year for p in papers] == [None, 2019, 2020, None, 2020, 1995, 2018, 1992]
    assert problems == [
        "lib.bib:1: @article 'y1': year \"in press\" is not a year; read without one",
        "lib.bib:2: @article 'y2': year \"2019--2020\" is not a year; read as 2019",
        "lib.bib:3: @article 'y3': date \"2020-13-45\" is not a date; read as 2020",
        "lib.bib:4: @article 'y4': date \"soon\" is not a date; read without one",
    ]


def test_a_year_with_its_month_written_before_it_is_read_with_both() -> None:
    """A real entry (pmlr-v75_klivans18_odonnell-bib.bib, line 12678) writes its year
    ``September 1994``: it was read without a year, and listed undated."""
    papers, problems = parse(
        "@techreport{Gol94, title={A report}, year={September 1994}}\n"
        "@misc{c90, title={Circa}, year={c. 1990}, month={mar}}\n"
    )
    assert [(p.date, p.date_precision) for p in papers] == [
        (dt.date(1994, 9, 1), "month"),
        (dt.date(1990, 3, 1), "month"),  # (the month given, not read from the year)
    ]
    assert problems == [
        "lib.bib:1: @techreport 'Gol94': year \"September 1994\" is not a year; read as 1994",
        "lib.bib:2: @misc 'c90': year \"c. 1990\" is not a year; read as 1990",
    ]


def test_sets_and_untitled_crossref_parents_are_no_papers_and_no_warnings() -> None:
    papers, problems = parse(
        "@set{s, entryset={a,b}}\n"
        "@inproceedings{a, title={A}, crossref={proc}}\n"
        "@proceedings{proc, booktitle={Proc}, year={2018}}\n"
    )
    assert [p.title for p in papers] == ["A"] and problems == []


def test_line_numbers_stay_right_across_chunks() -> None:
    entries = "".join(f"@article{{k{i},\n  title = {{Paper {i}}},\n}}\n" for i in range(200))
    result = parse_bibtex(entries + "}\n", "lib.bib", chunk_chars=300)
    assert len(result.papers) == 200
    assert [p.source.line for p in result.papers[:3] if p.source] == [1, 4, 7]
    assert result.papers[-1].source and result.papers[-1].source.line == 598
    assert [str(p) for p in result.problems] == ["lib.bib:601: text outside any entry skipped: '}'"]


def test_progress_is_reported_up_to_the_whole_text() -> None:
    text = "".join(f"@article{{k{i}, title={{Paper {i}}}}}\n" for i in range(100))
    seen: list[tuple[int, int]] = []
    parse_bibtex(
        text, "lib.bib", progress=lambda done, total: seen.append((done, total)), chunk_chars=500
    )
    assert len(seen) > 3
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (len(text), len(text))


def test_control_codes_in_fields_are_stripped() -> None:
    paper = only("@article{k, title={Evil \x1b[31mred\x1b[0m title}, author={A\x07 B}}")
    assert paper.title == "Evil red title" and paper.authors == ("A B",)


def test_the_shipped_sample_library(tmp_path: Path) -> None:
    result = read_file(ROOT / "data" / "sample-library.bib", AS_OF)
    assert result.problems == []
    titles = [p.title for p in result.papers]
    assert titles == [
        "Tokens, BERT and the École: Accents & 50% Less Compute",
        "A Chapter in A Collection",
        "The Collected Works",
        "A Survey of Naïve Methods",
    ]
    first = result.papers[0]
    assert first.authors == ("Jörg Müller", "Anna van der Berg", "Google Brain Team")
    assert first.venue == (
        "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics"
    )
    assert first.abstract and first.abstract.endswith("A second paragraph, with “quotes”.")
    assert result.papers[1].authors == ("John Smith Jr.",) and result.papers[1].et_al


# --- the real files in the shared corpus ---------------------------------------------------

# file: (papers loaded, entries in the file, warnings). duchi18 holds 2,761 entries, three
# more than a line-start count finds: "}@article{GormanSe88," starts one mid-line.
CORPUS_BIB = {
    "acl-anthology_P19-1007.bib": (1, 1, 0),
    "biblatex-examples.bib": (90, 92, 0),  # 2 @set entries group others
    "interpretable-ml-book_references.bib": (140, 140, 1),
    "pmlr-v75_colt18.bib": (94, 95, 2),  # the @proceedings has no title
    "pmlr-v75_duchi18_bib.bib": (2758, 2761, 23),  # 10 years such as "to appear"
    "pmlr-v75_klivans18_odonnell-bib.bib": (2504, 2508, 11),  # 144 undefined @strings: 1 line
    "pmlr-v75_locatelli18_mendeley-library.bib": (786, 786, 34),  # a comma left out
    "pmlr-v81_fat18.bib": (20, 21, 1),
}


@pytest.mark.parametrize("name", sorted(CORPUS_BIB))
def test_every_corpus_bib_file_loads(corpus: Path, name: str) -> None:
    papers, entries, warnings = CORPUS_BIB[name]
    result = read_file(corpus / "bib" / name, AS_OF)
    assert len(result.papers) == papers
    assert len(result.problems) == warnings
    assert all(p.title and p.citekey and p.entry_type for p in result.papers)
    assert all(f"{name}:" in str(problem) for problem in result.problems)
    # Nothing LaTeX-ish is left in what a reader sees.
    for paper in result.papers:
        assert "\\'" not in paper.title and "{\\" not in paper.authors_text(), paper


def test_windows_1252_corpus_file_is_decoded_with_a_warning(corpus: Path) -> None:
    result = read_file(corpus / "bib" / "pmlr-v75_klivans18_odonnell-bib.bib", AS_OF)
    first, second = (str(problem).split("odonnell-bib.bib:")[1] for problem in result.problems[:2])
    assert first == "2523: not valid UTF-8 (byte 0x92); read as windows-1252"
    assert second == (
        "606: 144 @string macros are not defined in this file (stoc1987, acm, focs2003, ieee,"
        " proc38, ...); their names are used as text"
    )
    names = {name for paper in result.papers for name in paper.authors}
    assert "Ryan O’Donnell" in names and "Paul Erdős" in names
    assert any("Frankl-Rödl" in paper.title for paper in result.papers)


def test_corpus_warnings_name_the_lines_a_user_must_fix(corpus: Path) -> None:
    result = read_file(corpus / "bib" / "pmlr-v75_duchi18_bib.bib", AS_OF)
    messages = [str(p).split("bib.bib:", 1)[1] for p in result.problems]
    assert (
        "15873: an entry without its '@type' skipped: 'unpublished{Kleinberg9?' and 4 more lines"
    ) in messages
    assert (
        "23410: @inproceedings 'ShackelfordVo88' could not be read "
        "(a brace or quote is not closed); skipped"
    ) in messages


def test_corpus_entries_read_like_the_source(corpus: Path) -> None:
    result = read_file(corpus / "bib" / "biblatex-examples.bib", AS_OF)
    by_key = {paper.citekey: paper for paper in result.papers}
    westfahl = by_key["westfahl:space"]  # a crossref child of westfahl:frontier
    assert westfahl.venue == "Space and Beyond: The Frontier Theme in Science Fiction"
    assert westfahl.year == 2000
    assert by_key["knuth:ct:a"].title == "The TeXbook"


def test_one_windows_1252_byte_in_the_acl_bib_changes_that_title_only(corpus: Path) -> None:
    """One 0xE9 pasted into a 31 MB UTF-8 file once re-read it all as windows-1252: 161
    titles turned to mojibake and 159 paper ids changed, detaching their notes."""
    from paperbrowse.core.files import decode

    clean = (corpus / "acl-anthology-2016-2021.bib").read_bytes()
    at = clean.index(b'\n    title = "', len(clean) // 2) + len(b'\n    title = "')
    damaged = clean[:at] + b"\xe9" + clean[at:]
    clean_text, _ = decode(clean, "acl.bib")
    text, problems = decode(damaged, "acl.bib")
    line = clean.count(b"\n", 0, at) + 1
    assert [str(problem) for problem in problems] == [
        f"acl.bib:{line}: 1 byte not valid UTF-8 (0xe9) on line {line}; "
        "read as windows-1252 there, the rest as UTF-8"
    ]
    where = len(clean[:at].decode("utf-8"))
    assert text == clean_text[:where] + "é" + clean_text[where:]  # all else as it was
    # The papers around it, as the reader makes them: the same ids and titles but one.
    start = clean_text.rindex("\n@", 0, where - 200_000) + 1
    end = clean_text.index("\n@", where + 200_000) + 1
    before = parse_bibtex(clean_text[start:end], "acl.bib").papers
    after = parse_bibtex(text[start : end + 1], "acl.bib").papers
    changed = [
        (old.title, new.title)
        for old, new in zip(before, after, strict=True)
        if (old.id, old.title) != (new.id, new.title)
    ]
    assert len(before) > 200
    assert len(changed) == 1 and changed[0][1] == "é" + changed[0][0]


def test_acl_bib_reads_like_the_acl_jsonl_of_the_same_papers(corpus: Path) -> None:
    """The Anthology exports the same papers as LaTeX-escaped BibTeX and as Unicode JSON Lines:
    the BibTeX, converted, must give the same titles, authors, years and DOIs."""
    import itertools

    from paperbrowse.core.formats.jsonl import parse_jsonl

    count = 4000
    with (corpus / "acl-anthology-2016-2021.jsonl").open(encoding="utf-8") as handle:
        lines = "".join(itertools.islice(handle, count))
    bib = (corpus / "acl-anthology-2016-2021.bib").read_text(encoding="utf-8")
    end = 0
    for _ in range(count):
        end = bib.index("\n@", end + 1)
    from_bib = {p.citekey: p for p in parse_bibtex(bib[: end + 1], "acl.bib").papers}
    from_json = parse_jsonl(lines, "acl.jsonl").papers
    assert len(from_bib) == len(from_json) == count
    # Where the JSON keeps LaTeX math ("$k$Folden") or a Unicode hyphen the BibTeX lacks.
    math_titles = {
        "2020.acl-main.644",
        "2020.acl-main.711",
        "2020.emnlp-main.219",
        "2020.emnlp-main.737",
        "2020.findings-emnlp.99",
    }
    for paper in from_json:
        other = from_bib[paper.citekey]
        assert (paper.year, paper.doi, paper.venue) == (other.year, other.doi, other.venue)
        if paper.citekey not in math_titles:
            assert paper.title == other.title
        if paper.citekey != "2020.coling-main.208":  # "Laks Lakshmanan, V.S." in the JSON
            assert paper.authors == other.authors


def test_the_anthologys_escaped_math_commands_are_read_as_the_commands(corpus: Path) -> None:
    """The Anthology's BibTeX writes the commands in its math as text,
    ``$\\textbackslash{}rightarrow$`` (71 times in 22,362 papers): titles and abstracts
    showed ``Chinese\\rightarrowEnglish`` and ``Refer360^\\circ``. Every such entry of the
    real file, read."""
    bib = (corpus / "acl-anthology-2016-2021.bib").read_text(encoding="utf-8")
    in_math = re.compile(r"\$[^$]*\\textbackslash\{\}")
    entries = [entry for entry in bib.split("\n@") if in_math.search(entry)]
    papers = parse_bibtex("\n@".join(["", *entries]), "acl.bib").papers
    assert len(papers) == len(entries) >= 40
    for paper in papers:
        for text in (paper.title, paper.abstract or ""):
            assert "textbackslash" not in text and not re.search(r"\\[a-z]", text), text
    titles = [paper.title for paper in papers]
    assert "Refer360^∘: A Referring Expression Recognition Dataset in 360^∘ Images" in titles


def test_biblatexs_breakable_hyphen_is_a_hyphen(corpus: Path) -> None:
    """biblatex's own example file writes ``methodology\\hyphen independent``: the title
    read ``methodologyhyphen independent`` (an explorer's)."""
    papers = parse_bibtex(
        (corpus / "bib" / "biblatex-examples.bib").read_text(encoding="utf-8"), "examples.bib"
    ).papers
    (title,) = [p.title for p in papers if p.title.startswith("Computation of methodology")]
    assert title.startswith("Computation of methodology-independent ionic solvation")


def test_an_escaped_dollar_opens_no_math_for_a_text_backslash() -> None:
    """``\\$5`` is a dollar: a ``\\textbackslash{}`` after it is a backslash, as written
    (read as in math, ``back\\textbackslash{}slash`` lost its backslash to ``\\slash``)."""
    title = "Costs \\$5, back\\textbackslash{}slash and $\\textbackslash{}alpha$"
    paper = only("@misc{d, title={" + title + "}}")
    assert paper.title == "Costs $5, back\\slash and α"


def test_a_mendeley_escaped_backslash_reads_as_the_latex_meant_in_every_field(
    corpus: Path,
) -> None:
    """Mendeley writes the backslash of the LaTeX it exports as ``$\\backslash$``: the
    real export's author list ``Chang, Keng$\\backslash$-hao`` showed ``Keng\\-hao Chang``
    and ``Zivn$\\backslash$i`` showed ``Zivn\\i`` (titles and venues were read; names
    and abstracts were not). No field of the file shows a backslash now."""
    result = read_file(corpus / "bib" / "pmlr-v75_locatelli18_mendeley-library.bib", AS_OF)
    by_key = {paper.citekey: paper for paper in result.papers}
    assert by_key["chang2009inferring"].authors == (
        "Keng-hao Chang",
        "Jeffrey Hightower",
        "Branislav Kveton",
    )
    assert by_key["zivn???2009expressive"].authors[0] == "S Zivn\u0131"  # \i: a dotless i
    assert by_key["urlhttp://mplab.ucsd.edumplab"].authors == ("http://mplab.ucsd.edu",)
    for paper in result.papers:
        for text in (paper.title, paper.authors_text(), paper.venue or "", paper.abstract or ""):
            assert "\\" not in text and "backslash" not in text, (paper.citekey, text)
    library = Library(list(result.papers))
    for query in ("keng-hao", "author:keng-hao", "author:hao chang"):
        assert [hit.paper.citekey for hit in library.search(query)] == ["chang2009inferring"]


@pytest.mark.parametrize(
    ("field", "shown"),
    [
        ("author = {Chang, Keng$\\backslash$-hao}", "Keng-hao Chang"),
        ("abstract = {Recall $\\backslash$& precision}", "Recall & precision"),
        ("abstract = {Recall $\\backslash$\\& precision}", "Recall & precision"),
        ("abstract = {up 50$\\backslash$\\% a $\\backslash$_b}", "up 50% a _b"),
        (
            "abstract = {\\{$\\backslash$em Lost\\} and $\\backslash$\\{x$\\backslash$\\}}",
            "Lost and {x}",
        ),
        ("abstract = {the $\\backslash$ell\\_1 norm}", "the ℓ_1 norm"),
        # A backslash before a word that is no LaTeX command is a backslash: a Windows
        # path lost its folders ("C:Usersmefile.pdf").
        (
            "abstract = {See C:$\\backslash$Users$\\backslash$me$\\backslash$file.pdf now}",
            "See C:\\Users\\me\\file.pdf now",
        ),
        # A path's part named like a command (\text, \url, \tt) is a folder all the same.
        (
            "abstract = {In D:$\\backslash$text$\\backslash$url$\\backslash$tt x.pdf}",
            "In D:\\text\\url\\tt x.pdf",
        ),
        (
            "abstract = {On $\\backslash$$\\backslash$server$\\backslash$share today}",
            "On \\\\server\\share today",
        ),
        (
            "abstract = {At D:$\\backslash$My Papers$\\backslash$emph$\\backslash$x.pdf now}",
            "At D:\\My Papers\\emph\\x.pdf now",
        ),
        # Commands stay commands, whatever paperbrowse knows of them; a drive is no command.
        ("abstract = {in $\\backslash$LaTeX, and $\\backslash$TeX}", "in LaTeX, and TeX"),
        ("abstract = {Section A:$\\backslash$textbf\\{x\\} here}", "Section A:x here"),
    ],
)
def test_mendeleys_escaped_latex_reads_as_plain_text(field: str, shown: str) -> None:
    paper = only("@article{k, title={T}, " + field + "}")
    assert shown in (paper.authors_text(), paper.abstract)


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("pillaud-vivien18", "the excess testing loss (squared loss) converges"),  # \\emph
        ("abernethy18", "recent work [RS13,SALS15] has established"),  # was <cit.>RS13,SALS15
        ("bhattacharyya18", "for any constants d ∈ℤ^+ and ε > 0, it is"),  # was "and > 0"
        ("meister18", "the true values of a (1-ε) fraction"),  # was "a (1-) fraction"
        ("abbasi-yadkori18", "we ask: Can we design a learner"),
    ],
)
def test_latex_in_the_real_colt_abstracts_reads_as_text(corpus: Path, key: str, shown: str) -> None:
    """COLT 2018's abstracts as PMLR publishes them: a citation showed pylatexenc's
    ``<cit.>`` before its keys, and the authors' own macros in math (``\\eps``, ``\\R``)
    were dropped, words and all."""
    papers = read_file(corpus / "bib" / "pmlr-v75_colt18.bib", AS_OF).papers
    (paper,) = [paper for paper in papers if paper.citekey == key]
    assert shown in (paper.abstract or "")


def test_an_abstract_written_in_html_reads_as_paragraphs_not_tags(corpus: Path) -> None:
    # COLT 2018's .bib gives four abstracts in HTML: the detail pane showed
    # "<ul> <li> <b>Planted Independent Set:</b> We show ...</li>".
    papers = read_file(corpus / "bib" / "pmlr-v75_colt18.bib", AS_OF).papers
    with_html = [paper for paper in papers if "<" in (paper.abstract or "")]
    assert not [p.abstract for p in with_html if re.search(r"</?(li|ul|b|p)>", p.abstract or "")]
    (brennan,) = [paper for paper in papers if "Planted Sparse Structure" in paper.title]
    paragraphs = (brennan.abstract or "").split("\n\n")
    assert "• Planted Independent Set: We show tight lower bounds" in paragraphs[1]
    assert paragraphs[2].startswith("• Planted Dense Subgraph: If p > q are")


def test_an_html_abstract_keeps_its_dollars_and_its_links() -> None:
    # Its entities were read before the LaTeX: "&#36;5 and &#36;6" became math, "5 and 6";
    # a link kept its text, its address lost.
    paper = only(
        "@article{k, title={T}, abstract={<p>Cost is &#36;5 and &#36;6 &amp; more.</p>"
        '<p>See <a href="https://x.org/code">our code</a>.</p>}}'
    )
    assert paper.abstract == "Cost is $5 and $6 & more.\n\nSee our code (https://x.org/code)."
    assert "https://x.org/code" in paper.links


def test_an_abstract_with_angle_brackets_but_no_html_keeps_them() -> None:
    paper = only("@article{k, title={T}, abstract={We show a < b and c > d, <cost> stays.}}")
    assert paper.abstract == "We show a < b and c > d, <cost> stays."


def test_latex_single_quotes_read_as_quotation_marks(corpus: Path) -> None:
    """`` `fair' `` is LaTeX's ‘fair’: FAT* 2018's abstract and a title of a real reference
    list showed the backquote and the apostrophe as typed."""
    fat = read_file(corpus / "bib" / "pmlr-v81_fat18.bib", AS_OF).papers
    (binns,) = [paper for paper in fat if paper.citekey == "binns18"]
    assert "to be \u2018fair\u2019, in terms" in (binns.abstract or "")
    titles = [p.title for p in read_file(corpus / "bib" / "pmlr-v75_duchi18_bib.bib", AS_OF).papers]
    assert "A \u2018Neural\u2019 Network that Learns to Play Backgammon" in titles


def test_no_latex_command_reaches_the_reader_of_the_real_files(corpus: Path) -> None:
    for path in sorted((corpus / "bib").glob("*.bib")):
        for paper in read_file(path, AS_OF).papers:
            for text in (paper.title, paper.abstract or ""):
                assert not re.search(r"\\[A-Za-z]|<cit\.>|<ref>", text), (path.name, text)


_BIBTEX_BITS = st.sampled_from(
    [
        "@article{",
        "@string{",
        "@comment{",
        "@preamble{",
        "key",
        ",",
        "=",
        "#",
        "{",
        "}",
        '"',
        "(",
        ")",
        "\n",
        " ",
        "title",
        "author",
        "and",
        "others",
        "crossref",
        "jan",
        "\\",
        "\\'",
        '{\\"o}',
        "$",
        "%",
        "~",
        "--",
        "é",
        "\x1b[31m",
        "@",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_BIBTEX_BITS, max_size=80).map("".join))
def test_no_text_makes_the_bibtex_reader_crash(text: str) -> None:
    result = parse_bibtex(text, "fuzz.bib")
    for paper in result.papers:
        assert paper.title and "\x1b" not in paper.title
    assert all(problem.file == "fuzz.bib" for problem in result.problems)


@pytest.mark.parametrize("line", ["@handle on the web", "@ACL 2020 said", "@ 5 pm"])
def test_a_line_of_a_value_starting_with_an_at_sign_is_not_where_a_chunk_ends(line: str) -> None:
    """A large file is read a chunk at a time, each chunk cut before a line that starts an
    entry: a line of an abstract starting with "@" is not one, and its entry loads."""
    entries = [
        f"@article{{k{n},\n  title = {{Paper {n}}},\n  year = 2020,\n"
        f"  abstract = {{Words about paper {n}.\n{line} and more words.}}\n}}\n"
        for n in range(40)
    ]
    text = "".join(entries)
    whole = parse_bibtex(text, "x.bib", chunk_chars=len(text) + 1)
    for chunk_chars in (50, 97, 200, 1000):
        chunked = parse_bibtex(text, "x.bib", chunk_chars=chunk_chars)
        assert [p.title for p in chunked.papers] == [p.title for p in whole.papers]
        assert chunked.problems == whole.problems
    assert len(whole.papers) == 40 and not whole.problems


def test_a_long_value_full_of_equals_signs_is_one_field() -> None:
    # (Each "=" was looked for from the value's start: 136 s for this abstract.)
    abstract = " ".join(f"let $x_{{{i}}} = {i}$." for i in range(5000))
    text = f'@article{{a, title={{T}}, year=2020, abstract="{abstract}"}}\n'
    result = parse_bibtex(text, "eq.bib")
    (paper,) = result.papers
    assert not result.problems and paper.year == 2020
    assert paper.abstract is not None and paper.abstract.endswith("x_4999 = 4999.")  # (LaTeX read)


# --- the fast paths read values as the general ones do ----------------------------------

_VALUE_TEXT = st.text(alphabet=st.sampled_from('ab {}"#=\\$-~ \n\t%'), max_size=12)


@given(_VALUE_TEXT)
@example("x # y")
@example("{a}{b}")
@example('"')
@example("jul")
@settings(max_examples=400, deadline=None)
def test_a_value_written_out_reads_as_the_macro_path_reads_it(raw: str) -> None:
    """A value in one pair of braces or quotes is read without the macro machinery: its
    text must be what that machinery gives, and anything else goes through it."""
    from paperbrowse.core.formats.bibvalues import MONTH_MACROS, evaluate, written_out

    for value in (raw, "{" + raw + "}", '"' + raw + '"', " {" + raw + "} "):
        text = written_out(value)
        assert text is None or text == evaluate(value, dict(MONTH_MACROS))[0]


# Mostly plain text (spaces, line breaks, odd spaces, URL parts), some LaTeX.
_ABSTRACT_TEXT = st.text(alphabet=st.sampled_from("ab  .:/w\n\t\u00a0\u200b{-"), max_size=30)


@given(_ABSTRACT_TEXT)
@example("Two  spaces and a https://a.io/x link, see www.b.org.  ")
@example("One paragraph.\n\n  Another, with\ta tab.")
@example("")
@settings(max_examples=400, deadline=None)
def test_a_plain_abstract_reads_as_converted_text_does(raw: str) -> None:
    """Abstracts with no LaTeX skip the conversion: they must read as if converted."""
    from paperbrowse.core.formats.bibtex import _abstract
    from paperbrowse.core.formats.bibvalues import tidy_paragraphs, urls_in

    text, links = tex_to_text(raw)
    abstract = tidy_paragraphs(text)
    expected = (abstract or None, list(dict.fromkeys(links + urls_in(abstract))))
    assert _abstract(raw) == (expected if raw else (None, []))
