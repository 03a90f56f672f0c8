"""Caches are keyed by whole packages: any change to the code that made an entry retires it.

Each test copies the package tree, edits one module of the copy and checks the
fingerprint the caches are keyed by. A fix to LaTeX cleaning once kept serving
old cached abstracts because ``latex.py`` was missing from a list of modules.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import paperbrowse
from paperbrowse.core.cache import parser_fingerprint
from paperbrowse.core.search.index_cache import search_fingerprint

Fingerprint = Callable[[Path], str]


@pytest.fixture
def core_copy(tmp_path: Path) -> Path:
    tree = tmp_path / "paperbrowse"
    shutil.copytree(
        Path(paperbrowse.__file__).parent, tree, ignore=shutil.ignore_patterns("__pycache__")
    )
    return tree / "core"


def _after_edit(fingerprint: Fingerprint, core: Path, module: str) -> tuple[str, str]:
    """The fingerprint of ``core`` before and after one line is added to ``module``."""
    before = fingerprint(core)
    path = core / module
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    _forget_fingerprints()
    return before, fingerprint(core)


def _forget_fingerprints() -> None:
    """Fingerprints are computed once a process; the edited copy needs them again."""
    parser_fingerprint.cache_clear()
    search_fingerprint.cache_clear()


@pytest.mark.parametrize(
    "module",
    [
        "text/latex.py",
        "text/clean.py",
        "formats/profile.py",
        "formats/jsontools.py",
        "models.py",
        "formats/ris.py",
        "formats/file_fields.py",
    ],
)
def test_a_change_to_any_reader_or_text_cleaning_retires_parse_caches(
    core_copy: Path, module: str
) -> None:
    before, after = _after_edit(parser_fingerprint, core_copy, module)
    assert before != after


def test_a_new_module_in_a_reader_package_retires_parse_caches(core_copy: Path) -> None:
    before = parser_fingerprint(core_copy)
    (core_copy / "text" / "new_cleaning.py").write_text("X = 1\n", encoding="utf-8")
    _forget_fingerprints()
    assert parser_fingerprint(core_copy) != before


def test_the_marks_store_and_the_search_do_not_retire_parse_caches(core_copy: Path) -> None:
    before, after = _after_edit(parser_fingerprint, core_copy, "marks/store.py")
    assert before == after
    before, after = _after_edit(parser_fingerprint, core_copy, "search/match.py")
    assert before == after


@pytest.mark.parametrize("module", ["search/match.py", "search/tokens.py", "text/latex.py"])
def test_a_change_under_the_search_package_or_the_readers_retires_saved_indexes(
    core_copy: Path, module: str
) -> None:
    before, after = _after_edit(search_fingerprint, core_copy, module)
    assert before != after
