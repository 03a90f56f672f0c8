"""BibTeX files: every entry with a title becomes a paper.

bibtexparser 2 splits the file into blocks (its splitter is the floor of the
cost); the values are resolved here: ``@string`` macros, ``#`` concatenation,
the month macros, quoted, braced or bare values, and ``crossref`` inheritance.
LaTeX becomes Unicode (``bibvalues.tex_to_text``). Text outside entries (but
``%`` comments, and prose before the first entry or after the last), entries
that cannot be read, duplicate keys, undefined macros, a comma left out
between fields (both fields are read) and a year or date that is none become
warnings naming the line; the rest still loads.

The file is split in chunks of about a megabyte at entry starts, so a caller
can show progress while a large file is read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

from paperbrowse.core.errors import Problem, silence_library_log
from paperbrowse.core.formats import ImportResult
from paperbrowse.core.formats.bibvalues import (
    MAX_VALUE_CHARS,
    MONTH_MACROS,
    ValueTooLarge,
    evaluate,
    family_names,
    field_name,
    has_latex,
    kept_case_spans,
    literal_names,
    mendeley_unescaped,
    split_fields,
    split_names,
    tex_to_text,
    tidy_line,
    tidy_paragraphs,
    urls_in,
    without_trailing_comment,
    written_out,
)
from paperbrowse.core.formats.file_fields import bibtex_files
from paperbrowse.core.formats.jsontools import paper_date
from paperbrowse.core.formats.languages import is_english, localised
from paperbrowse.core.formats.pool import workers_ahead
from paperbrowse.core.formats.spilling import run_parts_spilling
from paperbrowse.core.models import DOI_PREFIX, DatePrecision, Paper, SourceRef, paper_id
from paperbrowse.core.rows import row_of_values
from paperbrowse.core.store import PaperStore, store_of_rows
from paperbrowse.core.text.clean import (
    clean_line,
    clean_paragraphs,
    find_urls,
    html_paragraphs,
    strip_control,
    written_in_html,
)

# bibtexparser logs every malformed block; those become our own warnings instead.
silence_library_log("bibtexparser")

# Text (characters) below which a file is parsed in this process alone (0.11 s a MB): a
# worker needs 0.1-0.5 s to start and import the readers before it helps (measured on
# 2 cores). JSON Lines, three times faster to read, have their own (``jsonl``).
POOL_MIN_CHARS = 8 << 20
CHUNK_CHARS = 1 << 18  # text per bibtexparser run (its time per megabyte is the same)
# Text per part read on another core (``formats.pool``). A BibTeX megabyte takes 0.1 s,
# and this process and its worker meet mid-file up to a part apart: with 1 MB parts one
# of them sat idle at the end for up to 0.1 s (the ACL file's parse ended at 1.73-1.79 s
# with 1 MB parts, 1.70-1.71 s with these).
PART_CHARS = 1 << 18
# What macros may add to a file's text in all, beyond its own size: a file of 10,000
# entries each using a 1 MB macro would otherwise be 10 GB of papers. Real files add
# at most a few megabytes (journal names, months).
EXPANSION_ALLOWANCE = 16 << 20
_UNDEFINED_ONE_BY_ONE = 5
# Entry types that group or feed other entries and are never papers themselves.
_NOT_PAPERS = frozenset({"comment", "preamble", "set", "xdata"})
ChunkProgress = Callable[[int, int], None]  # (characters read, characters in all)

# Where a chunk may end: before a line that starts a block as bibtexparser sees one ("@",
# a word, then "{" or "("), not before any line starting with "@" ("@handle on the web"
# inside an abstract would be cut in two, and the entry lost).
_ENTRY_START = re.compile(r"\n(?=[ \t]*@\w*[ \t]*[{(])")
_BLOCK_KEY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]*)")
# Text outside entries that is more than a comment: a lost "@type", a stray brace.
_LOOKS_LIKE_SYNTAX = re.compile(r"[{}=@]")
_LOST_ENTRY = re.compile(r"\s*[A-Za-z]*\s*\{\s*[^\s,{}=]+\s*,?\s*$")
_VENUE_FIELDS = (
    "journal",
    "journaltitle",
    "booktitle",
    "eventtitle",
    "school",
    "institution",
    "howpublished",
    "publisher",
    "organization",
)
_SUBTITLE_OF = {
    "booktitle": "booksubtitle",
    "journaltitle": "journalsubtitle",
    "journal": "journalsubtitle",
}
# Fields a child never takes from its crossref parent (they describe the parent).
_NOT_INHERITED = frozenset(
    {
        "title",
        "subtitle",
        "abstract",
        "doi",
        "url",
        "ids",
        "crossref",
        "keywords",
        "file",
        "eprint",
        "note",
        "annote",
    }
)


@dataclass
class _Entry:
    """One entry's resolved fields (lower-case names, first value kept), before conversion."""

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int


class _Reader:
    def __init__(self, file: str, size: int = 0) -> None:
        self.file = file
        # Characters macros may add to the file's text, and what is left; below 0 once spent.
        self.expansion_allowed = EXPANSION_ALLOWANCE + size
        self.expansion_left = self.expansion_allowed
        # BibTeX's month macros, and full month names written bare (``month = August``).
        self.strings = MONTH_MACROS | {name.lower(): name for name in MONTH_MACROS.values()}
        self.result = ImportResult()
        self.untitled: list[_Entry] = []
        self.entries: dict[str, _Entry] = {}
        self.deferred: list[_Entry] = []
        self.undefined: dict[str, tuple[str, int]] = {}  # folded name -> (name, first line)
        self.too_large: set[str] = set()  # folded names of macros left unexpanded

    def warn(self, line: int | None, message: str) -> None:
        self.result.problems.append(Problem(self.file, line, message))

    # --- blocks ---------------------------------------------------------------

    def read_chunk(self, chunk: str, first_line: int, last: bool = False) -> None:
        """The blocks of one chunk of the file; ``last``: the file's final chunk."""
        from bibtexparser import model
        from bibtexparser.entrypoint import parse_string

        try:
            library = parse_string(chunk, parse_stack=[])
        except Exception as error:  # a bug in the splitter must not lose the rest of the file
            end = first_line + chunk.count("\n")
            self.warn(
                first_line + 1,
                f"lines {first_line + 1}-{end} could not be read (bibtexparser: {error}); skipped",
            )
            return
        for number, found in enumerate(library.blocks):
            line = first_line + (found.start_line or 0) + 1
            block: model.Block | None = found
            if isinstance(found, model.DuplicateFieldKeyBlock):
                names = ", ".join(sorted(found.duplicate_keys))
                self.warn(line, f"field {names} given twice in one entry; the first is used")
                block = found.ignore_error_block
            elif isinstance(found, model.DuplicateBlockKeyBlock):
                block = found.ignore_error_block  # duplicates are reported below, file-wide
            if isinstance(block, model.Entry):
                self.read_entry(block, line)
            elif isinstance(block, model.String):
                self.define(block.key.strip(), str(block.value), line)
            elif isinstance(block, model.ImplicitComment):
                edge = first_line == number == 0 or (last and number == len(library.blocks) - 1)
                self.check_outside_text(block.comment, line, edge)
            elif isinstance(block, model.ParsingFailedBlock) or block is None:
                self.warn_failed(found, line)

    def check_outside_text(self, text: str, line: int, edge: bool) -> None:
        """Warn of text outside entries other than ``%`` comments: BibTeX ignores it, but
        between entries it is most often a lost part of one. Before the first entry or after
        the last (``edge``) it is mostly prose by design (Mendeley's "Automatically generated
        by Mendeley" header): only what looks like BibTeX syntax warns there."""
        lines = [t for t in text.splitlines() if t.strip() and not t.lstrip().startswith("%")]
        if lines and (not edge or _LOOKS_LIKE_SYNTAX.search("\n".join(lines))):
            sample = clean_line(lines[0])[:40]
            more = f" and {len(lines) - 1} more lines" if len(lines) > 1 else ""
            if _LOST_ENTRY.match(lines[0]):
                self.warn(line, f"an entry without its '@type' skipped: {sample!r}{more}")
            else:
                self.warn(line, f"text outside any entry skipped: {sample!r}{more}")

    def warn_failed(self, block: object, line: int) -> None:
        raw = str(getattr(block, "raw", "") or "")
        match = _BLOCK_KEY.match(raw.lstrip())
        what = f"@{match.group(1).lower()} {match.group(2)!r}" if match else "entry"
        reason = str(getattr(getattr(block, "error", None), "abort_reason", "") or "")
        if "closing" in reason or "end of file" in reason:
            reason = "a brace or quote is not closed"
        elif reason:
            reason = reason.strip().rstrip(".").replace("`", "'")
        else:
            reason = "not valid BibTeX"
        self.warn(line, f"{what} could not be read ({reason}); skipped")

    def define(self, name: str, raw: str, line: int) -> None:
        """Store an ``@string``, unless it would expand past ``MAX_VALUE_CHARS``: then it is
        left unexpanded (its uses keep its name), and so is every macro built on it."""
        folded = name.lower()
        expanded = self.expand(raw, line, f"@string {name!r}", " (and any @string built on it)")
        if expanded is None or any(macro.lower() in self.too_large for macro in expanded[1]):
            self.too_large.add(folded)
            self.strings.pop(folded, None)  # an earlier, smaller definition is not used
            return
        text, undefined = expanded
        self.too_large.discard(folded)  # defined again, small enough now
        self.note_undefined(undefined, line)
        self.strings[folded] = text

    def field_value(self, raw: str, line: int, entry_type: str, key: str, name: str) -> str:
        """A field's text (``value``). Most values are written out in one pair of braces or
        quotes: their text is read at once, without the macro machinery or the warning's
        wording (``where``) made for each of an entry's fields."""
        if self.expansion_left >= 0:  # (else ``expand`` says the allowance is spent)
            text = written_out(raw)
            if text is not None:
                return text
        return self.value(raw, line, f"@{entry_type} {key!r} field {name!r}")

    def value(self, raw: str, line: int, where: str) -> str:
        """A field's text; macros too large to expand stay as their names, with a warning
        saying ``where`` the field is."""
        expanded = self.expand(raw, line, where, "")
        if expanded is None:
            return evaluate(raw, {})[0]  # every macro as its name: no larger than ``raw``
        text, undefined = expanded
        for macro in undefined:
            if macro.lower() in self.too_large:
                self.warn(
                    line,
                    f"{where} uses @string {macro!r}, which would expand past "
                    f"{_megabytes(MAX_VALUE_CHARS)}; its name is used as text",
                )
        self.note_undefined(undefined, line)
        return text

    def expand(self, raw: str, line: int, where: str, also: str) -> tuple[str, list[str]] | None:
        """A value's text and undefined macros, or None (with one warning) when its macros
        would make it larger than ``MAX_VALUE_CHARS`` or the file's expansion allowance."""
        if self.expansion_left < 0:
            return None  # spent, and said so once
        limit = min(MAX_VALUE_CHARS, self.expansion_left + len(raw))
        try:
            text, undefined = evaluate(raw, self.strings, limit)
        except ValueTooLarge as error:
            if error.size > MAX_VALUE_CHARS:
                self.warn(
                    line,
                    f"{where} would expand past {_megabytes(MAX_VALUE_CHARS)}; "
                    f"left unexpanded{also}",
                )
            else:
                self.allowance_spent(line, where)
            return None
        self.expansion_left -= max(len(text) - len(raw), 0)
        return text, undefined

    def note_undefined(self, names: list[str], line: int) -> None:
        for name in names:
            folded = name.lower()
            if folded not in self.too_large:
                self.undefined.setdefault(folded, (name, line))

    def read_entry(self, block: object, line: int) -> None:
        from bibtexparser import model

        assert isinstance(block, model.Entry)
        key = block.key.strip()
        entry_type = block.entry_type.strip().lower()
        if entry_type in _NOT_PAPERS:
            return
        fields: dict[str, str] = {}
        value_lines: _ValueLines | None = None  # (made for a value holding an "=": few do)
        for field in block.fields:
            name = field_name(field.key)
            raw = without_trailing_comment(str(field.value))
            if "=" not in raw:  # (most values: one field, read as it is)
                if name not in fields:
                    fields[name] = self.field_value(raw, line, entry_type, key, name)
                continue
            # A comma left out before another field? (cheap to ask: few values hold an "=")
            value_lines = value_lines or _ValueLines(block, line)
            starts_on = partial(value_lines.line_of, field)
            pairs = self.unswallowed(name, raw, starts_on, f"@{entry_type} {key!r}")
            for name, raw in pairs:
                if name not in fields:
                    fields[name] = self.field_value(raw, line, entry_type, key, name)
        entry = _Entry(key, entry_type, fields, line)
        self.note_key(entry)
        if "crossref" in fields:
            self.deferred.append(entry)  # BibTeX puts parents after their children
        else:
            self.add_paper(entry)

    def unswallowed(
        self, name: str, raw: str, starts_on: Callable[[], int], entry: str
    ) -> list[tuple[str, str]]:
        """A field (its value starting on line ``starts_on()``) and those its value swallowed
        where a comma was left out (BibTeX: "expecting a ',' or a '}'"), each read as its own
        field, with a warning for each missing comma naming the line where the comma belongs:
        where the value before it ends. The newlines are counted once, comma to comma."""
        fields = split_fields(raw)
        if len(fields) == 1:
            return [(name, raw)]
        line = starts_on()
        counted_to = 0
        for before, after in zip(fields, fields[1:], strict=False):
            line += raw.count("\n", counted_to, before.ends_at)
            counted_to = before.ends_at
            if not (before.name.lower() or name):
                continue  # a "%" comment holding "=" between fields, read as one: no field
            self.warn(
                line,
                f"{entry}: no comma after field {before.name.lower() or name!r}, whose value "
                f"ends on this line ({after.name.lower()!r} follows); both read",
            )
        named = [(field.name.lower() or name, field.raw) for field in fields]
        return [(field, value) for field, value in named if field]

    def note_key(self, entry: _Entry) -> None:
        """Keep the entry by its key, with a warning when the key was used before."""
        folded = entry.key.lower()
        if folded in self.entries:
            self.warn(entry.line, key_used_twice(entry.key, self.entries[folded].line))
        else:
            self.entries[folded] = entry

    # --- papers -----------------------------------------------------------------

    def resolve_crossrefs(self) -> None:
        for entry in self.deferred:
            parent = self.entries.get(entry.fields["crossref"].strip().lower())
            if parent is None:
                self.warn(
                    entry.line,
                    f"crossref {entry.fields['crossref']!r} is not in this "
                    "file; the entry is read without it",
                )
            else:
                self.inherit(entry, parent)
            self.add_paper(entry)

    def allowance_spent(self, line: int, where: str) -> None:
        self.warn(
            line,
            f"{where}: @string and crossref expansion in this file would pass "
            f"{_megabytes(self.expansion_allowed)}; from here on neither is expanded",
        )
        self.expansion_left = -1

    def inherit(self, entry: _Entry, parent: _Entry) -> None:
        """Copy in the parent's fields, within the file's expansion allowance: a parent with
        a megabyte field and a thousand children would be a gigabyte of papers."""
        taken = inherited(entry.fields, parent)
        size = sum(map(len, taken.values()))
        if 0 <= self.expansion_left < size:
            self.allowance_spent(entry.line, f"@{entry.entry_type} {entry.key!r} crossref")
        if self.expansion_left >= 0:
            self.expansion_left -= size
            entry.fields.update(taken)

    def add_paper(self, entry: _Entry) -> None:
        values = paper_values(entry, self.file)
        if values is None:
            self.untitled.append(entry)
            return
        self.keep(values)
        note = date_note(entry.fields, values["date"], values["date_precision"])
        if note:
            self.warn(entry.line, f"@{entry.entry_type} {entry.key!r}: {note}")

    def keep(self, values: dict[str, Any]) -> None:
        """Add the paper of ``paper_values``."""
        file, line = values["source"]
        self.result.papers.append(Paper(**{**values, "source": SourceRef(file=file, line=line)}))

    def finish(self) -> ImportResult:
        self.resolve_crossrefs()
        if self.deferred:  # back in file order
            self.result.papers = sorted(self.result.papers, key=_line)
        # An untitled entry that others cross-reference is a container (proceedings), not a paper.
        parents = {child.fields["crossref"].strip().lower() for child in self.deferred}
        for entry in self.untitled:
            if entry.key.lower() not in parents:
                self.warn(entry.line, f"@{entry.entry_type} {entry.key!r} has no title; skipped")
        self.warn_undefined()
        self.result.problems.sort(key=lambda problem: problem.line or 0)
        return self.result

    def warn_undefined(self) -> None:
        """One warning per undefined macro, or one for them all when there are many (a file
        whose @string definitions live in another file)."""
        found = sorted(self.undefined.values(), key=lambda pair: pair[1])
        if len(found) <= _UNDEFINED_ONE_BY_ONE:
            for name, line in found:
                self.warn(line, f"@string {name!r} is not defined; its name is used as text")
            return
        names = ", ".join(name for name, _ in found[:5])
        self.warn(
            found[0][1],
            f"{len(found)} @string macros are not defined in this file "
            f"({names}, ...); their names are used as text",
        )


_EQUALS = re.compile(r"=\s*")  # a field's "=": its value starts after the spaces


class _ValueLines:
    """The file lines the values of one entry's fields start on, found in the entry's text
    from one field to the next: one pass, however many fields have their line asked."""

    def __init__(self, entry: object, line: int) -> None:
        self.text = str(getattr(entry, "raw", "") or "")
        self.entry_start = getattr(entry, "start_line", None)  # in the chunk, as fields' are
        self.entry_line = line  # in the file
        self.position = 0  # in ``text``: the start of a line, or of a value found
        self.lines_down = 0  # from the entry's first line to ``position``

    def line_of(self, field: object) -> int:
        """The file line the field's value starts on: after its ``=``, on the line
        bibtexparser gives the field (or a later one, when a line break follows the ``=``).
        Fields are asked in their order in the entry."""
        field_start = getattr(field, "start_line", None)
        if field_start is not None and self.entry_start is not None:
            self._down_to(field_start - self.entry_start)
        value = str(getattr(field, "value", ""))
        for equals in _EQUALS.finditer(self.text, self.position):
            if self.text.startswith(value, equals.end()):  # (an earlier "=" fails at once)
                self.lines_down += self.text.count("\n", self.position, equals.end())
                self.position = equals.end()
                break
        return self.entry_line + self.lines_down

    def _down_to(self, lines_down: int) -> None:
        """To the start of the line ``lines_down`` from the entry's first (its ``=``'s): the
        value is looked for from there, never in an earlier field's value."""
        while self.lines_down < lines_down:
            newline = self.text.find("\n", self.position)
            if newline < 0:
                return
            self.position = newline + 1
            self.lines_down += 1


def _megabytes(characters: int) -> str:
    return f"{characters / 2**20:,.0f} MB"


def _line(paper: Paper) -> int:
    return (paper.source.line or 0) if paper.source else 0


def inherited(fields: dict[str, str], parent: _Entry) -> dict[str, str]:
    """The fields a child takes from its crossref parent: those it lacks (the parent's
    title is the book)."""
    taken = {
        name: value
        for name, value in parent.fields.items()
        if name not in _NOT_INHERITED and name not in fields
    }
    if "title" in parent.fields and "booktitle" not in fields:
        taken.setdefault("booktitle", parent.fields["title"])
    if "subtitle" in parent.fields and "booksubtitle" not in fields:
        taken.setdefault("booksubtitle", parent.fields["subtitle"])
    return taken


def paper_values(entry: _Entry, file: str) -> dict[str, Any] | None:
    """The values of the paper of an entry's resolved fields (None when it has no title),
    cleaned and of the types the ``Paper`` fields have: what ``rows.row_of_values`` turns
    into a row without the paper made and validated first (a worker's part of a large
    file, ``_PartReader``), as the JSON readers' ``records.json_values``."""
    fields = _as_issue(entry.entry_type, entry.fields)
    raw_title = unescaped_braces(fields.get("title", ""))
    title, title_links = tex_to_text(raw_title)
    title = tidy_line(title)
    title_kept = kept_case_spans(raw_title, title)
    if not title:
        return None
    if fields.get("subtitle"):
        title = f"{title}: {clean_line(tex_to_text(fields['subtitle'])[0])}"
    if not is_english(_language(fields)):  # its case is as written (``formats.languages``)
        title_kept = ((0, len(title)),)
    editors, editors_et_al = split_names(fields.get("editor") or "")
    # An edited book's editors are its authors too (``Paper.editors``).
    authors, et_al = (
        split_names(fields["author"]) if fields.get("author") else (editors, editors_et_al)
    )
    whole = literal_names(fields.get("author") or "", fields.get("editor") or "")
    families = family_names(fields.get("author") or "", fields.get("editor") or "")
    date, precision = entry_date(fields)
    abstract, links = _abstract(fields.get("abstract"))
    doi = clean_doi(fields.get("doi"))
    return dict(
        id=paper_id(title, date.year if date else None, doi),
        title=title,
        title_kept=title_kept,
        authors=authors,
        et_al=et_al,
        category=_category(fields),
        date=date,
        date_precision=precision,
        abstract=abstract,
        links=tuple(dict.fromkeys(links + title_links)),
        venue=_venue(fields),
        doi=doi,
        url=_url(fields),
        volume=_short(fields.get("volume")),
        issue=_short(fields.get("number") or fields.get("issue")),
        pages=_short(fields.get("pages")),
        editors=editors,
        name_forms=whole + families,
        publisher=_one_line(fields.get("publisher")),
        publisher_place=_place(fields),
        citekey=strip_control(entry.key) or None,
        entry_type=entry.entry_type,
        source=(file, entry.line),  # (a ``SourceRef`` once a paper is made: ``_Reader.keep``)
        files=bibtex_files(fields),
    )


def _as_issue(entry_type: str, fields: dict[str, str]) -> dict[str, str]:
    """A ``@periodical``'s fields as an issue's: its ``issuetitle`` (and ``issuesubtitle``)
    its title, the periodical's ``title`` (and ``subtitle``) its journal, as the biblatex
    manual defines them and pandoc's biblatex reader reads them (its CSL title and
    container-title). Any other entry's as they are."""
    if entry_type != "periodical" or not fields.get("issuetitle"):
        return fields
    issue = {name: value for name, value in fields.items() if name not in ("title", "subtitle")}
    issue["title"] = fields["issuetitle"]
    if fields.get("issuesubtitle"):
        issue["subtitle"] = fields["issuesubtitle"]
    issue["journaltitle"] = fields.get("title", "")
    if fields.get("subtitle"):
        issue["journalsubtitle"] = fields["subtitle"]
    return issue


def _language(fields: dict[str, str]) -> str | None:
    """The language the entry is in: biblatex's ``langid`` (babel's name), else its older
    ``hyphenation``, else the first of its ``language`` list (``langgerman``)."""
    for name in ("langid", "hyphenation", "language"):
        if fields.get(name):
            return fields[name].replace("{", "").replace("}", "")
    return None


def _place(fields: dict[str, str]) -> str | None:
    """The publisher's place, or a patent's countries: biblatex's keys (``countryfr``) as
    the names they stand for, "France"."""
    place = _one_line(fields.get("address") or fields.get("location"))
    return localised(place) or None if place else None


def _short(value: str | None) -> str | None:
    """A volume, number or page range as plain text (``1135--1144`` -> ``1135–1144``)."""
    if not value:
        return None
    return clean_line(tex_to_text(value)[0])[:100] or None


# Braces escaped as Mendeley escapes them, ``\{Markov\} Decision``, which LaTeX would
# print as braces, protect a word's case. Outside math (where ``$\{0,1\}$`` is a set) they
# are read as the braces they were when what they enclose starts with a capital or a
# command (what protection is for): ``\{braces\}`` is a title's own literal braces, as
# our BibTeX export writes them, and so is ``\{\}`` (a backslash that only closes the
# pair starts no command). A value with Mendeley's ``$\backslash$`` is read whole by
# ``bibvalues.mendeley_unescaped``.
_ESCAPED_PROTECTION = re.compile(r"\\\{(?=[A-Z]|\\(?!\}))(.*?)\\\}")


# The ACL Anthology's export escapes the commands in its math as text: ``$\textbackslash
# {}rightarrow$`` (22,362 papers: 71 such, in titles and abstracts), which LaTeX cannot
# read either (``\textbackslash`` is no math command). In math, it was the command.
# (Before a brace it was a brace escaped, ``\{mt, src\}``; before an escaped character,
# ``\textbackslash{}\%``, it escaped the escape: ``\%``.)
_MATH_SHIFT = re.compile(r"(?<!\\)\$")
_TEXT_BACKSLASH_IN_MATH = re.compile(r"\\textbackslash\{\}(?=[A-Za-z{}]|\\[%_&#$])")


def commands_in_math(raw: str) -> str:
    r"""``Chinese$\textbackslash{}rightarrow$English`` -> ``Chinese$\rightarrow$English``;
    outside math, ``\textbackslash{}`` stays a backslash (a title about LaTeX's ``\n``)."""
    if "\\textbackslash{}" not in raw or "$" not in raw:
        return raw
    pieces = _MATH_SHIFT.split(raw)  # (an escaped ``\$`` is a dollar, no math)
    for number in range(1, len(pieces), 2):  # inside math
        pieces[number] = _TEXT_BACKSLASH_IN_MATH.sub(_as_command, pieces[number])
    return "$".join(pieces)


def _as_command(match: re.Match[str]) -> str:
    """A backslash before a command's name or a brace; nothing before an escaped character."""
    follows = match.string[match.end() : match.end() + 1]
    return "" if follows == "\\" else "\\"


def unescaped_braces(raw: str) -> str:
    r"""``\{Markov\} Processes`` -> ``{Markov} Processes``; ``Universit\{\'{e}\}`` ->
    ``Universit{\'{e}}``; ``\{$\backslash$rm ln\}`` -> ``{\rm ln}``; ``$\{0,1\}$`` is kept."""
    raw = commands_in_math(raw)
    if "$\\backslash$" in raw:  # Mendeley's, so every brace is escaped
        return mendeley_unescaped(raw)
    if "\\{" not in raw:
        return raw
    pieces = raw.split("$")
    for number in range(0, len(pieces), 2):  # outside math
        pieces[number] = _ESCAPED_PROTECTION.sub(r"{\1}", pieces[number])
    return "$".join(pieces)


def _one_line(value: str | None) -> str | None:
    """A publisher or place as plain text (``Springer {International} Publishing``)."""
    if not value:
        return None
    return _line_text(value)[:300] or None


# Values up to this long are remembered (``_line_text``, ``entry_date``): real venues,
# places and dates are shorter; a hostile file's megabyte fields are not kept alive.
_REMEMBERED_CHARS = 400


def _line_text(raw: str) -> str:
    """A venue, publisher or place as one line of plain text."""
    return _remembered_line(raw) if len(raw) <= _REMEMBERED_CHARS else _converted_line(raw)


@lru_cache(maxsize=4096)
def _remembered_line(raw: str) -> str:
    # A file repeats them: the ACL Anthology's 22,370 papers have 500 venues.
    return _converted_line(raw)


def _converted_line(raw: str) -> str:
    return tidy_line(tex_to_text(unescaped_braces(raw))[0])


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
# What may follow a biblatex date read whole: a range ("2018/2019"), a time, EDTF's marks.
_DATE_END = re.compile(r"[/?~%T]|$")
_YEAR_WITH_LETTER = re.compile(r"\d{4}[a-z]")  # "1995a": a second paper of 1995, read as 1995
_PARTS_READ = {"year": 1, "month": 2, "day": 3}


def entry_date(fields: dict[str, str]) -> tuple[dt.date | None, DatePrecision]:
    """From biblatex ``date`` (``2018-07-06``, ``2018-07``, ``2018/2019``) or year, month, day."""
    match = _DATE.match(fields.get("date", "").strip())
    if match:
        return _remembered_date(match.group(1), match.group(2), match.group(3))
    parts = (fields.get("year"), fields.get("month"), fields.get("day"))
    if sum(len(part or "") for part in parts) > _REMEMBERED_CHARS:
        return paper_date(*parts)
    return _remembered_date(*parts)


@lru_cache(maxsize=4096)
def _remembered_date(
    year: str | None, month: str | None, day: str | None
) -> tuple[dt.date | None, DatePrecision]:
    """``paper_date``, remembered: most papers of a file share a year and month with others."""
    return paper_date(year, month, day)


def date_note(fields: dict[str, str], date: dt.date | None, precision: DatePrecision) -> str | None:
    """What a paper's date was read without, as its warning says it (as JSON Lines' do):
    ``in press`` is no year, ``2019--2020`` is read as 2019, ``2020-13-45`` as 2020.
    None for what reads whole (``2020``, ``2020-07-06``, ``2018/2019``)."""
    read = f"read as {date.year}" if date else "read without one"
    text = fields.get("date", "").strip()
    match = _DATE.match(text)
    if match:
        written = sum(1 for part in match.groups() if part)
        if written > _PARTS_READ[precision] or not _DATE_END.match(text, match.end()):
            return f"date {_quoted(text)} is not a date; {read}"
        return None
    if text and date is None:  # (else the year fields gave one: old files' "date = 28" is a day)
        return f"date {_quoted(text)} is not a date; {read}"
    year = fields.get("year", "").strip()
    if year and (date is None or not year.isdigit()) and not _YEAR_WITH_LETTER.fullmatch(year):
        return f"year {_quoted(year)} is not a year; {read}"
    return None


def key_used_twice(key: str, first: int) -> str:
    """The warning on an entry whose citation key an earlier one, on line ``first``, has
    (``merge.said_as_one`` words it again when the two are one paper)."""
    return f"citation key {key!r} also used on line {first}; both entries kept"


KEY_USED_TWICE = re.compile(r"citation key (.+) also used on line (\d+); both entries kept")


def _quoted(value: str) -> str:
    """A value as a warning quotes it: its first 40 characters, in quotes."""
    text = clean_line(value)
    return '"' + (text if len(text) <= 40 else text[:40] + "…") + '"'


def _abstract(raw: str | None) -> tuple[str | None, list[str]]:
    if not raw:
        return None, []
    # Some are HTML (PMLR's, a few of the ACL Anthology's): its tags go first, its entities
    # once the LaTeX is read (``&#36;`` is a dollar, not math).
    html_entities = written_in_html(raw)
    if html_entities:
        raw = html_paragraphs(raw)
    links: list[str] = []
    if raw.isprintable() and not has_latex(raw):
        # Plain text (most abstracts): what ``tex_to_text`` returns as it is, and printable,
        # so only its spaces are left to tidy (each check a pass over the abstract).
        abstract = raw.strip() if "  " not in raw else clean_paragraphs(raw)
    else:
        text, links = tex_to_text(commands_in_math(raw))
        abstract = tidy_paragraphs(text)
    if html_entities:
        abstract = tidy_paragraphs(html.unescape(abstract))
    return abstract or None, list(dict.fromkeys(links + urls_in(abstract)))


def _venue(fields: dict[str, str]) -> str | None:
    for name in _VENUE_FIELDS:
        raw = fields.get(name)
        if raw and "://" not in raw and "\\url" not in raw:
            venue = _line_text(raw)
            subtitle = fields.get(_SUBTITLE_OF.get(name, ""))
            if venue and subtitle:
                venue = f"{venue}: {tidy_line(tex_to_text(subtitle)[0])}"
            if venue:
                return venue
    return None


_NOT_VERBATIM = ("\\", "{", "}", "$", " ")
_VERBATIM_ESCAPE = re.compile(r"\\([_%&#~$])")
# How bibliographies write "~" in URLs: $\sim$, \~{}, {\~}, \textasciitilde{}.
_URL_TILDE = re.compile(r"\$\\sim\$|\{?\\~\{?\}?\}?|\\textasciitilde(?:\{\})?")
_URL_WRAPPER = re.compile(r"^\\(?:url|href)\s*\{([^{}]*)\}.*$", re.S)


def verbatim(raw: str | None) -> str | None:
    """A URL-like field as written: ``\\url{}`` unwrapped, ``\\_`` unescaped, no braces."""
    if not raw:
        return None
    raw = raw.strip()
    if raw.isprintable() and not any(mark in raw for mark in _NOT_VERBATIM):
        return raw  # the common case: already a bare URL or DOI
    text = _URL_WRAPPER.sub(r"\1", raw)
    text = _URL_TILDE.sub("~", text)
    text = _VERBATIM_ESCAPE.sub(r"\1", text).replace("{", "").replace("}", "")
    text = text.replace("\\", "")  # no URL or DOI holds a backslash; a stray macro does
    text = "".join(clean_line(text).split())
    return text or None


def clean_doi(raw: str | None) -> str | None:
    doi = verbatim(raw)
    if doi is None:
        return None
    return DOI_PREFIX.sub("", doi) or None


def _url(fields: dict[str, str]) -> str | None:
    url = verbatim(fields.get("url"))
    if url:
        return url
    eprint = verbatim(fields.get("eprint"))
    kind = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if eprint and "arxiv" in kind:
        return f"https://arxiv.org/abs/{eprint}"
    for name in ("howpublished", "note"):
        raw = fields.get(name, "")
        if "://" in raw:
            text, links = tex_to_text(raw)
            urls = links or find_urls(text)
            if urls:
                return urls[0]
    return None


def _category(fields: dict[str, str]) -> str | None:
    from paperbrowse.core.categories import category_name

    raw = (fields.get("primaryclass") or fields.get("eprintclass") or "").strip()
    # One code: some exports list several ("cs, stat"), which the list column would cut
    # to "cs, st"; the first is the primary one.
    code = re.split(r"[\s,;]+", raw)[0].strip("{}") if raw else ""
    if not code:
        return None
    return code.rsplit(".", 1)[-1].upper() if category_name(code) else code


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, int, str]]:
    """``(first line, end offset, chunk)``: the text cut before an ``@`` that starts a line."""
    start = 0
    line = 0
    while start < len(text):
        cut = _ENTRY_START.search(text, start + size) if start + size < len(text) else None
        end = cut.start() + 1 if cut else len(text)
        chunk = text[start:end]
        yield line, end, chunk
        line += chunk.count("\n")
        start = end


def parse_bibtex(
    text: str,
    file: str,
    progress: ChunkProgress | None = None,
    chunk_chars: int = CHUNK_CHARS,
) -> ImportResult:
    """Papers from BibTeX text, with warnings for whatever had to be skipped."""
    text = text.removeprefix("\ufeff")
    if len(text) >= POOL_MIN_CHARS and not _STRING_DEFINITION.search(text):
        result = _read_in_parts(text, file, progress, chunk_chars)
        if result is not None:
            return result
    reader = _Reader(file, len(text))
    for first_line, end, chunk in chunks(text, chunk_chars):
        reader.read_chunk(chunk, first_line, end == len(text))
        if progress:
            progress(end, len(text))
    return reader.finish()


# --- on every core ------------------------------------------------------------------
# A file's chunks are read apart already (each is its own bibtexparser run), so they can
# be read in other processes. What links them is done here, in file order: duplicate
# keys across chunks, undefined macros, untitled entries. Files where one chunk changes
# how another reads (@string definitions, crossref, macros past the size limits) are read
# in this process alone: the outcome is always the single-process one.

_STRING_DEFINITION = re.compile(r"@\s*string\s*[{(]", re.IGNORECASE)  # 20 ms for 31 MB


class _Part(NamedTuple):
    """What a worker made of some chunks: plain data, in file order."""

    independent: bool  # False: the chunks need what came before; read the file here
    papers: Sequence[Paper]  # a store of rows (``store.store_of_rows``)
    problems: list[tuple[int | None, str]]
    keys: list[tuple[str, int, int]]  # (key, line, problems before it) of each entry
    untitled: list[tuple[str, str, int]]  # (key, type, line)
    undefined: dict[str, tuple[str, int]]
    expansion: int  # characters macros added

    @property
    def spillable(self) -> Sequence[Paper]:
        """Its papers, whose abstracts may be spilled (``formats.spilling``)."""
        return self.papers


class _PartReader(_Reader):
    """A ``_Reader`` for some chunks of a file, which notes what links them to the rest."""

    def __init__(self, file: str, size: int) -> None:
        super().__init__(file, size)
        self.independent = True
        self.keys: list[tuple[str, int, int]] = []
        # The papers as rows, made from their values without a paper made first (a fifth
        # of the time a paper took), their repeated text shared (``rows.row_of_values``).
        self.rows: list[tuple[Any, ...]] = []
        self.shared_text: dict[str, str] = {}  # (not ``strings``: those are the macros)

    def keep(self, values: dict[str, Any]) -> None:
        self.rows.append(row_of_values(values, self.shared_text))

    def note_key(self, entry: _Entry) -> None:
        self.keys.append((entry.key, entry.line, len(self.result.problems)))

    def define(self, name: str, raw: str, line: int) -> None:
        self.independent = False  # later chunks would use it
        super().define(name, raw, line)

    def expand(self, raw: str, line: int, where: str, also: str) -> tuple[str, list[str]] | None:
        expanded = super().expand(raw, line, where, also)
        if expanded is None:
            self.independent = False  # a limit shared by the whole file was met
        return expanded

    def part(self) -> _Part:
        if self.deferred:
            self.independent = False  # crossref: the parent may be in another chunk
        if not self.independent:
            return _Part(False, [], [], [], [], {}, 0)
        return _Part(
            True,
            store_of_rows(self.rows),
            [(problem.line, problem.message) for problem in self.result.problems],
            self.keys,
            [(entry.key, entry.entry_type, entry.line) for entry in self.untitled],
            self.undefined,
            self.expansion_allowed - self.expansion_left,
        )


def workers_ahead_for(path: Path) -> contextlib.AbstractContextManager[object]:
    """For a file large enough to be parsed on every core: worker processes started before
    its text is read, decoded and cut (0.1 s for the 31 MB ACL file), so that they are
    ready when its parts are (``_read_in_parts``). Those unused (a file with @string
    definitions is read in one process) are stopped on leaving."""
    try:
        if path.stat().st_size < POOL_MIN_CHARS:  # (bytes: at least its characters)
            return contextlib.nullcontext()
    except OSError:
        return contextlib.nullcontext()  # reading it says why, in its words
    return workers_ahead(read_chunks_part)


def read_chunks_part(chunks: list[tuple[int, str, bool]], file: str, size: int) -> _Part:
    """In a worker: some chunks of a file of ``size`` characters (for ``run_parts``), each
    as (first line, text, whether it is the file's last)."""
    reader = _PartReader(file, size)
    for first_line, chunk, last in chunks:
        reader.read_chunk(chunk, first_line, last)
    return reader.part()


def _read_in_parts(
    text: str, file: str, progress: ChunkProgress | None, chunk_chars: int
) -> ImportResult | None:
    """The file read on every core; None when no pool starts or its chunks are linked."""
    found = [(line, chunk, end == len(text)) for line, end, chunk in chunks(text, chunk_chars)]
    per_part = max(PART_CHARS // chunk_chars, 1)
    groups = [found[start : start + per_part] for start in range(0, len(found), per_part)]
    parts = [(group, file, len(text)) for group in groups]
    sizes = [sum(len(chunk) for _, chunk, _ in group) for group in groups]
    del found, groups  # held by the parts alone, freed one by one as they are read
    report = None if progress is None else lambda done: progress(done, len(text))
    read = run_parts_spilling(read_chunks_part, parts, sizes, report)
    if read is None:
        return None
    reader = _Reader(file, len(text))
    if not all(part.independent for part in read) or (
        # The file's allowance would have run out part of the way through.
        sum(part.expansion for part in read) > reader.expansion_allowed
    ):
        return None  # (read again in one process; what the parts spilled goes with them)
    _join(reader, read)
    return reader.finish()


def _join(reader: _Reader, parts: list[_Part]) -> None:
    """The parts into one reader, as if it had read them in turn."""
    seen: dict[str, int] = {}  # folded key -> line of its first entry
    reader.result.papers = PaperStore()  # a worker's part stays rows (``core.store``)
    for part in parts:
        reader.result.papers.extend(part.papers)
        problems = [Problem(reader.file, line, message) for line, message in part.problems]
        duplicates: list[tuple[int, Problem]] = []
        for key, line, before in part.keys:
            first = seen.get(key.lower())
            if first is None:
                seen[key.lower()] = line
            else:
                message = key_used_twice(key, first)
                duplicates.append((before, Problem(reader.file, line, message)))
        for before, problem in reversed(duplicates):  # where the reader would have said it
            problems.insert(before, problem)
        reader.result.problems.extend(problems)
        reader.untitled.extend(_Entry(key, kind, {}, line) for key, kind, line in part.untitled)
        for folded, (name, line) in part.undefined.items():
            reader.undefined.setdefault(folded, (name, line))
