"""Turning text from files into clean Unicode: no LaTeX, no terminal control codes.

Text stays data: markup-looking text such as ``[bold]`` is kept literally here
and escaped by whoever displays it.
"""

from __future__ import annotations

import html
import re
import unicodedata

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings, other
# ESC sequences (ESC 7, ESC c, ESC ( B: intermediates then a final byte), and the
# 8-bit CSI/OSC introducers.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
)
# C0 and C1 control characters other than newline and tab, plus DEL; the
# bidirectional marks and overrides that can make text display other than it
# reads; invisible format characters a terminal may draw with a width (soft
# hyphen, word joiner, invisible operators, interlinear annotation); and stray
# byte-order marks (from files pasted together). Zero-width (non-)joiners stay:
# scripts and emoji need them.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200e\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


_TAG = re.compile(r"<[^<>]+>")


# An abstract written in HTML (four of PMLR's COLT 2018 .bib: ``<ul> <li> <b>...</b>``): told
# by a closing tag or a line break of HTML's usual text tags, never by "a < b" or "<cost>".
_HTML_TEXT_TAGS = r"(?:p|br|li|ul|ol|b|i|em|strong|sub|sup|div|span|a|u|tt|code|h[1-6])"
_HTML_MARK = re.compile(rf"</{_HTML_TEXT_TAGS}>|<br\s*/?>", re.IGNORECASE)
_HTML_TEXT_TAG = re.compile(rf"</?{_HTML_TEXT_TAGS}(?:\s[^<>]*)?/?>", re.IGNORECASE)
_HTML_LIST_ITEM = re.compile(r"\s*<li(?:\s[^<>]*)?>\s*", re.IGNORECASE)
_HTML_BREAK = re.compile(
    r"\s*(?:</(?:p|li|ul|ol|div)>|<(?:p|ul|ol|div)(?:\s[^<>]*)?>|<br\s*/?>)\s*", re.I
)


# A link: its text, then its address where that is not its text (the ACL Anthology's quote
# the address in ” as often as in ").
_HTML_LINK = re.compile(
    r"<a\s[^<>]*?href\s*=\s*[\"”']?([^\"”'\s<>]+)[^<>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL
)


def written_in_html(text: str) -> bool:
    """Whether a text (an abstract) is HTML: a closing tag or a line break of HTML's."""
    return "<" in text and _HTML_MARK.search(text) is not None


def html_paragraphs(text: str) -> str:
    """An abstract written in HTML (``written_in_html``) as paragraphs: each list item one
    starting "• ", a link its text and address, tags dropped. Its entities are left for
    the caller to read (``html.unescape``) once it has read any LaTeX: ``&#36;`` read
    first would start math."""
    text = _HTML_LINK.sub(_link_text, text)
    text = _HTML_LIST_ITEM.sub("\n\n• ", text)
    text = _HTML_BREAK.sub("\n\n", text)
    return _HTML_TEXT_TAG.sub("", text)


def _link_text(match: re.Match[str]) -> str:
    address, shown = match.group(1), _HTML_TEXT_TAG.sub("", match.group(2)).strip()
    return address if not shown or shown == address else f"{shown} ({address})"


def html_text(text: str) -> str:
    """HTML's inline markup as plain text, tags dropped and entities read: the titles and
    abstracts Crossref and OpenAlex give (``<i>E. coli</i> &amp; CO<sub>2</sub>``)."""
    if "<" not in text and "&" not in text:
        return text
    return html.unescape(_TAG.sub("", text))


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters; tabs become spaces."""
    if not text.isprintable():
        text = _ESCAPE_SEQUENCE.sub("", text)
        text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
        text = text.replace("\t", " ")
    return text


_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+")


def squash_spaces(text: str) -> str:
    """One line: runs of white space, newlines included, become one space."""
    if text.isprintable() and "  " not in text:
        # isprintable() is False for newlines and for every space _SPACES names
        # but the ASCII one; with no two spaces in a row the substitution would
        # change nothing. It costs ~10 µs on an abstract, this ~1 µs.
        return text.strip()
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def squashed(char: str) -> bool:
    """Whether ``squash_spaces`` makes ``char`` (one character) part of a single space."""
    return char == "\n" or _SPACES.fullmatch(char) is not None


def nfc(text: str) -> str:
    """Composed Unicode: an accent typed as a separate mark joins its letter (``e\u0301`` -> é)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):  # ASCII is always NFC
        return text
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """A one-line field (title, name): control codes stripped, spaces squashed, NFC."""
    if text.isprintable() and "  " not in text:
        return nfc(text.strip())  # nothing to strip or squash (see squash_spaces)
    return nfc(squash_spaces(strip_control(text)))


# --- URLs ---------------------------------------------------------------------

# Quotes and brackets of any script end a URL: “https://a.io” is quoted, not part of it.
# Square brackets too (RFC 3986 keeps them for IPv6 hosts): in
# "[link=https://a.io]y[/link]" the URL is https://a.io, not "https://a.io]y[/link".
_QUOTES = "\u201c\u201d\u2018\u2019\u00ab\u00bb\u300c\u300d\u3001\u3002\uff08\uff09"
_NOT_IN_URL = "\\s<>\"'{}\\[\\]\\\\^`|" + _QUOTES
URL = re.compile(rf"(?:https?|ftp)://[^{_NOT_IN_URL}]+|www\.[A-Za-z0-9-]+\.[^{_NOT_IN_URL}]+")
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def trim_url(url: str) -> str:
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
    for match in URL.finditer(text):
        url = trim_url(match.group(0))
        if url.startswith("www."):
            url = "https://" + url
        if url and url not in found and "://" in url and len(url) > len("https://x"):
            found.append(url)
    return found


# What a Markdown link's target cannot hold as written (CommonMark): a space or a control
# character ends it, a parenthesis or bracket may close the link early, ``<`` can open
# HTML, and a backslash escapes what follows (``a\%28b`` would lose it). An autolink
# (``<url>``) is ended by a space, a control or an angle bracket alone, and shows its
# address (no backslash escapes there): its parentheses and brackets are kept as they read.
_NOT_IN_LINK_TARGET = re.compile(r"[\x00-\x20\x7f()\[\]<>\\]|\s")
_NOT_IN_AUTOLINK = re.compile(r"[\x00-\x20\x7f<>]|\s")


def _percent_encoded(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match[0].encode("utf-8"))


def link_target(url: str) -> str:
    """A URL as a Markdown link's target, ``[text](target)``: the same address, with what
    would end or break the link percent-encoded (``(SICI)`` -> ``%28SICI%29``)."""
    return _NOT_IN_LINK_TARGET.sub(_percent_encoded, url)


def autolink(url: str) -> str:
    """A URL as a Markdown autolink, ``<url>``: the same address, its angle brackets and
    spaces percent-encoded (a SICI DOI's ``<391::AID-ASI1>``)."""
    return f"<{_NOT_IN_AUTOLINK.sub(_percent_encoded, url)}>"


# A web address in text written as Markdown (a reading list's abstract, a reference). A
# pair of ``<`` and ``>`` inside one is its own, as a SICI DOI's
# ``41:6<391::AID-ASI1>3.0.CO;2-9`` (``URL`` stops at its ``<``); the sentence's
# punctuation after it is not (``trim_url``).
_PROSE_URL = re.compile(rf"https?://(?:[^\s<>\"{_QUOTES}]|<[^\s<>\"{_QUOTES}]*>)+")
# What Markdown could read as formatting, a link or HTML: escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def markdown_escaped(text: str) -> str:
    """Text as Markdown that shows it as it is (``*`` -> ``\\*``)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_linked(text: str) -> str:
    """Text escaped (``markdown_escaped``), its web addresses as autolinks (``autolink``),
    each whole."""
    out: list[str] = []
    done = 0
    for match in _PROSE_URL.finditer(text):
        url = trim_url(match[0])
        if url.endswith("//"):  # "https://." was all: text
            continue
        out += [markdown_escaped(text[done : match.start()]), autolink(url)]
        done = match.start() + len(url)
    out.append(markdown_escaped(text[done:]))
    return "".join(out)


def clean_paragraphs(text: str) -> str:
    """Multi-line text (an abstract): paragraphs kept, white space squashed inside them."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(p for p in (squash_spaces(p) for p in paragraphs) if p)
