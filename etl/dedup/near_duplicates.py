"""Near-duplicate paragraphs: a typo fix, a changed punctuation mark or a re-wrapped line is the same paragraph.

Two steps, so that precision stays above recall:

1. **Candidates** by MinHash/LSH (datasketch): the paragraph's *loose form* (normalised, a word
   hyphenated at a line break joined again, case-folded, punctuation replaced by spaces) is cut into word
   bigrams, hashed into a MinHash signature of ``DedupSettings.minhash_permutations`` values, and split
   into ``DedupSettings.lsh_bands`` bands, each band's hash salted with the protected tokens (step 2). Two
   paragraphs sharing one band hash are candidates. The band hashes live in the warehouse
   (``paragraph_bands``: one row per paragraph, its 32-bit band keys as one GIN-indexed array), so every worker and
   every later run sees them, and a paragraph's candidates are found by one index probe per band, whatever
   the warehouse holds.
2. **Verification** (``near_duplicate``, a pure function): a candidate pair is linked only when the
   *protected tokens* of both texts are equal, as multisets (numbers, capitalised words, which hold the
   names, and month and weekday names of en/de/es/ru), and the exact Jaccard similarity of the character
   5-gram sets of their loose forms is at least ``DedupSettings.near_duplicate_min_similarity``.

So "3 people" and "4 people", "Müller" and "Möller", "15 мая" and "15 июня" are never linked; a typo fixed in
a capitalised word (a German noun, a name) is not linked either: precision first. Paragraphs whose loose
form is shorter than ``DedupSettings.near_duplicate_min_chars`` are not indexed. The link is recorded in
``paragraph_near_duplicates``; stored text is never rewritten.

Settings read: ``DedupSettings.minhash_permutations``, ``lsh_bands``, ``near_duplicate_min_similarity``,
``near_duplicate_min_chars``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

import numpy as np
import psycopg2.extensions
from datasketch import MinHash

from etl.config import DedupSettings
from etl.dedup.normalise import normalise
from etl.warehouse.queries import query
from etl.warehouse.transactions import run_in_transaction

logger = logging.getLogger(__name__)

MINHASH_SEED = 1
"""Pinned: band hashes in the warehouse are only comparable when every worker uses the same permutations."""

SHINGLE_CHARS = 5
_PUNCTUATION = re.compile(r"[^\w\s]+")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-\s+(\w)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DATE_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    januar jänner februar märz mai juni juli oktober dezember
    montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre
    lunes martes miércoles jueves viernes sábado domingo
    январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь
    января февраля марта апреля мая июня июля августа сентября октября ноября декабря
    понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье
    """.split()  # noqa: SIM905 (a word list reads best as words)
)


def unwrap(text: str) -> str:
    """Normalised text with words hyphenated at a line break joined again ("Zusam- menarbeit")."""
    folded = normalise(text)
    return _LINE_BREAK_HYPHEN.sub(_join_if_lower, folded) if "- " in folded else folded


def _join_if_lower(match: re.Match[str]) -> str:
    return match[1] + match[2] if match[2].islower() else match[0]


def comparison_forms(text: str) -> tuple[str, tuple[str, ...]]:
    """The loose form and the protected tokens of a paragraph, computed in one pass."""
    unwrapped = unwrap(text)
    spaced = _PUNCTUATION.sub(" ", unwrapped)
    words = spaced.split()
    protected = [*_NUMBER.findall(unwrapped), *(w for w in words if w[0].isupper() or w in _DATE_WORDS)]
    return " ".join(spaced.casefold().split()), tuple(sorted(protected))


def loose_form(text: str) -> str:
    """The comparison form for near-duplicates: unwrapped, punctuation as spaces, case-folded."""
    return comparison_forms(text)[0]


def protected_tokens(text: str) -> tuple[str, ...]:
    """Tokens a near-duplicate may not change, sorted: numbers, capitalised words, month and weekday names."""
    return comparison_forms(text)[1]


def char_shingles(loose: str, width: int = SHINGLE_CHARS) -> set[str]:
    if len(loose) <= width:
        return {loose}
    return {loose[i : i + width] for i in range(len(loose) - width + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def near_duplicate(a: str, b: str, min_similarity: float) -> float | None:
    """The similarity of two paragraphs when they are near-duplicates, else None (see the module docstring)."""
    loose_a, protected_a = comparison_forms(a)
    loose_b, protected_b = comparison_forms(b)
    if protected_a != protected_b:
        return None
    similarity = jaccard(char_shingles(loose_a), char_shingles(loose_b))
    return similarity if similarity >= min_similarity else None


@dataclass(frozen=True)
class BandHasher:
    """MinHash signatures and LSH band hashes with pinned permutations; one per batch (see ``signature``)."""

    permutations: int = 64
    bands: int = 16

    def __post_init__(self) -> None:
        if self.permutations % self.bands:
            raise ValueError(f"{self.permutations} permutations do not split into {self.bands} equal bands")

    @cached_property
    def _minhash(self) -> MinHash:
        return MinHash(num_perm=self.permutations, seed=MINHASH_SEED, hashfunc=zlib.crc32)

    def signature(self, loose: str) -> np.ndarray:
        """MinHash values of the word bigrams (single words for a one-word text) of a loose form.

        One MinHash is cleared and reused (``copy()`` re-parses the permutations and cost more than the
        hashing), so a ``BandHasher`` is not shared between threads. The bigrams are cut from the UTF-8
        bytes: a loose form's words are separated by single spaces, so its bytes split at ``b" "`` are
        its words' bytes, and a bigram's bytes are the UTF-8 of ``f"{x} {y}"``.
        """
        words = loose.encode().split(b" ")
        shingles = [x + b" " + y for x, y in pairwise(words)] or [loose.encode()]
        minhash = self._minhash
        minhash.clear()
        minhash.update_batch(shingles)
        return minhash.hashvalues.copy()

    @cached_property
    def _band_multipliers(self) -> np.ndarray:
        """Odd 64-bit constants derived from BLAKE2b, so they never change with a library version."""
        rows = self.permutations // self.bands
        digests = (hashlib.blake2b(f"newsetl band row {i}".encode(), digest_size=8).digest() for i in range(rows))
        return np.array([int.from_bytes(d, "big") | 1 for d in digests], dtype=np.uint64)

    def band_hashes(self, text: str, min_chars: int = 0) -> list[int]:
        """One signed 64-bit hash per band of the paragraph's signature (a Postgres ``bigint``).

        A band's hash is the sum of its MinHash values times pinned odd 64-bit multipliers, modulo 2**64,
        XOR a hash of the paragraph's protected tokens: paragraphs whose numbers, names or dates differ can
        never be near-duplicates, so they never become candidates either, which keeps templated text
        ("... 3 people", "... 4 people") cheap. No bands for a paragraph whose loose form is shorter than
        ``min_chars``.
        """
        kept, mixed = self._mixed([text], min_chars)
        return mixed[0].view(np.int64).tolist() if kept else []

    def band_keys(self, text: str, min_chars: int = 0) -> list[int]:
        """The band hashes with each band's number folded in, as ``paragraph_bands.band_keys`` stores them:
        hash XOR (band << 56), its high and low 32 bits XORed, as a signed 32-bit integer (a Postgres
        ``integer``), so that equal keys are equal hashes of the same band up to a 2**-32 chance (an extra
        candidate, which verification rejects) and one array of a paragraph's keys can be looked up whole
        (migrations 0012 and 0013 convert stored rows the same way). No keys for a paragraph shorter than
        ``min_chars``."""
        return self.band_keys_of([text], min_chars)[0]

    def band_keys_of(self, texts: Sequence[str], min_chars: int = 0) -> list[list[int]]:
        """``band_keys`` of each text, in order, computed together: the band arithmetic is one vectorised
        step over all the texts' signatures (per text it cost as much as the MinHash itself)."""
        kept, mixed = self._mixed(texts, min_chars)
        salted = mixed ^ self._band_salts
        folded = ((salted ^ (salted >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.int32)
        keys: list[list[int]] = [[] for _ in texts]
        for index, row in zip(kept, folded.tolist(), strict=True):
            keys[index] = row
        return keys

    def _mixed(self, texts: Sequence[str], min_chars: int) -> tuple[list[int], np.ndarray]:
        """The indexes of the texts at least ``min_chars`` long (loose form), and their band hashes as an
        array of shape (len(indexes), bands), unsigned."""
        forms = [comparison_forms(text) for text in texts]
        kept = [index for index, (loose, _) in enumerate(forms) if len(loose) >= min_chars]
        signatures = np.array([self.signature(forms[index][0]) for index in kept], dtype=np.uint64)
        rows = signatures.reshape(len(kept), self.bands, self.permutations // self.bands)
        with np.errstate(over="ignore"):
            mixed = (rows * self._band_multipliers).sum(axis=2, dtype=np.uint64)
        salts = np.array([_tokens_hash(forms[index][1]) for index in kept], dtype=np.uint64)
        return kept, mixed ^ salts[:, np.newaxis]

    @cached_property
    def _band_salts(self) -> np.ndarray:
        return np.arange(self.bands, dtype=np.uint64) << np.uint64(56)


def _tokens_hash(tokens: tuple[str, ...]) -> int:
    joined = "\x1f".join(tokens)
    return int.from_bytes(hashlib.blake2b(joined.encode(), digest_size=8).digest(), "big")


def hasher_for(settings: DedupSettings) -> BandHasher:
    return BandHasher(settings.minhash_permutations, settings.lsh_bands)


def link_near_duplicates(
    conn: psycopg2.extensions.connection, settings: DedupSettings, paragraphs: Iterable[tuple[bytes, str]]
) -> int:
    """Index the given (key, text) paragraphs not indexed yet and link their near-duplicates; links added.

    Two transactions: the band keys are committed before candidates are looked up, so of two workers
    indexing near-duplicates at once, the later one always sees the other's bands. Each indexed paragraph
    has a ``paragraph_lsh_pending`` row from the first transaction until the second verifies its
    candidates: a crash between them leaves the paragraph pending, and the next batch carrying it resumes
    there (migration 0015).
    """
    texts = dict(paragraphs)
    if not texts:
        return 0
    hasher = hasher_for(settings)
    pending = run_in_transaction(conn, lambda cur: _index_pending(cur, hasher, settings, texts))
    if not pending.keys:
        return 0
    return run_in_transaction(conn, lambda cur: _link_pending(cur, settings, pending, texts))


@dataclass(frozen=True)
class _Pending:
    """Paragraphs whose candidates are to be verified (the ones long enough to index), and their band keys in
    COPY text format (one row each)."""

    keys: list[bytes]
    band_rows: str


def _index_pending(
    cur: psycopg2.extensions.cursor, hasher: BandHasher, settings: DedupSettings, texts: dict[bytes, str]
) -> _Pending:
    cur.execute(query("select_unchecked_paragraphs"), {"keys": sorted(texts)})
    keys = sorted(bytes(row[0]) for row in cur)
    all_band_keys = hasher.band_keys_of([texts[key] for key in keys], settings.near_duplicate_min_chars)
    indexed = [(key, band_keys) for key, band_keys in zip(keys, all_band_keys, strict=True) if band_keys]
    band_rows = "".join(f"\\\\x{key.hex()}\t{{{','.join(map(str, band_keys))}}}\n" for key, band_keys in indexed)
    if indexed:
        _stage_bands(cur, band_rows)
        cur.execute(query("insert_paragraph_bands"))
    return _Pending([key for key, _ in indexed], band_rows)


def _stage_bands(cur: psycopg2.extensions.cursor, band_rows: str) -> None:
    cur.execute(query("create_band_tables"))
    cur.copy_expert("copy load_bands (paragraph_key, band_keys) from stdin", io.StringIO(band_rows))


def _link_pending(
    cur: psycopg2.extensions.cursor, settings: DedupSettings, pending: _Pending, texts: dict[bytes, str]
) -> int:
    _stage_bands(cur, pending.band_rows)
    cur.execute(query("select_band_candidates"))
    links: list[tuple[bytes, bytes, float]] = []
    for key, other_key, other_text in cur.fetchall():
        key, other_key = bytes(key), bytes(other_key)
        similarity = near_duplicate(texts[key], other_text, settings.near_duplicate_min_similarity)
        if similarity is not None:
            first, second = sorted((key, other_key))
            links.append((first, second, round(similarity, 4)))
    links = sorted(set(links))
    added = 0
    if links:
        cur.execute(
            query("insert_paragraph_near_duplicates"),
            {"firsts": [a for a, _, _ in links], "seconds": [b for _, b, _ in links], "sims": [s for *_, s in links]},
        )
        added = cur.rowcount
    cur.execute(query("mark_paragraphs_checked"), {"keys": pending.keys})
    return added
