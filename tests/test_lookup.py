"""Adding a paper by DOI or arXiv id: look-ups against recorded Crossref and arXiv
responses (``service_replay.py``), and the files they are added to."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from paperbrowse.cli import main
from paperbrowse.core.backups import new_run
from paperbrowse.core.formats import read_file
from paperbrowse.core.lookup.adding import AlreadyThere, CannotAdd, add_paper, add_papers
from paperbrowse.core.lookup.client import LookupFailed, look_up
from paperbrowse.core.lookup.identifiers import Identifier, pasted_on_one_line, read_identifier

if TYPE_CHECKING:
    from service_replay import Requests

JMIR = "10.2196/22081"  # a journal article with a JATS abstract in three sections
JMIR_TITLE = (
    "Investigating Patients’ Intention to Continue Using Teleconsultation to Anticipate "
    "Postcrisis Momentum: Survey Study"
)
CAIS = "10.17705/1cais.04607"  # organisations among its authors ({"name": ...})
NATURE = "10.1038/d41586-020-02761-z"  # authors with a family name only
SICI = "10.1002/(SICI)1097-4571(199806)49:8"  # an old DOI, escaped in its link
SICI_FULL = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O"
BIORXIV, SPRINGER = "10.1101/2020.03.22.002386", "10.1007/s00134-020-06294-x"
WILEY = "10.1002/anie.201915678"  # publishers' pages: their suffixes are no part of the DOI
TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10.2196/22081", Identifier("doi", "10.2196/22081")),
        ("  doi:10.2196/22081 ", Identifier("doi", "10.2196/22081")),
        ("https://doi.org/10.1038/d41586-020-02761-z", Identifier("doi", NATURE)),
        ("https://dx.doi.org/10.1002/(SICI)1097-4571%28199806%2949%3A8", Identifier("doi", SICI)),
        ("1605.08386", Identifier("arxiv", "1605.08386")),
        ("arXiv:1111.2011v2", Identifier("arxiv", "1111.2011")),
        ("https://arxiv.org/abs/2004.07180v4", Identifier("arxiv", "2004.07180")),
        ("https://arxiv.org/pdf/2004.07180.pdf", Identifier("arxiv", "2004.07180")),
        ("astro-ph/0601001", Identifier("arxiv", "astro-ph/0601001")),
        ("10.48550/arXiv.1605.08386", Identifier("arxiv", "1605.08386")),
        ("arXiv:1605.08386.", Identifier("arxiv", "1605.08386")),  # pasted from a sentence
        ("arXiv 1605.08386", Identifier("arxiv", "1605.08386")),
        ("arxiv.org/abs/1605.08386", Identifier("arxiv", "1605.08386")),
        ("https://arxiv.org/abs/1605.08386?context=math", Identifier("arxiv", "1605.08386")),
        ("https://arxiv.org/html/1605.08386v1", Identifier("arxiv", "1605.08386")),
        ("doi.org/10.2196/22081", Identifier("doi", "10.2196/22081")),
        ("(https://www.doi.org/10.2196/22081#x)", Identifier("doi", "10.2196/22081")),
        ("10.2196/22081).", Identifier("doi", "10.2196/22081")),
        (f"({SICI})", Identifier("doi", SICI)),
        ("https://dl.acm.org/doi/10.2196/22081", Identifier("doi", JMIR)),  # a publisher's page
        ("https://journals.plos.org/x/article?id=10.2196/22081", Identifier("doi", JMIR)),
        (f"https://www.biorxiv.org/content/{BIORXIV}v1", Identifier("doi", BIORXIV)),
        (f"https://link.springer.com/content/pdf/{SPRINGER}.pdf", Identifier("doi", SPRINGER)),
        (f"https://onlinelibrary.wiley.com/doi/{WILEY}/full", Identifier("doi", WILEY)),
        ("https://example.com/about", None),
        ("arXiv:1605.08386 [math.CO]", Identifier("arxiv", "1605.08386")),  # arXiv's "Cite as"
        ("https://notarxiv.org/abs/1605.08386", None),
        ("math.AG/0601001", Identifier("arxiv", "math/0601001")),  # as arXiv knows it
        ("10.2196/22081]", Identifier("doi", "10.2196/22081")),
        (f"<{SICI_FULL}>", Identifier("doi", SICI_FULL)),
        ("attention is all you need", None),
        ("10.1234", None),
        ("", None),
    ],
)  # fmt: skip
def test_what_a_user_types_names_a_doi_or_an_arxiv_id(
    typed: str, expected: Identifier | None
) -> None:
    assert read_identifier(typed) == expected


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("https://doi.org/10.2196/\n22081", "https://doi.org/10.2196/22081"),
        ("10.18653/v1/2020.\nacl-main.207", "10.18653/v1/2020.acl-main.207"),
        ("10.18653/v1/2020.acl-\nmain.207\n", "10.18653/v1/2020.acl-main.207"),
        ("https://doi.org/10.1038/d41586\n-020-02761-z", "https://doi.org/10.1038/d41586-020-02761-z"),
        ("arXiv:1605.\n08386", "arXiv:1605.08386"),
        ("doi:10.2196/220\r\n81 ", "doi:10.2196/22081"),  # a Windows line end, a space
        ("Attention Is All\nYou Need", "Attention Is All You Need"),
        ("Investigating Patients' Intention to Continue\n  Using Teleconsultation\n\n",
         "Investigating Patients' Intention to Continue Using Teleconsultation"),
        ("Deep learning.\nNature", "Deep learning. Nature"),  # a sentence's end, not an id's
        ("Towards hyper-\nparameter tuning", "Towards hyper-parameter tuning"),
        ("one line", "one line"),
        ("\n\n", ""),
    ],
)  # fmt: skip
def test_pasted_lines_are_joined_into_one(pasted: str, expected: str) -> None:
    assert pasted_on_one_line(pasted) == expected


def test_a_doi_is_looked_up_on_crossref(services: list[str]) -> None:
    paper = look_up(f"https://doi.org/{JMIR}")
    assert services == [f"/works/{JMIR}"]
    assert paper.title == JMIR_TITLE
    assert paper.authors[0] == "Antoine Grenier Ouimet" and len(paper.authors) == 4
    assert paper.date == dt.date(2020, 11, 26)
    assert paper.venue == "Journal of Medical Internet Research"
    assert paper.doi == JMIR and paper.pages == "e22081"
    # The JATS abstract: a paragraph a section, led by its title, as PubMed shows it.
    assert paper.abstract is not None
    paragraphs = paper.abstract.split("\n\n")
    assert [paragraph.split(": ")[0] for paragraph in paragraphs] == [
        "Background",
        "Objective",
        "Methods",
        "Results",
        "Conclusions",
    ]
    assert paragraphs[0].startswith("Background: The COVID-19 crisis has drastically changed")
    assert "<jats" not in paper.abstract and "  " not in paper.abstract


def test_organisations_crossref_lists_as_authors_stay_whole(services: list[str]) -> None:
    paper = look_up(CAIS)
    assert "Paderborn University" in paper.authors
    assert "HEC Montréal" in paper.literal_names
    from paperbrowse.core.formats.export import export_papers

    # never "University, Paderborn"
    assert "{Paderborn University}" in export_papers([paper], "bibtex")


def test_an_arxiv_id_is_looked_up_on_arxiv(services: list[str]) -> None:
    paper = look_up("arXiv:1605.08386")
    assert services == ["/api/query?id_list=1605.08386"]
    assert paper.title == "Heat-bath random walks with Markov bases"
    assert paper.authors == ("Caprice Stanley", "Tobias Windisch")
    assert paper.date == dt.date(2016, 5, 26)
    assert paper.venue == "arXiv preprint arXiv:1605.08386"
    assert paper.doi == "10.48550/arXiv.1605.08386"  # arXiv's own DOI: no journal's
    assert paper.url == "https://arxiv.org/abs/1605.08386"
    assert paper.abstract and paper.abstract.startswith("Graphs on lattice points are studied")


def test_an_arxiv_paper_published_since_has_the_journals_doi(services: list[str]) -> None:
    paper = look_up("1111.2011")  # the feed names version 2
    assert paper.doi == "10.1103/PhysRevB.85.115117"
    # The title, wrapped over two lines in the feed, is one line.
    assert paper.title == (
        "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    )


def test_an_old_style_arxiv_id(services: list[str]) -> None:
    from paperbrowse.core.formats.export import export_papers

    paper = look_up("astro-ph/0601001")
    assert paper.title.startswith("Frequency of Hot Jupiters and Very Hot Jupiters")
    assert paper.date is not None and paper.date.year == 2006
    entry = export_papers([paper], "bibtex")
    assert "eprint = {astro-ph/0601001}" in entry and "archiveprefix = {arXiv}" in entry


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10.1371/notarealdoi", "10.1371/notarealdoi: not found at 127.0.0.1"),
        ("0000.0000", "arXiv:0000.0000: arXiv has no paper 0000.0000"),
        ("a title", "'a title' is neither a DOI nor an arXiv id"),
    ],
)
def test_what_is_not_found_says_so_in_one_line(
    services: list[str], typed: str, message: str
) -> None:
    with pytest.raises(LookupFailed) as failure:
        look_up(typed)
    assert str(failure.value).startswith(message)
    assert "\n" not in str(failure.value)


def test_offline_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERBROWSE_CROSSREF_URL", "http://127.0.0.1:9")  # nothing listens
    with pytest.raises(LookupFailed, match=r"^10.2196/22081: cannot reach 127.0.0.1:9 .*offline"):
        look_up(JMIR)


def _bib(tmp_path: Path) -> Path:
    path = tmp_path / "library.bib"
    path.write_text(
        "% my library\n@article{doe2020,\n  title = {An Old Paper},\n  author = {Doe, Jane},\n"
        "  year = {2020},\n}\n",
        encoding="utf-8",
    )
    return path


def test_a_paper_is_appended_to_a_bib_and_the_old_file_kept(
    services: list[str], tmp_path: Path
) -> None:
    path = _bib(tmp_path)
    before = path.read_bytes()
    added = add_paper(path, look_up(JMIR))
    after = path.read_bytes()
    assert after.startswith(before)  # the user's text, byte for byte, then the entry
    assert added.backup == tmp_path / "library.bib.bak"
    assert added.backup.read_bytes() == before
    papers = read_file(path, TODAY).papers
    assert [paper.title for paper in papers] == ["An Old Paper", JMIR_TITLE]
    assert papers[1].citekey == added.key == "grenierouimet2020investigating"


def test_crossref_s_page_range_is_added_with_bibtex_s_double_hyphen(
    services: list[str], tmp_path: Path
) -> None:
    path = _bib(tmp_path)
    paper = look_up(CAIS)
    assert paper.pages == "134-186"  # as Crossref gives it
    add_paper(path, paper)
    assert "  pages = {134--186},\n" in path.read_text(encoding="utf-8")
    assert read_file(path, TODAY).papers[1].pages == "134–186"


def test_two_adds_in_one_run_keep_the_file_as_it_was_before_the_first(
    services: list[str], tmp_path: Path
) -> None:
    path = _bib(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    add_paper(path, look_up(JMIR))
    second = add_paper(path, look_up("1605.08386"))
    assert second.backup == tmp_path / "library.bib.bak"
    assert second.backup.read_bytes() == before  # not the file between the two adds
    assert len(read_file(path, TODAY).papers) == 3
    between = path.read_bytes()
    second.backup.unlink()  # deleted meanwhile: the next add keeps a new one
    add_paper(path, look_up(CAIS))
    assert second.backup.read_bytes() == between


def test_a_new_run_keeps_the_file_as_it_was_before_that_run(
    services: list[str], tmp_path: Path
) -> None:
    path = _bib(tmp_path)
    add_paper(path, look_up(JMIR))
    new_run()  # as the next session's process starts
    before_this_run = path.read_bytes()
    add_paper(path, look_up("1605.08386"))
    add_paper(path, look_up(CAIS))
    assert (tmp_path / "library.bib.bak").read_bytes() == before_this_run


def test_cli_each_add_command_is_a_run(services: list[str], tmp_path: Path) -> None:
    path = _bib(tmp_path)
    assert main(["add", JMIR, "--to", str(path)]) == 0
    after_the_first = path.read_bytes()
    assert main(["add", "1605.08386", "--to", str(path)]) == 0
    assert (tmp_path / "library.bib.bak").read_bytes() == after_the_first


def test_the_same_paper_is_not_added_twice(services: list[str], tmp_path: Path) -> None:
    path = _bib(tmp_path)
    add_paper(path, look_up(JMIR))
    once = path.read_bytes()
    with pytest.raises(AlreadyThere, match=r"library.bib has this paper already \(line 8\)"):
        add_paper(path, look_up(f"doi:{JMIR.upper()}"))
    assert path.read_bytes() == once


def test_a_key_the_file_has_is_not_taken_again(services: list[str], tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_text(
        "@misc{grenierouimet2020investigating, title = {Something Else}, year = 2020}\n"
    )
    added = add_paper(path, look_up(JMIR))
    assert added.key == "grenierouimet2020investigatinga"
    keys = [paper.citekey for paper in read_file(path, TODAY).papers]
    assert keys == ["grenierouimet2020investigating", "grenierouimet2020investigatinga"]


@pytest.mark.parametrize("suffix", [".bib", ".ris", ".jsonl", ".json"])
def test_a_paper_is_added_to_each_kind_of_file_and_reads_back(
    services: list[str], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"new{suffix}"  # made by the first paper added
    first = add_paper(path, look_up(JMIR))
    assert first.backup is None
    add_paper(path, look_up("1605.08386"))
    papers = read_file(path, TODAY).papers
    assert [paper.title for paper in papers] == [
        JMIR_TITLE,
        "Heat-bath random walks with Markov bases",
    ]
    assert papers[0].doi == JMIR and papers[1].authors == ("Caprice Stanley", "Tobias Windisch")
    assert (tmp_path / f"new{suffix}.bak").exists()


def test_a_csl_json_file_keeps_its_text_around_the_new_item(
    services: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "zotero.json"
    path.write_text('[\n  {"id": "a", "type": "book", "title": "Kept", "custom": [1, 2]}\n]\n')
    add_paper(path, look_up(JMIR))
    items = json.loads(path.read_text())
    assert items[0] == {"id": "a", "type": "book", "title": "Kept", "custom": [1, 2]}
    assert items[1]["DOI"] == JMIR


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"", "papers are added to a BibTeX (.bib)"),
        # It said why, not how: the way to add to it is to convert it (the explorer).
        ("latin1.bib", "@misc{k, title={Caf\xe9}}\n".encode("latin-1"), "convert it to UTF-8"),
        ("doc.json", b'{"papers": []}', "a .json file holding a CSL-JSON list"),
        ("open.bib", b"@misc{a}\n\n@article{k, title = {Unclosed},\n", "entry at line 3 is never"),
        ("broken.json", b'[{"title": "x"', "a .json file holding a CSL-JSON list"),
        ("open.ris", b"TY  - JOUR\nTI  - Closed\nER  - \n\nTY  - JOUR\nTI  - Open\n", "line 5"),
        ("home.bib", None, "~nosuchuser"),
    ],
)
def test_files_it_cannot_add_to_are_left_alone(
    services: list[str], tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is None:  # a name no path can have
        path = Path(f"~nosuchuser/{name}")
    else:
        path.write_bytes(content)
    with pytest.raises(CannotAdd, match=re.escape(message)):
        add_paper(path, look_up(JMIR))
    assert content is None or path.read_bytes() == content
    assert [entry.name for entry in tmp_path.iterdir()] == ([name] if content is not None else [])


def test_cli_prints_bibtex_without_a_file(
    services: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "1605.08386"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("@article{stanley2016heat,")
    assert "journal = {arXiv preprint arXiv:1605.08386}" in printed


def test_cli_adds_to_a_file_and_says_what_it_did(
    services: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bib(tmp_path)
    assert main(["add", JMIR, "10.1371/notarealdoi", "--to", str(path)]) == 1
    said = capsys.readouterr().err.splitlines()
    assert len(said) == 2
    assert said[0].startswith("paperbrowse: error: 10.1371/notarealdoi: not found at 127.0.0.1:")
    assert said[1] == (
        f"paperbrowse: added grenierouimet2020investigating: {JMIR_TITLE} to {path} "
        f"(the old file is {path}.bak)"
    )
    assert main(["add", JMIR, "--to", str(path)]) == 0  # there already: a note, not an error
    assert "has this paper already" in capsys.readouterr().err
    assert main(["add", "not an id", "--to", str(path)]) == 2
    assert main(["add", JMIR, "--to", " "]) == 2
    assert capsys.readouterr().err.endswith("paperbrowse: error: give a file name to add to\n")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.json", "[]\n"),
        ("comments.bib", "% nothing yet\n@comment{x}\n"),
        ("blank.jsonl", "\n"),
    ],
)
def test_a_file_without_papers_yet_takes_the_first(
    services: list[str], tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    add_paper(path, look_up(JMIR))
    assert [paper.doi for paper in read_file(path, TODAY).papers] == [JMIR]
    kept = content.removesuffix("]\n")  # a list's bracket closes after the new item
    assert path.read_text().startswith(kept) and len(path.read_text()) > len(kept) + 100


@pytest.mark.parametrize("suffix", [".bib", ".json", ".jsonl"])
def test_a_windows_file_with_a_byte_order_mark_keeps_both(
    services: list[str], tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"windows{suffix}"
    first = tmp_path / f"first{suffix}"
    add_paper(first, look_up("1605.08386"))  # a file of that kind, as paperbrowse writes it
    old = b"\xef\xbb\xbf" + first.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(old)
    add_paper(path, look_up(JMIR))
    new = path.read_bytes()
    if suffix == ".json":  # the list's closing bracket moves after the new item
        assert new.startswith(old[: old.rindex(b"}") + 1])
    else:
        assert new.startswith(old)
    assert new.count(b"\n") == new.count(b"\r\n")  # every line ends as the file's did
    assert [paper.doi for paper in read_file(path, TODAY).papers] == [
        "10.48550/arXiv.1605.08386",
        JMIR,
    ]


def test_a_file_changed_while_adding_is_not_written(
    services: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed as late as can be: once the new text is on disk, before it is renamed."""
    from paperbrowse.core.formats import export

    path = _bib(tmp_path)
    write_temporary = export._write_temporary

    def edited_meanwhile(target: Path, data: bytes) -> Path:
        temporary = write_temporary(target, data)
        with path.open("a", encoding="utf-8") as stream:  # another program saves the file
            stream.write("@misc{new, title = {Typed in an editor meanwhile}}\n")
        return temporary

    monkeypatch.setattr(export, "_write_temporary", edited_meanwhile)
    with pytest.raises(CannotAdd, match="changed while adding; nothing written"):
        add_paper(path, look_up(JMIR))
    assert path.read_text().endswith("@misc{new, title = {Typed in an editor meanwhile}}\n")
    assert [p.name for p in tmp_path.iterdir()] == ["library.bib"]  # no .bak, no temporary


class SteppedClock:
    """``time`` for the lookup client: a clock that stands still but for its sleeps,
    which take no time and are added up."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def arxivs_own(services: list[str], monkeypatch: pytest.MonkeyPatch) -> SteppedClock:
    """The replay server made to stand for arXiv's own address (a mirror, named by the
    variable, is not held to arXiv's terms), on a clock that only sleeps move."""
    from paperbrowse.core.lookup import client

    monkeypatch.setattr(client, "ARXIV_URL", client.base_url("PAPERBROWSE_ARXIV_URL", ""))
    monkeypatch.delenv("PAPERBROWSE_ARXIV_URL")
    clock = SteppedClock()
    monkeypatch.setattr(client, "time", clock)
    monkeypatch.setattr(client, "_arxiv_last", [clock.now - client.ARXIV_GAP])
    return clock


def test_arxivs_own_api_is_asked_once_every_three_seconds(
    services: list[str], arxivs_own: SteppedClock
) -> None:
    """arXiv's terms."""
    from paperbrowse.core.lookup import client

    waited = []
    for typed in ("1605.08386", "astro-ph/0601001", JMIR):  # (the last on Crossref)
        before = arxivs_own.slept
        look_up(typed)
        waited.append(arxivs_own.slept - before)
    assert len(services) == 3
    assert waited == [0, pytest.approx(client.ARXIV_GAP), 0]


def test_a_lookup_cancelled_while_it_waits_for_arxivs_turn_waits_no_longer(
    services: list[str], arxivs_own: SteppedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The add dialog closed, or the app quitting, while a lookup waits its turn (three
    seconds after the last request): it stops waiting, asks nothing and takes no turn.
    A quit was held until the turn came."""
    from paperbrowse.core.lookup import client
    from paperbrowse.core.lookup.client import DownloadCancelled

    monkeypatch.setattr(client, "_arxiv_last", [arxivs_own.now])  # asked just now
    asked: list[float] = []

    def cancelled_once_asked_twice() -> bool:
        asked.append(arxivs_own.now)
        return len(asked) > 1

    with pytest.raises(DownloadCancelled):
        look_up("1605.08386", cancelled=cancelled_once_asked_twice)
    assert services == []
    assert arxivs_own.slept == client.CANCEL_POLL  # (not the three seconds)
    assert client._arxiv_last == [1_000.0]  # the next lookup's turn is where it was


def test_braces_outside_entries_do_not_stop_an_addition(
    services: list[str], tmp_path: Path
) -> None:
    """BibTeX ignores text between entries: a stray closing brace (two corpus files have
    one) or a comment's brace is no entry left open."""
    path = tmp_path / "stray.bib"
    path.write_text("@misc{a, title = {One}}\n}\n% a note {with a brace\n@misc{b, title = {Two}}\n")
    add_paper(path, look_up(JMIR))
    assert [paper.doi for paper in read_file(path, TODAY).papers] == [None, None, JMIR]


def test_a_file_the_user_may_not_write_is_left_alone(services: list[str], tmp_path: Path) -> None:
    path = _bib(tmp_path)
    path.chmod(0o444)  # read-only for everyone: for root too, who may write anything
    with pytest.raises(CannotAdd, match="read-only for you"):
        add_paper(path, look_up(JMIR))
    assert not (tmp_path / "library.bib.bak").exists()


def test_several_papers_are_added_in_one_write(services: list[str], tmp_path: Path) -> None:
    path = _bib(tmp_path)
    before = path.read_bytes()
    wanted = [look_up(JMIR), look_up("1605.08386"), look_up(JMIR), look_up(CAIS)]
    outcome = add_papers(path, wanted)
    assert [added.key for added in outcome.added] == [
        "grenierouimet2020investigating",
        "stanley2016heat",
        "schryen2021knowledge",
    ]
    assert [str(error) for _, error in outcome.refused] == [
        f"{path} has this paper already: {JMIR_TITLE}"  # the one given twice
    ]
    assert (tmp_path / "library.bib.bak").read_bytes() == before  # the file before them all
    assert len(read_file(path, TODAY).papers) == 4


def test_a_paper_the_library_has_in_another_file_is_not_added(
    services: list[str], tmp_path: Path
) -> None:
    other = tmp_path / "other.ris"
    add_paper(other, look_up(JMIR))
    library = read_file(other, TODAY).papers
    path = _bib(tmp_path)
    with pytest.raises(AlreadyThere, match=r"The library has this paper already, in .*other.ris"):
        add_paper(path, look_up(f"https://doi.org/{JMIR}"), library)
    # A key the library's other files give is not given again.
    added = add_paper(path, look_up(CAIS), taken=["Schryen2021Knowledge"])
    assert added.key == "schryen2021knowledgea"


def test_crossref_subtitles_and_empty_names(services: list[str]) -> None:
    """Fields of Crossref's own format, set on a recorded work: a subtitle apart from the
    title (joined as Zotero joins them), and a name part given as null."""
    from paperbrowse.core.lookup.crossref import paper_from_work

    recorded = Path(__file__).parent / "data" / "services" / "crossref" / "10.2196_22081.json"
    work = json.loads(recorded.read_text(encoding="utf-8"))["message"]
    work["title"] = ["Teleconsultation"]
    work["subtitle"] = ["A Survey Study"]
    work["author"][1] = {"given": None, "family": None, "sequence": "additional"}
    paper = paper_from_work(work, "test")
    assert paper.title == "Teleconsultation: A Survey Study"
    assert paper.authors == ("Antoine Grenier Ouimet", "Louis Raymond", "Guy Pare")
    assert paper.url is None  # Crossref's URL was the DOI's own link: the DOI says it


def test_another_paper_with_the_same_title_and_year_is_added(
    services: list[str], tmp_path: Path
) -> None:
    """As duplicates are merged: a different DOI or first author says it is another paper
    ("Introduction", 2019), however alike the titles."""
    path = tmp_path / "same-title.bib"
    path.write_text(
        "@article{x, title = {Heat-bath random walks with Markov bases},\n"
        "  author = {Else, Someone}, year = {2016}, doi = {10.9999/different}}\n"
    )
    added = add_paper(path, look_up("1605.08386"))
    assert added.key == "stanley2016heat"
    assert len(read_file(path, TODAY).papers) == 2


def test_an_arxiv_paper_the_file_has_by_its_id_is_not_added_again(
    services: list[str], tmp_path: Path
) -> None:
    """A preprint's entry often has a later version's year and no DOI: its id says."""
    path = tmp_path / "preprints.bib"
    path.write_text(
        "@article{x, title = {Heat-bath random walks with Markov bases},\n"
        "  year = {2017}, eprint = {1605.08386}, archiveprefix = {arXiv}}\n"
    )
    with pytest.raises(AlreadyThere, match=r"preprints.bib has this paper already \(line 1\)"):
        add_paper(path, look_up("arXiv:1605.08386v1"))


def test_a_key_taken_with_a_suffix_gets_the_next_letter(
    services: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "keys.bib"
    path.write_text(
        "@misc{grenierouimet2020investigating, title = {Something Else}, year = 2020}\n"
    )
    added = add_paper(path, look_up(JMIR), taken=["grenierouimet2020investigatinga"])
    assert added.key == "grenierouimet2020investigatingb"  # Better BibTeX's sequence


def test_an_arxiv_feed_for_another_paper_is_not_taken_for_the_one_asked(
    services: list[str],
) -> None:
    from paperbrowse.core.lookup.arxiv import NotOnArxiv, paper_from_feed

    feed = (Path(__file__).parent / "data" / "services" / "arxiv" / "1605.08386.xml").read_bytes()
    with pytest.raises(NotOnArxiv, match=r"^arXiv has no paper 1605.08387$"):
        paper_from_feed(feed, "1605.08387", "test")


def test_cli_prints_several_papers_as_one_document(
    services: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "1605.08386", JMIR, "arXiv:1605.08386", "-f", "csl-json"]) == 0
    items = json.loads(capsys.readouterr().out)  # one list: valid JSON
    assert [item["DOI"] for item in items] == ["10.48550/arXiv.1605.08386", JMIR]


def test_a_preprint_whose_journal_version_the_file_has_is_not_added(
    services: list[str], tmp_path: Path
) -> None:
    """On arXiv in 2011, in Phys. Rev. B in 2012: a year apart, one paper (an explorer's
    case: the entry had no DOI)."""
    path = tmp_path / "journal.bib"
    path.write_text(
        "@article{murray2012, title = {Quantum Criticality for Extended Nodes on a {B}ethe\n"
        "  Lattice in the Large Connectivity Limit}, author = {Murray, James M.},\n"
        "  journal = {Phys. Rev. B}, year = {2012}}\n"
    )
    with pytest.raises(AlreadyThere, match=r"journal.bib has this paper already \(line 1\)"):
        add_paper(path, look_up("1111.2011"))


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        # The journal version, with a DOI of its own, a year on: arXiv's DOI says nothing
        # against it (a review found it added again).
        ("author = {Stanley, Caprice}, year = {2017}, doi = {10.1000/journal.1}", "journal"),
        # Google Scholar's BibTeX of the preprint: the id in the venue, no link, a year off.
        ("author = {Stanley, C.}, journal = {arXiv preprint arXiv:1605.08386}, year = 2018", "id"),
    ],
)
def test_a_preprint_the_file_has_in_another_form_is_not_added(
    services: list[str], tmp_path: Path, entry: str, why: str
) -> None:
    path = tmp_path / f"{why}.bib"
    title = "Heat-bath random walks with Markov bases"
    path.write_text(f"@article{{x, title = {{{title}}}, {entry}}}\n")
    with pytest.raises(AlreadyThere, match=f"{why}.bib has this paper already"):
        add_paper(path, look_up("1605.08386"))


def test_a_title_is_searched_on_crossref_and_its_works_offered_best_first(
    services: list[str],
) -> None:
    """Crossref's recorded answer to a search (two Oxford Bibliographies entries): each work
    a paper, in Crossref's order; the request a bibliographic query of at most five."""
    from urllib.parse import parse_qs, urlsplit

    from paperbrowse.core.lookup.client import SEARCH_ROWS, search_crossref

    found = search_crossref("ecology")
    (asked,) = services
    assert urlsplit(asked).path == "/works"
    assert parse_qs(urlsplit(asked).query) == {
        "query.bibliographic": ["ecology"],
        "rows": [str(SEARCH_ROWS)],
    }
    assert [(work.paper.title, work.paper.doi, work.kind) for work in found] == [
        ("Communicating Ecology", "10.1093/obo/9780199830060-0238", "reference entry"),
        ("Chemical Ecology", "10.1093/obo/9780199830060-0023", "reference entry"),
    ]
    assert found[1].paper.authors[0].endswith("Kessler")
    assert found[0].paper.abstract and "<p>" not in found[0].paper.abstract


def test_crossref_is_asked_with_the_users_email_and_arxiv_without(
    services: Requests, capsys: pytest.CaptureFixture[str]
) -> None:
    """Crossref serves requests that carry a contact address from its "polite" pool, with
    higher rate limits (its REST API's etiquette): ``paperbrowse add`` sends the email of
    config.json in the User-Agent to Crossref, and to nobody else."""
    from paperbrowse.app.config import save_config

    save_config(email=" reader@example.org ")  # (spaces around it: dropped, as for Unpaywall)
    assert main(["add", JMIR, "1605.08386"]) == 0
    capsys.readouterr()
    crossref, arxiv = services.agents
    assert crossref.startswith("paperbrowse/") and crossref.endswith("; mailto:reader@example.org)")
    assert "mailto" not in arxiv and "reader@example.org" not in arxiv


@pytest.mark.parametrize(
    "email", [None, "", "not an address", "a@b.c\r\nX-Injected: 1", "a\x00b@c.de", "é@ü.de"]
)
def test_without_a_usable_email_crossref_is_asked_as_before(
    services: Requests, email: str | None
) -> None:
    """No address, or one a header cannot carry, is left out; the lookup still works."""
    from paperbrowse.core.lookup.client import USER_AGENT, search_crossref

    assert look_up(JMIR, email=email).title == JMIR_TITLE
    assert search_crossref("ecology", email=email)
    assert services.agents == [USER_AGENT, USER_AGENT]


def test_a_works_kind_is_named_unless_it_is_a_paper() -> None:
    """Recorded works: a journal article goes by its venue alone; an Oxford Bibliographies
    entry is named a "reference entry", as the search's list shows it."""
    from paperbrowse.core.lookup.crossref import work_kind

    recorded = Path(__file__).parent / "data" / "services" / "crossref"
    article = json.loads((recorded / "10.2196_22081.json").read_text())["message"]
    entries = json.loads((recorded / "search" / "ecology.json").read_text())["message"]["items"]
    assert work_kind(article) is None
    assert [work_kind(entry) for entry in entries] == ["reference entry", "reference entry"]


SPECTER = "@inproceedings{cohan2020, title={SPECTER}, author={Cohan, Arman}, year={2020}}"


def test_a_pasted_bibtex_entry_is_read_as_it_is_never_asked_for(services: list[str]) -> None:
    """Zotero's "Import from clipboard": it used to be searched on Crossref as a title."""
    paper = look_up(SPECTER)
    assert (paper.title, paper.authors, paper.year) == ("SPECTER", ("Arman Cohan",), 2020)
    assert services == []


@pytest.mark.parametrize(
    ("pasted", "said"),
    [
        ("@article{x, author={Doe, Jane}}", "has no title"),
        (SPECTER + "\n@misc{y, title={Two}}", "2 entries"),
        ("@article{broken, title={Never closed", "no entry to add: .* not closed"),
    ],
)
def test_a_pasted_bibtex_entry_that_is_not_one_paper_says_why(pasted: str, said: str) -> None:
    with pytest.raises(LookupFailed, match=said):
        look_up(pasted)


def test_cli_adds_a_pasted_bibtex_entry_keeping_its_key(
    services: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = _bib(tmp_path)
    assert main(["add", SPECTER, "--to", str(library)]) == 0
    assert "added cohan2020: SPECTER" in capsys.readouterr().err
    assert main(["add", SPECTER, "--to", str(library)]) == 0  # the same paper: refused
    assert "has this paper already" in capsys.readouterr().err
    papers = read_file(library, TODAY).papers
    assert [(paper.citekey, paper.title) for paper in papers][-1] == ("cohan2020", "SPECTER")
    assert len(papers) == 2
    assert library.with_name("library.bib.bak").exists()
    assert services == []


def test_a_pasted_bibtex_entry_keeps_its_values_words_apart_whatever_its_key() -> None:
    """Review: a key like an identifier (DataCite's) took the paste for a DOI's, and a
    wrapped title's and author's words were glued ("usingCitation-informed")."""
    from paperbrowse.core.lookup.identifiers import pasted_on_one_line
    from paperbrowse.core.lookup.pasted import is_bibtex_entry, pasted_paper

    pasted = (
        "% Encoding: UTF-8\n\n"
        "@misc{https://doi.org/10.48550/arxiv.2004.07180,\n"
        "  title = {SPECTER: Document-level Representation Learning using\n"
        "Citation-informed\nTransformers},\n"
        "  author = {Cohan, Arman and\nFeldman,\nSergey},\n  year = {2020}\n}"
    )
    assert is_bibtex_entry(pasted)
    joined = pasted_on_one_line(pasted)  # (the add dialog's field: one line)
    assert is_bibtex_entry(joined)  # the comment line joined in front had hidden the entry
    paper = pasted_paper(joined)
    assert not isinstance(paper, str), paper
    assert paper.title.endswith("Learning using Citation-informed Transformers")
    assert list(paper.authors) == ["Arman Cohan", "Sergey Feldman"]


def test_a_comment_after_a_value_in_a_pasted_entry_leaves_the_rest_of_it_read() -> None:
    """The add dialog joins a paste's lines with spaces: a ``%`` comment after a value
    (``title = {A Paper}, % from Scholar``) then ran on into the next line, and the
    author after it was lost. A ``%`` in a value (``\\%``, a URL's ``%20``, a line of an
    abstract that starts with one) is text, kept."""
    from paperbrowse.core.lookup.identifiers import pasted_on_one_line
    from paperbrowse.core.lookup.pasted import is_bibtex_entry, pasted_paper

    pasted = (
        "% from Google Scholar\n"
        "@article{doe2020,\n"
        "  title = {A Paper}, % from Scholar\n"
        "  author = {Doe, Jane}, % checked\n"
        "  url = {https://x.org/a%20b},\n"
        "  abstract = {Up 50\\% now, 20% more\n% of the time.},%no space\n"
        '  journal = "50% Journal", % quoted\n'
        "  year = {2020} % last\n"
        "}\n"
    )
    joined = pasted_on_one_line(pasted)
    assert is_bibtex_entry(joined)
    paper = pasted_paper(joined)
    assert not isinstance(paper, str), paper
    assert (paper.title, paper.authors, paper.year) == ("A Paper", ("Jane Doe",), 2020)
    assert paper.url == "https://x.org/a%20b"
    assert paper.abstract == "Up 50% now, 20% more % of the time."
    assert paper.venue == "50% Journal"
    # An entry in round brackets, which BibTeX allows: its values' braces are the first (the
    # review: "{50% of the Time}" was cut at its "%").
    rounded = "@article(k,\n  title = {50% of the Time},\n  year = 2020\n)\n"
    paper = pasted_paper(pasted_on_one_line(rounded))
    assert not isinstance(paper, str), paper
    assert paper.title == "50% of the Time"
