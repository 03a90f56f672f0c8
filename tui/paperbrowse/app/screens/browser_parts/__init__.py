"""The browser screen's parts, each holding one of its jobs and the state that goes with it.

- ``search_scheduler``: which search runs next and which results are still wanted
  (plain Python, no Textual: unit-tested without a running app).
- ``searching``: the searches run in thread workers, their results (or failure) shown
  in the list and the detail pane, the sort order, going to a paper.
- ``loading``: the library read off the UI thread, its progress, showing it once read,
  reloads; ``watching``: whether its files changed (plain Python).
- ``reading``: the user's marks (bookmarks, read, tags, notes), the papers marked with
  space, copying, opening links, and the screens opened from the browser (tags, note,
  export, stats, authors).

``screens.browser`` owns one of each, gives them typed references to itself (each part
says what it needs of the screen in a Protocol, built on ``panes.BrowserPanes``: the
widgets every part sees), and keeps the layout, focus and
bindings. Parts may import the other screens (they open them), the widgets and
``search_scheduler``/``searching``/``reading``/``watching`` (``loading`` drives the
others), never ``screens.browser``: import-linter checks there is no cycle.
"""
