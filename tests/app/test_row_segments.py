"""A list row's pieces cut and padded to terminal cells, as Rich's Text cut them."""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from paperbrowse.app.textual_patches import guard_rich_cuts
from paperbrowse.app.widgets.row_segments import cells, crop, fit, fit_plain, styled

MATCH = Style(bold=True)


def plain(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


def test_a_cut_ends_in_an_ellipsis_styled_as_the_first_character_cut_off() -> None:
    row = styled("graph neural networks", None, [(6, 12)], MATCH)
    cut = fit(row, 10)
    assert plain(cut) == "graph neu…" and cells(cut) == 10
    assert cut[-1] == Segment("…", MATCH)  # "r" of "neural", highlighted, was cut off


def test_a_wide_character_is_never_cut_in_two() -> None:
    assert fit_plain("研究", 3) == "研…"
    assert plain(crop(styled("研究", None), 3, pad=True)) == "研 "  # Rich's crop: a space
    assert fit_plain("研究", 4) == "研究"


def test_padding_fills_the_width_and_control_codes_are_stripped() -> None:
    row = fit(styled("bell\x07 and\r carriage", None), 20, pad=True)
    assert plain(row) == "bell and carriage   " and cells(row) == 20
    assert row[-1].style is None  # unstyled padding: the list's own style shows


def test_nothing_fits_in_no_room() -> None:
    assert plain(fit(styled("title", None), 0)) == "…"  # as Rich's Text: one cell over
    assert plain(crop(styled("title", None), 0)) == ""


def test_text_rich_cannot_cut_is_cut_all_the_same() -> None:
    # Rich 15's set_cell_size raised on two joiners before an emoji, cut at one cell: the
    # app's guard (app/textual_patches.py) cuts it.
    guard_rich_cuts()
    joined = "\u200d\u200d😀"
    for width in range(4):
        assert plain(crop(styled(joined * 2, None), width)).startswith("\u200d" if width else "")


def test_titles_past_ascii_are_measured_as_rich_measures_them() -> None:
    for text in ("Café – naïve “quotes”", "研究 of graphs", "tab\there", "del\x7f", "e\u0301"):
        assert cells(styled(text, None)) == cell_len(text)
