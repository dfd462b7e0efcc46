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

from collections.abc import Iterator

from bs4 import Tag

from etl.extract.blocks import LEDE_CHARS, NOT_PROSE_TAGS, SENTENCE_ENDS, Block, Layout, is_lede, text_size

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

MAX_BOX_BLOCKS = 12
"""Blocks of no value inside an article's text (a "Lesen Sie auch" list and its label, an ad's label, an
embed's consent notice) that the text may resume after (``resumed_after``, ``resumed_before``)."""

MAX_RESUMED = 10
"""Boxes the text may resume after, at most: each is a new trim of what follows (a page of a thousand
paragraphs, each after a link, is not read a thousand times)."""

RESUMED_HEADINGS = 2
"""Subheadings that may open the text after such a box, before its paragraph."""

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
    values = [
        block_value(block, chrome=chrome, inside=True)
        for block, chrome in zip(layout.blocks, layout.chrome, strict=True)
    ]
    for box_start, box_end in inline_boxes(layout, values):
        for index in range(box_start, box_end):
            values[index] = max(values[index], -BLOCK_COST)
    totals = [0.0]
    for value in values:
        totals.append(totals[-1] + value)
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
    parent = tag.parent
    while parent is not None:
        found = layout.span_by_element.get(id(parent))
        if found is not None and found[1:] != span:
            return found[1:]
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
    item (a list of short facts that ends the article costs per item, yet belongs to it whole). Where the
    text resumes after a box of no value (``resumed_after``, ``resumed_before``), the span takes in the box and
    what follows or precedes it."""
    if end <= start:
        return start, end
    start = _without_leading_lines(layout, start, end)
    start = resumed_before(layout, start)
    last = _tail_end(layout, start, end)
    for _ in range(MAX_RESUMED):
        resumed = resumed_after(layout, start, last, end)
        if resumed is None:
            break
        resume, end = resumed
        last = _tail_end(layout, resume, end)
    for list_start, list_end in layout.lists:
        if list_start < last < list_end <= end and all(
            block.tag == "li" and block.link_density <= LIST_ITEM_LINK_DENSITY for block in layout.blocks[last:list_end]
        ):
            last = list_end
    return start, last


def _without_leading_lines(layout: Layout, start: int, end: int) -> int:
    """``start`` moved past the leading lines of no value of ``[start, end)`` that are not headings (``trimmed``)."""
    while start < end - 1 and layout.blocks[start].tag not in HEADINGS:
        if block_value(layout.blocks[start], chrome=layout.chrome[start]) > 0:
            break
        start += 1
    return start


def _tail_end(layout: Layout, start: int, end: int) -> int:
    """The end of ``[start, end)`` without its costly tail (``trimmed``); at least one block stays."""
    running = [0.0]
    for index in range(start, end):
        running.append(running[-1] + tail_value(layout.blocks[index], chrome=layout.chrome[index]))
    floor = max(running) - BLOCK_COST
    return start + max(max(offset for offset, total in enumerate(running) if total >= floor), 1)


def _is_box_block(layout: Layout, index: int) -> bool:
    """Whether a block is of no value to the text (``tail_value`` at most 0: chrome, links, a short label)
    and no title: a line of a box inside the text."""
    block = layout.blocks[index]
    return block.tag != "h1" and tail_value(block, chrome=layout.chrome[index]) <= 0


def _is_resumed_text(layout: Layout, index: int, other: int) -> bool:
    """Whether block ``index`` continues the article's text of block ``other`` across a box: both prose of
    one tag, ``index`` worth something, ending a sentence and not chrome, each directly inside one element,
    or inside sibling wrappers of one named kind (same tag and class, ``<div class="text-block">``: an
    element without a class names no kind)."""
    block, kept = layout.blocks[index], layout.blocks[other]
    if (
        layout.chrome[index]
        or layout.chrome[other]
        or block.tag != kept.tag
        or block.tag in NOT_PROSE_TAGS
        or block_value(block, chrome=False, inside=True) <= 0
        or not block.text.rstrip().endswith(SENTENCE_ENDS)
    ):
        return False
    holder, other_holder = layout.holders[index], layout.holders[other]
    return holder is other_holder or (
        holder.parent is other_holder.parent
        and holder.name == other_holder.name
        and bool(holder.get("class"))
        and holder.get("class") == other_holder.get("class")
    )


def inline_boxes(layout: Layout, values: list[float]) -> Iterator[tuple[int, int]]:
    """Spans ``[start, end)`` of boxes inside an article's text element: at most ``MAX_BOX_BLOCKS`` blocks of
    no value (``values``, the blocks' ``block_value``; no ``<h1>``) with a paragraph of running text of that
    element before them and one after them (``_is_resumed_text``, after at most ``RESUMED_HEADINGS``
    subheadings). A "Lesen Sie auch" list between two paragraphs of one ``<div>`` is the article's box, not
    the page's menu: each of its lines costs the element one block, no more, so that a short article does
    not lose to a list of teasers for it. Teasers each in a card of their own are never one element's, and
    a box is more than headings (cards of a linked title and a blurb in one element are not boxes)."""
    blocks = layout.blocks
    count = len(blocks)
    index = 1
    while index < count:
        if values[index] > 0 or blocks[index].tag == "h1" or values[index - 1] <= 0:
            index += 1
            continue
        end = index
        while end < count and values[end] <= 0 and blocks[end].tag != "h1":
            end += 1
        following = end
        while following < min(count - 1, end + RESUMED_HEADINGS) and blocks[following].tag in HEADINGS:
            following += 1
        if (
            end - index <= MAX_BOX_BLOCKS
            and any(blocks[inside].tag not in HEADINGS for inside in range(index, end))
            and following < count
            and _is_resumed_text(layout, following, index - 1)
            and layout.holders[following] is layout.holders[index - 1]
        ):
            yield index, end
        index = end


def resumed_after(layout: Layout, start: int, last: int, end: int) -> tuple[int, int] | None:
    """Where the text resumes after the kept part ``[start, last)`` of a span ending at ``end``: past at most
    ``MAX_BOX_BLOCKS`` blocks of no value (``_is_box_block``: a "Lesen Sie auch" list and its label, an ad's
    label, an embed's consent notice; those the kept part ends in included), a paragraph that continues the
    last kept paragraph (``_is_resumed_text``). Returns that paragraph's index and the end of the span to
    trim from it (``end``, or the end of the element holding it when that lies further: a paragraph
    wrapper after the chosen element); None when the text does not resume."""
    kept = last - 1
    while kept > start and _is_box_block(layout, kept):
        kept -= 1
    resume = kept + 1
    while resume < len(layout.blocks) and resume - kept <= MAX_BOX_BLOCKS and _is_box_block(layout, resume):
        resume += 1
    if resume >= len(layout.blocks) or resume < last or (resume == last < end):
        return None
    paragraph = kept  # the last paragraph of running text before the box: the text may end in a list
    while paragraph > start and kept - paragraph < MAX_BOX_BLOCKS and layout.blocks[paragraph].tag in NOT_PROSE_TAGS:
        paragraph -= 1
    following = resume  # a subheading or two may open what follows the box ("Fazit", "Wie geht es weiter?")
    while (
        following < min(len(layout.blocks) - 1, resume + RESUMED_HEADINGS) and layout.blocks[following].tag in HEADINGS
    ):
        following += 1
    if not _is_resumed_text(layout, following, paragraph):
        return None
    return resume, max(end, layout.holder_span(following)[2])


def resumed_before(layout: Layout, start: int) -> int:
    """``start`` moved back over text that the first kept block continues across a box (as in
    ``resumed_after``): an article's first paragraphs in an element of their own kind before a related
    list, the rest in another after it. An element of its own is taken in whole (its leading lines of no
    value aside); in the element that holds both, the run of blocks of value before the box."""
    while start > 0:
        found = start
        while found > 0 and start - found < MAX_BOX_BLOCKS and _is_box_block(layout, found - 1):
            found -= 1
        if found == 0 or not _is_resumed_text(layout, found - 1, start):
            return start
        _, low, high = layout.holder_span(found - 1)
        if high <= start:
            start = _without_leading_lines(layout, low, found)
        else:
            start = found - 1
            while start > low and not _is_box_block(layout, start - 1):
                start -= 1
    return start


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
    author box, a "save for later" notice), only the first block under the title longer than a short line
    (``LEDE_CHARS``: the kicker, byline, date and the toolbar's captions before it are not) can be the lede:
    what lies further down is the page's, not the article's. Empty when no ``<h1>`` lies within ``MAX_LEDE_SEARCH``
    blocks before the container."""
    between = 0
    for index in range(start - 1, max(-1, start - 1 - MAX_LEDE_SEARCH), -1):
        block = layout.blocks[index]
        if block.tag == "h1":
            if between > MAX_LEDE_GAP:  # far from the body: only the first prose under the title
                below = next(
                    (
                        later
                        for later in range(index + 1, start)
                        if not layout.chrome[later] and text_size(layout.blocks[later].text) >= LEDE_CHARS
                    ),
                    None,
                )
                return [below] if below is not None and is_lede(layout.blocks[below]) else []
            return [
                later for later in range(index + 1, start) if not layout.chrome[later] and is_lede(layout.blocks[later])
            ]
        between += not layout.chrome[index]
    return []
