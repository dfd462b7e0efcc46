"""``etl.urls``: one article, one URL."""

from __future__ import annotations

import pytest

from etl.urls import canonical_url, host_of, is_allowed


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
