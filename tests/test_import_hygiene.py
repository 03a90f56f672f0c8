"""The core is usable without the UI: importing it must not pull in Textual or Rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "tui" / "paperbrowse" / "core"


def _modules_loaded_by(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(output.split())


def test_every_core_module_imports_without_textual_or_rich() -> None:
    modules = sorted(
        "paperbrowse.core." + ".".join(path.relative_to(CORE).with_suffix("").parts)
        for path in CORE.rglob("*.py")
        if path.name != "__init__.py"
    )
    assert modules, "no core modules found"
    loaded = _modules_loaded_by("; ".join(f"import {m}" for m in modules))
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich")}


def test_loading_and_searching_the_seed_needs_no_ui(seed_path: Path) -> None:
    loaded = _modules_loaded_by(
        f"import paperbrowse; lib = paperbrowse.load({str(seed_path)!r}); lib.search('graph')"
    )
    assert "paperbrowse.core.library" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "rich")}


def test_listing_a_profile_loads_no_search_engine_bibtex_or_export(seed_path: Path) -> None:
    # The app's first screen is this listing: what it imports is what start-up waits for.
    loaded = _modules_loaded_by(
        f"import paperbrowse; lib = paperbrowse.load({str(seed_path)!r}); lib.listing('newest')"
    )
    heavy = {
        "numpy",
        "rapidfuzz",
        "bibtexparser",
        "paperbrowse.core.search.index",
        "paperbrowse.core.formats.export",
        "paperbrowse.core.formats.bibtex",
    }
    assert not heavy & {m for m in loaded for m in (m, m.split(".")[0])}
