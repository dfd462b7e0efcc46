"""Fetch pages politely: one pooled ``requests`` session per source, retries, timeouts, robots.txt.

Reads ``FetchSettings``: ``user_agent``, ``connect_timeout_s``, ``read_timeout_s``, ``retries`` and
``backoff_s`` (urllib3 retries with exponential backoff on connection errors, 429 and 5xx), and
``retry_after_max_s`` (a Retry-After up to this is honoured; a longer one fails the page at once),
``max_bytes`` (bodies are streamed and cut off there) and ``concurrency`` (pool size).

Every outcome is a value: a ``FetchedPage`` or a ``Failure`` with a short reason (``http_503``,
``timeout``, ``connection_error``, ``too_large``, ``not_html``, ``robots_disallowed``, ...).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urlsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import InvalidHeader, MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from etl.config import FetchSettings
from etl.records import Failure, FetchedPage, Source

logger = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class Fetcher:
    """Fetches URLs of one source; caches robots.txt per origin for its lifetime (one run)."""

    def __init__(self, settings: FetchSettings, source: Source) -> None:
        self.settings = settings
        self.source = source
        self.session = make_session(settings)
        self._robots: dict[str, Protego | None] = {}

    def close(self) -> None:
        self.session.close()

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt of the URL's origin lets our user agent fetch it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(url, self.settings.user_agent)

    def _load_robots(self, origin: str) -> Protego | None:
        result = self.get(f"{origin}/robots.txt", expect_html=False)
        if isinstance(result, FetchedPage):
            return Protego.parse(result.content.decode("utf-8", errors="replace"))
        if result.http_status is not None and 400 <= result.http_status < 500:
            return None  # RFC 9309: an unavailable robots.txt (4xx) allows everything
        logger.warning("robots.txt of %s unreachable (%s): treating the site as disallowed", origin, result.reason)
        return Protego.parse("User-agent: *\nDisallow: /")

    def fetch_page(self, url: str) -> FetchedPage | Failure:
        """Fetch an article page, honouring robots.txt and requiring HTML."""
        if not self.allowed_by_robots(url):
            return self._failure(url, "robots_disallowed", None)
        return self.get(url, expect_html=True)

    def get(self, url: str, *, expect_html: bool) -> FetchedPage | Failure:
        """GET ``url`` with retries and limits; never raises for network or HTTP trouble."""
        started = time.monotonic()
        timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
        try:
            with self.session.get(url, timeout=timeout, stream=True) as response:
                if response.status_code != 200:
                    return self._failure(url, f"http_{response.status_code}", response.status_code)
                content_type = response.headers.get("Content-Type", "")
                if expect_html and content_type and not content_type.lower().startswith(_HTML_TYPES):
                    return self._failure(url, "not_html", 200, content_type)
                body = _read_limited(response, self.settings.max_bytes)
                if body is None:
                    return self._failure(url, "too_large", 200, f"over {self.settings.max_bytes} bytes")
                return FetchedPage(
                    source=self.source.name,
                    requested_url=url,
                    final_url=response.url,
                    status=response.status_code,
                    content=body,
                    content_type=content_type,
                    fetched_at=datetime.now(UTC),
                    elapsed_s=time.monotonic() - started,
                )
        except requests.exceptions.RetryError as exc:
            return self._failure(url, "too_many_retries", None, str(exc))
        except requests.exceptions.TooManyRedirects as exc:
            return self._failure(url, "redirect_loop", None, str(exc))
        except requests.exceptions.Timeout as exc:
            return self._failure(url, "timeout", None, str(exc))
        except requests.exceptions.ConnectionError as exc:
            reason = "timeout" if _is_read_timeout(exc) else "connection_error"
            return self._failure(url, reason, None, str(exc))
        except requests.exceptions.RequestException as exc:
            return self._failure(url, "request_error", None, str(exc))

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
    is recorded as failed and the next run tries again.
    """

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Retry:
        header = response.headers.get("Retry-After") if response is not None else None
        if header and self.respect_retry_after_header:
            try:
                wait_s = Retry.parse_retry_after(self.new(retry_after_max=10**9), header)
            except InvalidHeader:
                wait_s = 0.0
            if wait_s > self.retry_after_max:
                raise MaxRetryError(_pool, url, ResponseError(f"Retry-After {header} exceeds the cap"))
        return super().increment(method, url, response, error, _pool, _stacktrace)


def make_session(settings: FetchSettings) -> requests.Session:
    """A session with pooled connections and urllib3 retries as the settings say."""
    retry = PoliteRetry(
        total=settings.retries,
        connect=settings.retries,
        read=settings.retries,
        status=settings.retries,
        backoff_factor=settings.backoff_s,
        backoff_max=30.0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=settings.retry_after_max_s,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=max(4, settings.concurrency))
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = settings.user_agent
    session.max_redirects = 5
    return session


def _is_read_timeout(exc: requests.exceptions.ConnectionError) -> bool:
    """requests reports a read timeout (after retries, or while streaming the body) as a ConnectionError."""
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    return isinstance(cause, ReadTimeoutError)


def _read_limited(response: requests.Response, max_bytes: int) -> bytes | None:
    """The decoded body, or None when it exceeds ``max_bytes`` (checked while streaming)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
