"""citeproc-py made faster without changing a character of its output.

Written for citeproc-py 0.11.1 (pinned in pyproject.toml): these patches replace some of
its methods with ones that do the same work faster, so they depend on its internals; with
any other version nothing is patched and references are rendered as citeproc-py alone
renders them, only slower.

citeproc-py walks a style's XML tree for every reference and asks the tree the
same questions again and again: which macro has this name (an XPath query), does this
group call a variable (a walk of the whole subtree), which term is "et al." in this
locale (another query). A parsed style never changes, so each answer is remembered
the first time. Its bibliography also keeps its keys in a list (``key in keys`` and
``keys.index(key)`` for every item: quadratic in the number of papers); ``KeyList``
below keeps them in a dict as well. The walk itself (``_speed_up_walk``) reads each
element's attributes, children and conditions once, remembers which branch of a
``cs:choose`` an item of a given type and set of variables takes, and sorts with each
key worked out once per item, and only for the items that tie on the keys before it.

Every cache holds the lxml elements it is keyed by, so an element's Python proxy (and
its ``id``) stays the same for as long as its answer is kept. The output was checked
the same, byte for byte, for all 22,362 papers of the ACL JSON Lines in the eight bundled styles
(``tests/bench/compare_cite_output.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

_DIGIT = re.compile(r"\d")

WRITTEN_FOR = "0.11.1"  # the citeproc-py these patches were written for
_PATCHED: list[str] = []


def _remembered(original: Callable[..., Any], cache: dict[Any, Any]) -> Callable[..., Any]:
    """``original(self, *args)`` answered once per element and arguments."""

    def method(self: Any, *args: Any) -> Any:
        key = (self, *args)
        try:
            return cache[key]
        except KeyError:
            found = cache[key] = original(self, *args)
            return found

    method.remembered = True  # type: ignore[attr-defined]
    return method


def written_for_this_citeproc() -> bool:
    """Whether the installed citeproc-py is the one these patches (and ``parallel``'s
    copy of its sort comparison) were written for."""
    import citeproc

    return bool(citeproc.__version__ == WRITTEN_FOR)


def speed_up() -> None:
    """Patch citeproc-py's element classes, once per process."""
    if _PATCHED:
        return
    from citeproc import model

    if not written_for_this_citeproc():
        _PATCHED.append("none: another citeproc-py")
        return

    # Static per element: its root, a subtree's variables, macro, XPath and locale lookups.
    model.CitationStylesElement.get_root = _remembered(model.CitationStylesElement.get_root, {})
    model.CitationStylesElement.get_locale_option = _remembered(
        model.CitationStylesElement.get_locale_option, {}
    )
    model.Parent.calls_variable = _remembered(model.Parent.calls_variable, {})
    model.Text.calls_variable = _remembered(model.Text.calls_variable, {})
    model.CitationStylesElement.xpath_search = _remembered(
        model.CitationStylesElement.xpath_search, {}
    )
    model.CitationStylesElement.get_macro = _remembered(model.CitationStylesElement.get_macro, {})
    from citeproc import CitationStylesBibliography
    from citeproc.source import CitationItem

    CitationItem.reference = property(_reference)
    _keys_in_a_dict(CitationStylesBibliography)
    _speed_up_walk(model)
    _PATCHED.append("citeproc")


def _reference(item: Any) -> Any:
    """The item's CSL data, looked up in the bibliography's source once."""
    try:
        return item.__dict__["_reference"]
    except KeyError:
        found = item.citation.bibliography.source[item.key]
        object.__setattr__(item, "_reference", found)
        return found


def _keys_in_a_dict(bibliography_class: Any) -> None:
    """A bibliography's ``keys`` a ``KeyList`` from the start and after sorting."""
    original_init, original_sort = bibliography_class.__init__, bibliography_class.sort

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.keys = KeyList(self.keys)

    def sort(self: Any) -> None:
        original_sort(self)
        self.keys = KeyList(self.keys)

    bibliography_class.__init__, bibliography_class.sort = __init__, sort


class KeyList(list[str]):
    """The bibliography's keys in order, with ``index`` and ``in`` answered by a dict
    (``register`` asks ``key in keys`` and numbering ``keys.index(key)`` for every item)."""

    def __init__(self, keys: Sequence[str] = (), start: int = 0) -> None:
        super().__init__(keys)
        # ``start``: the keys of a part of a longer list (``parallel``), numbered on from it
        self._start = start
        self._position = {key: start + number for number, key in enumerate(keys)}

    def append(self, key: str) -> None:
        self._position.setdefault(key, self._start + len(self))
        super().append(key)

    def index(self, key: str, *args: Any) -> int:
        return self._position[key]

    def __contains__(self, key: object) -> bool:
        return key in self._position


# The walk of the style, per reference. citeproc-py asks every element the same questions
# (its attributes, its children, its conditions) once per reference; the answers below
# are worked out once per element and the work that follows is what citeproc-py does,
# in the same order, for the same output. Where an element does anything unusual (a font,
# quotes, a case), the original method does the work.


def _per_element(compute: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``compute(element)``, remembered per element (the cache keeps the element alive)."""
    cache: dict[Any, Any] = {}

    def answer(element: Any) -> Any:
        try:
            return cache[element]
        except KeyError:
            found = cache[element] = compute(element)
            return found

    return answer


def _speed_up_walk(model: Any) -> None:
    from citeproc import source, string

    _attribute_fast_paths(model, string)
    _children_once(model)
    _compiled_conditions(model)
    _text_fast_path(model, string)
    _remembered_options(model)
    _sort_compares_prepared_keys(model)
    # A missing variable is citeproc-py's VariableError; answered by dict's own lookup,
    # with ``__missing__`` raising it, a variable that is there costs no Python call.
    VariableError = source.VariableError

    def missing(self: Any, key: Any) -> Any:
        raise VariableError

    del source.CustomDict.__getitem__
    source.CustomDict.__missing__ = missing


def _unquoted(model: Any, element: Any) -> bool:
    """No quotes around the element's text (and a locale option citeproc-py can read:
    it reads one, and fails without it, before it looks at ``quotes``)."""
    try:
        element.get_locale_option("punctuation-in-quote").lower()
    except Exception:
        return False
    return bool(element.get("quotes", "false").lower() != "true")


def _attribute_fast_paths(model: Any, string: Any) -> None:
    """Formatting, affixes, quotes, case and delimiters read from each element once; an
    element with none of them hands its text on as citeproc-py would."""
    kept_types = (string.String, string.MixedString)

    def root_of(element: Any) -> tuple[Any, bool]:
        root = element.get_root()
        return root, isinstance(root, model.Locale)

    roots = _per_element(root_of)

    def get_formatter(self: Any) -> Any:
        root, is_locale = roots(self)
        return root.style.formatter if is_locale else root.formatter

    model.CitationStylesElement.get_formatter = get_formatter

    plain_fonts = _per_element(
        lambda element: (
            element.get("font-style", "normal") == "normal"
            and element.get("font-variant", "normal") == "normal"
            and element.get("font-weight", "normal") == "normal"
            and element.get("text-decoration", "none") == "none"
            and element.get("vertical-align", "baseline") == "baseline"
        )
    )
    original_format = model.Formatted.format

    def format(self: Any, text: Any) -> Any:
        if not plain_fonts(self):
            return original_format(self, text)
        return str(text) if isinstance(text, int | float) else text

    model.Formatted.format = format

    no_affixes = _per_element(
        lambda element: not element.get("prefix") and not element.get("suffix")
    )
    original_wrap = model.Affixed.wrap

    def wrap(self: Any, text: Any) -> Any:
        # '' + text + '' is text itself for citeproc-py's strings, an equal str for a str.
        if (
            text is not None
            and no_affixes(self)
            and (type(text) is str or isinstance(text, kept_types))
        ):
            return text
        return original_wrap(self, text)

    model.Affixed.wrap = wrap

    is_unquoted = _per_element(lambda element: _unquoted(model, element))
    original_quote = model.Quoted.quote

    def quote(self: Any, text: Any) -> Any:
        return text if is_unquoted(self) else original_quote(self, text)

    model.Quoted.quote = quote

    uncased = _per_element(lambda element: element.get("text-case") is None)
    original_case = model.TextCased.case

    def case(self: Any, text: Any, language: Any = None) -> Any:
        return text if uncased(self) else original_case(self, text, language)

    model.TextCased.case = case

    unstripped = _per_element(
        lambda element: element.get("strip-periods", "false").lower() != "true"
    )
    original_strip = model.StrippedPeriods.strip_periods

    def strip_periods(self: Any, text: Any) -> Any:
        return text if unstripped(self) else original_strip(self, text)

    model.StrippedPeriods.strip_periods = strip_periods

    delimiters = _per_element(lambda element: element.get("delimiter"))
    join = model.join

    def joined(self: Any, strings: Any, default_delimiter: str = "") -> Any:
        delimiter = delimiters(self)
        if delimiter is None:
            delimiter = default_delimiter
        try:
            return join((s for s in strings if s is not None), delimiter)
        except Exception:  # citeproc-py's own bare except
            return string.String("")

    model.Delimited.join = joined


def _children_once(model: Any) -> None:
    """A style element's children listed once (the walk never changes them: the one
    element citeproc-py adds, a missing ``cs:name``, goes into a ``cs:names``, whose
    children it never walks this way)."""
    Choose, VariableError, join = model.Choose, model.VariableError, model.join
    children = _per_element(
        lambda element: tuple(
            (child, isinstance(child, Choose)) for child in element.iterchildren()
        )
    )

    def render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
        output = []
        for child, is_choose in children(self):
            try:
                if is_choose:
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
                if text is not None:
                    output.append(text)
            except VariableError:
                pass
        if output:
            return join(output, delimiter)
        return None

    model.Parent.render_children = render_children

    group_delimiters = _per_element(lambda element: element.get("delimiter", ""))

    def group(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        output = []
        variable_called = False
        variable_rendered = False
        delimiter = group_delimiters(self)
        for child, is_choose in children(self):
            variable_called = variable_called or child.calls_variable()
            try:
                if is_choose:
                    child_text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    child_text = child.render(item, context=context, **kwargs)
                if child_text is not None:
                    output.append(child_text)
                    variable_rendered = variable_rendered or child.calls_variable()
            except VariableError:
                pass
        success = not variable_called or variable_rendered
        if output and success:
            return self.join(output)
        raise VariableError

    model.Group.process = group


_SIMPLE_CONDITIONS = frozenset({"type", "variable", "match"})


def _compiled_conditions(model: Any) -> None:
    """``cs:choose``: a branch is picked by tests of the item's type and of which
    variables it has (all the bundled styles test), so the branch a choice takes is
    remembered for each type and set of variables; the tests themselves are split once.
    A choice with any other test (numbers, dates, locators, positions) is citeproc-py's."""
    ConditionFailed, If, Else = model.ConditionFailed, model.If, model.Else

    def compile_condition(element: Any) -> Any:
        types = element.get("type")
        variables = element.get("variable")
        return (
            None if types is None else tuple(kind.lower() for kind in types.split()),
            None if variables is None else tuple(v.replace("-", "_") for v in variables.split()),
            set(element.attrib) <= _SIMPLE_CONDITIONS,
            element.get("match"),
        )

    conditions = _per_element(compile_condition)
    original_render = If.render

    def holds(condition: Any, item: Any) -> bool:
        """model.If.render's test, for a condition of types and variables only."""
        types, variables, _, match = condition
        results = []
        if types is not None:
            reference = item.reference
            results += [kind == reference.type for kind in types]
        if variables is not None:
            reference = item.reference
            results += [
                ("locator" in item) if variable == "locator" else (variable in reference)
                for variable in variables
            ]
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    def render(
        self: Any, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any
    ) -> Any:
        condition = conditions(self)
        if not condition[2]:  # numbers, dates, locators, positions: citeproc-py's own tests
            return original_render(self, item, context=context, delimiter=delimiter, **kwargs)
        if not holds(condition, item):
            raise ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    If.render = render  # Else_If inherits it

    def plan(choose: Any) -> Any:
        """The branches with their conditions (None for cs:else), or None if a test
        is not of types and variables."""
        branches = []
        for branch in choose.getchildren():
            if isinstance(branch, If):
                condition = conditions(branch)
                if not condition[2]:
                    return None
                branches.append((branch, condition))
            elif isinstance(branch, Else):
                branches.append((branch, None))
            else:
                return None
        return tuple(branches)

    plans = _per_element(plan)
    all_branches = _per_element(lambda element: tuple(element.getchildren()))
    taken: dict[Any, int] = {}

    def signature(item: Any) -> Any:
        """All a type-and-variable test reads of an item."""
        try:
            return item.__dict__["_signature"]
        except KeyError:
            reference = item.reference
            found = (reference.type, frozenset(reference), "locator" in item)
            object.__setattr__(item, "_signature", found)
            return found

    def choose(
        self: Any, item: Any, context: Any = None, delimiter: str = "", **kwargs: Any
    ) -> Any:
        branches = plans(self)
        if branches is None:
            first = 0
            children = all_branches(self)
        else:
            key = (self, signature(item))
            try:
                first = taken[key]
            except KeyError:
                first = taken[key] = next(
                    (
                        number
                        for number, (_, condition) in enumerate(branches)
                        if condition is None or holds(condition, item)
                    ),
                    len(branches),
                )
            children = all_branches(self)
        # The branches before ``first`` fail their tests (which have no side effects);
        # from ``first`` on it is citeproc-py's loop.
        for child in children[first:]:
            try:
                return child.render(item, context=context, delimiter=delimiter, **kwargs)
            except ConditionFailed:
                continue
        return None

    model.Choose.render = choose


def _text_fast_path(model: Any, string: Any) -> None:
    """``cs:text``: which of variable, macro, term or value it prints, read once; the
    item's language (a VariableError for most papers: an exception per element) once
    per item."""
    VariableError = model.VariableError
    kept_types = (string.String, string.MixedString)

    def kind_of(element: Any) -> str | None:
        for kind in ("variable", "macro", "term", "value"):
            if kind in element.attrib:
                return kind
        return None

    kinds = _per_element(kind_of)
    default_languages = _per_element(
        lambda element: element.get_root().get("default-locale", "en")[:2]
    )
    original_process = model.Text.process

    def language_of(item: Any) -> Any:
        try:
            return item.__dict__["_language"]
        except KeyError:
            try:
                found = ("", item.reference.language[:2])
            except VariableError:
                found = ("default", None)
            object.__setattr__(item, "_language", found)
            return found

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        kind = kinds(self)
        if kind not in ("variable", "macro"):
            return original_process(self, item, context, **kwargs)
        if context is None:
            context = self
        source, language = language_of(item)
        if source == "default":
            language = default_languages(self)
        if kind == "variable":
            return self._variable(item, context), language
        return self.get_macro(self.get("macro")).render(item, context), language

    model.Text.process = process

    def variable_of(element: Any) -> tuple[str, str, bool, str]:
        variable = element.get("variable")
        special = variable.startswith("page") or variable in ("citation-number", "locator")
        return (
            variable,
            element.tag,
            element.get("form") == "short" or special,
            variable.replace("-", "_"),
        )

    variables = _per_element(variable_of)
    layouts = _per_element(lambda element: element.get_layout())
    original_variable = model.Text._variable

    def text_variable(self: Any, item: Any, context: Any) -> Any:
        variable, tag, unusual, key = variables(self)
        if unusual:  # short forms, pages, numbers, locators: citeproc-py's own code
            return original_variable(self, item, context)
        repressed = layouts(context).repressed
        if tag in repressed and variable in repressed[tag]:
            return None
        return item.reference[key]

    model.Text._variable = text_variable

    def plain(element: Any) -> bool:
        return bool(
            element.get("strip-periods", "false").lower() != "true"
            and element.get("text-case") is None
            and element.get("font-style", "normal") == "normal"
            and element.get("font-variant", "normal") == "normal"
            and element.get("font-weight", "normal") == "normal"
            and element.get("text-decoration", "none") == "none"
            and element.get("vertical-align", "baseline") == "baseline"
            and not element.get("prefix")
            and not element.get("suffix")
            and _unquoted(model, element)
        )

    plains = _per_element(plain)
    original_markup = model.Text.markup

    def markup(self: Any, text: Any, language: Any) -> Any:
        if text and plains(self):
            if isinstance(text, int | float):
                text = str(text)
            if type(text) is str or isinstance(text, kept_types):
                return text
        return original_markup(self, text, language)

    model.Text.markup = markup


def _remembered_options(model: Any) -> None:
    """A name's options (each an XPath query and, without sort options, a TypeError
    caught), a layout, a term and a date format: the same for every reference."""
    original_option = model.Name.get_option
    options: dict[Any, Any] = {}

    def get_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if sort_options is not None and name in sort_options:
            return original_option(self, name, context, sort_options)
        key = (self, name, context)
        try:
            return options[key]
        except KeyError:
            found = options[key] = original_option(self, name, context, sort_options)
            return found

    get_option.__dict__.update(original_option.__dict__)  # references.py's marker
    model.Name.get_option = get_option

    element = model.CitationStylesElement
    element.get_layout = _remembered(element.get_layout, {})
    element.get_date = _remembered(element.get_date, {})
    original_term = element.get_term
    terms: dict[Any, Any] = {}

    def get_term(
        self: Any,
        name: str,
        form: Any = None,
        fallback_locale: bool = True,
        zero_padded: bool = False,
    ) -> Any:
        key = (self, name, form, fallback_locale, zero_padded)
        try:
            return terms[key]
        except KeyError:
            found = terms[key] = original_term(self, name, form, fallback_locale, zero_padded)
            return found

    element.get_term = get_term


def _sort_compares_prepared_keys(model: Any) -> None:
    """Sorting a bibliography compares each pair of items key by key; citeproc-py lowers
    both keys and tries to read both as integers (a ValueError for most) on every
    comparison. Each key's lowered text and integer are worked out once, and the
    comparison is citeproc-py's, in the same order, so the order is the same."""

    def sort(self: Any, items: Any, context: Any) -> Any:
        keys = self.findall("cs:key", self.nsmap)

        def values(index: int, numbers: list[int]) -> list[Any]:
            return list(keys[index].sort_keys([items[number] for number in numbers], context))

        columns = tied_columns(len(keys), len(items), values)
        return [items[number] for number in sorted_order(len(items), columns, descending(self))]

    model.Sort.sort = sort


def tied_columns(
    key_count: int, count: int, values: Callable[[int, list[int]], list[Any]]
) -> list[list[Any]]:
    """Each key's values for ``count`` items (``values(k, numbers)``: key k's values
    for the items at ``numbers``), worked out only for the items that tie on all keys
    before it.

    The comparison reads a key only when the keys before it are equal, so an item that
    no other item ties with never has its later keys read: APA's second key (a date) is
    rendered for the authors with more than one paper, not for every paper. Items are
    grouped by what the comparison sees as equal (the same integer, or the same text
    lowered); values that are not text all share one group, which only means more
    values are worked out."""
    columns: list[list[Any]] = []
    groups = [list(range(count))]
    for index in range(key_count):
        tied = groups if not columns else [group for group in groups if len(group) > 1]
        wanted = [number for group in tied for number in group]
        found = values(index, wanted) if wanted else []
        column: list[Any] = [None] * count
        for number, value in zip(wanted, found):  # noqa: B905 - as citeproc-py's zip
            column[number] = value
        columns.append(column)
        groups = []
        for group in tied:
            by_value: dict[Any, list[int]] = {}
            for number in group:
                by_value.setdefault(_equal_class(column[number]), []).append(number)
            groups.extend(by_value.values())
    return columns


def descending(sort: Any) -> list[bool]:
    """Which of a ``cs:sort``'s keys sort descending."""
    return [
        key.get("sort", "ascending").lower() == "descending"
        for key in sort.findall("cs:key", sort.nsmap)
    ]


def sorted_order(
    count: int, columns: Sequence[Sequence[Any]], descending: Sequence[bool]
) -> list[int]:
    """The positions of ``count`` items in citeproc-py's order, given each key's values
    (``columns[k][i]``: key k of item i) and which keys sort descending."""
    from functools import cmp_to_key

    prepared = [[_Prepared(value) for value in column] for column in columns]
    rows: list[tuple[Any, ...]] = [
        (number, *(column[number] for column in prepared)) for number in range(count)
    ]
    flags = list(descending)

    def compare(left: Any, right: Any) -> int:
        for column, desc in enumerate(flags, start=1):
            left_key, right_key = left[column], right[column]
            if left_key.raw is None or right_key.raw is None:
                # None sorts last, descending or not
                if left_key.raw is not None:
                    return -1
                if right_key.raw is not None:
                    return 1
                continue
            result = _compare_keys(left_key, right_key)
            if result:
                return -result if desc else result
        return 0

    return [row[0] for row in sorted(rows, key=cmp_to_key(compare))]


def _equal_class(value: Any) -> Any:
    """What the comparison sees of a value when it asks whether two are equal: None,
    an integer, or text lowered; anything else all one class."""
    if value is None:
        return None
    if isinstance(value, str):
        lowered = str(value.lower())
        number = _integer(lowered)
        return ("text", lowered) if number is None else ("number", number)
    return ("other",)


class _Prepared:
    """A sort key as citeproc-py's comparison reads it: ``lowered`` its text lowered
    (None without ``lower``), and the integers of the raw and lowered text (None if not)."""

    __slots__ = ("lowered", "lowered_number", "raw", "raw_number")

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        try:
            self.lowered: Any = str(raw.lower())
        except AttributeError:
            self.lowered = None
        self.raw_number = _integer(raw)
        self.lowered_number = None if self.lowered is None else _integer(self.lowered)


def _integer(value: Any) -> int | None:
    """``int(str(value))``, or None where that raises (as it does for any text without a
    digit: checked first, the exception being what costs)."""
    if isinstance(value, str) and not _DIGIT.search(value):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def _compare_keys(left: _Prepared, right: _Prepared) -> int:
    """citeproc-py's ``mycmp`` for one pair of keys neither of which is None."""
    # It lowers the left key, then the right; a key without ``lower`` stops it there.
    if left.lowered is None:
        left_key, left_number, right_key, right_number = (
            left.raw,
            left.raw_number,
            right.raw,
            right.raw_number,
        )
    elif right.lowered is None:
        left_key, left_number = left.lowered, left.lowered_number
        right_key, right_number = right.raw, right.raw_number
    else:
        left_key, left_number = left.lowered, left.lowered_number
        right_key, right_number = right.lowered, right.lowered_number
    if left_number is not None and right_number is not None:
        left_key, right_key = left_number, right_number
    return int((left_key > right_key) - (left_key < right_key))
