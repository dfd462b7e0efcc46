"""Main text: read the page into blocks, choose the article container, keep its article paragraphs.

Steps, each its own module: ``blocks`` (one walk: text blocks, chrome marks, element spans), ``score``
(the container with the most net content), then the filters here drop what is inside the container but
not article: chrome, link lists, the title, bylines, and pull quotes (a block whose text another kept block
already holds). A source may name its body container with
``article_selector`` (sources file); then only that element is read.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from etl.extract.blocks import Block, Layout, inline_text, read_blocks, text_size
from etl.extract.chrome import is_page_chrome
from etl.extract.score import best_span, lede_before, trimmed

__all__ = ["is_page_chrome", "keep_block", "link_density", "main_text"]

MAX_LINK_DENSITY = 0.8
"""A block with more of its text in links than this is a link list (related stories, tags, menus)."""

LABEL_CHARS = 20
"""Text outside links short enough to be a label in front of a link, in any language."""

MIN_TEXT_CHARS = 200
"""Less main text than this (in size, ``etl.extract.blocks.text_size``), on a page with chrome marks, is
read again without them: every section of some articles carries a chrome-looking class (``promo-item``,
``skip-section``). That second reading takes the best element as it is (``best_span(grow=False)``): with
no chrome marks, growing it would take in the share line beside a short article, and the longer reading
wins."""

BYLINE_SLACK = 30
"""Characters a byline may carry beyond the author's name ("By", "and", a date) and still be one."""

PULL_QUOTE_CHARS = 30
"""A kept block this long (without the quotes or dots around it) whose text a longer kept block
already holds is a pull quote, repeated for the eye, not a second paragraph. Shorter lines (a heading, a
name) may well recur inside a paragraph."""

MAX_PULL_QUOTE_CHARS = 400
"""A pull quote is a sentence or two; longer blocks are paragraphs, never looked at as quotes."""

PULL_QUOTE_SHARE = 1.5
"""How many times longer than a pull quote the paragraph it repeats is, at least."""

_QUOTE_MARKS = " \"'“”„‟«»‹›‘’‚‛「」『』…-–—.,:;!?()[]*"
"""Marks around a pull quote that the paragraph it repeats does not have there, in any language."""

LABEL_SIZE = 40
"""A line this short (in size, ``etl.extract.blocks.text_size``), not a sentence, that closes the kept text
right before a block of links is the label of a related-links box, not the article's last line."""

_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "…", '"', "”", "»", "«", "“")

_ITEM_TAGS = frozenset({"li", "tr", "td", "th", "dt", "dd"})
_NOT_PROSE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "dt", "dd", "pre"})


def main_text(
    soup: BeautifulSoup, *, title: str | None, selector: str | None = None, authors: Iterable[str] = ()
) -> tuple[str, ...]:
    """The article's paragraphs in page order (repeats included). Never changes ``soup``."""
    chosen = soup.select_one(selector) if selector else None
    layout = read_blocks(chosen or soup)
    names = tuple(name for name in authors if name)
    if chosen is not None:
        return _kept(layout, (0, len(layout.blocks)), title, names)
    found = _kept(layout, trimmed(layout, *best_span(layout)), title, names)
    if sum(map(text_size, found)) < MIN_TEXT_CHARS and any(layout.chrome):
        unmarked = replace(layout, chrome=[False] * len(layout.blocks))
        fallback = _kept(unmarked, trimmed(unmarked, *best_span(unmarked, grow=False)), title, names)
        if sum(map(text_size, fallback)) > sum(map(text_size, found)):
            return fallback
    return found


def _kept(layout: Layout, span: tuple[int, int], title: str | None, authors: tuple[str, ...]) -> tuple[str, ...]:
    start, end = span
    chosen = [*lede_before(layout, start), *range(start, end)]
    kept = [
        layout.blocks[index]
        for index in without_closing_label(
            layout,
            [
                index
                for index in chosen
                if not layout.chrome[index] and keep_block(layout.blocks[index], title=title, authors=authors)
            ],
        )
    ]
    return tuple(block.text for block in without_pull_quotes(kept))


def without_closing_label(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without its last block when that is a short label over links: a line of
    at most ``LABEL_SIZE`` that does not end a sentence, not a list item or table cell, right before a
    block of links ("Mehr zum Thema", "Lesen Sie auch:", "【関連記事】", "Related"), in every language: the
    list it introduced was dropped, so it introduces nothing. A line with a colon inside ("Source: AP",
    "Fotos: dpa") says something itself and stays."""
    if len(kept) < 2:
        return kept
    last = kept[-1]
    block = layout.blocks[last]
    following = layout.blocks[last + 1] if last + 1 < len(layout.blocks) else None
    if (
        following is not None
        and following.link_density > MAX_LINK_DENSITY
        and not block.link_density
        and block.tag not in _ITEM_TAGS
        and text_size(block.text) <= LABEL_SIZE
        and not block.text.endswith(_SENTENCE_ENDS)
        and not any(mark in block.text.rstrip(":：") for mark in ":：")
    ):
        return kept[:-1]
    return kept


def without_pull_quotes(blocks: list[Block]) -> list[Block]:
    """``blocks`` without pull quotes: a block whose text (case and the quotes or dots around it aside) a
    paragraph at least ``PULL_QUOTE_SHARE`` times longer holds. Headings, list items, table rows and exact
    repeats stay (within-article dedup keeps one of each repeat); so does a summary that repeats a paragraph
    nearly whole. Each test is one search of the longer paragraphs, joined shortest first."""
    prose = [(index, block.text.casefold()) for index, block in enumerate(blocks) if block.tag not in _NOT_PROSE]
    candidates = [
        (index, quoted)
        for index, text in prose
        if PULL_QUOTE_CHARS <= len(text) <= MAX_PULL_QUOTE_CHARS + len(_QUOTE_MARKS)
        and PULL_QUOTE_CHARS <= len(quoted := text.strip(_QUOTE_MARKS)) <= MAX_PULL_QUOTE_CHARS
    ]
    if not candidates:
        return blocks
    by_length = sorted((text for _, text in prose), key=len)
    lengths = [len(text) for text in by_length]
    starts = [0]
    for length in lengths:
        starts.append(starts[-1] + length + 1)
    joined = "\n".join(by_length)
    repeats = set()
    for index, quoted in candidates:
        longer = bisect_left(lengths, PULL_QUOTE_SHARE * len(quoted))
        if longer < len(lengths) and joined.find(quoted, starts[longer]) != -1:
            repeats.add(index)
    return [block for index, block in enumerate(blocks) if index not in repeats]


def keep_block(block: Block, *, title: str | None, authors: tuple[str, ...] = ()) -> bool:
    """Whether a block inside the container is article text: not a link list, the title or a byline."""
    if block.link_density > MAX_LINK_DENSITY or is_link_with_label(block):
        return False
    if block.tag == "h1" or block.text == title:
        return False
    return not is_byline(block.text, authors)


def is_link_with_label(block: Block) -> bool:
    """Whether a block is mostly a link behind a short label ("Read also:", "Читайте также:", "Baca juga:")."""
    return block.link_density > 0.5 and len(block.text) * (1.0 - block.link_density) < LABEL_CHARS


def is_byline(text: str, authors: tuple[str, ...]) -> bool:
    """Whether a short line names one of the article's authors ("By Jane Doe, May 15")."""
    return any(len(text) <= len(name) + BYLINE_SLACK and name in text for name in authors)


def link_density(tag: Tag) -> float:
    """Share of the element's text that sits inside links."""
    parts: list[str] = []
    linked = inline_text(tag, parts, tag.name == "a")
    total = sum(len(part.strip()) for part in parts)
    return linked / total if total else 0.0
