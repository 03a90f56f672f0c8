"""Papers as plain rows (tuples of strings, numbers and tuples) and back.

A row holds a paper's values as the paper does, but its date as a day number, its
sources as (file, line) pairs, a wide abstract as UTF-8 bytes (``packed_text``) and a large
library's abstract as a code for where it was spilled (``core.spill``).

A row pickles several times faster than a pydantic ``Paper`` and unpickles with
no class at all: the parse cache stores rows, and the parallel parse
(``formats.pool``) sends them from its worker processes. Papers are rebuilt
without validation: they were validated when they were parsed.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, MutableSequence
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel

from paperbrowse.core.models import Paper, SourceRef
from paperbrowse.core.spill import code, held_texts, spilled_text

PAPER_FIELDS = tuple(Paper.model_fields)
_DATE, _SOURCE, _SOURCES = (PAPER_FIELDS.index(name) for name in ("date", "source", "sources"))
_VENUE, _AUTHORS, _PRECISION = (
    PAPER_FIELDS.index(n) for n in ("venue", "authors", "date_precision")
)
_ENTRY_TYPE = PAPER_FIELDS.index("entry_type")
ABSTRACT = PAPER_FIELDS.index("abstract")
_ROW = itemgetter(*PAPER_FIELDS)  # a paper's values in row order, gathered in C

_Model = TypeVar("_Model", bound=BaseModel)


_set = object.__setattr__


def construct(model: type[_Model], values: dict[str, Any]) -> _Model:
    """``model.model_construct(**values)`` for models whose every field is given, in the
    model's order, and that have no extra or private attributes: the same object, five
    times faster (2 µs, not 10), and a paper in 400 bytes rather than 2,150."""
    return _built(model, values.items())


def _built(model: type[_Model], fields: Iterable[tuple[str, Any]]) -> _Model:
    """``construct`` from (name, value) pairs in the model's field order.

    The values go into the instance's dict one by one, in field order, so that they
    share the class's table of names (``models._share_keys``): 8 bytes a field, not
    an 800-byte dict of its own (given a dict, ``update`` would copy its table). The
    set of the fields given is one set for all the model's instances: all are given.
    Sharing it is safe: pydantic copies it before changing it (``model_copy``) and never
    changes a frozen model's.
    """
    instance = model.__new__(model)
    instance.__dict__.update(fields)
    _set(instance, "__pydantic_fields_set__", _every_field(model))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


@cache
def _every_field(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


@lru_cache(maxsize=1)
def construct_is_faithful() -> bool:
    """Whether ``construct`` still builds what pydantic builds (checked once, in case a
    pydantic release changes its internals; else ``model_construct`` is used)."""
    values: dict[str, Any] = {"file": "probe.bib", "line": 1}
    built = construct(SourceRef, dict(values))
    reference = SourceRef.model_construct(**values)
    return (
        built == reference
        and built.__dict__ == reference.__dict__
        and hash(built) == hash(reference)
    )


def _source(pair: tuple[str, int | None], fast: bool) -> SourceRef:
    # One string for a file's name in all its papers: a row may carry a copy each.
    values: dict[str, Any] = {"file": sys.intern(pair[0]), "line": pair[1]}
    return construct(SourceRef, values) if fast else SourceRef.model_construct(**values)


_BYTES_HEADER = sys.getsizeof(b"")


def packed_text(text: str) -> str | bytes:
    """An abstract as a row holds it: its UTF-8 bytes when they take less memory than the
    string. Python stores a whole string at 2 bytes a character once one of its characters
    is past U+00FF (a curly quote, a dash, a Greek letter in a formula): a third of the
    ACL abstracts, which UTF-8 holds in a little over half the memory (27 MB fewer rows at
    100k papers). Lone surrogates (from JSON escapes) come back as they were."""
    if text.isascii():
        return text
    packed = text.encode("utf-8", "surrogatepass")
    return packed if len(packed) + _BYTES_HEADER < sys.getsizeof(text) else text


def unpacked_text(value: str | bytes | int | None) -> str | None:
    """The text ``packed_text`` kept, or a spilled abstract's (a string or None as it is)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogatepass")
    if type(value) is int:
        return spilled_text(value)
    return value  # type: ignore[return-value]  # (an int subclass: no abstract is one)


def unpacked_texts(values: Iterable[Any]) -> list[Any]:
    """``unpacked_text`` of each value, in one pass (a field of every paper, or a chunk of
    them for the index: a call per text would cost a million calls at 1M papers); spilled
    abstracts read a segment at a time (``spill.held_texts``)."""
    if not isinstance(values, list):
        values = list(values)
    if int in map(type, values):  # (checked in C)
        values = held_texts(values)
    return [
        value.decode("utf-8", "surrogatepass") if type(value) is bytes else value
        for value in values
    ]


@lru_cache(maxsize=1 << 14)
def _day(ordinal: int) -> dt.date:
    """One date object for all the papers of a day (many have only a year: January 1)."""
    return dt.date.fromordinal(ordinal)


def paper_from_row(row: tuple[Any, ...], fast: bool) -> Paper:
    """The paper a row holds (``fast``: ``construct_is_faithful()``); its text is the row's
    own, shared with other rows' by ``shared_row`` when the row was read."""
    values = list(row)
    if values[_DATE] is not None:
        values[_DATE] = _day(values[_DATE])
    values[ABSTRACT] = unpacked_text(values[ABSTRACT])
    if values[_SOURCE] is not None:
        values[_SOURCE] = _source(values[_SOURCE], fast)
    if values[_SOURCES]:
        values[_SOURCES] = tuple(_source(pair, fast) for pair in values[_SOURCES])
    fields = zip(PAPER_FIELDS, values, strict=True)
    return _built(Paper, fields) if fast else Paper.model_construct(**dict(fields))


def shared_row(row: tuple[Any, ...], strings: dict[str, str]) -> tuple[Any, ...]:
    """A row read from the cache, with the text many rows repeat shared with the rows read
    before it (``strings``, kept across one library's rows): the venue, the author names,
    the date precision, the entry type and the source's file name, of which an unpickled
    row (the parse cache is pickled without a memo) has copies of its own. (Spelled out
    field by field: a reopen's rows are shared a batch at a time, ``shared_rows``.)"""
    values = list(row)
    _share(values, strings)
    return tuple(values)


def shared_rows(
    rows: list[tuple[Any, ...]], strings: dict[Any, Any], segment: int | None = None
) -> list[tuple[Any, ...]]:
    """``shared_row`` of each row (a batch read from the cache), a column at a time: what
    repeats is shared in C, and no list is made of each row. Rows of other lengths than
    ``PAPER_FIELDS`` are refused (ValueError): the columns would not line up. ``segment``:
    where the batch's abstracts are (``core.spill``), each row holding its place there."""
    if not rows:
        return []
    if set(map(len, rows)) != {len(PAPER_FIELDS)}:
        raise ValueError("rows of another shape")
    columns = list(zip(*rows, strict=True))
    share = strings.setdefault
    for place in (_VENUE, _PRECISION, _ENTRY_TYPE):
        columns[place] = tuple(map(share, columns[place], columns[place]))
    columns[_AUTHORS] = tuple(
        tuple(map(share, authors, authors)) if authors else authors for authors in columns[_AUTHORS]
    )
    columns[_SOURCE] = tuple(
        source if source is None else (share(source[0], source[0]), source[1])
        for source in columns[_SOURCE]
    )
    if segment is not None:
        first = code(segment, 0)
        columns[ABSTRACT] = tuple(
            first + held if type(held) is int else held for held in columns[ABSTRACT]
        )
    return list(zip(*columns, strict=True))


def _share(values: list[Any], strings: dict[str, str]) -> None:
    share = strings.setdefault
    if (venue := values[_VENUE]) is not None:
        values[_VENUE] = share(venue, venue)
    if (precision := values[_PRECISION]) is not None:
        values[_PRECISION] = share(precision, precision)
    if (kind := values[_ENTRY_TYPE]) is not None:
        values[_ENTRY_TYPE] = share(kind, kind)
    if authors := values[_AUTHORS]:
        values[_AUTHORS] = tuple(map(share, authors, authors))
    if (source := values[_SOURCE]) is not None:
        values[_SOURCE] = (share(source[0], source[0]), source[1])


def paper_row(paper: Paper, strings: dict[str, str] | None = None) -> tuple[Any, ...]:
    """A paper as a row of plain values, in ``PAPER_FIELDS`` order.

    ``strings``, kept across the rows of one pickle made with a memo (a worker's papers
    sent back, ``store.stored_as_rows``): its repeated text (``shared_row``) as the first
    row with the same text had it, so the pickle holds each once and what unpickles it
    shares them."""
    row = list(_ROW(paper.__dict__))
    date, source, sources = row[_DATE], row[_SOURCE], row[_SOURCES]
    row[_DATE] = date.toordinal() if date else None
    row[_SOURCE] = (source.file, source.line) if source else None
    row[_SOURCES] = tuple((s.file, s.line) for s in sources)
    if row[ABSTRACT]:
        row[ABSTRACT] = packed_text(row[ABSTRACT])
    if strings is not None:
        _share(row, strings)
    return tuple(row)


_DEFAULTS = {name: Paper.model_fields[name].get_default() for name in PAPER_FIELDS}


def with_line_moved(row: tuple[Any, ...], lines: int) -> tuple[Any, ...]:
    """The row with the line its paper was read from ``lines`` further down its file."""
    source = row[_SOURCE]
    if source is None or source[1] is None:
        return row
    return (*row[:_SOURCE], (source[0], source[1] + lines), *row[_SOURCE + 1 :])


def row_of_values(values: dict[str, Any], strings: dict[str, str] | None = None) -> tuple[Any, ...]:
    """The row of the paper ``Paper(**values)`` would make, without making it: for values
    already cleaned and of the fields' types (``formats.records.json_values``), which
    validation leaves as they are. ``source`` may be given as (file, line). With
    ``strings``, the row shares its repeated text as ``shared_row`` would (in the same
    pass: a large file's parse makes one tuple a paper, not two)."""
    row = list(_ROW({**_DEFAULTS, **values}))  # (merged and read in C: once a paper parsed)
    date, source = row[_DATE], row[_SOURCE]
    row[_DATE] = date.toordinal() if date else None
    if isinstance(source, SourceRef):
        row[_SOURCE] = (source.file, source.line)
    if row[_SOURCES]:
        row[_SOURCES] = tuple((s.file, s.line) for s in row[_SOURCES])
    if row[ABSTRACT]:
        row[ABSTRACT] = packed_text(row[ABSTRACT])
    if strings is not None:
        _share(row, strings)
    return tuple(row)


def compact_papers(papers: MutableSequence[Paper]) -> None:
    """Rebuild in place, as ``construct`` builds them, the papers that pydantic's validation
    made (those parsed in this process rather than read from the cache or sent back by a
    parse worker): the same papers, a fifth of their memory each (2,600 bytes beside
    their text, then 530). Each old paper is freed as its new one is made."""
    if not construct_is_faithful():
        return
    shared = _every_field(Paper)
    for number, paper in enumerate(papers):
        if paper.__pydantic_fields_set__ is not shared:
            papers[number] = _rebuilt(paper)


def _rebuilt(paper: Paper) -> Paper:
    held = paper.__dict__
    values = {name: held[name] for name in PAPER_FIELDS}  # in field order, as construct needs
    if paper.source is not None:
        values["source"] = _source((paper.source.file, paper.source.line), fast=True)
    if paper.sources:
        values["sources"] = tuple(_source((s.file, s.line), fast=True) for s in paper.sources)
    return construct(Paper, values)
