"""Page metadata with fallbacks: title, publication time, language, authors, canonical URL, section.

Each field reads the most reliable signal first and falls back in a fixed order (docs/architecture.md lists
the chains): JSON-LD (``NewsArticle`` and kin, in ``@graph`` or lists too), then OpenGraph and other ``<meta>``
tags, then the visible page (``<h1>``, ``<time>``, bylines, dates written in the page's language), and
for the date the URL between the marked-up and the written signals. A missing field is None or empty,
never a guess such as the current time. Reading costs a few milliseconds: a handful of passes over the
parsed tree, and JSON parsing of the JSON-LD blocks.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from etl.crawl.urls import canonical_url
from etl.dates import date_in_text, date_in_url, parse_datetime
from etl.extract.bylines import clean_name, names_in_byline, unique_names
from etl.extract.language import language_code
from etl.extract.titles import strip_site_name

_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "LiveBlogPosting",
    "BlogPosting",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
}
_PAGE_TYPES = {"WebPage", "ItemPage", "CollectionPage"}
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dc.date.created",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "date",
    "citation_publication_date",
)
_AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author", "sailthru.author", "dc.creator")
_LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language")
_DATE_CLASS = re.compile(r"date|time|publi|posted|byline|meta|info|fecha|datum|data|tanggal|waktu", re.IGNORECASE)
_MODIFIED_CLASS = re.compile(r"updat|modif|edit", re.IGNORECASE)
_BYLINE_CLASS = re.compile(r"byline|author|autor|auteur|writer|creator", re.IGNORECASE)
_NOT_BYLINE_CLASS = re.compile(r"bio|avatar|photo|image|img|box|about|more|follow|social", re.IGNORECASE)
_ARTICLE_ITEMTYPE = re.compile(r"schema\.org/\w*(Article|BlogPosting)", re.IGNORECASE)
_MAX_DATE_TEXT = 200
_MAX_BYLINE_TEXT = 120
_MAX_CANDIDATES = 30


@dataclass(frozen=True)
class Metadata:
    """What the page says about itself."""

    url: str | None
    title: str | None
    published_at: datetime | None
    language: str | None
    authors: tuple[str, ...]
    section: str | None


def read_metadata(soup: BeautifulSoup, url: str | None) -> Metadata:
    """Metadata of a parsed page; reads the tree, never changes it. ``url`` is where it was fetched."""
    page = _Page.of(soup)
    meta = _meta_tags(page)
    items = _json_ld_items(page)
    canonical = _canonical(page, meta, url)
    ld = _page_article(items, canonical) or _first_with(items, "headline")
    page_ld = _first_of_types(items, _PAGE_TYPES)
    language = _language(page, ld, meta)
    title = _title(page, ld, meta, canonical)
    return Metadata(
        url=canonical,
        title=title,
        published_at=_published_at(page, ld, page_ld, meta, canonical, language),
        language=language,
        authors=_authors(page, ld, meta),
        section=_first_text(ld.get("articleSection"), meta.get("article:section"), _breadcrumb_section(items, title)),
    )


@dataclass(frozen=True)
class _Page:
    """The page's elements in document order, and those of its article element: one walk of the tree each.

    BeautifulSoup's ``find`` and ``find_all`` cost a few microseconds per element they pass; filtering
    this list costs a tenth of that, so every signal below reads it rather than searching the tree.
    """

    tags: list[Tag]
    root: Tag | None
    root_tags: list[Tag]

    @classmethod
    def of(cls, soup: BeautifulSoup) -> _Page:
        tags = [node for node in soup.descendants if isinstance(node, Tag)]
        root = _article_root(tags)
        root_tags = [node for node in root.descendants if isinstance(node, Tag)] if root is not None else tags
        return cls(tags, root, root_tags)

    def named(self, *names: str) -> Iterator[Tag]:
        return (tag for tag in self.tags if tag.name in names)

    def first(self, name: str) -> Tag | None:
        return next(self.named(name), None)

    def with_attr(self, attr: str, value: str) -> Iterator[Tag]:
        return (tag for tag in self.tags if tag.attrs and tag.attrs.get(attr) == value)


def _meta_tags(page: _Page) -> dict[str, str]:
    """``<meta>`` values by property, name, itemprop or http-equiv (lower-cased); first occurrence wins."""
    found: dict[str, str] = {}
    for tag in page.named("meta"):
        value = tag.get("content")
        if not isinstance(value, str) or not value.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = tag.get(attr)
            if isinstance(key, str) and key.strip():
                found.setdefault(key.strip().lower(), value.strip())
    return found


def _json_ld_items(page: _Page) -> list[dict]:
    """Every JSON-LD object of the page, lists and ``@graph`` flattened, in page order."""
    items: list[dict] = []
    for script in page.named("script"):
        if "ld+json" not in str(script.get("type", "")).lower():
            continue
        text = (script.string or "").strip()
        text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", text)
        try:
            data = json.loads(text, strict=False)
        except (json.JSONDecodeError, TypeError, RecursionError):
            continue
        items.extend(_ld_items(data))
    return items


def _ld_items(data: object) -> Iterator[dict]:
    if isinstance(data, list):
        for element in data:
            yield from _ld_items(element)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])
        if isinstance(data.get("mainEntity"), dict):
            yield from _ld_items(data["mainEntity"])


def _types(item: dict) -> set[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _page_article(items: list[dict], url: str | None) -> dict:
    """The JSON-LD article about this page: the one whose ``url`` or ``mainEntityOfPage`` is the page's URL
    when several are listed (related stories come as articles too), else the first."""
    articles = [item for item in items if _types(item) & _ARTICLE_TYPES]
    if len(articles) > 1 and url:
        for item in articles:
            entity = item.get("mainEntityOfPage")
            ids = (item.get("url"), item.get("@id"), entity.get("@id") if isinstance(entity, dict) else entity)
            if any(
                isinstance(value, str) and value.startswith("http") and canonical_url(value) == url for value in ids
            ):
                return item
    return articles[0] if articles else {}


def _first_of_types(items: list[dict], types: set[str]) -> dict:
    return next((item for item in items if _types(item) & types), {})


def _first_with(items: list[dict], key: str) -> dict:
    return next((item for item in items if item.get(key)), {})


def _text_of(value: object) -> str | None:
    """The text of a JSON-LD or ``<meta>`` value (a string, a ``name``, a list's first); entities that
    publishers escaped twice ("&amp;amp;", "&#8211;" inside JSON) decoded."""
    if isinstance(value, str):
        return " ".join(html.unescape(value).split()) or None
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


def _tag_text(tag: Tag | None) -> str | None:
    return " ".join(tag.get_text(" ").split()) or None if tag is not None else None


def _article_root(tags: list[Tag]) -> Tag | None:
    """The element that holds the article, when the page marks one: the first ``<article>``, else the
    first schema.org article in microdata, else ``<main>``, else role=main."""
    best: Tag | None = None
    best_rank = len(_ROOT_RANKS)
    for tag in tags:
        rank = _root_rank(tag)
        if rank < best_rank:
            best, best_rank = tag, rank
            if rank == 0:
                break
    return best


_ROOT_RANKS = ("article", "itemtype", "main", "role")


def _root_rank(tag: Tag) -> int:
    if tag.name == "article":
        return 0
    if tag.name == "main":
        return 2
    attrs = tag.attrs
    if not attrs:
        return len(_ROOT_RANKS)
    if "itemtype" in attrs and _ARTICLE_ITEMTYPE.search(str(attrs["itemtype"])):
        return 1
    return 3 if attrs.get("role") == "main" else len(_ROOT_RANKS)


def _title(page: _Page, ld: dict, meta: dict[str, str], url: str | None) -> str | None:
    """JSON-LD headline, og:title, the ``<h1>`` of the article, then ``<title>`` minus the site name."""
    site_name = meta.get("og:site_name") or meta.get("application-name")
    host = urlsplit(url).hostname if url else None
    for value in (ld.get("headline"), meta.get("og:title"), meta.get("twitter:title")):
        if text := _text_of(value):
            return strip_site_name(text, site_name=site_name, host=host, by_shape=False)
    title_tag = next((tag for tag in page.named("title") if tag.find_parent("svg") is None), None)
    page_title = _tag_text(title_tag)
    stripped = strip_site_name(page_title, site_name=site_name, host=host) if page_title else None
    return _headline(page, stripped) or stripped


def _headline(page: _Page, page_title: str | None) -> str | None:
    """The article's ``<h1>``: one inside the article element, else the page's first if it matches
    ``<title>`` (without the site name), so that a logo in an ``<h1>`` is not taken for the headline."""
    if page.root is not None and (text := _tag_text(next((t for t in page.root_tags if t.name == "h1"), None))):
        return text
    text = _tag_text(next(page.with_attr("itemprop", "headline"), None)) or _tag_text(page.first("h1"))
    if not text or page_title is None:
        return text
    shorter, longer = sorted((_squash(text), _squash(page_title)), key=len)
    return text if shorter and shorter in longer and len(shorter) >= len(longer) / 2 else None


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _published_at(
    page: _Page, ld: dict, page_ld: dict, meta: dict[str, str], url: str | None, language: str | None
) -> datetime | None:
    """Marked-up dates (JSON-LD, ``<meta>``, itemprop, ``<time>`` of the article), the URL, then the text."""
    marked = (
        ld.get("datePublished"),
        ld.get("dateCreated"),
        page_ld.get("datePublished"),
        *(meta.get(name) for name in _PUBLISHED_META),
    )
    for value in marked:
        if isinstance(value, str) and (parsed := parse_datetime(value)):
            return parsed
    times = [*page.with_attr("itemprop", "datePublished")]
    times += [tag for tag in page.root_tags if tag.name == "time" and _is_publication_time(tag)]
    for tag in times[:_MAX_CANDIDATES]:
        value = tag.get("datetime") or tag.get("content")
        if isinstance(value, str) and (parsed := parse_datetime(value)):
            return parsed
        if not value and tag.name != "meta" and (written := date_in_text(_tag_text(tag) or "", language)):
            return written
    if url and (in_url := date_in_url(url)):
        return in_url
    return _written_date(page.root_tags, language)


def _is_publication_time(tag: Tag) -> bool:
    """A ``<time>`` not marked as the time of an update (by its class or id, or its parent's)."""
    return tag.has_attr("pubdate") or not any(_MODIFIED_CLASS.search(_marks(t)) for t in (tag, tag.parent) if t)


def _marks(tag: Tag) -> str:
    """The class names and id of ``tag``, one string ("" for the many elements with neither)."""
    attrs = tag.attrs
    if not attrs:
        return ""
    classes = attrs.get("class") or ()
    ident = attrs.get("id") or ""
    if not classes and not ident:
        return ""
    names = [str(name) for name in classes] if isinstance(classes, list) else [str(classes)]
    return " ".join([*names, str(ident)]).strip()


def _written_date(tags: list[Tag], language: str | None) -> datetime | None:
    """A date written out in a date-like element (``<time>`` or a class/id saying date, meta, byline...)."""
    checked = 0
    for tag in filter(_looks_dated, tags):
        text = " ".join(tag.get_text(" ").split())
        if not text or len(text) > _MAX_DATE_TEXT:
            continue
        if found := date_in_text(text, language):
            return found
        checked += 1
        if checked >= _MAX_CANDIDATES:
            break
    return None


def _looks_dated(tag: Tag) -> bool:
    if tag.name == "time":
        return True
    marks = _marks(tag)
    return bool(marks) and bool(_DATE_CLASS.search(marks)) and not _MODIFIED_CLASS.search(marks)


def _language(page: _Page, ld: dict, meta: dict[str, str]) -> str | None:
    """ISO 639-1 code from ``<html lang>``, JSON-LD inLanguage, og:locale or Content-Language."""
    html = page.first("html")
    declared = (
        html.get("lang") or html.get("xml:lang") if html else None,
        _text_of(ld.get("inLanguage")),
        meta.get("og:locale"),
        *(meta.get(name) for name in _LANGUAGE_META),
    )
    for value in declared:
        if isinstance(value, str) and (code := language_code(value)):
            return code
    return None


def _authors(page: _Page, ld: dict, meta: dict[str, str]) -> tuple[str, ...]:
    """JSON-LD author (a name, a Person or a list), author ``<meta>`` tags, then the visible byline."""
    raw = ld.get("author") or ld.get("creator")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names = [name for item in items if (text := _text_of(item)) for name in names_in_byline(text)]
    if not names:
        names = [name for key in _AUTHOR_META if (value := meta.get(key)) for name in names_in_byline(value)]
    if not names:
        names = _byline_names(page)
    return unique_names(names)


_ITEMPROP_NAME: dict[str, Any] = {"itemprop": "name"}


def _rel(tag: Tag) -> list[str]:
    """The link types of a ``rel`` attribute (BeautifulSoup gives a list, or a string for unknown tags)."""
    value = tag.get("rel")
    if isinstance(value, list):
        return [str(item) for item in value]
    return (value or "").split()


def _byline_names(page: _Page) -> list[str]:
    """Names in itemprop=author, rel=author links, then the first element whose class says byline."""
    names: list[str] = []
    for tag in islice(page.with_attr("itemprop", "author"), _MAX_CANDIDATES):
        inner = tag.find(None, _ITEMPROP_NAME)
        value = inner.get("content") if inner is not None and inner.get("content") else _tag_text(inner or tag)
        names += names_in_byline(value) if isinstance(value, str) else []
    if names:
        return names
    for link in islice((tag for tag in page.named("a", "link") if "author" in _rel(tag)), _MAX_CANDIDATES):
        if name := clean_name(_tag_text(link) or ""):
            names.append(name)
    if names:
        return names
    for tag in islice(filter(_looks_like_byline, page.tags), _MAX_CANDIDATES):
        text = _tag_text(tag)
        if text and len(text) <= _MAX_BYLINE_TEXT and (found := names_in_byline(text)):
            return found
    return []


def _looks_like_byline(tag: Tag) -> bool:
    if tag.name in ("html", "body", "head", "script", "style", "img", "meta", "link"):
        return False
    marks = _marks(tag)
    return bool(_BYLINE_CLASS.search(marks)) and not _NOT_BYLINE_CLASS.search(marks)


def _breadcrumb_section(items: list[dict], title: str | None) -> str | None:
    """The last JSON-LD breadcrumb before the article itself, the home crumb aside."""
    crumbs = _first_of_types(items, {"BreadcrumbList"}).get("itemListElement")
    if not isinstance(crumbs, list):
        return None
    names = []
    for crumb in crumbs:
        if isinstance(crumb, dict):
            name = _text_of(crumb.get("name")) or _text_of(crumb.get("item"))
            if name and not name.startswith("http"):
                names.append(name)
    if title:
        names = [name for name in names if _squash(name) != _squash(title)]
    return names[-1] if len(names) >= 2 else None


def _canonical(page: _Page, meta: dict[str, str], url: str | None) -> str | None:
    """The page's URL: the fetched URL when known, else ``<link rel=canonical>``, else og:url."""
    if url:
        return canonical_url(url)
    og_url = meta.get("og:url")
    link = next((tag for tag in page.named("link") if "canonical" in _rel(tag) and tag.get("href")), None)
    for value in (link["href"] if link else None, og_url):
        if isinstance(value, str) and value.strip():
            absolute = urljoin(og_url, value.strip()) if og_url else value.strip()
            if absolute.startswith(("http://", "https://")):
                return canonical_url(absolute)
    return None
