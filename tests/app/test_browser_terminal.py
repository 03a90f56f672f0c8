"""The installed ``paperbrowse`` in a real terminal (tmux): type, read the screen, quit.

Skipped when tmux or the installed command is missing. Each test runs its own
tmux server (``-L``), started with this test's isolated environment.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_helpers import SEED, write_jsonl

from paperbrowse.core.marks.store import open_store

TMUX = shutil.which("tmux")
PAPERBROWSE = shutil.which("paperbrowse", path=str(Path(sys.executable).parent)) or shutil.which(
    "paperbrowse"
)
pytestmark = pytest.mark.skipif(
    TMUX is None or PAPERBROWSE is None, reason="needs tmux and an installed paperbrowse"
)
TIMEOUT = 15.0  # seconds to wait for a screen; the app needs well under one
# One paper on arXiv, for the quits while ``D`` downloads it.
SPECTER_ON_ARXIV = (
    "@article{cohan2020,\n  title = {SPECTER: Document-level Representation Learning},\n"
    "  author = {Cohan, Arman},\n  year = {2020},\n"
    "  url = {https://arxiv.org/abs/2004.07180},\n}\n"
)


class Terminal:
    """One tmux session running a shell command; the exit status lands in a file."""

    def __init__(self, socket: str, status_file: Path) -> None:
        self.socket = socket
        self.status_file = status_file

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        command = [TMUX, "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def start(
        self,
        arguments: list[str],
        size: tuple[int, int] = (100, 30),
        program: list[str] | None = None,
    ) -> None:
        assert PAPERBROWSE is not None
        command = shlex.join([*(program or [PAPERBROWSE]), *arguments])
        status = shlex.quote(str(self.status_file))
        shell = f"{command}; echo $? > {status}; sleep 60"
        width, height = size
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), shell)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", "t")  # -J: wrapped lines joined

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def wait_for(self, check: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"never saw {what}; the screen was:\n{self.screen()}")

    def wait_text(self, text: str) -> str:
        return self.wait_for(lambda screen: text in screen, repr(text))

    def wait_read(self, count: str) -> str:
        """Wait for the papers' ``count`` and the detail pane's first paper: the rows a
        launch draws before it reads the library (``core.first_screen``) act on no paper."""
        return self.wait_for(lambda screen: count in screen and "Authors" in screen, count)

    def open_editor(self, key: str, shows: str) -> None:
        """Press ``key`` (n, t) until its editor ``shows``: pressed before the loader has
        read the marks it says "still loading", and a user presses it again."""
        for _ in range(20):
            self.keys(key)
            screen = self.wait_for(lambda s: shows in s or "still loading" in s, repr(shows))
            if shows in screen:
                return
            self.wait_for(lambda s: "still loading" not in s, "the notice gone")
        raise AssertionError(f"{key} never opened {shows!r}")

    def exit_status(self, within: float = TIMEOUT) -> int:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(0.05)
        raise AssertionError(f"the app did not exit; the screen was:\n{self.screen()}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    socket = f"paperbrowse-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    term = Terminal(socket, tmp_path / "status")
    yield term
    subprocess.run([str(TMUX), "-L", socket, "kill-server"], capture_output=True)


def test_search_then_quit_with_q(terminal: Terminal) -> None:
    terminal.start(["--as-of", "2025-11-24", str(SEED)])
    terminal.wait_text("15 of 15 papers")
    assert "Fali Wang" in terminal.screen()
    terminal.keys("/")
    terminal.wait_text("esc Back to list")  # the footer once the bar has focus
    terminal.keys("unlearning", literal=True)
    # The sort shows "relevance" as typing starts; the results follow a moment later.
    screen = terminal.wait_for(
        lambda screen: "Catastrophic Failure of LLM Unlearning" in screen.splitlines()[5],
        "the best match on top",
    )
    assert "of 15 papers · relevance" in screen
    # The detail pane follows when typing pauses (searching.DETAIL_PAUSE), a moment later.
    terminal.wait_text("Zhiwei Zhang")
    terminal.keys("q", literal=True)  # types into the bar
    terminal.wait_text("unlearningq")
    terminal.keys("BSpace")
    terminal.wait_for(lambda screen: "unlearningq" not in screen, "the q deleted")
    terminal.keys("Escape")  # back to the list, query kept
    # Wait, as a person would: an escape followed at once by q reads as alt+q.
    terminal.wait_for(lambda screen: "Back to list" not in screen, "the list focused")
    assert "unlearning" in terminal.screen()
    terminal.keys("q")
    assert terminal.exit_status() == 0


def test_keys_move_and_ctrl_q_quits(terminal: Terminal) -> None:
    terminal.start(["--as-of", "2025-11-24", str(SEED)], size=(80, 24))
    terminal.wait_text("15 of 15 papers")

    def detail(screen: str) -> str:  # the narrow layout stacks the detail below a rule
        return screen.split("────────")[-1]

    terminal.keys("G")
    terminal.wait_for(lambda s: "Distribution Consistency" in detail(s), "the oldest paper")
    terminal.keys("g")
    terminal.wait_for(lambda s: "Unlocking the Power" in detail(s), "the newest paper")
    terminal.keys("C-q")
    assert terminal.exit_status() == 0


def test_c_puts_the_chosen_citation_on_the_terminal_s_clipboard(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OSC 52, as a user over SSH or in tmux gets it: tmux keeps what the app copies."""
    monkeypatch.setenv("PAPERBROWSE_CONFIG_DIR", str(tmp_path / "config"))
    terminal.start(["--as-of", "2025-11-24", str(SEED)])
    terminal.tmux("set-option", "-g", "set-clipboard", "on")
    terminal.wait_read("15 of 15 papers")
    terminal.keys("Space", "Space", "c")
    terminal.wait_text("How should c copy citations?")  # the first time: the form menu
    terminal.keys("2")  # \citep
    terminal.wait_text("to the clipboard.")
    # The first two papers listed, by their keys (Better BibTeX's shape: none has its own).
    wanted = "\\citep{zhang2025unlocking,wang2025generalizing}"
    assert terminal.tmux("show-buffer") == wanted
    assert '"cite_form": "natbib-p"' in (tmp_path / "config" / "config.json").read_text()
    terminal.keys("q")
    assert terminal.exit_status() == 0


def test_capital_c_puts_the_formatted_references_on_the_terminal_s_clipboard(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``C`` over OSC 52: the marked papers' references in the style set (IEEE here), one
    a line, in tmux's buffer as a user would paste them."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.json").write_text('{"csl_style": "ieee"}')
    monkeypatch.setenv("PAPERBROWSE_CONFIG_DIR", str(config))
    terminal.start(["--as-of", "2025-11-24", str(SEED)])
    terminal.tmux("set-option", "-g", "set-clipboard", "on")
    terminal.wait_read("15 of 15 papers")
    terminal.keys("Space", "Space", "C")
    terminal.wait_text("Copied IEEE references of 2 marked papers to")  # the toast wraps
    first, second = terminal.tmux("show-buffer").split("\n")
    # IEEE: numbered in the order cited, initials first, the title in quotes.
    assert first.startswith("[1] Z. Zhang") and "“Unlocking the Power" in first
    assert second.startswith("[2] ") and "“Generalizing" in second
    terminal.keys("q")
    assert terminal.exit_status() == 0


def test_nothing_loadable_exits_2_with_one_line(terminal: Terminal, tmp_path: Path) -> None:
    garbage = write_jsonl(tmp_path / "garbage.jsonl", ["not json", "{nor this"])
    terminal.start([str(garbage)])
    assert terminal.exit_status() == 2
    lines = [line for line in terminal.screen().splitlines() if "paperbrowse:" in line]
    assert len(lines) == 1
    assert lines[0].startswith("paperbrowse: error: ") and "garbage.jsonl" in lines[0]
    assert "Traceback" not in terminal.screen()


def test_a_query_typed_in_one_burst_after_the_slash_lands_whole(terminal: Terminal) -> None:
    # tmux sends "/unlearning" in one write, as a fast typist or a paste would: the
    # letters after the slash must reach the bar, not the list that had focus.
    terminal.start(["--as-of", "2025-11-24", str(SEED)])
    terminal.wait_text("15 of 15 papers")
    terminal.keys("/unlearning", literal=True)
    # Each key is handled before the next (keys.py): the top match may show while
    # the last letters are still on their way, so wait for both.
    terminal.wait_for(
        lambda screen: (
            "Catastrophic Failure of LLM Unlearning" in screen.splitlines()[5]
            and "unlearning" in screen.splitlines()[3]
        ),
        "the whole query in the bar and the best match on top",
    )
    terminal.keys("Enter")
    terminal.wait_for(lambda screen: "esc Back to list" not in screen, "the list focused")
    terminal.keys("C-q")
    assert terminal.exit_status() == 0


def test_a_burst_of_searches_types_only_into_the_bar_and_marks_nothing(
    terminal: Terminal,
) -> None:
    # Issue 11's burst, three times over in one write: the r of "graph" reached the
    # list and marked a paper read, the q of "zq" could quit, and an escape followed
    # by more keys was read as "^".
    terminal.start(["--as-of", "2025-11-24", str(SEED)])
    terminal.wait_text("15 of 15 papers")
    typed = "graphzqzqzq" * 3
    terminal.keys("/graph\rjjj/zqzqzq\x1b" * 3, literal=True)
    screen = terminal.wait_for(
        lambda screen: typed in screen.splitlines()[3] and "esc Back to list" not in screen,
        "every query letter in the bar and the list focused",
    )
    bar = screen.splitlines()[3].split("▎")[0]
    assert bar.strip("▊ ") == typed  # no "^", no letter twice, none missing
    terminal.keys("Escape")  # in the list: clears the query
    screen = terminal.wait_text("15 of 15 papers")
    assert "✓" not in screen and "★" not in screen  # nothing marked read or bookmarked
    assert "marked" not in screen.splitlines()[3]
    terminal.keys("C-q")
    assert terminal.exit_status() == 0


def test_a_bug_in_the_app_is_one_line_and_a_log_not_a_traceback(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAPERBROWSE_CACHE_DIR", str(tmp_path / "cache"))
    buggy = tmp_path / "buggy.py"  # the real command, with a bug planted behind "?"
    buggy.write_text(
        "import sys\n"
        "from paperbrowse.app.screens.browser import BrowserScreen\n"
        "def broken(self): raise RuntimeError('planted \\x1b[31mbug')\n"
        "BrowserScreen.action_help = broken\n"
        "from paperbrowse.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    terminal.start(["--as-of", "2025-11-24", str(SEED)], program=[sys.executable, str(buggy)])
    terminal.wait_text("15 of 15 papers")
    terminal.keys("?")
    screen = terminal.wait_text("an internal error stopped the app")
    assert "RuntimeError: planted \\x1b[31mbug" in screen  # escaped, one line
    assert "Traceback" not in screen and "locals" not in screen
    assert terminal.exit_status() == 1
    log = (tmp_path / "cache" / "crash.log").read_text()
    assert "Traceback" in log and "planted" in log


@pytest.mark.parametrize(("name", "status"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_kill_saves_the_open_note_and_gives_the_terminal_back(
    terminal: Terminal, tmp_path: Path, name: str, status: int
) -> None:
    assert PAPERBROWSE is not None
    pid_file = tmp_path / "pid"
    # The shell writes its own pid and then becomes the app: that pid is the app's.
    wrapper = ["sh", "-c", f'echo $$ > {shlex.quote(str(pid_file))}; exec "$@"', "sh", PAPERBROWSE]
    terminal.start(["--as-of", "2025-11-24", str(SEED)], program=wrapper)
    terminal.wait_text("15 of 15 papers")
    terminal.open_editor("n", "Note on")  # the list has focus: a note on the first paper
    terminal.keys("saved on a pause.", literal=True)
    # The editor saves after half a second without typing (and the marks are ready).
    terminal.wait_for(lambda screen: re.search(r"█ Saved +█", screen) is not None, "Saved")
    terminal.keys(" Then typed just before the kill", literal=True)
    terminal.wait_text("typed just before the kill")  # on screen, not saved yet
    os.kill(int(pid_file.read_text()), getattr(signal, name))
    assert terminal.exit_status() == status
    modes = "#{alternate_on} #{mouse_any_flag} #{cursor_flag}"
    shown = terminal.tmux("display", "-p", "-t", "t", modes).split()
    assert shown == ["0", "0", "1"], "not the main screen, mouse reporting off, cursor shown"
    with open_store(create=False) as store:
        notes = [marks.note for marks in store.all_marks().values()]
    assert notes == ["saved on a pause. Then typed just before the kill"]


def test_quitting_while_a_big_file_loads_does_not_wait_for_the_load(
    terminal: Terminal, corpus: Path
) -> None:
    """ctrl+q (or q) while the 31 MB ACL .bib is read ends the process at once. It used to
    wait 10-11 s for the loader's thread to finish reading and to write the parse cache:
    so the cache entry not being there says the process did not wait."""
    from paperbrowse.core.cache import FileKey

    bib = corpus / "acl-anthology-2016-2021.bib"
    key = FileKey.of(bib)
    assert key is not None and not key.cache_file().exists()
    terminal.start([str(bib)])
    terminal.wait_text("Loading")
    terminal.keys("C-q")
    assert terminal.exit_status() == 0
    assert not key.cache_file().exists()


def _wait_until_asked(requests: list[str], asking: str) -> None:
    """Until a stalled server has been sent a request (``asking`` names what sends it)."""
    deadline = time.monotonic() + TIMEOUT
    while not requests:
        assert time.monotonic() < deadline, f"{asking} never asked the server"
        time.sleep(0.05)


@pytest.mark.parametrize("quit_key", ["q", "C-q"])
def test_quitting_while_a_download_waits_for_the_server_does_not_wait_for_it(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quit_key: str
) -> None:
    """``D``, then q (or ctrl+q) while the server has not answered yet: the app ends then,
    not when the download gives up (a minute), and leaves nothing in the PDF folder."""
    from service_replay import stalling

    from paperbrowse.core.locations import data_dir

    bib = tmp_path / "lib.bib"
    bib.write_text(SPECTER_ON_ARXIV, encoding="utf-8")
    with stalling() as (address, requests, _left):
        monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", address)  # (the tmux server's env)
        terminal.start([str(bib)])
        terminal.wait_read("1 of 1 paper")
        terminal.open_editor("D", "Downloading the PDF")  # (again while "still loading")
        _wait_until_asked(requests, "the download")
        terminal.keys(quit_key)
        assert terminal.exit_status() == 0  # (the download would give up after 60 s)
    folder = data_dir() / "pdfs"
    assert (sorted(path.name for path in folder.iterdir()) if folder.exists() else []) == []


def test_quitting_while_a_download_is_still_connecting_does_not_wait_for_it(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """q while the download's connection is not even made (a server whose queue is full
    answers no SYN: a firewall dropping packets does the same): there is no connection to
    hang up yet, and the process used to wait for the connect timeout."""
    import socket

    bib = tmp_path / "lib.bib"
    bib.write_text(SPECTER_ON_ARXIV, encoding="utf-8")
    with socket.socket() as server, socket.socket() as queued:
        server.bind(("127.0.0.1", 0))
        server.listen(0)  # one connection waits in its queue; the next is not answered
        queued.connect(server.getsockname())
        host, port = server.getsockname()
        monkeypatch.setenv("PAPERBROWSE_ARXIV_PDF_URL", f"http://{host}:{port}")
        terminal.start([str(bib)])
        terminal.wait_read("1 of 1 paper")
        terminal.open_editor("D", "Downloading the PDF")
        time.sleep(0.5)  # (its connect under way; no server sees it, nothing to wait for)
        terminal.keys("q")
        assert terminal.exit_status() == 0  # (the connect would give up after 60 s)


@pytest.mark.parametrize("closed_first", [False, True])
def test_quitting_while_a_paper_is_looked_up_does_not_wait_for_the_lookup(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed_first: bool
) -> None:
    """``+``, a DOI and Enter, then ctrl+q (or Escape, then q) before Crossref answers: the
    app ends then. It waited for the lookup's thread to give up (15 s; up to 3 s more
    for arXiv's turn)."""
    from service_replay import stalling

    from paperbrowse.core.lookup.client import TIMEOUT as LOOKUP_TIMEOUT

    bib = tmp_path / "lib.bib"
    bib.write_text(SPECTER_ON_ARXIV, encoding="utf-8")
    with stalling() as (address, requests, left):
        monkeypatch.setenv("PAPERBROWSE_CROSSREF_URL", address)  # (the tmux server's env)
        terminal.start([str(bib)])
        terminal.wait_read("1 of 1 paper")
        terminal.open_editor("+", "Add a paper")
        terminal.keys("10.2196/22081", literal=True)
        terminal.keys("Enter")
        _wait_until_asked(requests, "the lookup")
        if closed_first:  # the lookup given up then, not at the quit
            terminal.keys("Escape")
            assert left.wait(TIMEOUT), "the lookup still waits for the server"
        terminal.keys("q" if closed_first else "C-q")
        assert terminal.exit_status(within=LOOKUP_TIMEOUT / 3) == 0


def test_o_with_a_text_browser_gives_it_the_terminal_and_comes_back(
    terminal: Terminal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A browser that runs in the terminal (w3m, lynx: what webbrowser finds over SSH, or
    what $BROWSER names) shared the screen with the app, both drawing and both reading the
    keys. The app now steps aside while it runs, and comes back when it quits."""
    library = tmp_path / "lib.bib"
    library.write_text(
        "@article{doe2024, title = {A Paper on the Web}, author = {Doe, Jane},"
        " year = {2024}, url = {https://example.org/paper}}\n",
        encoding="utf-8",
    )
    opened = tmp_path / "opened"
    browser = tmp_path / "textbrowser"  # waits for a key, as a text browser does
    browser.write_text(
        f'#!/bin/sh\necho "TEXT BROWSER SHOWS $1"\nread answer\necho "$1" > {opened}\n',
        encoding="utf-8",
    )
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    terminal.start([str(library)])
    terminal.wait_read("1 of 1 paper")
    terminal.keys("o")
    screen = terminal.wait_text("TEXT BROWSER SHOWS https://example.org/paper")
    assert "A Paper on the Web" not in screen  # the browser has the screen to itself
    terminal.keys("Enter")  # the browser reads it, and quits
    terminal.wait_text("Opened https://example.org/paper with")  # (the toast wraps the name)
    assert opened.read_text().strip() == "https://example.org/paper"
    terminal.keys("q")
    assert terminal.exit_status() == 0
