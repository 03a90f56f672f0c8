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
_NOT_CHARSETS = frozenset({"utf-8", "utf-8-sig", "unicode-escape", "raw-unicode-escape",
                           "utf-7", "idna", "punycode"})  # fmt: skip
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
    return (f"too large ({size / 2**20:,.0f} MiB; paperbrowse reads files up to "
            f"{MAX_FILE_BYTES // 2**20} MiB); skipped")  # fmt: skip


def decode(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """Text from bytes: UTF-8 (a BOM is dropped), else the declared encoding or windows-1252.

    A file that is not UTF-8 is decoded with a warning naming the first bad
    line, never silently turned into mojibake.
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
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
    encoding = _declared_encoding(data) or "windows-1252"
    try:
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        encoding = "windows-1252"
        # The five bytes windows-1252 leaves undefined become U+FFFD, visibly.
        text = data.decode(encoding, errors="replace")
    problem = Problem(name, line, f"not valid UTF-8 (byte 0x{bad}); read as {encoding}")
    return text, [problem]


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
