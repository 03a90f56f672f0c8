"""``paperbrowse [PATH...]``: open the browser (the bundled profile when no path is given)."""

from __future__ import annotations

import argparse
from pathlib import Path

from paperbrowse.cli.common import EXIT_OK, fail


def run(args: argparse.Namespace) -> int:
    from paperbrowse.core.errors import FormatError
    from paperbrowse.core.library import bundled_profile

    try:
        paths = [Path(p) for p in args.paths] or [bundled_profile()]
    except FormatError as error:
        return fail(str(error))
    missing = [p for p in paths if not p.exists()]
    if len(missing) == len(paths):
        return fail("; ".join(f"{p}: no such file or folder" for p in missing))

    from paperbrowse.app.app import PaperBrowseApp

    app = PaperBrowseApp(paths, as_of=args.as_of)
    code = app.run()
    if app.load_error is not None:
        return fail(str(app.load_error))
    return code if isinstance(code, int) else EXIT_OK
