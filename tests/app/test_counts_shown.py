"""Every count a user reads agrees with its noun: "1 paper", never "1 papers" (app and CLI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app_helpers import screen_text, wait_loaded, write_jsonl

from paperbrowse.app.app import PaperBrowseApp

# A profile of one paper with one citation: the figures the header and `parse` show.
ONE_PAPER_PROFILE = """Ann Bee

CL
h-index1
1papers
1citations
Novelty45%
AI Score56

1 Papers

CLApr 10, 2025
A single paper

Ann Bee

An abstract.
"""


async def test_a_library_of_one_paper_and_one_problem_says_so_in_the_singular(
    tmp_path: Path,
) -> None:
    library = write_jsonl(
        tmp_path / "one.jsonl",
        [
            {"title": "The only paper", "authors": ["Ann Bee"], "year": 2024},
            "{not json",
        ],
    )
    async with PaperBrowseApp([library]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.pause(0.05)  # the toast shows a frame after its notify()
        shown = screen_text(pilot)
        assert "1 of 1 paper ·" in shown  # the search bar
        assert "\n 1 paper" in shown  # the header
        assert "⚠ 1 problem (w)" in shown
        await pilot.press("w")
        await pilot.pause()
        shown = screen_text(pilot)
        assert "1 problem while loading" in shown
        assert "1 papers" not in shown and "1 problems" not in shown


async def test_a_profile_header_of_one_paper_and_one_citation(tmp_path: Path) -> None:
    profile = tmp_path / "one.txt"
    profile.write_text(ONE_PAPER_PROFILE, encoding="utf-8")
    async with PaperBrowseApp([profile]).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        header = str(pilot.app.query_one("#profile-header").render())
        assert "1 citation ·" in header and "1 paper ·" in header
    result = subprocess.run(
        [sys.executable, "-m", "paperbrowse", "parse", str(profile)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "1 citation ·" in result.stdout and "· 1 paper ·" in result.stdout
    assert "1 paper read from" in result.stdout
    assert "1 papers" not in result.stdout and "1 citations" not in result.stdout
