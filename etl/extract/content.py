"""Main text: read the page into blocks, choose the article container, keep its article paragraphs.

Steps, each its own module: ``blocks`` (one walk: text blocks, chrome marks, element spans), ``score``
(the container with the most net content), then the filters here drop what is inside the container but
not article: chrome, link lists, the title, bylines. A source may name its body container with
``article_selector`` (sources file); then only that element is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from etl.extract.blocks import Block, Layout, inline_text, read_blocks
from etl.extract.chrome import is_page_chrome
from etl.extract.score import best_span, trimmed

__all__ = ["is_page_chrome", "keep_block", "link_density", "main_text"]

MAX_LINK_DENSITY = 0.8
"""A block with more of its text in links than this is a link list (related stories, tags, menus)."""

LABEL_CHARS = 20
"""Text outside links short enough to be a label in front of a link, in any language."""

MIN_TEXT_CHARS = 200
"""Less main text than this, on a page with chrome marks, is read again without them: every section of
some articles carries a chrome-looking class (``promo-item``, ``skip-section``)."""

BYLINE_SLACK = 30
"""Characters a byline may carry beyond the author's name ("By", "and", a date) and still be one."""


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
    if sum(map(len, found)) < MIN_TEXT_CHARS and any(layout.chrome):
        unmarked = replace(layout, chrome=[False] * len(layout.blocks))
        fallback = _kept(unmarked, trimmed(unmarked, *best_span(unmarked)), title, names)
        if sum(map(len, fallback)) > sum(map(len, found)):
            return fallback
    return found


def _kept(layout: Layout, span: tuple[int, int], title: str | None, authors: tuple[str, ...]) -> tuple[str, ...]:
    start, end = span
    return tuple(
        block.text
        for block, chrome in zip(layout.blocks[start:end], layout.chrome[start:end], strict=True)
        if not chrome and keep_block(block, title=title, authors=authors)
    )


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
