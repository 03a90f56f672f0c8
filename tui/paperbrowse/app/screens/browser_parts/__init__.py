"""The browser screen's parts, each holding one of its jobs and the state that goes with it.

- ``search_scheduler``: which search runs next and which results are still wanted
  (plain Python, no Textual: unit-tested without a running app).
- ``loading``: reading the library off the UI thread, its progress messages, and the
  watch on its files that reloads them.
- ``reading``: the user's marks (bookmarks, read, tags, notes), the papers marked with
  space, copying, and the screens opened from the browser (tags, note, export, stats,
  authors).

``screens.browser`` owns one of each and keeps only the view. These parts may import
the other screens (they open them) and the widgets, never ``screens.browser``.
"""
