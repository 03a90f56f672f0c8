"""Start-up: what the first screen does not need waits until the papers are painted.

No timings here (tests/bench/bench_startup.py prints those): these check the order of
the loader's work and what showing the papers imports.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from paperbrowse.app.screens.browser_parts.loading import LibraryLoader, Loaded


class RecordedWait:
    """Stands in for the loader's 'listing painted' event: notes when it is waited for."""

    def __init__(self, log: list[str], loaded: list[Loaded]) -> None:
        self.log, self.loaded = log, loaded

    def wait(self, timeout: float | None = None) -> bool:
        library = self.loaded[0].library
        built = "index" in vars(library)  # Library.index is a cached property
        self.log.append("waited for the paint" + (" (index already built)" if built else ""))
        return True


def test_the_loader_builds_the_index_after_the_listing_is_painted_and_opens_the_marks_before(
    seed_path: Path,
) -> None:
    # Run meanwhile, the index (numpy) and the marks (sqlite) took the interpreter from
    # the first paint: the papers showed 30-60 ms later. The marks are opened before the
    # papers are listed, not meanwhile: their column is drawn with them (a few ms), where
    # rows drawn without it moved four cells over when it came.
    log: list[str] = []
    loaded: list[Loaded] = []

    def post_message(message: object) -> None:
        if isinstance(message, Loaded):
            loaded.append(message)
            log.append("listed")

    screen = SimpleNamespace(post_message=post_message)
    searching = SimpleNamespace(listing_order=lambda: "newest")
    reading = SimpleNamespace(open_store=lambda: log.append("marks opened"))
    loader = LibraryLoader(
        cast(Any, screen),
        cast(Any, None),
        cast(Any, searching),
        cast(Any, reading),
        [seed_path],
        None,
    )
    loader.listing_painted = cast(threading.Event, RecordedWait(log, loaded))
    library = loader._read_and_index(lambda done, total, file: None)

    assert log == ["marks opened", "listed", "waited for the paint"]
    assert "index" in vars(library)  # built, once the paint was waited for


def _modules_loaded_by(code: str) -> set[str]:
    script = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_the_header_of_one_researcher_imports_neither_people_nor_the_marks_store(
    seed_path: Path,
) -> None:
    # core.people imported core.stats, which imported the marks store and sqlite3:
    # ~40 ms on the UI thread before the first papers showed.
    loaded = _modules_loaded_by(
        "import paperbrowse\n"
        "from paperbrowse.app.header_text import library_header\n"
        f"library = paperbrowse.load({str(seed_path)!r})\n"
        "text = library_header(library)(80).plain\n"
        "assert text.startswith(library.profiles[0].name), text\n"
    )
    assert "paperbrowse.core.people" not in loaded
    assert not {"sqlite3", "paperbrowse.core.marks.store"} & loaded


def test_the_library_figures_module_needs_no_marks_store() -> None:
    # core.stats only names the store's Marks in its types.
    loaded = _modules_loaded_by("import paperbrowse.core.stats")
    assert not {"sqlite3", "paperbrowse.core.marks.store"} & loaded


def test_the_memory_helpers_load_ctypes_only_to_trim_the_heap() -> None:
    # The app imports core.memory before its first screen; ctypes is for malloc_trim,
    # called once the library is loaded.
    assert "ctypes" not in _modules_loaded_by("import paperbrowse.core.memory")
    assert "ctypes" in _modules_loaded_by(
        "from paperbrowse.core.memory import freeze_heap\nfreeze_heap()"
    )


def test_a_library_without_citations_draws_its_detail_pane_without_the_citation_graph(
    seed_path: Path,
) -> None:
    # The first detail pane resolved the graph on the UI thread, importing numpy with
    # core.citations: ~80 ms before the first paint, for a library that cites nothing.
    loaded = _modules_loaded_by(
        "import paperbrowse\n"
        "from paperbrowse.app.screens.browser_parts.links import links_shown\n"
        f"library = paperbrowse.load({str(seed_path)!r})\n"
        "assert links_shown(library)(library.papers[0]) == ()\n"
    )
    assert "paperbrowse.core.citations" not in loaded
    assert "numpy" not in loaded


def test_the_first_listing_is_shown_before_the_search_engine_is_imported(
    seed_path: Path,
) -> None:
    # The PDF filters (has:pdf, fulltext:) imported the search engine and numpy on the UI
    # thread while the first papers were being shown; they now wait for the index, which
    # the loader builds after the listing is painted.
    script = (
        "import asyncio, sys\n"
        "from paperbrowse.app.app import PaperBrowseApp\n"
        "from paperbrowse.app.screens.browser_parts.searching import SearchController\n"
        "seen = []\n"
        "show_listing = SearchController.show_listing\n"
        "def spy(self, listing):\n"
        "    seen.append('numpy' in sys.modules)\n"
        "    show_listing(self, listing)\n"
        "SearchController.show_listing = spy\n"
    )
    assert _printed_once_shown(script, seed_path, "seen", "seen") == "[False]"


def test_the_first_listing_s_rows_are_drawn_without_the_search_s_modules(
    seed_path: Path,
) -> None:
    # With no query there is no excerpt to show, but each row still asked the search's
    # span module for one: numpy, imported by it, held up the first papers for ~45 ms.
    script = (
        "import asyncio, sys\n"
        "from paperbrowse.app.app import PaperBrowseApp\n"
        "from paperbrowse.app.widgets.paper_list import PaperList\n"
        "imported = []\n"
        "build_row = PaperList._build_row\n"
        "def spy(self, row, width):\n"
        "    before = 'paperbrowse.core.search.spans' in sys.modules\n"
        "    segments = build_row(self, row, width)\n"
        "    imported.append(not before and 'paperbrowse.core.search.spans' in sys.modules)\n"
        "    return segments\n"
        "PaperList._build_row = spy\n"
    )
    assert _printed_once_shown(script, seed_path, "len(imported) >= 10", "any(imported)") == "False"


def _printed_once_shown(spies: str, library: Path, until: str, printed: str) -> str:
    """What ``printed`` is, in a new process that runs ``spies`` (code patching the app)
    and then the app on ``library`` until ``until`` holds."""
    script = (
        f"{spies}"
        "async def main():\n"
        f"    app = PaperBrowseApp([{str(library)!r}])\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"  # (15 rows fit)
        f"        while not ({until}):\n"
        "            await pilot.pause(0.05)\n"
        "asyncio.run(main())\n"
        f"print({printed})\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_kept_first_screen_lists_its_papers_before_pydantic_is_imported(
    seed_path: Path,
) -> None:
    # Reading the library imports pydantic and the readers (80-100 ms); the papers the
    # last launch showed first are listed without them (core.first_screen).
    launch = "import asyncio\nfrom paperbrowse.app.app import PaperBrowseApp\n"
    assert _printed_once_shown(launch, seed_path, "app.browser.library and not app.workers", "1")
    script = (
        "import asyncio, sys\n"
        "from paperbrowse.app.app import PaperBrowseApp\n"
        "from paperbrowse.app.widgets.paper_list import PaperList\n"
        "drawn = []\n"
        "build_row = PaperList._build_row\n"
        "def spy(self, row, width):\n"
        "    drawn.append((self.results[row].title, 'pydantic' in sys.modules))\n"
        "    return build_row(self, row, width)\n"
        "PaperList._build_row = spy\n"
    )
    printed = _printed_once_shown(
        script, seed_path, "len(drawn) >= 15", "drawn[0][1], len({t for t, _ in drawn[:15]})"
    )
    assert printed == "False 15"


def test_the_first_screen_needs_neither_the_palette_nor_the_citation_list(
    seed_path: Path,
) -> None:
    # The palette's commands and lists, and the detail pane's list of citations (an
    # OptionList, laid out though hidden), took about 10 ms from every launch; a library
    # that cites nothing never shows that list.
    script = "import asyncio, sys\nfrom paperbrowse.app.app import PaperBrowseApp\n"
    printed = _printed_once_shown(
        script,
        seed_path,
        "app.browser.library and not app.workers",
        "sorted(m for m in sys.modules if m.endswith(('.commands', '.citation_links')))",
    )
    assert printed == "[]"
