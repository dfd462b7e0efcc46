"""The ScrapingHub article-extraction metric: 4-word-shingle precision, recall and F1.

Matches ``../shared/tools/extraction_score.py`` (metric ``shingle``) exactly, so figures printed here
equal the shared tool's: tokens are Unicode ``\\w+`` runs (case kept); a page's items are its 4-token
shingles as a multiset (a text of fewer than 4 tokens is one shorter shingle); per page TP, FP, FN are
normalised to sum to 1; P is the mean page precision over pages with output, R the mean page recall
over pages with a truth, F1 their harmonic mean (not the mean of page F1s).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True)
class PageCounts:
    """One page's true positives, false positives and false negatives, normalised to sum to 1."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 over a set of pages, and how many pages had no output."""

    precision: float
    recall: float
    f1: float
    empty: int
    pages: int


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of ``text``."""
    tokens = _WORD.findall(text)
    if len(tokens) < SHINGLE_SIZE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1))


def page_counts(truth: str, predicted: str) -> PageCounts:
    """Shingle TP, FP, FN of one page, normalised so that they sum to 1 (all 0 when both are empty)."""
    true, pred = shingles(truth), shingles(predicted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return PageCounts(tp / total, fp / total, fn / total) if total else PageCounts(0.0, 0.0, 0.0)


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """The metric over ``(truth, predicted)`` pairs, one per page."""
    rows: list[PageCounts] = []
    empty = 0
    for truth, predicted in pairs:
        rows.append(page_counts(truth, predicted))
        empty += not _WORD.search(predicted)
    precisions = [row.precision for row in rows if row.tp + row.fp > 0]
    recalls = [row.recall for row in rows if row.tp + row.fn > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0, empty, len(rows))
