"""Two windows' edits of one note merged line by line: nothing either typed is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paperbrowse.core.marks.note_merge import Merged, has_conflict_markers, merge_notes


def merge(base: str, ours: str, theirs: str) -> str:
    return merge_notes(base, ours, theirs, "mine", "other").text


def test_edits_to_different_lines_are_both_kept_without_markers() -> None:
    merged = merge_notes("x\ny\nz\n", "x changed\ny\nz\n", "x\ny\nz changed\n", "mine", "other")
    assert merged.text == "x changed\ny\nz changed\n"
    assert merged.conflicts == 0 and not has_conflict_markers(merged.text)


def test_both_changing_one_line_keeps_both_between_markers() -> None:
    merged = merge_notes("draft", "my words", "their words", "mine", "other")
    assert merged.text == "<<<<<<< mine\nmy words\n=======\ntheir words\n>>>>>>> other"
    assert merged.conflicts == 1 and has_conflict_markers(merged.text)


def test_lines_both_added_at_one_place_follow_each_other() -> None:
    merged = merge_notes("intro\n", "intro\nmine\n", "intro\ntheirs\n", "mine", "other")
    assert merged == Merged("intro\ntheirs\nmine\n", conflicts=0)


def test_a_conflict_is_not_nested_when_the_other_window_edits_its_side_again() -> None:
    # A merged B's "b" into a conflict block; B, still showing "b", types more.
    first = merge("a", "a1", "b")
    second = merge("b", "b2", first)
    assert second == "<<<<<<< mine\na1\n=======\nb2\n>>>>>>> other"
    # And A, still typing in its half, merges with no new block.
    third = merge(first, first.replace("a1", "a1 more"), second)
    assert third == "<<<<<<< mine\na1 more\n=======\nb2\n>>>>>>> other"


lines = st.lists(st.sampled_from(["a", "b", "c", "d", ""]), max_size=6)


@given(base=lines, ours=lines, theirs=lines)
def test_no_line_either_side_added_is_lost(
    base: list[str], ours: list[str], theirs: list[str]
) -> None:
    texts = ["\n".join(base), "\n".join(ours), "\n".join(theirs)]
    merged = set(merge(*texts).split("\n"))
    before, mine, other = (set(text.split("\n")) for text in texts)  # "" is one empty line
    assert mine - before <= merged
    assert other - before <= merged


@given(base=lines, edited=lines)
def test_when_only_one_side_changed_its_text_is_the_result(
    base: list[str], edited: list[str]
) -> None:
    old, new = "\n".join(base), "\n".join(edited)
    assert merge(old, new, old) == new
    assert merge(old, old, new) == new
    assert merge(old, new, new) == new


def test_the_cursor_stays_on_its_line_when_the_merge_adds_lines_around_it() -> None:
    from paperbrowse.app.screens.note_editor import moved_cursor

    typed = "first\nmy line"
    merged = merge(typed.replace("my line", "line"), typed, "first\ntheir line")
    assert merged.split("\n")[2] == "my line"  # under the <<<<<<< line now
    assert moved_cursor(typed, merged, (1, 4)) == (2, 4)
    assert moved_cursor("gone", "<<<<<<< x\nnew\n=======\n>>>>>>> y", (0, 2)) == (0, 0)
