"""``etl.crawl.retries`` and ``etl.crawl.fetch.is_retryable``: what a later run fetches again, and when it gives up."""

from __future__ import annotations

import pytest

from etl.crawl.retries import plan_urls
from etl.reasons import is_retryable


@pytest.mark.parametrize(
    ("reason", "retryable"),
    [
        ("timeout", True),
        ("connection_error", True),
        ("truncated", True),
        ("http_503", True),
        ("http_429", True),
        ("http_500", True),
        ("robots_unavailable", True),
        ("host_deferred", True),
        ("http_404", False),
        ("http_403", False),
        ("not_html", False),
        ("too_large", False),
        ("robots_disallowed", False),
        ("offsite_redirect", False),
        ("redirect_loop", False),
        ("no_text", False),
    ],
)
def test_passing_trouble_is_retryable_and_permanent_trouble_is_not(reason: str, retryable: bool) -> None:
    assert is_retryable(reason) is retryable


def test_discovered_urls_come_first_then_retries_and_given_up_urls_are_skipped() -> None:
    urls, retries, given_up = plan_urls(
        ["http://a/1", "http://a/2", "http://a/3"], {"http://a/2": 3, "http://a/3": 1, "http://a/9": 2}, 3
    )
    assert urls == ["http://a/1", "http://a/3", "http://a/9"]
    assert (retries, given_up) == (["http://a/3", "http://a/9"], ["http://a/2"])
