"""Choose the article container: the element whose blocks add up to the most content, net of chrome.

Each block gets a value: its characters outside links, minus its link text (a paragraph with a few links
stays positive, a list of links is negative), minus a small fixed cost per block so that a run of short
lines (dates, bylines, "Share", menu items that are not links) does not pull a container wider. Chrome
blocks and the page's ``<h1>`` (the title is not body text) add only that cost: they are dropped from the
output anyway, and an article body often holds a share bar or a related box. The container is
the element with the highest sum over its span, read in one pass over prefix sums.

Lengths are in characters, not words, so Chinese, Japanese and Korean text scores like any other.
"""

from __future__ import annotations

from etl.extract.blocks import Block, Layout

BLOCK_COST = 20.0
"""Characters a block must carry outside links to add to its container's score."""

FREE_TAGS = frozenset({"tr", "td", "th"})
"""Blocks that cost nothing: table rows and cells are short by nature, and a data table belongs to its
article."""

HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def block_value(block: Block, *, chrome: bool) -> float:
    """What one block adds to the score of every element holding it."""
    length = len(block.text)
    if chrome or block.tag == "h1":
        return -BLOCK_COST
    cost = 0.0 if block.tag in FREE_TAGS else BLOCK_COST
    return length * (1.0 - 2.0 * block.link_density) - cost


def best_span(layout: Layout) -> tuple[int, int]:
    """Block span ``[start, end)`` of the highest-scoring element; the narrowest one on a tie."""
    totals = [0.0]
    for block, chrome in zip(layout.blocks, layout.chrome, strict=True):
        totals.append(totals[-1] + block_value(block, chrome=chrome))
    best, best_score = (0, len(layout.blocks)), float("-inf")
    for _, start, end in layout.spans:
        score = totals[end] - totals[start]
        if score > best_score:
            best, best_score = (start, end), score
    return best


def trimmed(layout: Layout, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without its leading lines of no value that are not headings (a date, a byline,
    "Loading…"), and without its tail of blocks that together cost more than one short line: the related
    stories, sign-up boxes and author notes that often close an article's container. A closing short
    line ("Source: ...") stays."""
    while start < end - 1 and layout.blocks[start].tag not in HEADINGS:
        if block_value(layout.blocks[start], chrome=layout.chrome[start]) > 0:
            break
        start += 1
    running = [0.0]
    for index in range(start, end):
        running.append(running[-1] + block_value(layout.blocks[index], chrome=layout.chrome[index]))
    floor = max(running) - BLOCK_COST
    last = max(offset for offset, total in enumerate(running) if total >= floor)
    return start, start + max(last, 1)
