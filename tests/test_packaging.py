"""The built wheel is what a user installs: the seed inside, tests and data outside, and it
runs from any folder, not only from this checkout.

The wheel is built with hatchling (the project's build backend, in the test
extras) in a temporary folder; it takes well under a second.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_0ff2dc3448c84053.txt"
PACKAGE = ROOT / "tui" / "paperbrowse"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (the build backend) is not installed")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("paperbrowse-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_wheel_holds_the_seed_profile(wheel: Path, names: list[str]) -> None:
    inside = f"paperbrowse/seeds/{SEED.name}"
    assert inside in names
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(inside) == SEED.read_bytes()


def test_wheel_holds_every_module_and_the_app_stylesheets(names: list[str]) -> None:
    expected = {
        "paperbrowse/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.suffix in (".py", ".tcss") and "__pycache__" not in path.parts
    }
    assert "paperbrowse/__main__.py" in expected and "paperbrowse/cli/parse.py" in expected
    assert expected <= set(names)


def test_wheel_leaks_no_tests_corpus_or_caches(names: list[str], wheel: Path) -> None:
    for name in names:
        top = name.split("/", 1)[0]
        assert top == "paperbrowse" or top.startswith("paperbrowse-"), name
        assert "__pycache__" not in name and not name.endswith((".pyc", ".pyo")), name
        assert not name.startswith(("paperbrowse/tests", "paperbrowse/corpus")), name
        assert not name.endswith((".jsonl", ".bib", ".sqlite", ".db")), name
    # The corpus is hundreds of megabytes; the package is a few hundred kilobytes.
    assert wheel.stat().st_size < 2_000_000


def test_wheel_entry_point(wheel: Path, names: list[str]) -> None:
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(entry_points).decode()
    assert re.search(r"^paperbrowse = paperbrowse\.cli:main$", text, re.M)


def _imported_modules(source: str) -> set[str]:
    """Top-level modules a file imports, leaving out ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_wheel_declares_every_library_it_imports(wheel: Path, names: list[str]) -> None:
    """A module imported but not a dependency works here and crashes on a fresh machine."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = {
            re.split(r"[\s<>=!~;\[(]", line.removeprefix("Requires-Dist:").strip())[0].lower()
            for line in archive.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist:") and "extra ==" not in line
        }
        imported: set[str] = set()
        for name in names:
            if name.endswith(".py"):
                imported |= _imported_modules(archive.read(name).decode("utf-8"))
    third_party = imported - set(sys.stdlib_module_names) - {"paperbrowse", "__future__"}
    distributions = importlib.metadata.packages_distributions()
    missing = {
        module
        for module in third_party
        if not {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        & {r.replace("_", "-") for r in requires}
    }
    assert not missing, f"imported but not in [project] dependencies: {sorted(missing)}"


def _run_unpacked(site: Path, cwd: Path, *code_or_args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_unpacked_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    where = _run_unpacked(site, elsewhere, "-c", (
        "import paperbrowse; from paperbrowse.core.library import bundled_profile; "
        "print(paperbrowse.__file__); print(bundled_profile())"
    ))  # fmt: skip
    assert where.returncode == 0, where.stderr
    module_file, profile = where.stdout.splitlines()
    assert Path(module_file).is_relative_to(site), "imported the checkout, not the wheel"
    assert Path(profile) == site / "paperbrowse" / "seeds" / SEED.name

    version = _run_unpacked(site, elsewhere, "-m", "paperbrowse", "--version")
    assert version.returncode == 0 and version.stdout.startswith("paperbrowse 0.")
    helped = _run_unpacked(site, elsewhere, "-m", "paperbrowse", "--help")
    assert helped.returncode == 0 and "parse" in helped.stdout
    # The console script is paperbrowse.cli:main; call it the way the script does.
    script = _run_unpacked(site, elsewhere, "-c", (
        "import sys; from paperbrowse.cli import main; "
        "sys.exit(main(['parse', sys.argv[1], '--as-of', '2025-11-24']))"
    ), profile)  # fmt: skip
    assert script.returncode == 0, script.stderr
    assert script.stdout.startswith("Fali Wang · CL (Computation and Language)")
    assert "15 papers read from" in script.stdout
