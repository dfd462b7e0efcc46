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

import gc
import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.builder._lxml import LXMLTreeBuilder

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
    seventh of the parse, and the readers split the string themselves (CSS selectors still match).

    The cyclic garbage collector is paused while the tree is built: the tree is thousands of new objects
    linked both ways (parent and child), none of them garbage yet, and a collection every 700 new objects
    walked them again and again, about two fifths of the build; it runs again as soon as the tree is done."""
    kept = without_unread_markup(html)
    tags = kept.count("<")
    if tags > MAX_TAGS:
        raise Unreadable(Reason.TOO_LARGE, f"the page holds {tags:,} tags, more than the {MAX_TAGS:,} read")
    collecting = gc.isenabled()
    gc.disable()
    try:
        return BeautifulSoup(kept, builder=_TreeBuilder, multi_valued_attributes=None)
    finally:
        if collecting:
            gc.enable()


class _TreeBuilder(LXMLTreeBuilder):
    """BeautifulSoup's lxml HTML builder with a shorter path for each parser event: the same tree, object for
    object (same classes, attributes and links), built in about half the time.

    For an element, the stock builder copies the attributes three times through ``__setitem__``, resolves
    namespaces that an HTML parse never has, and calls ``Tag.__init__``, ``setup``, ``pushTag`` with their
    generic checks; for a run of text it creates the string, links it twice and walks up the tree to fix
    links that appending to the open element never breaks. Here an element is one attribute-dictionary copy
    and direct assignments of what those calls assign; anything unusual (a namespace, ``parse_only``,
    custom element classes) goes the stock way."""

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        soup = self.soup
        assert soup is not None
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{" or soup.parse_only is not None or soup.element_classes:
            super().start(tag, attrib, nsmap or {})
            return
        for key in attrib:
            if key[:1] == "{":
                super().start(tag, attrib, nsmap or {})
                return
        if soup.current_data:
            self._end_data()
        parent = soup.currentTag
        assert parent is not None
        previous = soup._most_recent_element
        siblings = parent.contents
        last = siblings[-1] if siblings else None
        element = Tag.__new__(Tag)
        fields = element.__dict__
        fields.update(self._fixed_fields())
        fields["name"] = tag
        fields["attrs"] = self.attribute_dict_class(attrib)
        fields["contents"] = []
        fields["parent"] = parent
        fields["previous_element"] = previous
        fields["previous_sibling"] = last
        fields["can_be_empty_element"] = self.can_be_empty_element(tag)
        if previous is not None:
            previous.next_element = element
        if last is not None:
            last.next_sibling = element
        if tag == "meta":
            self.set_up_substitutions(element)
        containers = self.string_containers
        if tag in containers:
            element.interesting_string_types = {containers[tag]}
            soup.string_container_stack.append(element)
        if tag in self.preserve_whitespace_tags:
            soup.preserve_whitespace_tag_stack.append(element)
        soup._most_recent_element = element
        siblings.append(element)
        soup.tagStack.append(element)
        soup.currentTag = element
        soup.open_tag_counter[tag] += 1

    def _fixed_fields(self) -> dict[str, Any]:
        """What ``Tag.__init__`` and ``setup`` assign alike to every element of a plain HTML parse."""
        fixed = self.__dict__.get("_fixed")
        if fixed is None:
            assert self.soup is not None
            fixed = self.__dict__["_fixed"] = {
                "parser_class": self.soup.__class__,
                "namespace": None,
                "_namespaces": self.active_namespace_prefixes[0] or {},
                "prefix": None,
                "sourceline": None,
                "sourcepos": None,
                "attribute_value_list_class": self.attribute_value_list_class,
                "known_xml": self.is_xml,
                "next_element": None,
                "next_sibling": None,
                "hidden": False,
                "cdata_list_attributes": self.cdata_list_attributes,
                "preserve_whitespace_tags": self.preserve_whitespace_tags,
                "interesting_string_types": Tag.MAIN_CONTENT_STRING_TYPES,
            }
        return fixed

    def end(self, tag: Any) -> None:
        soup = self.soup
        assert soup is not None
        if len(self.nsmaps) > 1 or tag[:1] == "{" or soup.parse_only is not None or soup.element_classes:
            super().end(tag)
            return
        if soup.current_data:
            self._end_data()
        stack = soup.tagStack
        current = soup.currentTag
        assert current is not None
        if (
            len(stack) > 1
            and current.name == tag
            and current.prefix is None
            and not soup.preserve_whitespace_tag_stack
            and not soup.string_container_stack
        ):
            stack.pop()
            soup.open_tag_counter[tag] -= 1
            soup.currentTag = stack[-1]
        else:
            soup._popToTag(tag, None)

    def data(self, content: Any) -> None:
        assert self.soup is not None
        self.soup.current_data.append(content)

    def _end_data(self) -> None:
        """``BeautifulSoup.endData`` for a plain parse: the collected text as one string, the last child of the
        open element (a run of ASCII whitespace outside ``<pre>``/``<textarea>`` becomes one space or newline)."""
        soup = self.soup
        assert soup is not None
        if soup.parse_only is not None or soup.element_classes:
            soup.endData()
            return
        pieces = soup.current_data
        text = pieces[0] if len(pieces) == 1 else "".join(pieces)
        if not soup.preserve_whitespace_tag_stack and not text.strip(soup.ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        soup.current_data = []
        container: type[NavigableString] = NavigableString
        if soup.string_container_stack:
            container = self.string_containers.get(soup.string_container_stack[-1].name, NavigableString)
        string = str.__new__(container, text)
        parent = soup.currentTag
        assert parent is not None
        previous = soup._most_recent_element
        string.hidden = False
        string.parent = parent
        string.previous_element = previous
        if previous is not None:
            previous.next_element = string
        string.next_element = None
        string.next_sibling = None
        siblings = parent.contents
        last = siblings[-1] if siblings else None
        string.previous_sibling = last
        if last is not None:
            last.next_sibling = string
        soup._most_recent_element = string
        siblings.append(string)
