"""``etl.crawl.robots``: what a robots.txt answer means for its host (RFC 9309)."""

from __future__ import annotations

import pytest

from etl.crawl.robots import rules_from_response

AGENT = "newsetl/0.1"


@pytest.mark.parametrize(
    ("status", "body", "reason", "refusal"),
    [
        (200, b"User-agent: *\nDisallow: /private/\n", None, None),
        (404, None, "http_404", None),
        (410, None, "http_410", None),
        (503, None, "http_503", "robots_unavailable"),
        (500, None, "http_500", "robots_unavailable"),
        (429, None, "http_429", "robots_unavailable"),
        (None, None, "timeout", "timeout"),
        (None, None, "connection_error", "connection_error"),
        (None, None, "redirect_loop", None),
    ],
)
def test_a_robots_answer_allows_defers_or_parses(
    status: int | None, body: bytes | None, reason: str | None, refusal: str | None
) -> None:
    assert rules_from_response(status, body, reason).refusal("http://x/news/1", AGENT, 30) == refusal


def test_disallowed_paths_and_long_crawl_delays_are_refused() -> None:
    rules = rules_from_response(200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 5\n")
    assert rules.refusal("http://x/private/1", AGENT, 30) == "robots_disallowed"
    assert rules.crawl_delay(AGENT) == 5.0
    slow = rules_from_response(200, b"User-agent: *\nCrawl-delay: 45\n")
    assert slow.refusal("http://x/news/1", AGENT, 30) == "crawl_delay_too_long"
