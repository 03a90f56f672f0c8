"""Where paperbrowse keeps its files: the user's data, config and cache folders.

Every folder follows the platform's convention via platformdirs, unless the
user points elsewhere with an environment variable:

- data (the marks database, the PDFs downloaded when no PDF folder is named):
  ``PAPERBROWSE_DATA_DIR``, or ``--data-dir DIR`` on the command line, which sets that
  variable;
- config (``config.json``: the theme): ``PAPERBROWSE_CONFIG_DIR``;
- cache (parsed libraries, search indexes, the crash log): ``PAPERBROWSE_CACHE_DIR``.

An override is kept in the environment itself, so it has one source of truth
and reaches any child process alike; tests set the variables to temporary
folders so they never touch the real user folders. Nothing here creates a
folder: the code that writes a file does, when it writes. platformdirs is
imported on first use, to keep it off start-up.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

APP_NAME = "paperbrowse"
DATA_DIR_VARIABLE = "PAPERBROWSE_DATA_DIR"
CONFIG_DIR_VARIABLE = "PAPERBROWSE_CONFIG_DIR"
CACHE_DIR_VARIABLE = "PAPERBROWSE_CACHE_DIR"
DATABASE_NAME = "marks.sqlite3"
PDFS_NAME = "pdfs"
CONFIG_NAME = "config.json"
SCREENSHOTS_NAME = "screenshots"


def _chosen(variable: str) -> Path | None:
    """The folder an environment variable names, absolute; None when unset or blank."""
    chosen = os.environ.get(variable, "").strip()
    return Path(chosen).expanduser().absolute() if chosen else None


def set_data_dir(path: str | Path) -> Path:
    """Keep the data in ``path`` from now on (and in child processes); returns it absolute.

    Made absolute at once so a later change of working folder cannot move it.
    """
    folder = Path(path).expanduser().absolute()
    os.environ[DATA_DIR_VARIABLE] = str(folder)
    return folder


def data_dir() -> Path:
    """The folder for user data: the override if one is set, else the platform's."""
    import platformdirs

    return _chosen(DATA_DIR_VARIABLE) or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def database_path() -> Path:
    """The marks database (bookmarks, read status, tags, notes)."""
    return data_dir() / DATABASE_NAME


def pdf_dir() -> Path:
    """Where a downloaded PDF goes when the user names no PDF folder (``pdf_folders``,
    ``--pdf-dir``): ``pdfs/`` in the data folder."""
    return data_dir() / PDFS_NAME


def screenshot_dirs() -> list[Path]:
    """Where the app's screenshot goes, in the order tried: the user's Downloads folder
    (where Textual saves it), then ``screenshots/`` in the data folder."""
    import platformdirs

    return [platformdirs.user_downloads_path(), data_dir() / SCREENSHOTS_NAME]


def config_dir() -> Path:
    """The folder for settings: ``PAPERBROWSE_CONFIG_DIR`` if set, else the platform's."""
    import platformdirs

    chosen = _chosen(CONFIG_DIR_VARIABLE)
    return chosen or Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The settings file (the theme)."""
    return config_dir() / CONFIG_NAME


def bundled_profile() -> Path:
    """The profile shipped with paperbrowse, opened when no path is given."""
    # The package's own folder, not importlib.resources (15 ms to import, on the launch's
    # path): paperbrowse is never imported from a zip file.
    package = Path(__file__).resolve().parents[1]
    candidates = [
        package / "seeds",  # installed: the wheel puts the seeds in the package
        package.parents[1] / "seeds",  # a source checkout or editable install
    ]
    for folder in candidates:
        if folder.is_dir():
            profiles = sorted(folder.glob("*.txt"))
            if profiles:
                return profiles[0]
    from paperbrowse.core.errors import FormatError

    raise FormatError("seeds/", "the bundled profile is missing from this installation")


def cache_dir() -> Path:
    """The folder for what can be rebuilt: parsed libraries, search indexes, the crash log."""
    import platformdirs

    chosen = _chosen(CACHE_DIR_VARIABLE)
    return chosen or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "libraries"


# Cache entries not read or written for this long are dropped: their files are likely gone
# or changed (an entry is named by its file's size and time, so a changed file's old entry
# is never read again). Reading an entry refreshes it (``keep_fresh``).
CACHE_MAX_AGE_DAYS = 60


def keep_fresh(entry: Path) -> None:
    """Mark a cache entry as still in use, so ``prune_stale`` leaves it."""
    # (In a read-only cache folder the entry may be pruned and made again, no more.)
    with contextlib.suppress(OSError):
        os.utime(entry)


def prune_stale(folder: Path, patterns: tuple[str, ...]) -> None:
    """Delete the entries matching ``patterns`` in ``folder`` that were not read or written
    for CACHE_MAX_AGE_DAYS."""
    import time

    cutoff = time.time() - CACHE_MAX_AGE_DAYS * 86400
    for entry in (found for pattern in patterns for found in folder.glob(pattern)):
        try:
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
        except OSError:
            continue
