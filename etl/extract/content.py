"""Main text: prune what cannot be article text, pick the body container, read its paragraphs.

Prunes scripts, navigation, share bars, cookie banners, related lists and the like, then picks the
container whose paragraphs carry the most text. Each heuristic is a small named function so it can be
tested and replaced. A source may name its body container with ``article_selector`` (sources file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag

BLOCK_TAGS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
"""Elements whose text is a paragraph of the article."""

_PRUNE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "footer",
    "aside",
    "figcaption",
    "menu",
    "dialog",
    "object",
    "video",
    "audio",
)
_PRUNE_ROLES = {"navigation", "complementary", "contentinfo", "banner", "dialog", "alert", "menu", "search"}
_BOILERPLATE_WORDS = (
    "share",
    "social",
    "related",
    "recommend",
    "cookie",
    "consent",
    "gdpr",
    "subscri",
    "newsletter",
    "promo",
    "advert",
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
    "teaser",
    "outbrain",
)
_BOILERPLATE_RE = re.compile(r"(?:^|[\s_-])(?:" + "|".join(map(re.escape, _BOILERPLATE_WORDS)) + r")(?:$|[\s_-])", re.I)
_SAFE_RE = re.compile(r"article[-_]?(?:body|text|content)|story[-_]?body|post[-_]?content|entry[-_]?content", re.I)
_MAX_LINK_DENSITY = 0.5
_WRAPPER_SHARE = 0.5


def main_text(soup: BeautifulSoup, *, title: str | None, selector: str | None = None) -> tuple[str, ...]:
    """The article's paragraphs in page order (repeats included). Prunes ``soup`` in place."""
    _prune(soup)
    body = _select_container(soup, selector)
    return tuple(_paragraphs(body, title)) if body is not None else ()


def _prune(soup: BeautifulSoup) -> None:
    """Remove elements that are never article text, in place; line breaks become whitespace."""
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_PRUNE_TAGS):
        tag.decompose()
    page_text = _text_length(soup)
    for tag in soup.find_all(True):
        if tag.decomposed or tag.attrs is None:
            continue
        if is_boilerplate(tag) and not holds_most_text(tag, page_text):
            tag.decompose()


def holds_most_text(tag: Tag, page_text: int) -> bool:
    """Whether an element carries most of the page's text: a layout wrapper (``has-sidebar``, a body
    class such as ``tag-sports``), not chrome, whatever its class says."""
    return page_text > 0 and _text_length(tag) > _WRAPPER_SHARE * page_text


def is_boilerplate(tag: Tag) -> bool:
    """Whether an element is page chrome by its role, visibility, class or id."""
    if tag.name in ("html", "body", "article", "main"):
        return False
    role = tag.get("role")
    if isinstance(role, str) and role.lower() in _PRUNE_ROLES:
        return True
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    style = tag.get("style")
    if isinstance(style, str) and re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", style, re.I):
        return True
    classes = tag.get("class") or []
    names = " ".join([*classes, tag.get("id") or ""])
    if not names.strip() or _SAFE_RE.search(names):
        return False
    return bool(_BOILERPLATE_RE.search(names))


def _select_container(soup: BeautifulSoup, selector: str | None) -> Tag | None:
    """The element holding the article body: the configured selector, articleBody, or the best-scoring."""
    if selector:
        chosen = soup.select_one(selector)
        if chosen is not None:
            return chosen
    marked = soup.find(attrs={"itemprop": "articleBody"})
    if isinstance(marked, Tag) and _text_length(marked) > 0:
        return marked
    return _best_scoring(soup)


def _best_scoring(soup: BeautifulSoup) -> Tag | None:
    """The element whose direct paragraph children carry the most text (link text discounted)."""
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    for block in soup.find_all(BLOCK_TAGS):
        text = _clean(block.get_text())
        if len(text) < 25:
            continue
        parent = block.parent
        if not isinstance(parent, Tag):
            continue
        score = len(text) * (1.0 - link_density(block))
        for ancestor, weight in ((parent, 1.0), (parent.parent, 0.5)):
            if isinstance(ancestor, Tag):
                scores[id(ancestor)] = scores.get(id(ancestor), 0.0) + score * weight
                elements[id(ancestor)] = ancestor
    if not scores:
        return soup.body or soup
    best = max(scores, key=lambda key: scores[key])
    return elements[best]


def _paragraphs(container: Tag, title: str | None) -> Iterator[str]:
    """Texts of the block elements inside ``container``, outermost blocks only, in document order."""
    for block in container.find_all(BLOCK_TAGS):
        if _inside(block, container):
            continue
        if link_density(block) > _MAX_LINK_DENSITY:
            continue
        text = _clean(block.get_text())
        if text and text != title:
            yield text


def _inside(block: Tag, container: Tag) -> bool:
    """Whether ``block`` sits inside another block element that is itself within ``container``."""
    for parent in block.parents:
        if parent is container:
            return False
        if parent.name in BLOCK_TAGS:
            return True
    return False


def link_density(tag: Tag) -> float:
    """Share of the element's text that sits inside links."""
    total = len(tag.get_text(strip=True))
    if total == 0:
        return 0.0
    linked = sum(len(a.get_text(strip=True)) for a in tag.find_all("a"))
    return linked / total


def _text_length(tag: Tag) -> int:
    return len(tag.get_text(strip=True))


def _clean(text: str) -> str:
    """Block text as stored: NUL removed, runs of whitespace between inline elements joined."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text.replace("\x00", "")).strip()
