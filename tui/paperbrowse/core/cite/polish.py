"""What citeproc-py's output lacks and the style prescribes, fixed after (or before) it runs.

Seen with citeproc-py 0.11.1 (``styles/SOURCES.md``):

- a citation number runs into the text: ``[1]A. Cohan`` (IEEE, ACM), where the styles
  set the number apart (CSL's ``second-field-align``, which the plain output drops);
- commas and periods stay outside closing quotes (``Transformers”, in``) although the
  style's locale (en-US) sets ``punctuation-in-quote``: ``Transformers,” in``;
- APA titles come out as stored, in title case; APA 7 wants sentence case;
- a title quoting something inside a quoted title keeps straight double quotes
  (``“"Why Should I Trust You?": Explaining``); quotes within quotes are single:
  ``“‘Why Should I Trust You?’: Explaining``;
- given names are shortened where the style says ``initialize="false"`` (Chicago, MLA):
  fixed in ``references`` (``_honour_initialize_false``), as it happens inside the processor;
- a field the paper lacks leaves its punctuation behind (ACM's ``July 2019. . https``);
- a title ending in ``?`` or ``!`` still gets the period or comma that follows a title
  (``What Is It?. 2020``): the manuals (CMOS 6.119, APA 6.5) drop it; a title ending in
  a period gets a second one (``Indexed by Sets..”``).
"""

from __future__ import annotations

import re

_NUMBER_RUN_IN = re.compile(r"^(\[\d+\]|\d+\.)(?=\S)")
_PUNCTUATION_AFTER_QUOTE = re.compile(r"”([,.])")
# A quoted title that ends in ? or ! takes no period or comma of its own after it.
_DOUBLE_PUNCTUATION = re.compile(r"([?!])([,.])”")


def space_after_number(reference: str) -> str:
    """``[1]A. Cohan`` -> ``[1] A. Cohan``; ``1.Cohan`` -> ``1. Cohan``."""
    return _NUMBER_RUN_IN.sub(r"\1 ", reference, count=1)


def punctuation_inside_quotes(reference: str) -> str:
    """``“Title”, in`` -> ``“Title,” in``, as American usage (en-US) wants."""
    moved = _PUNCTUATION_AFTER_QUOTE.sub(r"\1”", reference)
    return _DOUBLE_PUNCTUATION.sub(r"\1”", moved)


_EMPTY_FIELD = re.compile(r"([.,;:]) [.,;:](?= |$)")
_EMPTY_BRACKETS = re.compile(r" ?\(\)| ?\[\]")
# A space left before punctuation by the field that stood between them (ACM's "Journal
# 3 ." for an issue with no year).
_SPACE_BEFORE = re.compile(r"(?<=[^\s.,;:]) +(?=[.,;:](?:\s|$))")


def drop_stray_punctuation(reference: str) -> str:
    """``July 2019. . https`` -> ``July 2019. https``; empty ``()`` dropped; ``3 .`` -> ``3.``."""
    reference = _SPACE_BEFORE.sub("", _EMPTY_BRACKETS.sub("", reference))
    previous = None
    while previous != reference:
        previous, reference = reference, _EMPTY_FIELD.sub(r"\1", reference)
    return reference


_QUOTED = re.compile(r"“([^”]*)”")
_INNER_QUOTE = re.compile(r'(?:"|&quot;|“)([^"“”]*?)(?:"|&quot;|”)')


_STRAIGHT_PAIR = re.compile(r'"([^"<>]*)"')


def single_quotes_within(reference: str) -> str:
    """``“"Why?": Explaining”`` -> ``“‘Why?’: Explaining”``; other straight pairs curled."""
    nested = _QUOTED.sub(lambda m: "“" + _INNER_QUOTE.sub(r"‘\1’", m.group(1)) + "”", reference)
    return _STRAIGHT_PAIR.sub(r"“\1”", nested)


# A period or comma after ? or ! (closing italics between them), ending a word.
_AFTER_END_MARK = re.compile(r"([?!](?:</[a-z]+>)*)[.,](?=\s|$|<)")


def no_period_after_end_mark(reference: str) -> str:
    """``What Is It?. 2020.`` -> ``What Is It? 2020.``; links are left as they are."""
    if not _AFTER_END_MARK.search(reference):
        return reference  # most references: no word to look at
    words = reference.split(" ")
    return " ".join(word if "://" in word else _AFTER_END_MARK.sub(r"\1", word) for word in words)


# Two periods ending a word (not an ellipsis), a closing quote or italics after them.
_DOUBLE_PERIOD = re.compile(r"(?<!\.)\.\.(?=(?:</[a-z]+>)*[”’\"]?(?:\s|$|<))")


def one_period(reference: str) -> str:
    """``Indexed by Sets..”`` -> ``Indexed by Sets.”``."""
    return _DOUBLE_PERIOD.sub(".", reference)


def polish(reference: str, punctuation_in_quote: bool) -> str:
    """One rendered reference, fixed as its style prescribes."""
    reference = drop_stray_punctuation(space_after_number(reference.strip()))
    reference = no_period_after_end_mark(single_quotes_within(reference))
    if punctuation_in_quote:
        reference = punctuation_inside_quotes(reference)
    return one_period(reference)


_SENTENCE_END = ("?", "!", ":", ".")
# Proper nouns and adjectives common in research titles, kept capitalised in sentence case
# ("A Chinese language benchmark", "Bayesian inference").
_PROPER = frozenset(
    """
african american arabic asian bayesian bengali british chinese dutch english european
french gaussian german greek hindi indian internet italian japanese korean latin markov
persian polish portuguese russian spanish swahili turkish twitter urdu vietnamese wikipedia
""".split()  # noqa: SIM905
)


def _lower_if_capitalised(part: str) -> str:
    """``Learning`` -> ``learning``; ``BERT``, ``GloVe``, ``iPhone`` and ``3D`` are kept."""
    letters = [ch for ch in part if ch.isalpha()]
    if "".join(letters).lower() in _PROPER:
        return part
    if len(letters) > 1 and letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return part.lower()
    if len(letters) == 1 and part.isalpha() and part.isupper() and part != "I":
        return part.lower()  # "A" in "Learning A Model"
    return part


def written_in_title_case(name: str) -> bool:
    """Whether a journal's name is in title case as written: after its first word, some
    words capitalised and none longer than three letters in lower case, nor a small one
    after a colon (``npj Digital Medicine``, ``Zeitschrift für Naturforschung A``), not
    ``Advances in neural information processing systems``, ``Quarterly journal of the
    Royal ...`` nor ``TextGraphs-11: the Workshop on ...``.

    Styles title-case a journal's name (APA, MLA, Chicago); citeproc-py capitalises every
    lower-case word but CSL 1.0.1's few short ones, so a name already in its own title
    case would lose its lower-case words ("Npj", "Für", "De La"): such a name is left as
    its source wrote it. Acronyms (``IEEE``, ``ACM``) say nothing either way.
    """
    capitalised = lower = 0
    words = name.split()
    for before, word in zip(words, words[1:], strict=False):
        letters = [ch for ch in word if ch.isalpha()]
        if not letters:
            continue
        if letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
            capitalised += 1
        elif all(ch.islower() for ch in letters) and (len(letters) > 3 or before[-1] == ":"):
            lower += 1  # (a small word after a colon is capitalised in title case too)
    return capitalised > 0 and lower == 0


def sentence_case(title: str, kept: tuple[tuple[int, int], ...] = ()) -> str:
    """A title in sentence case, as APA writes titles of articles and papers.

    The first word, and the first after a colon or a sentence's end, keep their capital;
    other words that are merely capitalised are lowered; words in capitals or mixed case
    (acronyms, names like ``GloVe``) are kept, and so are words, or parts of a hyphenated
    word, touching a ``kept`` span (``(start, end)`` in ``title``: what the file protected,
    ``{New York}``). Proper nouns
    written like ordinary words (``English``) are lowered too: the stored title cannot
    tell them apart.
    """
    words = title.split(" ")
    out: list[str] = []
    starts_sentence = True
    start = 0
    for word in words:
        # Each part of a hyphenated word on its own: ``Digital-to-{RF}`` is "digital-to-RF".
        pieces = []
        for number, part in enumerate(word.split("-")):
            end = start + len(part)
            if any(left < end and start < right for left, right in kept):
                pieces.append(part)
            elif number == 0 and starts_sentence:
                pieces.append(part)
            else:
                pieces.append(_lower_if_capitalised(part))
            start = end + 1
        out.append("-".join(pieces))
        if word:
            starts_sentence = word.endswith(_SENTENCE_END) and not word.endswith("..")
    return " ".join(out)
