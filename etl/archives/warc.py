"""Read WARC and ARC files (gzip or not) as a stream of captures a source takes, and the rest counted by reason.

warcio parses the records; nothing here holds a file, or even a record's payload, longer than the record it
reads: a file is read from a local path or over HTTP (``requests``, ``stream=True``) one buffer at a time.
Which source a record belongs to is decided from its ``WARC-Target-URI`` header before its payload is read
(``SourceRouter``: a cached look-up of the URL's scheme and host, the full URL parse only for hosts a source
allows), so a file where few records belong to a source costs about what warcio's own iteration costs.

A record is taken when it is a ``response`` of status 200 with an HTML payload (``Content-Type`` text/html or
application/xhtml+xml, or none; a body that starts like a PDF, an image or an archive is not), on a host a
source allows (``Source.allowed_hosts``, and the host of its ``canonical_base_url``), complete and at most
``FetchSettings.max_bytes`` decoded, and an article by the source's own rules: a URL off its
``article_url_pattern`` or one of its ``archive_url`` day pages is ``not_article`` (the listings a crawl of
the site captures: ``run`` only ever fetches what sitemaps, feeds and the pattern list), a URL the host's
robots.txt disallows is ``robots``. robots.txt is honoured as captured earlier in the same file (crawlers
such as wget capture it first); no request is made to the live host, and a file without it is read as if it
allowed everything. A source with no ``article_url_pattern`` takes every HTML page of its hosts. Its page is
filed under the source's identity URL (``etl.sources.identity_url``) with the capture time (``WARC-Date``) as
``fetched_at``. Every other record is a ``Left`` with one of the ``Skip`` reasons.

Where several sources allow one host (the demo editions share 127.0.0.1:8765), the source whose
``base_url`` (or ``canonical_base_url``) is the longest prefix of the URL takes it; a URL under none of
them is ``ambiguous_host``.

Reads ``FetchSettings`` (``max_bytes``, timeouts, retries, ``user_agent``) for HTTP and payload limits.
"""

from __future__ import annotations

import gzip
import logging
import re
import zlib
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, cast

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util import Retry
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from etl.config import FetchSettings
from etl.crawl.robots import RobotsRules, rules_from_response
from etl.crawl.urls import BadUrl, canonical_url, host_of, parse_web_url
from etl.extract.charset import binary_format
from etl.reasons import RETRY_STATUSES
from etl.records import FetchedPage, Source
from etl.sources import identity_url

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b\x08"
_ARC_HEADER = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*:\S* \S+ \d{14} ")
_LOOKAHEAD = 4096
"""Bytes looked at to tell whether a record starts at a position (a gzip member's first header line)."""
_SCAN_CHUNK = 1 << 16
_MAX_ERROR_CHARS = 80
_WHOLE_PROBE = 1 << 20
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
MAX_ROBOTS_BYTES = 500 * 1024
"""The part of a captured robots.txt read for its rules (RFC 9309 2.5: at least 500 KiB)."""
_MAX_CACHED_ORIGINS = 200_000
"""Distinct scheme-and-host prefixes remembered by a router (a CC-NEWS file names tens of thousands)."""


class Skip(StrEnum):
    """Why a record was not taken; the member's value is the key counted (``warc_imports.counts``)."""

    NOT_RESPONSE = "not_response"  # warcinfo, request, metadata, resource, conversion records
    REVISIT = "revisit"  # a revisit record: a pointer to an earlier capture, no payload of its own
    OFF_HOST = "off_host"  # no source allows the URL's host
    OTHER_SOURCE = "other_source"  # a configured source's page, but not one of the sources imported
    AMBIGUOUS_HOST = "ambiguous_host"  # several sources allow the host, no base URL of theirs is a prefix
    BAD_URL = "bad_url"  # the target URI is no URL we would request (etl.crawl.urls.parse_web_url)
    BAD_DATE = "bad_date"  # no readable WARC-Date
    REDIRECT = "redirect"  # a 3xx response: its target, if captured, is a record of its own
    HTTP_ERROR = "http_error"  # any other status than 200 and 3xx
    TRUNCATED = "truncated"  # WARC-Truncated set, or a payload shorter than its Content-Length
    NOT_HTML = "not_html"  # a Content-Type other than HTML, or a binary body (PDF, image, archive)
    TOO_LARGE = "too_large"  # a decoded payload over FetchSettings.max_bytes
    BAD_ENCODING = "bad_encoding"  # a Content-Encoding or chunked payload that cannot be decoded
    CORRUPT = "corrupt"  # a span that cannot be read (a damaged gzip member or record), up to the next record
    NOT_ARTICLE = "not_article"  # off the source's article_url_pattern, or one of its archive_url pages
    ROBOTS = "robots"  # disallowed by the host's robots.txt as captured earlier in the same file
    ROBOTS_TXT = "robots_txt"  # a robots.txt capture of a source's host: read for its rules, not a page


class ArchiveError(RuntimeError):
    """A WARC file cannot be opened or read on (missing, HTTP error, corrupt); the message is one line."""


class NotAnArchive(ArchiveError):
    """The file is there to read but is no WARC or ARC file (empty, or it begins with something else), or a
    local path names no readable file: reading it again cannot help, so a scheduler should not retry it."""


@dataclass(frozen=True)
class Capture:
    """A record a source took: its page (identity URL, capture time as ``fetched_at``), the URL as the record
    names it, and the record's byte offset in its file (compressed, as stored; in a WARC gzipped as one whole
    stream, uncompressed: ``Read``)."""

    page: FetchedPage
    target_uri: str
    record_offset: int


@dataclass(frozen=True)
class Left:
    """A record not taken, why, and the source it belonged to when the host was one's."""

    reason: Skip
    source: str | None = None


@dataclass(frozen=True)
class Routed:
    """The source a URL belongs to and the URL the warehouse files its page under."""

    source: Source
    url: str


class SourceRouter:
    """Which configured source a record's URL belongs to (a pure policy, cached by scheme and host).

    ``sources``: every configured source (so a page of another one is ``other_source``, not ``off_host``);
    ``wanted``: the names whose pages are taken.
    """

    def __init__(self, sources: Sequence[Source], wanted: Collection[str], user_agent: str = "*") -> None:
        self._wanted = frozenset(wanted)
        self._user_agent = user_agent
        self._articles = {s.name: _article_rule(s) for s in sources}
        self._robots: dict[str, RobotsRules] = {}
        self._by_host: dict[str, list[Source]] = {}
        self._bases: dict[str, tuple[str, ...]] = {}
        for source in sources:
            for host in source_hosts(source):
                self._by_host.setdefault(host, []).append(source)
            bases = (source.base_url, source.canonical_base_url)
            self._bases[source.name] = tuple(canonical_url(base) for base in bases if base is not None)
        self._origins: dict[str, tuple[Source, ...]] = {}

    def candidates(self, uri: str) -> tuple[Source, ...]:
        """The sources allowing the host of ``uri``; decided from its ``scheme://host`` prefix, cached."""
        match = _ORIGIN.match(uri)
        if match is None:
            return ()
        origin = match.group()
        found = self._origins.get(origin)
        if found is None:
            if len(self._origins) >= _MAX_CACHED_ORIGINS:
                self._origins.clear()
            host = host_of(origin + "/")
            found = tuple(self._by_host.get(host, ())) if host else ()
            self._origins[origin] = found
        return found

    def route(self, uri: str) -> Routed | Skip:
        """The source and identity URL of a record's target ``uri``, or why it belongs to none wanted."""
        candidates = self.candidates(uri)
        if not candidates:
            return Skip.OFF_HOST
        if isinstance(parse_web_url(uri), BadUrl):
            return Skip.BAD_URL
        url = canonical_url(uri)
        source = candidates[0] if len(candidates) == 1 else self._by_base(candidates, url)
        if source is None:
            return Skip.AMBIGUOUS_HOST
        if source.name not in self._wanted:
            return Skip.OTHER_SOURCE
        return Routed(source, identity_url(source, url))

    def refusal(self, routed: Routed, uri: str) -> Skip | None:
        """Why a page the headers let through is still not an article of its source, or None when it is one:
        ``robots`` when the robots.txt of its origin captured earlier in the file disallows ``uri`` for the
        project's user agent (``run`` never fetches such a page), ``not_article`` when the source names its
        article URLs (``article_url_pattern``, searched in the captured and the identity URL, as archive
        discovery searches links) and this is none, or it is one of the source's ``archive_url`` day pages."""
        match = _ORIGIN.match(uri)
        rules = self._robots.get(match.group().lower()) if match else None
        if rules is not None and rules.parser is not None and not rules.parser.can_fetch(uri, self._user_agent):
            return Skip.ROBOTS
        if not self._articles[routed.source.name].is_article(canonical_url(uri), routed.url):
            return Skip.NOT_ARTICLE
        return None

    def wants_robots(self, uri: str) -> bool:
        """Whether ``uri`` is the robots.txt of a host some source allows (its rules are then learnt)."""
        match = _ORIGIN.match(uri)
        return match is not None and uri[match.end() :] == "/robots.txt" and bool(self.candidates(uri))

    def learn_robots(self, uri: str, status: int, body: bytes, content_type: str | None) -> None:
        """Keep the rules of a captured robots.txt (``etl.crawl.robots.rules_from_response``) for its origin's
        later records; a 4xx capture allows everything, other statuses change nothing."""
        match = _ORIGIN.match(uri)
        if match is not None and (status == 200 or 400 <= status < 500):
            rules = rules_from_response(status, body, content_type=content_type, robots_url=uri)
            self._robots[match.group().lower()] = rules

    def _by_base(self, candidates: Sequence[Source], url: str) -> Source | None:
        """The candidate whose base URL (or canonical base) is the longest prefix of ``url`` (canonical)."""
        best: tuple[int, Source] | None = None
        for source in candidates:
            for prefix in self._bases[source.name]:
                if url.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), source)
        return None if best is None else best[1]


@dataclass(frozen=True)
class _ArticleRule:
    """What a source's settings say its article URLs are: ``article_url_pattern`` (searched) and its
    ``archive_url`` day pages (``{date}`` as YYYY-MM-DD, at its address or its identity), never articles."""

    pattern: re.Pattern[str] | None
    archives: tuple[re.Pattern[str], ...]

    def is_article(self, *urls: str) -> bool:
        if any(archive.fullmatch(url) for archive in self.archives for url in urls):
            return False
        return self.pattern is None or any(self.pattern.search(url) for url in urls)


def _article_rule(source: Source) -> _ArticleRule:
    archives: tuple[re.Pattern[str], ...] = ()
    if source.archive_url is not None:
        day = "0000-00-00"
        address = canonical_url(source.archive_url.replace("{date}", day))
        bases = dict.fromkeys((address, identity_url(source, address)))
        archives = tuple(re.compile(re.escape(b).replace(re.escape(day), r"\d{4}-\d{2}-\d{2}")) for b in bases)
    pattern = re.compile(source.article_url_pattern) if source.article_url_pattern else None
    return _ArticleRule(pattern, archives)


def read_record(record: Any, offset: int, router: SourceRouter, max_bytes: int) -> Capture | Left:
    """The capture a source takes from one warcio record at byte ``offset``, or why none does.

    The headers decide first (type, host, status, ``WARC-Truncated``, ``Content-Type``); the payload is read
    (decoded, at most ``max_bytes + 1`` bytes) only for a record that passes them."""
    kind = record.rec_type
    if kind not in ("response", "revisit"):
        return Left(Skip.NOT_RESPONSE)
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
    if kind == "response" and router.wants_robots(uri):
        return _robots_txt(record, uri, router)
    routed = router.route(uri)
    if not isinstance(routed, Routed):
        return Left(routed)
    name = routed.source.name
    if kind == "revisit":
        return Left(Skip.REVISIT, name)
    http = record.http_headers
    if http is None:
        return Left(Skip.NOT_RESPONSE, name)
    status = _status(http.get_statuscode())
    if 300 <= status < 400:
        return Left(Skip.REDIRECT, name)
    if status != 200:
        return Left(Skip.HTTP_ERROR, name)
    if record.rec_headers.get_header("WARC-Truncated") or _short(record, http):
        return Left(Skip.TRUNCATED, name)
    content_type = http.get_header("Content-Type") or ""
    if content_type and not content_type.strip().lower().startswith(_HTML_TYPES):
        return Left(Skip.NOT_HTML, name)
    refused = router.refusal(routed, uri)
    if refused is not None:
        return Left(refused, name)
    captured = warc_date(record.rec_headers.get_header("WARC-Date"))
    if captured is None:
        return Left(Skip.BAD_DATE, name)
    try:
        body = record.content_stream().read(max_bytes + 1)
    except (zlib.error, OSError, ValueError, EOFError):
        return Left(Skip.BAD_ENCODING, name)
    if len(body) > max_bytes:
        return Left(Skip.TOO_LARGE, name)
    if binary_format(body):
        return Left(Skip.NOT_HTML, name)
    page = FetchedPage(
        source=name,
        requested_url=routed.url,
        final_url=routed.url,
        status=status,
        content=body,
        content_type=content_type,
        fetched_at=captured,
        elapsed_s=0.0,
        headers=tuple((str(k), str(v)) for k, v in http.headers),
    )
    return Capture(page, uri, offset)


def _robots_txt(record: Any, uri: str, router: SourceRouter) -> Left:
    """Learn the rules of a captured robots.txt (at most ``MAX_ROBOTS_BYTES``, RFC 9309's minimum) for the
    records after it; counted ``robots_txt``."""
    http = record.http_headers
    if http is not None:
        try:
            body = record.content_stream().read(MAX_ROBOTS_BYTES)
        except (zlib.error, OSError, ValueError, EOFError):
            return Left(Skip.ROBOTS_TXT)
        router.learn_robots(uri, _status(http.get_statuscode()), body, http.get_header("Content-Type"))
    return Left(Skip.ROBOTS_TXT)


def _status(code: object) -> int:
    try:
        return int(str(code))
    except ValueError:
        return 0


def _short(record: Any, http: Any) -> bool:
    """Whether the payload stored is shorter than the ``Content-Length`` the response declared (a capture cut
    short; never judged for a chunked payload, whose length the chunks give)."""
    declared = http.get_header("Content-Length")
    if not declared or (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        return False
    try:
        expected = int(declared)
    except ValueError:
        return False
    stored = int(record.length or 0) - int(http.total_len or 0)
    return stored < expected


def warc_date(text: str | None) -> datetime | None:
    """``WARC-Date`` (ISO 8601, ``2025-05-15T10:00:00Z``; an ARC's 14 digits ``20250515100000``) as a UTC
    datetime; None when it is missing or unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        if text.isdigit() and len(text) == 14:
            return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_url(location: str) -> bool:
    """Whether a WARC location is an http(s) URL (else it is a local path)."""
    return location.lower().startswith(("http://", "https://"))


class _Telling:
    """A read-only stream that knows its position in the file: ``start`` plus what was read since."""

    def __init__(self, read: Callable[[int], bytes], start: int) -> None:
        self._read = read
        self._position = start

    def read(self, size: int = -1) -> bytes:
        data = self._read(size)
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position


@dataclass(frozen=True)
class Opened:
    """An archive open for reading at byte ``start`` (0 when the server ignored a Range request: the
    reader skips records before the offset it asked for)."""

    stream: Any
    start: int


def http_session(settings: FetchSettings) -> requests.Session:
    """A session for archive files: the project's user agent, retries of connection errors and passing
    statuses with backoff (``FetchSettings.retries``, ``backoff_s``)."""
    session = requests.Session()
    session.headers["User-Agent"] = settings.user_agent
    retry = Retry(
        total=settings.retries,
        backoff_factor=settings.backoff_s,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


@contextmanager
def open_archive(location: str, offset: int, settings: FetchSettings) -> Iterator[Opened]:
    """Open a WARC file (local path or http(s) URL) to stream it from byte ``offset``: a local file is
    seeked, a URL asked for ``Range: bytes=<offset>-``. Raises ``ArchiveError`` when it cannot be opened."""
    if not is_url(location):
        with _opened_file(location) as handle:
            handle.seek(offset)
            yield Opened(handle, offset)
        return
    with http_session(settings) as session:
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            response = session.get(
                location,
                headers=headers,
                stream=True,
                timeout=(settings.connect_timeout_s, settings.read_timeout_s),
            )
        except requests.RequestException as exc:
            raise ArchiveError(f"cannot download {location}: {type(exc).__name__}: {_one_line(exc)}") from exc
        with response:
            if response.status_code not in (200, 206):
                raise ArchiveError(f"cannot download {location}: HTTP {response.status_code}")
            ranged = response.status_code == 206 and response.headers.get("Content-Range", "").startswith(
                f"bytes {offset}-"
            )
            start = offset if ranged else 0
            raw = response.raw

            def read(size: int) -> bytes:
                return bytes(raw.read(None if size < 0 else size, decode_content=False))

            yield Opened(_Telling(read, start), start)


@contextmanager
def _opened_file(location: str) -> Iterator[IO[bytes]]:
    try:
        handle = Path(location).open("rb")  # noqa: SIM115 (closed below; only the open's error is reworded)
    except OSError as exc:
        raise ArchiveError(f"cannot read {location}: {exc.strerror or exc}") from exc
    with handle:
        yield handle


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _StreamBroken(Exception):
    """The stream itself failed (connection dropped, disk error): what was read before it is good."""


class _Damaged(Exception):
    """A gzip member's deflate data cannot be decompressed past where it went wrong."""


class _Tape:
    """A read-only stream that knows its position (``start`` plus what was read), can look ahead without
    consuming (``peek``), and, reading the file itself (``raw``), turns a failure of the connection or disk
    into ``_StreamBroken`` so it is told apart from a damaged file."""

    def __init__(self, read: Callable[[int], bytes], start: int, *, raw: bool = True) -> None:
        self._read = read
        self._position = start
        self._ahead = b""
        self._raw = raw

    def _pull(self, size: int) -> bytes:
        if not self._raw:
            return self._read(size)
        try:
            return self._read(size)
        except (OSError, urllib3.exceptions.HTTPError) as exc:  # requests' errors are OSErrors
            raise _StreamBroken(describe_error(exc)) from exc

    def peek(self, size: int) -> bytes:
        """The next ``size`` bytes (fewer at the end), left to be read."""
        while len(self._ahead) < size:
            data = self._pull(size - len(self._ahead))
            if not data:
                break
            self._ahead += data
        return self._ahead[:size]

    def read(self, size: int = -1) -> bytes:
        if self._ahead:
            data = self._ahead if size < 0 else self._ahead[:size]
            self._ahead = self._ahead[len(data) :]
        else:
            data = self._pull(size)
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position


class _StrictReader(DecompressingBufferedReader):
    """warcio's reader, but a gzip member that fails to decompress part-way raises ``_Damaged`` (warcio
    writes the error to stderr and returns nothing, so the record after it fails with binary in its message)."""

    def _decompress(self, data: bytes) -> bytes:
        if self.decompressor is not None and data and self.num_block_read:
            try:
                return bytes(self.decompressor.decompress(data))
            except zlib.error as exc:
                raise _Damaged(describe_error(exc)) from exc
        return bytes(super()._decompress(data))


class _Records(ArchiveIterator):
    """warcio's iterator (ARC records as WARC) over ``_StrictReader``, its stderr warning about a record not
    followed by blank lines silenced (a damaged record is counted ``corrupt`` instead)."""

    INC_RECORD = ""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream, arc2warc=True)
        self.reader = _StrictReader(self.fh)


@dataclass(frozen=True)
class Read:
    """One record read: its byte ``offset``, its outcome, and ``end``, the offset of what follows it (where a
    resume starts). A ``corrupt`` outcome stands for the whole span from ``offset`` to ``end`` (the next
    readable record). Offsets are in the file as stored, except in a WARC gzipped as one whole stream
    (``gzip crawl.warc``), whose offsets are in its uncompressed text."""

    offset: int
    outcome: Capture | Left
    end: int


def read_archive(
    location: str, offset: int, settings: FetchSettings, router: SourceRouter, max_bytes: int
) -> Generator[Read, None, None]:
    """Every record of a WARC or ARC file (local path or http(s) URL) from byte ``offset`` on, read
    (``read_record``) and checked complete: a record whose stream ended before its ``Content-Length`` (a
    file cut short) is ``truncated``, never a capture.

    - gzip per record (the standard), uncompressed, or gzipped as one whole stream: the last is read
      decompressed from its first byte on, a resume re-reading it and skipping the records before ``offset``.
    - A record that cannot be read (a damaged gzip member, headers that are no WARC) is one ``corrupt``
      ``Read``, and reading goes on at the next gzip member (``1f 8b 08``) or uncompressed line that starts a
      WARC or ARC record; none after it: the corrupt span ends at the file's end.
    - Raises ``ArchiveError`` (one line, no raw bytes) when the file cannot be opened, does not start like a
      WARC or ARC file, or its stream breaks (connection dropped): every ``Read`` yielded before is complete.
    """
    logging.getLogger("warcio").setLevel(logging.ERROR)  # its per-record warnings: our counts say it once
    position, skip_below, skip_count, whole = offset, offset, 0, False
    while True:
        at = position
        with open_archive(location, 0 if whole else position, settings) as opened:
            tape = _Tape(opened.stream.read, opened.start)
            try:
                head = tape.peek(_LOOKAHEAD)
                source: Any = tape
                if whole:
                    source = _Tape(gzip.GzipFile(fileobj=cast(IO[bytes], tape), mode="rb").read, 0, raw=False)
                elif opened.start == 0 and not head:
                    raise NotAnArchive(f"{location}: not a WARC or ARC file (it is empty)")
                elif opened.start == 0 and not _starts_record(head):
                    raise NotAnArchive(f"{location}: not a WARC or ARC file (it begins {_clipped(repr(head[:60]))})")
                elif (
                    (not head or not _starts_record(head)) and position == offset and _gzipped_whole(location, settings)
                ):
                    whole = True  # a resume in a WARC gzipped whole: its offsets are uncompressed, read it again
                    continue
                elif not head:
                    return
                elif not _starts_record(head):
                    raise _Damaged(f"no record starts at byte {position:,}")
                records = _Records(source)
                count = 0
                try:
                    for record in records:
                        at = records.offset
                        count += 1
                        if at < skip_below or count <= skip_count:
                            records.read_to_end()
                            at = records.offset
                            continue
                        outcome = read_record(record, at, router, max_bytes)
                        records.read_to_end()
                        if getattr(record.raw_stream, "limit", 0) > 0 and isinstance(outcome, Capture):
                            outcome = Left(Skip.TRUNCATED, outcome.page.source)
                        yield Read(at, outcome, records.offset)
                        at = records.offset  # where the next record starts, should it fail to parse
                    return
                except ArchiveLoadFailed as exc:
                    if "non-chunked gzip" not in str(exc) or whole:
                        raise _Damaged(describe_error(exc)) from exc
                    whole, skip_count = True, count  # offsets read so far were not the file's: skip by count
                    continue
                finally:
                    records.close()
            except _StreamBroken as exc:
                raise ArchiveError(f"{location}: the stream broke after byte {tape.tell():,}: {exc}") from exc
            except (_Damaged, EOFError, ValueError, zlib.error, OSError) as exc:
                logger.info("%s: the record at byte %d cannot be read: %s", location, at, describe_error(exc))
                if whole:  # one stream: nothing after a damaged or cut part can be found again
                    reason = Skip.TRUNCATED if isinstance(exc, EOFError) else Skip.CORRUPT
                    yield Read(at, Left(reason), at)
                    return
        end, found = _next_record_start(location, at + 1, settings)
        yield Read(at, Left(Skip.CORRUPT), end)
        if not found:
            return
        position = skip_below = end
        skip_count = 0


def _starts_record(head: bytes) -> bool:
    """Whether ``head`` (the first bytes at a position) is a gzip member that decompresses to a WARC or ARC
    header line, or such a line uncompressed."""
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            return False
    else:
        head = head.lstrip(b"\r\n")
    return head.startswith(b"WARC/") or _ARC_HEADER.match(head) is not None


def _gzipped_whole(location: str, settings: FetchSettings) -> bool:
    """Whether the file is a WARC gzipped as one whole stream: its first gzip member holds a second record
    (a ``WARC/`` line after a blank one) within its first ``_WHOLE_PROBE`` bytes."""
    with open_archive(location, 0, settings) as opened:
        tape = _Tape(opened.stream.read, opened.start)
        try:
            if not tape.peek(3).startswith(_GZIP_MAGIC):
                return False
            inflate, text, read = zlib.decompressobj(31), b"", 0
            while read < _WHOLE_PROBE and not inflate.eof:
                chunk = tape.read(_SCAN_CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                text = text[-8:] + inflate.decompress(chunk)
                if b"\r\n\r\nWARC/" in text:
                    return True
        except (zlib.error, _StreamBroken):
            return False
    return False


def _next_record_start(location: str, start: int, settings: FetchSettings) -> tuple[int, bool]:
    """The offset of the first record start at or after ``start`` (``_starts_record``) and True, or the
    file's end and False."""
    with open_archive(location, start, settings) as opened:
        tape = _Tape(opened.stream.read, opened.start)
        try:
            if opened.start < start:
                tape.read(start - opened.start)
            base, buffer, checked, at_end = tape.tell(), b"", 0, False
            while True:
                while True:
                    found = [p for p in (buffer.find(_GZIP_MAGIC, checked), buffer.find(b"\nWARC/", checked)) if p >= 0]
                    if not found:
                        checked = max(checked, len(buffer) - 5)
                        break
                    candidate = min(found)
                    if not at_end and len(buffer) - candidate < _LOOKAHEAD:
                        break
                    if _starts_record(buffer[candidate : candidate + _LOOKAHEAD]):
                        if buffer[candidate : candidate + 1] == b"\n":
                            candidate += 1
                        return base + candidate, True
                    checked = candidate + 1
                if at_end:
                    return base + len(buffer), False
                chunk = tape.read(_SCAN_CHUNK)
                at_end = not chunk
                drop = max(0, min(checked, len(buffer) - _LOOKAHEAD))
                buffer, base, checked = buffer[drop:] + chunk, base + drop, checked - drop
        except _StreamBroken as exc:
            raise ArchiveError(f"{location}: the stream broke after byte {tape.tell():,}: {exc}") from exc


def _clipped(text: str) -> str:
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def describe_error(exc: BaseException) -> str:
    """An error as one line for a person: its type and message, any raw bytes in it escaped, at most
    ``_MAX_ERROR_CHARS`` characters of message."""
    text = " ".join(str(exc).split())
    if not text.isprintable() or "\\x" in text:
        text = ascii(text)[1:-1]
    return f"{type(exc).__name__}: {_clipped(text)}" if text else type(exc).__name__


def source_hosts(source: Source) -> tuple[str, ...]:
    """The hosts whose records are a source's: its allowed hosts and its canonical base's host."""
    hosts = list(source.allowed_hosts)
    if source.canonical_base_url is not None:
        hosts.append(host_of(source.canonical_base_url))
    return tuple(dict.fromkeys(hosts))
