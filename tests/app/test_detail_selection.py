"""A mouse drag over the detail pane selects its text, and the selection is what is copied
(Textual's text selection: the pane draws its own lines, which must say where they are
in its text)."""

from __future__ import annotations

from collections.abc import Callable

from app_helpers import browser, highlighted, wait_loaded

from paperbrowse.app.app import PaperBrowseApp

SIZE = (120, 35)


async def test_dragging_over_the_detail_pane_selects_its_title(
    seed_app: Callable[[], PaperBrowseApp],
) -> None:
    async with seed_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        title = highlighted(pilot).title
        body = browser(pilot).detail.query_one("#detail-body")
        await pilot.mouse_down(body, offset=(0, 0))
        await pilot.hover(body, offset=(len(title) // 2, 0))
        await pilot.mouse_up(body, offset=(len(title) // 2, 0))
        await pilot.pause()
        selected = pilot.app.screen.get_selected_text()
        assert selected is not None and selected.strip() == title[: len(title) // 2 + 1].strip()
