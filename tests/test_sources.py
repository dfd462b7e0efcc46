"""``etl.sources``: the sources file is data, validated with clear errors before any fetching."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from etl.config import ConfigError, Settings
from etl.sources import find_source, load_sources


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
    ],
)
def test_invalid_politeness_and_hosts_are_refused(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_sources(settings_for(tmp_path, BASE + extra))
