"""Within-article deduplication: a paragraph that repeats (after normalisation) is kept once, first.

Publishers repeat blocks of text on the same page (the seed article repeats four of its five paragraphs);
the warehouse must hold each paragraph once per article, in first-seen order, and lose none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from etl.dedup.normalise import hash_text, normalise
from etl.records import Article, DedupedArticle, Paragraph


@dataclass(frozen=True)
class UniqueParagraphs:
    """Paragraphs kept (first occurrences), how many repeats were dropped, and the hash of the kept text."""

    paragraphs: tuple[Paragraph, ...]
    repeats_removed: int
    body_hash: bytes


def unique_paragraphs(texts: Iterable[str]) -> UniqueParagraphs:
    """Keep the first occurrence of each paragraph; drop paragraphs that are empty once normalised."""
    seen: set[bytes] = set()
    kept: list[Paragraph] = []
    normalised_kept: list[str] = []
    repeats = 0
    for text in texts:
        folded = normalise(text)
        if not folded:
            continue
        key = hash_text(folded)
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        kept.append(Paragraph(key=key, text=text.strip()))
        normalised_kept.append(folded)
    return UniqueParagraphs(tuple(kept), repeats, hash_text("\n".join(normalised_kept)))


def dedup_article(article: Article) -> DedupedArticle:
    """The article with its paragraphs deduplicated."""
    unique = unique_paragraphs(article.paragraphs)
    return DedupedArticle(
        article=article,
        paragraphs=unique.paragraphs,
        repeats_removed=unique.repeats_removed,
        body_hash=unique.body_hash,
    )
