"""Papers as formatted references in a CSL style, through citeproc-py.

``references(papers, style, form)`` gives one reference per paper in the style's
order (alphabetical for APA, in the order given for numbered styles), as plain text
(for the clipboard), Markdown or HTML (italics kept). Each paper goes to citeproc-py
as a CSL-JSON item (``formats.csljson``) whose text is cleaned first: an organisation
stays one name, and "and others" is left to the style's own "et al.".
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from paperbrowse.core.cite.parallel import entries_on_cores, sort_values
from paperbrowse.core.cite.polish import polish, sentence_case, written_in_title_case
from paperbrowse.core.cite.processor import guard_processor
from paperbrowse.core.cite.remembered import remember, remembered
from paperbrowse.core.cite.speedups import KeyList, speed_up
from paperbrowse.core.cite.styles import Style, is_bundled, load_style, unusable
from paperbrowse.core.formats.csljson import (
    csl_item,
    name_to_csl,
    nocase_spans_in,
    venue_variable,
)
from paperbrowse.core.memory import gc_paused
from paperbrowse.core.models import Paper, bare_doi
from paperbrowse.core.patching import Method, install_once
from paperbrowse.core.text.clean import markdown_linked, squash_spaces


def clean(text: str) -> str:
    """Text as one line. A paper's text is plain already: BibTeX's LaTeX was converted when
    the file was read, and no other format has any (a JSON Lines title's ``~``, ``{x}`` or
    ``\\`` are the author's own characters, printed as they are)."""
    return squash_spaces(text)


def author_name(name: str, literal: bool = False, family: str | None = None) -> dict[str, str]:
    """A CSL name: an organisation, or a name written whole (``literal``), whole; a person
    split into family and given names (``formats.names.name_parts``), before the
    ``family`` its file gave where there is one (``Paper.family_of``)."""
    return name_to_csl(clean(name), literal, clean(family) if family else None)


_CONFERENCE = re.compile(
    r"\b(proceedings|conference|workshop|symposium|meeting|congress)\b", re.IGNORECASE
)


def csl_type(paper: Paper, given: str) -> str:
    """The CSL type; a paper whose file gave none (JSON Lines, profiles) is typed by its venue:
    a conference paper or a journal article, not CSL's ``article`` (a preprint: styles then
    print "Preprint" or "ahead of print")."""
    if paper.entry_type not in (None, "", "misc") or not paper.venue:
        return given
    return "paper-conference" if _CONFERENCE.search(paper.venue) else "article-journal"


def csl_data(paper: Paper, item_id: str, style: Style, markup: bool = False) -> dict[str, Any]:
    """The paper as citeproc-py's input: a CSL-JSON item with cleaned text; with ``markup``
    (HTML and Markdown output) its text is HTML-escaped, which citeproc-py leaves to us: it
    escapes the style's own text but not the paper's (a title ``<script>`` stays markup)."""
    item = csl_item(paper, item_id)
    item.pop("abstract", None)  # not printed by these styles, and slow to carry
    item.pop("custom", None)  # (files, works cited: no CSL variables to print)
    if paper.doi:  # (the styles print it after https://doi.org/ themselves)
        item["DOI"] = bare_doi(paper.doi)
    item["type"] = csl_type(paper, item["type"])
    item["title"] = clean(paper.title)
    kept = paper.title_kept if item["title"] == paper.title else ()
    if style.sentence_case:  # APA
        item["title"] = sentence_case(item["title"], kept)
        if item["type"] == "paper-conference" and "issued" in item:
            # APA 7 dates a paper in published proceedings by its year; the CSL style adds
            # the month whenever the paper lacks pages (as for a talk).
            item["issued"] = {"date-parts": [item["issued"]["date-parts"][0][:1]]}
    # An edited book's authors are its editors: given as editors where they stand in.
    authors = () if paper.is_edited and style.editors_stand_in else paper.authors
    literal = paper.literal_names
    for variable, people in (("author", authors), ("editor", paper.editors)):
        names = [author_name(name, name in literal, paper.family_of(name)) for name in people]
        names = [name for name in names if any(name.values())]
        if names:
            item[variable] = names
        else:
            item.pop(variable, None)
    if paper.venue:  # in the variable of the type as typed here
        item.pop("publisher", None)
        item.pop("container-title", None)
        item[venue_variable(item["type"])] = clean(paper.venue)
    if paper.separate_publisher:
        item.setdefault("publisher", clean(paper.separate_publisher))
    if _in_proceedings_without_editors(item):
        if style.proceedings_need_editors:
            item["type"] = "chapter"
        if style.conference_without_publisher:
            item.pop("publisher", None)
            item.pop("publisher-place", None)
    item = _escaped(item) if markup else item
    if kept == ((0, len(paper.title)),):
        # A title whose case is all as written (a German or French one: ``formats.languages``,
        # or ``{{...}}``) is left as it is by every style: CSL's nocase. (Only whole: a part
        # kept, citeproc-py's title case splits the title there, "Black - Box".)
        item["title"] = nocase_spans_in(paper.title, kept, _escaped if markup else str)
    journal = item.get("container-title")
    if isinstance(journal, str) and written_in_title_case(journal):
        item["container-title"] = f'<span class="nocase">{journal}</span>'
    return item


_NOCASE_TAG = re.compile(r'</?span(?: class="nocase")?>')


def _in_proceedings_without_editors(item: dict[str, Any]) -> bool:
    """A conference paper in a named proceedings volume whose editors the file does not give.

    Chicago (CMOS 18 §14.115) cites a paper in published proceedings like a chapter in a
    book: "In *Proceedings of ...*". The bundled Chicago style decides whether proceedings
    are a book by their editors (a paper-conference without any is a serial, printed like
    a journal article with its month: "Proceedings of ..., July, 1135–44"), and most
    BibTeX and all ACL Anthology records leave the editors out. Typed as a chapter, the
    paper is printed as the manual says, from the data the file does give.
    """
    return item["type"] == "paper-conference" and "container-title" in item and "editor" not in item


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("id", "type", "issued") else _escaped(v) for k, v in value.items()}
    return value


def _honour_initialize_false() -> None:
    """Make citeproc-py keep given names whole where a style says ``initialize="false"``.

    CSL 1.0.1 lets a style set ``initialize-with=". "`` for all names and switch the
    shortening off for some (Chicago and MLA print ``Hofmann, Valentin``); citeproc-py
    0.11.1 reads only ``initialize-with`` and prints ``Hofmann, V.``. Its name elements
    are lxml element classes, so the guard goes on the class, once.
    """
    from citeproc import model

    install_once(model.Name, "get_option", _option_honouring_initialize)


def _option_honouring_initialize(original: Method) -> Method:
    def get_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if name == "initialize-with" and self.get("initialize") == "false":
            return None
        return original(self, name, context, sort_options)

    return get_option


def references(papers: Sequence[Paper], style: Style, form: str = "text") -> list[str]:
    """One reference per paper in ``form`` (``text``, ``markdown`` or ``html``), in the
    style's order (a big selection's list remembered: ``remembered``). Raises StyleError
    naming the file when a user's own style fails."""
    found = remembered(papers, style, form)
    if found is None:
        found = _references(papers, style, form)
        remember(papers, style, form, found)
    return found


def _references(papers: Sequence[Paper], style: Style, form: str) -> list[str]:
    # Our own ids: citeproc-py lower-cases its items' ids, so two keys differing only in
    # case would be one item to it.
    ids = [f"p{number}" for number in range(len(papers))]
    markup = form != "text"
    items = [
        csl_data(paper, item_id, style, markup) for paper, item_id in zip(papers, ids, strict=True)
    ]
    untitled_authors = [
        _NOCASE_TAG.sub("", item["title"]) for item in items if "author" not in item
    ]
    try:
        # Finished (``finished``) in the workers when rendered on every core: done here,
        # the polish was a tenth of the time of 22k references, on one core.
        finished = entries_on_cores(
            items, style, form, entries_part, _tied_sort_values(style, form), (untitled_authors,)
        )
        if finished is not None:
            return finished
        rendered = citeproc_entries(items, style, form)
    except Exception as error:
        if is_bundled(style):
            raise  # a bug of ours or citeproc-py's, not the user's file
        raise unusable(style, error) from error
    return finished_entries(rendered, style, form, untitled_authors)


def finished_entries(
    rendered: list[str], style: Style, form: str, untitled_authors: list[str]
) -> list[str]:
    """citeproc-py's references as the style prescribes (``polish``), in ``form``."""
    if untitled_authors:
        rendered = [once(entry, untitled_authors) for entry in rendered]
    polished = [polish(entry, style.punctuation_in_quote) for entry in rendered]
    return [html_to_markdown(entry) for entry in polished] if form == "markdown" else polished


def _citeproc_ready() -> None:
    """citeproc-py with our guards and speed-ups, in this process."""
    _honour_initialize_false()
    speed_up()
    guard_processor()


def _bibliography(items: list[dict[str, Any]], style: Style, form: str) -> Any:
    """A citeproc-py bibliography of the items, registered in their order (call in
    ``warnings.catch_warnings``)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    _citeproc_ready()
    output = formatter.plain if form == "text" else formatter.html
    bibliography = CitationStylesBibliography(style.csl, CiteProcJSON(items), output)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return bibliography


def citeproc_entries(items: list[dict[str, Any]], style: Style, form: str) -> list[str]:
    """citeproc-py's reference for each CSL item, in the style's order."""
    # No collector passes: citeproc-py makes a dozen short-lived strings and lists per
    # element of the style for every reference, and a pass finds nothing (3-8% faster).
    with warnings.catch_warnings(), gc_paused():
        warnings.simplefilter("ignore")  # citeproc-py warns of CSL features it skips
        bibliography = _bibliography(items, style, form)
        # citeproc-py keeps the order of registration unless asked: a style whose
        # bibliography has a <sort> (APA, MLA, Chicago, ACM) is sorted as it says, and
        # numbered to match; the others (IEEE, Nature) keep the order cited.
        bibliography.sort()
        return [str(entry) for entry in bibliography.bibliography()]


def entries_part(
    style_file: str,
    form: str,
    items: list[dict[str, Any]],
    first: int,
    sorted_style: bool,
    untitled_authors: list[str],
) -> tuple[list[str], list[Any]]:
    """In a worker (``parallel``): the references of a part of the items, finished
    (``finished_entries``), in their order and numbered on from ``first``, with their
    first sort key when the style sorts."""
    style = load_style(style_file)
    with warnings.catch_warnings(), gc_paused():
        warnings.simplefilter("ignore")
        bibliography = _bibliography(items, style, form)
        bibliography.keys = KeyList(bibliography.keys, start=first)
        keys = sort_values(style, bibliography.items, 0) if sorted_style else []
        rendered = [str(entry) for entry in bibliography.bibliography()]
    return finished_entries(rendered, style, form, untitled_authors), keys


def _tied_sort_values(style: Style, form: str) -> Callable[[list[dict[str, Any]], int], list[Any]]:
    """``parallel``'s later sort keys, for the few items tied on the keys before them."""

    def values(tied: list[dict[str, Any]], index: int) -> list[Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bibliography = _bibliography(tied, style, form)
            return sort_values(style, bibliography.items, index)

    return values


def once(entry: str, titles: list[str]) -> str:
    """The reference with its title printed once.

    With no author a style puts the title first, in the author's place; citeproc-py
    then prints it again where the title goes (``No authors here. (2020). No authors
    here. Journal``), where CSL's substitution says it must not.
    """
    for title in titles:
        pattern = re.compile(r"[“\"]?" + re.escape(title) + r"[.,]?[”\"]?[.,]? ?", re.IGNORECASE)
        found = list(pattern.finditer(entry))
        if len(found) > 1:
            second = found[1]
            entry = entry[: second.start()] + entry[second.end() :]
    return entry


def bibliography_document(papers: Sequence[Paper], style: Style, form: str) -> str:
    """A whole reference list: one paragraph per reference (Markdown), or an HTML page."""
    entries = references(papers, style, form)
    if form == "html":
        body = "\n".join(f'  <div class="csl-entry">{entry}</div>' for entry in entries)
        return (
            '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>References'
            f'</title></head>\n<body>\n<div class="csl-bib-body">\n{body}\n</div>\n'
            "</body>\n</html>\n"
        )
    return "\n\n".join(entries) + "\n"


_TAG = re.compile(r"(</?(?:i|em|b|strong)>)", re.IGNORECASE)
_MARKS = {"i": "*", "em": "*", "b": "**", "strong": "**"}


def html_to_markdown(entry: str) -> str:
    """citeproc-py's HTML as Markdown: italics as ``*...*``, text escaped, links as ``<url>``."""
    out: list[str] = []
    for piece in _TAG.split(entry):
        if _TAG.fullmatch(piece):
            out.append(_MARKS[piece.strip("</>").lower()])
            continue
        out.append(markdown_linked(html.unescape(re.sub(r"<[^>]*>", "", piece))))
    return "".join(out)
