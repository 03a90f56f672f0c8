"""The user's marks: bookmarks, read status, tags and notes, in one SQLite store.

- ``store``: ``Store`` and ``Marks``, every change one transaction; it registers
  the marks filters on one library's searches (``register_search_filters``);
- ``filters``: the ``is:``, ``has:note``, ``tag:`` filters as tests on one paper's marks;
- ``opening``: opening the database safely (damaged, newer, read-only, locked);
- ``glance``: the marks the list's column shows, in one query, for a kept first screen;
- ``schema``: the tables and their migrations;
- ``note_merge``: a note edited in two windows merged, never overwritten.

May import ``paperbrowse.core.models``, ``errors`` and ``locations``; of the search,
only the filter registry's type, for annotations. Nothing in the readers or the
search imports this package.
"""
