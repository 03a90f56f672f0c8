"""Shared fixtures: the bundled seed profile and the shared real-data corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, SEED

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return CORPUS


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private parse cache that keeps every file, however small (the files tests make)."""
    from paperbrowse.core import cache, locations

    folder = tmp_path / "cache"
    monkeypatch.setenv(locations.CACHE_DIR_VARIABLE, str(folder))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return folder


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep every test away from the real user's config, data and cache folders."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    monkeypatch.setenv("PAPERBROWSE_DATA_DIR", str(home / "data"))


@pytest.fixture(autouse=True)
def _a_run_of_its_own() -> None:
    """Each test is a run of paperbrowse of its own: no file backed up yet, as in a new
    process (``core.backups``)."""
    from paperbrowse.core.backups import new_run

    new_run()


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Crossref, arXiv (its API and its PDFs) and Unpaywall as a local server replaying
    their recorded responses (``service_replay.py``); the requests it was sent, in order."""
    from service_replay import replaying

    with replaying() as (address, requests):
        for service in ("CROSSREF", "ARXIV", "ARXIV_PDF", "UNPAYWALL"):
            monkeypatch.setenv(f"PAPERBROWSE_{service}_URL", address)
        yield requests
