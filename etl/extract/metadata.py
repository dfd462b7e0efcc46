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
from etl.dates import (
    Stamp,
    date_in_text,
    date_in_url,
    is_dateline,
    last_label,
    month_first,
    names_update,
    read_stamp,
    with_offset_of,
)
from etl.extract.bylines import (
    clean_name,
    is_organisation,
    names_in_byline,
    site_label,
    starts_as_byline,
    unique_names,
)
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
_PUBLISHER_META = (
    "article:publisher",
    "publisher",
    "dc.publisher",
    "dcterms.publisher",
    "og:site_name",
    "application-name",
)
_ORGANISATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization"}
_AUTHOR_META = ("author", "article:author", "og:article:author", "parsely-author", "sailthru.author", "dc.creator")
_LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language")
_DATE_CLASS = re.compile(
    r"date|time|publi|posted|byline|meta|info|fecha|datum|data|tanggal|waktu|zeit|tarih|дата|heure|ora", re.IGNORECASE
)
_MODIFIED_CLASS = re.compile(r"updat|modif|(?<![a-z])edited|revis|aktuali|actualiz", re.IGNORECASE)
_ASIDE_CLASS = re.compile(
    r"related|recommend|comment|sidebar|teaser|most-?read|popular|more-?stories|read-?more|newsletter|widget|"
    r"trending|footer|outbrain|taboola",
    re.IGNORECASE,
)
_ASIDE_DEPTH = 8
_LINES_AFTER_H1 = 12
_LINES_BEFORE_H1 = 6
_HEADER_TAGS = 40
_LINE_TAGS = frozenset(
    {"p", "div", "span", "small", "li", "em", "strong", "b", "i", "time", "h2", "h3", "h4", "h5", "h6"}
)
_BYLINE_CLASS = re.compile(r"byline|author|autor|auteur|writer|creator", re.IGNORECASE)
_NOT_BYLINE_CLASS = re.compile(r"bio|avatar|photo|image|img|box|about|more|follow|social|comment|review", re.IGNORECASE)
_ARTICLE_ITEMTYPE = re.compile(r"schema\.org/\w*(Article|BlogPosting)", re.IGNORECASE)
_MAX_DATE_TEXT = 200
_MAX_BYLINE_TEXT = 120
_MAX_PLAIN_BYLINE_TEXT = 80
_LABEL_CHARS = 60
_MAX_CANDIDATES = 30


@dataclass(frozen=True)
class Metadata:
    """What the page says about itself.

    ``published_at`` is at the offset the page states (``2024-03-05T08:05:00+01:00``), so its ``date()`` is
    the page's local publication day; UTC when the page states no zone. ``authors`` are people; the
    organisation that publishes is ``publisher``. ``month_first_dates``: the page writes numeric dates month
    first (en-US), which reading its date lines needed and dropping them from the text needs too.
    """

    url: str | None
    title: str | None
    published_at: datetime | None
    language: str | None
    authors: tuple[str, ...]
    section: str | None
    publisher: str | None = None
    month_first_dates: bool = False


def read_metadata(soup: BeautifulSoup, url: str | None, *, fetched_at: datetime | None = None) -> Metadata:
    """Metadata of a parsed page; reads the tree, never changes it. ``url`` is where it was fetched,
    ``fetched_at`` when (relative dates such as "vor 3 Stunden" are read against it; without it they name none)."""
    page = _Page.of(soup)
    meta = _meta_tags(page)
    items = _json_ld_items(page)
    canonical = _canonical(page, meta, url)
    ld = _page_article(items, canonical) or _first_with(items, "headline")
    page_ld = _first_of_types(items, _PAGE_TYPES)
    language, region = _language(page, ld, meta)
    host = urlsplit(canonical).hostname if canonical else None
    title = _title(page, ld, meta, canonical)
    dates = _Dates(language, month_first(language, region, host), fetched_at)
    published = _published_at(page, ld, page_ld, meta, canonical, dates)
    publishers = (
        _organisation_name(ld.get("publisher")),
        _organisation_name(_first_of_types(items, {"NewsMediaOrganization"})),
    )
    declared = (meta.get("og:site_name"), meta.get("application-name"), *publishers, host)
    site_names = tuple(dict.fromkeys(name for name in declared if name))
    authors, organisations = _authors(page, ld, meta, site_names)
    return Metadata(
        url=canonical,
        title=title,
        published_at=published.moment if published else None,
        language=language,
        authors=authors,
        section=_first_text(ld.get("articleSection"), meta.get("article:section"), _breadcrumb_section(items, title)),
        publisher=_publisher(items, ld, meta, organisations),
        month_first_dates=dates.month_first,
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


def _short_text(tag: Tag, limit: int) -> str | None:
    """``tag``'s text, whitespace folded, or None when empty or longer than ``limit`` characters: read string
    by string and given up past the limit, so that a wrapper holding the whole article costs little."""
    parts: list[str] = []
    size = 0
    for piece in tag.strings:
        size += len(piece)
        parts.append(piece)
        if size > 2 * limit + 200 and len(" ".join(" ".join(parts).split())) > limit:
            return None
    text = " ".join(" ".join(parts).split())
    return text if text and len(text) <= limit else None


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
    page: _Page, ld: dict, page_ld: dict, meta: dict[str, str], url: str | None, dates: _Dates
) -> Stamp | None:
    """Marked-up dates (JSON-LD, ``<meta>``, itemprop, ``<time>`` of the article), then the visible date lines,
    then the URL; an update time never. A visible date that names another day than the URL loses to it."""
    marked = _marked_dates(page, ld, page_ld, meta, dates)
    first = next(marked, None)
    if first is not None:
        return first if first.timed and first.zoned else _most_precise(first, marked)
    in_url = date_in_url(url) if url else None
    written = _written_date(page, dates)
    if written is not None and (in_url is None or written.moment.date() == in_url.date()):
        return written
    return Stamp(in_url, zoned=False, timed=False) if in_url else None


def _marked_dates(page: _Page, ld: dict, page_ld: dict, meta: dict[str, str], dates: _Dates) -> Iterator[Stamp]:
    """The page's machine-readable publication dates, most reliable first, read one by one as asked for."""
    values = (
        ld.get("datePublished"),
        ld.get("dateCreated"),
        page_ld.get("datePublished"),
        *(meta.get(name) for name in _PUBLISHED_META),
    )
    for value in values:
        if isinstance(value, str) and (stamp := dates.value(value)):
            yield stamp
    published = [*page.with_attr("itemprop", "datePublished")]
    times = published + [tag for tag in page.root_tags if tag.name == "time" and _is_publication_time(tag)]
    for index, tag in enumerate(times[:_MAX_CANDIDATES]):
        value = tag.get("datetime") or tag.get("content")
        stamp = dates.value(value) if isinstance(value, str) else None
        text = (_tag_text(tag) or "") if tag.name != "meta" else ""
        if index >= len(published) and text and names_update(text):
            # A <time> whose own text says "Aktualisiert am 06.03.2024" or "Publié le 5 mars | Mis à jour
            # le 6 mars": its datetime may be the update; the text's publication date, if any, decides (at
            # the datetime's offset when it states none: one page, one zone).
            written = dates.read(text, in_update_markup=True)
            if written is not None and stamp is not None:
                same_day = stamp.moment.date() == written.moment.date()
                yield stamp if same_day else written if written.zoned else with_offset_of(written, stamp)
            elif written is not None:
                yield written
        elif index >= len(published) and _labelled_update(tag):
            continue  # "Updated <time datetime=...>", "<span>Обновлено:</span> <time ...>"
        elif stamp is not None:
            yield stamp
        elif not value and text and (written := dates.read(text)):
            yield written


def _most_precise(best: Stamp, others: Iterator[Stamp]) -> Stamp:
    """``best``, with the time of a later signal for the same day when it states none, and the zone of a later
    one for the same wall-clock time when it states none: of two signals for one moment, the one that says
    more wins (a zone-less JSON-LD 09:15 and a ``+03:00`` meta 09:15 are 09:15+03:00)."""
    rest = list(others)
    if not best.timed:
        best = next((s for s in rest if s.timed and s.moment.date() == best.moment.date()), best)
    if not best.zoned:
        zoned = next((s for s in rest if s.zoned and s.wall_clock() == best.wall_clock()), None)
        if zoned is not None:
            best = with_offset_of(best, zoned)
    return best


def _is_publication_time(tag: Tag) -> bool:
    """A ``<time>`` not marked as the time of an update (by its class, id or itemprop, or its parent's)."""
    if tag.has_attr("pubdate"):
        return True
    return not any(_is_update_markup(t) for t in (tag, tag.parent) if t)


def _labelled_update(tag: Tag) -> bool:
    """Whether the words just before ``tag`` (back to the previous ``<time>``; its parent's, when ``tag``
    stands alone in it) label it as the update: "Updated <time>", "<span>Обновлено:</span> <time>"."""
    node: Tag | None = tag
    for _ in range(2):
        if node is None:
            return False
        lead = _text_before(node)
        if lead.strip():
            return last_label(lead) == "upd"
        node = node.parent
    return False


def _text_before(node: Tag) -> str:
    """The text of ``node``'s previous siblings, nearest last, back to a ``<time>`` or ``_LABEL_CHARS``."""
    parts: list[str] = []
    size = 0
    for sibling in node.previous_siblings:
        if isinstance(sibling, Tag) and sibling.name == "time":
            break
        text = sibling.get_text(" ") if isinstance(sibling, Tag) else str(sibling)
        parts.append(text)
        size += len(text)
        if size >= _LABEL_CHARS:
            break
    return " ".join(reversed(parts))[-_LABEL_CHARS:]


def _is_update_markup(tag: Tag) -> bool:
    itemprop = tag.get("itemprop") if tag.attrs else None
    if isinstance(itemprop, str) and _MODIFIED_CLASS.search(itemprop):
        return True
    return bool(_MODIFIED_CLASS.search(_marks(tag)))


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


_LOCAL_NUMERIC_VALUE = re.compile(r"\s*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)")


@dataclass(frozen=True)
class _Dates:
    """How this page writes dates: its language, numeric order, and the fetch time for relative forms."""

    language: str | None
    month_first: bool
    now: datetime | None

    def value(self, text: str) -> Stamp | None:
        """A machine-readable value (JSON-LD, ``<meta content>``, ``datetime``): ISO 8601 or RFC 822 as
        written; a numeric date that is not year-first ("05/03/2024 14:30") in this page's order, not
        dateutil's month-first guess; a value with month names of the page's language ("5. März 2024") as
        a written date."""
        if _LOCAL_NUMERIC_VALUE.match(text):
            return self.read(text)
        return read_stamp(text) or self.read(text)

    def read(self, text: str, *, in_update_markup: bool = False) -> Stamp | None:
        return date_in_text(
            text, self.language, month_first_dates=self.month_first, now=self.now, in_update_markup=in_update_markup
        )


def _written_date(page: _Page, dates: _Dates) -> Stamp | None:
    """A publication date written out in the article's date-like elements (``<time>``, a class or id saying
    date, meta, byline...; an element marked as the update time only when its text tells the two apart),
    then in a short line beside the headline that is only a date ("Oct 20, 2025", "February 4, 2025 - 11
    minutes"); never inside related stories or comments."""
    tags = page.root_tags
    h1 = next((index for index, tag in enumerate(tags) if tag.name == "h1"), None)
    ordered = tags if h1 is None or page.root is not None else tags[h1:] + tags[:h1]
    header = _header_lines(page)
    in_header = set(map(id, header))
    checked = 0
    in_root = set(map(id, tags)) if page.root is not None else set()
    outside = [tag for tag in header if page.root is not None and id(tag) not in in_root]
    for tag in [*ordered, *outside]:
        dated = _looks_dated(tag, _marks(tag))
        if not dated and id(tag) not in in_header:
            continue
        text = _short_text(tag, _MAX_DATE_TEXT)
        if not text or _in_aside(tag, page.root):
            continue
        if not dated and (
            tag.name not in _LINE_TAGS or not is_dateline(text, dates.language, month_first_dates=dates.month_first)
        ):
            continue
        if found := dates.read(text, in_update_markup=_is_update_markup(tag)):
            return found
        checked += 1
        if checked >= _MAX_CANDIDATES:
            break
    return None


def _header_lines(page: _Page) -> list[Tag]:
    """The elements just above and below the headline (the article's ``<h1>``, else the page's first), where
    a date line sits when the article element leaves the headline out."""
    h1 = next((tag for tag in page.root_tags if tag.name == "h1"), None) or page.first("h1")
    if h1 is None:
        return []
    index = next(index for index, tag in enumerate(page.tags) if tag is h1)
    return page.tags[max(0, index - _LINES_BEFORE_H1) : index] + page.tags[index + 1 : index + 1 + _LINES_AFTER_H1]


def _looks_dated(tag: Tag, marks: str) -> bool:
    if tag.name == "time":
        return True
    return bool(marks) and bool(_DATE_CLASS.search(marks))


def _in_aside(tag: Tag, root: Tag | None) -> bool:
    """Whether ``tag`` sits in related stories, comments, a sidebar or the page footer (their dates are theirs),
    looking up to the article element (whose own wrappers may say "sidebar-mode" or "newsletter-post")."""
    for node in islice(tag.parents, _ASIDE_DEPTH):
        if node is root:
            return False
        if node.name in ("aside", "footer", "nav") or _ASIDE_CLASS.search(_marks(node)):
            return True
    return False


def _language(page: _Page, ld: dict, meta: dict[str, str]) -> tuple[str | None, str | None]:
    """ISO 639-1 code from ``<html lang>``, JSON-LD inLanguage, og:locale or Content-Language, and the region
    the first declaration naming one gives (``en-US`` -> ``US``; ``None`` when none does)."""
    html = page.first("html")
    declared = (
        html.get("lang") or html.get("xml:lang") if html else None,
        _text_of(ld.get("inLanguage")),
        meta.get("og:locale"),
        *(meta.get(name) for name in _LANGUAGE_META),
    )
    code: str | None = None
    region: str | None = None
    for value in declared:
        if not isinstance(value, str):
            continue
        this = language_code(value)
        if this is None or (code is not None and this != code):
            continue
        code = this
        parts = re.split(r"[-_]", value.strip())
        if len(parts) >= 2 and re.fullmatch(r"[A-Za-z]{2}", parts[-1]):
            region = parts[-1].upper()
            break
    return code, region


def _authors(
    page: _Page, ld: dict, meta: dict[str, str], site_names: tuple[str, ...]
) -> tuple[tuple[str, ...], list[str]]:
    """The people who wrote the article, and the organisations named where authors are.

    JSON-LD author (a name, a Person or a list; an Organization is no author), author ``<meta>`` tags, then
    the visible byline; at each step a name that is the site's, or reads as an organisation ("Bayside
    Broadcasting Corporation", "Redaktion"), is set aside, so a visible byline naming people wins over a
    meta tag naming the broadcaster. A name set aside only for being the site's name ("Jane Doe" on Jane Doe's
    own blog) is the author after all when no person is named anywhere.
    """
    organisations: list[str] = []
    site_only: list[str] = []

    sites = {site_label(site) for site in site_names}

    def people(names: list[str], *, typed_person: bool = False) -> list[str]:
        kept: list[str] = []
        for name in (_without_site_name(name, site_names) for name in names):
            organisation = is_organisation(name, site_names=site_names, agencies=not typed_person)
            (organisations if organisation else kept).append(name)
            if organisation and site_label(name) in sites and not is_organisation(name, agencies=not typed_person):
                site_only.append(name)
        return kept

    raw = ld.get("author") or ld.get("creator")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    names: list[str] = []
    for item in items:
        text = _text_of(item)
        if not text:
            continue
        if isinstance(item, dict) and _types(item) & _ORGANISATION_TYPES:
            organisations.append(text)
        else:
            person = isinstance(item, dict) and "Person" in _types(item)
            names += people(names_in_byline(text, keep_organisations=True), typed_person=person)
    if not names:
        values = [value for key in _AUTHOR_META if (value := meta.get(key))]
        names = people([name for value in values for name in names_in_byline(value, keep_organisations=True)])
    if not names:
        names = people(_byline_names(page))
    return unique_names(names or site_only), organisations


def _organisation_name(value: object) -> str | None:
    """The name of a JSON-LD publisher that is not typed as a Person (a blogger publishing their own page),
    or None; a URL is no name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and "Person" in _types(value):
        return None
    text = _text_of(value)
    return text if text and not text.startswith(("http://", "https://", "www.")) else None


def _without_site_name(name: str, site_names: tuple[str, ...]) -> str:
    """``name`` without the site's name after or before it ("Brian Truitt USA TODAY" -> "Brian Truitt")."""
    for site in site_names:
        if " " in site or "." not in site:
            pattern = re.compile(
                rf"^\s*{re.escape(site)}\s*[-:,|]?\s+|\s+[-,|]?\s*{re.escape(site)}\s*$", re.IGNORECASE
            )
            rest = pattern.sub("", name)
            if rest != name and (person := clean_name(rest)):
                return person
    return name


def _publisher(items: list[dict], ld: dict, meta: dict[str, str], organisations: list[str]) -> str | None:
    """The organisation that publishes: JSON-LD ``publisher`` (of the article, else any NewsMediaOrganization),
    an organisation named as author, ``article:publisher`` and kin (not a URL), else ``og:site_name``."""
    org = _first_of_types(items, {"NewsMediaOrganization"})
    candidates = (
        ld.get("publisher"),
        org.get("name"),
        *organisations,
        *(meta.get(name) for name in _PUBLISHER_META),
    )
    for value in candidates:
        text = _text_of(value)
        if text and not text.startswith(("http://", "https://", "www.")):
            return text
    return None


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
    bylines = (tag for tag in page.tags if tag.attrs and _looks_like_byline(tag, _marks(tag)))
    for tag in islice(bylines, _MAX_CANDIDATES):
        text = _short_text(tag, _MAX_BYLINE_TEXT)
        if text and (found := names_in_byline(text)):
            return found
    h1 = next((index for index, tag in enumerate(page.root_tags) if tag.name == "h1"), 0)
    header = page.root_tags[max(0, h1 - _HEADER_TAGS) : h1 + _HEADER_TAGS]
    for tag in islice((tag for tag in header if _looks_dated(tag, _marks(tag))), _MAX_CANDIDATES):
        text = _short_text(tag, _MAX_BYLINE_TEXT)  # a meta line "Von Jonas Brehm · 05.03.2024": a byline
        if text and starts_as_byline(text) and (found := names_in_byline(text)):
            return found
    for tag in islice((tag for tag in header if tag.name in _LINE_TAGS), _HEADER_TAGS):
        # a plain line "By Mia Tennant and Oscar Velde" by the headline, not a sentence ("By Tuesday, the ...")
        text = _short_text(tag, _MAX_PLAIN_BYLINE_TEXT)
        if not text or not starts_as_byline(text) or text.endswith((".", "!", "?", ":", ";")):
            continue
        if (found := names_in_byline(text)) and all(map(_proper_name, found)):
            return found
    return []


def _proper_name(name: str) -> bool:
    """Whether ``name`` has two words or more and every one but its particles ("de", "van", "von", "al")
    starts in upper case, as a person's name does and the start of a sentence ("By the end of the year",
    "By Tuesday, ...") does not."""
    words = name.split()
    return len(words) >= 2 and words[0][:1].isupper() and all(w[:1].isupper() or w in _NAME_PARTICLES for w in words)


_NAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "do",
        "dos",
        "das",
        "del",
        "della",
        "di",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "al",
        "bin",
        "ibn",
        "y",
        "e",
        "zu",
        "ter",
    }
)


def _looks_like_byline(tag: Tag, marks: str) -> bool:
    if tag.name in ("html", "body", "head", "script", "style", "img", "meta", "link"):
        return False
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
