"""Citing from the app: ``c`` copies ``\\citep{a,b}`` and the like (the form asked once and
kept in config.json), ``C`` formatted references, the key in the detail pane, and the
library's keys in exports and BibTeX copies (Pilot, on a small library of our own)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from app_helpers import (
    browser,
    loaded_library,
    screen_text,
    settle,
    wait_for,
    wait_loaded,
    write_jsonl,
)
from textual.pilot import Pilot
from textual.widgets import Select

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens.cite_form import CiteFormScreen
from paperbrowse.app.screens.export_dialog import ExportDialog
from paperbrowse.core.locations import config_file

SIZE = (120, 35)
# Two papers asking for the same key: the one with the smaller paper id (its DOI) keeps
# "wang2024catastrophic", the other gets "...a" in the library; exported or copied
# alone it would have been "wang2024catastrophic" too.
PAPERS: list[dict[str, Any]] = [
    {
        "title": "Catastrophic forgetting in language models",
        "authors": ["Lei Wang", "Ana Ruiz"],
        "year": 2024,
        "venue": "Transactions of the Association for Computational Linguistics",
        "doi": "10.1162/tacl_a_00001",
    },
    {
        "title": "Catastrophic interference revisited",
        "authors": ["Mei Wang"],
        "year": 2024,
        "venue": "Proceedings of the 62nd Annual Meeting of the ACL",
        "doi": "10.18653/v1/x.2",
    },
    {
        "title": "Attention is not explanation",
        "authors": ["Sarthak Jain", "Byron C. Wallace"],
        "year": 2019,
        "venue": "Proceedings of NAACL-HLT",
        "doi": "10.18653/v1/N19-1357",
    },
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "papers.jsonl", PAPERS)


def copies(pilot: Pilot[Any]) -> list[str]:
    copied: list[str] = []
    pilot.app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    return copied


def key_of(pilot: Pilot[Any], row: int) -> str:
    return str(loaded_library(pilot).key_of(browser(pilot).paper_list.results[row]))


def notifications(pilot: Pilot[Any]) -> list[str]:
    return [str(n.message) for n in pilot.app._notifications]


async def go_to(pilot: Pilot[Any], title: str) -> None:
    results = browser(pilot).paper_list.results
    browser(pilot).paper_list.cursor = next(
        i for i in range(len(results)) if results[i].title == title
    )
    await pilot.pause()


async def test_c_asks_the_form_once_then_copies_citep_of_the_marked_papers(
    library: Path,
) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("space", "space", "c")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CiteFormScreen)  # the first time: which form?
        await pilot.press("down", "enter")  # \cite, then \citep
        await pilot.pause()
        wanted = f"\\citep{{{key_of(pilot, 0)},{key_of(pilot, 1)}}}"
        assert copied == [wanted]
        assert json.loads(config_file().read_text())["cite_form"] == "natbib-p"
        assert any(wanted in message for message in notifications(pilot))
        await pilot.press("c")  # remembered: no menu the second time
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CiteFormScreen)
        assert copied == [wanted, wanted]


async def test_c_uses_the_form_in_config_and_the_library_s_keys(library: Path) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps({"cite_form": "pandoc", "theme": "nord"}))
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await go_to(pilot, "Catastrophic forgetting in language models")
        await pilot.press("c")
        await pilot.pause()
        assert copied == ["[@wang2024catastrophica]"]  # its key in the library, not alone
        assert "Key       wang2024catastrophica" in screen_text(pilot)  # the detail pane
    assert json.loads(config_file().read_text())["theme"] == "nord"  # nothing else lost


async def test_capital_c_copies_an_apa_reference(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await go_to(pilot, "Attention is not explanation")
        await pilot.press("C")
        await settle(pilot)
        # APA 7 (10.1): authors "Family, I. I.", & before the last; (year); title in
        # sentence case; the source; the DOI as a link.
        assert copied == [
            "Jain, S., & Wallace, B. C. (2019). Attention is not explanation. "
            "Proceedings of NAACL-HLT. https://doi.org/10.18653/v1/N19-1357"
        ]
        assert any("APA" in message for message in notifications(pilot))


async def test_an_unknown_style_is_one_notification_and_nothing_copied(library: Path) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps({"csl_style": "vancouverish"}))
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert copied == []
        problems = [m for m in notifications(pilot) if "vancouverish" in m]
        assert len(problems) == 1 and "apa" in problems[0] and "csl_style" in problems[0]


async def test_export_and_capital_y_keep_the_library_s_key_for_a_subset(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await go_to(pilot, "Catastrophic forgetting in language models")
        await pilot.press("Y")
        await settle(pilot)  # written in a thread
        assert "{wang2024catastrophica," in copied[-1]  # alone it was "wang2024catastrophic"
        await pilot.press("space", "e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
    assert "{wang2024catastrophica," in (tmp_path / "papers.bib").read_text(encoding="utf-8")


async def test_the_export_dialog_writes_your_tags_as_keywords(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperbrowse.core.library import load
    from paperbrowse.core.marks.store import Store

    monkeypatch.chdir(tmp_path)
    tagged = next(p for p in load(library).papers if p.title.startswith("Attention"))
    with Store.open() as store:
        store.set_tags(tagged, "toread explainability")
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExportDialog)
        await pilot.press("enter")
        await settle(pilot)
    entries = (tmp_path / "papers.bib").read_text(encoding="utf-8").split("\n\n")
    assert [e.split(",")[0] for e in entries if "  keywords = {toread, explainability}," in e] == [
        "@misc{jain2019attention"
    ]
    assert sum("keywords" in e for e in entries) == 1


async def test_capital_y_copies_bibtex_with_your_tags_as_keywords(library: Path) -> None:
    """``Y`` copies what ``e`` writes: the tags given with ``t`` go along as ``keywords``."""
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await go_to(pilot, "Attention is not explanation")
        await pilot.press("t", *"toread explainability", "enter")
        await pilot.pause()
        await pilot.press("Y")
        await settle(pilot)  # written in a thread
        assert copied[-1].startswith("@misc{jain2019attention,")
        assert "  keywords = {toread, explainability},\n" in copied[-1]
        await go_to(pilot, "Catastrophic interference revisited")
        await pilot.press("space", "Y")  # with the untagged one marked: its entry has none
        await settle(pilot)
        assert "keywords" not in copied[-1]
        await go_to(pilot, "Attention is not explanation")
        await pilot.press("space", "Y")  # both marked: one entry with keywords
        await settle(pilot)
        entries = copied[-1].split("\n\n")
        assert [e.split(",")[0] for e in entries if "keywords = {toread, explainability}" in e] == [
            "@misc{jain2019attention"
        ]
        assert len(entries) == 2


async def test_the_export_dialog_writes_the_reference_list_in_the_configured_style(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await go_to(pilot, "Catastrophic forgetting in language models")
        await pilot.press("space", "e")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-format", Select).value = "bibliography"
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
    written = (tmp_path / "references.md").read_text(encoding="utf-8")
    assert "Catastrophic forgetting in language models" in written
    assert "{wang2024" not in written  # a formatted reference, not BibTeX


async def test_capital_c_formats_off_the_ui_thread(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many marked papers take seconds to format: the screen must keep answering meanwhile."""
    import threading

    from paperbrowse.core.cite import references as module

    threads: list[threading.Thread] = []
    original = module.references

    def recording(*args: Any, **kwargs: Any) -> list[str]:
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "references", recording)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("space", "space", "space", "C")
        await settle(pilot)
        assert threads and threads[0] is not threading.main_thread()
        assert len(copied) == 1 and copied[0].count("\n") == 2  # three references


async def test_capital_y_builds_the_bibtex_off_the_ui_thread(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of marked papers take a while to write: the screen must keep answering."""
    import threading

    from paperbrowse.core.formats import export as module

    threads: list[threading.Thread] = []
    original = module.export_papers

    def recording(*args: Any, **kwargs: Any) -> str:
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "export_papers", recording)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("space", "space", "space", "Y")
        await settle(pilot)
        assert threads and threads[0] is not threading.main_thread()
        assert len(copied) == 1 and copied[0].count("@") == 3  # three entries
        assert {key_of(pilot, row) for row in range(3)} == {
            entry.split("{", 1)[1].split(",", 1)[0] for entry in copied[0].split("\n\n")
        }
        assert "Copied BibTeX of 3 marked papers to the clipboard." in notifications(pilot)


def slowed(monkeypatch: pytest.MonkeyPatch, key: str) -> threading.Event:
    """Make ``key``'s worker (Y: BibTeX, C: references) take half a second, as thousands
    of marked papers do; the event is set once it has started."""
    from paperbrowse.core.cite import references
    from paperbrowse.core.formats import export

    module, name = (export, "export_papers") if key == "Y" else (references, "references")
    original = getattr(module, name)
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    return started


@pytest.mark.parametrize("key", ["Y", "C"])
async def test_a_slow_capital_y_or_c_does_not_overwrite_a_copy_made_after_it(
    library: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    """Y or C with thousands marked takes a second; the user presses y (title and authors)
    meanwhile: the clipboard ends with what was copied last, and only it says "Copied"."""
    started = slowed(monkeypatch, key)
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press(key)
        await wait_for(pilot, started.is_set, workers=False)  # (the copy is slowed)
        await pilot.press("y")  # title, authors, link: copied at once
        await settle(pilot)
        assert len(copied) == 1 and not copied[0].startswith("@"), copied
        assert copied[0].startswith(browser(pilot).paper_list.results[0].title)
        assert not [n for n in notifications(pilot) if "BibTeX" in n or "reference" in n]


async def test_a_second_capital_y_while_the_first_is_written_copies_once(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Y, then space and Y again before the first is written: the second one's BibTeX."""
    started = slowed(monkeypatch, "Y")
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("Y")
        await wait_for(pilot, started.is_set, workers=False)  # (the copy is slowed)
        await pilot.press("space", "space", "Y")
        await settle(pilot)
        assert len(copied) == 1 and copied[0].count("@") == 2, copied


async def test_quitting_while_capital_y_writes_exits_without_an_error(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """q while the BibTeX is still being written: the app exits, the worker ends."""
    started = slowed(monkeypatch, "Y")
    app = PaperBrowseApp([library])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copies(pilot)
        await pilot.press("Y")
        await wait_for(pilot, started.is_set, workers=False)  # (the copy is slowed)
        await pilot.press("q")
        await pilot.pause(0.1)
    assert app.return_code == 0


async def test_the_palette_s_citation_form_changes_what_c_copies(library: Path) -> None:
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps({"cite_form": "natbib-p"}))
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        browser(pilot).action_choose_cite_form()
        await pilot.pause()
        assert isinstance(pilot.app.screen, CiteFormScreen)
        await pilot.press("4")  # pandoc
        await pilot.pause()
        assert copied == []  # chosen, not copied
        await pilot.press("c")
        await pilot.pause()
        assert copied == [f"[@{key_of(pilot, 0)}]"]


BROKEN_CONFIG = '{"theme": "nord",'  # cut short: not JSON, and never written over


@pytest.fixture
def broken_config() -> Path:
    """config.json cut short, as a crash mid-write leaves it."""
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(BROKEN_CONFIG)
    return config_file()


def not_kept(pilot: Pilot[Any]) -> list[str]:
    return [n for n in notifications(pilot) if "not kept" in n]


@pytest.mark.usefixtures("broken_config")
async def test_a_cite_form_chosen_with_a_broken_config_is_used_and_said_not_kept(
    library: Path,
) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CiteFormScreen)
        await pilot.press("2")  # \citep
        await pilot.pause()
        wanted = f"\\citep{{{key_of(pilot, 0)}}}"
        assert copied == [wanted]
        (said,) = not_kept(pilot)
        assert str(config_file()) in said and "not valid JSON" in said and "\n" not in said
        await pilot.press("c")  # used until the app quits: not asked again
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CiteFormScreen)
        assert copied == [wanted, wanted]
    assert config_file().read_text() == BROKEN_CONFIG


@pytest.mark.usefixtures("broken_config")
async def test_a_csl_style_chosen_with_a_broken_config_is_used_and_said_not_kept(
    library: Path,
) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        browser(pilot).action_choose_csl_style()
        await pilot.pause()
        await pilot.press("2")  # IEEE
        await pilot.pause()
        (said,) = not_kept(pilot)
        assert str(config_file()) in said
        await go_to(pilot, "Attention is not explanation")
        await pilot.press("C")
        await settle(pilot)
        assert copied and copied[0].startswith("[1] S. Jain and B. C. Wallace")  # IEEE's
    assert config_file().read_text() == BROKEN_CONFIG


def test_an_unknown_cite_form_is_said_once_and_kept_as_written() -> None:
    from paperbrowse.app.config import Config

    config = Config.from_json({"cite_form": "bogus"}, "config.json")
    assert config.cite_form is None  # asked again at c
    assert config.problem is not None and '"cite_form" "bogus" is not one of' in config.problem
    assert "natbib-p" in config.problem
    assert config.to_json() == {"cite_form": "bogus"}


def test_citing_settings_are_typed_and_odd_values_kept_as_written() -> None:
    from paperbrowse.app.config import Config

    config = Config.from_json({"cite_form": 3, "csl_style": "ieee", "later": 1}, "config.json")
    assert config.cite_form is None and config.csl_style == "ieee"  # 3 is no form: asked
    assert config.to_json() == {"cite_form": 3, "csl_style": "ieee", "later": 1}
    assert config.problem == 'config.json: "cite_form" is not text; ignored'  # said, once
    themed = Config.from_json({"theme": ["dark"], "csl_style": 7, "keymap": []}, "config.json")
    assert (themed.theme, themed.csl_style, themed.keymap) == (None, None, {})
    assert themed.problem == (
        'config.json: "theme" is not text; "csl_style" is not text; "keymap" is not an '
        "object of action ids and keys; ignored"
    )


async def test_the_palette_s_citation_style_changes_what_C_copies_and_keeps_other_settings(
    library: Path,
) -> None:
    from paperbrowse.app.screens.cite_form import CslStyleScreen

    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps({"cite_form": "natbib-p", "later": [1]}))
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        browser(pilot).action_choose_csl_style()
        await pilot.pause()
        assert isinstance(pilot.app.screen, CslStyleScreen)
        assert "IEEE" in screen_text(pilot) and "APA 7th edition" in screen_text(pilot)
        await pilot.press("2")  # IEEE
        await pilot.pause()
        assert copied == []  # chosen, not copied
        await go_to(pilot, "Attention is not explanation")
        await pilot.press("C")
        await settle(pilot)
        assert copied and copied[0].startswith("[1] S. Jain and B. C. Wallace, “Attention")
    saved = json.loads(config_file().read_text())
    assert saved == {"cite_form": "natbib-p", "later": [1], "csl_style": "ieee"}


async def test_the_style_menu_keeps_the_user_s_own_csl_file(library: Path) -> None:
    from paperbrowse.app.screens.cite_form import CslStyleScreen

    own = str(Path(__file__).parent / "mine.csl")
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps({"csl_style": own}))
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        browser(pilot).action_choose_csl_style()
        await pilot.pause()
        assert isinstance(pilot.app.screen, CslStyleScreen)
        assert "your own style" in screen_text(pilot)
        await pilot.press("enter")  # the highlighted line: the user's own file
        await pilot.pause()
    assert json.loads(config_file().read_text()) == {"csl_style": own}


def test_the_detail_pane_names_an_edited_book_s_editors_as_editors() -> None:
    from paperbrowse.app.widgets.detail import detail_text
    from paperbrowse.core.formats.bibtex import parse_bibtex
    from paperbrowse.core.search.results import Hit

    bib = "@collection{c, editor={Doe, Jane}, title={Works}, year={2019}}"
    (book,) = parse_bibtex(bib, "c.bib").papers
    (own,) = parse_bibtex("@book{d, author={Roe, Ann}, title={Own}}", "d.bib").papers
    assert "Editors   Jane Doe" in detail_text(Hit(book, 1.0), width=60).plain
    assert "Authors   Ann Roe" in detail_text(Hit(own, 1.0), width=60).plain


def natbib_app(library: Path) -> PaperBrowseApp:
    """The app on ``library``, its cite form natbib's \\citep, as config.json says."""
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text(json.dumps({"cite_form": "natbib-p"}))
    return PaperBrowseApp([library])


async def test_enter_typed_at_once_after_a_palette_query_runs_its_top_command(
    library: Path,
) -> None:
    # Typed without a pause, Enter came while the palette still listed the hits of an
    # earlier prefix ("C": Copy citation) and ran that one (a tester, 3 of 3 in tmux).
    async with natbib_app(library).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await pilot.press("ctrl+p", *"Citation form", "enter")
        await settle(pilot)
        assert copied == []
        assert isinstance(pilot.app.screen, CiteFormScreen)


async def test_keys_typed_after_a_palette_s_enter_reach_the_picker_it_opens(
    library: Path,
) -> None:
    async with natbib_app(library).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        await go_to(pilot, "Attention is not explanation")
        await pilot.press("ctrl+p", *"Citation style", "enter", "2", "C")
        await settle(pilot)
        assert json.loads(config_file().read_text())["csl_style"] == "ieee"  # the 2
        assert copied and copied[0].startswith("[1] S. Jain and B. C. Wallace")  # the C


async def test_capital_y_of_thousands_of_papers_warns_that_terminals_may_drop_it(
    tmp_path: Path,
) -> None:
    """tmux and some terminals drop an OSC 52 copy over about a megabyte without a word:
    "Copied" alone would be untrue there, so the line says so and names ``e``."""
    many = [
        {"title": f"Paper {n}", "authors": ["A. Author"], "year": 2020, "abstract": "w " * 300}
        for n in range(2001)
    ]
    async with PaperBrowseApp([write_jsonl(tmp_path / "many.jsonl", many)]).run_test(
        size=SIZE
    ) as pilot:
        await wait_loaded(pilot)
        copied = copies(pilot)
        reading = browser(pilot).reading
        results = browser(pilot).paper_list.results
        assert results is not None and len(results) == 2001
        for row in range(len(results)):
            reading.selection[results[row].id] = results[row]
        await pilot.press("Y")
        await settle(pilot)
        assert len(copied) == 1 and len(copied[0].encode()) > 1 << 20
        (line,) = [line for line in notifications(pilot) if line.startswith("Copied")]
        assert line.startswith("Copied BibTeX of 2,001 marked papers to the clipboard.")
        assert "some terminals (tmux among them) drop a copy this large" in line
        assert line.endswith("e exports them to a file instead.")


async def test_capital_y_of_a_few_papers_says_only_that_it_copied(library: Path) -> None:
    async with PaperBrowseApp([library]).run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        copies(pilot)
        await pilot.press("space", "space", "Y")
        await settle(pilot)
        assert notifications(pilot)[-1] == "Copied BibTeX of 2 marked papers to the clipboard."
