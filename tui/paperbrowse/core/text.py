"""Turning text from files into clean Unicode: no LaTeX, no terminal control codes.

Text stays data: markup-looking text such as ``[bold]`` is kept literally here
and escaped by whoever displays it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences,
# and the 8-bit CSI/OSC introducers.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
)
# C0 and C1 control characters other than newline and tab, plus DEL and the
# bidirectional overrides that can make text display other than it reads.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters; tabs become spaces."""
    if not text.isprintable():
        text = _ESCAPE_SEQUENCE.sub("", text)
        text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        text = text.replace("\t", " ")
    return text


_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u3000]+")


def squash_spaces(text: str) -> str:
    """One line: runs of white space, newlines included, become one space."""
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def clean_line(text: str) -> str:
    """A one-line field (title, name): control codes stripped, spaces squashed."""
    return squash_spaces(strip_control(text))


# --- URLs ---------------------------------------------------------------------

_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'{}\\^`|]+|www\.[A-Za-z0-9-]+\.[^\s<>\"'{}\\^`|]+")
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim_url(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, not the URL.

    A closing bracket stays only when the URL opened one, as in
    ``https://en.wikipedia.org/wiki/Tree_(graph)``.
    """
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(_PAIRS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[str]:
    """URLs in plain text, in order, each once, without trailing punctuation."""
    found: list[str] = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if url.startswith("www."):
            url = "https://" + url
        if url and url not in found and "://" in url and len(url) > len("https://x"):
            found.append(url)
    return found


# --- LaTeX --------------------------------------------------------------------

_LATEX_HINT = re.compile(r"[\\{}$~]|--|``|''")
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_BRACED_MACRO = re.compile(r"\{\\([A-Za-z]+)\s*\}")
_BARE_MACRO = re.compile(r"\\([A-Za-z]+)(?![A-Za-z{\[])\s?")
_UNESCAPED = re.compile(r"(?<!\\)([%&#])")
_PLACEHOLDER = "PBKEEPZ{}Q"
_PLACEHOLDER_RE = re.compile(r"PBKEEPZ(\d+)Q")


@lru_cache(maxsize=1)
def _latex_converter() -> Any:
    # pylatexenc is imported on first use: the profile header and list render
    # before any abstract needs converting.
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=1)
def _known_macros() -> frozenset[str]:
    from pylatexenc.latex2text import get_default_latex_context_db as text_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db

    names: set[str] = set()
    for db in (text_db(), walker_db()):
        for category in db.categories():
            names.update(spec.macroname for spec in db.iter_macro_specs([category]))
    return frozenset(names)


def _latex_fallback(text: str) -> str:
    """When pylatexenc cannot parse (unbalanced braces, say): drop macros and braces."""
    text = re.sub(r"\\[A-Za-z]+\*?", "", text)
    text = text.replace("\\", "")
    return text.replace("{", "").replace("}", "")


def latex_to_text(text: str, short_name: str | None = None) -> tuple[str, list[str]]:
    """Plain Unicode from text with LaTeX in it, and the URLs found on the way.

    ``\\href{url}{text}`` becomes its text, ``\\url{u}`` becomes u, and an unknown
    macro used as a name (``{\\method}``) becomes ``short_name`` (or the macro's
    bare name). URLs are protected from LaTeX rules (``~``, ``_``, ``%``) while
    the rest is converted.
    """
    text = strip_control(text)
    urls: list[str] = []
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return _PLACEHOLDER.format(len(kept) - 1)

    def href(match: re.Match[str]) -> str:
        url, label = match.group(1).strip(), match.group(2).strip()
        urls.append(url)
        if not label or label.replace("\\", "") == url:
            return keep(url)
        return label

    def url_macro(match: re.Match[str]) -> str:
        urls.append(match.group(1).strip())
        return keep(match.group(1).strip())

    text = _HREF.sub(href, text)
    text = _URL_MACRO.sub(url_macro, text)
    for url in find_urls(text):
        urls.append(url)
    text = _URL.sub(lambda m: keep(m.group(0)), text)

    if _LATEX_HINT.search(text):
        text = _convert_latex(text, short_name)
    text = _PLACEHOLDER_RE.sub(lambda m: kept[int(m.group(1))], text)
    text = strip_control(text)
    links: list[str] = []
    for url in urls:
        url = _trim_url(url)
        if url and url not in links:
            links.append(url)
    return text, links


def _convert_latex(text: str, short_name: str | None) -> str:
    known = _known_macros()

    def name_for(match: re.Match[str]) -> str:
        macro = match.group(1)
        if macro in known:
            return match.group(0)
        return (short_name or macro) + (" " if match.group(0).endswith(" ") else "")

    text = _BRACED_MACRO.sub(name_for, text)
    text = _BARE_MACRO.sub(name_for, text)
    text = _UNESCAPED.sub(r"\\\1", text)
    try:
        converted: str = _latex_converter().latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        converted = _latex_fallback(text)
    return converted


def clean_paragraphs(text: str) -> str:
    """Multi-line text (an abstract): paragraphs kept, white space squashed inside them."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(p for p in (squash_spaces(p) for p in paragraphs) if p)
