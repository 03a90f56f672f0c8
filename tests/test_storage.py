"""Marks (bookmarks, read status, tags, notes) as a reader relies on them: kept, shared, safe."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from helpers import paper

from paperbrowse.core import locations
from paperbrowse.core.formats.export import export_papers
from paperbrowse.core.library import load
from paperbrowse.core.marks.schema import MIGRATIONS, SCHEMA_VERSION
from paperbrowse.core.marks.store import (
    Marks,
    ReadOnlyError,
    Store,
    open_store,
    parse_tags,
    tag_changes,
)
from paperbrowse.core.models import Paper

GRAPHS = paper("Graph self-training", 2024)
UNLEARNING = paper("Unlearning via quantization", 2024, doi="10.1/abc")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "marks.sqlite3"


def test_every_kind_of_mark_survives_reopening(db: Path) -> None:
    with Store.open(db) as store:
        store.set_bookmarked(GRAPHS, True)
        store.set_read(GRAPHS, True)
        store.set_tags(GRAPHS, "gnn, to-cite")
        store.save_note(GRAPHS, "Check the homophily ratio.\nSecond line: ü ✓")
        store.toggle_read(UNLEARNING)
    with Store.open(db) as store:
        assert store.problem is None and not store.read_only
        marks = store.marks(GRAPHS.id)
        assert marks.bookmarked and marks.read
        assert marks.tags == ("gnn", "to-cite")
        assert marks.note == "Check the homophily ratio.\nSecond line: ü ✓"
        assert marks.note_updated is not None and marks.read_at is not None
        assert store.marks(UNLEARNING.id).read and not store.marks(UNLEARNING.id).bookmarked
        # The title and year are kept, for notes whose paper is no longer loaded.
        assert (marks.title, marks.year) == ("Graph self-training", 2024)


def test_marks_follow_the_paper_across_reparsing_and_a_moved_file(
    db: Path, tmp_path: Path, seed_path: Path
) -> None:
    first = load(seed_path).papers[2]
    with Store.open(db) as store:
        store.toggle_bookmarked(first)
        store.save_note(first, "read the appendix")
    moved = tmp_path / "elsewhere" / "profile.txt"
    moved.parent.mkdir()
    shutil.copy(seed_path, moved)
    again = next(p for p in load(moved).papers if p.title == first.title)
    with Store.open(db) as store:
        assert store.marks(again.id).bookmarked
        assert store.marks(again.id).note == "read the appendix"


def test_toggles_flip_and_clearing_everything_leaves_no_row(db: Path) -> None:
    with Store.open(db) as store:
        assert store.toggle_bookmarked(GRAPHS).bookmarked
        assert not store.toggle_bookmarked(GRAPHS).bookmarked
        store.set_tags(GRAPHS, ["a"])
        store.save_note(GRAPHS, "x")
        store.set_tags(GRAPHS, [])
        cleared = store.save_note(GRAPHS, "   ")
        assert cleared.is_empty and not cleared.has_note
        assert GRAPHS.id not in store.all_marks()
    count = sqlite3.connect(db).execute("SELECT count(*) FROM papers").fetchone()[0]
    assert count == 0


def test_a_paper_without_marks_has_defaults(db: Path) -> None:
    with Store.open(db) as store:
        assert store.marks("no-such-id") == Marks("no-such-id")


def test_tags_are_split_cleaned_and_kept_once() -> None:
    assert parse_tags(" ml,  To-Read survey ml\tTO-READ ") == ("ml", "To-Read", "survey")
    assert parse_tags('bad"\x1b[31mtag') == ("bad[31mtag",)
    assert parse_tags(" , ") == ()


def test_add_and_remove_tags_keep_the_others(db: Path) -> None:
    with Store.open(db) as store:
        store.set_tags(GRAPHS, "gnn survey")
        assert store.add_tags(GRAPHS, "GNN, new").tags == ("gnn", "survey", "new")
        assert store.remove_tags(GRAPHS, "SURVEY").tags == ("gnn", "new")
        store.add_tags(UNLEARNING, "gnn")
        assert store.tag_counts() == [("gnn", 2), ("new", 1)]


def test_a_stale_tags_editor_saves_its_changes_and_keeps_another_windows(db: Path) -> None:
    with Store.open(db) as window_a, Store.open(db) as window_b:
        window_a.set_tags(GRAPHS, "x")
        opened = window_a.marks(GRAPHS).tags  # A's editor opens showing "x"
        window_b.add_tags(GRAPHS, "y")  # meanwhile B adds y
        added, removed = tag_changes(opened, "x, z")
        assert (added, removed) == (("z",), ())
        assert window_a.change_tags(GRAPHS, add=added, remove=removed).tags == ("x", "y", "z")
        # A's editor opens showing "x, z" (it has not seen y); the user deletes x.
        added, removed = tag_changes(("x", "z"), "z")
        assert window_a.change_tags(GRAPHS, add=added, remove=removed).tags == ("y", "z")
        assert window_b.refresh() and window_b.marks(GRAPHS).tags == ("y", "z")


def test_a_tag_whose_case_is_changed_is_replaced(db: Path) -> None:
    with Store.open(db) as store:
        store.set_tags(GRAPHS, "ml survey")
        added, removed = tag_changes("ml survey", "ML survey")
        assert store.change_tags(GRAPHS, add=added, remove=removed).tags == ("survey", "ML")


def test_a_note_saved_by_another_window_meanwhile_is_merged_not_overwritten(db: Path) -> None:
    with Store.open(db) as window_a, Store.open(db) as window_b:
        window_a.save_note(GRAPHS, "first thoughts")
        opened = window_a.marks(GRAPHS).note  # both editors open on it
        window_b.save_edited_note(GRAPHS, "B's version", opened)
        saved = window_a.save_edited_note(GRAPHS, "A's version", opened)
        assert saved.merged and saved.conflicts == 1
        note = saved.marks.note
        assert "A's version" in note and "B's version" in note
        assert note.startswith("<<<<<<< one window, saved ")
        assert "\n=======\nB's version\n>>>>>>> another window, saved " in note
        # A keeps typing from the merged text: a plain save, no second block.
        more = window_a.save_edited_note(GRAPHS, note + "\nmore from A", note)
        assert not more.merged and more.marks.note.count("<<<<<<<") == 1
        # B, still showing its own text, types on: its edit lands in its half.
        later = window_b.save_edited_note(GRAPHS, "B's version, edited", "B's version")
        assert later.merged and later.marks.note.count("<<<<<<<") == 1
        assert "=======\nB's version, edited\n>>>>>>>" in later.marks.note
        assert later.marks.note.endswith("\nmore from A")
        assert window_a.refresh() and window_a.marks(GRAPHS).note == later.marks.note


def test_an_editor_over_a_note_deleted_meanwhile_keeps_its_text_and_says_so(db: Path) -> None:
    with Store.open(db) as window_a, Store.open(db) as window_b:
        window_a.save_note(GRAPHS, "old")
        window_b.save_edited_note(GRAPHS, "", "old")  # B's editor emptied it
        saved = window_a.save_edited_note(GRAPHS, "old, edited", "old")
        assert saved.merged and "old, edited" in saved.marks.note
        assert "another window, deleted the note" in saved.marks.note


def test_saving_an_unchanged_note_writes_nothing(db: Path) -> None:
    with Store.open(db) as writer, Store.open(db) as watcher:
        writer.save_note(GRAPHS, "draft")
        assert watcher.refresh()
        writer.save_note(GRAPHS, "draft")
        writer.save_note(UNLEARNING, "")
        assert not watcher.refresh()


def test_a_second_window_sees_changes_after_refresh(db: Path) -> None:
    with Store.open(db) as first, Store.open(db) as second:
        assert not second.refresh()
        first.set_bookmarked(GRAPHS, True)
        first.save_note(UNLEARNING, "from window one")
        assert not second.marks(GRAPHS.id).bookmarked  # not until it refreshes
        assert second.refresh()
        assert second.marks(GRAPHS.id).bookmarked
        assert second.marks(UNLEARNING.id).note == "from window one"
        assert not second.refresh()
        # A toggle works on what is stored, not on what this window last saw.
        first.set_read(GRAPHS, True)
        assert not second.toggle_read(GRAPHS).read


def test_an_id_alone_can_be_marked_and_keeps_the_stored_title(db: Path) -> None:
    with Store.open(db) as store:
        store.save_note(GRAPHS, "kept")
        assert store.set_bookmarked(GRAPHS.id, True).title == "Graph self-training"
        assert store.forget(GRAPHS.id).is_empty
        assert store.all_marks() == {}


def test_search_filters(db: Path) -> None:
    other = paper("Something unmarked", 2024)
    with Store.open(db) as store:
        store.set_bookmarked(GRAPHS, True)
        store.set_read(UNLEARNING, True)
        store.set_tags(UNLEARNING, "Müller-Lab")
        store.save_note(GRAPHS, "note")
        papers = [GRAPHS, UNLEARNING, other]

        def matching(key: str, value: str) -> list[Paper]:
            test = store.predicate(key, value)
            assert test is not None, f"{key}:{value} should be a filter"
            return [p for p in papers if test(p)]

        assert matching("is", "bookmarked") == [GRAPHS]
        assert matching("is", "read") == [UNLEARNING]
        assert matching("is", "unread") == [GRAPHS, other]
        assert matching("has", "note") == [GRAPHS]
        assert matching("has", "tag") == [UNLEARNING]
        assert matching("tag", "muller-lab") == [UNLEARNING]
        assert matching("IS", "Bookmarked") == [GRAPHS]
        assert store.predicate("is", "famous") is None
        assert store.predicate("year", "2024") is None
        assert store.predicate("tag", "") is None
        # A predicate made earlier follows later changes.
        test = store.predicate("is", "bookmarked")
        store.set_bookmarked(other, True)
        assert test is not None and test(other)


# --- where the data lives -----------------------------------------------------------


def test_data_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(locations.DATA_DIR_VARIABLE, str(tmp_path / "mine"))
    assert locations.database_path() == tmp_path / "mine" / "marks.sqlite3"
    with open_store() as store:
        store.set_bookmarked(GRAPHS, True)
    assert (tmp_path / "mine" / "marks.sqlite3").is_file()


def test_set_data_dir_is_absolute_and_reaches_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    chosen = locations.set_data_dir("relative/dir")
    assert chosen == tmp_path / "relative" / "dir"
    monkeypatch.chdir("/")
    assert locations.data_dir() == tmp_path / "relative" / "dir"


def test_without_an_override_the_platform_folder_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv(locations.DATA_DIR_VARIABLE)
    # conftest points XDG_DATA_HOME at a temporary folder.
    expected = Path(os.environ["XDG_DATA_HOME"]) / "paperbrowse" / "marks.sqlite3"
    assert locations.database_path() == expected


def test_reading_only_creates_no_file(db: Path) -> None:
    store = Store.open(db, create=False)
    assert store.all_marks() == {} and store.problem is None
    assert not db.exists() and not db.parent.exists()


def test_an_uncreatable_data_folder_gives_read_only_with_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = Store.open(blocker / "marks.sqlite3")
    assert store.read_only
    assert store.problem is not None and str(blocker / "marks.sqlite3") in store.problem
    with pytest.raises(ReadOnlyError):
        store.set_bookmarked(GRAPHS, True)


# --- damaged, foreign and newer files are never overwritten ---------------------------


def assert_read_only_and_untouched(db: Path, before: bytes, reason: str) -> Store:
    store = Store.open(db)
    assert store.read_only
    assert store.problem is not None
    assert str(db) in store.problem and reason in store.problem
    with pytest.raises(ReadOnlyError) as raised:
        store.save_note(GRAPHS, "this must not be written")
    assert str(db) in str(raised.value)
    store.close()
    assert db.read_bytes() == before
    return store


def test_garbage_bytes_open_read_only_and_stay_byte_for_byte(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = bytes(range(256)) * 64
    db.write_bytes(garbage)
    store = assert_read_only_and_untouched(db, garbage, "damaged or not a database")
    assert store.all_marks() == {}


def test_a_damaged_page_opens_read_only_with_what_can_be_read(db: Path) -> None:
    with Store.open(db) as store:
        for number in range(300):
            store.save_note(paper(f"Paper {number}", 2024), f"note {number} " + "x" * 200)
    with sqlite3.connect(db) as raw:
        try:
            leaves = raw.execute(
                "SELECT pageno FROM dbstat WHERE name = 'notes' AND pagetype = 'leaf'"
            ).fetchall()
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find a page with")
    raw.close()
    assert len(leaves) > 5
    page, size = leaves[len(leaves) // 2][0], 4096  # a page of notes in the middle
    data = bytearray(db.read_bytes())
    data[(page - 1) * size : page * size] = b"\xde\xad\xbe\xef" * (size // 4)
    db.write_bytes(bytes(data))
    store = assert_read_only_and_untouched(db, bytes(data), "damaged")
    notes = [marks.note for marks in store.all_marks().values() if marks.has_note]
    # The rows on the broken page are lost; every other note is shown, intact.
    assert 200 < len(notes) < 300
    assert all(re.fullmatch(r"note \d+ x{200}", note) for note in notes)
    assert "marked papers that could be read" in (store.problem or "")


def test_a_database_from_a_newer_version_is_read_but_not_changed(db: Path) -> None:
    with Store.open(db) as store:
        store.set_bookmarked(GRAPHS, True)
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA user_version = 99")
        raw.execute("ALTER TABLE papers ADD COLUMN future TEXT")
    before = db.read_bytes()
    store = assert_read_only_and_untouched(db, before, "newer paperbrowse")
    assert store.marks(GRAPHS.id).bookmarked


def test_someone_elses_database_is_left_alone(db: Path) -> None:
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE accounts (name TEXT)")
        raw.execute("INSERT INTO accounts VALUES ('precious')")
    raw.close()
    assert_read_only_and_untouched(db, db.read_bytes(), "not a paperbrowse database")


# --- migrations ------------------------------------------------------------------------


def make_version_1(db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(db)
    for statement in MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute(
        "INSERT INTO papers (id, title, year, bookmarked, read, updated)"
        " VALUES (?, 'Graph self-training', 2024, 1, 1, '2024-05-01T10:00:00+00:00')",
        (GRAPHS.id,),
    )
    raw.execute("INSERT INTO tags VALUES (?, 'gnn')", (GRAPHS.id,))
    raw.execute(
        "INSERT INTO notes VALUES (?, 'old note', '2024-05-01T10:00:00+00:00')", (GRAPHS.id,)
    )
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


def test_a_version_1_database_is_migrated_with_every_mark_kept(db: Path) -> None:
    make_version_1(db)
    with Store.open(db) as store:
        assert store.problem is None
        marks = store.marks(GRAPHS.id)
        assert marks.bookmarked and marks.read and marks.tags == ("gnn",)
        assert marks.note == "old note"
        # The new columns are filled from what the old file knew.
        assert marks.read_at is not None and marks.read_at.year == 2024
        store.set_bookmarked(UNLEARNING, True)
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    # The old file was copied aside first, as it was.
    backup = sqlite3.connect(db.with_name("marks.sqlite3.v1.bak"))
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT body FROM notes").fetchall() == [("old note",)]
    backup.close()


def test_a_failed_migration_leaves_the_old_file_usable(db: Path) -> None:
    make_version_1(db)
    with sqlite3.connect(db) as raw:
        # Something in the way of the last migration step (the index it makes).
        raw.execute("CREATE INDEX tags_by_name ON tags (tag)")
    raw.close()
    store = Store.open(db)
    assert store.read_only and store.problem is not None and str(db) in store.problem
    assert store.marks(GRAPHS.id).note == "old note"  # still readable
    store.close()
    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = {row[1] for row in raw.execute("PRAGMA table_info(papers)")}
    assert "read_at" not in columns  # rolled back, not half-migrated
    raw.close()


# --- a paper that gains or loses a DOI keeps its marks ----------------------------------


def test_marks_follow_a_paper_that_gains_a_doi(db: Path) -> None:
    without = paper("Scaling laws for notes", 2023)
    with_doi = paper("Scaling laws for notes", 2023, doi="10.5555/notes")
    assert without.id != with_doi.id
    with Store.open(db) as store:
        store.set_bookmarked(without, True)
        store.save_note(without, "marked from the profile")
    with Store.open(db) as store:
        assert store.marks(with_doi).note == "marked from the profile"
        test = store.predicate("is", "bookmarked")
        assert test is not None and test(with_doi)
        # Changing it moves the marks to the new id rather than splitting them.
        store.add_tags(with_doi, "moved")
        assert list(store.all_marks()) == [with_doi.id]
        marks = store.marks(with_doi)
        assert (marks.bookmarked, marks.tags, marks.note) == (
            True,
            ("moved",),
            "marked from the profile",
        )
        assert store.marks(without).note == "marked from the profile"  # and back again


def test_marks_follow_a_paper_whose_doi_is_now_read_without_its_link(db: Path) -> None:
    """A DOI written as a link (OpenAlex writes each so) was kept as the link, and the
    paper's id made from it; it is read bare now, as in a .bib file, which changes the id:
    what was marked on the paper before stays on it."""
    linked = paper("Scaling laws for notes", 2023, doi="https://doi.org/10.5555/Notes")
    bare = paper("Scaling laws for notes", 2023, doi="10.5555/Notes")
    assert linked.id != bare.id
    with Store.open(db) as store:
        store.set_bookmarked(linked, True)
        store.save_note(linked, "marked when read as a link")
    with Store.open(db) as store:
        assert store.marks(bare).note == "marked when read as a link"
        test = store.predicate("is", "bookmarked")
        assert test is not None and test(bare)
        assert store.tags_as_of_now()(bare) == ()
        store.add_tags(bare, "moved")  # moved to the id it has now, not split
        assert list(store.all_marks()) == [bare.id]
        marks = store.marks(bare)
        assert (marks.bookmarked, marks.tags, marks.note, marks.doi) == (
            True,
            ("moved",),
            "marked when read as a link",
            "10.5555/Notes",
        )
        assert store.tags_as_of_now()(bare) == ("moved",)
    with Store.open(db) as store:
        assert store.marks(bare).tags == ("moved",)


def test_marks_on_a_merged_paper_follow_it_into_an_export(db: Path, tmp_path: Path) -> None:
    """Two copies merged, the first without a DOI, keep the first's id (from its title) and
    take the DOI of the second; exported and opened again, the paper's id comes from its
    DOI. What was marked on the merged paper stays on it in the exported file."""
    (tmp_path / "mine.bib").write_text(
        "@article{smith2020, title = {Deep Graphs for Everything},"
        " author = {Smith, Jane}, year = {2020}}\n",
        encoding="utf-8",
    )
    (tmp_path / "found.jsonl").write_text(
        '{"title": "Deep graphs for everything", "authors": ["Jane Smith"], "year": 2020,'
        ' "doi": "10.1234/graphs.2020"}\n',
        encoding="utf-8",
    )
    [merged] = load(tmp_path / "mine.bib", tmp_path / "found.jsonl").papers
    exported = tmp_path / "exported.bib"
    exported.write_text(export_papers([merged], "bibtex"), encoding="utf-8")
    [again] = load(exported).papers
    assert again.id != merged.id and again.doi == merged.doi
    with Store.open(db) as store:
        store.set_bookmarked(merged, True)
        store.save_note(merged, "read the proofs")
    with Store.open(db) as store:
        assert store.marks(again).note == "read the proofs"
        test = store.predicate("is", "bookmarked")
        assert test is not None and test(again)
        store.add_tags(again, "graphs")  # one paper's marks, not split in two
        assert len(store.all_marks()) == 1
        assert store.marks(merged).tags == ("graphs",)


def test_a_file_s_two_entries_of_one_title_keep_their_marks_apart(db: Path, tmp_path: Path) -> None:
    """Two entries of one file under two keys, one title and year, one with a DOI: two
    papers (``core.merge``). The one with the DOI took the other's marks as a paper's that
    gained a DOI: a note on one showed on both, and a tag on the second went to the first."""
    entry = (
        "@inproceedings{{{key}, title = {{Adversarial Attack on Sentiment Classification}},"
        " author = {{Tsai, Yi-Ting}}, year = {{2019}}{doi}}}\n"
    )
    path = tmp_path / "acl.bib"
    path.write_text(
        entry.format(key="W19-3653", doi="")
        + entry.format(key="W19-4824", doi=", doi = {10.18653/v1/W19-4824}"),
        encoding="utf-8",
    )
    library = load(path)
    first, second = library.papers
    with Store.open(db) as store:
        store.library_has_id = library.has_paper_id
        store.save_note(first, "on the workshop abstract")
        assert store.marks(second).note == ""
        store.add_tags(second, "blackbox")
        assert store.marks(first).tags == () and store.marks(second).tags == ("blackbox",)
        assert len(store.all_marks()) == 2


def test_a_different_doi_with_the_same_title_is_another_paper(db: Path) -> None:
    first = paper("Introduction", 2020, doi="10.1/first")
    second = paper("Introduction", 2020, doi="10.1/second")
    bare = paper("Introduction", 2020)
    with Store.open(db) as store:
        store.save_note(first, "about the first")
        assert store.marks(second).is_empty
        assert store.marks(bare).note == "about the first"
        # A copy without a DOI is taken for the paper with one; its row keeps the DOI.
        store.save_note(bare, "about a copy without a DOI")
        assert store.marks(first).note == "about a copy without a DOI"
        assert store.marks(first).doi == "10.1/first"
        assert store.marks(second).is_empty
        assert list(store.all_marks()) == [first.id]


class _LockedForAMoment:
    """A connection whose reads of the tags table fail once as SQLite's busy error does."""

    def __init__(self, real: sqlite3.Connection) -> None:
        self.real = real
        self.failures = 1

    def execute(self, sql: str, *arguments: Any) -> sqlite3.Cursor:
        if "FROM tags" in sql and self.failures:
            self.failures -= 1
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = sqlite3.SQLITE_BUSY  # as sqlite3 sets it
            raise error
        return self.real.execute(sql, *arguments)

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)


def test_a_window_that_finds_the_file_locked_for_a_moment_keeps_saving(db: Path) -> None:
    """Another window's long write made a refresh fail once: that is no damage, and this
    window went on saving (it turned read-only, and "NOT SAVED" showed in the app)."""
    with Store.open(db) as window_a, Store.open(db) as window_b:
        window_b.set_bookmarked(GRAPHS, True)
        window_a._connection = _LockedForAMoment(window_a._connection)  # type: ignore[assignment]
        assert window_a.refresh()  # it tried: the read failed, nothing lost
        assert not window_a.read_only and window_a.problem is None
        assert window_a.refresh()  # the next refresh reads what B saved
        assert window_a.marks(GRAPHS.id).bookmarked
        window_a.save_note(GRAPHS, "still saved")
        assert window_b.refresh() and window_b.marks(GRAPHS.id).note == "still saved"
