"""Fetch pages politely and defensively: every outcome is a ``FetchedPage`` or a ``Failure`` with a reason.

Reads ``FetchSettings``: ``user_agent``; ``connect_timeout_s`` and ``read_timeout_s`` per request and
``total_timeout_s`` per page, checked while the body streams (a body trickling slower than the read timeout
is cut there); ``retries``, ``backoff_s`` and ``backoff_jitter_s`` (urllib3 retries with exponential backoff
and jitter on connection errors, 429 and 5xx, never on 403 or 404); ``retry_after_max_s`` (a longer
``Retry-After`` fails the page at once; on a 429 it also defers the host for the rest of the run); ``max_bytes`` (the
decoded body is streamed and cut there, so gzip bombs stop too); ``max_redirects``; ``max_crawl_delay_s``;
``concurrency`` (pool size). From the ``Source``: ``allowed_hosts`` (a URL or redirect elsewhere is never
requested: no server-side request forgery through a sitemap or a redirect) and ``min_delay_s`` (per-host
rate limit, raised to a robots ``Crawl-delay``).

robots.txt governs every request: articles (``fetch_page``), discovery documents (``fetch_document``:
sitemaps, feeds, archive pages) and every redirect hop; it is read before the first request to its origin,
and that request counts against its ``Crawl-delay``, so the delay spaces requests from the first on.

Where a request may go (server-side request forgery): every URL, the first and each redirect's, is read by
``etl.crawl.urls.parse_web_url`` (the parser the connection uses; a URL another parser reads differently is
refused before any connection), its host must be on the allow-list, and it is requested as listed (requests'
re-quoting is bypassed). Each connection, a urllib3 retry's too, then checks the addresses the host resolved
to (``AddressGuard``): a loopback, private, link-local or other non-public address only when an allowed host
names it literally (or is ``localhost``), so a DNS name never leads inside. Behind a proxy from the
environment the proxy resolves names; the allow-list still holds.

Reasons: ``http_<status>``, ``timeout``, ``connection_error``, ``truncated``, ``too_large``,
``bad_encoding``, ``not_html``, ``redirect_loop``, ``too_many_redirects``, ``offsite_redirect``,
``offsite_url``, ``robots_disallowed``, ``robots_unavailable``, ``crawl_delay_too_long``, ``host_deferred``,
``request_error``, ``bad_url``, ``forbidden_address``. ``is_retryable`` says which a later run may cure.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    InvalidHeader,
    MaxRetryError,
    NameResolutionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.poolmanager import PoolManager
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from etl.config import FetchSettings
from etl.crawl.ratelimit import HostRateLimiter
from etl.crawl.robots import RobotsRules, rules_from_response
from etl.crawl.urls import BadUrl, WebUrl, fold_netloc, host_of, ip_literal, parse_web_url, resolve_url
from etl.reasons import RETRY_STATUSES, Reason, http_reason
from etl.records import Failure, FetchedPage, Source

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_READ_CHUNK = 65536


def retry_after_s(header: str | None) -> float | None:
    """Seconds a ``Retry-After`` header (seconds or HTTP date) asks to wait; None when absent or invalid."""
    if not header:
        return None
    try:
        return Retry.parse_retry_after(Retry(retry_after_max=10**9), header)
    except InvalidHeader:
        return None


class Fetcher:
    """Fetches URLs of one source for one run: robots.txt cached per origin, requests spaced per host."""

    def __init__(self, settings: FetchSettings, source: Source, limiter: HostRateLimiter | None = None) -> None:
        self.settings = settings
        self.source = source
        hosts = source.allowed_hosts or (host_of(source.base_url),)
        self.allowed_hosts = tuple(folded for folded in map(fold_netloc, hosts) if folded)
        guard = AddressGuard.for_hosts(self.allowed_hosts)
        self.session = make_session(settings, source.concurrency or settings.concurrency, guard)
        self.limiter = limiter or HostRateLimiter()
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._deferred: dict[str, str] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    def robots_refusal(self, url: str) -> str | None:
        """Why robots.txt of the URL's origin keeps us from fetching it now, or None."""
        return self._rules(url).refusal(url, self.settings.user_agent, self.settings.max_crawl_delay_s)

    def _rules(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one robots.txt request per origin; other origins do not wait for it
            if origin not in self._robots:
                robots_url = f"{origin}/robots.txt"
                result = self.get(robots_url, expect_html=False)
                if isinstance(result, FetchedPage):
                    rules = rules_from_response(
                        result.status, result.content, content_type=result.content_type, robots_url=robots_url
                    )
                else:
                    rules = rules_from_response(result.http_status, None, result.reason, robots_url=robots_url)
                    if rules.unavailable is not None:  # recorded on each URL it defers; the run names it
                        logger.info("robots.txt of %s unavailable (%s): deferring the host", origin, result.reason)
                self._robots[origin] = rules
                self._space_after_robots(robots_url, rules)
            return self._robots[origin]

    def _space_after_robots(self, robots_url: str, rules: RobotsRules) -> None:
        """Count the robots.txt request against the host's Crawl-delay, so the request after it waits too.

        robots.txt itself was spaced by ``min_delay_s`` only (its Crawl-delay was not known yet); reserving
        the difference now makes the gap to the next request the full Crawl-delay. A delay over
        ``max_crawl_delay_s`` refuses the host instead, so nothing waits for it.
        """
        crawl_delay = rules.crawl_delay(self.settings.user_agent)
        extra = crawl_delay - max(self.source.min_delay_s, 0.0)
        target = parse_web_url(robots_url)
        if extra > 0 and crawl_delay <= self.settings.max_crawl_delay_s and not isinstance(target, BadUrl):
            self.limiter.wait(target.netloc, extra)

    def robots_sitemaps(self, url: str) -> tuple[str, ...]:
        """The ``Sitemap:`` URLs of the robots.txt of ``url``'s origin (read now if it was not yet)."""
        return self._rules(url).sitemaps

    def fetch_page(self, url: str, previous: FetchedPage | None = None) -> FetchedPage | Failure:
        """Fetch an article page, honouring robots.txt and requiring HTML.

        ``previous`` is the stored version of the page: its ETag / Last-Modified make the request
        conditional, and a 304 returns it (``not_modified``) instead of a new body.
        """
        target = parse_web_url(url)
        if isinstance(target, BadUrl):
            return self._failure(url, Reason.BAD_URL, None, target.why)
        if target.netloc not in self.allowed_hosts:
            return self._failure(url, Reason.OFFSITE_URL, None, url)
        refusal = self.robots_refusal(target.url)
        if refusal is not None:
            return self._failure(url, refusal, None)
        return self.get(url, expect_html=True, previous=previous)

    def fetch_document(self, url: str) -> FetchedPage | Failure:
        """Fetch a discovery document (sitemap, feed, archive page) as ``fetch_page`` fetches an article: on an
        allowed host and only when robots.txt allows it (read before the first request to its host, so its
        Crawl-delay spaces every request), any Content-Type."""
        target = parse_web_url(url)
        if isinstance(target, BadUrl):
            return self._failure(url, Reason.BAD_URL, None, target.why)
        if target.netloc not in self.allowed_hosts:
            return self._failure(url, Reason.OFFSITE_URL, None, url)
        refusal = self.robots_refusal(target.url)
        if refusal is not None:
            return self._failure(url, refusal, None)
        return self.get(url, expect_html=False)

    def get(self, url: str, *, expect_html: bool, previous: FetchedPage | None = None) -> FetchedPage | Failure:
        """GET ``url`` as listed, with retries and limits, following allowed redirects; never raises for network
        trouble or a bad URL (``bad_url``, ``offsite_url``, ``offsite_redirect``, ``forbidden_address``, ...)."""
        started = time.monotonic()
        deadline = started + self.settings.total_timeout_s
        target = parse_web_url(url)
        if isinstance(target, BadUrl):
            return self._failure(url, Reason.BAD_URL, None, target.why)
        seen = {target.url}  # a loop repeats a URL exactly; canonical forms would call /x?print -> /x?print= one
        try:
            for hop in range(self.settings.max_redirects + 1):
                if target.netloc not in self.allowed_hosts:
                    reason = Reason.OFFSITE_REDIRECT if hop else Reason.OFFSITE_URL
                    return self._failure(url, reason, None, target.url)
                if hop and not _is_robots_txt(url) and (refusal := self.robots_refusal(target.url)):
                    return self._failure(url, refusal, None, target.url)
                deferred = self._deferred.get(target.netloc)
                if deferred is not None:
                    return self._failure(url, Reason.HOST_DEFERRED, None, deferred)
                self.limiter.wait(target.netloc, self._delay(target.url))
                if time.monotonic() > deadline:
                    return self._failure(url, Reason.TIMEOUT, None, "total deadline passed before the request")
                with self._send(target, _conditional_headers(previous) if hop == 0 else {}) as response:
                    if response.is_redirect:
                        location = _location(response)
                        following = parse_web_url(resolve_url(target.url, location))
                        if isinstance(following, BadUrl):
                            reason = Reason.OFFSITE_REDIRECT if following.ambiguous else Reason.BAD_URL
                            return self._failure(url, reason, response.status_code, f"to {location!r}: {following.why}")
                        if following.url in seen:
                            return self._failure(url, Reason.REDIRECT_LOOP, response.status_code, following.url)
                        seen.add(following.url)
                        target = following
                        continue
                    return self._outcome(url, response, expect_html, previous, started, deadline)
            return self._failure(url, Reason.TOO_MANY_REDIRECTS, None, f"more than {self.settings.max_redirects}")
        except AddressRefused as exc:
            return self._failure(url, Reason.FORBIDDEN_ADDRESS, None, str(exc))
        except requests.exceptions.RetryError as exc:
            return self._failure(url, Reason.TOO_MANY_RETRIES, None, str(exc))
        except requests.exceptions.Timeout as exc:
            return self._failure(url, Reason.TIMEOUT, None, str(exc))
        except requests.exceptions.ConnectionError as exc:
            reason = Reason.TIMEOUT if _is_read_timeout(exc) else Reason.CONNECTION_ERROR
            return self._failure(url, reason, None, str(exc))
        except requests.exceptions.RequestException as exc:
            return self._failure(url, Reason.REQUEST_ERROR, None, str(exc))

    def _send(self, target: WebUrl, headers: dict[str, str]) -> requests.Response:
        """One GET of ``target.url`` exactly, through the session's adapter.

        The URL is set on the request after requests prepared it, since requests re-quotes it (``requote_uri``
        unquotes ``%7E`` and escapes every ``%`` of a URL when one starts no escape); urllib3 sends the target
        as it is, upper-casing escape hex digits only. The adapter is called directly because
        ``Session.send`` parses a redirect's Location itself (and raises on ``http://[::1``); redirects
        are ours to read. Cookies the site sets are kept in the session as ``Session.send`` would.
        """
        prepared = self.session.prepare_request(requests.Request("GET", target.url, headers=headers))
        prepared.url = target.url
        environment = self.session.merge_environment_settings(target.url, {}, True, None, None)
        timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
        response = self.session.get_adapter(target.url).send(prepared, timeout=timeout, **environment)
        extract_cookies_to_jar(self.session.cookies, prepared, response.raw)
        return response

    def _outcome(
        self,
        url: str,
        response: requests.Response,
        expect_html: bool,
        previous: FetchedPage | None,
        started: float,
        deadline: float,
    ) -> FetchedPage | Failure:
        status = response.status_code
        if status == 304 and previous is not None:
            return replace(previous, requested_url=url, not_modified=True, elapsed_s=time.monotonic() - started)
        if status != 200:
            return self._failure(url, http_reason(status), status, self._defer_if_asked(response))
        content_type = response.headers.get("Content-Type", "")
        if expect_html and content_type and not content_type.lower().startswith(_HTML_TYPES):
            return self._failure(url, Reason.NOT_HTML, status, content_type)
        body, problem = read_limited(response, self.settings.max_bytes, deadline)
        if problem is not None:
            return self._failure(url, problem, status, f"after {len(body)} bytes")
        return FetchedPage(
            source=self.source.name,
            requested_url=url,
            final_url=response.url,
            status=status,
            content=body,
            content_type=content_type,
            fetched_at=datetime.now(UTC),
            elapsed_s=time.monotonic() - started,
            headers=tuple(response.headers.items()),
        )

    def _defer_if_asked(self, response: requests.Response) -> str:
        """Explain a Retry-After beyond our cap; on a 429 (the host's rate limit) defer the host for the run.

        A 503 beyond the cap fails only its page: sites answer 503 for one broken page as well as for all.
        """
        wait_s = retry_after_s(response.headers.get("Retry-After"))
        if wait_s is None or wait_s <= self.settings.retry_after_max_s:
            return ""
        detail = f"Retry-After {wait_s:.0f} s exceeds the cap of {self.settings.retry_after_max_s} s"
        if response.status_code == 429:
            self._deferred[host_of(response.url)] = f"{detail} (429)"
        return detail

    def _delay(self, url: str) -> float:
        rules = self._robots.get(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
        crawl_delay = rules.crawl_delay(self.settings.user_agent) if rules else 0.0
        return max(self.source.min_delay_s, crawl_delay)

    def _failure(self, url: str, reason: str, status: int | None, detail: str = "") -> Failure:
        return Failure(
            source=self.source.name,
            url=url,
            stage="fetch",
            reason=reason,
            http_status=status,
            at=datetime.now(UTC),
            detail=detail,
        )


class PoliteRetry(Retry):
    """urllib3 retries that give up at once when the server asks to wait longer than we are willing to.

    Waiting part of a long Retry-After and asking again would ignore the server's request anyway; the page
    is recorded as failed, its host deferred, and the next run tries again.
    """

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        header = response.headers.get("Retry-After") if response is not None else None
        wait_s = retry_after_s(header) if self.respect_retry_after_header else None
        if wait_s is not None and wait_s > self.retry_after_max:
            # urllib3 passes the pool it has, possibly None, as here; its stubs say a pool is required.
            raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {header} exceeds the cap"))  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


def make_session(settings: FetchSettings, pool_size: int | None, guard: AddressGuard) -> requests.Session:
    """A session with pooled connections and urllib3 retries as the settings say, whose connections reach only
    the addresses ``guard`` allows."""
    retry = PoliteRetry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        redirect=False,
        backoff_factor=settings.backoff_s,
        backoff_jitter=settings.backoff_jitter_s if settings.backoff_s > 0 else 0.0,
        backoff_max=settings.backoff_max_s,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=settings.retry_after_max_s,
        raise_on_status=False,
    )
    size = max(1, pool_size or settings.concurrency)
    adapter = _GuardedAdapter(guard, max_retries=retry, pool_connections=4, pool_maxsize=size)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    session.max_redirects = settings.max_redirects
    return session


class AddressRefused(Exception):
    """A connection would reach an address its source does not allow. Raised where urllib3 connects, so
    neither urllib3 nor requests retries or wraps it; ``Fetcher.get`` makes it a ``forbidden_address``."""


@dataclass(frozen=True)
class AddressGuard:
    """Which resolved addresses a source's connections may reach (a pure policy).

    Any public address. A loopback, private, link-local, shared, reserved or multicast address only when an
    allowed host is that address written literally with that port (``127.0.0.1:8765``: our demo and tests),
    or, for a loopback address, when an allowed host is ``localhost`` (loopback by definition, RFC 6761) with
    that port. So a DNS name of an allowed host that resolves inside (a rebinding, a wrong record) is refused.
    An allowed host without a port stands for ports 80 and 443.
    """

    literal: frozenset[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int | None]]
    loopback_ports: frozenset[int | None]

    @classmethod
    def for_hosts(cls, allowed_hosts: tuple[str, ...]) -> AddressGuard:
        """The guard of an allow-list of folded hosts (``etl.crawl.urls.fold_netloc``)."""
        literal = set()
        loopback_ports = set()
        for entry in allowed_hosts:
            parsed = parse_web_url(f"http://{entry}/")
            if isinstance(parsed, BadUrl):
                continue
            address = ip_literal(parsed.host)
            if address is not None:
                literal.add((address, parsed.port))
            elif parsed.host == "localhost" or parsed.host.endswith(".localhost"):
                loopback_ports.add(parsed.port)
        return cls(frozenset(literal), frozenset(loopback_ports))

    def refusal(self, address: str, port: int) -> str | None:
        """Why a connection to ``address`` (as resolved) on ``port`` is refused, or None."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_global and not ip.is_multicast:
            return None
        ports = (port, None) if port in (80, 443) else (port,)
        if any((ip, allowed) in self.literal for allowed in ports):
            return None
        if ip.is_loopback and any(allowed in self.loopback_ports for allowed in ports):
            return None
        return f"{address} is not a public address and no allowed host names it"


def _guarded_connection(
    conn: HTTPConnection, guard: AddressGuard, connect: Callable[[], socket.socket]
) -> socket.socket:
    """Resolve the host once, refuse it when any address is not allowed, then connect to the checked
    addresses themselves (in resolver order), so a second lookup cannot answer differently."""
    name = conn._dns_host
    try:
        found = socket.getaddrinfo(name, conn.port, 0, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for address in addresses:
        refusal = guard.refusal(address, conn.port)
        if refusal is not None:
            raise AddressRefused(f"{conn.host} resolves to {refusal}")
    error: ConnectTimeoutError | None = None
    for address in addresses:
        conn._dns_host = address
        try:
            return connect()
        except ConnectTimeoutError as exc:
            error = exc
        finally:
            conn._dns_host = name
    assert error is not None  # getaddrinfo returns at least one address or raises
    raise error


class _GuardedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, address_guard: AddressGuard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address_guard = address_guard

    def _new_conn(self) -> socket.socket:
        return _guarded_connection(self, self.address_guard, super()._new_conn)


class _GuardedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, address_guard: AddressGuard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address_guard = address_guard

    def _new_conn(self) -> socket.socket:
        return _guarded_connection(self, self.address_guard, super()._new_conn)


class _GuardedPoolManager(PoolManager):
    """A pool manager whose pools make guarded connections."""

    def __init__(self, guard: AddressGuard, **kwargs: Any) -> None:
        self.address_guard = guard
        super().__init__(**kwargs)

    def _new_pool(
        self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None
    ) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = _GuardedHTTPSConnection if scheme == "https" else _GuardedHTTPConnection
        pool.conn_kw["address_guard"] = self.address_guard
        return pool


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter over a ``_GuardedPoolManager``."""

    def __init__(self, guard: AddressGuard, **kwargs: Any) -> None:
        self.address_guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = _GuardedPoolManager(
            self.address_guard, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )


def _location(response: requests.Response) -> str:
    """The Location header as the server wrote it: http.client reads headers as Latin-1, servers send UTF-8."""
    location = response.headers["Location"]
    try:
        return location.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return location


def _is_robots_txt(url: str) -> bool:
    """Whether ``url`` is a robots.txt: its redirects are followed without asking robots.txt (RFC 9309 2.3.1.2)."""
    return urlsplit(url).path == "/robots.txt"


def _conditional_headers(previous: FetchedPage | None) -> dict[str, str]:
    if previous is None:
        return {}
    headers = {}
    if etag := previous.header("ETag"):
        headers["If-None-Match"] = etag
    if last_modified := previous.header("Last-Modified"):
        headers["If-Modified-Since"] = last_modified
    return headers


def _is_read_timeout(exc: requests.exceptions.ConnectionError) -> bool:
    """requests reports a read timeout (after retries) as a ConnectionError."""
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    return isinstance(cause, ReadTimeoutError)


def read_limited(response: requests.Response, max_bytes: int, deadline: float) -> tuple[bytes, str | None]:
    """The decoded body and None, or what was read and why reading stopped (``too_large``, ``timeout``, ...).

    ``read1`` returns as soon as any bytes arrive (at most one chunk, decoded), so the deadline is checked
    however slowly the body drips and the decoded size however well it compresses.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.raw.read1(_READ_CHUNK, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                return b"".join(chunks), Reason.TOO_LARGE
            chunks.append(chunk)
            if time.monotonic() > deadline:
                return b"".join(chunks), Reason.TIMEOUT
    except ReadTimeoutError:
        return b"".join(chunks), Reason.TIMEOUT
    except ProtocolError:
        return b"".join(chunks), Reason.TRUNCATED
    except DecodeError:
        return b"".join(chunks), Reason.BAD_ENCODING
    return b"".join(chunks), None
