"""Extract an article from HTML: metadata with fallbacks, and the paragraphs of the main text only.

Parses once with BeautifulSoup over lxml, reads metadata from the whole page (JSON-LD ``NewsArticle``,
OpenGraph, ``<html lang>``, canonical link, ``<time>``), then prunes what cannot be article text
(scripts, navigation, share bars, cookie banners, related lists, ...) and picks the container that holds
the most paragraph text. Each heuristic is a small named function so it can be tested and replaced.
A source may name its body container with ``article_selector`` (sources file) instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup, Tag

from etl.dates import parse_datetime
from etl.urls import canonical_url

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
_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle"}
_MAX_LINK_DENSITY = 0.5
_WRAPPER_SHARE = 0.5


@dataclass(frozen=True)
class Extracted:
    """What the page says about itself, and its main-text paragraphs in page order (repeats included)."""

    url: str | None
    title: str | None
    published_at: datetime | None
    language: str | None
    authors: tuple[str, ...]
    section: str | None
    paragraphs: tuple[str, ...]


def extract(
    html: bytes | str, *, url: str | None = None, charset: str | None = None, selector: str | None = None
) -> Extracted:
    """Extract metadata and main text from one page. ``charset`` is the HTTP header's, if any."""
    soup = BeautifulSoup(html, "lxml", from_encoding=charset if isinstance(html, bytes) else None)
    meta = _meta_tags(soup)
    ld = _json_ld_article(soup)
    title = _title(soup, ld, meta)
    canonical = _canonical(soup, meta, url)
    result_meta = {
        "url": canonical,
        "title": title,
        "published_at": _published_at(soup, ld, meta),
        "language": _language(soup, ld, meta),
        "authors": _authors(ld, meta),
        "section": _first_text(ld.get("articleSection"), meta.get("article:section")),
    }
    _prune(soup)
    body = _select_container(soup, selector)
    paragraphs = tuple(_paragraphs(body, title)) if body is not None else ()
    return Extracted(paragraphs=paragraphs, **result_meta)


# --- metadata -------------------------------------------------------------------------------------------


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta>`` values by property or name (lower-cased), first occurrence wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        value = tag.get("content")
        if isinstance(key, str) and isinstance(value, str) and value.strip():
            found.setdefault(key.strip().lower(), value.strip())
    return found


def _json_ld_article(soup: BeautifulSoup) -> dict:
    """The first JSON-LD object whose @type is an article type (inside @graph or lists too)."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for item in _ld_items(data):
            types = item.get("@type")
            types = set(types) if isinstance(types, list) else {types}
            if types & _ARTICLE_TYPES:
                return item
    return {}


def _ld_items(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for element in data:
            yield from _ld_items(element)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])


def _text_of(value: object) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, dict):
        return _text_of(value.get("name"))
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return None


def _first_text(*values: object) -> str | None:
    for value in values:
        text = _text_of(value)
        if text:
            return text
    return None


def _title(soup: BeautifulSoup, ld: dict, meta: dict[str, str]) -> str | None:
    """JSON-LD headline, og:title, the first ``<h1>``, then ``<title>`` minus the site name."""
    h1 = soup.find("h1")
    title_tag = soup.find("title")
    page_title = None
    if title_tag is not None and title_tag.get_text(strip=True):
        page_title = re.split(r"\s+[|–—-]\s+", title_tag.get_text(" ", strip=True))[0]
    return _first_text(ld.get("headline"), meta.get("og:title"), h1.get_text(" ") if h1 else None, page_title)


def _published_at(soup: BeautifulSoup, ld: dict, meta: dict[str, str]) -> datetime | None:
    """JSON-LD datePublished, article:published_time and kin, then the first ``<time datetime>``."""
    time_tag = soup.find("time", attrs={"datetime": True})
    candidates = (
        ld.get("datePublished"),
        meta.get("article:published_time"),
        meta.get("datepublished"),
        meta.get("pubdate"),
        meta.get("date"),
        time_tag.get("datetime") if time_tag else None,
    )
    for value in candidates:
        if isinstance(value, str) and (parsed := parse_datetime(value)):
            return parsed
    return None


def _language(soup: BeautifulSoup, ld: dict, meta: dict[str, str]) -> str | None:
    """ISO 639-1 code from ``<html lang>``, JSON-LD inLanguage, og:locale or Content-Language."""
    html = soup.find("html")
    candidates = (
        html.get("lang") if html else None,
        _text_of(ld.get("inLanguage")),
        meta.get("og:locale"),
        meta.get("content-language"),
    )
    for value in candidates:
        if isinstance(value, str) and (match := re.match(r"\s*([A-Za-z]{2,3})(?:[-_\s]|$)", value)):
            return match.group(1).lower()
    return None


def _authors(ld: dict, meta: dict[str, str]) -> tuple[str, ...]:
    """Author names from JSON-LD (a name, a Person or a list), else the ``author`` meta tag."""
    raw = ld.get("author")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names = [name for item in items if (name := _text_of(item))]
    if not names and meta.get("author"):
        names = [meta["author"]]
    return tuple(dict.fromkeys(names))


def _canonical(soup: BeautifulSoup, meta: dict[str, str], url: str | None) -> str | None:
    """The page's URL: the fetched URL when known, else ``<link rel=canonical>``, else og:url."""
    if url:
        return canonical_url(url)
    link = soup.find("link", rel="canonical", href=True)
    value = link["href"] if link else meta.get("og:url")
    return canonical_url(value) if isinstance(value, str) and value.startswith("http") else None


# --- main text ------------------------------------------------------------------------------------------


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
