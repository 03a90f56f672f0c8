"""Files written whole or not at all: an export (``formats.export``), a PDF ``D``
downloads (``pdf.fetch``).

The content goes to a hidden temporary file beside the target (``new_temporary``), made
with mode 0o666 so that the umask gives it the mode any new file gets, and is synced to
disk (``write_synced``) before it takes the target's name. A new file never takes the
place of one made meanwhile (``link_new``): a hard link never replaces a file; a rename
may, so it is only the fallback where links are not supported, after a check.

Imports nothing of paperbrowse.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def new_temporary(target: Path) -> tuple[int, Path]:
    """A new hidden file beside ``target``, open for writing, and its path. Raises
    OSError (the folder is missing or cannot be written in)."""
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.open(temporary, flags, 0o666), temporary


def write_synced(handle: int, data: bytes) -> None:
    """``data`` written to the open file ``handle`` and synced to disk; the file closed.
    Raises OSError (a full disk, say)."""
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def link_new(temporary: Path, target: Path) -> None:
    """Give the written ``temporary`` the name ``target``, which must be new: the
    temporary is gone once it has it. Raises FileExistsError when the name is taken, even
    by a file made meanwhile, and OSError."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network shares)
        if os.path.lexists(target):
            raise FileExistsError(target) from None
        os.replace(temporary, target)
        return
    temporary.unlink(missing_ok=True)
