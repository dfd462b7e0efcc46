"""``etl.crawl.retries`` and ``etl.reasons.is_retryable``: what a later run fetches again, when it gives up (with a
record), and when a given-up URL is tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from etl.config import FetchSettings
from etl.crawl.retries import FailedUrl, plan_urls, retry_backoff
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


NOW = datetime(2025, 5, 20, 1, 0, tzinfo=UTC)
POLICY = FetchSettings(max_attempts=3, given_up_retry_days=1.0, given_up_retry_max_days=4.0)


def test_discovered_urls_come_first_then_retries_and_urls_out_of_attempts_are_given_up_with_a_record() -> None:
    failed = {
        "http://a/2": FailedUrl(3, "http_503"),
        "http://a/3": FailedUrl(1, "timeout"),
        "http://a/8": FailedUrl(3, "http_503"),
        "http://a/9": FailedUrl(2, "http_500"),
    }
    plan = plan_urls("src", ["http://a/1", "http://a/2", "http://a/3"], failed, POLICY, NOW)
    assert plan.urls == ["http://a/1", "http://a/2", "http://a/3", "http://a/9"]  # a discovered URL is fetched
    assert (plan.retries, plan.revived) == (["http://a/9"], [])
    [given_up] = plan.given_up
    assert (given_up.url, given_up.stage, given_up.reason, given_up.at) == ("http://a/8", "fetch", "given_up", NOW)
    assert "3 failed attempts (last: http_503)" in given_up.detail and "2025-05-21 01:00" in given_up.detail


def test_a_given_up_url_is_tried_again_after_a_backoff_that_doubles_with_each_give_up() -> None:
    assert [retry_backoff(POLICY, n) for n in (1, 2, 3, 4)] == [timedelta(days=d) for d in (1, 2, 4, 4)]
    once = {"http://a/1": FailedUrl(3, "given_up", NOW - timedelta(hours=23), give_ups=1)}
    assert plan_urls("src", [], once, POLICY, NOW).urls == []
    assert plan_urls("src", [], once, POLICY, NOW + timedelta(hours=1)).revived == ["http://a/1"]
    twice = {"http://a/1": FailedUrl(4, "given_up", NOW - timedelta(days=1), give_ups=2)}
    assert plan_urls("src", [], twice, POLICY, NOW).urls == []
    assert plan_urls("src", [], twice, POLICY, NOW + timedelta(days=1)).urls == ["http://a/1"]
    assert plan_urls("src", ["http://a/1"], twice, POLICY, NOW).urls == ["http://a/1"]  # discovered: at once
