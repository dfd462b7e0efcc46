"""Parse a page once: BeautifulSoup over lxml, after cutting out what no step ever reads.

Scripts (except JSON-LD, which the metadata reads), styles, inline SVG and comments are often half of a
page's bytes and a good share of its nodes; dropping them from the string costs about a millisecond and
saves the tree builder more than that. The cut follows the HTML tokenizer: a script or style ends at its
first closing tag, a comment at its first ``-->``; an element left unclosed is kept as it is.

The cut is one forward scan in linear time, whatever the page holds. A regular expression with a lazy
``.*?`` up to the closing tag tries every opening that is never closed to the end of the page: a page of
many unclosed ``<!--`` or ``<script>`` took time quadratic in its length (156 KB 43 s, 1 MB over ten
minutes). Here each kind of closing tag, and the ``>`` ending an opening tag, is searched for at most once
per position: when the next one lies ahead of the scan it is remembered, when there is none the search is
never repeated.

A page with more than ``MAX_TAGS`` tags is not parsed (``Unreadable``, ``too_large``): the tree builder spends
about 25 microseconds and 0.7 KB per node, so 9.5 MB of ``x<br>`` took 81 s and 2.1 GB.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from etl.reasons import Reason

MAX_TAGS = 100_000
"""Most ``<`` a page may hold after the cut, about its opening and closing tags: the largest of 295 real news
pages of the dev set holds 7,700; a page of 100,000 extracts in 2 to 15 s (an idle or a loaded 2-core
machine) and 185 MB."""


class Unreadable(ValueError):
    """A page the extractor does not read, and the failure ``reason`` it is (``too_large``, ``not_html``)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


_OPENING_RE = re.compile(r"<(script|style|svg)(?=[\s>/])|<!--", re.I)
# What the scan looks ahead for: each closing tag, the ``>`` that ends an opening tag, a JSON-LD script type.
_AHEAD_RES = {
    "script": re.compile(r"</script\s*>", re.I),
    "style": re.compile(r"</style\s*>", re.I),
    "svg": re.compile(r"</svg\s*>", re.I),
    "--": re.compile(r"-->"),
    ">": re.compile(r">"),
    "ld+json": re.compile(r"ld\+json", re.I),
}


class _NextMatch:
    """The first match of one pattern at or after a position that only moves forward; each stretch of the
    text is searched once, so all lookups of a scan together take time linear in the text."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        self._pattern = pattern
        self._text = text
        self._found: re.Match[str] | None = None
        self._exhausted = False

    def at_or_after(self, position: int) -> re.Match[str] | None:
        if not self._exhausted and (self._found is None or self._found.start() < position):
            self._found = self._pattern.search(self._text, position)
            self._exhausted = self._found is None
        return self._found


def without_unread_markup(html: str) -> str:
    """``html`` without scripts (JSON-LD kept), styles, inline SVG and comments, in time linear in its length."""
    nexts = {name: _NextMatch(pattern, html) for name, pattern in _AHEAD_RES.items()}
    kept: list[str] = []
    copied = 0
    position = 0
    while opening := _OPENING_RE.search(html, position):
        start = opening.start()
        end = _element_end(opening, nexts)
        if end is None:
            position = start + 1
            continue
        kept.append(html[copied:start])
        copied = position = end
    kept.append(html[copied:])
    return "".join(kept)


def _element_end(opening: re.Match[str], nexts: dict[str, _NextMatch]) -> int | None:
    """Where the element or comment that ``opening`` starts ends (past its closing tag); None when it is
    never closed, or is a JSON-LD script (kept for the metadata)."""
    name = opening.group(1)
    if name is None:
        closing = nexts["--"].at_or_after(opening.end())
        return closing.end() if closing is not None else None
    tag_end = nexts[">"].at_or_after(opening.end())
    if tag_end is None:
        return None
    if name.lower() == "script":
        json_ld = nexts["ld+json"].at_or_after(opening.end())
        if json_ld is not None and json_ld.end() <= tag_end.start():
            return None
    closing = nexts[name.lower()].at_or_after(tag_end.end())
    return closing.end() if closing is not None else None


def parse_html(html: str) -> BeautifulSoup:
    """The page's tree (BeautifulSoup, lxml parser) without the markup no extraction step reads.

    Raises ``Unreadable`` (``too_large``) for a page of more than ``MAX_TAGS`` tags. ``class`` stays one
    string (``multi_valued_attributes=None``): splitting every element's classes into a list is about a
    seventh of the parse, and the readers split the string themselves (CSS selectors still match)."""
    kept = without_unread_markup(html)
    tags = kept.count("<")
    if tags > MAX_TAGS:
        raise Unreadable(Reason.TOO_LARGE, f"the page holds {tags:,} tags, more than the {MAX_TAGS:,} read")
    return BeautifulSoup(kept, "lxml", multi_valued_attributes=None)
