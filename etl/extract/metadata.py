"""Page metadata with fallbacks: title, publication time, language, authors, canonical URL, section.

Each field reads the most reliable signal first (JSON-LD ``NewsArticle``, then OpenGraph and ``<meta>``,
then the visible page) and falls back in a fixed, documented order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup

from etl.dates import parse_datetime
from etl.urls import canonical_url

_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "BlogPosting", "AnalysisNewsArticle"}


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
    meta = _meta_tags(soup)
    ld = _json_ld_article(soup)
    return Metadata(
        url=_canonical(soup, meta, url),
        title=_title(soup, ld, meta),
        published_at=_published_at(soup, ld, meta),
        language=_language(soup, ld, meta),
        authors=_authors(ld, meta),
        section=_first_text(ld.get("articleSection"), meta.get("article:section")),
    )


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
