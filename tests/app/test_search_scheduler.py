"""The browser's search scheduler, driven by hand: no app, no Pilot, no threads.

``started`` records each search the scheduler starts; a test then says when it ends.
"""

from __future__ import annotations

from paperbrowse.app.screens.browser_parts.search_scheduler import SearchScheduler


def scheduler() -> tuple[SearchScheduler[str], list[tuple[str, str, int]]]:
    started: list[tuple[str, str, int]] = []
    return SearchScheduler(
        lambda query, order, generation: started.append((query, order, generation))
    ), started


def test_one_search_at_a_time_and_the_latest_query_next() -> None:
    searches, started = scheduler()
    assert searches.request("gr", "relevance") == "started"
    # Typed while "gr" is searched: neither starts a second thread.
    assert searches.request("gra", "relevance") == "queued"
    assert searches.request("graph", "relevance") == "queued"
    assert [query for query, _, _ in started] == ["gr"]
    searches.finished()
    # Only the latest waiting query is searched, once, after the running one.
    assert [query for query, _, _ in started] == ["gr", "graph"]
    searches.finished()
    assert len(started) == 2 and not searches.running


def test_results_of_an_older_query_are_refused() -> None:
    searches, started = scheduler()
    searches.request("gr", "relevance")
    searches.request("graph", "relevance")
    first = started[0][2]
    searches.finished()
    latest = started[-1][2]
    assert not searches.is_current(first)  # "gr"'s results arrive late: dropped
    assert searches.is_current(latest)


def test_an_error_for_a_stale_query_is_ignored() -> None:
    """A query the engine chokes on, already replaced by the next keystroke: the error is
    not shown over the newer query's results (the screen asks is_current first)."""
    searches, started = scheduler()
    searches.request("a(", "relevance")
    failed = started[0][2]
    searches.request("a(b)", "relevance")
    assert not searches.is_current(failed)


def test_a_changed_order_alone_starts_a_search_with_that_order() -> None:
    searches, started = scheduler()
    searches.request("", "newest")
    searches.request("", "title")
    searches.finished()
    assert started[-1][:2] == ("", "title")


def test_queries_wait_while_the_index_is_built_but_the_listing_does_not() -> None:
    searches, started = scheduler()
    searches.hold()
    assert searches.request("graph", "relevance") == "held"
    assert started == []
    assert searches.request("", "newest") == "started"  # listed without the index
    searches.finished()
    assert searches.release() is False  # the cleared query replaced the waiting one


def test_a_held_query_is_reported_once_the_index_is_ready() -> None:
    searches, started = scheduler()
    searches.hold()
    searches.request("graph", "relevance")
    assert searches.release() is True  # the screen then searches the query as it is now
    assert searches.release() is False
    assert started == []


def test_a_listing_shown_without_a_search_makes_running_results_stale() -> None:
    searches, started = scheduler()
    searches.request("", "newest")
    listing = searches.new_generation()
    assert searches.is_current(listing)
    assert not searches.is_current(started[0][2])
