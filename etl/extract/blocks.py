"""Read a page once into text blocks: the paragraphs a reader sees, in order, with their link share.

One walk over the tree, skipping what is never text (``etl.extract.chrome.is_never_text``) unread. A block
is a text element (``<p>``, headings, ``<pre>``, ...) read whole; a run of text and inline elements
directly inside any other element (``<div>text <b>bold</b><br>more</div>``, ``<li>``, ``<td>``), cut at
``<br>`` and at child elements that are not inline; or a data table's row, its cells joined by `` | ``.
Every element that holds blocks gets a span ``[start, end)`` of block indexes, so "the blocks inside this
element" is a slice and any sum over them a difference of prefix sums: choosing the article container
never walks the tree again.

Chrome (``is_chrome``) is marked per block, except when the chrome-named element holds most of the page's
text: then it is a layout wrapper (``has-sidebar``, a body class such as ``tag-sports``), not chrome. The
``<header>`` of an article (inside ``<article>`` or ``<main>``, or holding the ``<h1>``) is chrome only in
its short or linked lines (kicker, byline, date, share links) and in what comes before its title
(breadcrumbs): its lede or standfirst, a paragraph of prose after the title, is article text in every
language.

A ``teaser`` that links nowhere right under the ``<h1>`` is the article's own lede, not chrome. Captions are
also found by structure, whatever their classes and language: an element holding an image and a short text
between paragraphs, and a centred line right after an image-only paragraph (``CAPTION_CHARS``) where the
other paragraphs beside it are mostly not centred (on a blog that centres every line, centring marks nothing).

Widgets are found by structure too: an element holding fields (``<input>``, ``<select>``, ``<textarea>``)
and little text per field is a sign-up box, an embed's consent switch, a search or login box
(``WIDGET_CHARS_PER_CONTROL``), whatever its classes.

Lists (``<ul>``, ``<ol>``) keep their block spans too, so that a list the article ends with is kept whole
(``etl.extract.score.trimmed``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from bs4 import NavigableString, Tag

from etl.extract.chrome import is_chrome, is_hidden, is_never_text, is_paywall, is_soft_chrome

TEXT_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "dt", "dd", "caption"})
"""Elements read whole as one block (what they hold is inline content)."""

INLINE_TAGS = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "mark",
        "nobr",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    }
)
"""Elements that continue the surrounding line of text instead of starting a block."""

WRAPPER_SHARE = 0.5
"""A chrome-named element holding more than this share of the page's text is a layout wrapper."""

WIDE_SCRIPT_WEIGHT = 2.5
"""What one Han or kana character weighs in a block's size (``text_size``): Chinese and Japanese run
without spaces and say in one character what alphabetic scripts say in two or three, so a 20-character
Japanese sentence is a sentence, not a "short line"."""

HANGUL_WEIGHT = 2.0
"""What one Hangul syllable weighs: Korean spaces its words, but a syllable is a cluster of letters."""

LEDE_CHARS = 50
"""A block of an article's ``<header>`` this long or longer, mostly outside links, is its lede, not a
kicker, byline or date line (those stay chrome)."""

CAPTION_CHARS = 300
"""Text beside an image at most this long (and in at most ``CAPTION_BLOCKS`` blocks) is its caption: an
element holding an image and little text between paragraphs (``<p>..</p><div class="inline-image"><img>
<p>caption</p></div><p>..</p>``), or a centred paragraph right after an image-only one
(``<p align="center"><img></p><p align="center">...``), is media and its credits, whatever its classes
say and in whatever language."""

CAPTION_BLOCKS = 2

FIGURE_LIKE_TAGS = frozenset({"div", "section", "span"})
"""Elements that, holding an image and a short text, are a figure in all but name."""

TEASER_AFTER_TITLE = 8
TEASER_SEARCH = 30
"""Blocks between the ``<h1>`` and a link-free teaser that is the article's own lede, at most: any blocks up to
``TEASER_AFTER_TITLE``, up to ``TEASER_SEARCH`` when the teaser is the first prose under the title."""

HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
NOT_PROSE_TAGS = HEADING_TAGS | frozenset({"tr", "td", "th", "li", "dt", "dd", "pre"})
"""Blocks that are never a paragraph of running text: headings, table rows and cells, list items, code."""
SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "…", '"', "”", "»", "«", "“")
"""What a line that ends a sentence ends in, in the languages served (a closing quote included)."""

CELL_JOIN = " | "
"""What joins the cells of a data table's row in its block."""

LEDE_DIGIT_SHARE = 0.1
"""A lede is words; a line that is more than this share digits is a date, time or figures line."""

PROSE_CHARS = 80
PROSE_PARAGRAPHS = 2
"""A ``paywall`` element holding this many paragraphs of this size is the locked part of the article, sent
in the page (and shown or blurred by a script), not a prompt to subscribe (``is_paywall``)."""

WIDGET_CHARS_PER_CONTROL = 500
WIDGET_MAX_CHARS = 1500
"""An element holding fields (a text or e-mail field, a drop-down, a text area, a switch: ``_is_field``) and
at most this much text (in size) per field, and this much in all, is a widget: a newsletter sign-up box
between the article's paragraphs, the consent switch in front of an embedded post or video ("Externen
Inhalt anzeigen"), a search or a login box. What it says is about the page, not the article, in every
language. An article's container holds far more text per field (its comment form). Buttons are not
counted (product cards carry them), nor the tick boxes of list items (a recipe's ingredients, a
checklist)."""

CONTROL_TAGS = frozenset({"input", "select", "textarea"})
WIDGET_TAGS = frozenset({"div", "section", "aside", "form", "fieldset", "span", "li", "ul"})
"""Elements that, holding fields and little text, are a widget."""

LIST_TAGS = frozenset({"ul", "ol"})
"""Elements whose items are one list: kept whole when the article keeps any of them."""

_HEADER_LINK_DENSITY = 0.3
_ARTICLE_TAGS = ("article", "main")

_LINE_TAGS = INLINE_TAGS | {"br"}
_LAYOUT_TAGS = frozenset(
    {"table", "div", "section", "article", "main", "ul", "ol", "dl", "blockquote", "figure", "header", "footer"}
)
_MAX_DEPTH = 200
_BREAK = "\x1e"
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\x00\x1e]+")
_WIDE_SCRIPT_RE = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph as a reader sees it: its text, the element it came from, its share in links, and, for a
    ``<p>`` with links, how many links it holds (0 otherwise)."""

    text: str
    tag: str
    link_density: float
    links: int = 0


@dataclass(frozen=True)
class Layout:
    """The page's blocks in order, whether each is chrome, the element each is the text of, and the block span
    of every element."""

    blocks: list[Block]
    chrome: list[bool]
    spans: list[tuple[Tag, int, int]]
    lists: list[tuple[int, int]]
    holders: list[Tag]
    """Per block, the element whose text it is (a ``<p>``'s parent, a ``<div>`` holding a run of text): the
    innermost element with a span that holds it."""

    @cached_property
    def span_by_element(self) -> dict[int, tuple[Tag, int, int]]:
        """Every element's span by the element's ``id``."""
        return {id(span[0]): span for span in self.spans}

    def holder_span(self, index: int) -> tuple[Tag, int, int]:
        """The span of the element whose text block ``index`` is (``holders``)."""
        return self.span_by_element[id(self.holders[index])]


def text_size(text: str) -> float:
    """How much a text says, in Latin-script characters: its length, with Han and kana characters counted
    ``WIDE_SCRIPT_WEIGHT`` times and Hangul syllables ``HANGUL_WEIGHT`` times. Every length threshold of
    the main-text steps (block cost, lede, short-page fallback) compares sizes, so that one rule serves
    every language."""
    if text.isascii():
        return len(text)
    wide = len(text) - len(_WIDE_SCRIPT_RE.sub("", text))
    hangul = len(text) - len(_HANGUL_RE.sub("", text))
    return len(text) + (WIDE_SCRIPT_WEIGHT - 1.0) * wide + (HANGUL_WEIGHT - 1.0) * hangul


def clean_text(text: str) -> str:
    """Block text as stored: NULs removed, every run of whitespace one space, trimmed."""
    return _SPACE_RE.sub(" ", text).strip()


def read_blocks(root: Tag) -> Layout:
    """The blocks under ``root`` in document order (``root`` itself is never skipped)."""
    reader = _Reader(root)
    reader.visit(root, in_link=False, depth=0)
    return Layout(reader.blocks, reader.chrome_marks(), reader.spans, reader.lists, reader.holders)


class _Reader:
    """The state of one walk: blocks so far, element spans, and the spans of chrome-named elements."""

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.segments: dict[str, Tag] | None = None  # streamed segments by id, found when first needed
        self.moved: set[int] = set()  # segments already read where their placeholder stands
        self.blocks: list[Block] = []
        self.holders: list[Tag] = []
        self.spans: list[tuple[Tag, int, int]] = []
        self.lists: list[tuple[int, int]] = []
        self.chrome_spans: list[tuple[int, int, str]] = []
        self.names_seen: dict[str, bool] = {}
        self.controls = 0

    def visit(self, element: Tag, *, in_link: bool, depth: int) -> bool:
        """Read ``element``'s blocks; return whether it shows an image outside its text blocks (an image
        child, or a child of no text around one), the sign of a figure by structure."""
        start = len(self.blocks)
        controls_before = self.controls
        run: list[str] = []
        run_linked = 0
        holds_image = False
        after_image = False  # the element just before showed an image and no text
        images: list[Tag] = []
        centred_lines: list[tuple[int, int]] = []  # centred lines right after an image: captions ...
        texts = centred_texts = 0  # ... unless most other text children are centred too (a centred blog post)
        for child in element.contents:
            if type(child) is NavigableString:
                if run or not child.isspace():
                    run.append(child)
                    if in_link:
                        run_linked += len(child.strip())
                    after_image = after_image and child.isspace()
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "template" or (name == "div" and id(child) in self.moved):
                segment = self._streamed_segment(child) if name == "template" else None
                if segment is not None:
                    if run:
                        self._add(element, run, run_linked, element.name)
                        run, run_linked = [], 0
                    self.moved.add(id(segment))
                    self.visit(segment, in_link=in_link, depth=depth + 1)
                    after_image = False
                continue
            if is_never_text(child):
                if name in _IMAGE_TAGS:
                    holds_image = after_image = True
                elif name in CONTROL_TAGS:
                    self.controls += _is_field(child)
                continue
            if name == "br":
                run.append(_BREAK)
                continue
            chrome = is_chrome(child, self.names_seen)
            if name in INLINE_TAGS and not chrome and not _holds_blocks(child):
                mark = len(run)
                if name == "img":
                    images.append(child)
                run_linked += inline_text(child, run, in_link or name == "a", images)
                if images:
                    after_image = all(part.isspace() for part in run[mark:])
                    holds_image = holds_image or after_image
                    images.clear()
                elif after_image:
                    after_image = all(part.isspace() for part in run[mark:])
                continue
            if run:
                self._add(element, run, run_linked, element.name)
                run, run_linked = [], 0
            before = len(self.blocks)
            child_image = False
            if name in TEXT_TAGS or (name in INLINE_TAGS and chrome) or depth >= _MAX_DEPTH:
                parts: list[str] = []
                linked = inline_text(child, parts, in_link, images)
                if linked and not in_link and name in HEADING_TAGS and _links_to_itself(child):
                    linked = 0  # a heading's link to its own anchor is a permalink, not a link away
                self._add(element, parts, linked, name, _links(child) if linked and name == "p" else 0)
                child_image = bool(images)
                images.clear()
            elif name == "tr" and _is_data_row(child):
                self._add_row(element, child, in_link)
            else:
                child_image = self.visit(child, in_link=in_link or name == "a", depth=depth + 1)
            if len(self.blocks) == before:
                if child_image:
                    holds_image = after_image = True
                continue
            if chrome:
                self.chrome_spans.append((before, len(self.blocks), _chrome_kind(child)))
            elif name == "p" and (after_image or child_image) and self._is_credited_caption(before, len(self.blocks)):
                self.chrome_spans.append((before, len(self.blocks), _CHROME))
            elif after_image and _is_centred(child) and self._is_caption(before, len(self.blocks)):
                centred_lines.append((before, len(self.blocks)))
            else:
                texts += 1
                centred_texts += _is_centred(child)
            after_image = False
        if run:
            self._add(element, run, run_linked, element.name)
        if 2 * centred_texts < texts or not texts:
            self.chrome_spans.extend((first, last, _CHROME) for first, last in centred_lines)
        end = len(self.blocks)
        if end > start:
            self.spans.append((element, start, end))
            if element.name in LIST_TAGS:
                self.lists.append((start, end))
            elif depth and (
                (holds_image and self._is_figure(element, start, end))
                or self._is_widget(element, start, end, self.controls - controls_before)
            ):
                self.chrome_spans.append((start, end, _CHROME))
        return holds_image

    def _streamed_segment(self, template: Tag) -> Tag | None:
        """The hidden segment a streamed page sends late for the placeholder ``template`` (React's streaming
        server rendering: ``<template id="B:4">`` where a paragraph will stand, ``<div hidden id="S:4">`` with
        that paragraph at the end of the body, moved into place by a script), or None. The page shows the
        segment where its placeholder stands, so it is read there, not at the end of the page as hidden
        chrome. The segments are looked up once per page, on its first placeholder."""
        placeholder = template.get("id")
        if not isinstance(placeholder, str) or placeholder[:2] not in _PLACEHOLDER_PREFIXES:
            return None
        if self.segments is None:  # the segments sit at the end of the body, as its children
            body = self.root if self.root.name == "body" else self.root.find("body")
            holder = body if isinstance(body, Tag) else self.root
            self.segments = {
                str(found["id"]): found
                for found in holder.find_all("div", id=_SEGMENT_ID_RE, hidden=True, recursive=holder is self.root)
            }
        segment = self.segments.get("S:" + placeholder[2:])
        return None if segment is None or id(segment) in self.moved else segment

    def _is_caption(self, start: int, end: int) -> bool:
        """Whether the blocks ``[start, end)`` beside an image are short enough to be its caption and credit."""
        return (
            end - start <= CAPTION_BLOCKS and sum(len(block.text) for block in self.blocks[start:end]) <= CAPTION_CHARS
        )

    def _is_credited_caption(self, start: int, end: int) -> bool:
        """Whether the one block ``[start, end)`` of a paragraph that holds an image, or comes right after a
        paragraph holding only one, is its caption: short (``CAPTION_CHARS``), a sentence and then a credit
        that ends no sentence ("Der Radweg soll entlang der B4 verlaufen. Foto: Stadt Lindenau", "... in
        March. (Photo: Rosa Quill)", "... in March. Rosa Quill / Prairie Ledger"), in any language. A
        paragraph of the article ends its last sentence; a subheading has no sentence before its end; a
        lead-in ends in a colon, a numbered step has a number before its first dot; one with a link (to a
        page quoted by name) or a footnote mark is text."""
        if end - start != 1:
            return False
        block = self.blocks[start]
        text = block.text
        return (
            not block.link_density
            and len(text) <= CAPTION_CHARS
            and not text.endswith(_CAPTION_NOT_ENDS)
            and _SENTENCE_THEN_MORE_RE.search(text) is not None
        )

    def _is_figure(self, element: Tag, start: int, end: int) -> bool:
        """Whether an element showing an image, with its blocks ``[start, end)``, is a figure in all but
        name: a figure-like tag holding a caption's worth of text, in running text."""
        return element.name in FIGURE_LIKE_TAGS and self._is_caption(start, end) and _between_paragraphs(element)

    def _is_widget(self, element: Tag, start: int, end: int, fields: int) -> bool:
        """Whether an element holding ``fields`` fields (``_is_field``), with its blocks ``[start, end)``, is
        a widget: a widget-like tag whose text is no more than its fields' labels (``WIDGET_CHARS_PER_CONTROL``,
        ``WIDGET_MAX_CHARS``)."""
        if not fields or element.name not in WIDGET_TAGS:
            return False
        size = sum(text_size(block.text) for block in self.blocks[start:end])
        return size <= min(WIDGET_MAX_CHARS, WIDGET_CHARS_PER_CONTROL * fields)

    def _add(self, holder: Tag, parts: list[str], linked: int, tag: str, links: int = 0) -> None:
        """Append the run as blocks of ``holder``'s text, one per paragraph (``<br>`` marks a break inside a
        run)."""
        joined = "".join(parts)
        if joined.isspace():
            return
        pieces = joined.split(_BREAK) if tag not in TEXT_TAGS and _BREAK in joined else (joined,)
        density = min(1.0, linked / (sum(len(part.strip()) for part in parts) or 1))
        for piece in pieces:
            text = clean_text(piece)
            if text:
                self.blocks.append(Block(text, tag, density, links))
                self.holders.append(holder)

    def _add_row(self, holder: Tag, row: Tag, in_link: bool) -> None:
        """Append a table row as one block of ``holder``'s text, its cells joined by `` | `` (repeated cells
        stay in context)."""
        cells: list[str] = []
        linked = 0
        for cell in row.contents:
            if type(cell) is Tag and cell.name in ("td", "th"):
                parts: list[str] = []
                linked += inline_text(cell, parts, in_link)
                if text := clean_text("".join(parts)):
                    cells.append(text)
        if cells:
            total = sum(len(cell) for cell in cells)
            self.blocks.append(Block(CELL_JOIN.join(cells), "tr", min(1.0, linked / total)))
            self.holders.append(holder)

    def chrome_marks(self) -> list[bool]:
        """Per block, whether a chrome element (not a layout wrapper) holds it.

        Hidden elements are chrome unless they hold most of the page's text together (a page streamed by
        React keeps its article in hidden chunks until a script shows them). Any other chrome element is
        a wrapper when it holds most of the visible text, so hidden menus do not make a wrapper look small.
        """
        marks = [False] * len(self.blocks)
        for start, end, kind in self.chrome_spans:
            if kind == _HIDDEN:
                marks[start:end] = [True] * (end - start)
        hidden_length = sum(len(block.text) for block, mark in zip(self.blocks, marks, strict=True) if mark)
        if 2 * hidden_length > sum(len(block.text) for block in self.blocks):
            marks = [False] * len(self.blocks)
        visible = _prefix_sums(0 if mark else len(block.text) for block, mark in zip(self.blocks, marks, strict=True))
        for start, end, kind in self.chrome_spans:
            if kind == _HIDDEN or visible[end] - visible[start] > WRAPPER_SHARE * visible[-1]:
                continue
            if kind == _TEASER and self._is_own_teaser(start, end):
                continue
            if kind == _PAYWALL and self._holds_prose(start, end):
                continue
            prose_from = self._after_heading(start, end) if kind == _ARTICLE_HEADER else end
            subheading = (
                prose_from - 1 if kind == _ARTICLE_HEADER and self._is_section_header(start, prose_from) else -1
            )
            for index in range(start, end):
                if index != subheading:
                    marks[index] = marks[index] or index < prose_from or not is_lede(self.blocks[index])
        return marks

    def _is_own_teaser(self, start: int, end: int) -> bool:
        """Whether a teaser is the article's own lede: it links nowhere and follows the ``<h1>`` closely
        (within ``TEASER_AFTER_TITLE`` blocks), or further (within ``TEASER_SEARCH`` blocks) with no prose
        between them (``is_lede``: only a byline, a date, a toolbar's captions), the first prose under the
        title; a card teasing another page links to it or stands apart."""
        if any(block.link_density for block in self.blocks[start:end]):
            return False
        prose = False
        for index in range(start - 1, max(-1, start - 1 - TEASER_SEARCH), -1):
            block = self.blocks[index]
            if block.tag == "h1":
                return start - index <= TEASER_AFTER_TITLE or not prose
            prose = prose or is_lede(block)
        return False

    def _holds_prose(self, start: int, end: int, paragraphs: int = PROSE_PARAGRAPHS) -> bool:
        """Whether ``[start, end)`` holds at least ``PROSE_PARAGRAPHS`` paragraphs (``<p>`` of
        ``PROSE_CHARS`` or more, in size, few links): the locked part of an article sent in the page, not
        the prompt to subscribe ("The rest is for subscribers. Already one? Log in")."""
        found = sum(
            block.tag == "p" and block.link_density <= _HEADER_LINK_DENSITY and text_size(block.text) >= PROSE_CHARS
            for block in self.blocks[start:end]
        )
        return found >= paragraphs

    def _is_section_header(self, start: int, after_heading: int) -> bool:
        """Whether a ``<header>`` starting at block ``start``, its heading just before ``after_heading``, heads
        a section of the article, not the article: its heading is a subheading (``h2``-``h6``) and a
        paragraph of prose lies between the page's ``<h1>`` and it (``<h1>..</h1><p>..</p><section><header>
        <h2>Costs</h2></header><p>..``): that heading is the article's subheading, text like any other. A
        header right under an ``<h1>`` (a site's name, a hidden title) that gives the article's title in an
        ``<h2>`` beside its kicker stays the article's header."""
        heading = after_heading - 1
        if not start <= heading < len(self.blocks) or self.blocks[heading].tag not in _SUBHEADING_TAGS:
            return False
        for index in range(start - 1, -1, -1):
            if self.blocks[index].tag == "h1":
                return self._holds_prose(index + 1, start, 1)
        return False

    def _after_heading(self, start: int, end: int) -> int:
        """The first block after the first heading in ``[start, end)`` (``end`` when there is none): a
        header's lede follows its title; what comes before (breadcrumbs, a kicker) is chrome."""
        for index in range(start, end):
            if self.blocks[index].tag in HEADING_TAGS:
                return index + 1
        return end


_SUBHEADING_TAGS = HEADING_TAGS - {"h1"}
_HIDDEN = "hidden"
_ARTICLE_HEADER = "article header"
_TEASER = "teaser"
_PAYWALL = "paywall"
_CHROME = "chrome"


_IMAGE_TAGS = frozenset({"img", "picture"})
_PLACEHOLDER_PREFIXES = frozenset({"B:", "P:"})
_CAPTION_NOT_ENDS = (".", "!", "?", "…", "。", "！", "？", ":", "：", ";", '"', "”", "“", "»", "«", "’", "'", "„", "]")
_SENTENCE_THEN_MORE_RE = re.compile(r"(?<=[^\W\d_])[.!?。！？…][\"”»’)]?\s+\S")
_SEGMENT_ID_RE = re.compile(r"^S:\w+$")
_NOT_FIELD_TYPES = frozenset({"hidden", "submit", "button", "image", "reset"})
_TICK_TYPES = frozenset({"checkbox", "radio"})
_CENTRED_STYLE_RE = re.compile(r"text-align\s*:\s*center", re.I)


def _is_centred(tag: Tag) -> bool:
    """Whether an element is centred (``align="center"``, ``text-align: center``), as captions under images are."""
    align = tag.get("align")
    style = tag.get("style")
    return (isinstance(align, str) and align.lower() == "center") or (
        isinstance(style, str) and _CENTRED_STYLE_RE.search(style) is not None
    )


def _between_paragraphs(tag: Tag) -> bool:
    """Whether the element sits in running text: the element before or after it is a paragraph (a figure
    among cards of its own kind, image and blurb each, is a list of items, not a caption)."""
    for step in ("previous_sibling", "next_sibling"):
        sibling = getattr(tag, step)
        while sibling is not None and type(sibling) is not Tag:
            sibling = getattr(sibling, step)
        if sibling is not None and sibling.name == "p":
            return True
    return False


def _chrome_kind(tag: Tag) -> str:
    """How a chrome element's blocks are marked: all of them (hidden elements unless they hold most of the
    page, other chrome unless it is a wrapper); for an article's ``<header>``, all but its lede; for a
    teaser (``is_soft_chrome``), all when it holds a link, none when it does not (the article's own); for
    a paywall (``is_paywall``, hidden or not), all unless it holds prose paragraphs (the article's locked
    part)."""
    if is_paywall(tag):
        return _PAYWALL  # before hidden: the locked part is often sent hidden, for a script to show
    if is_hidden(tag):
        return _HIDDEN
    if tag.name == "header" and (tag.find_parent(_ARTICLE_TAGS) is not None or tag.find("h1") is not None):
        return _ARTICLE_HEADER
    if is_soft_chrome(tag):
        return _TEASER
    if is_paywall(tag):
        return _PAYWALL
    return _CHROME


def is_lede(block: Block) -> bool:
    """Whether a block of an article's header is prose (a lede, a standfirst), not a kicker, byline or date
        line ("Updated Dec. 23, 2024, 1:24 PM EST": digits are more than ``LEDE_DIGIT_SHARE`` of it). Its size is
    ``text_size``: a Japanese lede of 20 characters is one."""
    text = block.text
    return (
        block.tag != "h1"
        and text_size(text) >= LEDE_CHARS
        and block.link_density <= _HEADER_LINK_DENSITY
        and sum(character.isdigit() for character in text) <= LEDE_DIGIT_SHARE * len(text)
    )


def _prefix_sums(values: Iterable[int]) -> list[int]:
    sums = [0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _is_data_row(row: Tag) -> bool:
    """Whether a table row holds data (text in cells), not page layout (cells holding divs, lists, tables)."""
    return not any(type(node) is Tag and node.name in _LAYOUT_TAGS for node in row.descendants)


def _is_field(control: Tag) -> bool:
    """Whether a form control is a field a reader fills in or ticks to use the page (an e-mail field, a
    consent switch), not a hidden value or a button, nor the tick box of a list item (a recipe's
    ingredients, a checklist). Fields inside a line of text (``<label><input> Show</label>``) are not
    counted: the walk skips them unread."""
    kind = str(control.get("type", "")).lower()
    if kind in _NOT_FIELD_TYPES:
        return False
    return kind not in _TICK_TYPES or control.find_parent("li") is None


def _links(tag: Tag) -> int:
    """How many links the element holds."""
    return sum(1 for node in tag.descendants if type(node) is Tag and node.name == "a")


def _links_to_itself(tag: Tag) -> bool:
    """Whether every link inside a heading leads to the heading's own anchor (``href="#x"`` where the
    heading, an element inside it or its parent has ``id="x"``): a heading that links to itself
    (``<h3 id="costs"><a href="#costs">Costs</a></h3>``, as Markdown renderers and documentation sites make
    every heading) is a subheading of the text, not a link away. Headings that link to other places of
    the page are a table of contents."""
    ids = {tag.get("id"), tag.parent.get("id") if tag.parent is not None else None}
    links = []
    for node in tag.descendants:
        if type(node) is Tag:
            ids.add(node.get("id"))
            if node.name == "a":
                links.append(str(node.get("href") or ""))
    return bool(links) and all(href.startswith("#") and href[1:] in ids for href in links)


def _holds_blocks(tag: Tag) -> bool:
    """Whether an inline element wraps non-inline elements (a card link around a heading and a teaser)."""
    return any(type(node) is Tag and node.name not in _LINE_TAGS for node in tag.descendants)


def inline_text(tag: Tag, parts: list[str], in_link: bool, images: list[Tag] | None = None) -> int:
    """Append the element's visible strings to ``parts``; return how many characters sit in links. Images
    met on the way (``<img>``, ``<picture>``) are appended to ``images`` when given.

    Iterative, so that markup nested thousands deep (lxml keeps it) cannot exhaust the call stack."""
    linked = 0
    stack = [(iter(tag.contents), in_link)]
    while stack:
        children, linking = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
        elif type(child) is NavigableString:
            parts.append(child)
            if linking:
                linked += len(child.strip())
        elif isinstance(child, Tag):
            name = child.name
            if images is not None and name in _IMAGE_TAGS:
                images.append(child)
            if is_never_text(child):
                continue
            if name == "br":
                parts.append(" ")
            else:
                stack.append((iter(child.contents), linking or name == "a"))
    return linked
