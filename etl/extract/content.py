"""Main text: read the page into blocks, choose the article container, keep its article paragraphs.

Steps, each its own module: ``blocks`` (one walk: text blocks, chrome marks, element spans), ``score``
(the container with the most net content), then the filters here drop what is inside the container but
not article: chrome, link lists, the title, bylines, and pull quotes (a block whose text another kept block
already holds). A source may name its body container with
``article_selector`` (sources file); then only that element is read.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from etl.extract.blocks import HEADING_TAGS, Block, Layout, inline_text, read_blocks, text_size
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

COPYRIGHT_SIZE = 300
"""A block this short (in size, ``etl.extract.blocks.text_size``) holding the copyright sign © is a
copyright or credit line ("© 2024 Example Media. All rights reserved.", "Image: © A. Photographer",
"Foto(s): © Archiv", "版权所有 © ..."), not article prose, in every language; table cells aside (a price list
may name a brand's mark)."""

REMAINDER_SIZE = 100
"""A line this short (in size) holding a percentage that closes the free text, the kept text's last block
or the last of an ``<article>``, is a paywall's count of what is left to read ("57% left to read", "Il vous
reste 57.09% de cet article à lire", "Pozostało jeszcze 89% artykułu"), in every language: an article does
not end on a figure that short with nothing after it. List items, table rows and headings stay."""

AUTHOR_BOX_BLOCKS = 4
AUTHOR_BOX_SIZE = 800
AUTHOR_LABEL_SIZE = 80
"""An "about the author" box under the text (``without_author_box``): a few short lines (a heading, the
name, a role), then a bio; sizes as ``etl.extract.blocks.text_size``."""

TEASER_RUN = 3
TEASER_LABELS = 3
"""Teasers that close the text (``without_teaser_run``): at least ``TEASER_RUN`` blocks cut off with an
ellipsis ("...", "…"), between them at most ``TEASER_LABELS`` short lines in a row (a card's title,
categories, "Learn more": at most ``LABEL_SIZE`` * 2 each, not ending a sentence)."""

_ELLIPSES = ("...", "…")

_PERCENT_RE = re.compile(r"\d\s?%|%\s?\d")

_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "…", '"', "”", "»", "«", "“")

_CELL_TAGS = frozenset({"tr", "td", "th"})
_ITEM_TAGS = _CELL_TAGS | {"li", "dt", "dd"}
_NOT_PROSE = _ITEM_TAGS | HEADING_TAGS | {"pre"}


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
    indexes = [
        index
        for index in chosen
        if not layout.chrome[index] and keep_block(layout.blocks[index], title=title, authors=authors)
    ]
    indexes = without_closing_label(layout, without_teaser_run(layout, without_contents_label(layout, indexes)))
    indexes = without_remainder_line(layout, indexes)
    kept = [layout.blocks[index] for index in without_author_box(layout, indexes, authors)]
    return tuple(block.text for block in without_pull_quotes(kept))


def without_teaser_run(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without the teasers of other articles that close it: read back from the
    last kept block, a run of at least ``TEASER_RUN`` blocks cut off with an ellipsis, with at most
    ``TEASER_LABELS`` short lines in a row after, between and before them (the cards' titles, categories
    and "Learn more", the run's label: ``_is_card_line``). Excerpts clipped mid-sentence in a row are a list of
    other pages, in every language; an article's own lines that trail off ("Well...") stand alone or
    between full sentences, and a run in the middle of the text (a ranked list's summaries) stays."""
    if len(kept) <= TEASER_RUN:
        return kept
    teasers = 0
    labels = 0
    start = len(kept)
    for position in range(len(kept) - 1, -1, -1):
        block = layout.blocks[kept[position]]
        if _is_clipped(block):
            teasers += 1
            labels = 0
            start = position
        elif _is_card_line(block) and labels < TEASER_LABELS:
            labels += 1
        else:
            break
    if teasers < TEASER_RUN or start == 0:
        return kept
    while start > 0 and _is_card_line(layout.blocks[kept[start - 1]]) and labels > 0:
        start -= 1
        labels -= 1
    return kept[:start]


def _is_clipped(block: Block) -> bool:
    return block.tag not in _NOT_PROSE and block.text.rstrip().endswith(_ELLIPSES)


def _is_card_line(block: Block) -> bool:
    return text_size(block.text) <= 2 * LABEL_SIZE and not block.text.rstrip().endswith(_SENTENCE_ENDS)


def without_author_box(layout: Layout, kept: list[int], authors: tuple[str, ...]) -> list[int]:
    """``kept`` (block indexes) without an "about the author" box at its end: a bio as the last block after
    one to ``AUTHOR_BOX_BLOCKS`` - 1 short lines (a heading, the name, a role: at most
    ``AUTHOR_LABEL_SIZE`` each), all in one element that holds no earlier kept block, at most
    ``AUTHOR_BOX_SIZE`` in all, naming one of the page's authors: the byline's name said again under the
    text, a repeat, in every language. A last paragraph that names the author after a paragraph of text
    stays."""
    if not authors or len(kept) <= AUTHOR_BOX_BLOCKS:
        return kept
    found = len(kept)
    size = text_size(layout.blocks[kept[-1]].text)
    for count in range(2, AUTHOR_BOX_BLOCKS + 1):
        first, before = kept[-count], kept[-count - 1]
        label = text_size(layout.blocks[first].text)
        size += label
        if label > AUTHOR_LABEL_SIZE or size > AUTHOR_BOX_SIZE:
            break
        if any(name in layout.blocks[index].text for index in kept[-count:] for name in authors) and any(
            before < start <= first and end > kept[-1] for _, start, end in layout.spans
        ):
            found = len(kept) - count
    return kept[:found]


def without_remainder_line(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without a paywall's count of what is left to read: a line of at most
    ``REMAINDER_SIZE`` holding a percentage, not a list item, table row or heading, that is the last kept
    block or the last block of an ``<article>`` element. The free text ends there, so the kept blocks after
    it go too: the box that asks for a subscription or says the account is read on another device, plain
    paragraphs beside its buttons."""
    if len(kept) < 2:
        return kept
    candidates = {
        index
        for index in kept
        if _PERCENT_RE.search(layout.blocks[index].text)
        and layout.blocks[index].tag not in _NOT_PROSE
        and text_size(layout.blocks[index].text) <= REMAINDER_SIZE
    }
    if not candidates:
        return kept
    ends = {kept[-1]} | {end - 1 for tag, _, end in layout.spans if tag.name == "article"}
    found = sorted(candidates & ends)
    return [index for index in kept if index < found[0]] if found else kept


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
    if following is not None and following.link_density > MAX_LINK_DENSITY and _is_label(block):
        return kept[:-1]
    return kept


def without_contents_label(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without the label of a table of contents ("Table of Contents", "Jump to:",
    "Inhalt", "目次"), wherever it stands: a short label (as in ``without_closing_label``) right before a
    dropped block of links that starts an element whose links (two or more) all lead to places on the page
    (``href="#..."``). The list is gone, so its label introduces nothing, in every language."""
    kept_set = set(kept)
    labels = {
        index
        for index in kept
        if index + 1 < len(layout.blocks)
        and index + 1 not in kept_set
        and layout.blocks[index + 1].link_density > MAX_LINK_DENSITY
        and _is_label(layout.blocks[index])
    }
    if not labels:
        return kept
    contents = {
        start - 1 for tag, start, end in layout.spans if start - 1 in labels and end > start and _links_within_page(tag)
    }
    return [index for index in kept if index not in contents]


def _is_label(block: Block) -> bool:
    """Whether a block is a short label: at most ``LABEL_SIZE``, no links, not a list item or table cell, not
    ending a sentence, no colon inside ("Source: AP" says something itself)."""
    return (
        not block.link_density
        and block.tag not in _ITEM_TAGS
        and text_size(block.text) <= LABEL_SIZE
        and not block.text.endswith(_SENTENCE_ENDS)
        and not any(mark in block.text.rstrip(":：") for mark in ":：")
    )


def _links_within_page(tag: Tag) -> bool:
    hrefs = [str(link.get("href") or "") for link in tag.find_all("a")]
    return len(hrefs) >= 2 and all(href.startswith("#") and len(href) > 1 for href in hrefs)


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
    if is_copyright_line(block):
        return False
    return not is_byline(block.text, authors)


def is_copyright_line(block: Block) -> bool:
    """Whether a block is a copyright or credit line: short (``COPYRIGHT_SIZE``), holding ©, not a table cell."""
    return "©" in block.text and block.tag not in _CELL_TAGS and text_size(block.text) <= COPYRIGHT_SIZE


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
