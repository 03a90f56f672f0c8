"""Papers as plain rows (tuples of strings, numbers and tuples) and back.

A row pickles several times faster than a pydantic ``Paper`` and unpickles with
no class at all: the parse cache stores rows, and the parallel parse
(``formats.pool``) sends them from its worker processes. Papers are rebuilt
without validation: they were validated when they were parsed.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel

from paperbrowse.core.models import Paper, SourceRef

PAPER_FIELDS = tuple(Paper.model_fields)
_PRECISIONS = {name: name for name in ("day", "month", "year")}  # one string each, shared

_Model = TypeVar("_Model", bound=BaseModel)


def construct(model: type[_Model], values: dict[str, Any]) -> _Model:
    """``model.model_construct(**values)`` for models whose every field is given and that have
    no extra or private attributes: the same object, five times faster (2 µs, not 10)."""
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


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


def paper_from_row(row: tuple[Any, ...], fast: bool) -> Paper:
    """The paper a row holds (``fast``: ``construct_is_faithful()``)."""
    values = dict(zip(PAPER_FIELDS, row, strict=True))
    values["date_precision"] = _PRECISIONS.get(values["date_precision"], values["date_precision"])
    if values["date"] is not None:
        values["date"] = dt.date.fromordinal(values["date"])
    if values["source"] is not None:
        values["source"] = _source(values["source"], fast)
    if values["sources"]:
        values["sources"] = tuple(_source(pair, fast) for pair in values["sources"])
    return construct(Paper, values) if fast else Paper.model_construct(**values)


_ROW = itemgetter(*PAPER_FIELDS)  # a paper's values in row order, gathered in C
_DATE, _SOURCE, _SOURCES = (PAPER_FIELDS.index(name) for name in ("date", "source", "sources"))


def paper_row(paper: Paper) -> tuple[Any, ...]:
    """A paper as a row of plain values, in ``PAPER_FIELDS`` order."""
    row = list(_ROW(paper.__dict__))
    date, source, sources = row[_DATE], row[_SOURCE], row[_SOURCES]
    row[_DATE] = date.toordinal() if date else None
    row[_SOURCE] = (source.file, source.line) if source else None
    row[_SOURCES] = tuple((s.file, s.line) for s in sources)
    return tuple(row)


class PaperList(list[Paper]):
    """A list of papers that pickles as rows, and unpickles as a plain list of papers: what
    a worker process sends back (``formats.pool``), a third of the cost of pickling them."""

    def __reduce__(self) -> tuple[Any, ...]:
        return papers_from_rows, ([paper_row(paper) for paper in self],)


def papers_from_rows(rows: list[tuple[Any, ...]]) -> list[Paper]:
    fast = construct_is_faithful()
    return [paper_from_row(row, fast) for row in rows]
