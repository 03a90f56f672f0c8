"""Papers as BibTeX that reads back the same: in paperbrowse, bibtexparser, BibTeX and biber.

Values are braced and UTF-8; only LaTeX's special characters are escaped, and
character pairs that LaTeX would turn into ligatures (``--``, ``''``) are
split with ``{}``. Words with capitals inside (``BERT``, ``GPT-3``) are
braced in titles so bibliography styles keep their case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from paperbrowse.core.categories import category_name
from paperbrowse.core.formats import Tags
from paperbrowse.core.formats.bibvalues import MONTH_MACROS
from paperbrowse.core.formats.names import bibtex_name_order, is_organisation
from paperbrowse.core.models import Paper

_SPECIAL = {
    "\\": "\\textbackslash{}",
    "%": "\\%",
    "&": "\\&",
    "#": "\\#",
    "$": "\\$",
    "_": "\\_",
    "~": "\\textasciitilde{}",
    "^": "\\textasciicircum{}",
    "`": "\\textasciigrave{}",  # LaTeX reads a backquote as an opening quote (`fair')
}
_SPECIAL_RE = re.compile(r"[\\%&#$_~^`{}]")
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')")
_LINE_START_AT = re.compile(r"(?m)^([ \t]*)@")
_CASED_WORD = re.compile(r"(?<![\w{])(\w*[A-Z]\w*)")
_MONTHS = list(MONTH_MACROS)  # jan ... dec
_VENUE_FIELD = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
    "conference": "booktitle",
    "phdthesis": "school",
    "mastersthesis": "school",
    "thesis": "institution",
    "techreport": "institution",
    "report": "institution",
    "book": "publisher",
    "collection": "publisher",
    "proceedings": "publisher",
}
# An arXiv link's id, new style (2004.07180) or old (astro-ph/0601001), without its version.
_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf)/((?:[a-z-]+(?:\.[a-z]{2})?/)?[^\s/?#]+?)(?:v\d+)?(?:\.pdf)?$", re.I
)
# A page: digits with a letter or few around them (42, e1234, S12, 12a), or a roman numeral.
_NUMBERED = r"[A-Za-z]{0,3}\d+[A-Za-z]?"
_PAGE = rf"(?:{_NUMBERED}|[ivxlcdm]+|[IVXLCDM]+)"
# A page numbered within an article or chapter (ACM's 11:1, a book's 24.1).
_SECTIONED_PAGE = rf"{_NUMBERED}[:.]\d+"
_ONE_PAGE = re.compile(rf"{_PAGE}|{_SECTIONED_PAGE}")
# A hyphen, ``--``, a dash (en dash most often) or a minus, spaced or not, or up to three of
# them mixed (``1935–-1967`` in a real .bib was written ``---``, which LaTeX prints as an em
# dash).
_DASHES = r"\s*[-\u2010-\u2015\u2212]{1,3}\s*"
_PAGE_RANGE = re.compile(rf"\s*({_PAGE}){_DASHES}({_PAGE})\s*")
# Two sectioned pages, both ends made alike (11:1-11:37, 24.1-24.10): 11:1-37 or 1.5-2:3 may
# be something else, kept as they were.
_SECTIONED_RANGE = re.compile(rf"\s*({_NUMBERED}([:.])\d+){_DASHES}({_NUMBERED}\2\d+)\s*")
_PAGE_LIST = re.compile(r",\s+")  # 1-5, 7-9 (never "1,234": a thousands separator)
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.+/\-]")
_FILE_ESCAPE = re.compile(r"[\\:;]")  # a file field's separators, and its escape


def escape(text: str) -> str:
    """Text as a braced BibTeX value: LaTeX specials escaped, no ligatures, no ``@`` line starts."""
    balanced = _balanced(text)

    def special(match: re.Match[str]) -> str:
        char = match.group(0)
        if char in "{}":
            if balanced:
                return "\\" + char
            return "\\textbraceleft{}" if char == "{" else "\\textbraceright{}"
        return _SPECIAL[char]

    text = _SPECIAL_RE.sub(special, text)
    text = _LIGATURE.sub("{}", text)
    return _LINE_START_AT.sub(r"\1{}@", text)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def protect_case(escaped_title: str) -> str:
    """``BERT for {NLP}`` -> ``{BERT} for {NLP}``: words with capitals past the first letter."""

    def brace(match: re.Match[str]) -> str:
        word = match.group(1)
        return "{" + word + "}" if any(c.isupper() for c in word[1:]) else word

    # Only outside escapes: a word right after a backslash is a macro name.
    parts = re.split(r"(\\[A-Za-z]+\{\}|\\.)", escaped_title)
    return "".join(p if i % 2 else _CASED_WORD.sub(brace, p) for i, p in enumerate(parts))


def title_value(paper: Paper) -> str:
    """The title escaped, what the source protected (``{New York}``) braced again, and
    other words with capitals past their first letter braced (``protect_case``)."""
    title = paper.title
    pieces: list[str] = []
    done = 0
    for start, end in paper.title_kept:
        if not done <= start < end <= len(title):  # not from this title: ignored
            return protect_case(escape(title))
        pieces += [protect_case(escape(title[done:start])), "{" + escape(title[start:end]) + "}"]
        done = end
    return "".join([*pieces, protect_case(escape(title[done:]))])


def name_value(name: str, literal: bool = False, family: str | None = None) -> str:
    """One author for an ``and`` list; braced when it holds a comma or the word ``and``, or
    is an organisation's (``{Google DeepMind}``: else BibTeX reads it as ``DeepMind, G.``)
    or one its file wrote whole (``literal``: ``{Hugging Face}``); ``von Last, Jr, First``
    when it has a suffix (``Smith, Jr., John``), a ``family`` name its file gave
    (``Paper.family_of``: ``Grenier Ouimet, Antoine``), or a family name BibTeX would read
    elsewhere in reading order (``Van de Cruys, Tim``: ``bibtex_name_order``)."""
    ordered = None if literal else bibtex_name_order(name, family)
    if ordered:
        return ", ".join(_name_piece(part) for part in ordered)
    return _name_piece(name, literal)


def _name_piece(name: str, literal: bool = False) -> str:
    """A name, or one part of a name written ``von Last, Jr, First``, escaped and braced
    where BibTeX would otherwise read it as more than one name, or as a person's."""
    escaped = escape(name)
    if (
        (literal and " " in name)
        or "," in name
        or re.search(r"\band\b", name, re.I)
        or name.lower() == "others"
        or (" " in name and is_organisation(name))
    ):
        return "{" + escaped + "}"
    return escaped


def safe_key(key: str) -> str:
    """A citation key BibTeX accepts: no spaces, commas, braces, quotes or ``#%=``."""
    return _KEY_UNSAFE.sub("", key)


def bibtex_entry(paper: Paper, key: str, tags: Sequence[str] = ()) -> str:
    """One ``@type{key, ...}`` entry, fields in a conventional order; ``tags`` (the
    user's, from the marks store) as ``keywords``, as Zotero and Better BibTeX write them."""
    entry_type = paper.entry_type if paper.entry_type and paper.entry_type.isalpha() else "misc"
    fields: list[tuple[str, str]] = [("title", title_value(paper))]
    if (paper.authors or paper.et_al) and not paper.is_edited:
        fields.append(("author", names_value(paper, paper.authors, paper.et_al)))
    fields += _editors(paper)
    venue_field = _venue_field(paper, _VENUE_FIELD.get(entry_type))
    if paper.venue:
        fields.append((venue_field, escape(paper.venue)))
    fields += _publisher(paper, venue_field, "address")
    fields += _place(paper)
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields]
    if paper.date:
        lines.append(f"  year = {{{paper.date.year}}},")
        if paper.date_precision != "year":
            lines.append(f"  month = {_MONTHS[paper.date.month - 1]},")
        if paper.date_precision == "day":
            lines.append(f"  date = {{{paper.date.isoformat()}}},")
    lines += _identifiers(paper) + _files(paper) + _keywords(tags)
    if paper.abstract:
        lines.append(f"  abstract = {{{escape(paper.abstract)}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _venue_field(paper: Paper, of_its_type: str | None) -> str:
    """The field the venue goes in: its type's (``journal``, ``booktitle`` ...); for a type
    without one (``@misc``, ``@mvbook``, ``@manual``) ``publisher`` when the venue is who
    published it, else ``howpublished``: read back, a ``howpublished`` is no publisher."""
    if of_its_type:
        return of_its_type
    return "publisher" if paper.venue and paper.venue == paper.publisher else "howpublished"


def _editors(paper: Paper) -> list[tuple[str, str]]:
    if not paper.editors:
        return []
    et_al = paper.et_al and paper.is_edited  # (an edited book's "and others")
    return [("editor", names_value(paper, paper.editors, et_al))]


def names_value(paper: Paper, names: tuple[str, ...], et_al: bool = False) -> str:
    """The paper's authors or editors as an ``and`` list (``and others`` for ``et_al``)."""
    literal = paper.literal_names
    values = [name_value(name, name in literal, paper.family_of(name)) for name in names]
    return " and ".join(values + (["others"] if et_al else []))


def _publisher(paper: Paper, venue_field: str, place_field: str) -> list[tuple[str, str]]:
    """``publisher`` (unless the venue was written as it: a book's) and its place."""
    fields = []
    if paper.separate_publisher and venue_field != "publisher":
        fields.append(("publisher", escape(paper.separate_publisher)))
    if paper.publisher_place:
        fields.append((place_field, escape(paper.publisher_place)))
    return fields


def _place(paper: Paper) -> list[tuple[str, str]]:
    """Volume, number and pages (a range with BibTeX's ``--``)."""
    place = [("volume", paper.volume), ("number", paper.issue)]
    fields = [(name, escape(value).replace("–", "--")) for name, value in place if value]
    return fields + ([("pages", pages_value(paper.pages))] if paper.pages else [])


def pages_value(pages: str) -> str:
    """Page ranges with BibTeX's ``--``, which styles print as an en dash, as Better BibTeX
    writes them: Crossref's ``134-186`` (BibTeX would print a hyphen), ``134–186`` and
    ``134 - 186`` -> ``134--186``, ``1-5, 7-9`` -> ``1--5, 7--9``, ``11:1-11:37`` ->
    ``11:1--11:37``. What is not pages and ranges (``1-2-3``, ``pp. 1-5``) is kept as it was,
    an en dash still written ``--``."""
    pieces = _PAGE_LIST.split(pages.strip())
    if all(_ONE_PAGE.fullmatch(piece) or _range_ends(piece) for piece in pieces):
        return ", ".join(_page_piece(piece) for piece in pieces)
    return escape(pages).replace("–", "--")


def _range_ends(piece: str) -> tuple[str, str] | None:
    """A page range's first and last page, or None for what is not one."""
    if plain := _PAGE_RANGE.fullmatch(piece):
        return plain[1], plain[2]
    if sectioned := _SECTIONED_RANGE.fullmatch(piece):
        return sectioned[1], sectioned[3]
    return None


def _page_piece(piece: str) -> str:
    """One page as it is, or a range's two ends joined by ``--``."""
    ends = _range_ends(piece)
    return f"{ends[0]}--{ends[1]}" if ends else piece


def _identifiers(paper: Paper) -> list[str]:
    lines = []
    if paper.doi:
        lines.append(f"  doi = {{{_verbatim(paper.doi)}}},")
    if paper.url:
        lines.append(f"  url = {{{_verbatim(paper.url)}}},")
        arxiv = _ARXIV.search(paper.url)
        if arxiv:
            lines.append(f"  eprint = {{{_verbatim(arxiv.group(1))}}},")
            lines.append("  archiveprefix = {arXiv},")
    if paper.category:
        # The short arXiv codes a profile shows ("CL") are computer-science classes.
        known = category_name(paper.category) and "." not in paper.category
        category = f"cs.{paper.category}" if known else paper.category
        lines.append(f"  primaryclass = {{{escape(category)}}},")
    return lines


def _files(paper: Paper) -> list[str]:
    """``file = {:/home/u/x.pdf:PDF;...}``, as JabRef and Better BibTeX write it (their
    separators escaped), each path made absolute: it is found wherever the export goes."""
    kept = [path for path in paper.anchored_files() if "{" not in path and "}" not in path]
    if not kept:
        return []
    described = (
        ":"
        + _FILE_ESCAPE.sub(r"\\\g<0>", path)
        + (":PDF" if path.lower().endswith(".pdf") else ":")
        for path in kept
    )
    return [f"  file = {{{';'.join(described)}}},"]


def _keywords(tags: Sequence[str]) -> list[str]:
    """``keywords = {a, b}``: tags hold no comma or space (``marks.store.parse_tags``)."""
    return [f"  keywords = {{{escape(', '.join(tags))}}},"] if tags else []


def _verbatim(value: str) -> str:
    """DOIs and URLs as written (BibTeX reads url fields verbatim); braces and % escaped."""
    return value.replace("\\", "").replace("{", "%7B").replace("}", "%7D")


def bibtex_document(papers: list[Paper], keys: list[str], tags: Tags = None) -> str:
    return "\n".join(
        bibtex_entry(paper, key, tags(paper) if tags else ())
        for paper, key in zip(papers, keys, strict=True)
    )


# --- BibLaTeX -----------------------------------------------------------------------------

# BibTeX's types that BibLaTeX names otherwise: (type, the ``type`` field it then needs).
_BIBLATEX_TYPES = {
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
    "conference": ("inproceedings", None),
}
_BIBLATEX_VENUE = {"article": "journaltitle", "thesis": "institution", "report": "institution"}


def biblatex_entry(paper: Paper, key: str, tags: Sequence[str] = ()) -> str:
    """One BibLaTeX entry: ``journaltitle``, ISO ``date``, ``eprinttype``, ``@thesis``;
    ``tags`` as ``keywords`` (which biblatex's ``keyword=`` filters read)."""
    bibtex_type = paper.entry_type if paper.entry_type and paper.entry_type.isalpha() else "misc"
    entry_type, subtype = _BIBLATEX_TYPES.get(bibtex_type.lower(), (bibtex_type, None))
    fields: list[tuple[str, str]] = [("title", title_value(paper))]
    if (paper.authors or paper.et_al) and not paper.is_edited:
        fields.append(("author", names_value(paper, paper.authors, paper.et_al)))
    fields += _editors(paper)
    venue_field = _venue_field(
        paper, _BIBLATEX_VENUE.get(entry_type) or _VENUE_FIELD.get(entry_type)
    )
    if paper.venue:
        fields.append((venue_field, escape(paper.venue)))
    fields += _publisher(paper, venue_field, "location")
    fields += _place(paper)
    if subtype:
        fields.append(("type", subtype))
    if paper.date:
        fields.append(("date", paper.date_text()))
    lines = [f"@{entry_type}{{{key},"] + [f"  {name} = {{{value}}}," for name, value in fields]
    renamed = {"  archiveprefix =": "  eprinttype =", "  primaryclass =": "  eprintclass ="}
    for line in _identifiers(paper):
        name = line.split("=", 1)[0] + "="
        lines.append(renamed[name] + line[len(name) :] if name in renamed else line)
    lines += _files(paper) + _keywords(tags)
    if paper.abstract:
        lines.append(f"  abstract = {{{escape(paper.abstract)}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def biblatex_document(papers: list[Paper], keys: list[str], tags: Tags = None) -> str:
    return "\n".join(
        biblatex_entry(paper, key, tags(paper) if tags else ())
        for paper, key in zip(papers, keys, strict=True)
    )
