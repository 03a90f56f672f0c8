"""Paths of attached files as reference managers write them into a library's fields.

BibTeX ``file`` fields come in three forms:

- Zotero / Better BibTeX: ``Full Text:/home/u/x.pdf:application/pdf;Snapshot:...``,
  ``;`` between files and ``\\:`` / ``\\;`` / ``\\\\`` escaping the separators;
- JabRef: ``:papers/x.pdf:PDF``, relative to the .bib's folder;
- Mendeley: ``:C$\\backslash$:/Users/me/x.pdf:pdf`` (Windows) and ``:home/u/x.pdf:pdf``
  (the leading ``/`` dropped; ``core.pdf.locate`` tries it back).

Paths are kept as written (unescaped); resolving them against the library's folder
is ``core.pdf.locate``'s job, when the files are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

# Fields that hold attached files, in the order their paths are listed.
BIBTEX_FILE_FIELDS = ("file", "pdf", "local-url")
# Mendeley writes a backslash in math mode; Better BibTeX sometimes as a command.
_BACKSLASH_FORMS = re.compile(r"\$\\backslash\$|\{?\\textbackslash\}?(?:\{\})?")
# An accent as Mendeley writes it in a file's name (``Gr\\"{o}tschel``): the letter it
# stands for, never the escaped quote and braces the separators' escapes would make of it.
_ACCENTED = re.compile(r"\\(['\"^`~])\{([A-Za-z])\}")
# A character escaped with a backslash, or a separator that is not escaped.
_PIECE = re.compile(r"\\(.)|([:;])", re.S)
MAX_PATH_CHARS = 4096
# No file system takes a NUL in a name, and a line break is a damaged field, not a path.
# Other control characters (an ESC, say) are legal in a name: the file is kept and the
# Files line shows the character made visible (errors.printable).
_CONTROL = re.compile(r"[\x00\n\r]")


def _usable(path: str) -> bool:
    return bool(path) and len(path) <= MAX_PATH_CHARS and not _CONTROL.search(path)


def _split_escaped(text: str) -> list[list[str]]:
    """``text`` cut at unescaped ``;`` into files, each cut at unescaped ``:`` into parts."""
    files: list[list[str]] = [[""]]
    at = 0
    for found in _PIECE.finditer(text):
        files[-1][-1] += text[at : found.start()]
        at = found.end()
        escaped, separator = found.group(1), found.group(2)
        if escaped is not None:
            files[-1][-1] += escaped
        elif separator == ":":
            files[-1].append("")
        else:
            files.append([""])
    files[-1][-1] += text[at:]
    return files


def _path_of(parts: list[str]) -> str:
    """The path among one file's ``description:path:type`` parts."""
    parts = [part.strip() for part in parts]
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:  # ``path:type`` or ``:path``
        return parts[1] if not parts[0] else parts[0]
    # An unescaped ``C:\\...`` in the middle splits the path: join it again.
    return ":".join(parts[1:-1])


def file_field_paths(raw: str) -> list[str]:
    """The paths in one BibTeX ``file`` field (``[]`` for an empty one)."""
    text = _BACKSLASH_FORMS.sub(lambda _: "\\", raw.strip())
    if "{" in text:
        text = _ACCENTED.sub(_letter, text)
    paths = []
    for parts in _split_escaped(text):
        path = _path_of(parts)
        if _usable(path):
            paths.append(path)
    return paths


def _letter(accent: re.Match[str]) -> str:
    # (Imported here: a file field with an accent in its name is rare, and the LaTeX
    # reader's module is not loaded for a CSL-JSON library.)
    from paperbrowse.core.formats.bibvalues import accented

    return accented(accent.group(1), accent.group(2))


def url_path(raw: str) -> str | None:
    """A ``file://`` URL's path, or the text itself when it is a plain path; else None."""
    text = raw.strip()
    if not text:
        return None
    if text.lower().startswith("file:"):
        return unquote(urlsplit(text).path) or None
    if "://" in text:
        return None  # a web address is a link, not a file
    return text


def bibtex_files(fields: dict[str, str]) -> tuple[str, ...]:
    """Every attached file's path in an entry's fields, each once, as written."""
    found: list[str] = []
    if fields.get("file"):
        found += file_field_paths(fields["file"])
    for name in BIBTEX_FILE_FIELDS[1:]:
        path = url_path(fields.get(name) or "")
        if path and _usable(path):
            found.append(path)
    return tuple(dict.fromkeys(found))


def link_paths(values: Iterable[object]) -> tuple[str, ...]:
    """The files among links to them (RIS's ``L1``: a path or a ``file://`` URL, one a
    line, as Zotero writes them), each once; a web address is no file, and is left out."""
    found = (url_path(value) for value in values if isinstance(value, str))
    return tuple(dict.fromkeys(path for path in found if path and _usable(path)))


def listed_paths(value: object) -> tuple[str, ...]:
    """The paths in a JSON list of them (paperbrowse's own ``files``; one path alone is
    taken too), each once, as written; what is no usable path is left out."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(path for path in value if isinstance(path, str) and _usable(path)))


def csl_files(item: dict[str, object]) -> tuple[str, ...]:
    """The paths in a CSL-JSON item's ``file`` / ``attachment`` values (strings, lists of
    strings, or objects with a ``path``)."""
    found: list[str] = []
    for name in ("file", "attachment", "attachments"):
        found += _csl_paths(item.get(name))
    custom = item.get("custom")  # (where paperbrowse's export writes them)
    if isinstance(custom, dict):
        found += _csl_paths(custom.get("files"))
    return tuple(dict.fromkeys(found))


def _csl_paths(value: object, listed: bool = False) -> Iterable[str]:
    # Several files in one string are cut at ``;``; a list's strings are one file each
    # (as the CSL-JSON export writes them), so a ``;`` in a file's name stays.
    if isinstance(value, str):
        for piece in [value] if listed else value.split(";"):
            path = url_path(piece)
            if path and _usable(path):
                yield path
    elif isinstance(value, list):
        for one in value[:100]:
            yield from _csl_paths(one, listed=True)
    elif isinstance(value, dict):
        yield from _csl_paths(value.get("path") or value.get("url"), listed)
