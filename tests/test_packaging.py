"""The built wheel is what a user installs: the seed inside, tests and data outside, and it
runs from any folder, not only from this checkout. The sdist is what ``python -m build``
and a distribution's packager start from: it holds what the wheel, the tests and the
README need, builds the same wheel, and nothing of caches or the corpus.

The wheel and sdist are built with hatchling (the project's build backend, in the test
extras) in a temporary folder; each build takes about a second.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_0ff2dc3448c84053.txt"
PACKAGE = ROOT / "tui" / "paperbrowse"


def _hatchling_build(source: Path, target: str, out: Path) -> tuple[Path, str]:
    """Build ``target`` ("wheel" or "sdist") from ``source``; the file and all it printed."""
    pytest.importorskip("hatchling", reason="hatchling (the build backend) is not installed")
    result = subprocess.run(
        # -W always: a deprecation in our configuration is printed, not hidden.
        [sys.executable, "-W", "always", "-m", "hatchling", "build", "-t", target, "-d", str(out)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("paperbrowse-*.whl" if target == "wheel" else "paperbrowse-*.tar.gz")
    return built, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return _hatchling_build(ROOT, "wheel", tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def wheel(wheel_build: tuple[Path, str]) -> Path:
    return wheel_build[0]


@pytest.fixture(scope="module")
def sdist_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return _hatchling_build(ROOT, "sdist", tmp_path_factory.mktemp("sdist"))


@pytest.fixture(scope="module")
def sdist_names(sdist_build: tuple[Path, str]) -> list[str]:
    """The sdist's files, without its top folder ``paperbrowse-VERSION/``."""
    with tarfile.open(sdist_build[0]) as archive:
        return [
            member.name.split("/", 1)[1]
            for member in archive.getmembers()
            if member.isfile() and "/" in member.name
        ]


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


def test_wheel_holds_the_csl_styles_and_their_licence(names: list[str]) -> None:
    styles = PACKAGE / "core" / "cite" / "styles"
    expected = {f"paperbrowse/core/cite/styles/{path.name}" for path in styles.iterdir()}
    assert len([n for n in expected if n.endswith(".csl")]) == 8
    assert {"paperbrowse/core/cite/styles/LICENSE", *expected} <= set(names)


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
        [sys.executable, *code_or_args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unpacked_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    where = _run_unpacked(
        site,
        elsewhere,
        "-c",
        (
            "import paperbrowse; from paperbrowse.core.locations import bundled_profile; "
            "print(paperbrowse.__file__); print(bundled_profile())"
        ),
    )
    assert where.returncode == 0, where.stderr
    module_file, profile = where.stdout.splitlines()
    assert Path(module_file).is_relative_to(site), "imported the checkout, not the wheel"
    assert Path(profile) == site / "paperbrowse" / "seeds" / SEED.name

    version = _run_unpacked(site, elsewhere, "-m", "paperbrowse", "--version")
    assert version.returncode == 0 and version.stdout.startswith("paperbrowse 0.")
    helped = _run_unpacked(site, elsewhere, "-m", "paperbrowse", "--help")
    assert helped.returncode == 0 and "parse" in helped.stdout
    # The console script is paperbrowse.cli:main; call it the way the script does.
    script = _run_unpacked(
        site,
        elsewhere,
        "-c",
        (
            "import sys; from paperbrowse.cli import main; "
            "sys.exit(main(['parse', sys.argv[1], '--as-of', '2025-11-24']))"
        ),
        profile,
    )
    assert script.returncode == 0, script.stderr
    assert script.stdout.startswith("Fali Wang · CL (Computation and Language)")
    assert "15 papers read from" in script.stdout


def test_builds_print_no_warnings(
    wheel_build: tuple[Path, str], sdist_build: tuple[Path, str]
) -> None:
    for _, printed in (wheel_build, sdist_build):
        warned = [line for line in printed.splitlines() if "warn" in line.lower()]
        assert not warned, warned


def test_sdist_holds_the_sources_tests_seed_and_what_the_readme_shows(
    sdist_names: list[str],
) -> None:
    names = set(sdist_names)
    sources = {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.suffix in (".py", ".tcss") and "__pycache__" not in path.parts
    }
    assert "tui/paperbrowse/app/paperbrowse.tcss" in sources
    assert sources <= names, sorted(sources - names)
    assert {"pyproject.toml", "README.md", f"seeds/{SEED.name}", "tests/test_packaging.py"} <= names
    assert "data/sample-library.bib" in names  # the tests read it
    # Every local file the README links to (the screenshot) ships beside it.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {
        target
        for target in re.findall(r"\]\(([^)\s]+)\)", readme)
        if "://" not in target and not target.startswith(("#", "mailto:"))
    }
    assert linked, "the README links no local file any more; update this test"
    assert linked <= names, sorted(linked - names)


def test_sdist_leaks_no_corpus_caches_or_virtualenvs(
    sdist_names: list[str], sdist_build: tuple[Path, str]
) -> None:
    unwanted = {
        "__pycache__",
        ".venv",
        "venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        ".git",
        "dist",
        "build",
    }
    for name in sdist_names:
        assert not set(name.split("/")[:-1]) & unwanted, name
        assert not name.startswith(("corpus/", "shared/", "../")), name
        assert not name.endswith((".pyc", ".pyo", ".sqlite3", ".whl")), name
    # The real-data corpus is hundreds of megabytes; the sources, tests and seed are not.
    assert sdist_build[0].stat().st_size < 2_000_000


def test_wheel_built_from_the_sdist_is_the_wheel_built_from_the_tree(
    sdist_build: tuple[Path, str], wheel: Path, tmp_path: Path
) -> None:
    """``python -m build`` makes the wheel from the unpacked sdist, not from this checkout."""
    with tarfile.open(sdist_build[0]) as archive:
        # filter= (refuse links and paths out of the folder) exists from 3.11.4 on; some
        # Python 3.11 builds lack it, and this archive is our own.
        if hasattr(tarfile, "data_filter"):
            archive.extractall(tmp_path / "unpacked", filter="data")
        else:
            archive.extractall(tmp_path / "unpacked")
    (source,) = (tmp_path / "unpacked").iterdir()
    from_sdist, _ = _hatchling_build(source, "wheel", tmp_path / "dist")
    with zipfile.ZipFile(from_sdist) as one, zipfile.ZipFile(wheel) as other:
        assert sorted(one.namelist()) == sorted(other.namelist())
        for name in one.namelist():
            assert one.read(name) == other.read(name), name
