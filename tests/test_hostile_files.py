"""Hostile files and folders: each gives one clear line naming it; the rest still loads.

Binary and empty files, a file over the size cap, a FIFO (which must never be
opened: that would hang), unreadable files, link loops, dangling links,
folders nested deeper than Python's recursion limit, file names holding
terminal escapes. Through ``library.load`` and through ``paperbrowse parse``
and ``paperbrowse search``: never a traceback, exit 2 when nothing loads,
1 when something was skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import MutableSequence, Sequence
from pathlib import Path

import pytest

from paperbrowse.cli import main
from paperbrowse.core import files
from paperbrowse.core.errors import FormatError
from paperbrowse.core.library import load
from paperbrowse.core.models import Paper

ROOT = Path(__file__).resolve().parents[1]
GOOD_BIB = ROOT / "data" / "sample-library.bib"
AS_OF = dt.date(2025, 1, 1)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, list[str]]:
    """Exit status, stdout and the stderr lines of ``paperbrowse ARGUMENTS`` run in-process."""
    status = main(list(arguments))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    lines = err.splitlines()
    for line in lines:
        assert line.startswith("paperbrowse: ") and line.isprintable(), line
    return status, out, lines


def only_error(path: Path) -> str:
    with pytest.raises(FormatError) as caught:
        load(path, as_of=AS_OF)
    message = str(caught.value)
    assert message.startswith(str(path)) and message.isprintable()
    return message


# --- single files ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".bib", ".json", ".jsonl", ".txt", ".pdf"])
def test_binary_file_is_one_error(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"image{suffix}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "binary file" in only_error(path)
    status, out, lines = cli(capsys, "parse", str(path))
    assert (status, out) == (2, "")
    assert lines == [f"paperbrowse: error: {path}: binary file (contains NUL bytes), not text"]


@pytest.mark.parametrize("suffix", [".bib", ".json", ".jsonl", ".txt"])
def test_empty_file_is_one_error(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_text(" \n\n")
    assert only_error(path) == f"{path}: empty file; no papers in it"
    status, out, lines = cli(capsys, "search", "anything", str(path))
    assert (status, out, len(lines)) == (2, "", 1)


def test_file_over_the_size_cap_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.bib"
    with path.open("wb") as handle:  # sparse: takes no disk and no time
        handle.truncate(files.MAX_FILE_BYTES + 1)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a file over the cap was opened")

    monkeypatch.setattr(files, "open", no_reading, raising=False)
    message = only_error(path)
    assert "too large (256 MiB; paperbrowse reads files up to 256 MiB)" in message
    status, _, lines = cli(capsys, "parse", str(path))
    assert status == 2 and len(lines) == 1


def test_file_that_grew_past_the_cap_after_it_was_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.bib"
    path.write_text("@article{a, title={T}}\n" * 10)
    # The cap drops after the file is measured, as if the file grew in between:
    # at most one byte past the cap is read, and the file is refused.
    real_stat = Path.stat

    def stat_then_shrink_cap(self: Path, **kwargs: bool) -> os.stat_result:
        info = real_stat(self, **kwargs)
        monkeypatch.setattr(files, "MAX_FILE_BYTES", 20)
        return info

    monkeypatch.setattr(Path, "stat", stat_then_shrink_cap)
    with pytest.raises(FormatError, match="too large"):
        files.read_bytes(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_and_never_opened(tmp_path: Path) -> None:
    """Opening a FIFO with no writer blocks forever: the CLI must answer at once."""
    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "pipe.jsonl")
    shutil.copy(GOOD_BIB, folder / "good.bib")
    for target, status in ((fifo, 2), (folder, 1)):
        result = subprocess.run(
            [sys.executable, "-m", "paperbrowse", "parse", str(target)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == status, result.stderr
        assert "Traceback" not in result.stderr
        assert "not a regular file (a pipe or device?); skipped" in result.stderr
    assert "4 papers read from" in result.stdout


def test_device_is_refused() -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    assert "not a regular file" in only_error(Path("/dev/null"))


@pytest.mark.skipif(IS_ROOT, reason="root reads any file whatever its permissions")
def test_unreadable_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.bib"
    shutil.copy(GOOD_BIB, path)
    path.chmod(0)
    try:
        assert "permission denied" in only_error(path)
    finally:
        path.chmod(0o600)


def test_dangling_and_looping_file_links(tmp_path: Path) -> None:
    dangling = tmp_path / "gone.bib"
    dangling.symlink_to(tmp_path / "nowhere.bib")
    assert only_error(dangling) == f"{dangling}: a link to a file that does not exist"
    loop = tmp_path / "self.bib"
    loop.symlink_to(loop)
    assert "cannot read" in only_error(loop)


def test_file_name_with_terminal_escapes_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad\x1b[31mred\x1b]0;title\x07.bib"
    path.write_bytes(b"\x00binary")
    status, _, lines = cli(capsys, "parse", str(path))
    assert status == 2
    assert "bad\\x1b[31mred\\x1b]0;title\\x07.bib: binary file" in lines[0]


def test_file_name_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = os.fsencode(tmp_path) + b"/caf\xe9.bib"
    try:
        with open(name, "wb") as handle:
            handle.write(b"@article{a, title={Named in Latin-1}}\n\x00")
    except OSError:
        pytest.skip("this file system takes UTF-8 names only")
    status, _, lines = cli(capsys, "parse", os.fsdecode(name))
    assert status == 2
    assert "caf\\udce9.bib: binary file" in lines[0]


# --- folders --------------------------------------------------------------------------


def test_folder_link_loop_is_one_warning_and_each_file_loads_once(tmp_path: Path) -> None:
    library_dir = tmp_path / "library"
    (library_dir / "sub").mkdir(parents=True)
    shutil.copy(GOOD_BIB, library_dir / "sub" / "refs.bib")
    (library_dir / "sub" / "up").symlink_to(library_dir)
    (library_dir / "self").symlink_to(".")
    library = load(library_dir, as_of=AS_OF)
    assert len(library.sources) == 1 and len(library.papers) == 4
    assert sorted(str(problem) for problem in library.problems) == [
        f"{library_dir / 'self'}: folder link loop; skipped",
        f"{library_dir / 'sub' / 'up'}: folder link loop; skipped",
    ]


def _remove_deep(top: Path) -> None:
    """Remove a folder nested too deep for ``shutil.rmtree`` (recursive before Python 3.12)."""
    while top.exists():
        inner = top / "d"
        if not inner.is_dir():
            shutil.rmtree(top)
            return
        spare = top.with_name(top.name + "-next")
        inner.rename(spare)  # the subtree moves up a level; what is left is shallow
        shutil.rmtree(top)
        spare.rename(top)


def test_folder_nested_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    try:
        _load_deep_folder(tmp_path)
    finally:
        _remove_deep(tmp_path / "d")  # or pytest's own clean-up fails on it


def _load_deep_folder(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() + 100
    folder = os.open(tmp_path, os.O_RDONLY)
    try:  # relative to a folder handle: the whole path would pass PATH_MAX
        for _ in range(depth):
            os.mkdir("d", dir_fd=folder)
            inner = os.open("d", os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
        handle = os.open("deep.bib", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)
        os.write(handle, b"@article{deep, title={At the bottom}}\n")
        os.close(handle)
    finally:
        os.close(folder)
    library = load(tmp_path, as_of=AS_OF)
    assert [paper.title for paper in library.papers] == ["At the bottom"]


def test_mixed_folder_loads_the_good_files_with_one_line_per_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(GOOD_BIB, folder / "a-good.bib")
    (folder / "b-good.jsonl").write_text('{"title": "A good line"}\n{"title": "Another"}\n')
    bad = {
        "binary.bib": "binary file (contains NUL bytes), not text",
        "broken.json": "not valid JSON",
        "dangling.bib": "a link to a file that does not exist",
        "empty.jsonl": "empty file; no papers in it",
        "prose.bib": "no papers found (read as BibTeX)",
        "utf16.bib": "not valid UTF-16 despite its byte-order mark",
    }
    (folder / "binary.bib").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "broken.json").write_text('[{"title": "cut off"')
    (folder / "dangling.bib").symlink_to(folder / "missing.bib")
    (folder / "empty.jsonl").write_text("")
    (folder / "prose.bib").write_text("Just some notes, no entries.\n")
    (folder / "utf16.bib").write_bytes(b"\xff\xfe\x00")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.bib")
        bad["pipe.bib"] = "not a regular file (a pipe or device?); skipped"
    (folder / "notes.md").write_text("ignored: not a library suffix")
    library = load(folder, as_of=AS_OF)
    assert len(library.papers) == 6
    assert sorted(Path(source).name for source in library.sources) == ["a-good.bib", "b-good.jsonl"]
    problems = sorted(str(problem) for problem in library.problems)
    assert len(problems) == len(bad)
    for problem, (name, reason) in zip(problems, sorted(bad.items()), strict=True):
        assert problem.startswith(str(folder / name)) and reason in problem, problem
    status, out, lines = cli(capsys, "search", "good", str(folder))
    assert status == 1 and "A good line" in out
    assert len(lines) == len(bad)


def test_folder_of_only_bad_files_is_an_error_naming_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.bib").write_bytes(b"\x00")
    (tmp_path / "b.json").write_text("")
    status, out, lines = cli(capsys, "parse", str(tmp_path))
    assert status == 2 and out == ""
    assert len(lines) == 1
    assert f"{tmp_path / 'a.bib'}: binary file" in lines[0]
    assert f"{tmp_path / 'b.json'}: empty file" in lines[0]


# --- running out of memory or nesting -------------------------------------------------

OUT_OF_BOUNDS = [
    (MemoryError, "ran out of memory reading it; skipped"),
    (RecursionError, "nested too deeply to read; skipped"),
]


@pytest.mark.parametrize(("error", "message"), OUT_OF_BOUNDS)
def test_an_importer_out_of_memory_or_nesting_loses_that_file_only(
    error: type[Exception],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from paperbrowse.core import formats

    hostile = tmp_path / "hostile.bib"
    hostile.write_text("@article{a, title={Never read}}\n")
    good = tmp_path / "good.jsonl"
    good.write_text('{"title": "A good line"}\n')

    def exhausted(*args: object) -> None:
        raise error()

    monkeypatch.setitem(formats.IMPORTERS, "bibtex", exhausted)
    library = load(hostile, good, as_of=AS_OF)
    assert [paper.title for paper in library.papers] == ["A good line"]
    assert [str(problem) for problem in library.problems] == [f"{hostile}: {message}"]
    status, out, lines = cli(capsys, "search", "good", str(hostile), str(good))
    assert status == 1 and "A good line" in out
    assert lines == [f"paperbrowse: warning: {hostile}: {message}"]


@pytest.mark.parametrize(("error", "message"), OUT_OF_BOUNDS)
def test_out_of_memory_or_nesting_after_reading_loses_that_file_only(
    error: type[Exception], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merging a file's duplicates (after its importer is done) is guarded too."""
    from paperbrowse.core import merge

    hostile = tmp_path / "hostile.bib"
    hostile.write_text("@article{a, title={Hostile}}\n")
    good = tmp_path / "good.jsonl"
    good.write_text('{"title": "A good line"}\n')
    real_merge = merge.merge_duplicates

    def merge_or_fail(papers: Sequence[Paper]) -> MutableSequence[Paper]:
        if any(paper.title == "Hostile" for paper in papers):
            raise error()
        return real_merge(papers)

    monkeypatch.setattr(merge, "merge_duplicates", merge_or_fail)
    library = load(hostile, good, as_of=AS_OF)
    assert [paper.title for paper in library.papers] == ["A good line"]
    assert [str(problem) for problem in library.problems] == [f"{hostile}: {message}"]


# --- nothing from a file is ever run ---------------------------------------------------


def test_latex_in_a_file_never_reads_or_runs_anything(tmp_path: Path) -> None:
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRET-CONTENT")
    marker = tmp_path / "ran"
    bib = tmp_path / "evil.bib"
    bib.write_text(
        f"@article{{a, title={{Kept \\input{{{secret}}} \\include{{{secret.with_suffix('')}}}}},\n"
        f"  abstract={{\\immediate\\write18{{touch {marker}}} \\def\\x{{y}} \\openin}}}}\n"
    )
    paper = load(bib, as_of=AS_OF).papers[0]
    assert paper.title.startswith("Kept")
    assert "SECRET" not in paper.title + (paper.abstract or "")
    assert not marker.exists()


# --- names that are not usable paths ---------------------------------------------------


def test_home_folder_of_a_user_that_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "~no-such-user-here/refs.bib"
    status, out, lines = cli(capsys, "parse", name)
    assert (status, out) == (2, "")
    assert lines == [f"paperbrowse: error: {name}: no such file"]


def test_name_with_a_nul_character_is_an_error_not_a_crash() -> None:
    with pytest.raises(FormatError) as caught:
        load("refs\x00.bib", as_of=AS_OF)
    assert str(caught.value).startswith("refs\\x00.bib: ")
    with pytest.raises(FormatError, match="holds a NUL character"):
        files.read_bytes(Path("refs\x00.bib"))


def test_a_file_of_many_broken_lines_lists_a_hundred_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from paperbrowse.core.formats import MAX_PROBLEMS

    path = tmp_path / "mostly-broken.jsonl"
    path.write_text('{"title": "The one good line"}\n' + "not json\n" * 5000)
    library = load(path, as_of=AS_OF)
    assert [paper.title for paper in library.papers] == ["The one good line"]
    problems = [str(problem) for problem in library.problems]
    assert len(problems) == MAX_PROBLEMS == 100
    assert problems[0] == f"{path}:2: not valid JSON (Expecting value); skipped"
    assert problems[-1] == f"{path}: 4,901 more problems in this file not listed"
    status, _, lines = cli(capsys, "parse", str(path))
    assert status == 1 and len(lines) == 100


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_file_swapped_for_a_fifo_after_it_was_checked_does_not_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    regular = tmp_path / "regular.bib"
    regular.write_text("@article{a, title={T}}\n")
    fifo = tmp_path / "swapped.bib"
    os.mkfifo(fifo)
    real_stat = Path.stat

    def looks_regular(self: Path, **kwargs: bool) -> os.stat_result:
        return real_stat(regular if self == fifo else self, **kwargs)

    monkeypatch.setattr(Path, "stat", looks_regular)  # the check sees a file, the open a FIFO
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            files.read_bytes(fifo)
        except BaseException as error:
            outcome.append(error)

    # A blocking open of a FIFO with no writer never returns: run it where it cannot
    # hang the test run.
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert not reader.is_alive(), "opening the FIFO blocked"
    assert isinstance(outcome[0], FormatError) and "not a regular file" in str(outcome[0])


class WaitingFile:
    """A FIFO that ``stat`` and ``fstat`` call a regular file, as ``/proc/kmsg`` is: reading
    it waits for data. A writer holds it open, so a blocking read would never return;
    ``messages`` are waiting in it already, as a kernel's buffered messages may be."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, messages: bytes) -> None:
        self.path = folder / "waits.bib"
        os.mkfifo(self.path)
        regular = folder / "regular.bib"
        regular.write_bytes(b"")  # what /proc/kmsg reports: a regular file of 0 bytes
        self._writer = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)  # keeps it open
        os.write(self._writer, messages)
        fifo_id = (os.stat(self.path).st_dev, os.stat(self.path).st_ino)
        real_stat, real_fstat = Path.stat, os.fstat

        def path_stat(path: Path, **kwargs: bool) -> os.stat_result:
            return real_stat(regular if path == self.path else path, **kwargs)

        def fstat(descriptor: int) -> os.stat_result:
            info = real_fstat(descriptor)
            return real_stat(regular) if (info.st_dev, info.st_ino) == fifo_id else info

        monkeypatch.setattr(Path, "stat", path_stat)
        monkeypatch.setattr(os, "fstat", fstat)

    def read(self) -> bytes | BaseException:
        """``files.read_bytes`` of it, run where a read that blocks cannot hang the tests."""
        outcome: list[bytes | BaseException] = []

        def read() -> None:
            try:
                outcome.append(files.read_bytes(self.path))
            except BaseException as error:
                outcome.append(error)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout=30)
        os.close(self._writer)  # lets a blocked read return, once the test has failed
        assert not reader.is_alive(), "reading the file blocked"
        return outcome[0]


def test_a_regular_file_whose_read_waits_is_skipped_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc/kmsg with no unread kernel messages, made here: reading it waits for data.
    outcome = WaitingFile(tmp_path, monkeypatch, b"").read()
    assert isinstance(outcome, FormatError)
    said = "not a file that can be read now (a device?); skipped"
    assert str(outcome) == f"{tmp_path / 'waits.bib'}: {said}"


@pytest.mark.parametrize(
    "messages",
    [b"\n", b"<6>[    0.000000] Linux version\n" * 500],  # one byte; more than a buffer
    ids=["one-byte", "many"],
)
def test_a_regular_file_of_no_size_is_read_as_far_as_it_has_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, messages: bytes
) -> None:
    # /proc/kmsg while the kernel has unread messages: they are read, then no waiting.
    assert WaitingFile(tmp_path, monkeypatch, messages).read() == messages


@pytest.mark.skipif(
    not os.environ.get("PAPERBROWSE_TEST_KMSG") or not os.access("/proc/kmsg", os.R_OK),
    reason="reads the real /proc/kmsg (root only; it takes the kernel's unread messages, "
    "and what it finds depends on them): set PAPERBROWSE_TEST_KMSG=1 to run it",
)
def test_kernel_file_that_waits_for_data_does_not_hang(tmp_path: Path) -> None:
    """The real /proc/kmsg, end to end. Its read waits for kernel messages, or hands out
    the buffered ones (read as text that holds no entries: a warning, exit 1). Either
    way, one line; the two tests above cover both cases deterministically."""
    link = tmp_path / "kmsg.bib"
    link.symlink_to("/proc/kmsg")
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "parse", str(link)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
