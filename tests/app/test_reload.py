"""Reloading: ctrl+r, and the watcher that reloads a library whose files changed on disk."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path
from typing import Any

import pytest
from app_helpers import highlighted, notified, screen_text, wait_for, wait_loaded, write_jsonl

from paperbrowse.app.app import PaperBrowseApp
from paperbrowse.app.screens import browser


@pytest.fixture
def fast_watch(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watcher polls every 0.05 s instead of 2 s."""
    monkeypatch.setattr(browser, "WATCH_SECONDS", 0.05)


pytestmark = pytest.mark.usefixtures("notifications_kept")


def paper(title: str, year: int = 2020) -> dict[str, Any]:
    return {"title": title, "authors": ["Ann Author"], "year": year, "abstract": f"About {title}."}


def titles(app: PaperBrowseApp) -> list[str]:
    results = app.browser.results
    assert results is not None
    return [results[i].title for i in range(len(results))]


async def test_ctrl_r_reads_the_file_again_and_keeps_the_cursor(tmp_path: Path) -> None:
    library = write_jsonl(tmp_path / "lib.jsonl", [paper("Alpha", 2021), paper("Beta", 2020)])
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("j")  # on Beta
        assert highlighted(pilot).title == "Beta"
        write_jsonl(library, [paper("Gamma", 2022), paper("Alpha", 2021), paper("Beta", 2020)])
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(titles(app)) == 3)
        assert titles(app) == ["Gamma", "Alpha", "Beta"]
        assert highlighted(pilot).title == "Beta"  # the same paper, a row lower
        # (Said once the list is shown: waited for, as the list is.)
        await wait_for(pilot, lambda: "Reloaded: 3 papers (+1)." in notified(app))


GRAPHS = [paper("Graph networks"), paper("Parsing")]
GRAPHS_GROWN = [*GRAPHS, paper("Graph kernels")]  # the file rewritten with one more


async def searched_for_graph(pilot: Any, app: PaperBrowseApp) -> None:
    """The library of ``GRAPHS`` loaded, and "graph" searched."""
    await wait_loaded(pilot)
    await pilot.press("slash", *"graph", "enter")
    await wait_for(pilot, lambda: titles(app) == ["Graph networks"])


async def test_a_reload_keeps_the_query_and_searches_the_new_papers(tmp_path: Path) -> None:
    library = write_jsonl(tmp_path / "lib.jsonl", GRAPHS)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await searched_for_graph(pilot, app)
        write_jsonl(library, GRAPHS_GROWN)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: sorted(titles(app)) == ["Graph kernels", "Graph networks"])
        assert app.browser.search_bar.value == "graph"


async def test_a_reload_under_a_query_is_said_once_its_papers_are_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search's results stay the old library's till the new one's index is built (3 s
    at 100k papers): "Reloaded" was said at once, of a list still showing the old ones."""
    from paperbrowse.app.screens.browser_parts import loading
    from paperbrowse.core.memory import freeze_heap

    library = write_jsonl(tmp_path / "lib.jsonl", GRAPHS)
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await searched_for_graph(pilot, app)
        indexed = threading.Event()

        def after_the_index() -> None:  # (the loader's, once the index is built, before
            indexed.wait(10)  # it says so)
            freeze_heap()

        monkeypatch.setattr(loading, "freeze_heap", after_the_index)
        old = app.browser.library
        write_jsonl(library, GRAPHS_GROWN)
        await pilot.press("ctrl+r")
        # (Not the workers: the reload's is held after the index on purpose.)
        await wait_for(pilot, lambda: app.browser.library is not old, workers=False)
        assert titles(app) == ["Graph networks"]
        assert "Reloaded" not in notified(app)
        indexed.set()
        await wait_for(pilot, lambda: "Reloaded: 3 papers (+1)." in notified(app))
        await wait_for(pilot, lambda: sorted(titles(app)) == ["Graph kernels", "Graph networks"])


async def test_a_file_deleted_while_open_keeps_its_papers_on_screen(tmp_path: Path) -> None:
    library = write_jsonl(tmp_path / "gone.jsonl", [paper("Still here")])
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        library.unlink()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Reload failed" in notified(app))
        assert "gone.jsonl" in notified(app)
        assert "Still here" in screen_text(pilot)
        assert app.is_running
        await pilot.press("j", "k", "slash", *"still")  # the old papers still work
        await wait_for(pilot, lambda: titles(app) == ["Still here"])


async def test_the_watcher_reloads_a_file_rewritten_on_disk(
    tmp_path: Path, fast_watch: None
) -> None:
    library = write_jsonl(tmp_path / "lib.jsonl", [paper("Before")])
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        write_jsonl(library, [paper("After the edit"), paper("And another")])
        await wait_for(pilot, lambda: "After the edit" in titles(app))
        assert "lib.jsonl changed on disk; reloading." in notified(app)


async def test_the_watcher_notices_a_new_file_in_an_opened_folder(
    tmp_path: Path, fast_watch: None
) -> None:
    write_jsonl(tmp_path / "a.jsonl", [paper("First file")])
    app = PaperBrowseApp([tmp_path])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        write_jsonl(tmp_path / "b.jsonl", [paper("Second file")])
        await wait_for(pilot, lambda: "Second file" in titles(app))
        assert sorted(titles(app)) == ["First file", "Second file"]


async def test_an_unchanged_library_is_never_reloaded(tmp_path: Path, fast_watch: None) -> None:
    library = write_jsonl(tmp_path / "lib.jsonl", [paper("Steady")])
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        shown = app.browser.library
        await pilot.pause(0.5)
        assert app.browser.library is shown
        assert "Reload" not in notified(app)


async def test_marks_filters_work_after_a_reload(tmp_path: Path) -> None:
    # Each library has its own search filters: the reloaded one must get is:read too.
    library = write_jsonl(tmp_path / "lib.jsonl", [paper("Alpha", 2021), paper("Beta", 2020)])
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("r")  # Alpha read
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Reloaded" in notified(app))
        await pilot.press("slash", *"is:read", "enter")
        await wait_for(pilot, lambda: titles(app) == ["Alpha"])
        assert "is not a filter" not in str(app.browser.results.notes)  # type: ignore[union-attr]


async def test_a_reload_lets_the_library_it_replaced_go(tmp_path: Path) -> None:
    """Memory does not grow with each reload: the library replaced is freed, not frozen
    (the heap is frozen after a load to keep the collector off the keystrokes)."""
    library = write_jsonl(tmp_path / "lib.jsonl", [paper(f"Paper {i}") for i in range(300)])
    app = PaperBrowseApp([library])
    replaced: list[weakref.ref[Any]] = []
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        for _ in range(2):
            await wait_for(pilot, lambda: app.browser.loader.loading is False)
            replaced.append(weakref.ref(app.browser.library))
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: app.browser.library is not replaced[-1]())
        await wait_for(pilot, lambda: app.browser.loader.loading is False)
        await app.workers.wait_for_complete()
        gc.collect()
        assert [ref() for ref in replaced] == [None, None]


async def test_a_reload_with_the_same_problems_does_not_say_them_again(tmp_path: Path) -> None:
    # Each automatic reload of a file with a bad line popped "Problems while loading" up again.
    library = tmp_path / "lib.jsonl"
    good = write_jsonl(library, [paper("Alpha", 2021), paper("Beta", 2020)]).read_text()
    library.write_text(good + "not json\n")
    app = PaperBrowseApp([library])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert notified(app).count("skipped or repaired") == 1
        library.write_text(good.replace("Beta", "Gamma") + "not json\n")  # the same bad line
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "Gamma" in titles(app))
        assert notified(app).count("skipped or repaired") == 1
        library.write_text(good + "not json\nnor this\n")  # a new one: said
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: notified(app).count("skipped or repaired") == 2)
