"""What one query word matches: vocabulary expansion and per-paper points.

A word is looked up in the sorted vocabulary, never in the papers: the exact
word, its other inflections ("graphs" for "graph", ``stems``), the words it
starts (a contiguous range, found by bisection), words within a few typos
(rapidfuzz over the vocabulary, bucketed by length, on the few words whose letters
could be within reach: ``character_masks``), and words containing it
(not in names alone: ``author:wang`` finds Wang and Wangsa, not Hwang).
The vocabulary of even a million papers is a few hundred thousand words, so
this costs a few milliseconds whatever the library size. Then each kind of
match gives its papers points, per field, with numpy over the postings.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from threading import Lock

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from paperbrowse.core.search.build import FieldPostings, Postings
from paperbrowse.core.search.query import FIELDS
from paperbrowse.core.search.stems import StemOrder

Scores = npt.NDArray[np.uint8]

EXACT, PREFIX, TYPO1, SUBSTRING, TYPO2, TYPO3, INFLECTED = range(7)
# Points per match kind, for (title, authors, abstract): title over authors over
# abstract, whole word over another form of it over prefix over typo or substring.
POINTS: dict[int, tuple[int, int, int]] = {
    EXACT: (80, 64, 28),
    # Names are not words: "Williams" is not a plural of "William", so authors get none.
    INFLECTED: (70, 0, 25),
    PREFIX: (60, 50, 22),  # below an exact author: "schutze" is Schütze before Schützenberger
    TYPO1: (44, 36, 16),
    SUBSTRING: (40, 32, 14),
    TYPO2: (32, 26, 12),
    TYPO3: (24, 20, 10),
}
TYPO_KIND = {1: TYPO1, 2: TYPO2, 3: TYPO3}
MAX_WORD_POINTS = 84  # the best field, plus 2 for each other field that also matches
SUBSTRING_CAP = 2000  # words containing a short query word can be thousands; enough is enough
KEPT_PLACES = 64  # words whose places in the vocabulary are kept for the next letter typed
SHORT_PREFIX = 3  # below this, an unfinished word matches only as a prefix in title and authors
# Fields of names: a term over names alone (``author:wang``) matches a name's part from its
# start (Wang, Wangsa), never inside one (Hwang, Yiwang); a plain word still does.
NAME_FIELDS = frozenset({"authors"})


def inside_words(fields: Sequence[str]) -> bool:
    """Whether a word searched in ``fields`` also matches inside longer words ("raph" in
    "Paragraph"): yes, unless the fields are names only."""
    return not NAME_FIELDS.issuperset(fields)


def max_typos(length: int) -> int:
    """Typos forgiven in a whole word: none in words of three letters, more in long words.

    A word the library holds gets one fewer (see ``Vocabulary.expand``), so that
    "bert" does not find "best" while "gaph" still finds "graph".
    """
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    return 2 if length <= 11 else 3


def max_prefix_typos(length: int) -> int:
    """Typos forgiven in the unfinished last word, which is compared with word starts."""
    if length <= 3:
        return 0
    return 1 if length <= 8 else 2


@dataclass(frozen=True)
class Expansion:
    """The vocabulary words one query word stands for, by kind of match."""

    word: str
    exact: int | None = None  # vocabulary id
    prefix: tuple[int, int] | None = None  # id range of the words it starts
    typos: tuple[tuple[int, int], ...] = ()  # (vocabulary id, distance)
    typo_prefixes: tuple[tuple[int, int, int], ...] = ()  # (first id, end id, distance)
    substrings: tuple[int, ...] = ()
    typo_words: frozenset[str] = field(default=frozenset())  # for highlighting
    inflections: tuple[int, ...] = ()  # vocabulary ids of its other forms ("graphs")
    inflected_words: frozenset[str] = field(default=frozenset())  # for highlighting
    typo_starts: tuple[str, ...] = ()  # word starts within typos of the unfinished word


MASK_CLASSES = 32  # a character's class: its code point modulo 32 (a-z: 26 classes)


@cache
def _popcounts_16() -> npt.NDArray[np.uint8]:
    """The number of bits set in each 16-bit number, for numpy 1.26 (numpy 2 counts them
    itself: ``bitwise_count``). Made on first use: 3-8 ms, at import it slowed the launch."""
    numbers = np.arange(1 << 16, dtype=np.uint32)
    counts = np.zeros(1 << 16, np.uint8)
    for bit in range(16):
        counts += ((numbers >> bit) & 1).astype(np.uint8)
    return counts


def _bits_set(numbers: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    count = getattr(np, "bitwise_count", None)
    if count is not None:
        counted: npt.NDArray[np.uint8] = count(numbers)
        return counted
    table = _popcounts_16()
    halves: npt.NDArray[np.uint8] = table[numbers & 0xFFFF] + table[numbers >> 16]
    return halves


def character_masks(words: Sequence[str], length: int) -> npt.NDArray[np.uint32]:
    """For words of ``length`` characters each: which classes of characters each holds,
    one bit a class."""
    if not words or length <= 0:
        return np.zeros(len(words), np.uint32)
    text = "".join(words).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(text, "<u4").reshape(len(words), length)
    bits = np.left_shift(np.uint32(1), codes % np.uint32(MASK_CLASSES))
    masks: npt.NDArray[np.uint32] = np.bitwise_or.reduce(bits, axis=1)
    return masks


def within_reach(masks: npt.NDArray[np.uint32], word: str, limit: int) -> list[int]:
    """Which of ``masks`` may be of words within ``limit`` typos of ``word``: an edit
    changes which classes a word holds by two at most (a substitution one out, one in;
    a letter left out or added one; two swapped none). Checking all the vocabulary's
    words of a length letter by letter took 2-7 ms a key at 100k papers; this check, a
    tenth of that, leaves a few hundred of the 15,000 to check so."""
    differing = masks ^ character_masks([word], len(word))[0]
    return np.flatnonzero(_bits_set(differing) <= 2 * limit).tolist()


class Vocabulary:
    """The sorted vocabulary with helpers for typo and substring lookups (built on first use)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self._lock = Lock()
        # Each length's distinct word starts and their ``character_masks``, made on first use.
        self._starts: dict[int, tuple[list[str], npt.NDArray[np.uint32]]] = {}
        # Where recent words were found in ``_joined`` (all of their places, or None when
        # there were more than the cap): the next letter typed narrows them down.
        self._places: dict[str, list[int] | None] = {}
        self.stems = StemOrder(words)

    def id_of(self, word: str) -> int | None:
        at = bisect.bisect_left(self.words, word)
        return at if at < len(self.words) and self.words[at] == word else None

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        first = bisect.bisect_left(self.words, prefix)
        return first, bisect.bisect_left(self.words, prefix + "\U0010ffff", first)

    @cached_property
    def _lengths(self) -> npt.NDArray[np.int64]:
        return np.fromiter(map(len, self.words), np.int64, len(self.words))

    @cached_property
    def _by_length(self) -> dict[int, tuple[list[str], list[int]]]:
        """Words grouped by length (with their ids): typos only change a length by a little."""
        order = np.argsort(self._lengths, kind="stable")
        lengths = self._lengths[order]
        cuts = np.flatnonzero(np.diff(lengths)) + 1
        buckets: dict[int, tuple[list[str], list[int]]] = {}
        for ids in np.split(order, cuts) if len(order) else []:
            id_list = ids.tolist()
            buckets[len(self.words[id_list[0]])] = ([self.words[i] for i in id_list], id_list)
        return buckets

    @cached_property
    def _shared(self) -> npt.NDArray[np.int64]:
        """How many leading characters each word shares with the word before it (up to 32)."""
        width = 32
        if len(self.words) < 2:
            return np.zeros(len(self.words), np.int64)
        codes = np.array(self.words, dtype=f"<U{width}").view(np.uint32).reshape(-1, width)
        same = codes[1:] == codes[:-1]
        shared = np.where(same.all(axis=1), width, np.argmin(same, axis=1))
        return np.concatenate(([0], shared)).astype(np.int64)

    @cached_property
    def _joined(self) -> tuple[str, npt.NDArray[np.int64]]:
        starts = np.zeros(len(self.words), np.int64)
        if self.words:
            np.cumsum(self._lengths[:-1] + 1, out=starts[1:])
        return "\n".join(self.words), starts

    @cached_property
    def _masks_by_length(self) -> dict[int, npt.NDArray[np.uint32]]:
        """``character_masks`` of each length's words, in ``_by_length``'s order."""
        return {
            length: character_masks(words, length) for length, (words, _) in self._by_length.items()
        }

    def warm_up(self) -> None:
        for length in range(2, 16):
            self._starts_and_masks(length)
        self._masks_by_length  # noqa: B018 - cached properties, built here
        self._joined  # noqa: B018

    def starts_of_length(self, length: int) -> list[str]:
        """Distinct word starts of this length (of words at least this long), sorted."""
        return self._starts_and_masks(length)[0]

    def _starts_and_masks(self, length: int) -> tuple[list[str], npt.NDArray[np.uint32]]:
        """``starts_of_length(length)`` and their ``character_masks``, in its order.

        In a sorted vocabulary, a word starts differently from every earlier word
        exactly when it shares fewer than ``length`` letters with the word before it.
        """
        with self._lock:
            found = self._starts.get(length)
        if found is None:
            new = np.flatnonzero((self._lengths >= length) & (self._shared < length))
            starts = [self.words[i][:length] for i in new.tolist()]
            found = (starts, character_masks(starts, length))
            with self._lock:
                self._starts[length] = found
        return found

    def typos(self, word: str, limit: int) -> list[tuple[int, int]]:
        """(id, distance) of whole words within ``limit`` typos (transpositions count one)."""
        found: list[tuple[int, int]] = []
        buckets, masks = self._by_length, self._masks_by_length
        for length in range(len(word) - limit, len(word) + limit + 1):
            bucket = buckets.get(length)
            if bucket is None:
                continue
            words, ids = bucket
            near = within_reach(masks[length], word, limit)
            for _, distance, at in process.extract(
                word, [words[i] for i in near], scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                if distance:
                    found.append((ids[near[at]], int(distance)))
        return found

    def typo_starts(self, word: str, limit: int) -> list[tuple[str, int]]:
        """(word start, distance) for starts of vocabulary words within ``limit`` typos.

        Starts one letter shorter and longer are compared too, so that a letter
        left out or typed twice still finds the word being typed.
        """
        found: dict[str, int] = {}
        for length in (len(word) - 1, len(word), len(word) + 1):
            if not 2 <= length <= 30:  # shared starts are counted up to 32 letters
                continue
            starts, masks = self._starts_and_masks(length)
            near = [starts[i] for i in within_reach(masks, word, limit)]
            for start, distance, _ in process.extract(
                word,
                near,
                scorer=OSA.distance,
                score_cutoff=limit,
                limit=None,
            ):
                if distance and not start.startswith(word) and distance < found.get(start, 99):
                    found[start] = int(distance)
        return sorted(found.items())

    def containing(self, word: str) -> list[int]:
        """Ids of words that hold ``word`` after their first letter (capped)."""
        joined, starts = self._joined
        hits = self._places_of(word, joined)
        if not hits:
            return []
        positions = np.array(hits, np.int64)
        ids = np.searchsorted(starts, positions, side="right") - 1
        inside = positions > starts[ids]  # not at the start: those are prefix matches
        return sorted(set(ids[inside].tolist()))

    def _places_of(self, word: str, joined: str) -> list[int]:
        """Where ``word`` is in ``joined`` (the first SUBSTRING_CAP places). As a word is
        typed, its places are among those of the word one letter shorter: looking there
        takes microseconds, where a scan of the vocabulary takes 0.5 ms a key."""
        known = self._places.get(word[:-1]) if len(word) > 1 else None
        if known is not None:
            places = [at for at in known if joined.startswith(word, at)]
        else:
            places = []
            at = joined.find(word, 1)
            while at >= 0 and len(places) < SUBSTRING_CAP:
                places.append(at)
                at = joined.find(word, at + 1)
        if len(self._places) >= KEPT_PLACES:
            self._places.clear()
        # (At the cap, some places may be missing: a longer word is then looked for anew.)
        self._places[word] = places if len(places) < SUBSTRING_CAP else None
        return places

    def forms(self, word: str) -> list[int]:
        """Ids of the other inflections of ``word`` the library holds ("graph": "graphs")."""
        return self.stems.forms(word)

    def as_written(self, word: str) -> Expansion:
        """The word and its other forms only, no prefixes or typos (phrases, exclusions)."""
        inflections = self.forms(word)
        return Expansion(
            word,
            exact=self.id_of(word),
            inflections=tuple(inflections),
            inflected_words=frozenset(self.words[i] for i in inflections),
        )

    def expand(self, word: str, *, typing: bool, inside: bool = True) -> Expansion:
        """Everything ``word`` may stand for; ``typing``: it may be an unfinished word;
        ``inside``: words holding it after their first letter too (``inside_words``).

        A word the library holds is most likely meant as typed: it is allowed one
        typo fewer ("unlearning" should not find "learning"), and so is an
        unfinished word that starts some word of the library.
        """
        length = len(word)
        exact = self.id_of(word)
        prefix = self.prefix_range(word)
        limit = max_typos(length) - (exact is not None)
        typos = self.typos(word, limit) if limit > 0 else []
        starts: list[tuple[str, int]] = []
        start_limit = max_prefix_typos(length) - (prefix[0] < prefix[1])
        if typing and start_limit > 0:
            starts = self.typo_starts(word, start_limit)
        inflections = self.forms(word)
        return Expansion(
            word=word,
            exact=exact,
            prefix=prefix if typing or length >= SHORT_PREFIX else None,
            typos=tuple(typos),
            typo_prefixes=tuple((*self.prefix_range(s), d) for s, d in starts),
            substrings=tuple(self.containing(word)) if inside and length >= SHORT_PREFIX else (),
            typo_words=frozenset(self.words[i] for i, _ in typos),
            typo_starts=tuple(s for s, _ in starts),
            inflections=tuple(inflections),
            inflected_words=frozenset(self.words[i] for i in inflections),
        )


def _field_points(
    expansion: Expansion, postings: FieldPostings, field_index: int, size: int
) -> Scores | None:
    """Points each paper gets from this word in one field (its best match there)."""
    levels: list[tuple[int, list[npt.NDArray[np.int32]]]] = []

    def add(kind: int, slices: list[npt.NDArray[np.int32]]) -> None:
        slices = [s for s in slices if len(s)]
        if slices:
            levels.append((POINTS[kind][field_index], slices))

    for distance in (3, 2, 1):
        add(
            TYPO_KIND[distance],
            [
                postings.papers(first, end)
                for first, end, d in expansion.typo_prefixes
                if d == distance
            ],
        )
        add(
            TYPO_KIND[distance],
            [postings.papers(i, i + 1) for i, d in expansion.typos if d == distance],
        )
    add(SUBSTRING, [postings.papers(i, i + 1) for i in expansion.substrings])
    if POINTS[INFLECTED][field_index]:
        add(INFLECTED, [postings.papers(i, i + 1) for i in expansion.inflections])
    short = len(expansion.word) < SHORT_PREFIX
    if expansion.prefix is not None and not (short and FIELDS[field_index] == "abstract"):
        add(PREFIX, [postings.papers(*expansion.prefix)])
    if expansion.exact is not None:
        add(EXACT, [postings.papers(expansion.exact, expansion.exact + 1)])
    if not levels:
        return None
    points = np.zeros(size, np.uint8)
    # Ascending points, so a paper keeps the best kind of match it has in this field.
    for value, slices in sorted(levels, key=lambda level: level[0]):
        for papers in slices:
            points[papers] = value
    return points


def word_points(
    expansion: Expansion, postings: Postings, fields: Sequence[str], size: int
) -> Scores:
    """Points per paper for one word: its best field, plus 2 for each other field it is in."""
    per_field = [
        _field_points(expansion, postings.fields[i], i, size)
        for i, name in enumerate(FIELDS)
        if name in fields
    ]
    return weighted(combine_fields([p for p in per_field if p is not None], size))


def combine_fields(present: list[Scores], size: int) -> Scores:
    """A paper's points for a term: its best field, plus 2 for each other field matched."""
    if not present:
        return np.zeros(size, np.uint8)
    best = present[0].copy()
    for other in present[1:]:
        np.maximum(best, other, out=best)
    if len(present) > 1:
        # (In place, on one array: each fresh array of a million papers costs page faults.)
        also = np.greater(present[0], 0).view(np.uint8)
        for points in present[1:]:
            also += points > 0
        np.maximum(also, 1, out=also)
        also -= 1
        also *= np.uint8(2)
        best += also
    return best


def weighted(points: Scores) -> Scores:
    """Rarer words count more: scale by 0.6-1.0 with how few papers hold the word."""
    size = len(points)
    holding = int(np.count_nonzero(points))
    if not holding or size < 2:
        return points
    rarity = float(np.log((size + 1) / (holding + 1)) / np.log(size + 1))
    factor = int(round((0.6 + 0.4 * rarity) * 256))
    scaled = points.astype(np.uint16)
    scaled *= np.uint16(factor)
    scaled >>= np.uint16(8)
    return scaled.astype(np.uint8)
