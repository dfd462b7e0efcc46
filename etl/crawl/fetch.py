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

Reasons: ``http_<status>``, ``timeout``, ``connection_error``, ``truncated``, ``too_large``,
``bad_encoding``, ``not_html``, ``redirect_loop``, ``too_many_redirects``, ``offsite_redirect``,
``offsite_url``, ``robots_disallowed``, ``robots_unavailable``, ``crawl_delay_too_long``, ``host_deferred``,
``request_error``. ``is_retryable`` says which a later run may cure.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import (
    DecodeError,
    InvalidHeader,
    MaxRetryError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from etl.config import FetchSettings
from etl.crawl.ratelimit import HostRateLimiter
from etl.crawl.robots import RobotsRules, rules_from_response
from etl.crawl.urls import canonical_url, host_of, is_allowed
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
        self.allowed_hosts = source.allowed_hosts or (host_of(source.base_url),)
        self.session = make_session(settings, source.concurrency or settings.concurrency)
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
                result = self.get(f"{origin}/robots.txt", expect_html=False)
                if isinstance(result, FetchedPage):
                    rules = rules_from_response(result.status, result.content)
                else:
                    rules = rules_from_response(result.http_status, None, result.reason)
                    if rules.unavailable is not None:
                        logger.warning("robots.txt of %s unavailable (%s): deferring the host", origin, result.reason)
                self._robots[origin] = rules
            return self._robots[origin]

    def fetch_page(self, url: str, previous: FetchedPage | None = None) -> FetchedPage | Failure:
        """Fetch an article page, honouring robots.txt and requiring HTML.

        ``previous`` is the stored version of the page: its ETag / Last-Modified make the request
        conditional, and a 304 returns it (``not_modified``) instead of a new body.
        """
        if not is_allowed(url, self.allowed_hosts):
            return self._failure(url, Reason.OFFSITE_URL, None, url)
        refusal = self.robots_refusal(url)
        if refusal is not None:
            return self._failure(url, refusal, None)
        return self.get(url, expect_html=True, previous=previous)

    def get(self, url: str, *, expect_html: bool, previous: FetchedPage | None = None) -> FetchedPage | Failure:
        """GET ``url`` with retries and limits, following allowed redirects; never raises for network trouble."""
        started = time.monotonic()
        deadline = started + self.settings.total_timeout_s
        current = url
        seen = {canonical_url(url)}
        try:
            for _hop in range(self.settings.max_redirects + 1):
                if not is_allowed(current, self.allowed_hosts):
                    reason = Reason.OFFSITE_REDIRECT if current != url else Reason.OFFSITE_URL
                    return self._failure(url, reason, None, current)
                if current != url and expect_html and (refusal := self.robots_refusal(current)):
                    return self._failure(url, refusal, None, current)
                deferred = self._deferred.get(host_of(current))
                if deferred is not None:
                    return self._failure(url, Reason.HOST_DEFERRED, None, deferred)
                self.limiter.wait(host_of(current), self._delay(current))
                if time.monotonic() > deadline:
                    return self._failure(url, Reason.TIMEOUT, None, "total deadline passed before the request")
                headers = _conditional_headers(previous) if current == url else {}
                timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
                with self.session.get(
                    current, timeout=timeout, stream=True, allow_redirects=False, headers=headers
                ) as response:
                    if response.is_redirect:
                        target = urljoin(current, response.headers["Location"])
                        if canonical_url(target) in seen:
                            return self._failure(url, Reason.REDIRECT_LOOP, response.status_code, target)
                        seen.add(canonical_url(target))
                        current = target
                        continue
                    return self._outcome(url, response, expect_html, previous, started, deadline)
            return self._failure(url, Reason.TOO_MANY_REDIRECTS, None, f"more than {self.settings.max_redirects}")
        except requests.exceptions.RetryError as exc:
            return self._failure(url, Reason.TOO_MANY_RETRIES, None, str(exc))
        except requests.exceptions.Timeout as exc:
            return self._failure(url, Reason.TIMEOUT, None, str(exc))
        except requests.exceptions.ConnectionError as exc:
            reason = Reason.TIMEOUT if _is_read_timeout(exc) else Reason.CONNECTION_ERROR
            return self._failure(url, reason, None, str(exc))
        except requests.exceptions.RequestException as exc:
            return self._failure(url, Reason.REQUEST_ERROR, None, str(exc))

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


def make_session(settings: FetchSettings, pool_size: int | None = None) -> requests.Session:
    """A session with pooled connections and urllib3 retries as the settings say."""
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
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=size)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    session.max_redirects = settings.max_redirects
    return session


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
