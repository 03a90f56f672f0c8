"""BibTeX field values: ``@string`` macros and ``#`` concatenation, names, LaTeX to Unicode.

``tex_to_text`` converts the LaTeX that real bibliographies use (accents such
as ``{\\'e}``, ``\\textquoteright``, case-protecting braces, ``--``) with a few
regular expressions, and hands anything else (math, unknown macros, URLs) to
pylatexenc through ``text.latex.latex_to_text``. pylatexenc takes about half a
millisecond a field, which on a 22,000-entry file is seconds; the fast path
takes microseconds and gives the same text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, NamedTuple

from paperbrowse.core.formats.names import recorded_family
from paperbrowse.core.text.clean import (
    clean_line,
    clean_paragraphs,
    find_urls,
    squashed,
    strip_control,
)
from paperbrowse.core.text.latex import (
    curly_single_quotes,
    latex_to_text,
    scripts_grouped,
    spaced_operators,
)

# BibTeX's predefined month macros.
MONTH_MACROS: dict[str, str] = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}

# --- values: "quoted" # {braced} # macro # 2021 ---------------------------------

_MACRO_NAME = re.compile(r"[^\s\"#%'(),={}]+")
# The most text one value may expand to. Each "@string{a2 = a1 # a1}" doubles the one
# before, so forty lines (a "billion laughs") would otherwise ask for a terabyte; no
# real field or macro comes near a megabyte.
MAX_VALUE_CHARS = 1 << 20


class ValueTooLarge(ValueError):
    """A value whose macros would expand it past the limit given; nothing was joined."""

    def __init__(self, size: int) -> None:
        super().__init__(f"would expand to {size:,} characters")
        self.size = size


def evaluate(
    raw: str, strings: dict[str, str], limit: int = MAX_VALUE_CHARS
) -> tuple[str, list[str]]:
    """The text of a raw field value, and the names of any undefined macros in it.

    ``strings`` maps lower-case macro names to their text. An undefined macro
    is kept as its own name, as BibTeX does after warning. Raises ValueTooLarge
    rather than expand macros past ``limit`` characters (text written out in
    the file is never refused: it is no larger than the file).
    """
    raw = raw.strip()
    if "#" not in raw:  # the common case: one piece
        text, undefined = _piece(raw, strings)
        if len(text) > limit:  # a macro (no copy made yet: the text is the macro's own)
            _check_size(len(text), raw, limit)
        return text, undefined
    texts: list[str] = []
    undefined = []
    for piece in _split_concatenation(raw):
        text, missing = _piece(piece, strings)
        texts.append(text)
        undefined.extend(missing)
    _check_size(sum(map(len, texts)), raw, limit)  # before joining spends the memory
    return "".join(texts), undefined


def written_out(raw: str) -> str | None:
    """The text of a value written out in one pair of braces or quotes, with no ``#``
    (``{Deep Learning}``, ``"2016"``): what ``evaluate`` gives it, which cannot be too
    large (no macro). None for any other value (macros, numbers, concatenations)."""
    raw = raw.strip()
    if not raw or "#" in raw:
        return None
    first, last = raw[0], raw[-1]
    if (first == "{" and last == "}") or (first == '"' and last == '"'):
        return raw[1:-1]
    return None


def _check_size(size: int, raw: str, limit: int) -> None:
    if size > limit and size > len(raw):
        raise ValueTooLarge(size)


def _piece(piece: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    if not piece:
        return "", []
    first = piece[0]
    if (first == "{" and piece[-1] == "}") or (first == '"' and piece[-1] == '"'):
        return piece[1:-1], []
    if piece.isdigit():
        return piece, []
    if _MACRO_NAME.fullmatch(piece):
        value = strings.get(piece.lower())
        return (piece, [piece]) if value is None else (value, [])
    return piece, []


def _split_concatenation(raw: str) -> list[str]:
    """``"a" # b # {c # d}`` -> ``['"a"', 'b', '{c # d}']``: split on ``#`` outside delimiters."""
    pieces: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted and raw[index - 1 : index] != "\\":
            pieces.append(raw[start:index].strip())
            start = index + 1
    pieces.append(raw[start:].strip())
    return pieces


# --- comments: BibTeX has none inside an entry, but people write them there ----------


def field_name(key: str) -> str:
    """A field's name as bibtexparser read it, lower-cased, without the ``%`` comment lines
    it read into it (``% from Scholar\\n  author``: a comment between two fields)."""
    if "%" in key:
        key = "\n".join(line for line in key.splitlines() if not line.lstrip().startswith("%"))
    return key.strip().lower()


class CommentScan(NamedTuple):
    """Where a ``%`` comment starts in a text (None: nowhere), and the braces open and
    whether inside quotes where the scan stopped (at the comment, or the text's end)."""

    comment: int | None
    depth: int
    quoted: bool


# What a comment's scan looks at: an escaped character (skipped), a brace, a quote, a "%".
_COMMENT_MARKS = re.compile(r'\\.|[{}"%]', re.DOTALL)


def comment_scan(text: str, depth: int = 0, quoted: bool = False, top: int = 0) -> CommentScan:
    """Find a ``%`` comment in BibTeX ``text``: a ``%`` outside any value, from ``depth``
    braces open (and ``quoted``) at its start; ``top``, the braces open outside any value
    (0 in a value alone, 1 in an entry). A ``%`` in braces or quotes, or escaped, is text.
    (Only those characters are looked at: an abstract is a few, not a thousand.)"""
    for mark in _COMMENT_MARKS.finditer(text):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == '"' and depth == top:
            quoted = not quoted
        elif char == "%" and depth <= top and not quoted:
            return CommentScan(mark.start(), depth, quoted)
    return CommentScan(None, depth, quoted)


def without_trailing_comment(raw: str) -> str:
    """A raw value without the ``%`` comments after it (``{A Paper} % from Scholar``, read
    into the value where no comma followed it), each to its line's end: a field read into
    the value with it (``\n author = {...}``, no comma either) is kept for the repair. A
    ``%`` in braces or quotes, or escaped, is text."""
    if "%" not in raw:
        return raw
    lines = raw.split("\n")
    depth, quoted, cut = 0, False, False
    for number, line in enumerate(lines):
        comment, depth, quoted = comment_scan(line, depth, quoted)
        if comment is not None:
            lines[number], cut = line[:comment].rstrip(), True
    return "\n".join(lines).rstrip() if cut else raw


# A field name and "=" where a value has ended: the comma before that field was left out,
# and bibtexparser reads the field into the value before it ("{Smith, John}\n year = {2020}").
_NEXT_FIELD = re.compile(r"(?:(?<=[}\"])\s*|(?<=\w)\s+)([A-Za-z][\w.:+-]*)\s*=\s*")


class SwallowedField(NamedTuple):
    """One field of a value that swallowed others (``split_fields``)."""

    name: str  # "" for the field the value was read as
    raw: str
    ends_at: int  # where its value ends in the whole: the missing comma belongs there


def split_fields(raw: str) -> list[SwallowedField]:
    """A raw value and the fields it swallowed where commas were left out:
    ``{Smith, John}\\n year = {2020}`` -> ``[('', '{Smith, John}', 13), ('year', '{2020}',
    28)]``; one field, ``('', raw, len(raw))``, when it swallowed none (an ``=`` inside
    braces or quotes is text).

    One pass over the value's braces and quotes, whatever the number of ``=`` in it (an
    abstract's ``$x = y$``): each was looked for from the value's start, and a 378 KB
    abstract full of them took 136 s."""
    pieces: list[SwallowedField] = []
    name = ""
    start = scanned = depth = 0
    quoted = False
    for match in _NEXT_FIELD.finditer(raw):
        for delimiter in _DELIMITER.finditer(raw, scanned, match.start()):
            char = delimiter.group()
            if char == "{":
                depth += 1
            elif char == "}":
                depth = max(depth - 1, 0)
            elif depth == 0:
                quoted = not quoted
        scanned = match.start()
        if depth == 0 and not quoted:
            # (The match starts right after the value's last character: no space to strip.)
            pieces.append(SwallowedField(name, raw[start : match.start()].strip(), match.start()))
            name, start = match.group(1), match.end()
    pieces.append(SwallowedField(name, raw[start:].strip(), len(raw)))
    return pieces


_DELIMITER = re.compile(r'[{}"]')


# --- names: "Last, First and von Last, Jr, First and {Org and Co}" ---------------

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split where ``separator`` matches outside braces."""
    if "{" not in text:
        return separator.split(text)
    parts: list[str] = []
    start = 0
    for match in separator.finditer(text):
        if _depth(text[: match.start()]) == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def _depth(text: str) -> int:
    # BibTeX counts every brace, escaped or not, when it splits names.
    return text.count("{") - text.count("}")


_COMMA = re.compile(r"\s*,\s*")


@lru_cache(maxsize=4)
def _written_names(value: str) -> tuple[str, ...]:
    """The names of a BibTeX name list as written (``Smith, John``), each stripped, empty
    ones left out. Remembered for the few lists of the entry at hand: its author list is
    asked for by ``split_names``, ``literal_names`` and ``family_names`` in turn, and was
    split by each."""
    parts = (raw.strip() for raw in split_top_level(value.strip(), _AND))
    return tuple(raw for raw in parts if raw)


def split_names(value: str) -> tuple[tuple[str, ...], bool]:
    """Display names (``First Last``) from a BibTeX name list; True when it ends ``and others``."""
    names: list[str] = []
    et_al = False
    for raw in _written_names(value):
        if raw.lower() == "others":
            et_al = True
            continue
        name = display_name(raw)
        if name:
            names.append(name)
    return tuple(names), et_al


def literal_names(*values: str) -> tuple[str, ...]:
    """The names in BibTeX name lists written whole in one pair of braces, as displayed:
    ``{Hugging Face}`` is one name to BibTeX, never split into first and last names."""
    found: list[str] = []
    for value in values:
        if "{" not in value:
            continue  # (most lists: no scan)
        for raw in _written_names(value):
            if raw.startswith("{") and raw.endswith("}") and _one_group(raw):
                name = display_name(raw)
                if " " in name:  # (a single word is never split anyway)
                    found.append(name)
    return tuple(dict.fromkeys(found))


def family_names(*values: str) -> tuple[tuple[str, str], ...]:
    """(name, family name) of the names in BibTeX name lists whose family name, as written
    (``Grenier Ouimet, Antoine``, ``Antoine {Grenier Ouimet}``), is not where splitting the
    displayed name would put it (``names.recorded_family``: ``Paper.family_names``)."""
    found: list[tuple[str, str]] = []
    for value in values:
        if "," not in value and "{" not in value:
            continue  # (names in reading order only: BibTeX splits them as we do)
        for raw in _written_names(value):
            pair = _written_family(raw)
            if pair is not None:
                found.append(pair)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def _written_family(raw: str) -> tuple[str, str] | None:
    """(name, family name) of one BibTeX name, when its family name is not the split's."""
    if raw.startswith("{") and raw.endswith("}") and _one_group(raw):
        return None  # written whole (``literal_names``)
    parts = split_top_level(raw, _COMMA)
    if len(parts) >= 2:  # von Last, First; von Last, Jr, First
        written = parts[0]
    elif "{" in raw:  # First {von Last}: BibTeX's grammar, braces and all (bibtexparser's)
        written = _braced_family(raw)
    else:
        return None
    family = tidy_line(tex_to_text(written.strip())[0])
    return recorded_family(display_name(raw), family) if family else None


def _braced_family(raw: str) -> str:
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(raw, strict=False)
    except (InvalidNameError, ValueError, IndexError):
        return ""
    return " ".join([*parts.von, *parts.last]) if parts is not None else ""


def _one_group(raw: str) -> bool:
    """Whether the brace that opens ``raw`` closes at its end: ``{Hugging Face}``, not
    ``{\\'E}mile {Zola}``."""
    depth = 0
    for place, char in enumerate(raw):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return place == len(raw) - 1
    return False


@lru_cache(maxsize=65536)
def display_name(raw: str) -> str:
    """``Müller, Jörg`` -> ``Jörg Müller``; ``King, Jr, Martin`` -> ``Martin King Jr``."""
    parts = [p.strip() for p in split_top_level(raw, _COMMA)]
    if len(parts) == 2:
        ordered = [parts[1], parts[0]]
    elif len(parts) >= 3:
        ordered = [", ".join(parts[2:]), parts[0], parts[1]]
    else:
        ordered = parts
    return tidy_line(tex_to_text(" ".join(p for p in ordered if p))[0])


# --- clean text, quickly -------------------------------------------------------


def _is_tidy(text: str) -> bool:
    # isprintable() is False for control codes, newlines, tabs and every odd space
    # (no-break, zero-width, bidi overrides), which is what the cleaners change.
    return text.isprintable() and "  " not in text


def tidy_line(text: str) -> str:
    """``clean_line`` with a fast path for text that is already one clean line."""
    return text.strip() if _is_tidy(text) else clean_line(text)


def tidy_paragraphs(text: str) -> str:
    """``clean_paragraphs`` with the same fast path."""
    return text.strip() if _is_tidy(text) else clean_paragraphs(text)


def urls_in(text: str) -> list[str]:
    """``find_urls``, skipping the scan when the text cannot hold a URL."""
    return find_urls(text) if "://" in text or "www." in text else []


# --- LaTeX -> Unicode -----------------------------------------------------------


def _may_hold_url(text: str) -> bool:
    return "://" in text or "www." in text or "\\url" in text or "\\href" in text


def has_latex(text: str) -> bool:
    """Whether the text may hold LaTeX. A plain ``in`` per marker beats one regex here, and
    written out they beat a generator over them (1 µs of 2 on an abstract)."""
    return (
        "\\" in text
        or "{" in text
        or "}" in text
        or "$" in text
        or "~" in text
        or "--" in text
        or "`" in text  # a single quote opens with one (`fair')
        or "''" in text
    )


# Private-use stand-ins for escaped characters while braces are stripped.
_KEEP = {
    "&": "&",
    "%": "%",
    "_": "_",
    "#": "#",
    "$": "\ue000",
    "{": "\ue001",
    "}": "\ue002",
    " ": " ",
    ",": " ",
    ";": " ",
    ":": " ",
    "-": "",
    "/": "",
    "@": "",
}
_RESTORE = str.maketrans(
    {
        "\ue000": "$",
        "\ue001": "{",
        "\ue002": "}",
        "\ue003": "\\",
        "\ue004": "~",
        "\ue005": "`",  # (two are no opening quotes: ``\textasciigrave{}\textasciigrave{}``)
    }
)
_PLACEHOLDERS = "\ue000\ue001\ue002\ue003\ue004\ue005"
_PRIVATE_USE = re.compile("[\ue000-\ue011]")


def _holds_private_use(text: str) -> bool:
    """Whether the text holds a private-use character that our placeholders (and
    ``kept_case_spans``'s marks) would clash with. ASCII text holds none, which is known at
    once: the regex scan takes 3 µs an abstract."""
    return not text.isascii() and _PRIVATE_USE.search(text) is not None


def _holds_placeholder(text: str) -> bool:
    """Whether the text holds one of our placeholders (``_RESTORE``'s): a plain ``in``
    each, not a regex scan (7 µs on an abstract made non-ASCII by a dash)."""
    return not text.isascii() and any(mark in text for mark in _PLACEHOLDERS)


_ESCAPE = re.compile(r"\\([&%_#${} ,;:\-/@])")

_ACCENTS = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
}
_BASE = r"(?:\\([ij])(?![A-Za-z])|([A-Za-z]))"
# \'e  \'{e}  \' e  \'\i  \'{\i}  and the letter accents \c{c}  \c c  \v{s}
_SYMBOL_ACCENT = re.compile(r"\\([`'^~=.\"])\s*(?:\{\s*" + _BASE + r"\s*\}|" + _BASE + ")")
_LETTER_ACCENT = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*" + _BASE + r"\s*\}|\s+" + _BASE + ")")

_NAMED = {
    "textquoteright": "\u2019",
    "textquoteleft": "\u2018",
    "textquotedblleft": "\u201c",
    "textquotedblright": "\u201d",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "ldots": "\u2026",
    "dots": "\u2026",
    "textellipsis": "\u2026",
    "l": "\u0142",
    "L": "\u0141",
    "o": "\u00f8",
    "O": "\u00d8",
    "ss": "\u00df",
    "ae": "\u00e6",
    "AE": "\u00c6",
    "oe": "\u0153",
    "OE": "\u0152",
    "aa": "\u00e5",
    "AA": "\u00c5",
    "i": "\u0131",
    "j": "\u0237",
    "textdegree": "\u00b0",
    "textregistered": "\u00ae",
    "texttrademark": "\u2122",
    "copyright": "\u00a9",
    "textcopyright": "\u00a9",
    "textasciitilde": "\ue004",
    "textasciicircum": "^",
    "textasciigrave": "\ue005",
    "textbackslash": "\ue003",
    "textunderscore": "_",
    "textbar": "|",
    "hyphen": "-",  # biblatex's breakable hyphen (``methodology\hyphen independent``)
    "textless": "<",
    "textgreater": ">",
    "textbullet": "\u2022",
    "dag": "\u2020",
    "ddag": "\u2021",
    "S": "\u00a7",
    "P": "\u00b6",
    "pounds": "\u00a3",
    "euro": "\u20ac",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "BibTeX": "BibTeX",
    "textquotesingle": "'",
    "textquotedbl": '"',
    "guillemotleft": "\u00ab",
    "guillemotright": "\u00bb",
    "quad": " ",
    "qquad": " ",
    "relax": "",
    "protect": "",
    "noopsort": "",
    "textexclamdown": "\u00a1",
    "textquestiondown": "\u00bf",
    "textbraceleft": "\ue001",
    "textbraceright": "\ue002",
}
_NAMED_MACRO = re.compile(r"\\([A-Za-z]+)(?:\s*\{\}|(?![A-Za-z])\s*)")
# Macros whose braced argument is shown as is: \emph{x} -> x.
_STYLE = re.compile(
    r"\\(?:emph|textit|textbf|textsc|texttt|textrm|textsf|textup|textsl|textmd|textnormal"
    r"|mbox|hbox|text|nocase|NoCaseChange|bibstring|mkbibquote|enquote|it|bf|sc|em|rm|tt"
    r"|ensuremath|mathrm|mathbf|mathit|mathsf|mathtt|mathcal|mathbb|mathfrak|mathscr"
    r"|boldsymbol|operatorname)"
    r"(?![A-Za-z])\s*"
)
# Blackboard bold, as pylatexenc gives it (``\mathbb{R}`` is ℝ): a letter (a digit stays).
_DOUBLE_STRUCK = re.compile(r"\\mathbb\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")
_DOUBLE_STRUCK_OWN = {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}


def _double_struck(match: re.Match[str]) -> str:
    character = match.group(1) or match.group(2)
    if character in _DOUBLE_STRUCK_OWN:  # (Unicode's letterlike symbols, older than the rest)
        return _DOUBLE_STRUCK_OWN[character]
    case = "CAPITAL " if character.isupper() else "SMALL "
    return unicodedata.lookup("MATHEMATICAL DOUBLE-STRUCK " + case + character.upper())


_MATH_ACCENTS = {
    "ddot": "\u0308",
    "hat": "\u0302",
    "widehat": "\u0302",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "bar": "\u0304",
    "overline": "\u0305",
    "dot": "\u0307",
    "vec": "\u20d7",
    "acute": "\u0301",
    "grave": "\u0300",
    "breve": "\u0306",
    "check": "\u030c",
}
_MATH_ACCENT = re.compile(r"\\(" + "|".join(_MATH_ACCENTS) + r")\s*\{\s*([A-Za-z])\s*\}")
_LIGATURES = (
    ("---", "\u2014"),
    ("--", "\u2013"),
    ("``", "\u201c"),
    ("''", "\u201d"),
    ("~", "\u00a0"),
)


def _accent(match: re.Match[str]) -> str:
    # The base letter is the one group after the accent's that matched: the last.
    return accented(match.group(1), match.group(match.lastindex or 0))


@lru_cache(maxsize=1024)
def accented(accent: str, base: str) -> str:
    """A letter and its accent composed. Remembered: a few (``\\'e``, ``\\`a``) are
    most of a file's (the ACL Anthology's abstracts hold 10,622 ``\\'e``)."""
    return unicodedata.normalize("NFC", base + _ACCENTS[accent])


def _named(match: re.Match[str]) -> str:
    name = match.group(1)
    replacement = _NAMED.get(name)
    if replacement is not None:
        return replacement  # TeX drops the space after a control word: "\\l ukasz"
    symbol = _pylatexenc_symbols().get(name)
    if symbol is None:
        return match.group(0)
    # Math symbols keep the space a reader expects: "$\\log n$" -> "log n".
    return symbol + (" " if match.group(0)[-1:].isspace() else "")


@lru_cache(maxsize=1)
def _pylatexenc_symbols() -> dict[str, str]:
    """pylatexenc's argument-free macros with a plain-text replacement (``\\alpha`` -> α).

    Not those that take an argument and print a stand-in for it (``\\cite`` is
    ``<cit.>``, ``\\ref`` ``<ref>``): here their argument would follow the stand-in
    (``<cit.>RS13,SALS15``), where ``text.latex`` reads them whole (``[RS13,SALS15]``)."""
    from pylatexenc.latex2text import get_default_latex_context_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db

    db = get_default_latex_context_db()
    walker = walker_db()
    table: dict[str, str] = {}
    for category in db.categories():
        for spec in db.iter_macro_specs([category]):
            replacement = spec.simplify_repl
            if (
                isinstance(replacement, str)
                and "%" not in replacement
                and not _takes_argument(walker, spec.macroname)
            ):
                table[spec.macroname] = replacement
    return table


def _takes_argument(walker: Any, name: str) -> bool:
    """Whether pylatexenc's walker reads a braced argument after the macro."""
    parser = getattr(walker.get_macro_spec(name), "args_parser", None)
    return "{" in str(getattr(parser, "argspec", "") or "")


def _math_accent(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", match.group(2) + _MATH_ACCENTS[match.group(1)])


def fast_tex_to_text(text: str) -> str | None:
    """Unicode from common bibliography LaTeX, or None when the text needs pylatexenc."""
    if "`" in text:  # (before escapes become characters: \textasciigrave is no quote)
        text = curly_single_quotes(text)
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: _KEEP[m.group(1)], text)
    text = scripts_grouped(text)  # (before the braces go: ``ℝ^(d× d)``, as pylatexenc's)
    if "\\" in text:
        text = spaced_operators(text)  # (before _STYLE drops \operatorname)
        if "mathbb" in text:
            text = _DOUBLE_STRUCK.sub(_double_struck, text)
        text = _SYMBOL_ACCENT.sub(_accent, text)
        text = _LETTER_ACCENT.sub(_accent, text)
        text = _MATH_ACCENT.sub(_math_accent, text)
        text = _STYLE.sub("", text)
        text = _NAMED_MACRO.sub(_named, text)
        if "\\" in text:
            return None
    if "$" in text and text.count("$") % 2 == 0:
        # Inline math reads as text once its macros are gone; a lone "$" is a dollar.
        text = text.replace("$", "")
    for ligature, replacement in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, replacement)
    text = text.replace("{", "").replace("}", "")
    if _holds_placeholder(text):
        text = text.translate(_RESTORE)
    return text


# Mendeley escapes the LaTeX it exports as if it were text: a backslash becomes
# ``$\backslash$``, a brace ``\{``, an underscore ``\_`` (``\{$\backslash$rm ln\}``,
# ``$\backslash$ell\_1``, ``Chang, Keng$\backslash$-hao``). Read back, each is what the
# LaTeX was: a command (``\rm``), an escaped character (``$\backslash$\%``, ``\%``:
# Mendeley's own escape of the character is dropped), a hyphen (``Keng-hao``: LaTeX's
# ``\-`` would print none, and the name has one), a literal brace (``$\backslash$\{``);
# in a Windows path (``C:$\backslash$Users``, ``_WINDOWS_PATH``), a backslash.
# (A word runs up to an address, which Mendeley writes straight after ``\url``.)
_MENDELEY_BACKSLASH = re.compile(
    r"\$\\backslash\$(?:([A-Za-z]+?(?=(?:https?|ftp)://|www\.)|[A-Za-z]+)|(-)|\\?([{}&%_#$]))?"
)
_ESCAPED_BRACE_WORDS = {"{": "\\textbraceleft{}", "}": "\\textbraceright{}"}
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def _mendeley_backslash(match: re.Match[str]) -> str:
    word, hyphen, escaped = match.groups()
    if word:  # a command (``\rm``, ``\LaTeX``); a path's backslashes are read before
        return "\\" + word
    if hyphen:
        return "-"
    if escaped:
        return _ESCAPED_BRACE_WORDS.get(escaped, "\\" + escaped)
    return "\\textbackslash{}"  # before a space or a digit: a backslash as text


# A Windows path, as Mendeley escapes it (``C:$\backslash$Users``, a share's
# ``$\backslash$$\backslash$server``): each backslash in it is one, whatever the folder's name
# (``$\backslash$text`` there is a folder, not the command). A drive is a capital letter.
_ESCAPED = re.escape("$\\backslash$")
# A folder's name may hold a space when a backslash follows its next word ("My Papers").
_PATH_CHAR = r"[^\s$\\{}]"
_WINDOWS_PATH = re.compile(
    rf"(?<![A-Za-z0-9])(?:[A-Z]:{_ESCAPED}|{_ESCAPED}{_ESCAPED}[A-Za-z0-9])"
    rf"(?:{_ESCAPED}|{_PATH_CHAR}| (?={_PATH_CHAR}+{_ESCAPED}))+"
)


def _windows_path(match: re.Match[str]) -> str:
    following = match.string[match.end() : match.end() + 1]
    # A command's argument follows (``A:$\backslash$textbf\{x\}``): no path.
    if following in ("{", "\\") or following.isalnum():
        return match.group(0)
    return match.group(0).replace("$\\backslash$", "\\textbackslash{}")


def mendeley_unescaped(raw: str) -> str:
    r"""A value Mendeley escaped, as the LaTeX it was: ``\{$\backslash$rm ln\}`` ->
    ``{\rm ln}``, ``Keng$\backslash$-hao`` -> ``Keng-hao``; other values as they are.

    Its escaped braces are read as braces outside math (``$\{0,1\}$`` is a set) where
    they pair up; a value with no ``$\backslash$`` is no sign of Mendeley's escaping."""
    if "$\\backslash$" not in raw:
        return raw
    raw = _WINDOWS_PATH.sub(_windows_path, raw)
    pieces = _UNESCAPED_DOLLAR.split(_MENDELEY_BACKSLASH.sub(_mendeley_backslash, raw))
    for number in range(0, len(pieces), 2):  # outside math
        piece = pieces[number]
        if piece.count("\\{") == piece.count("\\}"):
            pieces[number] = piece.replace("\\{", "{").replace("\\}", "}")
    return "$".join(pieces)


def tex_to_text(text: str) -> tuple[str, list[str]]:
    """Plain Unicode from a field value, and the URLs found in it (control codes stripped)."""
    text = strip_control(text)
    if not has_latex(text):
        return text, []
    if "$\\backslash$" in text:  # every field of a Mendeley export: names, abstracts
        text = mendeley_unescaped(text)
    if "\\{''}" in text:
        # The ACL Anthology writes \" as \{''} inside "quoted" values: Sepp{\{''}a}l{\{''}a}.
        text = text.replace("\\{''}", '\\"')
    if _holds_private_use(text):  # our placeholders would clash: the slow path
        return latex_to_text(text)
    if not _may_hold_url(text):
        converted = fast_tex_to_text(text)
        return (converted, []) if converted is not None else latex_to_text(text)
    protected, kept, links = _protect_urls(text)
    converted = fast_tex_to_text(protected)
    if converted is None:
        return latex_to_text(text)
    return _KEPT.sub(lambda m: kept[int(m.group(1))], converted), links


_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_URL_CHARS = "[^\\s<>\"'{}\\\\^`|\ue010\ue011]+"
_RAW_URL = re.compile(r"(?:https?|ftp)://" + _URL_CHARS + r"|www\.[A-Za-z0-9-]+\." + _URL_CHARS)
_KEPT = re.compile("\ue010(\\d+)\ue011")


def _protect_urls(text: str) -> tuple[str, list[str], list[str]]:
    """URLs swapped for placeholders that LaTeX rules leave alone (``~``, ``_``, ``%`` in URLs)."""
    kept: list[str] = []
    links: list[str] = []

    def keep(url: str) -> str:
        links.extend(find_urls(url))  # web links only: no javascript:
        kept.append(url)
        return f"\ue010{len(kept) - 1}\ue011"

    def href(match: re.Match[str]) -> str:
        url, label = match.group(1).strip(), match.group(2).strip()
        if not label or label.replace("\\", "") == url:
            return keep(url)
        links.extend(find_urls(url))  # web links only: no javascript:
        return label

    text = _HREF.sub(href, text)
    text = _URL_MACRO.sub(lambda m: keep(m.group(1).strip()), text)
    text = _RAW_URL.sub(lambda m: keep(m.group(0)), text)
    return text, kept, list(dict.fromkeys(links))


# --- case protected by braces ---------------------------------------------------------

_KEPT_OPEN, _KEPT_CLOSE = "\ue020", "\ue021"
_MACRO_BEFORE = re.compile(r"\\(?:[A-Za-z]+|.)\s*$")
_CAPITALISED = re.compile(r"(?<!\S)[^\W\d_][^\s]*")


def _mark_kept_case(raw: str) -> tuple[str, bool] | None:
    """``in {New York}`` with its protecting braces swapped for marks, and whether every
    protecting group is doubled (``{{New York}}``); braces that hold a macro's argument
    (``\\emph{x}``, ``\\"{u}``) or a special character (``{\\"u}``) are not protection.
    None when the braces do not balance."""
    out: list[str] = []
    opened: list[tuple[int, bool]] = []  # per open brace: where, and whether it protects
    closed_at: dict[int, int] = {}  # open brace -> its closing brace
    protecting: list[int] = []
    for index, char in enumerate(raw):
        escaped = index > 0 and raw[index - 1] == "\\"
        if char == "{" and not escaped:
            protects = (
                not opened
                and not raw.startswith("\\", index + 1)
                and not _MACRO_BEFORE.search(raw, max(0, index - 40), index)
            )
            opened.append((index, protects))
            protecting += [index] if protects else []
            out.append(_KEPT_OPEN if protects else char)
        elif char == "}" and not escaped:
            if not opened:
                return None
            start, protects = opened.pop()
            closed_at[start] = index
            out.append(_KEPT_CLOSE if protects else char)
        else:
            out.append(char)
    if opened:
        return None
    doubled = all(closed_at.get(at + 1) == closed_at[at] - 1 for at in protecting)
    return "".join(out), doubled


def kept_case_spans(raw: str, title: str) -> tuple[tuple[int, int], ...]:
    """Where ``title`` (``raw`` as converted) was in protecting braces: ``{New York}``,
    ``{M}{\\"u}ller``; sentence case leaves those words as written. Empty when there are
    none, when the braces cannot be placed in the title for certain, or when they are a
    blanket: every capitalised word in double braces (``{{Explaining}} the
    {{Predictions}}``, as Zotero exports a title), which says nothing of which are names."""
    if "{" not in raw or _holds_private_use(raw):
        return ()
    marked = _mark_kept_case(strip_control(raw))
    if marked is None or _KEPT_OPEN not in marked[0]:
        return ()
    converted = fast_tex_to_text(marked[0])
    if converted is None:
        return ()
    spans: list[tuple[int, int]] = []
    plain: list[str] = []
    start = 0
    for char in converted.lstrip():
        if char == _KEPT_OPEN:
            start = len(plain)
        elif char == _KEPT_CLOSE:
            if len(plain) > start:
                spans.append((start, len(plain)))
        elif squashed(char):  # one space, as the title's own were (a title that wraps)
            if plain and plain[-1] != " ":
                plain.append(" ")
        else:
            plain.append(char)
    if not title.startswith("".join(plain).rstrip()):  # tidied otherwise: not to be trusted
        return ()
    if marked[1] and _covers_every_capital(title, spans):
        return ()
    return tuple(spans)


def _covers_every_capital(title: str, spans: list[tuple[int, int]]) -> bool:
    capitals = (w for w in _CAPITALISED.finditer(title) if w.start() > 0 and w[0][0].isupper())
    return all(any(a < word.end() and word.start() < b for a, b in spans) for word in capitals)
