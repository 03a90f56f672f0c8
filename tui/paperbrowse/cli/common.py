"""Helpers shared by the subcommands: dates, warnings, exit statuses."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from paperbrowse.core.errors import FormatError, Problem

if TYPE_CHECKING:
    from paperbrowse.core.library import Library
    from paperbrowse.core.models import Paper
    from paperbrowse.core.pdf.locate import PdfFinder

EXIT_OK, EXIT_WARNINGS, EXIT_UNUSABLE = 0, 1, 2


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date {text!r}; use YYYY-MM-DD") from None


def add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=parse_date,
        metavar="YYYY-MM-DD",
        help="reference date for profile dates without a year (default: today)",
    )


class _DataDirAction(argparse.Action):
    """Points the data folder elsewhere as soon as the option is parsed (child processes too)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if not isinstance(values, str) or not values.strip():
            parser.error("--data-dir needs a folder")
        from paperbrowse.core.locations import set_data_dir

        setattr(namespace, self.dest, set_data_dir(values))


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """Give a parser ``--data-dir DIR`` (once; calling again is harmless)."""
    # A parser that already has it (the subcommand added it itself) keeps its own.
    with contextlib.suppress(argparse.ArgumentError):
        parser.add_argument(
            "--data-dir",
            metavar="DIR",
            action=_DataDirAction,
            help="keep bookmarks, read marks, tags and notes in DIR (default: "
            "$PAPERBROWSE_DATA_DIR, else the platform's data folder)",
        )


def apply_leading_data_dir(arguments: list[str]) -> list[str]:
    """``paperbrowse --data-dir D SUBCOMMAND ...``: apply the option given before a subcommand.

    Returns the arguments without it; an empty or missing value is left for
    argparse to report.
    """
    from paperbrowse.core.locations import set_data_dir

    while arguments:
        first = arguments[0]
        if first == "--data-dir" and len(arguments) > 1 and arguments[1].strip():
            set_data_dir(arguments[1])
            arguments = arguments[2:]
        elif first.startswith("--data-dir=") and first.partition("=")[2].strip():
            set_data_dir(first.partition("=")[2])
            arguments = arguments[1:]
        else:
            break
    return arguments


def dashed_words_kept(arguments: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``arguments`` with a query word that starts with '-' (``-survey``, ``-has:pdf``,
    the README's negations) given as a value, not taken for an option argparse rejects:
    a positional one goes after ``--`` (the options first), an option's value is joined
    to it (``--query=-survey``). Unchanged when they hold ``--`` or no such word.

    Only a query's own place takes such a word: elsewhere (a file, a paper's id) it is an
    option the subcommand does not have, said so (``related -k KEY``, as ``cite -k KEY``
    names a paper, read '-k' as the paper and KEY as a file: "no such file")."""
    if "--" in arguments:
        return arguments
    known = parser._option_string_actions
    options: list[str] = []
    words: list[str] = []
    joined = False
    tokens = iter(arguments)
    for token in tokens:
        action = _option_of(token, known)
        if action is None:
            words.append(token)
        elif "=" in token or action.nargs == 0 or len(token) > 2 and token[1] != "-":
            options.append(token)  # a flag, or its value is in it (--limit=5, -n5)
        else:
            value = next(tokens, None)
            if value is None:
                options.append(token)
            elif value.startswith("-") and not (value in known or value.startswith("--")):
                options.append(f"{max(action.option_strings, key=len)}={value}")
                joined = True
            else:  # (``-o --force``: argparse says the value is missing, as before)
                options += [token, value]
    if not any(_dashed(word) for word in words):
        return [*options, *words] if joined else arguments
    _refuse_unknown_options(words, parser)
    return [*options, "--", *words]


def _dashed(word: str) -> bool:
    return word.startswith("-") and word != "-"  # ("-" alone: standard input)


def _refuse_unknown_options(words: list[str], parser: argparse.ArgumentParser) -> None:
    """Exit with argparse's usage and error when a word that starts with '-' stands where
    no query does (a query is the first word of those taking one: ``search -survey``)."""
    places = [action for action in parser._actions if not action.option_strings]
    takes_query = bool(places) and places[0].dest == "query"
    for place, word in enumerate(words):
        if _dashed(word) and not (takes_query and place == 0):
            parser.error("; ".join([f"unknown option {word}", *_how_to_name(places, parser.prog)]))


def _how_to_name(places: list[argparse.Action], prog: str) -> list[str]:
    """What a user meant instead, as help after an unknown option."""
    hints: list[str] = []
    first = places[0] if places else None
    if first is not None and first.dest == "query":
        hints.append("quote a query of several words")
    elif first is not None and first.nargs is None and first.dest != "path":
        usage = " ".join(_usage_of(action) for action in places)  # related's paper
        hints.append(f"name the {first.dest} by itself: {prog} {usage}")
    if any(action.dest in ("path", "paths") for action in places):
        hints.append("a file whose name starts with '-' goes after --")
    return hints


def _usage_of(action: argparse.Action) -> str:
    name = action.metavar if isinstance(action.metavar, str) else action.dest
    if action.nargs == "*":
        return f"[{name} ...]"
    if action.nargs == "+":
        return f"{name} [{name} ...]"
    return name


def _option_of(token: str, known: dict[str, argparse.Action]) -> argparse.Action | None:
    """The option ``token`` names: exactly, as ``--name=value``, or a short one with its
    value attached (``-n5``); None for anything else (``-survey`` is a query's word)."""
    if not token.startswith("-") or token == "-":
        return None
    if token.startswith("--"):  # abbreviated as argparse allows; unknown: its own error
        name = token.split("=", 1)[0]
        named = [option for option in known if option.startswith(name)]
        return known.get(name) or (known[named[0]] if len(named) == 1 else _LONG_UNKNOWN)
    if token in known:
        return known[token]
    short = known.get(token[:2])
    if short is not None and short.nargs != 0 and _takes(short, token[2:]):
        return short
    return None


def _takes(action: argparse.Action, value: str) -> bool:
    """Whether ``value`` is one ``action`` takes (``-n5``'s 5; not ``-neural``'s "eural",
    a query's word)."""
    convert = action.type if callable(action.type) else None
    if convert is None:
        return action.choices is None or value in action.choices
    try:
        convert(value)
    except (ValueError, TypeError, argparse.ArgumentTypeError):
        return False
    return True


# A ``--`` word the parser does not know: kept as a flag, for argparse's own error.
_LONG_UNKNOWN = argparse.Action(option_strings=[], dest="", nargs=0)


def load_paths(args: argparse.Namespace) -> Library:
    """The library of the files named (``args.paths``), or of the bundled profile when
    none are, as of ``args.as_of``. Raises FormatError when nothing could be read."""
    from paperbrowse.core.library import load  # not before it is needed
    from paperbrowse.core.locations import bundled_profile

    library = load(*(args.paths or [bundled_profile()]), as_of=args.as_of)
    _pdf_filters(library, getattr(args, "pdf_dir", None) or [])
    return library


def open_library(args: argparse.Namespace) -> Library | None:
    """``load_paths(args)``, what could not be read warned of on standard error; None when
    nothing could be read, the error printed (the command then exits ``EXIT_UNUSABLE``)."""
    try:
        library = load_paths(args)
    except FormatError as error:
        fail(str(error))
        return None
    warn(library.problems)
    return library


def matching(library: Library, query: str) -> list[Paper]:
    """The papers matching a query, best first, its notes said (``say_notes``): else a
    typo looked like a real answer."""
    results = library.find(query)
    say_notes(results.notes)
    return list(results)


def say_notes(notes: Sequence[str]) -> None:
    """A query's notes (a filter ignored, an ID no paper has) on stderr, a line each."""
    for note in notes:
        print(f"paperbrowse: note: {note}", file=sys.stderr)


def limit_number(text: str) -> int:
    """``--limit N`` as argparse reads it: a whole number, 0 meaning all."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all) or more")
    return value


def add_pdf_dir(parser: argparse.ArgumentParser) -> None:
    """Give a parser ``--pdf-dir DIR`` (repeatable), as the window has."""
    parser.add_argument(
        "--pdf-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of PDFs named by citation key, DOI or arXiv id (may be repeated; "
        'adds to config.json\'s "pdf_folders")',
    )


def _pdf_filters(library: Library, pdf_dirs: Sequence[str]) -> None:
    """``has:pdf`` in the command's searches, as in the window, and the same note when no
    paper has a PDF; a bad folder is one warning."""
    from paperbrowse.core.pdf.locate import NO_PDF, PDF_FOLDERS, folder_problems

    finder = pdf_finder(library, pdf_dirs)
    library.problems.extend(folder_problems(finder.folders))  # warned of with the rest
    why_none = f"{NO_PDF}; attach one to a paper in the app, {PDF_FOLDERS}"
    finder.register_search_filters(library.filters, library.papers, why_none=lambda: why_none)


def pdf_finder(library: Library, pdf_dirs: Sequence[str]) -> PdfFinder:
    """The papers' files as the window finds them: the library's fields, the PDFs
    attached in the app (``A``, kept with the marks), and by name in config.json's
    ``pdf_folders`` and ``--pdf-dir``."""
    from paperbrowse.app.config import load_config
    from paperbrowse.core.pdf.locate import PdfFinder

    folders = [*load_config().pdf_folders, *pdf_dirs]
    return PdfFinder(folders, attached_files(library.papers), key_of=library.key_of)


def attached_files(papers: Sequence[Paper]) -> Callable[[Paper], Sequence[str]]:
    """The paths attached to each paper in the app, read from the marks database once,
    when first asked (read-only: a command never creates, locks or waits for it)."""
    read: dict[str, tuple[str, ...]] | None = None

    def attached(paper: Paper) -> Sequence[str]:
        nonlocal read
        if read is None:
            read = _read_attached(papers)
        return read.get(paper.id, ())

    return attached


def _read_attached(papers: Sequence[Paper]) -> dict[str, tuple[str, ...]]:
    from paperbrowse.core.marks.store import Store

    with Store.open(read_only=True) as store:
        if not any(marks.files for marks in store.all_marks().values()):
            return {}
        return {paper.id: marks.files for paper in papers if (marks := store.marks(paper)).files}


def marked_tags(library: Library | None = None) -> Callable[[Paper], tuple[str, ...]]:
    """Each paper's tags in the marks database (read-only: a command never creates, locks or
    waits for it), found as the app finds them in ``library``. A database that cannot be
    read is one warning, and no tags."""
    from paperbrowse.core.marks.store import Store

    with Store.open(read_only=True) as store:
        if store.problem:
            print(f"paperbrowse: warning: {store.problem}", file=sys.stderr)
        if library is not None:
            store.library_has_id = library.has_paper_id
        return store.tags_as_of_now()


def safe_streams() -> None:
    """Text a terminal's encoding cannot show is escaped, not a traceback (``LANG=C``, pipes)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def writes_unicode(stream: Any) -> bool:
    """Whether the stream's encoding holds every character (UTF-8 or UTF-16/32)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding.startswith(("utf8", "utf16", "utf32"))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # outside the BMP: a UTF-16 surrogate pair, as JSON spells it
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def ascii_json(text: str) -> str:
    """JSON text with every non-ASCII character as ``\\uXXXX``: the same data, in ASCII.

    Outside strings JSON is ASCII already, so this is what ``ensure_ascii=True`` gives.
    """
    return _NON_ASCII.sub(_json_escape, text)


def write_document(text: str, *, is_json: bool) -> None:
    """Write a whole document (an export, JSON) to stdout, whatever stdout's encoding.

    Where stdout cannot hold Unicode (``PYTHONIOENCODING=ascii``), JSON gets ``\\u``
    escapes: the same data, readable anywhere. Other documents (BibTeX, CSV,
    Markdown) get the UTF-8 bytes ``-o FILE`` would write: escaping their text
    (``\\u201c`` in a BibTeX title) would change the data itself.
    """
    if not writes_unicode(sys.stdout):
        if is_json:
            text = ascii_json(text)
        elif not _switch_to_utf8(sys.stdout):
            safe_streams()  # no way to write bytes: escaped beats a traceback
    sys.stdout.write(text)


def _switch_to_utf8(stream: Any) -> bool:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return False
    try:
        reconfigure(encoding="utf-8", errors="backslashreplace")
    except (ValueError, OSError):  # io.UnsupportedOperation is both
        return False
    return True


def warn(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"paperbrowse: warning: {problem}", file=sys.stderr)


def fail(message: str) -> int:
    print(f"paperbrowse: error: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


# --- standard output that may not take the results ---------------------------------------

_T = TypeVar("_T")


class OutputError(Exception):
    """Standard output cannot take the results (closed, a full disk): one line, exit 2."""


class _GuardedOutput:
    """Stands in for sys.stdout: a failed write is an OutputError, not an internal error.

    A broken pipe (``| head``) is left as it is: the reader has what it wanted.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream  # None when the command was started with stdout closed

    def write(self, text: str) -> int:
        return int(self._guard(lambda stream: stream.write(text)))

    def flush(self) -> None:
        if self._stream is not None:  # nothing was written to a closed stdout, or it said so
            self._guard(lambda stream: stream.flush())

    def _guard(self, call: Callable[[Any], _T]) -> _T:
        if self._stream is None:
            raise OutputError("standard output is closed")
        try:
            return call(self._stream)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error.strerror or str(error)) from None

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, reconfigure ...
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Run a command with its output guarded, and flushed before it is done.

    The flush makes a full disk show while the command can still say so, not as
    Python's "Exception ignored" at exit.
    """
    real = sys.stdout
    guarded = _GuardedOutput(real)
    sys.stdout = guarded
    try:
        yield
    finally:
        try:
            guarded.flush()
        finally:
            sys.stdout = real


def drop_unwritten_output() -> None:
    """Send what stdout could not take to /dev/null, so exiting does not fail on it again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
