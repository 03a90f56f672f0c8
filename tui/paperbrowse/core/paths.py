"""Where paperbrowse keeps its files: the user's data, config and cache folders.

The data folder (the marks database) follows the platform's convention via
platformdirs, unless the user points elsewhere: ``--data-dir DIR`` on the
command line or the ``PAPERBROWSE_DATA_DIR`` environment variable. The
override is kept in the environment itself, so it has one source of truth and
reaches any child process alike; tests set the variable to a temporary folder
so they never touch the real user folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "paperbrowse"
DATA_DIR_VARIABLE = "PAPERBROWSE_DATA_DIR"
CONFIG_DIR_VARIABLE = "PAPERBROWSE_CONFIG_DIR"
DATABASE_NAME = "marks.sqlite3"


def set_data_dir(path: str | Path) -> Path:
    """Keep the data in ``path`` from now on (and in child processes); returns it absolute.

    Made absolute at once so a later change of working folder cannot move it.
    """
    folder = Path(path).expanduser().absolute()
    os.environ[DATA_DIR_VARIABLE] = str(folder)
    return folder


def data_dir() -> Path:
    """The folder for user data: the override if one is set, else the platform's."""
    chosen = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    if chosen:
        return Path(chosen).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """The folder for settings: ``PAPERBROWSE_CONFIG_DIR`` if set, else the platform's."""
    chosen = os.environ.get(CONFIG_DIR_VARIABLE, "").strip()
    if chosen:
        return Path(chosen).expanduser().absolute()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The folder for things that can be rebuilt, such as search indexes."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def database_path() -> Path:
    """The marks database (bookmarks, read status, tags, notes)."""
    return data_dir() / DATABASE_NAME
