"""``paperbrowse [PATH...]``: open the browser (the bundled profile when no path is given)."""

from __future__ import annotations

import argparse
import sys

from paperbrowse.cli.common import EXIT_OK, fail, warn


def run(args: argparse.Namespace) -> int:
    # Until the Textual app lands, print the library as ``parse`` does.
    from paperbrowse.cli.parse import summary
    from paperbrowse.core.errors import FormatError
    from paperbrowse.core.library import bundled_profile, load

    try:
        paths = args.paths or [bundled_profile()]
        library = load(*paths, as_of=args.as_of)
    except FormatError as error:
        return fail(str(error))
    warn(library.problems)
    sys.stdout.write(summary(library))
    return EXIT_OK
