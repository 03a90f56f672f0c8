"""The browser screen's widgets as every part sees them (a Protocol the screen meets)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from paperbrowse.app.widgets.detail import PaperDetail
    from paperbrowse.app.widgets.paper_list import PaperList
    from paperbrowse.app.widgets.search_bar import SearchBar


class BrowserPanes(Protocol):
    """The list, the detail pane, the search bar and the query typed in it."""

    @property
    def paper_list(self) -> PaperList: ...
    @property
    def detail(self) -> PaperDetail: ...
    @property
    def search_bar(self) -> SearchBar: ...
    @property
    def search_query(self) -> str: ...
