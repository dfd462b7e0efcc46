"""robots.txt as a policy: what a robots.txt response means for fetching its host (RFC 9309).

- 200: its rules apply (protego parses them; ``Crawl-delay`` is honoured by the rate limit).
- 4xx, or a redirect we do not follow: there are no rules, everything is allowed.
- 5xx or 429: the host is unavailable; its pages are deferred (``robots_unavailable``) and retried by a
  later run, never fetched blind.
- no answer: the same, with the network reason (``timeout``, ``connection_error``): the host is down.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

from etl.reasons import Reason

_ALLOW_ALL_REASONS = frozenset(
    {Reason.OFFSITE_REDIRECT, Reason.REDIRECT_LOOP, Reason.TOO_MANY_REDIRECTS, Reason.TOO_LARGE}
)
_NETWORK_REASONS = frozenset({Reason.TIMEOUT, Reason.CONNECTION_ERROR, Reason.TRUNCATED})


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one origin for this run."""

    parser: Protego | None = None
    unavailable: str | None = None
    """Why the host's pages are deferred, when its robots.txt could not be read."""

    def refusal(self, url: str, user_agent: str, max_crawl_delay_s: float) -> str | None:
        """Why ``url`` may not be fetched now (a failure reason), or None when it may."""
        if self.unavailable is not None:
            return self.unavailable
        if self.parser is None:
            return None
        if not self.parser.can_fetch(url, user_agent):
            return Reason.ROBOTS_DISALLOWED
        if self.crawl_delay(user_agent) > max_crawl_delay_s:
            return Reason.CRAWL_DELAY_TOO_LONG
        return None

    def crawl_delay(self, user_agent: str) -> float:
        """The host's ``Crawl-delay`` for us in seconds, 0 when it names none."""
        if self.parser is None:
            return 0.0
        return float(self.parser.crawl_delay(user_agent) or 0.0)


def rules_from_response(status: int | None, body: bytes | None, reason: str | None = None) -> RobotsRules:
    """The rules a robots.txt fetch gives: its HTTP status (None when none came), body and failure reason."""
    if status == 200 and body is not None:
        return RobotsRules(Protego.parse(body.decode("utf-8", errors="replace")))
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules()
    if status is None and reason in _ALLOW_ALL_REASONS:
        return RobotsRules()
    if status is None and reason in _NETWORK_REASONS:
        return RobotsRules(unavailable=reason)
    return RobotsRules(unavailable="robots_unavailable")
