"""Discover the article URLs a source published in a data interval.

Methods, tried in the order the source lists them; the first that answers and takes an entry is used. A
method that answers but takes none for another reason than a quiet day (``QUIET_REASONS``: every entry
outside the interval or a duplicate), such as a sitemap without ``lastmod``, hands over to the next method;
the counts of every method tried are kept, and when none took any the first that answered is named.

- ``sitemap``: the source's ``sitemap_url``, or else the ``Sitemap:`` lines of its robots.txt. A sitemap
  index is followed to its children (skipped when their ``lastmod`` is before the interval, or when they are
  not on an allowed host; at most ``MAX_SITEMAPS`` documents a run); a urlset entry counts when its
  ``news:publication_date`` or else ``lastmod`` is in the interval; an entry without a readable date takes
  the day its URL names (``etl.dates.date_in_url``: ``/2024/03/05/``, ``/2024-03-05/``, ``20240305``) at
  its UTC midnight, as a date-only ``lastmod`` is read. An entry with neither is left out (``no_date``):
  a site listing 50,000 undated URLs would otherwise cost 50,000 requests every night to find the few
  new ones, so such a source needs a dated method after it (``rss``, ``news_sitemap``). A child that
  fails is recorded and the others still count; the method fails only when no root document could be read.
- ``news_sitemap``: the same for a Google News sitemap (``news_sitemap_url``), whose entries carry
  ``news:publication_date``.
- ``rss``: an RSS or Atom feed (feedparser); an entry counts when its published (or updated) date, or else
  the day its URL names, is in it.
  A date feedparser cannot read ("Di, 05 Mär 2024 10:30:00 +0100") is read by ``etl.dates`` with the
  month names of the source's language.
- ``archive``: the per-day archive page (``archive_url`` with ``{date}``) of every day in the interval;
  every link matching the source's ``article_url_pattern`` (a regular expression) counts.

Listed publication dates travel with the URL (``DiscoveredUrl.published_at``, offset kept): a feed item's
published date and ``news:publication_date``, which a page without a date of its own takes. A ``lastmod``,
a feed's ``updated`` and a URL's day do not: a modification date would move an edited article to the day
of its edit, and the extractor reads the URL itself.

Every document is fetched by the getter, which obeys robots.txt (``Fetcher.fetch_document``). Relative links
resolve against their document's URL (and ``xml:base`` in feeds).

Sitemaps are read leniently where browsers and crawlers are, strictly where safety needs it: BOMs,
whitespace, NULs and whatever else a server printed before the XML declaration (a comment, a PHP warning)
are skipped, a declaration written ``<?XML`` is read, a bare ``&`` is read as ``&amp;``, an undeclared namespace
prefix (``news:``, ``image:``) is matched by its local name, whitespace and CDATA around a ``<loc>`` are
trimmed, and lxml's recovering parser reads past other syntax errors. Never: entity expansion (the DOCTYPE is
dropped, an entity stays unexpanded, and a ``<loc>`` holding one is a ``bad_url``), DTD loading, network
access, or huge trees;
gzipped files (``sitemap.xml.gz``) are unpacked up to the protocol's 50 MiB.

Nothing is dropped without a trace: per method, ``Discovery.counts`` holds the entries seen, taken, and left
out by reason (``DROP_REASONS``): ``out_of_interval``, ``no_date``, ``unparseable_date``, ``bad_url``,
``off_host``, ``duplicate`` (after canonicalisation), ``sitemap_limit`` (index children past the limit). A
sitemap index's children count as entries too when they are skipped (old, off-host, past the limit).
"""

from __future__ import annotations

import calendar
import codecs
import logging
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from etl.crawl.urls import BadUrl, canonical_url, fold_netloc, host_of, parse_web_url, resolve_url
from etl.dates import TEXT_DATE_LANGUAGES, date_in_url, day_start, month_names, parse_datetime
from etl.reasons import Reason
from etl.records import DiscoveredUrl, Discovery, Failure, FetchedPage, Interval, Source

logger = logging.getLogger(__name__)

Getter = Callable[[str], FetchedPage | Failure]
"""Fetches a discovery document (sitemap, feed, archive page) under robots.txt; see ``Fetcher.fetch_document``."""
RobotsSitemaps = Callable[[], Sequence[str]]
"""The ``Sitemap:`` URLs of the source's robots.txt; see ``Fetcher.robots_sitemaps``."""

MAX_SITEMAPS = 1000
"""Sitemap documents one method reads in a run; index children past it are counted as ``sitemap_limit``."""
DROP_REASONS = (
    "out_of_interval",
    "no_date",
    "unparseable_date",
    "bad_url",
    "off_host",
    "duplicate",
    "sitemap_limit",
)
"""Why discovery left an entry out; the keys of ``Discovery.counts`` besides ``seen`` and ``taken``."""
QUIET_REASONS = frozenset({"out_of_interval", "duplicate"})
"""Entries left out only for these say the site published nothing in the interval (a Sunday, a holiday): a
method that took none for them alone has answered; for any other reason the next method is tried."""
_MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps protocol's limit for one file, uncompressed
_GZIP_MAGIC = b"\x1f\x8b"
# Bytes a server or a template puts before the document: BOMs (one or two), whitespace, NULs, no-break spaces.
_LEADING_JUNK = re.compile(rb"^(?:\xef\xbb\xbf|\xc2\xa0|[\x00-\x20])+")
# An XML declaration further in, after a comment, a cache note or a PHP warning the server printed first.
_LATE_DECLARATION = re.compile(rb"<\?xml(?=[ \t\r\n?])", re.IGNORECASE)
_ROOT_START = re.compile(rb"<(?:urlset|sitemapindex|rss|feed|rdf:rdf)(?![\w:-])", re.IGNORECASE)
_JUNK_SEARCH_BYTES = 8192
# Text outside any tag before the root element (a comment, a PI or a DOCTYPE there is markup, kept).
_NOT_MARKUP = re.compile(rb"(?:^|>)[ \t\r\n]*[^<\s]")
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]++|\[[^\]]*+\]\s*+)*+>")
_XML_DECLARATION = re.compile(r"<\?xml(?=[\s?])[^>]*\?>", re.IGNORECASE)
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_WORD = re.compile(r"[^\W\d_]+\.?")


class DiscoveryError(Exception):
    """A discovery document could not be fetched or parsed; carries the failure to record."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.url}: {failure.reason}")
        self.failure = failure


class _Tally:
    """What one method saw: the entries it left out by reason, and failures of documents it could do without."""

    def __init__(self) -> None:
        self.dropped: Counter[str] = Counter()
        self.failures: list[Failure] = []

    def drop(self, reason: str, count: int = 1) -> None:
        self.dropped[reason] += count


def discover(source: Source, interval: Interval, get: Getter, robots_sitemaps: RobotsSitemaps = tuple) -> Discovery:
    """URLs published in ``interval`` by the first method that answers and takes any (see the module
    docstring), the failures of documents that did not answer, and per method tried the entries seen, taken
    and left out by reason (``DROP_REASONS``)."""
    failures: list[Failure] = []
    counts: dict[str, dict[str, int]] = {}
    answered: str | None = None
    for method in source.discovery:
        tally = _Tally()
        found: list[DiscoveredUrl] = []
        try:
            found.extend(_METHODS[method](source, interval, get, robots_sitemaps, tally))
        except DiscoveryError as exc:
            logger.info("discovery %s for %s failed: %s", method, source.name, exc)
            failures += [*tally.failures, exc.failure]
            counts[method] = _counts(len(found), 0, tally.dropped, Counter())
            continue
        kept, dropped = _unique_allowed(source, found)
        failures += tally.failures
        counts[method] = _counts(len(found), len(kept), tally.dropped, Counter(why for _url, why in dropped))
        answered = answered or method
        if kept or not unplaced(counts[method]):
            return Discovery(tuple(kept), tuple(failures), counts, method)
        logger.info("discovery %s for %s took none (%s); trying the next method", method, source.name, counts[method])
    return Discovery((), tuple(failures), counts, answered)


def unplaced(counts: Mapping[str, int]) -> bool:
    """Whether one method's counts (``Discovery.counts[method]``) left entries out for a reason other than
    ``QUIET_REASONS`` (``no_date``, ``unparseable_date``, ``bad_url``, ...)."""
    return any(n for reason, n in counts.items() if reason not in ("seen", "taken") and reason not in QUIET_REASONS)


def _counts(found: int, taken: int, own: Counter[str], after: Counter[str]) -> dict[str, int]:
    """``seen``: the entries the method found plus those it left out itself (``own``: dates, skipped
    children, unexpanded entities); ``taken``; and each drop reason, ``after`` holding those judged on the
    found entries (``off_host``, ``bad_url``, ``duplicate``)."""
    dropped = own + after
    return {"seen": found + own.total(), "taken": taken, **{r: dropped[r] for r in DROP_REASONS if dropped[r]}}


def _unique_allowed(source: Source, found: list[DiscoveredUrl]) -> tuple[list[DiscoveredUrl], list[tuple[str, str]]]:
    """(kept, dropped): the found URLs that may be fetched, once each, and every other one with why.

    A kept URL is as listed (``etl.crawl.urls.parse_web_url``'s ``url``: host folded, characters a request
    line cannot carry escaped, the query untouched), so it is requested as listed; duplicates are judged by
    ``canonical_url``, the first found is kept. Order: by date hint, then URL. ``dropped`` holds
    ``(url as found, why)`` with ``why`` one of ``"bad_url"`` (unparseable, too long, or read as another host
    by another parser), ``"off_host"`` (not on the source's allowed hosts), ``"duplicate"``.
    """
    allowed = tuple(map(fold_netloc, source.allowed_hosts)) or (host_of(source.base_url),)
    seen: dict[str, DiscoveredUrl] = {}
    dropped: list[tuple[str, str]] = []
    for item in found:
        parsed = parse_web_url(item.url)
        if isinstance(parsed, BadUrl):
            dropped.append((item.url, "bad_url"))
        elif parsed.netloc not in allowed:
            dropped.append((item.url, "off_host"))
        elif (identity := canonical_url(parsed.url)) in seen:
            dropped.append((item.url, "duplicate"))
        else:
            seen[identity] = DiscoveredUrl(source.name, parsed.url, item.published_hint, item.via, item.published_at)
    kept = sorted(seen.values(), key=lambda d: (d.published_hint or datetime.min.replace(tzinfo=UTC), d.url))
    return kept, dropped


def _document(get: Getter, url: str) -> FetchedPage:
    result = get(url)
    if isinstance(result, Failure):
        raise DiscoveryError(_as_discovery(result))
    return result


def _as_discovery(failure: Failure) -> Failure:
    return Failure(
        failure.source, failure.url, "discover", failure.reason, failure.http_status, failure.at, failure.detail
    )


def _sitemap(
    source: Source, interval: Interval, get: Getter, robots_sitemaps: RobotsSitemaps, tally: _Tally
) -> Iterator[DiscoveredUrl]:
    if source.sitemap_url is not None:
        roots: Sequence[str] = (source.sitemap_url,)
    else:
        roots = robots_sitemaps()
        if not roots:
            robots_url = resolve_url(source.base_url, "/robots.txt")
            raise DiscoveryError(_failure(source, robots_url, Reason.NO_SITEMAP, "no sitemap_url and no Sitemap: line"))
    return _sitemaps(source, roots, interval, get, "sitemap", tally)


def _news_sitemap(
    source: Source, interval: Interval, get: Getter, robots_sitemaps: RobotsSitemaps, tally: _Tally
) -> Iterator[DiscoveredUrl]:
    assert source.news_sitemap_url is not None
    return _sitemaps(source, (source.news_sitemap_url,), interval, get, "news_sitemap", tally)


def _sitemaps(
    source: Source, roots: Sequence[str], interval: Interval, get: Getter, via: str, tally: _Tally
) -> Iterator[DiscoveredUrl]:
    """Entries of the sitemaps reachable from ``roots``, breadth first. A child that fails is a failure in
    ``tally``; when no root could be read, the last root's failure is raised."""
    pending = list(roots)
    visited: set[str] = set()
    roots_read = 0
    root_failures: list[Failure] = []
    while pending:
        url = pending.pop(0)
        if url in visited:
            continue
        if len(visited) >= MAX_SITEMAPS:
            tally.drop("sitemap_limit", 1 + sum(1 for other in pending if other not in visited))
            break
        visited.add(url)
        try:
            root = _parse_xml(source, url, _document(get, url).content, tally)
            tag = _local_name(root.tag)
            if tag not in ("sitemapindex", "urlset"):
                raise DiscoveryError(_failure(source, url, Reason.NOT_A_SITEMAP, f"root element <{tag}>"))
        except DiscoveryError as exc:
            (root_failures if url in roots else tally.failures).append(exc.failure)
            continue
        roots_read += url in roots
        if tag == "sitemapindex":
            for loc, _has_date, lastmod, _published in _entries(root, "sitemap"):
                child = resolve_url(url, loc) if loc is not None else ""
                why = "bad_url" if loc is None else _not_allowed(source, child)
                if why is None and lastmod is not None and lastmod < interval.start:
                    why = "out_of_interval"
                if why is not None:
                    tally.drop(why)
                else:
                    pending.append(child)
        else:
            for loc, has_date, when, published in _entries(root, "url"):
                if loc is None:
                    tally.drop("bad_url")
                    continue
                page = resolve_url(url, loc)
                when = when or date_in_url(page)
                if when is None:
                    tally.drop("unparseable_date" if has_date else "no_date")
                elif not interval.contains(when):
                    tally.drop("out_of_interval")
                else:
                    yield DiscoveredUrl(source.name, page, when, via, published)
    if roots_read == 0 and root_failures:
        tally.failures += root_failures[:-1]
        raise DiscoveryError(root_failures[-1])
    tally.failures += root_failures


def _not_allowed(source: Source, url: str) -> str | None:
    """Why a sitemap index child may not be read (``bad_url``, ``off_host``), or None; as ``_unique_allowed``."""
    parsed = parse_web_url(url)
    if isinstance(parsed, BadUrl):
        return "bad_url"
    allowed = tuple(map(fold_netloc, source.allowed_hosts)) or (host_of(source.base_url),)
    return None if parsed.netloc in allowed else "off_host"


def _parse_xml(source: Source, url: str, content: bytes, tally: _Tally) -> etree._Element:
    """The root element of a sitemap, read with recovery and without entities, DTDs or network; a file read
    past a fatal syntax error is recorded in ``tally`` as ``bad_xml`` (what was recovered still counts)."""
    if content.startswith(_GZIP_MAGIC):  # sitemap.xml.gz, served as a file rather than Content-Encoding
        unpacker = zlib.decompressobj(wbits=31)
        try:
            content = unpacker.decompress(content, _MAX_SITEMAP_BYTES + 1)
        except zlib.error as exc:
            raise DiscoveryError(_failure(source, url, Reason.BAD_XML, f"broken gzip: {exc}")) from exc
        if len(content) > _MAX_SITEMAP_BYTES:
            raise DiscoveryError(_failure(source, url, Reason.TOO_LARGE, f"over {_MAX_SITEMAP_BYTES} bytes unpacked"))
    content = _without_leading_junk(_utf8_if_utf16(content))
    # A sitemap has no use for a DTD: without it no entity is declared, so none expands (a "billion laughs"
    # would also make libxml2 stop at its amplification limit and lose the rest of the file) and none names
    # a file or URL; a reference to one stays an unexpanded node, and its <loc> a bad_url.
    content = _BARE_AMPERSAND.sub(b"&amp;", _DOCTYPE.sub(b"", content, count=1))
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(_failure(source, url, Reason.BAD_XML, str(exc))) from exc
    # An undeclared entity is one the dropped DOCTYPE declared: its <loc> is counted as a bad_url instead.
    fatal = [e for e in parser.error_log if e.level_name == "FATAL" and e.type_name != "ERR_UNDECLARED_ENTITY"]
    if root is None or (fatal and not len(root)):  # nothing recovered, or an empty shell
        detail = str(fatal[-1]) if fatal else "no element"
        raise DiscoveryError(_failure(source, url, Reason.BAD_XML, detail))
    if fatal:  # read past a syntax error (a cut or garbled file): what was recovered counts, and it is recorded
        tally.failures.append(_failure(source, url, Reason.BAD_XML, f"read with recovery: {fatal[-1]}"))
    return root


def _without_leading_junk(content: bytes) -> bytes:
    """``content`` from its XML declaration on: what comes before one (BOMs, blank lines, NULs, a comment, a
    server's warning text) is dropped, as is leading junk of a document without one; a declaration written
    ``<?XML`` becomes ``<?xml``. A declaration after the root element's start is left alone."""
    content = _LEADING_JUNK.sub(b"", content, count=1)
    declaration = _LATE_DECLARATION.search(content, 0, _JUNK_SEARCH_BYTES)
    root = _ROOT_START.search(content, 0, _JUNK_SEARCH_BYTES)
    if declaration is not None and (root is None or declaration.start() < root.start()):
        return b"<?xml" + content[declaration.end() :]
    if declaration is None and root is not None and _NOT_MARKUP.search(content, 0, root.start()):
        return content[root.start() :]  # no declaration, and text before the root: "Warning: ...<br />"
    return content


def _utf8_if_utf16(content: bytes) -> bytes:
    """A UTF-16 document (a BOM, or NUL bytes in every other place of its first ASCII characters) as UTF-8
    without its XML declaration, so the byte-level repairs (leading junk, bare ``&``, DOCTYPE) see ASCII as
    ASCII; any other document unchanged."""
    head = content[:4]
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(head) == 4 and head[1] == head[3] == 0 and head[0] and head[2]:
        encoding = "utf-16-le"
    elif len(head) == 4 and head[0] == head[2] == 0 and head[1] and head[3]:
        encoding = "utf-16-be"
    else:
        return content
    text = content.decode(encoding, errors="replace")
    declaration = _XML_DECLARATION.search(text, 0, _JUNK_SEARCH_BYTES)
    if declaration is not None and not _ROOT_START.search(text[: declaration.start()].encode("utf-8")):
        text = text[declaration.end() :]  # with whatever came before it, as ``_without_leading_junk``
    return text.encode("utf-8")


def _local_name(tag: object) -> str:
    """An element's name without namespace or prefix: ``{ns}loc`` and an undeclared ``news:loc`` are ``loc``."""
    name = str(tag).rpartition("}")[2]
    return name.rpartition(":")[2]


def _entries(root: etree._Element, kind: str) -> Iterator[tuple[str | None, bool, datetime | None, datetime | None]]:
    """(loc, has a date, date, publication date) of each ``<sitemap>`` or ``<url>``; the date prefers
    news:publication_date to lastmod, the publication date is news:publication_date only (offset kept).

    ``loc`` is None when it holds an entity reference (never expanded) or nothing."""
    for entry in root:
        if not isinstance(entry.tag, str) or _local_name(entry.tag) != kind:
            continue
        loc: str | None = None
        for node in entry:  # its own <loc>, not an image:loc further down
            if isinstance(node.tag, str) and _local_name(node.tag) == "loc" and loc is None:
                has_entity = any(child.tag is etree.Entity for child in node)
                loc = None if has_entity else ((node.text or "").strip() or None)
        dates: dict[str, str] = {}
        for node in entry.iter():
            name = _local_name(node.tag) if isinstance(node.tag, str) else ""
            if name in ("publication_date", "lastmod") and node.text and node.text.strip():
                dates.setdefault(name, node.text.strip())
        published = parse_datetime(dates["publication_date"]) if "publication_date" in dates else None
        text = dates.get("publication_date") or dates.get("lastmod")
        yield loc, text is not None, parse_datetime(text) if text else None, published


def _rss(
    source: Source, interval: Interval, get: Getter, robots_sitemaps: RobotsSitemaps, tally: _Tally
) -> Iterator[DiscoveredUrl]:
    assert source.feed_url is not None
    document = _document(get, source.feed_url)
    # The feed's URL is the base of its relative links (feedparser reads it from Content-Location); the
    # Content-Type is left out, since feeds are served as anything (text/plain, application/octet-stream).
    # As for sitemaps, the DOCTYPE goes: its entities would be expanded by the strict parser (up to expat's
    # amplification limit) and its external ones are never wanted.
    content = _DOCTYPE.sub(b"", _without_leading_junk(document.content), count=1)
    feed = feedparser.parse(content, response_headers={"content-location": document.final_url or source.feed_url})
    if feed.bozo and not feed.entries:
        raise DiscoveryError(_failure(source, source.feed_url, Reason.BAD_FEED, str(feed.get("bozo_exception", ""))))
    for entry in feed.entries:
        link = entry.get("link")
        if not link or not link.strip():
            tally.drop("bad_url")
            continue
        page = resolve_url(source.feed_url, link)
        when, has_date, published = _entry_date(entry, source.language)
        when = when or date_in_url(page)
        if when is None:
            tally.drop("unparseable_date" if has_date else "no_date")
        elif not interval.contains(when):
            tally.drop("out_of_interval")
        else:
            yield DiscoveredUrl(source.name, page, when, "rss", published)


def _entry_date(entry: feedparser.FeedParserDict, language: str) -> tuple[datetime | None, bool, datetime | None]:
    """(moment, whether the entry gives a date at all, publication date): the moment is feedparser's reading
    of published, else updated; when it could read neither, the text itself with the project's date parser
    (``foreign_date``). The publication date is the published text as written, its offset kept (feedparser
    reads it in UTC); None when the entry has only an updated date."""
    text = entry.get("published")
    published = foreign_date(text, language) if text else None
    if published is None and entry.get("published_parsed"):
        published = datetime.fromtimestamp(calendar.timegm(entry["published_parsed"]), tz=UTC)
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC), True, published
    text = text or entry.get("updated")
    if not text:
        return None, False, None
    return foreign_date(text, language), True, published


def foreign_date(text: str, language: str | None) -> datetime | None:
    """An RFC 822-like date written with another language's names ("Di, 05 Mär 2024 10:30:00 +0100"), read
    by ``etl.dates.parse_datetime`` once month names (CLDR, ``etl.dates.month_names``) are English and
    weekday names gone; the offset is kept. The source's language is tried first, then every known one."""
    moment = parse_datetime(text)
    if moment is not None:
        return moment
    languages = ([language] if language in TEXT_DATE_LANGUAGES else []) + list(TEXT_DATE_LANGUAGES)
    for candidate in dict.fromkeys(languages):
        names = month_names(candidate)
        words = [match.group(0) for match in _WORD.finditer(text)]
        months = [names[w.lower().rstrip(".")] for w in words if w.lower().rstrip(".") in names]
        if len(months) != 1:
            continue
        english = _WORD.sub(partial(_english_word, names=names), text)
        if (moment := parse_datetime(english)) is not None:
            return moment
    return None


def _english_word(match: re.Match[str], names: dict[str, int]) -> str:
    """A month name as its English abbreviation; a zone name (``GMT``, ``UTC``) kept; any other word gone."""
    word = match.group(0)
    key = word.lower().rstrip(".")
    if key in names:
        return calendar.month_abbr[names[key]]
    return word if word.isascii() and word.isupper() else " "


def _archive(
    source: Source, interval: Interval, get: Getter, robots_sitemaps: RobotsSitemaps, tally: _Tally
) -> Iterator[DiscoveredUrl]:
    assert source.archive_url is not None and source.article_url_pattern is not None
    pattern = re.compile(source.article_url_pattern)
    day = interval.start.astimezone(UTC).date()
    while day_start(day) < interval.end:
        url = source.archive_url.replace("{date}", day.isoformat())
        soup = BeautifulSoup(_document(get, url).content, "lxml")
        for link in soup.find_all("a", href=True):
            href = link.get("href")
            if not isinstance(href, str):
                continue
            target = resolve_url(url, href)
            if pattern.search(canonical_url(target)):
                yield DiscoveredUrl(source.name, target, None, "archive")
        day += timedelta(days=1)


def _failure(source: Source, url: str, reason: str, detail: str = "") -> Failure:
    return Failure(source.name, url, "discover", reason, None, datetime.now(UTC), detail)


_METHODS: dict[str, Callable[[Source, Interval, Getter, RobotsSitemaps, _Tally], Iterator[DiscoveredUrl]]] = {
    "sitemap": _sitemap,
    "news_sitemap": _news_sitemap,
    "rss": _rss,
    "archive": _archive,
}
