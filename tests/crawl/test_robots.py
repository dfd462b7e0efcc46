"""``etl.crawl.robots``: what a robots.txt answer means for its host (RFC 9309)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from etl.config import FetchSettings
from etl.crawl.fetch import Fetcher
from etl.crawl.robots import decode_robots, rules_from_response
from etl.records import FetchedPage, Source
from tests.sites_server import serving

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


@pytest.mark.parametrize(
    "body",
    [
        b"\xef\xbb\xbfUser-agent: *\nDisallow: /members/\n",
        b"User-agent: *\r\nDisallow: /members/\r\n",
        b"User-agent: *\rDisallow: /members/\r",
        b"User-agent: *\nDisallow: /members/",
        b"\xef\xbb\xbfUSER-AGENT: *\r\nDISALLOW: /members/",
        "User-agent: *\nDisallow: /members/\n".encode("utf-16"),
        "User-agent: *\nDisallow: /members/\n".encode("utf-16-be"),
        "User-agent: *\nDisallow: /members/\n".encode("utf-16-le"),
        "User-agent: *\nDisallow: /members/\n".encode("utf-32"),
        b"\xef\xbb\xbf\xef\xbb\xbfUser-agent: *\r\nDisallow: /members/\r\n",
        b"\xef\xbb\xbf# rules\n\n\xef\xbb\xbfUser-agent: *\nDisallow: /members/\n",
        b"User-agent: *\n\xef\xbb\xbfDisallow: /members/\n",
        "\u200bUser-agent: *\nDisallow: /members/\n".encode(),
    ],
    ids=[
        "bom",
        "crlf",
        "cr",
        "no-final-newline",
        "bom-crlf-upper-case",
        "utf-16-with-bom",
        "utf-16-be-without-bom",
        "utf-16-le-without-bom",
        "utf-32-with-bom",
        "two-boms-crlf",
        "second-bom-where-two-files-joined",
        "bom-before-a-later-line",
        "zero-width-space-first",
    ],
)
def test_robots_txt_is_decoded_as_browsers_do(body: bytes) -> None:
    rules = rules_from_response(200, body)
    assert rules.refusal("http://x/members/1", AGENT, 30) == "robots_disallowed"
    assert rules.refusal("http://x/news/1", AGENT, 30) is None


@pytest.mark.parametrize(
    ("body", "content_type", "text"),
    [
        (b"Disallow: /caf\xe9/", None, "Disallow: /café/"),
        (b"Disallow: /caf\xc3\xa9/", "text/plain; charset=iso-8859-1", "Disallow: /café/"),
        (b"Disallow: /\xcd\xee\xe2\xee\xf1\xf2\xe8/", "text/plain; charset=windows-1251", "Disallow: /Новости/"),
        (b"Disallow: /caf\xe9/", "text/plain; charset=no-such-codec", "Disallow: /café/"),
        (b"\xef\xbb\xbfDisallow: /a/", "text/plain; charset=iso-8859-1", "Disallow: /a/"),
    ],
    ids=["latin-1-without-charset", "valid-utf-8-beats-a-latin-1-header", "declared-cp1251", "unknown-charset", "bom"],
)
def test_decode_robots_picks_bom_utf8_charset_then_windows_1252(
    body: bytes, content_type: str | None, text: str
) -> None:
    assert decode_robots(body, content_type) == text


def test_a_latin_1_path_matches_its_percent_encoded_utf8_url() -> None:
    rules = rules_from_response(200, b"User-agent: *\nDisallow: /caf\xe9/\n", content_type="text/plain")
    assert rules.refusal("http://x/caf%C3%A9/menu.html", AGENT, 30) == "robots_disallowed"


def test_sitemap_lines_are_absolute_in_file_order() -> None:
    body = b"Sitemap: https://x.test/a.xml\nUser-agent: *\nDisallow:\nsitemap: /maps/b.xml.gz\nSitemap: https://x.test/a.xml\n"
    rules = rules_from_response(200, body, robots_url="https://x.test/robots.txt")
    assert rules.sitemaps == ("https://x.test/a.xml", "https://x.test/maps/b.xml.gz")


def test_robots_txt_is_the_first_request_and_its_crawl_delay_spaces_the_next(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "robots.txt").write_text("User-agent: *\nCrawl-delay: 0.6\n")
    (tmp_path / "site" / "sitemap.xml").write_text("<urlset/>")
    (tmp_path / "site" / "a.html").write_text("<html><body><p>a</p></body></html>")
    with serving(tmp_path) as site:
        host = site.base_url.removeprefix("http://")
        source = Source("s", site.base_url + "/", "en", allowed_hosts=(host,), min_delay_s=0)
        fetcher = Fetcher(FetchSettings(retries=0), source)
        started = time.monotonic()
        try:
            assert isinstance(fetcher.fetch_document(site.base_url + "/sitemap.xml"), FetchedPage)
            after_sitemap = time.monotonic()
            assert isinstance(fetcher.fetch_page(site.base_url + "/a.html"), FetchedPage)
            after_page = time.monotonic()
        finally:
            fetcher.close()
    assert [path for _method, path in site.requests] == ["/robots.txt", "/sitemap.xml", "/a.html"]
    assert after_sitemap - started >= 0.6
    assert after_page - started >= 1.2
