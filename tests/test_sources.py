"""``etl.sources``: the sources file is data, validated with clear errors before any fetching."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from etl.config import ConfigError, Settings
from etl.sources import find_source, identity_url, load_sources, request_url
from tests.factories import DEMO_ARTICLE_BASE


def settings_for(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return replace(Settings(), sources_file=path, demo_site_url="http://127.0.0.1:9000")


def test_shipped_sources_file_loads_with_the_demo_url_filled_in() -> None:
    sources = load_sources(replace(Settings(), demo_site_url="http://127.0.0.1:9000"))
    names = [s.name for s in sources]
    assert names == ["demo-de", "demo-es", "demo-ru", "demo-en", "demo-mirror"]
    de = find_source(sources, "demo-de")
    assert de.sitemap_url == "http://127.0.0.1:9000/de/sitemap.xml"
    assert de.allowed_hosts == ("127.0.0.1:9000",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[source]]\nname = "a"\nlanguage = "de"\n', "base_url is required"),
        ('[[source]]\nname = "a"\nbase_url = "http://x/"\nlanguage = "de"\ndiscovery = ["ftp"]\n', "'ftp'"),
        ('[[source]]\nname = "a"\nbase_url = "http://x/"\nlanguage = "de"\ndiscovery = ["rss"]\n', "needs feed_url"),
        ('[[source]]\nname = "a"\nbase_url = "http://x/"\nlanguage = "de"\ncolour = 1\n', "unknown keys colour"),
        (
            '[[source]]\nname = "a"\nbase_url = "http://x/"\nlanguage = "de"\nsitemap_url = "http://x/s"\n'
            '[[source]]\nname = "a"\nbase_url = "http://y/"\nlanguage = "de"\nsitemap_url = "http://y/s"\n',
            "repeated: a",
        ),
        ("name = 1\n", r"no \[\[source\]\] tables"),
        ("[[source]\n", "sources file"),
    ],
)
def test_invalid_sources_file_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_sources(settings_for(tmp_path, text))


def test_a_sources_file_that_is_not_text_or_not_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    binary = tmp_path / "sources.toml"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ConfigError, match="is not a TOML text file"):
        load_sources(replace(Settings(), sources_file=binary))
    with pytest.raises(ConfigError, match="cannot be read: Is a directory"):
        load_sources(replace(Settings(), sources_file=tmp_path))


def test_a_sources_file_saved_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode("utf-8"))
    (source,) = load_sources(replace(Settings(), sources_file=path))
    assert source.name == "a"


def test_unknown_source_lists_known_names() -> None:
    sources = load_sources(Settings())
    with pytest.raises(ConfigError, match="known: demo-de"):
        find_source(sources, "nope")


def test_the_example_of_real_sources_loads_with_polite_limits() -> None:
    example = replace(Settings(), sources_file=Path(__file__).resolve().parents[1] / "etl" / "sources.example.toml")
    sources = load_sources(example)
    assert [s.name for s in sources] == ["belta-de", "belta-es"]
    assert [s.allowed_hosts for s in sources] == [("deu.belta.by",), ("esp.belta.by",)]
    assert all(s.min_delay_s >= 1.0 and s.concurrency == 2 for s in sources)


def test_shipped_demo_sources_are_not_rate_limited_and_real_ones_are_by_default(tmp_path: Path) -> None:
    assert {s.min_delay_s for s in load_sources(Settings())} == {0.0}
    text = '[[source]]\nname = "a"\nbase_url = "http://x/"\nlanguage = "de"\nsitemap_url = "http://x/s"\n'
    (source,) = load_sources(settings_for(tmp_path, text))
    assert (source.min_delay_s, source.concurrency) == (1.0, None)


BASE = '[[source]]\nname = "a"\nbase_url = "http://x/"\nlanguage = "de"\nsitemap_url = "http://x/s"\n'


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("min_delay_s = -1\n", "min_delay_s must be a number"),
        ('min_delay_s = "fast"\n', "min_delay_s must be a number"),
        ("concurrency = 0\n", "concurrency must be a whole number"),
        ('allowed_hosts = "x"\n', "allowed_hosts must be a list"),
        ('allowed_hosts = ["y"]\n', "sitemap_url http://x/s is not on an allowed host"),
        ('feed_url = "file:///etc/passwd"\n', "feed_url must be an http"),
        ('discovery = "sitemap"\n', "discovery must be a non-empty list"),
        ('discovery = ["news_sitemap"]\n', "needs news_sitemap_url"),
        ("min_delay_s = 1e308\n", "min_delay_s must be a number of seconds from 0 to 600, got 1e[+]308"),
        ("min_delay_s = nan\n", "min_delay_s must be a number of seconds from 0 to 600"),
        ('article_selector = "div[[["\n', r"article_selector 'div\[\[\[' is not valid CSS"),
        ('article_selector = ""\n', "article_selector must be a CSS selector"),
        ('feed_url = "http://[::1/"\n', r"feed_url 'http://\[::1/' is not a valid URL"),
        ('feed_url = "http://x:99999/feed"\n', "feed_url 'http://x:99999/feed' is not a valid URL"),
        ('feed_url = "http:///feed"\n', "feed_url 'http:///feed' has no host"),
    ],
)
def test_invalid_politeness_and_hosts_are_refused(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_sources(settings_for(tmp_path, BASE + extra))


MOVED = BASE + 'canonical_base_url = "https://www.example.com/"\n'


def test_a_source_files_its_pages_under_its_canonical_base_and_requests_them_at_its_base(tmp_path: Path) -> None:
    (source,) = load_sources(settings_for(tmp_path, MOVED))
    assert source.canonical_base_url == "https://www.example.com/"
    assert identity_url(source, "http://x/news/a?id=3&utm_source=rss#top") == "https://www.example.com/news/a?id=3"
    assert request_url(source, "https://www.example.com/news/a?id=3") == "http://x/news/a?id=3"
    # outside base_url (another allowed host, a redirect target): the URL as it is, both ways
    assert identity_url(source, "http://y/news/a#top") == "http://y/news/a#top"
    assert request_url(source, "http://y/news/a") == "http://y/news/a"


def test_without_a_canonical_base_a_page_is_filed_exactly_as_fetched(tmp_path: Path) -> None:
    (source,) = load_sources(settings_for(tmp_path, BASE))
    assert source.canonical_base_url is None
    assert identity_url(source, "HTTP://x/news/a#top") == "HTTP://x/news/a#top"
    assert request_url(source, "http://x/news/a") == "http://x/news/a"


def test_the_demo_sources_file_their_pages_under_one_base_whatever_port_serves_them() -> None:
    on = {port: load_sources(replace(Settings(), demo_site_url=f"http://127.0.0.1:{port}")) for port in (8765, 9000)}
    for default, moved in zip(on[8765], on[9000], strict=True):
        edition = default.base_url.removeprefix("http://127.0.0.1:8765")
        assert default.canonical_base_url == moved.canonical_base_url == DEMO_ARTICLE_BASE + edition
        article = edition + "economics/view/some-story-1"
        assert identity_url(moved, "http://127.0.0.1:9000" + article) == DEMO_ARTICLE_BASE + article
        assert identity_url(default, "http://127.0.0.1:8765" + article) == DEMO_ARTICLE_BASE + article
        assert request_url(moved, DEMO_ARTICLE_BASE + article) == "http://127.0.0.1:9000" + article


@pytest.mark.parametrize(
    ("base_url", "canonical_base_url", "message"),
    [
        ("http://x/", "https://www.example.com/news", "canonical_base_url must end with / and have no query"),
        ("http://x/news", "https://www.example.com/", "base_url must end with / and have no query"),
        ("http://x/", "https://www.example.com/?edition=de", "canonical_base_url must end with / and have no query"),
        ("http://x/", "http://x/de/", "lie inside one another"),
        ("http://x/de/", "http://x/", "lie inside one another"),
        ("http://x/", "ftp://www.example.com/", "canonical_base_url must be an http"),
    ],
)
def test_a_canonical_base_that_cannot_rebase_cleanly_is_refused(
    tmp_path: Path, base_url: str, canonical_base_url: str, message: str
) -> None:
    keys = f'base_url = "{base_url}"\ncanonical_base_url = "{canonical_base_url}"'
    text = BASE.replace('base_url = "http://x/"', keys)
    with pytest.raises(ConfigError, match=message):
        load_sources(settings_for(tmp_path, text))
