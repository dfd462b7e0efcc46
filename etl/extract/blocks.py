"""Read a page once into text blocks: the paragraphs a reader sees, in order, with their link share.

One walk over the tree, skipping what is never text (``etl.extract.chrome.is_never_text``) unread. A block
is a text element (``<p>``, headings, ``<pre>``, ...) read whole; a run of text and inline elements
directly inside any other element (``<div>text <b>bold</b><br>more</div>``, ``<li>``, ``<td>``), cut at
``<br>`` and at child elements that are not inline; or a data table's row, its cells joined by `` | ``.
Every element that holds blocks gets a span ``[start, end)`` of block indexes, so "the blocks inside this
element" is a slice and any sum over them a difference of prefix sums: choosing the article container
never walks the tree again.

Chrome (``is_chrome``) is marked per block, except when the chrome-named element holds most of the page's
text: then it is a layout wrapper (``has-sidebar``, a body class such as ``tag-sports``), not chrome.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import NavigableString, Tag

from etl.extract.chrome import is_chrome, is_hidden, is_never_text

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

_LINE_TAGS = INLINE_TAGS | {"br"}
_LAYOUT_TAGS = frozenset(
    {"table", "div", "section", "article", "main", "ul", "ol", "dl", "blockquote", "figure", "header", "footer"}
)
_MAX_DEPTH = 200
_BREAK = "\x1e"
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\x00\x1e]+")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph as a reader sees it: its text, the element it came from, and its share in links."""

    text: str
    tag: str
    link_density: float


@dataclass(frozen=True)
class Layout:
    """The page's blocks in order, whether each is chrome, and the block span of every element."""

    blocks: list[Block]
    chrome: list[bool]
    spans: list[tuple[Tag, int, int]]


def clean_text(text: str) -> str:
    """Block text as stored: NULs removed, every run of whitespace one space, trimmed."""
    return _SPACE_RE.sub(" ", text).strip()


def read_blocks(root: Tag) -> Layout:
    """The blocks under ``root`` in document order (``root`` itself is never skipped)."""
    reader = _Reader()
    reader.visit(root, in_link=False, depth=0)
    return Layout(reader.blocks, reader.chrome_marks(), reader.spans)


class _Reader:
    """The state of one walk: blocks so far, element spans, and the spans of chrome-named elements."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.spans: list[tuple[Tag, int, int]] = []
        self.chrome_spans: list[tuple[int, int, bool]] = []

    def visit(self, element: Tag, *, in_link: bool, depth: int) -> None:
        start = len(self.blocks)
        run: list[str] = []
        run_linked = 0
        for child in element.contents:
            if type(child) is NavigableString:
                if run or not child.isspace():
                    run.append(child)
                    if in_link:
                        run_linked += len(child.strip())
                continue
            if not isinstance(child, Tag) or is_never_text(child):
                continue
            name = child.name
            if name == "br":
                run.append(_BREAK)
                continue
            chrome = is_chrome(child)
            if name in INLINE_TAGS and not chrome and not _holds_blocks(child):
                run_linked += inline_text(child, run, in_link or name == "a")
                continue
            if run:
                self._add(run, run_linked, element.name)
                run, run_linked = [], 0
            before = len(self.blocks)
            if name in TEXT_TAGS or (name in INLINE_TAGS and chrome) or depth >= _MAX_DEPTH:
                parts: list[str] = []
                linked = inline_text(child, parts, in_link)
                self._add(parts, linked, name)
            elif name == "tr" and _is_data_row(child):
                self._add_row(child, in_link)
            else:
                self.visit(child, in_link=in_link or name == "a", depth=depth + 1)
            if chrome and len(self.blocks) > before:
                self.chrome_spans.append((before, len(self.blocks), is_hidden(child)))
        if run:
            self._add(run, run_linked, element.name)
        if len(self.blocks) > start:
            self.spans.append((element, start, len(self.blocks)))

    def _add(self, parts: list[str], linked: int, tag: str) -> None:
        """Append the run as blocks, one per paragraph (``<br>`` marks a break inside a run)."""
        joined = "".join(parts)
        if joined.isspace():
            return
        pieces = joined.split(_BREAK) if tag not in TEXT_TAGS and _BREAK in joined else (joined,)
        density = min(1.0, linked / (sum(len(part.strip()) for part in parts) or 1))
        for piece in pieces:
            text = clean_text(piece)
            if text:
                self.blocks.append(Block(text, tag, density))

    def _add_row(self, row: Tag, in_link: bool) -> None:
        """Append a table row as one block, its cells joined by `` | `` (repeated cells stay in context)."""
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
            self.blocks.append(Block(" | ".join(cells), "tr", min(1.0, linked / total)))

    def chrome_marks(self) -> list[bool]:
        """Per block, whether a chrome element (not a layout wrapper) holds it.

        Hidden elements are chrome unless they hold most of the page's text together (a page streamed by
        React keeps its article in hidden chunks until a script shows them). Any other chrome element is
        a wrapper when it holds most of the visible text, so hidden menus do not make a wrapper look small.
        """
        marks = [False] * len(self.blocks)
        for start, end, hidden in self.chrome_spans:
            if hidden:
                marks[start:end] = [True] * (end - start)
        hidden_length = sum(len(block.text) for block, mark in zip(self.blocks, marks, strict=True) if mark)
        if 2 * hidden_length > sum(len(block.text) for block in self.blocks):
            marks = [False] * len(self.blocks)
        visible = _prefix_sums(0 if mark else len(block.text) for block, mark in zip(self.blocks, marks, strict=True))
        for start, end, hidden in self.chrome_spans:
            if not hidden and visible[end] - visible[start] <= WRAPPER_SHARE * visible[-1]:
                marks[start:end] = [True] * (end - start)
        return marks


def _prefix_sums(values: Iterable[int]) -> list[int]:
    sums = [0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _is_data_row(row: Tag) -> bool:
    """Whether a table row holds data (text in cells), not page layout (cells holding divs, lists, tables)."""
    return not any(type(node) is Tag and node.name in _LAYOUT_TAGS for node in row.descendants)


def _holds_blocks(tag: Tag) -> bool:
    """Whether an inline element wraps non-inline elements (a card link around a heading and a teaser)."""
    return any(type(node) is Tag and node.name not in _LINE_TAGS for node in tag.descendants)


def inline_text(tag: Tag, parts: list[str], in_link: bool) -> int:
    """Append the element's visible strings to ``parts``; return how many characters sit in links.

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
        elif isinstance(child, Tag) and not is_never_text(child):
            if child.name == "br":
                parts.append(" ")
            else:
                stack.append((iter(child.contents), linking or child.name == "a"))
    return linked
