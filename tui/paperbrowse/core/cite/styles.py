"""CSL styles: the eight shipped with paperbrowse, by name, or a user's own ``.csl`` file."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from paperbrowse.core.errors import PaperbrowseError, printable

# Name -> file in ``styles/``; the names are the CSL repository's file names.
BUNDLED = {
    "apa": "APA 7th edition",
    "ieee": "IEEE",
    "chicago-author-date": "Chicago Manual of Style, author-date",
    "harvard-cite-them-right": "Harvard (Cite Them Right)",
    "nature": "Nature",
    "association-for-computing-machinery": "ACM",
    "modern-language-association": "MLA 9th edition",
    "association-for-computational-linguistics": "ACL",
}
ALIASES = {
    "acm": "association-for-computing-machinery",
    "mla": "modern-language-association",
    "acl": "association-for-computational-linguistics",
    "chicago": "chicago-author-date",
    "harvard": "harvard-cite-them-right",
}
DEFAULT_STYLE = "apa"


class StyleError(PaperbrowseError):
    """A style that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Style:
    """A parsed CSL style and what our layer must add to citeproc-py's output for it."""

    name: str
    csl: Any  # citeproc.CitationStylesStyle
    punctuation_in_quote: bool  # the locale puts commas and periods inside closing quotes
    sentence_case: bool  # the style wants titles in sentence case (APA)
    # Proceedings are a book only when their editors are named (CSL's Chicago 18th edition
    # styles): see ``references._in_proceedings_without_editors``.
    proceedings_need_editors: bool = False
    # The style prints a conference paper's publisher and place, which its guide does not
    # (IEEE: "in Proc. IOOC-ECOC, 1985, pp. 585–590"); they are left out of its data.
    conference_without_publisher: bool = False
    path: str = ""  # the style's file, for messages and for worker processes (``parallel``)
    # Editors stand in for missing authors (a ``<substitute>`` names them): an edited book
    # is given its editors as editors ("Doe, J. (Ed.)"); else as authors, or no one is
    # named (Nature's styles substitute nothing).
    editors_stand_in: bool = True


def style_names() -> str:
    """The bundled styles, for an error message or ``--help``."""
    short = {full: alias for alias, full in ALIASES.items()}
    return ", ".join(f"{name} ({short[name]})" if name in short else name for name in BUNDLED)


def bundled_path(name: str) -> Path:
    return Path(str(resources.files("paperbrowse.core.cite") / "styles" / f"{name}.csl"))


def style_title(name_or_file: str) -> str:
    """What a style is called where the user chooses: a bundled one's title (``IEEE``,
    ``APA 7th edition``, also for an alias), a user's own by its file's name."""
    wanted = name_or_file.strip()
    name = ALIASES.get(wanted.lower(), wanted.lower())
    return BUNDLED.get(name) or Path(wanted).name


def style_path(name_or_file: str) -> Path:
    """The file of a bundled style's name (or alias), or the named ``.csl`` file."""
    wanted = name_or_file.strip()
    name = ALIASES.get(wanted.lower(), wanted.lower())
    if name in BUNDLED:
        return bundled_path(name)
    kind = _kind_of(wanted)
    if wanted.lower().endswith(".csl"):
        if kind == "a folder":
            raise StyleError(printable(f"{wanted}: a folder, not a style file"))
        if kind != "a file":
            raise StyleError(printable(f"{wanted}: no such style file"))
        return Path(wanted).expanduser()
    if kind is not None:  # a file (or folder) given, but no style's: say what it is
        kind = "a folder" if kind == "a folder" else "not a .csl file"
        raise StyleError(
            printable(f"{wanted}: {kind}; a style is a .csl file or one of: {style_names()}")
        )
    raise StyleError(
        printable(
            f"unknown style {wanted!r}; the styles are: {style_names()}, or the path of a .csl file"
        )
    )


def _kind_of(wanted: str) -> str | None:
    """What ``wanted`` names: "a file", "a folder", "something else", or None for nothing (or
    for a name no path can have: 300 characters raised OSError, an internal error)."""
    try:
        path = Path(wanted).expanduser()
        if not path.exists():
            return None
        return "a folder" if path.is_dir() else "a file" if path.is_file() else "something else"
    except (OSError, ValueError, RuntimeError):
        return None


def load_style(name_or_file: str = DEFAULT_STYLE) -> Style:
    """A style by name or file. Raises StyleError naming the file when it is no CSL style."""
    path = style_path(name_or_file)
    return _load(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int) -> Style:
    from citeproc import CitationStylesStyle

    try:
        with open(path, "rb") as file, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            csl = CitationStylesStyle(file, validate=False)
        if not csl.has_bibliography():
            raise StyleError(printable(f"{path}: this CSL style defines no bibliography"))
        in_quote = csl.root.get_locale_option("punctuation-in-quote") == "true"
    except StyleError:
        raise
    except Exception as error:  # lxml's XMLSyntaxError, or citeproc-py on a broken style
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StyleError(printable(f"{path}: not a usable CSL style ({reason})")) from None
    title = _title(csl)
    chicago_18 = title.startswith("Chicago Manual of Style 18th edition")
    ieee = title.startswith("IEEE Reference Guide")
    apa = title.startswith("APA")
    stand_in = _substitutes_editors(csl)
    return Style(Path(path).stem, csl, in_quote, apa, chicago_18, ieee, path, stand_in)


_CSL = "http://purl.org/net/xbiblio/csl"  # CSL's XML namespace


def _substitutes_editors(csl: Any) -> bool:
    try:
        names = csl.root.xpath(".//cs:substitute//cs:names", namespaces={"cs": _CSL})
    except (AttributeError, TypeError, ValueError):  # (lxml's XPathError is a ValueError)
        return True
    return any("editor" in str(element.get("variable", "")).split() for element in names)


def is_bundled(style: Style) -> bool:
    """Whether the style is one of the eight shipped, not a user's own file."""
    return style.name in BUNDLED and Path(style.path) == bundled_path(style.name).resolve()


def unusable(style: Style, error: Exception) -> StyleError:
    """A style that parsed but fails when rendering (a macro it lacks, a bad number): one
    line naming its file, as for a style that does not parse."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return StyleError(printable(f"{style.path}: not a usable CSL style ({reason})"))


def _title(csl: Any) -> str:
    try:
        return str(csl.root.info.title.text or "")
    except AttributeError:
        return ""
