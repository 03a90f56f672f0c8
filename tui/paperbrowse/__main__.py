"""``python -m paperbrowse`` does the same as the ``paperbrowse`` command."""

from paperbrowse.cli import main

raise SystemExit(main())
