"""Load and validate the sources file (TOML): news sites as data, one ``[[source]]`` table each.

Reads ``Settings.sources_file``; ``{demo_site}`` in any URL is replaced by ``Settings.demo_site_url``.
A mistake in the file is a ``ConfigError`` naming the source and the key, raised before any fetching.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from etl.config import ConfigError, Settings
from etl.records import Source
from etl.urls import host_of

DISCOVERY_METHODS = ("sitemap", "news_sitemap", "rss", "archive")
DEFAULT_MIN_DELAY_S = 1.0
_URL_KEYS = ("base_url", "sitemap_url", "news_sitemap_url", "feed_url", "archive_url")
_REQUIRED_URL = {
    "sitemap": "sitemap_url",
    "news_sitemap": "news_sitemap_url",
    "rss": "feed_url",
    "archive": "archive_url",
}
_KNOWN_KEYS = {
    "name",
    "language",
    "discovery",
    "allowed_hosts",
    "article_selector",
    "article_url_pattern",
    "min_delay_s",
    "concurrency",
    *_URL_KEYS,
}


def load_sources(settings: Settings) -> tuple[Source, ...]:
    """All sources of the sources file, validated, in file order."""
    try:
        with settings.sources_file.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file {settings.sources_file} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"sources file {settings.sources_file}: {exc}") from exc
    tables = document.get("source")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"sources file {settings.sources_file} has no [[source]] tables")
    sources = tuple(parse_source(table, settings.demo_site_url) for table in tables)
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"source names must be unique, repeated: {', '.join(duplicates)}")
    return sources


def find_source(sources: tuple[Source, ...], name: str) -> Source:
    """The source called ``name``, or a ConfigError listing the known names."""
    for source in sources:
        if source.name == name:
            return source
    raise ConfigError(f"unknown source {name!r}; known: {', '.join(s.name for s in sources)}")


def parse_source(table: dict[str, Any], demo_site_url: str) -> Source:
    """Validate one ``[[source]]`` table and turn it into a ``Source``."""
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"a source has no name: {table!r}")
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"source {name!r}: unknown keys {', '.join(unknown)}")
    for key in ("base_url", "language"):
        if not isinstance(table.get(key), str) or not table[key]:
            raise ConfigError(f"source {name!r}: {key} is required")
    for key in _URL_KEYS:
        value = table.get(key, "http://")
        if not isinstance(value, str) or not value.startswith(("http://", "https://", "{demo_site}")):
            raise ConfigError(f"source {name!r}: {key} must be an http(s) URL, got {table[key]!r}")
    urls = {k: table[k].replace("{demo_site}", demo_site_url) for k in _URL_KEYS if k in table}
    discovery = table.get("discovery", ["sitemap"])
    if not isinstance(discovery, list) or not discovery:
        raise ConfigError(f"source {name!r}: discovery must be a non-empty list of methods")
    discovery = tuple(discovery)
    for method in discovery:
        if method not in DISCOVERY_METHODS:
            raise ConfigError(f"source {name!r}: discovery method {method!r} is not one of {DISCOVERY_METHODS}")
        if _REQUIRED_URL[method] not in urls:
            raise ConfigError(f"source {name!r}: discovery {method!r} needs {_REQUIRED_URL[method]}")
    if "archive_url" in urls and "{date}" not in urls["archive_url"]:
        raise ConfigError(f"source {name!r}: archive_url must contain {{date}}")
    pattern = table.get("article_url_pattern")
    if "archive" in discovery and not pattern:
        raise ConfigError(f"source {name!r}: discovery 'archive' needs article_url_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"source {name!r}: article_url_pattern is not a regular expression: {exc}") from exc
    allowed_hosts = table.get("allowed_hosts", [])
    if not isinstance(allowed_hosts, list) or not all(isinstance(h, str) and h for h in allowed_hosts):
        raise ConfigError(f"source {name!r}: allowed_hosts must be a list of host names (host or host:port)")
    allowed = tuple(h.lower() for h in allowed_hosts)
    allowed = allowed or (host_of(urls["base_url"]),)
    for key, url in urls.items():
        if key != "base_url" and host_of(url) not in allowed:
            raise ConfigError(f"source {name!r}: {key} {url} is not on an allowed host ({', '.join(allowed)})")
    min_delay_s = table.get("min_delay_s", DEFAULT_MIN_DELAY_S)
    if type(min_delay_s) not in (int, float) or min_delay_s < 0:
        raise ConfigError(f"source {name!r}: min_delay_s must be a number of seconds >= 0")
    concurrency = table.get("concurrency")
    if concurrency is not None and (type(concurrency) is not int or concurrency < 1):
        raise ConfigError(f"source {name!r}: concurrency must be a whole number >= 1")
    return Source(
        name=name,
        base_url=urls["base_url"],
        language=table["language"],
        discovery=discovery,
        sitemap_url=urls.get("sitemap_url"),
        news_sitemap_url=urls.get("news_sitemap_url"),
        feed_url=urls.get("feed_url"),
        archive_url=urls.get("archive_url"),
        article_url_pattern=pattern,
        allowed_hosts=allowed,
        article_selector=table.get("article_selector"),
        min_delay_s=float(min_delay_s),
        concurrency=concurrency,
    )
