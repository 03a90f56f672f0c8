"""The index, the query and the highlighter agree on what a word is, for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbrowse.core.search.build import build_postings
from paperbrowse.core.search.tokens import word_spans, words

TRICKY = [
    "Müller",
    "Mu\u0308ller",
    "naïve café",
    "Straße",
    "İstanbul",
    "ﬁne-tuning",
    "½ day",
    "日本語のテキスト",
    "“quoted”—dash",
    "tab\there\nnewline",
    "Ǆemal",
    "ℌilbert",
    "e\u0301te\u0301",
    "x\x00y\x1bz",
    "\ud800lone",
    "हिन्दी भाषा",
    "   ",
    "",
]


def indexed_words(texts: list[str]) -> list[list[str]]:
    """Each text's words as the index stored them, in order."""
    postings = build_postings([texts])
    field = postings.fields[0]
    starts = field.sequence_starts.tolist()
    return [
        [postings.vocab[w] for w in field.sequence[starts[i] : starts[i + 1]].tolist()]
        for i in range(len(texts))
    ]


def test_tricky_texts() -> None:
    assert indexed_words(TRICKY) == [words(t) for t in TRICKY]
    assert words("Müller") == words("Mu\u0308ller") == ["muller"]
    assert words("ﬁne-tuning ½") == ["fine", "tuning", "1", "2"]
    assert words("日本語") == ["日本語"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=6))
def test_index_and_query_split_alike(texts: list[str]) -> None:
    assert indexed_words(texts) == [words(t) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_spans_cover_the_words(text: str) -> None:
    spans = list(word_spans(text))
    assert [w for _, _, w in spans] == words(text)
    for start, end, _ in spans:
        assert 0 <= start < end <= len(text)


def test_each_character_folds_as_the_index_classes_it() -> None:
    """``tokens.folded`` (one ``translate``, which the index's words of a non-ASCII text and
    the PDF bodies' phrase check read) agrees with the index's own table of classes."""
    from paperbrowse.core.search import tokens

    classes = tokens.char_classes()
    for code in range(128, tokens.TABLE_SIZE):
        char = chr(code)
        kind = classes[code]
        expected = char if kind == tokens.WORD_CHAR else "" if kind == tokens.MARK else " "
        assert char.translate(tokens._FOLDING) == expected, hex(code)
    assert tokens.folded("Ju\u0308rgen, ﬁne “straße”!") == "jurgen  fine  strasse  "
