"""Large files parsed on both cores give exactly what one process gives, and leave no
worker processes behind (core.formats.pool)."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from paperbrowse.core import formats
from paperbrowse.core.errors import Problem
from paperbrowse.core.files import read_text
from paperbrowse.core.formats import ImportResult, bibtex, jsonl, pool, spilling

SLICE = 3 << 20  # characters of each ACL file: 3 parts of JSON Lines, 12 of BibTeX


def acl_jsonl(corpus: Path) -> str:
    """The first 3 MB of the ACL JSON Lines, with bad lines spread through its parts: broken
    JSON, a raw U+2028 (a line end to ``str.splitlines``, not to a byte-range cutter), CRLF,
    the first line's id given again (in the same part and in later ones)."""
    text = (corpus / "acl-anthology-all-2021.jsonl").read_text(encoding="utf-8")
    lines = text[: text.index("\n", SLICE) + 1].splitlines(keepends=True)
    first_id = json.loads(lines[0])["id"]
    for at in range(100, len(lines) - 4, 700):
        lines[at] = '{"title": "broken\n'
        lines[at + 1] = lines[at + 1].replace('"title": "', '"title": "split\u2028here ', 1)
        lines[at + 2] = lines[at + 2].rstrip("\n") + "\r\n\n"
        lines[at + 3] = '["not", "an object"]\n'
        lines[at + 4] = json.dumps({**json.loads(lines[at + 4]), "id": first_id}) + "\n"
    return "".join(lines)


def acl_bibtex(corpus: Path) -> str:
    """The first 3 MB of the ACL .bib, with troubles in each part: keys used again (in
    the same part and in a later one), an untitled entry, undefined macros, a field given
    twice, text outside entries, and two entries on one line."""
    text = (corpus / "acl-anthology-2016-2021.bib").read_text(encoding="utf-8")
    text = text[: text.index("\n@", SLICE) + 1]
    first = text[: text.index("\n@") + 1]  # an entry of the first part, key and all
    troubles = [
        first,
        "@misc{untitled-one,\n  author = {Nobody},\n  year = 2020\n}\n",
        "@article{undefined-macro,\n  title = {Macros},\n  journal = nowhere # { Press},\n"
        "  month = smarch\n}\n",
        "@article{twice, title = {One}, title = {Two}}\n",
        "a stray } here\n",
        "@misc{same-line, title = {A}} @misc{same-line, title = {B}} "
        "@misc{on-it-too, title = {C}, title = {D}}\n",
    ]
    entries = text.split("\n@")
    for n, at in enumerate(range(100, len(entries), 250)):
        entries[at] = troubles[n % len(troubles)].removeprefix("@") + "\n@" + entries[at]
    return "\n@".join(entries) + "".join(troubles)


def as_workers_send(
    work: Callable[..., Any],
    parts: Sequence[tuple[Any, ...]],
    sizes: Sequence[int],
    progress: Any = None,
    receive: Callable[[Any], Any] | None = None,
) -> list[Any]:
    """``run_parts`` with every part done as a worker does it and sent through pickle."""
    done = [pickle.loads(pickle.dumps(work(*part))) for part in parts]
    return done if receive is None else list(map(receive, done))


def single_process(
    parse: Callable[[str], ImportResult], monkeypatch: pytest.MonkeyPatch, text: str
) -> ImportResult:
    with monkeypatch.context() as patch:
        patch.setattr(pool, "worker_count", lambda: 0)
        return parse(text)


def assert_same(parted: ImportResult, single: ImportResult) -> None:
    assert [p.model_dump() for p in parted.papers] == [p.model_dump() for p in single.papers]
    assert parted.problems == single.problems


FORMATS: dict[str, tuple[Callable[[Path], str], Callable[[str], ImportResult]]] = {
    "jsonl": (acl_jsonl, lambda text: jsonl.parse_jsonl(text, "acl.jsonl")),
    "bibtex": (acl_bibtex, lambda text: bibtex.parse_bibtex(text, "acl.bib")),
}


@pytest.fixture
def in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files of 1 MB and more are read in parts."""
    for module in (jsonl, bibtex):
        monkeypatch.setattr(module, "POOL_MIN_CHARS", 1 << 20)


@pytest.mark.parametrize("name", FORMATS)
def test_a_file_read_in_parts_is_the_file_read_whole(
    name: str, corpus: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    """The same papers in the same order, the same warnings on the same lines: every part
    as a worker sends it back (in this process: a real pool may leave all to the parent)."""
    make, parse = FORMATS[name]
    text = make(corpus)
    single = single_process(parse, monkeypatch, text)
    assert len(single.papers) > 2000 and len(single.problems) >= 6  # the troubles are there
    if name == "jsonl":
        assert sum("also used on line 1;" in p.message for p in single.problems) >= 3
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    assert_same(parse(text), single)


@pytest.mark.parametrize("name", FORMATS)
def test_a_real_pool_gives_the_single_process_result(
    name: str, corpus: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    make, parse = FORMATS[name]
    text = make(corpus)
    monkeypatch.setattr(pool, "worker_count", lambda: 1)  # one worker, on one core too
    assert_same(parse(text), single_process(parse, monkeypatch, text))


@pytest.mark.parametrize(
    ("head", "tail", "paper", "venue"),
    [
        (
            "@string{acl = {Association for Computational Linguistics}}\n",
            "@misc{late, title = {Late}, publisher = acl}\n",
            -1,
            "Association for Computational Linguistics",
        ),
        (
            "@misc{child, title = {Child}, crossref = {parent}}\n",
            "@proceedings{parent, title = {The Book}, year = 2020}\n",
            0,
            "The Book",
        ),
    ],
)
def test_parts_linked_by_a_macro_or_a_crossref_are_read_in_one_process(
    head: str,
    tail: str,
    paper: int,
    venue: str,
    monkeypatch: pytest.MonkeyPatch,
    in_parts: None,
) -> None:
    """A macro defined in one part and used in a later one, a crossref to an entry in
    another part: the file is read whole, with the same outcome."""
    filler = "".join(f"@misc{{k{i}, title = {{Paper {i} {'x' * 300}}}}}\n" for i in range(4000))
    text = head + filler + tail
    single = single_process(lambda t: bibtex.parse_bibtex(t, "x.bib"), monkeypatch, text)
    monkeypatch.setattr(spilling, "run_parts", as_workers_send)
    parted = bibtex.parse_bibtex(text, "x.bib")
    assert_same(parted, single)
    assert parted.papers[paper].venue == venue


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (killed, not yet reaped by a parent that is itself gone) is not running.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(")")[-1].split()[0] == "Z")


# A pool worker's main module has the pool's serve (pytest-xdist's own workers have a
# serve of their own: hasattr alone took every test for a pool worker there).
IN_WORKER = (
    "getattr(getattr(__import__('sys').modules['__main__'], 'serve', None), '__module__', '')"
    " == 'paperbrowse.core.formats.pool'"
)


def worker_code(flag: Path, worker_then: str = "0", parent_then: str = "0") -> str:
    """A part for ``eval``: in a worker, write its pid and the UI modules it has loaded to
    ``flag``, then ``worker_then``; in the parent, wait until a worker has done that, then
    ``parent_then``. (``eval`` pickles by name; a worker's main module has ``serve``.)"""
    os_ = "__import__('os')"
    in_worker = IN_WORKER
    ui = "sorted(m for m in __import__('sys').modules if m.split('.')[0] in ('textual', 'rich'))"
    report = (
        f"__import__('pathlib').Path({str(flag) + '.tmp'!r}).write_text(repr(({os_}"
        f".getpid(), {ui}))) and {os_}.replace({str(flag) + '.tmp'!r}, {str(flag)!r})"
    )
    wait = (
        f"[__import__('time').sleep(0.05) for _ in range(1200) "
        f"if not {os_}.path.exists({str(flag)!r})]"
    )
    return f"(({report}) or {worker_then}) if {in_worker} else ({wait} and 0) or {parent_then}"


def test_workers_do_parts_in_order_without_loading_the_ui(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import paperbrowse.app  # noqa: F401 - the app's process has Textual loaded

    flag = tmp_path / "worker-ran"
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    parts = [(worker_code(flag),)] * 3
    assert pool.run_parts(eval, parts, [1, 1, 1]) == [0, 0, 0]  # (the worker's part too)
    pid, ui_modules = eval(flag.read_text())
    assert pid != os.getpid() and ui_modules == []
    assert not pid_alive(pid)


def test_ctrl_c_during_a_parse_kills_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = tmp_path / "worker-ran"
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    code = worker_code(flag, "__import__('time').sleep(60)", "exec('raise KeyboardInterrupt')")
    with pytest.raises(KeyboardInterrupt):
        pool.run_parts(eval, [(code,)] * 2, [1, 1])
    pid, _ = eval(flag.read_text())
    assert not pid_alive(pid)


def test_a_process_that_leaves_at_once_leaves_no_workers(tmp_path: Path) -> None:
    """What the app does on ctrl+q during a big load: ``os._exit``, no clean-up at all."""
    flag = tmp_path / "worker-ran"
    code = worker_code(flag, "__import__('time').sleep(60)", "__import__('os')._exit(0)")
    script = textwrap.dedent(f"""
        from paperbrowse.core.formats import pool
        pool.worker_count = lambda: 1
        pool.run_parts(eval, [({code!r},)] * 2, [1, 1])
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    pid, _ = eval(flag.read_text())
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(pid)


def test_no_worker_starts_on_one_core_and_the_file_still_reads(
    monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    monkeypatch.setattr(pool, "worker_count", lambda: 0)
    monkeypatch.setattr(pool, "_start_workers", lambda count: pytest.fail("no worker wanted"))
    text = "".join(f'{{"title": "Paper {i} {"x" * 300}"}}\n' for i in range(7000))
    assert len(jsonl.parse_jsonl(text, "x.jsonl").papers) == 7000


def test_a_pool_that_cannot_start_falls_back_to_one_process(
    monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    text = "".join(f'{{"title": "Paper {i} {"x" * 300}"}}\n' for i in range(7000))
    assert [p.source.line for p in jsonl.parse_jsonl(text, "x.jsonl").papers if p.source] == list(
        range(1, 7001)
    )


def started_workers(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every worker process started from now on, as ``_start_workers`` returns them."""
    started: list[subprocess.Popen[bytes]] = []
    start = pool._start_workers

    def recorded(count: int, preload: str = "") -> list[subprocess.Popen[bytes]]:
        workers = start(count, preload)
        started.extend(workers)
        return workers

    monkeypatch.setattr(pool, "_start_workers", recorded)
    return started


def test_a_large_file_is_read_by_workers_started_before_it_is_cut(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    path = tmp_path / "acl.jsonl"
    path.write_text(acl_jsonl(corpus), encoding="utf-8")
    single = single_process(
        lambda text: jsonl.parse_jsonl(text, str(path)),
        monkeypatch,
        path.read_text(encoding="utf-8"),
    )
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    started = started_workers(monkeypatch)
    started_when_read: list[int] = []

    def read_bytes(file: Path) -> bytes:
        started_when_read.append(len(started))
        return file.read_bytes()

    monkeypatch.setattr(jsonl, "read_bytes", read_bytes)
    parted = jsonl.read_large_jsonl(path, None)
    assert parted is not None
    assert_same(parted, single)
    # The worker started before the file was read, and the parse took it: no second start.
    assert started_when_read == [1] and len(started) == 1
    assert not any(pid_alive(worker.pid) for worker in started)


def test_a_large_file_with_two_byte_order_marks_keeps_its_first_paper(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    path = tmp_path / "acl.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + acl_jsonl(corpus).encode("utf-8"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # a second one, as some tools add
    whole = jsonl.parse_jsonl(path.read_text(encoding="utf-8-sig"), str(path))
    monkeypatch.setattr(pool, "worker_count", lambda: 0)
    parted = jsonl.read_large_jsonl(path, None)
    assert parted is not None
    assert_same(parted, whole)
    assert parted.papers[0].title == whole.papers[0].title


def test_workers_started_ahead_stop_when_the_file_is_not_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    path = tmp_path / "document.jsonl"  # a JSON document under a JSON Lines name
    papers = ",\n".join(f'{{"title": "Paper {i} {"x" * 300}"}}' for i in range(7000))
    path.write_text(f"[\n{papers}\n]\n", encoding="utf-8")
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    started = started_workers(monkeypatch)
    assert jsonl.read_large_jsonl(path, None) is None  # (then read whole, as a document)
    assert len(started) == 1
    assert not any(pid_alive(worker.pid) for worker in started)


def test_a_large_bibtex_file_is_read_by_workers_started_before_it_is_read(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    path = tmp_path / "acl.bib"
    path.write_text(acl_bibtex(corpus), encoding="utf-8")
    today = dt.date(2026, 12, 6)
    single = single_process(
        lambda _: formats.read_file(path, today), monkeypatch, path.read_text(encoding="utf-8")
    )
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    started = started_workers(monkeypatch)
    started_when_read: list[int] = []

    def recorded_read(file: Path) -> tuple[str, list[Problem]]:
        started_when_read.append(len(started))
        return read_text(file)

    monkeypatch.setattr(formats, "read_text", recorded_read)
    assert_same(formats.read_file(path, today), single)
    # The worker started before the file was read, and the parse took it: no second start.
    assert started_when_read == [1] and len(started) == 1
    assert not any(pid_alive(worker.pid) for worker in started)


def test_workers_started_ahead_stop_when_a_bibtex_file_is_read_here(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_parts: None
) -> None:
    """@string definitions link the file's parts: it is read in this process alone, and the
    worker started for it is stopped."""
    path = tmp_path / "strings.bib"
    path.write_text("@string{acl = {ACL}}\n" + acl_bibtex(corpus), encoding="utf-8")
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    started = started_workers(monkeypatch)
    monkeypatch.setattr(bibtex, "run_parts_spilling", lambda *_: pytest.fail("read in parts"))
    result = formats.read_file(path, dt.date(2026, 12, 6))
    assert len(result.papers) > 2000
    assert len(started) == 1
    assert not any(pid_alive(worker.pid) for worker in started)


def test_parts_and_results_larger_than_a_pipe_all_come_back(tmp_path: Path) -> None:
    """A worker holds two parts at once (one waiting in its pipe). Parts and results of
    3 MB each, three times a pipe's 1 MB: the part waiting must not stop this process
    from reading the worker's result, nor the worker from sending it."""
    filler = "x" * (3 << 20)
    part = f"__import__('time').sleep(0.2) or ({IN_WORKER}, len({filler!r}) * 'y')"
    script = textwrap.dedent(f"""
        from paperbrowse.core.formats import pool
        pool.worker_count = lambda: 1
        results = pool.run_parts(eval, [({part!r},)] * 8, [1] * 8)
        print(sum(in_worker for in_worker, _ in results), {{len(text) for _, text in results}})
    """)
    (tmp_path / "run.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(tmp_path / "run.py")], capture_output=True, text=True, timeout=120
    )
    in_workers, lengths = done.stdout.split(maxsplit=1)
    assert eval(lengths) == {3 << 20}
    assert int(in_workers) > 0  # (else nothing went through a pipe)


def test_a_worker_s_last_part_is_waited_for_not_done_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two parts: this process's takes 1 s, the worker's 1.5 s from about the same start.
    This process then waits for the worker's result rather than doing the part again."""
    started, done_here = tmp_path / "worker-started", tmp_path / "done-here"
    in_parent = (
        f"[__import__('time').sleep(0.02) for _ in range(3000) "
        f"if not __import__('os').path.exists({str(started)!r})]"
        f" and 0 or __import__('time').sleep(1.0)"
        f" or open({str(done_here)!r}, 'a').write('part\\n') and 'here'"
    )
    in_worker = f"open({str(started)!r}, 'w').close() or __import__('time').sleep(1.5) or 'worker'"
    part = f"({in_worker}) if {IN_WORKER} else ({in_parent})"
    monkeypatch.setattr(pool, "worker_count", lambda: 1)
    assert pool.run_parts(eval, [(part,), (part,)], [1, 1]) == ["here", "worker"]
    assert done_here.read_text() == "part\n"  # the worker's part was not done here too
