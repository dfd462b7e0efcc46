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
