"""What a file is, told from its metadata and first bytes, without reading it as a PDF.

Opens nothing but a regular file, and that without blocking, so a FIFO or a device
named ``.pdf`` can never hang the caller.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from paperbrowse.core.errors import printable

# The PDF header may sit anywhere in the first 1,024 bytes (PDF 1.7, annex H.3).
HEADER_WINDOW = 1024
_ZIP_MAGIC = b"PK\x03\x04"


def file_problem(path: Path) -> str | None:
    """Why ``path`` is not a PDF that can be read, in a few words; None when it may be one."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "missing"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    except ValueError:  # a NUL in the name: typed, or from a damaged library
        return "not a usable path"
    if stat.S_ISDIR(info.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device or socket"
        return f"{kind}, not a file"
    if info.st_size == 0:
        return "empty (0 bytes)"
    try:
        head = _head(path)
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if head.startswith(_ZIP_MAGIC):
        return "a zip archive, not a PDF"
    if b"%PDF-" not in head:
        return "not a PDF (no %PDF- header)"
    return None


def _head(path: Path) -> bytes:
    # O_NONBLOCK: a FIFO swapped in after the stat still cannot block the open.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(0, "not a regular file")
        return os.read(descriptor, HEADER_WINDOW)
    finally:
        os.close(descriptor)


def is_pdf_name(path: str | Path) -> bool:
    return str(path).lower().endswith(".pdf")


def attachable(typed: str) -> tuple[str, str | None]:
    """The resolved absolute path to keep for a file typed or downloaded (``~``, ``..``
    and links resolved: kept relative, it would be lost once the app runs elsewhere), and
    why it cannot be attached, or None when it can."""
    try:
        path = Path(os.path.expanduser(typed.strip())).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL
        path = Path(os.path.abspath(os.path.expanduser(typed.strip())))
    problem = file_problem(path)
    if problem is not None:
        return str(path), f"Not attached: {printable(str(path))}: {problem}"
    return str(path), None
