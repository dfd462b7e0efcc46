"""``etl.crawl.urls``: one article, one URL, whichever address served it."""

from __future__ import annotations

import pytest

from etl.crawl.urls import canonical_url, host_of, is_allowed, rebase_url


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://Example.COM/a/b#top", "http://example.com/a/b"),
        ("https://example.com:443/x?utm_source=rss&id=3&fbclid=abc", "https://example.com/x?id=3"),
        ("http://127.0.0.1:8765/de/", "http://127.0.0.1:8765/de/"),
        ("https://example.com", "https://example.com/"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_allowed_hosts_compare_host_and_port() -> None:
    assert host_of("http://127.0.0.1:8765/de/x") == "127.0.0.1:8765"
    assert is_allowed("http://127.0.0.1:8765/de/x", ("127.0.0.1:8765",))
    assert not is_allowed("http://127.0.0.1:9999/de/x", ("127.0.0.1:8765",))
    assert not is_allowed("file:///etc/passwd", ("",))


@pytest.mark.parametrize(
    ("url", "rebased"),
    [
        ("http://127.0.0.1:9000/de/x/y", "http://127.0.0.1:8765/de/x/y"),
        ("http://127.0.0.1:9000/de/", "http://127.0.0.1:8765/de/"),
        # what follows the base is kept as canonical_url leaves it: query kept, tracking and fragment dropped
        ("HTTP://127.0.0.1:9000/de/x?id=3&utm_source=rss#top", "http://127.0.0.1:8765/de/x?id=3"),
        # not under the base: returned exactly as given, not even canonicalised
        ("http://127.0.0.1:9000/dev/x#top", "http://127.0.0.1:9000/dev/x#top"),
        ("http://127.0.0.1:9001/de/x", "http://127.0.0.1:9001/de/x"),
        ("https://127.0.0.1:9000/de/x", "https://127.0.0.1:9000/de/x"),
    ],
)
def test_rebase_url_moves_only_urls_under_the_base(url: str, rebased: str) -> None:
    assert rebase_url(url, "http://127.0.0.1:9000/de/", "http://127.0.0.1:8765/de/") == rebased


def test_rebase_url_compares_and_writes_bases_in_canonical_form() -> None:
    moved = rebase_url("https://M.Example.com:443/news/a", "HTTPS://m.example.com/", "https://WWW.example.com:443/")
    assert moved == "https://www.example.com/news/a"
