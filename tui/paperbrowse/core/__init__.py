"""The domain: papers, the files they come from, search and the user's marks.

Packages, each about one concern (their own docstrings say more):

- ``text``: text made safe and plain (cleaning, LaTeX); imports nothing of ours
  but ``errors``;
- ``formats``: every reader and writer; imports ``text``, ``models`` and helpers;
- ``search``: the search engine; imports ``models``, ``memory``, ``cache`` helpers;
- ``marks``: bookmarks, read status, tags and notes in SQLite.

Modules: ``models`` (Paper, Profile), ``rows`` (a paper as a plain row and back),
``store`` (a library's papers kept as rows, a Paper made only when asked for),
``library`` (``load``: read, merge, search;
it sits on top of the rest), ``locations`` (folders), ``memory`` (the collector),
``cache`` (parsed files), ``errors``, ``files``, ``merge``, ``stats``,
``categories``, ``watch``, ``backups`` (a file's ``.bak``, once per run), ``people``
(several profiles: researchers, co-authors), ``patching`` (another library's method
replaced once: citeproc-py's, Textual's).

Nothing in this package imports Textual, Rich or ``paperbrowse.app``; and no
module or package here imports another in a circle. ``tests/test_import_hygiene.py``
and the import-linter contracts in ``pyproject.toml`` keep it that way.
"""
