"""Citation keys: one per paper, unique in the library, the same every time it is opened.

A paper keeps its source's key (the BibTeX key, the CSL-JSON ``id``) when that is a
usable key, its accented letters ASCII-folded (Semantic Scholar's ``Gödel1931ÜberFU`` is
``Godel1931UberFU``: pdfLaTeX and BibTeX cannot cite the first); otherwise it gets one in
Better BibTeX's default shape: the first author's family name, the year and the first
significant title word, lower case and ASCII-folded (``wang2024catastrophic``). When two
papers would share a key, the one whose own key it is keeps it, else the one with the
smaller paper id; the others get ``a``, ``b``, ... appended (as Better BibTeX does).
Since the order is by paper id, the keys do not depend on the order the papers or files
came in.

Imports only ``models``: the formats that write keys and the ``cite`` package that
prints them both sit above it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import count

from paperbrowse.core.models import Paper, family_in, fold
from paperbrowse.core.store import field_values, years_of

# Better BibTeX's skip words (its default "skipwords" list, shortened to the English,
# French, German and Spanish particles found in titles), plus a few question words.
_SKIP_WORDS = frozenset(
    {
        "a",
        "ab",
        "aboard",
        "about",
        "above",
        "across",
        "after",
        "against",
        "al",
        "along",
        "amid",
        "among",
        "an",
        "and",
        "anti",
        "around",
        "as",
        "at",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "but",
        "by",
        "d",
        "da",
        "das",
        "de",
        "del",
        "dell",
        "dello",
        "dei",
        "degli",
        "della",
        "di",
        "du",
        "down",
        "during",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "el",
        "en",
        "et",
        "except",
        "few",
        "following",
        "for",
        "from",
        "in",
        "inside",
        "into",
        "l",
        "la",
        "las",
        "le",
        "les",
        "like",
        "los",
        "many",
        "minus",
        "more",
        "most",
        "near",
        "nor",
        "of",
        "off",
        "on",
        "onto",
        "opposite",
        "or",
        "outside",
        "over",
        "past",
        "per",
        "plus",
        "regarding",
        "round",
        "save",
        "since",
        "so",
        "some",
        "than",
        "the",
        "through",
        "throughout",
        "till",
        "to",
        "toward",
        "towards",
        "under",
        "underneath",
        "unlike",
        "until",
        "up",
        "upon",
        "versus",
        "via",
        "von",
        "when",
        "where",
        "which",
        "while",
        "with",
        "within",
        "without",
        "yet",
        "zu",
        "zum",
        "is",
        "are",
        "do",
        "does",
        "how",
        "what",
        "why",
        "can",
    }
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_USABLE_KEY = re.compile(r"[^\s,{}()=\"#%'\\~]+")
NO_AUTHOR = "anon"


def _ascii_words(text: str) -> list[str]:
    return _ASCII_WORD.findall(fold(text))


def family_name(name: str, family: str | None = None) -> str:
    """The family name of ``Jörg Müller``, ``Müller, Jörg`` or ``Martin Luther King Jr.``,
    folded to ASCII letters (``muller``); an organisation's name gives its last word. With
    the ``family`` its file gave (``Paper.family_of``), that one, words run together
    (``Grenier Ouimet``: ``grenierouimet``)."""
    if family:
        return "".join(_ascii_words(family))
    if "," in name:
        family = name.split(",", 1)[0]
        return "".join(_ascii_words(family))
    words = [w for w in name.split() if fold(w).strip(".") not in _NAME_SUFFIXES] or name.split()
    return "".join(_ascii_words(words[-1])) if words else ""


def own_key(paper: Paper) -> str | None:
    """The source's key when it can be used in LaTeX and pandoc as it is, or once
    ASCII-folded (``ascii_key``)."""
    return _usable(paper.citekey)


def generated_key(paper: Paper) -> str:
    """``wang2024catastrophic``: family name, year, first significant title word."""
    return _generated(paper.authors, paper.name_forms, paper.year, paper.title)


def _generated(
    authors: tuple[str, ...], forms: tuple[str | tuple[str, str], ...], year: int | None, title: str
) -> str:
    first = authors[0] if authors else ""
    family = family_name(first, family_in(forms, first) if forms else None)
    title_words = [w for w in _ascii_words(title) if w not in _SKIP_WORDS]
    return (family or NO_AUTHOR) + str(year or "") + "".join(title_words[:1])


def _usable(key: str | None) -> str | None:
    """The key as LaTeX can cite it (``ascii_key``), or None when it cannot be one."""
    if not key:
        return None
    key = key if key.isascii() else ascii_key(key)
    return key if key and _USABLE_KEY.fullmatch(key) else None


# Letters that decompose to no ASCII letter, spelled out in ASCII (``ß``: ``ss``).
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
)  # fmt: skip


def ascii_key(key: str) -> str:
    """``Gödel1931ÜberFU`` -> ``Godel1931UberFU``, case kept: accents dropped, a few letters
    spelled out (``Sætra``: ``Saetra``), dashes made hyphens; ``""`` when a character has
    no ASCII form (``李2020深度`` would be left ``2020``: the paper gets a key made for it)."""
    decomposed = unicodedata.normalize("NFKD", key.translate(_LETTERS))
    kept = []
    for char in decomposed:
        if char.isascii():
            kept.append(char)
        elif unicodedata.category(char) == "Pd":
            kept.append("-")
        elif not unicodedata.combining(char):
            return ""
    return "".join(kept)


def base_key(paper: Paper) -> str:
    """The key a paper asks for before clashes are settled."""
    return own_key(paper) or generated_key(paper)


def _base_keys(papers: Sequence[Paper]) -> list[str]:
    """``base_key`` of every paper, read from its fields (``core.store.field_values``:
    a store's rows are not made papers for it)."""
    years = years_of(papers)
    return [
        _usable(own) or _generated(authors, forms, year, title)
        for own, authors, forms, year, title in zip(
            field_values(papers, "citekey"),
            field_values(papers, "authors"),
            field_values(papers, "name_forms"),
            years,
            field_values(papers, "title"),
            strict=True,
        )
    ]


def key_suffix(number: int) -> str:
    """``a`` ... ``z``, ``aa``, ``ab`` ... (from 0): Better BibTeX's disambiguation letters."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citation_keys(papers: Sequence[Paper]) -> list[str]:
    """Unique keys, in the papers' order (case-insensitively unique, as BibTeX compares)."""
    bases = _base_keys(papers)
    first: dict[str, int] = {}
    clashes: dict[str, list[int]] = {}  # only keys asked for twice get a list (70k lists cost)
    for index, base in enumerate(bases):
        folded = base.casefold()
        if folded in first:
            clashes.setdefault(folded, [first[folded]]).append(index)
        else:
            first[folded] = index
    keys = list(bases)
    taken = set(first)
    for folded in sorted(clashes):  # in key order, so which suffix is free never depends on order
        members = clashes[folded]
        # Whose own key it is first, as its file wrote it before one folded to it.
        members.sort(
            key=lambda i: (
                own_key(papers[i]) != bases[i],
                papers[i].citekey != bases[i],
                papers[i].id,
                i,
            )
        )
        letters = count()
        for index in members[1:]:
            candidate = bases[index] + key_suffix(next(letters))
            while candidate.casefold() in taken:
                candidate = bases[index] + key_suffix(next(letters))
            keys[index] = candidate
            taken.add(candidate.casefold())
    return keys
