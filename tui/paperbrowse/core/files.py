"""Reading input files safely: missing files, folders, binaries, odd encodings.

Every failure becomes a FormatError or a Problem naming the file (and line),
never a traceback.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from paperbrowse.core.errors import FormatError, Problem

# A 200 MB BibTeX file (140,000 entries) peaks near 1.6 GB while parsing; 256 MiB keeps
# the worst case near 2 GB and is far above any real bibliography (the whole ACL Anthology
# 2016-2021 export is 31 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
# Codecs a file may not choose for itself: UTF-8 (it failed already) and those that
# interpret the text rather than map bytes to characters (backslash escapes, UTF-7's
# base64 runs, IDNA), which could turn plain letters into control characters.
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)
_NOT_CHARSETS = frozenset(
    {"utf-8", "utf-8-sig", "unicode-escape", "raw-unicode-escape", "utf-7", "idna", "punycode"}
)
_DECLARED_ENCODING = re.compile(rb"(?:encoding|charset)\s*[=:]\s*[\"']?([A-Za-z0-9_\-]+)", re.I)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or a FormatError saying in plain words why not."""
    name = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise FormatError(name, "a link to a file that does not exist") from None
        raise FormatError(name, "no such file") from None
    except PermissionError:
        raise FormatError(name, "permission denied; check the file's permissions") from None
    except OSError as error:
        raise FormatError(name, f"cannot read: {error.strerror or error}") from None
    except ValueError:  # a NUL character in the name
        raise FormatError(name, "not a file name (holds a NUL character)") from None
    if stat.S_ISDIR(info.st_mode):
        raise FormatError(name, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise FormatError(name, "not a regular file (a pipe or device?); skipped")
    if info.st_size > MAX_FILE_BYTES:
        raise FormatError(name, _too_large(info.st_size))
    try:
        # Opened non-blocking and checked again once open: a file swapped for a FIFO since
        # it was measured, or a kernel file that waits for data (/proc/kmsg), is an error
        # now rather than a hang.
        descriptor = os.open(path, os.O_RDONLY | _NON_BLOCKING)
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise FormatError(name, "not a regular file (a pipe or device?); skipped")
            # The measured size and one byte more (read(n) sets aside n bytes at once);
            # a file that grew since, or a /proc file that says 0, up to the cap.
            data = handle.read(info.st_size + 1)
            if data is None:  # nothing there yet: it waits for data that may never come
                raise FormatError(name, "not a file that can be read now (a device?); skipped")
            if len(data) > info.st_size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data)) or b""
    except PermissionError:
        raise FormatError(name, "permission denied; check the file's permissions") from None
    except OSError as error:
        raise FormatError(name, f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(name, _too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return (
        f"too large ({size / 2**20:,.0f} MiB; paperbrowse reads files up to "
        f"{MAX_FILE_BYTES // 2**20} MiB); skipped"
    )


def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Text from bytes: UTF-8 (a BOM is dropped), else the declared encoding or windows-1252.

    A UTF-8 file with a few stray bytes (one pasted from a windows-1252 file)
    keeps its UTF-8: only those bytes are read in the fallback encoding, so the
    other titles, and the paper ids made from them, do not change. A file with
    no multi-byte UTF-8 character in it is decoded whole in the fallback. Either
    way a warning names the line, never silently turning text into mojibake.
    """
    utf16 = _utf16(data, name)
    if utf16 is not None:
        return utf16, []
    if b"\x00" in data[:8192]:
        raise FormatError(name, "binary file (contains NUL bytes), not text")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        first_stray = error.start
    line = data.count(b"\n", 0, first_stray) + 1
    bad = data[first_stray : first_stray + 1].hex()
    encoding = _declared_encoding(data) or "windows-1252"
    mixed = _mostly_utf8(data, first_stray, name, encoding)
    if mixed is not None:
        return mixed
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        encoding = "windows-1252"
        # The five bytes windows-1252 leaves undefined become U+FFFD, visibly.
        text = data.decode(encoding, errors="replace")
    problem = Problem(name, line, f"not valid UTF-8 (byte 0x{bad}); read as {encoding}")
    return text, [problem]


# Past this many runs of stray bytes a file is not "UTF-8 with a few stray bytes": it
# is read whole in the fallback, without the cost of one step per run.
_MAX_STRAY_RUNS = 10_000
_FIRST_WINDOW = 1 << 16
_LINES_LISTED = 5


def _mostly_utf8(
    data: bytes, first_stray: int, name: str, fallback: str
) -> tuple[str, list[Problem]] | None:
    """The text with only its stray bytes read in ``fallback``, when the rest is UTF-8.

    None when the file holds no multi-byte UTF-8 character at all: then it is
    not UTF-8 (a windows-1252 file, say) and is read whole in the fallback. One
    valid sequence is enough to keep UTF-8: in a windows-1252 file one is rare
    chance (``Ã©`` is also UTF-8's "é") and costs that one character, while
    reading a UTF-8 file whole as windows-1252 garbles every accent in it.
    """
    view = memoryview(data)
    pieces = [str(view[:first_stray], "utf-8")]  # valid: the strict decoder got this far
    spans: list[tuple[int, int]] = []
    fallback_chars = 0
    position = first_stray
    window = _FIRST_WINDOW
    while position < len(data):
        # A window at a time: a decoding error copies what it was given, so the whole
        # rest of a large file at each stray byte would be quadratic. The window doubles
        # over clean text and starts small again after each stray byte.
        last = position + window >= len(data)
        try:
            part, used = codecs.utf_8_decode(view[position : position + window], "strict", last)
        except UnicodeDecodeError as error:
            start, end = position + error.start, position + error.end
        else:
            pieces.append(part)
            position += used
            window *= 2
            continue
        if len(spans) == _MAX_STRAY_RUNS:
            return None
        pieces.append(str(view[position:start], "utf-8"))
        pieces.append(data[start:end].decode(fallback, errors="replace"))
        fallback_chars += len(pieces[-1])
        spans.append((start, end))
        position, window = end, _FIRST_WINDOW
    text = "".join(pieces)
    stray = sum(end - start for start, end in spans)
    # The UTF-8 part has fewer characters than bytes when it holds a multi-byte one.
    if len(text) - fallback_chars == len(data) - stray:
        return None
    return text, [_stray_bytes_problem(data, name, fallback, spans)]


def _stray_bytes_problem(
    data: bytes, name: str, fallback: str, spans: list[tuple[int, int]]
) -> Problem:
    """One warning for all the stray bytes, at the first line, listing the first few lines."""
    lines: list[int] = []
    line = 1
    counted = 0
    for start, _ in spans:
        line += data.count(b"\n", counted, start)
        counted = start
        if not lines or lines[-1] != line:
            lines.append(line)
    stray = sum(end - start for start, end in spans)
    what = "1 byte" if stray == 1 else f"{stray:,} bytes"
    first = data[spans[0][0] : spans[0][0] + 1].hex()
    listed = ", ".join(str(number) for number in lines[:_LINES_LISTED])
    more = f" and {len(lines) - _LINES_LISTED:,} more" if len(lines) > _LINES_LISTED else ""
    plural = "s" if len(lines) > 1 else ""
    message = (
        f"{what} not valid UTF-8 (0x{first}) on line{plural} {listed}{more}; "
        f"read as {fallback} there, the rest as UTF-8"
    )
    return Problem(name, lines[0], message)


def _utf16(data: bytes, name: str) -> str | None:
    """Text saved as UTF-16 ("Unicode" in Windows Notepad), known by its byte-order mark."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as error:
        line = data.decode("utf-16", errors="replace")[: error.start // 2].count("\n") + 1
        raise FormatError(name, "not valid UTF-16 despite its byte-order mark", line) from None


def _declared_encoding(data: bytes) -> str | None:
    match = _DECLARED_ENCODING.search(data[:4096])
    if not match:
        return None
    encoding = match.group(1).decode("ascii").lower()
    try:
        # Only encodings that read plain ASCII as ASCII: a declaration that says
        # UTF-16 in a file that is not, or an unknown name, is ignored.
        ascii_safe = "Az09 ={}".encode(encoding) == b"Az09 ={}"
    except (LookupError, UnicodeError):
        return None
    if not ascii_safe or codecs.lookup(encoding).name in _NOT_CHARSETS:
        return None
    return encoding


def read_text(path: Path) -> tuple[str, list[Problem]]:
    """Decoded text of a file, with any encoding problems as warnings."""
    return decode(read_bytes(path), str(path))


def walk(path: Path, suffixes: frozenset[str]) -> tuple[list[Path], list[Problem]]:
    """Files below a folder with one of the given suffixes, sorted; loops and errors reported.

    Links to folders are followed once each; a link back up the tree is a loop,
    reported and skipped. The walk keeps its own stack, so no nesting depth
    can exhaust Python's.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    # (path, is a folder), in the order they are reached: a folder's entries by name,
    # each sub-folder's files before the next entry, as a recursive walk would.
    pending: list[tuple[Path, bool]] = [(path, True)]
    while pending:
        folder, is_folder = pending.pop()
        if not is_folder:
            found.append(folder)
            continue
        try:
            info = folder.stat()
        except OSError as error:
            problems.append(Problem(str(folder), None, f"cannot open folder: {error.strerror}"))
            continue
        if (info.st_dev, info.st_ino) in seen:
            problems.append(Problem(str(folder), None, "folder link loop; skipped"))
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            problems.append(Problem(str(folder), None, f"cannot list folder: {error.strerror}"))
            continue
        reached: list[tuple[Path, bool]] = []
        for entry in entries:
            child = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if entry.name.startswith("."):
                continue
            if is_dir or child.suffix.lower() in suffixes:
                reached.append((child, is_dir))
        pending.extend(reversed(reached))
    return found, problems
