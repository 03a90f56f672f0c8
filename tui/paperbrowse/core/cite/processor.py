"""Guards on citeproc-py 0.11.1's processor, for what its output cannot be fixed after.

- Sorting compares code points: ``Østergaard`` and ``Ångström`` come after ``Zhang``.
  The styles' locales (en-US, en-GB) sort accented letters with their base letter,
  as citeproc-js does; the sort keys are folded first.
- Shortening given names leaves a stray mark wherever a word does not start with a
  capital letter: ``[i]Mal[/i] Lory`` becomes ``Lory, [i]Mal[/i] .`` (a period with no
  initial before it). A mark now follows only initials.
- Shortening a page range compares the pages digit by digit from the left, so pages of
  different lengths lose digits: MLA's ``pp. 1–20`` becomes ``pp. 1–0``. CSL shortens
  only a second page as long as the first (``100–120`` -> ``100–20``); a second page
  already short (``321–28``) is read as ``321–328`` first.
- A label in title case is left as the locale writes it: ``text-case="title"`` applies
  only to text it is told is English, and a label is never told (APA's ``In A. Editor
  (eds.)``, where the style says ``(Eds.)``). A label is the style's own word, in the
  style's language: our styles' locales are all English.
- A label is printed for a variable the paper lacks: Chicago's "Edition." after every
  journal article without a journal (``<label variable="edition"/>``); CSL prints a label
  only beside its variable.
- Names printed in the author's place (``<substitute>``: an edited book's editors) are
  printed again where the style names editors: APA's ``Doe, J. (Ed.). (2019). The
  collected works (J. Doe, Ed.)``. CSL suppresses a substituted variable in the rest of
  the reference. And names in a ``<choose>`` of a substitute (Chicago's editors) were
  printed in citeproc-py's own form, not the author's, without their label: ``J. Doe``
  for ``Doe, Jane, ed.``

Each is put on citeproc-py's element classes once (they are lxml element classes, so
the guard goes on the class) by ``core.patching.install_once``, as
``references._honour_initialize_false`` is too.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from paperbrowse.core.models import fold
from paperbrowse.core.patching import Method, install_once

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "þ": "th"})


def sort_text(text: str) -> str:
    """``Østergaard`` -> ``ostergaard``: what an English reference list sorts it as."""
    return fold(text).translate(_UNDECOMPOSED)


def fold_sort_keys() -> None:
    """Make citeproc-py compare text sort keys with accents folded."""
    from citeproc import model

    install_once(model.Key, "sort_keys", _folding_sort_keys)


def _folding_sort_keys(original: Method) -> Method:
    def sort_keys(self: Any, items: Any, context: Any) -> list[Any]:
        keys = original(self, items, context)
        return [
            key if key is None or isinstance(key, int | float | tuple) else sort_text(str(key))
            for key in keys
        ]

    return sort_keys


def initials(given: str, mark: str, hyphenated: bool) -> str:
    """``Jean-Paul Anne`` -> ``J.-P. A.``; words not starting with a capital (particles,
    ``[i]Mal[/i]``) are kept whole, with no mark of their own."""
    result_parts = []
    for hyphen_part in given.split("-") if hyphenated else [given.replace("-", " ")]:
        pieces: list[str] = []
        group: list[str] = []
        for part in hyphen_part.replace(".", " ").split():
            if part[0].isupper():
                group.append(part[0])
                continue
            if group:
                pieces.append(mark.join(group) + mark)
                group = []
            pieces.append(part)
        if group:
            pieces.append(mark.join(group) + mark)
        result_parts.append(" ".join(" ".join(pieces).split()))
    return "-".join(result_parts)


def initialize_without_stray_marks() -> None:
    """Make citeproc-py shorten given names with ``initials``."""
    from citeproc import model

    install_once(model.Name, "initialize", _initializing_with_initials)


def _initializing_with_initials(original: Method) -> Method:
    def initialize(self: Any, given: str, mark: str, context: Any) -> str:
        hyphenated = bool(self.get_option("initialize-with-hyphen", context))
        return initials(given, mark, hyphenated)

    return initialize


def full_last_page(first: str, last: str) -> str:
    """``321``, ``28`` -> ``328``: the second page written out as long as the first."""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        return first[: len(first) - len(last)] + last
    return last


def shorten_only_pages_of_one_length() -> None:
    """Make citeproc-py shorten a page range only when its pages have as many digits."""
    from citeproc import model

    install_once(model.FormatNumber, "_format_last_page", _last_page_by_length)


def _last_page_by_length(original: Method) -> Method:
    def format_last_page(self: Any, first: str, last: str) -> str:
        last = full_last_page(first, last)
        if len(last) != len(first):
            return last  # 1–20, 95–105: nothing in common to leave out
        return str(original(self, first, last))

    return format_last_page


def labels_in_title_case() -> None:
    """Make citeproc-py apply a label's ``text-case="title"`` (``eds.`` -> ``Eds.``)."""
    from citeproc import model

    install_once(model.Label, "case", _case_in_english)


def _case_in_english(original: Method) -> Method:
    def case(self: Any, text: Any, language: str | None = None) -> Any:
        return original(self, text, language or "en")

    return case


def labels_only_with_their_variable() -> None:
    """Make citeproc-py print a label (``Edition``, ``pp.``) only when its variable is there."""
    from citeproc import model

    install_once(model.Label, "process", _processing_with_variable)


def _processing_with_variable(original: Method) -> Method:
    def process(self: Any, item: Any, variable: Any = None, *args: Any, **kwargs: Any) -> Any:
        named = variable or self.get("variable")
        if named and named != "locator" and named.replace("-", "_") not in item.reference:
            return None
        return original(self, item, variable, *args, **kwargs)

    return process


def names_substituted_once() -> None:
    """Make citeproc-py print names that stood in for the author nowhere else."""
    from citeproc import model

    install_once(model.Names, "process", _processing_names_once)


# The key, in citeproc-py's table of what to leave out of the reference it renders (made
# anew for each), of the name variables a substitute printed.
_SUBSTITUTED = "paperbrowse-substituted-names"
# The sort options of the names whose sort key is being made, in this thread.
_sort_options: ContextVar[dict[str, Any] | None] = ContextVar("sort_options", default=None)


def _processing_names_once(original: Method) -> Method:
    def process(
        self: Any, item: Any, names_context: Any = None, context: Any = None, **kw: Any
    ) -> Any:
        # A sort key's options (names family first) do not reach the names in a ``<choose>``
        # or a macro of a substitute: passed on from the names the key is made of.
        sorting = kw.get("sort_options")
        if sorting is None and _sort_options.get() is not None:
            kw["sort_options"] = _sort_options.get()
        token = _sort_options.set(sorting) if sorting is not None else None
        try:
            return _names_once(original, self, item, names_context, context, **kw)
        finally:
            if token is not None:
                _sort_options.reset(token)

    return process


def _names_once(
    original: Method, names: Any, item: Any, names_context: Any, context: Any, **kw: Any
) -> Any:
    repressed = (context if context is not None else names).get_layout().repressed
    printed = repressed.setdefault(_SUBSTITUTED, set())
    substitute = _ancestor(names, _SUBSTITUTE)
    if substitute is not None and names_context is None and names.name is None:
        outer = substitute.getparent()  # formed as the names stood in for
        names_context = outer if outer is not None and outer.tag == _NAMES else None
    roles = [role for role in names.get("variable", "").split() if role in item.reference]
    hidden = {role: item.reference.pop(role) for role in roles if role in printed}
    try:
        text = original(names, item, names_context, context, **kw)
    finally:
        item.reference.update(hidden)
    if text and substitute is not None:
        printed.update(role for role in roles if role not in hidden)
    return text


_CSL_TAG = "{http://purl.org/net/xbiblio/csl}"
_SUBSTITUTE, _NAMES = _CSL_TAG + "substitute", _CSL_TAG + "names"


def _ancestor(element: Any, tag: str) -> Any:
    """The nearest ancestor with ``tag`` (an XPath for it, asked by each names element
    rendered, cost Chicago's references a sixth of their speed)."""
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def guard_processor() -> None:
    """Every guard above, once."""
    fold_sort_keys()
    initialize_without_stray_marks()
    shorten_only_pages_of_one_length()
    labels_in_title_case()
    labels_only_with_their_variable()
    names_substituted_once()
