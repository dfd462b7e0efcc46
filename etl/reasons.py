"""Why a URL did not become an article: every failure reason the pipeline records, and which of them pass.

A reason is stored as text (``fetch_failures.reason``) and read by people and by SQL, so the members are
their own text. HTTP errors are ``http_<status>`` (``http_404``, ``http_503``), made by ``http_reason``.
``RETRYABLE`` beside the enum is the one list of reasons a later run may see pass (the retry policy in
``etl.crawl.retries`` and its SQL read it from here), so a new reason is retryable or not in one place.
"""

from __future__ import annotations

from enum import StrEnum

# Statuses whose error may pass: urllib3 retries them within a fetch, later runs fetch the URL again.
RETRY_STATUSES = (429, 500, 502, 503, 504)


class Reason(StrEnum):
    """A failure reason; the member's value is what the warehouse stores."""

    # discover
    BAD_XML = "bad_xml"
    BAD_FEED = "bad_feed"
    NOT_A_SITEMAP = "not_a_sitemap"  # XML, but neither a urlset nor a sitemapindex
    NO_SITEMAP = "no_sitemap"  # the source names no sitemap_url and its robots.txt lists no Sitemap: line
    # fetch: the network and the server
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    REQUEST_ERROR = "request_error"
    TRUNCATED = "truncated"
    TOO_LARGE = "too_large"
    BAD_ENCODING = "bad_encoding"
    TOO_MANY_RETRIES = "too_many_retries"
    HOST_DEFERRED = "host_deferred"
    NOT_HTML = "not_html"
    # fetch: where a request may go
    BAD_URL = "bad_url"  # unparseable, too long, or read as another host by another parser (etl.crawl.urls)
    FORBIDDEN_ADDRESS = "forbidden_address"  # the host resolved to a loopback/private address not allowed
    OFFSITE_URL = "offsite_url"
    OFFSITE_REDIRECT = "offsite_redirect"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    # fetch: robots.txt
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_UNAVAILABLE = "robots_unavailable"
    CRAWL_DELAY_TOO_LONG = "crawl_delay_too_long"
    # extract
    PARSE_ERROR = "parse_error"
    NO_TEXT = "no_text"
    TOO_SLOW = "too_slow"
    WORKER_DIED = "worker_died"
    # load
    NOT_STORABLE = "not_storable"  # the warehouse rejected the page's article; detail: the database's message
    # retry planning (etl.crawl.retries)
    GIVEN_UP = "given_up"  # no longer retried by every run; detail: attempts, last reason, when it is tried again


RETRYABLE = frozenset(
    {
        Reason.TIMEOUT,
        Reason.CONNECTION_ERROR,
        Reason.TRUNCATED,
        Reason.ROBOTS_UNAVAILABLE,
        Reason.HOST_DEFERRED,
        Reason.TOO_MANY_RETRIES,
        Reason.WORKER_DIED,
    }
)


def http_reason(status: int) -> str:
    """The reason of an HTTP error answer: ``http_<status>``."""
    return f"http_{status}"


def is_retryable(reason: str) -> bool:
    """Whether a later run may succeed where a failure with this reason happened (a pure policy)."""
    if reason in RETRYABLE:
        return True
    status = reason.removeprefix("http_")
    return status.isdigit() and int(status) in RETRY_STATUSES


def retryable_reasons() -> list[str]:
    """Every retryable reason as stored, for SQL that selects failures to retry."""
    return sorted({*(str(reason) for reason in RETRYABLE), *(http_reason(status) for status in RETRY_STATUSES)})
