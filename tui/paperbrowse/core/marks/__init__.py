"""The user's marks: bookmarks, read status, tags and notes, in one SQLite store.

- ``store``: ``Store`` and ``Marks``, every change one transaction; the ``is:``,
  ``has:note`` and ``tag:`` search filters (``marks_test``, ``register_search_filters``);
- ``opening``: opening the database safely (damaged, newer, read-only, locked);
- ``schema``: the tables and their migrations;
- ``note_merge``: a note edited in two windows merged, never overwritten.

May import ``paperbrowse.core.models``, ``errors`` and ``locations``; the search
filters it registers are imported on first use. Nothing in the readers or the
search imports this package.
"""
