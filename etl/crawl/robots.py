"""robots.txt as a policy: what a robots.txt response means for fetching its host (RFC 9309).

- 200: its rules apply (protego parses them; ``Crawl-delay`` is honoured by the rate limit; ``Sitemap:``
  lines are the sitemaps of a source that names none).
- 4xx, or a redirect we do not follow: there are no rules, everything is allowed.
- 5xx or 429: the host is unavailable; its pages are deferred (``robots_unavailable``) and retried by a
  later run, never fetched blind (RFC 9309 2.3.1.4: "complete disallow").
- no answer: the same, with the network reason (``timeout``, ``connection_error``): the host is down.

The rules govern every request to the host, sitemaps, feeds and archive pages included (``etl.crawl.fetch``).

The body becomes text as a browser decodes a ``text/plain`` file (``decode_robots``), with RFC 9309's
UTF-8 first: a byte-order mark wins (UTF-8, UTF-16, UTF-32; UTF-16 without one is told by its NUL bytes),
then UTF-8 when the bytes are valid UTF-8 (the RFC's encoding; bytes
that happen to be valid UTF-8 are hardly ever meant as anything else, whatever a server's default charset
says), then the ``charset`` of the Content-Type, else windows-1252 (a superset of Latin-1, what browsers
assume). So a BOM never hides the first group (nor a second BOM, or one where two files were joined, the group
after it), and a Latin-1 path stays the path it names.
Line ends CR, LF and CRLF and a missing final newline are all one line end (``str.splitlines``).
protego (Scrapy's robots.txt parser) does the rest: groups by product token, longest match with ``Allow``
winning ties, ``*`` and ``$`` patterns, percent-encoding.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin

from protego import Protego

from etl.reasons import Reason

_ALLOW_ALL_REASONS = frozenset(
    {Reason.OFFSITE_REDIRECT, Reason.REDIRECT_LOOP, Reason.TOO_MANY_REDIRECTS, Reason.TOO_LARGE}
)
_NETWORK_REASONS = frozenset({Reason.TIMEOUT, Reason.CONNECTION_ERROR, Reason.TRUNCATED})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM begins it
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Invisible characters a file picks up where it was pasted or joined together: a second BOM (U+FEFF) after
# the first or at the start of an appended part, zero-width spaces and word joiners at a line's start.
_INVISIBLE = re.compile(r"\ufeff|^[\u200b\u2060]+", re.MULTILINE)
_FALLBACK_ENCODING = "windows-1252"


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one origin for this run."""

    parser: Protego | None = None
    unavailable: str | None = None
    """Why the host's pages are deferred, when its robots.txt could not be read."""
    sitemaps: tuple[str, ...] = field(default=())
    """The absolute URLs of its ``Sitemap:`` lines, in file order (relative ones resolved against robots.txt)."""

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


def decode_robots(body: bytes, content_type: str | None = None) -> str:
    """The text of a robots.txt body: BOM, else UTF-16 when every other byte of its first characters is NUL,
    else UTF-8 if valid, else the Content-Type's charset, else windows-1252. Every BOM is dropped (also a
    second one, or one starting a later line), and zero-width spaces at a line's start. Never raises:
    undecodable bytes become U+FFFD."""
    return _INVISIBLE.sub("", _decoded(body, content_type))


def _decoded(body: bytes, content_type: str | None) -> str:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    head = body[:8]
    if len(head) == 8 and not any(head[1::2]) and all(head[::2]):
        return body.decode("utf-16-le", errors="replace")
    if len(head) == 8 and not any(head[::2]) and all(head[1::2]):
        return body.decode("utf-16-be", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return body.decode(_charset(content_type) or _FALLBACK_ENCODING, errors="replace")


def _charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type if Python knows that codec, else None."""
    if not content_type:
        return None
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    if not isinstance(charset, str):
        return None
    try:
        return codecs.lookup(charset.strip()).name
    except LookupError:
        return None


def rules_from_response(
    status: int | None,
    body: bytes | None,
    reason: str | None = None,
    *,
    content_type: str | None = None,
    robots_url: str = "",
) -> RobotsRules:
    """The rules a robots.txt fetch gives: its HTTP status (None when none came), body and failure reason;
    ``content_type`` names the body's charset, ``robots_url`` resolves relative ``Sitemap:`` lines."""
    if status == 200 and body is not None:
        parser = Protego.parse(decode_robots(body, content_type))
        sitemaps = tuple(dict.fromkeys(urljoin(robots_url, line.strip()) for line in parser.sitemaps if line.strip()))
        return RobotsRules(parser, sitemaps=sitemaps)
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules()
    if status is None and reason in _ALLOW_ALL_REASONS:
        return RobotsRules()
    if status is None and reason in _NETWORK_REASONS:
        return RobotsRules(unavailable=reason)
    return RobotsRules(unavailable=Reason.ROBOTS_UNAVAILABLE)
