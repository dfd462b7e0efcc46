"""Choose the article container: the element whose blocks add up to the most content, net of chrome.

Each block gets a value: its characters outside links, minus its link text (a paragraph with a few links
stays positive, a list of links is negative), minus a small fixed cost per block so that a run of short
lines (dates, bylines, "Share", menu items that are not links) does not pull a container wider. Chrome
blocks and the page's ``<h1>`` (the title is not body text) add only that cost: they are dropped from the
output anyway, and an article body often holds a share bar or a related box. The container is
the element with the highest sum over its span, read in one pass over prefix sums.

Lengths are sizes (``etl.extract.blocks.text_size``): characters, not words, with a Han, kana or Hangul
character counted two to two and a half times, so Chinese, Japanese and Korean text scores like any other.
"""

from __future__ import annotations

from bs4 import Tag

from etl.extract.blocks import Block, Layout, is_lede, text_size

BLOCK_COST = 20.0
"""Characters a block must carry outside links to add to its container's score."""

FREE_TAGS = frozenset({"tr", "td", "th"})
"""Blocks that cost nothing: table rows and cells are short by nature, and a data table belongs to its
article."""

HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})

MAX_LEDE_GAP = 6
"""Blocks that are not chrome between the title and the body (kicker, byline, date, lede) looked through
for a lede."""

MAX_LEDE_SEARCH = 60
"""Blocks in all (share buttons, menus of related links) looked through for the title before the body."""

NARROW_BLOCKS = 2
"""A best element of this many blocks or fewer is one paragraph of an article whose paragraphs each sit in
an element of their own, beside the reactions, related stories and menus of one container: no element
holds just the article, so the span grows over the neighbouring blocks that add to it."""

TAIL_CHROME_COST = 0.75 * BLOCK_COST
"""What a chrome block costs when the container's tail is trimmed: less than a short line, for it is dropped
from the output anyway, so the embed placeholders, photo credits and share buttons between an article's
last paragraphs do not end it (a sign-up box or related list closing it still costs)."""

LINKED_NAMES = 3
"""Links in one paragraph of running text from which it is a paragraph of linked names (``is_linked_names``)."""

LIST_ITEM_LINK_DENSITY = 0.5
"""The rest of a list is kept with its first items when every one is an item of its own text (``<li>``
with at most this share in links): not a list that wraps sections, headings and paragraphs."""


def block_value(block: Block, *, chrome: bool, inside: bool = False) -> float:
    """What one block adds to the score of every element holding it. ``inside``: the block is weighed inside
    an element or its tail, where a paragraph of names linked one by one (``is_linked_names``) counts its
    link text once, not twice; at the head of the chosen span (``trimmed``) it counts twice, as every link
    does, so that a breadcrumb trail ("Home > World > Asia") stays out."""
    length = text_size(block.text)
    if chrome or block.tag == "h1":
        return -BLOCK_COST
    cost = 0.0 if block.tag in FREE_TAGS else BLOCK_COST
    penalty = 1.0 if inside and is_linked_names(block) else 2.0
    return length * (1.0 - penalty * block.link_density) - cost


def is_linked_names(block: Block) -> bool:
    """Whether a paragraph links ``LINKED_NAMES`` or more names in running text (``<p>Affected towns: <a>..</a>,
    <a>..</a>, <a>..</a></p>``): the text of the article, with each place or person linked to its page, not a
    menu (which is all links) or a teaser (one link)."""
    return block.tag == "p" and block.links >= LINKED_NAMES and block.link_density < 1.0


def best_span(layout: Layout, *, grow: bool = True) -> tuple[int, int]:
    """Block span ``[start, end)`` of the highest-scoring element (the narrowest one on a tie); when that
    element holds at most ``NARROW_BLOCKS`` blocks, extended over its parent's neighbouring blocks that
    add to it (``extended``), unless ``grow`` is false."""
    totals = [0.0]
    for block, chrome in zip(layout.blocks, layout.chrome, strict=True):
        totals.append(totals[-1] + block_value(block, chrome=chrome, inside=True))
    best, best_score, best_tag = (0, len(layout.blocks)), float("-inf"), None
    for tag, start, end in layout.spans:
        score = totals[end] - totals[start]
        if score > best_score:
            best, best_score, best_tag = (start, end), score, tag
    if not grow or best_tag is None or best[1] - best[0] > NARROW_BLOCKS:
        return best
    return extended(totals, best, _parent_span(layout, best_tag, best))


def _parent_span(layout: Layout, tag: Tag, span: tuple[int, int]) -> tuple[int, int]:
    """The span of the nearest element above ``tag`` that holds more blocks than ``span`` (``span`` at the
    root)."""
    by_element = {id(element): (start, end) for element, start, end in layout.spans}
    parent = tag.parent
    while parent is not None:
        found = by_element.get(id(parent))
        if found is not None and found != span:
            return found
        parent = parent.parent
    return span


def extended(totals: list[float], span: tuple[int, int], within: tuple[int, int]) -> tuple[int, int]:
    """``span`` grown to the left and to the right inside ``within`` as far as the blocks it takes in add to
    its sum (``totals``: prefix sums of block values), whatever elements hold them."""
    start, end = span
    low, high = within
    left = min(range(low, start + 1), key=lambda index: (totals[index], -index))
    right = max(range(end, high + 1), key=lambda index: (totals[index], -index))
    return left, right


def trimmed(layout: Layout, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without its leading lines of no value that are not headings (a date, a byline,
    "Loading…"), and without its tail of blocks that together cost more than one short line
    (``tail_value``): the related stories, sign-up boxes and author notes that often close an article's
    container. A closing short
    line ("Source: ...") stays, and a list of plain items the kept part reaches into is kept to its last
    item (a list of short facts that ends the article costs per item, yet belongs to it whole)."""
    if end <= start:
        return start, end
    while start < end - 1 and layout.blocks[start].tag not in HEADINGS:
        if block_value(layout.blocks[start], chrome=layout.chrome[start]) > 0:
            break
        start += 1
    running = [0.0]
    for index in range(start, end):
        running.append(running[-1] + tail_value(layout.blocks[index], chrome=layout.chrome[index]))
    floor = max(running) - BLOCK_COST
    last = start + max(max(offset for offset, total in enumerate(running) if total >= floor), 1)
    for list_start, list_end in layout.lists:
        if list_start < last < list_end <= end and all(
            block.tag == "li" and block.link_density <= LIST_ITEM_LINK_DENSITY for block in layout.blocks[last:list_end]
        ):
            last = list_end
    return start, last


def tail_value(block: Block, *, chrome: bool) -> float:
    """What a block adds when the container's tail is trimmed: a chrome block ``TAIL_CHROME_COST``, any
    other its ``block_value`` inside the container (a paywalled article's free part may end in paragraphs of
    linked names)."""
    return -TAIL_CHROME_COST if chrome else block_value(block, chrome=False, inside=True)


def lede_before(layout: Layout, start: int) -> list[int]:
    """Indexes of the lede blocks between the page's ``<h1>`` and the container starting at ``start``: the
    standfirst that sits beside the title (``<h2 class="subtitle">``, ``<div class="perex">``), outside the
    body's element, in every language. Only prose counts (``is_lede``: long, few links, not chrome); the
    byline, date and photo between title and body stay out. When more than ``MAX_LEDE_GAP`` blocks that are
    not chrome lie between the title and the container (a toolbar of font size, comment and share links, an
    author box, a "save for later" notice), only the block right under the title can be the lede: what lies
    further down is the page's, not the article's. Empty when no ``<h1>`` lies within ``MAX_LEDE_SEARCH``
    blocks before the container."""
    between = 0
    for index in range(start - 1, max(-1, start - 1 - MAX_LEDE_SEARCH), -1):
        block = layout.blocks[index]
        if block.tag == "h1":
            if between > MAX_LEDE_GAP:  # far from the body: only a lede right under the title
                below = index + 1
                return [below] if below < start and not layout.chrome[below] and is_lede(layout.blocks[below]) else []
            return [
                later for later in range(index + 1, start) if not layout.chrome[later] and is_lede(layout.blocks[later])
            ]
        between += not layout.chrome[index]
    return []
