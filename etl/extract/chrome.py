"""Which elements are never article text, and which are page chrome by their class or id.

Two verdicts, both pure functions of one element (no look at its text, so they cost one dict lookup and
at most one regex): ``is_never_text`` (scripts, forms, navigation, hidden elements; skipped unread) and
``is_chrome`` (share bars, related lists, bylines, cookie banners ... named in ``class``/``id``; read, but
never kept unless the element turns out to hold most of the page's text, see ``etl.extract.blocks``).
"""

from __future__ import annotations

import re

from bs4 import Tag

NEVER_TEXT_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "canvas",
        "iframe",
        "form",
        "button",
        "input",
        "select",
        "option",
        "textarea",
        "nav",
        "footer",
        "aside",
        "figcaption",
        "menu",
        "dialog",
        "object",
        "embed",
        "video",
        "audio",
        "picture",
        "head",
        "title",
        "meta",
        "link",
    }
)
"""Elements whose text is never part of an article (or who have none)."""

NEVER_TEXT_ROLES = frozenset(
    {"navigation", "complementary", "contentinfo", "banner", "dialog", "alertdialog", "alert", "menu", "search"}
)
"""ARIA roles of page chrome."""

CHROME_WORDS = (
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "recommended",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "subscribe",
    "subscription",
    "newsletter",
    "promo",
    "advert",
    "advertisement",
    "ads",
    "ad",
    "banner",
    "comment",
    "comments",
    "footer",
    "breadcrumb",
    "breadcrumbs",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "popular",
    "most-read",
    "mostread",
    "trending",
    "read-also",
    "readalso",
    "also",
    "more",
    "tags",
    "tag",
    "byline",
    "author",
    "meta",
    "dateline",
    "date",
    "caption",
    "credit",
    "toolbar",
    "paywall",
    "modal",
    "popup",
    "hidden",
    "print",
    "sponsor",
    "sponsored",
    "teaser",
    "outbrain",
    "taboola",
)
"""Whole words (split on space, ``-`` and ``_``) in a class or id that name page chrome."""

_CHROME_RE = re.compile(r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, CHROME_WORDS)) + r")(?:$|[\s_-])", re.I)
_BODY_RE = re.compile(
    r"article[-_]?(?:body|text|content)|story[-_]?(?:body|content)|post[-_]?(?:body|content)"
    r"|entry[-_]?content|body[-_]?text|main[-_]?content",
    re.I,
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NEVER_CHROME_TAGS = frozenset({"html", "body", "article", "main"})


def is_hidden(tag: Tag) -> bool:
    """Whether the page hides the element from readers (``hidden``, ``aria-hidden``, inline style)."""
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return isinstance(style, str) and _HIDDEN_STYLE_RE.search(style) is not None


def is_never_text(tag: Tag) -> bool:
    """Whether the element (and all inside it) cannot be article text: by tag, ARIA role or visibility."""
    if tag.name in NEVER_TEXT_TAGS:
        return True
    role = tag.attrs.get("role")
    if isinstance(role, str) and role.lower() in NEVER_TEXT_ROLES:
        return True
    return is_hidden(tag)


def is_chrome(tag: Tag) -> bool:
    """Whether the element's class or id names page chrome; a class naming the article body never does."""
    if tag.name in _NEVER_CHROME_TAGS:
        return False
    attrs = tag.attrs
    classes = attrs.get("class")
    element_id = attrs.get("id")
    if not classes and not element_id:
        return False
    names = " ".join(classes) if isinstance(classes, list) else classes or ""
    if isinstance(element_id, str):
        names = f"{names} {element_id}"
    return _CHROME_RE.search(names) is not None and _BODY_RE.search(names) is None


def is_boilerplate(tag: Tag) -> bool:
    """Whether the element is page chrome by its role, visibility, class or id (either verdict above)."""
    if tag.name in _NEVER_CHROME_TAGS:
        return False
    return is_never_text(tag) or is_chrome(tag)
