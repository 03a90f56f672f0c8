"""Shared fixtures: the bundled seed profile and the shared real-data corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_0ff2dc3448c84053.txt"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
# The seed was saved in 2025-11; "DCApr 9" then means 2025-04-09.
SEED_AS_OF = dt.date(2025, 11, 24)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return CORPUS


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's config, data and cache folders."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    monkeypatch.setenv("PAPERBROWSE_DATA_DIR", str(home / "data"))
