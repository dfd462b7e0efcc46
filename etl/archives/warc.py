"""Read WARC and ARC files (gzip or not) as a stream of captures a source takes, and the rest counted by reason.

warcio parses the records; nothing here holds a file, or even a record's payload, longer than the record it
reads: a file is read from a local path or over HTTP (``requests``, ``stream=True``) one buffer at a time.
Which source a record belongs to is decided from its ``WARC-Target-URI`` header before its payload is read
(``SourceRouter``: a cached look-up of the URL's scheme and host, the full URL parse only for hosts a source
allows), so a file where few records belong to a source costs about what warcio's own iteration costs.

A record is taken when it is a ``response`` of status 200 with an HTML payload (``Content-Type`` text/html or
application/xhtml+xml, or none; a body that starts like a PDF, an image or an archive is not), on a host a
source allows (``Source.allowed_hosts``, and the host of its ``canonical_base_url``), complete and at most
``FetchSettings.max_bytes`` decoded. Its page is filed under the source's identity URL
(``etl.sources.identity_url``) with the capture time (``WARC-Date``) as ``fetched_at``. Every other record is
a ``Left`` with one of the ``Skip`` reasons.

Where several sources allow one host (the demo editions share 127.0.0.1:8765), the source whose
``base_url`` (or ``canonical_base_url``) is the longest prefix of the URL takes it; a URL under none of
them is ``ambiguous_host``.

Reads ``FetchSettings`` (``max_bytes``, timeouts, retries, ``user_agent``) for HTTP and payload limits.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from etl.config import FetchSettings
from etl.crawl.urls import BadUrl, canonical_url, host_of, parse_web_url
from etl.extract.charset import binary_format
from etl.reasons import RETRY_STATUSES
from etl.records import FetchedPage, Source
from etl.sources import identity_url

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
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


class ArchiveError(RuntimeError):
    """A WARC file cannot be opened or read on (missing, HTTP error, corrupt); the message is one line."""


@dataclass(frozen=True)
class Capture:
    """A record a source took: its page (identity URL, capture time as ``fetched_at``), the URL as the record
    names it, and the record's byte offset in its file (compressed, as stored)."""

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

    def __init__(self, sources: Sequence[Source], wanted: Collection[str]) -> None:
        self._wanted = frozenset(wanted)
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

    def _by_base(self, candidates: Sequence[Source], url: str) -> Source | None:
        """The candidate whose base URL (or canonical base) is the longest prefix of ``url`` (canonical)."""
        best: tuple[int, Source] | None = None
        for source in candidates:
            for prefix in self._bases[source.name]:
                if url.startswith(prefix) and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), source)
        return None if best is None else best[1]


def read_record(record: Any, offset: int, router: SourceRouter, max_bytes: int) -> Capture | Left:
    """The capture a source takes from one warcio record at byte ``offset``, or why none does.

    The headers decide first (type, host, status, ``WARC-Truncated``, ``Content-Type``); the payload is read
    (decoded, at most ``max_bytes + 1`` bytes) only for a record that passes them."""
    kind = record.rec_type
    if kind not in ("response", "revisit"):
        return Left(Skip.NOT_RESPONSE)
    uri = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<> ")
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


def source_hosts(source: Source) -> tuple[str, ...]:
    """The hosts whose records are a source's: its allowed hosts and its canonical base's host."""
    hosts = list(source.allowed_hosts)
    if source.canonical_base_url is not None:
        hosts.append(host_of(source.canonical_base_url))
    return tuple(dict.fromkeys(hosts))
