"""``etl.crawl.urls``: one parser decides, a listed URL is requested as listed, one article has one identity."""

from __future__ import annotations

import pytest

from etl.crawl.urls import (
    MAX_URL_LENGTH,
    BadUrl,
    WebUrl,
    canonical_url,
    fold_netloc,
    host_of,
    is_allowed,
    parse_web_url,
    rebase_url,
    resolve_url,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://Example.COM/a/b#top", "http://example.com/a/b"),
        ("https://example.com:443/x?utm_source=rss&id=3&fbclid=abc", "https://example.com/x?id=3"),
        ("http://127.0.0.1:8765/de/", "http://127.0.0.1:8765/de/"),
        ("https://example.com", "https://example.com/"),
        ("http://example.com:80/x?ref=home&gclid=1&_ga=2&mc_cid=3", "http://example.com/x"),
        ("http://example.com./x", "http://example.com/x"),
        # a byte that is not UTF-8 stays the byte it is (it used to become U+FFFD, %EF%BF%BD)
        ("http://example.com/x?q=%e4", "http://example.com/x?q=%E4"),
        ("http://example.com/a/./b/../c?b=2&a=1", "http://example.com/a/c?a=1&b=2"),
        ("http://[0:0::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


def test_unicode_and_punycode_spellings_of_a_page_are_one_identity() -> None:
    spellings = [
        "http://münchen.de/straße",
        "http://xn--mnchen-3ya.de/stra%C3%9Fe",
        "HTTP://XN--MNCHEN-3YA.DE/stra%c3%9fe",
        "http://MÜNCHEN.de:80/stra%C3%9Fe#oben",
    ]
    assert {canonical_url(url) for url in spellings} == {"http://xn--mnchen-3ya.de/stra%C3%9Fe"}


def test_the_host_is_folded_as_the_connection_folds_it_not_as_idna_2003() -> None:
    # urllib3 (and browsers) keep ß (IDNA 2008); Python's "idna" codec, which w3lib uses, maps it to "ss":
    # another host. The identity must name the host that is connected to.
    assert host_of("http://Straße.de/") == "xn--strae-oqa.de"
    assert canonical_url("http://Straße.de/x") == "http://xn--strae-oqa.de/x"


@pytest.mark.parametrize(
    ("listed", "requested"),
    [
        ("http://h.test/x?q=%E4", "http://h.test/x?q=%E4"),
        ("http://h.test/x?a=1;b=2", "http://h.test/x?a=1;b=2"),
        ("http://h.test/x?print", "http://h.test/x?print"),
        ("http://h.test/x?q=%7E&r=%e4", "http://h.test/x?q=%7E&r=%e4"),
        ("http://h.test/x?b=2&a=1&utm_source=rss", "http://h.test/x?b=2&a=1&utm_source=rss"),
        # only what a request line cannot carry is escaped; a % that starts no escape is the only % escaped
        ("http://h.test/a b/ä?x=100%&y=%E4&z=|", "http://h.test/a%20b/%C3%A4?x=100%25&y=%E4&z=%7C"),
        ("http://h.test/a/./b/../c", "http://h.test/a/c"),
        ("  http://H.test:80  ", "http://h.test/"),
        ("http://münchen.de/straße", "http://xn--mnchen-3ya.de/stra%C3%9Fe"),
    ],
)
def test_a_listed_url_is_requested_as_listed(listed: str, requested: str) -> None:
    parsed = parse_web_url(listed)
    assert isinstance(parsed, WebUrl), parsed
    assert parsed.url == requested


@pytest.mark.parametrize(
    ("url", "ambiguous"),
    [
        ("http://127.0.0.2:19102\\@127.0.0.1:19101/x", True),  # urllib3: 127.0.0.2, urllib.parse: 127.0.0.1
        ("http:/\\127.0.0.2/x", True),
        ("http://user:secret@127.0.0.1:19101/x", True),
        ("http://127.0.0.1:19101@127.0.0.2/x", True),
        ("http://127.0.0.1:19101%2f@127.0.0.2/x", True),
        ("http://127.0.0.1%5c@127.0.0.2/x", True),
        ("http://127.0.0.2%2f127.0.0.1/x", True),
        ("http://127.1:19101/x", True),
        ("http://0x7f.1/x", True),
        ("http://2130706433/x", True),
        ("http://0177.0.0.1/x", True),
        ("http://127.0.0.01/x", True),
        ("http://[fe80::1%25eth0]/x", True),
        ("http://127.0.0.1:99999/x", False),
        ("http://[::1/", False),
        ("http://h.test:0/x", False),
        ("http://h.test:+80/x", False),
        ("http://h\x00.test/x", False),
        ("http://h.test/x\ny", False),
        ("http://h.test/" + "a" * 10_000, False),
        ("http://h.test/x?\ud800", False),
        ("//h.test/x", False),
        ("/relative/path", False),
        ("mailto:editor@h.test", False),
        ("file:///etc/passwd", False),
        ("http:///x", False),
        ("http://exa mple.test/", False),
    ],
)
def test_a_url_that_cannot_be_requested_safely_is_a_bad_url_value(url: str, ambiguous: bool) -> None:
    parsed = parse_web_url(url)
    assert isinstance(parsed, BadUrl), parsed
    assert parsed.why
    assert parsed.ambiguous is ambiguous
    assert host_of(url) == ""
    assert not is_allowed(url, ("127.0.0.1:19101", "127.0.0.1", "h.test", ""))
    assert isinstance(canonical_url(url), str)  # never raises


def test_the_length_limit_is_inclusive() -> None:
    base = "http://h.test/"
    assert isinstance(parse_web_url(base + "a" * (MAX_URL_LENGTH - len(base))), WebUrl)
    assert isinstance(parse_web_url(base + "a" * (MAX_URL_LENGTH - len(base) + 1)), BadUrl)


def test_allowed_hosts_compare_host_and_port() -> None:
    assert host_of("http://127.0.0.1:8765/de/x") == "127.0.0.1:8765"
    assert is_allowed("http://127.0.0.1:8765/de/x", ("127.0.0.1:8765",))
    assert not is_allowed("http://127.0.0.1:9999/de/x", ("127.0.0.1:8765",))
    assert not is_allowed("file:///etc/passwd", ("",))


def test_allow_list_entries_fold_like_urls() -> None:
    assert fold_netloc("München.DE") == fold_netloc("xn--mnchen-3ya.de") == "xn--mnchen-3ya.de"
    assert is_allowed("http://xn--mnchen-3ya.de/a", (fold_netloc("münchen.de"),))
    assert is_allowed("http://münchen.de/a", (fold_netloc("xn--mnchen-3ya.de"),))
    assert fold_netloc("127.0.0.1:8765") == "127.0.0.1:8765"
    assert fold_netloc("example.com:443") == fold_netloc("example.com:80") == "example.com"
    assert fold_netloc("[0::1]:8080") == "[::1]:8080"
    assert fold_netloc("not a host") == fold_netloc("127.1") == fold_netloc("") == ""


def test_resolve_url_never_raises() -> None:
    assert resolve_url("http://h.test/feed/rss.xml", " /news/a.html ") == "http://h.test/news/a.html"
    assert resolve_url("http://h.test/feed/", "http://[::1") == "http://[::1"
    assert isinstance(parse_web_url(resolve_url("http://h.test/", "http://[::1/")), BadUrl)


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
