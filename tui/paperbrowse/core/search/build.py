"""Building the inverted index: for each field, which papers hold each word.

Python spends 100-200 ns on every token it touches, which puts a 100k-paper
library (15 million tokens) at 7-10 s. So words are found and hashed with numpy
over whole chunks of text at once, and Python only sees each distinct word of
a chunk once. The result is compact: one sorted vocabulary shared by the
fields, and per field a CSR layout (``indptr``, ``docs``) where the papers
holding vocabulary word ``w`` are ``docs[indptr[w]:indptr[w + 1]]``, ascending.
Because the vocabulary is sorted, all the words starting with a prefix are one
contiguous range, so their papers are one contiguous slice.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from paperbrowse.core.formats.pool import usable_cores
from paperbrowse.core.memory import give_back_freed
from paperbrowse.core.rows import unpacked_texts
from paperbrowse.core.search.tokens import DOC_BREAK, chunk_bytes
from paperbrowse.core.spill import held_length

Int32s = npt.NDArray[np.int32]
Int64s = npt.NDArray[np.int64]
UInt64s = npt.NDArray[np.uint64]
UInt8s = npt.NDArray[np.uint8]
# A field's text, its UTF-8, or a spilled abstract's code (``core.spill``): as a row holds it.
Text = str | bytes | int

CHUNK_BYTES = 1 << 18  # text hashed per numpy pass; small enough to stay in cache-friendly memory
CHUNK_DOCS = (1 << 16) - 1  # paper numbers within a chunk must fit 16 bits
MAX_BUILD_THREADS = 4  # past this, the chunks' steps that hold the interpreter bound it
HASH_BASE = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64


@dataclass(frozen=True)
class FieldPostings:
    """Which papers hold each vocabulary word in one field, and each paper's words in order.

    The word sequences (4 bytes a token) confirm phrases: scanning them with numpy
    is far faster than re-reading the candidates' text.
    """

    indptr: Int64s
    docs: Int32s
    sequence: Int32s  # every token's word id, paper after paper
    sequence_starts: Int64s  # paper p's tokens are sequence[starts[p]:starts[p + 1]]

    def matches(self, arrays: dict[str, npt.NDArray[np.integer]]) -> bool:
        """Whether ``arrays`` has each of this field's arrays, of its type and length."""
        return all(
            name in arrays
            and arrays[name].dtype == getattr(self, name).dtype
            and arrays[name].shape == getattr(self, name).shape
            for name in self.__dataclass_fields__
        )

    def hold_instead(self, arrays: dict[str, npt.NDArray[np.integer]]) -> None:
        """Hold these arrays, equal to this field's own (``matches``), in their place: the
        saved index's, mapped from its file (``index_cache``)."""
        for name in self.__dataclass_fields__:
            object.__setattr__(self, name, arrays[name])  # (frozen against any other change)

    def papers(self, first: int, last: int) -> Int32s:
        """Papers (with repeats across words) holding any word with id in ``[first, last)``."""
        return self.docs[self.indptr[first] : self.indptr[last]]

    def count(self, first: int, last: int) -> int:
        return int(self.indptr[last] - self.indptr[first])


@dataclass(frozen=True)
class Postings:
    vocab: list[str]  # every distinct folded word, sorted: a word's id is its place here
    fields: tuple[FieldPostings, ...]


class _Powers:
    """HASH_BASE ** (i + 1) and HASH_BASE ** -i, modulo 2**64, for i up to the longest chunk."""

    def __init__(self) -> None:
        self.forward: UInt64s = np.ones(1, np.uint64)
        self.inverse: UInt64s = np.ones(1, np.uint64)
        self.scratch: UInt64s = np.ones(1, np.uint64)  # reused: fresh arrays cost page faults

    def ensure(self, size: int) -> None:
        if size <= len(self.forward):
            return
        size = max(size, CHUNK_BYTES + 1)
        self.forward = _power_table(HASH_BASE, size) * np.uint64(HASH_BASE)
        self.inverse = _power_table(pow(HASH_BASE, -1, 1 << 64), size)
        self.scratch = np.empty(size, np.uint64)


def _power_table(base: int, size: int) -> UInt64s:
    table = np.full(size, base, np.uint64)
    table[0] = 1
    return np.cumprod(table, dtype=np.uint64)  # wraps modulo 2**64, as wanted


class _Vocabulary:
    """Distinct words met so far, by 48-bit hash, numbered in order of first sight."""

    def __init__(self) -> None:
        self.hashes: UInt64s = np.empty(0, np.uint64)  # sorted
        self.ids: Int32s = np.empty(0, np.int32)  # the id of each of ``hashes``
        self.words: list[str] = []

    def number(
        self, hashes: UInt64s, tokens: Int64s, data: UInt8s, starts: Int64s, ends: Int64s
    ) -> Int32s:
        """Ids for ``hashes`` (sorted, distinct; ``tokens``: a token of each, to read a new
        word from the text once)."""
        where = np.searchsorted(self.hashes, hashes)
        known = where < len(self.hashes)
        known[known] = self.hashes[where[known]] == hashes[known]
        found = np.empty(len(hashes), np.int32)
        found[known] = self.ids[where[known]]
        new = np.flatnonzero(~known)
        if len(new):
            new_ids = np.arange(len(self.words), len(self.words) + len(new), dtype=np.int32)
            token = tokens[new]
            for start, end in zip(starts[token].tolist(), ends[token].tolist(), strict=True):
                self.words.append(data[start:end].tobytes().decode("utf-8", "replace"))
            found[new] = new_ids
            # Both sorted: each new hash goes in where the search placed it (no sort).
            self.hashes = np.insert(self.hashes, where[new], hashes[new])
            self.ids = np.insert(self.ids, where[new], new_ids)
        return found


def _chunks(texts: Sequence[Text]) -> list[tuple[int, Sequence[Text]]]:
    """The texts grouped into chunks of about CHUNK_BYTES characters."""
    chunks: list[tuple[int, Sequence[Text]]] = []
    start = size = 0
    for number, text in enumerate(texts):
        length = held_length(text) if isinstance(text, int) else len(text)
        if number > start and (size + length > CHUNK_BYTES or number - start >= CHUNK_DOCS):
            chunks.append((start, texts[start:number]))
            start, size = number, 0
        size += length + 1
    if start < len(texts):
        chunks.append((start, texts[start:]))
    return chunks


@dataclass(frozen=True)
class _ChunkWords:
    pair_words: Int32s  # (word, paper) once for each word a paper holds ...
    pair_docs: Int32s
    token_words: Int32s  # ... and every token's word, in text order
    token_counts: Int64s  # tokens per paper


def _chunk_words(
    first_doc: int,
    texts: Sequence[Text],
    vocabulary: _Vocabulary,
    powers: _Powers,
    numbering: threading.Lock,
) -> _ChunkWords:
    """The words of every paper in the chunk, as provisional vocabulary ids."""
    # Abstracts held as UTF-8 (``rows.packed_text``) are decoded here, a chunk at a time:
    # decoded all at once, they would be held twice while the index is built.
    strings: list[str] = unpacked_texts(texts)
    data = chunk_bytes(strings)  # starts and ends with a space
    del strings
    in_word = data > 32
    edges = np.flatnonzero(in_word[1:] != in_word[:-1]) + 1
    if not len(edges):
        nothing = np.empty(0, np.int32)
        return _ChunkWords(nothing, nothing, nothing, np.zeros(len(texts), np.int64))
    starts, ends = edges[0::2], edges[1::2]
    powers.ensure(len(data))
    # Polynomial hash of each token, sum of byte * base ** (offset + 1): prefix sums over
    # the chunk, then each token's difference shifted back by the inverse power. The top
    # 48 bits are kept: multiplying by the odd base carries every byte into them.
    sums = powers.scratch[: len(data)]
    np.multiply(data, powers.forward[: len(data)], out=sums)
    np.cumsum(sums, out=sums)
    # (The chunk starts with a space, so no word starts at 0.)
    token_hashes = ((sums[ends - 1] - sums[starts - 1]) * powers.inverse[starts]) >> np.uint64(16)
    local_doc = np.searchsorted(np.flatnonzero(data == DOC_BREAK), starts)
    token_keys = (token_hashes << np.uint64(16)) | local_doc.astype(np.uint64)
    order = np.argsort(token_keys)  # the tokens grouped by word, then paper
    keys = token_keys[order]
    hashes = keys >> np.uint64(16)
    new_word = np.empty(len(keys), bool)
    new_word[0] = True
    np.not_equal(hashes[1:], hashes[:-1], out=new_word[1:])
    new_pair = np.empty(len(keys), bool)
    new_pair[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new_pair[1:])
    first_tokens = order[new_word]  # a token of each distinct word
    with numbering:  # the one step of a chunk that another thread's must not interleave
        word_ids = vocabulary.number(hashes[new_word], first_tokens, data, starts, ends)
    sorted_words = word_ids[np.cumsum(new_word) - 1]
    token_words = np.empty(len(keys), np.int32)
    token_words[order] = sorted_words
    return _ChunkWords(
        pair_words=sorted_words[new_pair],
        pair_docs=(keys[new_pair] & np.uint64(0xFFFF)).astype(np.int32) + np.int32(first_doc),
        token_words=token_words,
        token_counts=np.bincount(local_doc, minlength=len(texts)),
    )


def _build_threads() -> int:
    return max(1, min(usable_cores(), MAX_BUILD_THREADS))


def build_postings(fields: Sequence[Sequence[Text]]) -> Postings:
    """The inverted index of some fields (each a text per paper, in paper order; a text may
    be UTF-8 bytes)."""
    vocabulary = _Vocabulary()
    numbering = threading.Lock()
    own = threading.local()  # each thread's powers: their scratch array is written

    def chunk_words(chunk: tuple[int, Sequence[Text]]) -> _ChunkWords:
        if not hasattr(own, "powers"):
            own.powers = _Powers()
        return _chunk_words(*chunk, vocabulary, own.powers, numbering)

    # Chunks, then fields' postings, on every core in threads: numpy's sorts and sums, most
    # of the work, let go of the interpreter (100k papers: 1.75 -> 1.3 s on 2 cores).
    # Provisional word ids depend on which thread numbers a word first, but the final ids
    # are the words' alphabetical ranks: the postings are the same. A small library (one
    # chunk a field: the index is rebuilt after each edit) is built here, no thread started.
    chunked = [_chunks(texts) for texts in fields]
    threads = _build_threads() if sum(map(len, chunked)) > len(fields) else 1
    with ThreadPoolExecutor(threads) if threads > 1 else contextlib.nullcontext() as pool:
        each = pool.map if pool is not None else map
        raw = [_FieldWords(list(each(chunk_words, chunks))) for chunks in chunked]
        order = sorted(range(len(vocabulary.words)), key=vocabulary.words.__getitem__)
        rank = np.empty(len(order), np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        vocab = [vocabulary.words[i] for i in order]
        built = each(lambda words: words.postings(rank, len(vocab)), raw)
        return Postings(vocab, tuple(built))


class _FieldWords:
    """One field's chunks, turned into postings with each piece freed once copied.

    Memory matters here: at 100k papers the abstracts' pieces are 130 MB, and the
    sort key array is 70 MB more; each fresh 100 MB also costs about 0.1 s in page
    faults, more than the sort itself. So the key array and the word sequence are each
    made at their full size once and filled a chunk at a time, every chunk's pieces
    freed as they are copied in, never joined into arrays of their own first (the cold
    open's peak at 100k papers was here: 18 MB lower so).
    """

    def __init__(self, chunks: list[_ChunkWords]) -> None:
        self.pair_words = [c.pair_words for c in chunks]
        self.pair_docs = [c.pair_docs for c in chunks]
        self.token_words = [c.token_words for c in chunks]
        self.token_counts = [c.token_counts for c in chunks]

    def postings(self, rank: Int32s, size: int) -> FieldPostings:
        """Sort (word, paper) pairs by alphabetical word id, then paper, into CSR form."""
        keys = np.empty(sum(map(len, self.pair_words)), np.int64)
        rank64 = rank.astype(np.int64)
        for place, words in _emptied(self.pair_words):
            np.take(rank64, words, out=keys[place], mode="clip")
        counts = np.bincount(keys, minlength=size) if len(keys) else np.zeros(size, np.int64)
        keys <<= np.int64(32)
        for place, papers in _emptied(self.pair_docs):
            keys[place] |= papers
        give_back_freed()  # the pieces' memory: holes in the heap that the arrays next cannot use
        keys.sort()
        indptr = np.zeros(size + 1, np.int64)
        np.cumsum(counts, out=indptr[1:])
        if sys.byteorder == "little":  # the low half of each key, the paper, is its first int32
            docs = keys.view(np.int32)[0::2].copy()
        else:
            docs = (keys & np.int64(0xFFFFFFFF)).astype(np.int32)
        del keys
        sequence = np.empty(sum(map(len, self.token_words)), np.int32)
        for place, words in _emptied(self.token_words):
            np.take(rank, words, out=sequence[place], mode="clip")
        token_counts = (
            np.concatenate(self.token_counts) if self.token_counts else np.empty(0, np.int64)
        )
        self.token_counts.clear()
        give_back_freed()
        sequence_starts = np.zeros(len(token_counts) + 1, np.int64)
        np.cumsum(token_counts, out=sequence_starts[1:])
        return FieldPostings(indptr, docs, sequence, sequence_starts)


def _emptied(pieces: list[Int32s]) -> Iterator[tuple[slice, Int32s]]:
    """Each piece with its place in the pieces joined, taken out of the list as it comes
    (freed once its caller has copied it)."""
    start = 0
    while pieces:
        piece = pieces.pop(0)
        yield slice(start, start + len(piece)), piece
        start += len(piece)


def merge_postings(parts: list[Postings]) -> Postings:
    """The postings of consecutive runs of papers (each built alone, its papers numbered
    from 0) as one: what ``build_postings`` gives for all the papers at once, so the runs
    can be built in separate processes. ``parts`` is emptied, and each run's arrays are
    freed (and given back) as they are copied in. This is the peak of a million papers'
    first open: the runs were all held until the whole merge was made, with renamed copies
    of their word sequences besides, and glibc kept what they freed (3.20 -> 2.83 GB)."""
    vocab = sorted(set().union(*(part.vocab for part in parts)))
    renames = _renames(vocab, parts)
    by_field = [[part.fields[number] for part in parts] for number in range(_field_count(parts))]
    parts.clear()  # (the runs' fields are held in ``by_field`` alone now)
    return Postings(vocab, tuple(_merged_field(runs, renames, len(vocab)) for runs in by_field))


def _renames(vocab: list[str], parts: Sequence[Postings]) -> list[Int32s]:
    """Each run's word ids in the merged ``vocab``."""
    ids = {word: number for number, word in enumerate(vocab)}
    return [
        np.fromiter(map(ids.__getitem__, part.vocab), np.int32, len(part.vocab)) for part in parts
    ]


def _field_count(parts: Sequence[Postings]) -> int:
    return len(parts[0].fields) if parts else 0


# A run's postings placed, or its word sequence's tokens renamed, at a time in the merge:
# each needs 8 bytes of temporaries (a place, an index) while its block is copied.
MERGE_BLOCK = 1 << 20


def _word_blocks(indptr: Int64s) -> Iterator[slice]:
    """Consecutive ranges of a run's words, each holding at most MERGE_BLOCK postings (a word
    holding more is a range of its own)."""
    words = len(indptr) - 1
    first = 0
    while first < words:
        last = int(np.searchsorted(indptr, indptr[first] + MERGE_BLOCK, side="right")) - 1
        last = min(max(last, first + 1), words)
        yield slice(first, last)
        first = last


def _place_docs(
    docs: Int32s, indptr: Int64s, run_docs: Int32s, words: slice, free: Int64s, first_doc: int
) -> None:
    """Copy a run's papers of some words to the next free places of those words' lists
    (``free``: those places, one a word of the block; the caller moves them on).

    A block of words at a time: the places of a whole run, with the temporaries that
    make them, were 8 bytes a posting twice over (at a million papers' first open,
    100 MB of its peak)."""
    start, stop = indptr[words.start], indptr[words.stop]
    held = np.diff(indptr[words.start : words.stop + 1])
    places = np.repeat(free - indptr[words.start : words.stop], held)
    places += np.arange(start, stop, dtype=np.int64)
    docs[places] = run_docs[start:stop] + np.int32(first_doc)


def _renamed_into(into: Int32s, rename: Int32s, words: Int32s) -> None:
    """``into[:] = rename[words]``, a block at a time: numpy turns the whole index array into
    64-bit numbers first (a million papers' abstracts: 100 MB more at the merge's peak). (Mode
    "clip": with the default "raise", numpy copies the output through a buffer of its size.)"""
    for start in range(0, len(words), MERGE_BLOCK):
        block = slice(start, start + MERGE_BLOCK)
        np.take(rename, words[block], out=into[block], mode="clip")


def _merged_field(runs: list[FieldPostings], renames: list[Int32s], size: int) -> FieldPostings:
    """One field's runs merged, each run taken out of ``runs`` (and freed) once copied.

    The word sequences first, each run's freed as it is copied; then the papers of each
    word. A run's papers go everywhere in the merged ``docs`` (each word's list has a place
    for them), so the first run placed makes all of it resident while the others wait:
    placed with the sequences, run by run, those waited too (a million papers' first open
    peaked there, 100 MB higher)."""
    counts = np.zeros(size, np.int64)
    for field, rename in zip(runs, renames, strict=True):
        counts[rename] += np.diff(field.indptr)  # (a run's words are distinct)
    indptr = np.zeros(size + 1, np.int64)
    np.cumsum(counts, out=indptr[1:])
    del counts
    # Made at full size and filled run by run: joining renamed copies held each twice.
    sequence = np.empty(sum(len(field.sequence) for field in runs), np.int32)
    starts = np.zeros(1 + sum(len(field.sequence_starts) - 1 for field in runs), np.int64)
    # Each run's indptr and docs, still to place, and the number of its first paper.
    placed: list[tuple[Int64s, Int32s, int]] = []
    first_doc = tokens = 0
    for rename in renames:
        field = runs.pop(0)
        run_papers = len(field.sequence_starts) - 1
        placed.append((field.indptr, field.docs, first_doc))
        _renamed_into(sequence[tokens : tokens + len(field.sequence)], rename, field.sequence)
        starts[first_doc + 1 : first_doc + 1 + run_papers] = field.sequence_starts[1:] + tokens
        tokens += int(field.sequence_starts[-1])
        first_doc += run_papers
        del field
        # The run's memory, given back for the merged arrays' pages still to be touched:
        # glibc kept it (the runs built here were made in threads' own heaps).
        give_back_freed()
    docs = np.empty(int(indptr[-1]), np.int32)
    free = indptr[:-1].copy()  # each word's next free place in ``docs``
    for rename in renames:
        run_indptr, run_docs, first_doc = placed.pop(0)
        # A run's papers come after the earlier runs' in each word's list, as numbered here.
        for words in _word_blocks(run_indptr):
            _place_docs(docs, run_indptr, run_docs, words, free[rename[words]], first_doc)
        free[rename] += np.diff(run_indptr)
        del run_indptr, run_docs
        give_back_freed()
    return FieldPostings(indptr, docs, sequence, starts)
