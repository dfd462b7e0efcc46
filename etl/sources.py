"""Load and validate the sources file (TOML): news sites as data, one ``[[source]]`` table each.

Reads ``Settings.sources_file``; ``{demo_site}`` in any URL is replaced by ``Settings.demo_site_url``.
A mistake in the file is a ``ConfigError`` naming the source and the key, raised before any fetching.

A page has an address (where it is requested) and an identity (the URL the warehouse keys it by:
``articles.url``, ``page_fetches.url``, ``fetch_failures.url``). They are the same unless the source sets
``canonical_base_url``: then the pages under ``base_url`` are filed under ``canonical_base_url`` instead
(``identity_url``) and requested under ``base_url`` (``request_url``), so a site served from another
address (the demo site on another port, a mirror, a staging host, ``m.`` beside ``www.``) keeps one row per
article. The canonical base is a name, never requested, so it need not be on an allowed host.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any
from urllib.parse import urlsplit

import soupsieve

from etl.config import ConfigError, Settings
from etl.crawl.urls import BadUrl, canonical_url, fold_netloc, host_of, parse_web_url, rebase_url
from etl.records import Source

DISCOVERY_METHODS = ("sitemap", "news_sitemap", "rss", "archive")
DEFAULT_MIN_DELAY_S = 1.0
MAX_MIN_DELAY_S = 600.0
"""A longer pause between two requests would make a day's run of a few hundred pages last days."""
_URL_KEYS = ("base_url", "sitemap_url", "news_sitemap_url", "feed_url", "archive_url")
# "sitemap" needs no sitemap_url: without one, the Sitemap: lines of the site's robots.txt are read.
_REQUIRED_URL = {
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
    "canonical_base_url",
    *_URL_KEYS,
}


def load_sources(settings: Settings) -> tuple[Source, ...]:
    """All sources of the sources file, validated, in file order."""
    try:
        # utf-8-sig: a BOM, which Windows editors write, is no TOML error
        document = tomllib.loads(settings.sources_file.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file {settings.sources_file} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"sources file {settings.sources_file}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"sources file {settings.sources_file} is not a TOML text file (UTF-8): {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"sources file {settings.sources_file} cannot be read: {exc.strerror}") from exc
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


def identity_url(source: Source, url: str) -> str:
    """The URL the warehouse files the page at ``url`` under: rebased from the source's ``base_url`` to its
    ``canonical_base_url`` when it sets one and ``url`` is under ``base_url``, else ``url`` unchanged. Give
    it a canonical URL (``canonical_url``): the pipeline files pages under canonical forms and requests them
    as listed."""
    if source.canonical_base_url is None:
        return url
    return rebase_url(url, source.base_url, source.canonical_base_url)


def request_url(source: Source, url: str) -> str:
    """Where to request the page the warehouse files under ``url``: the inverse of ``identity_url``, so a
    stored URL (a retry, a conditional GET) is requested at the address the sources file gives today."""
    if source.canonical_base_url is None:
        return url
    return rebase_url(url, source.canonical_base_url, source.base_url)


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
    for key in (*_URL_KEYS, "canonical_base_url"):
        value = table.get(key, "http://")
        if not isinstance(value, str) or not value.startswith(("http://", "https://", "{demo_site}")):
            raise ConfigError(f"source {name!r}: {key} must be an http(s) URL, got {table[key]!r}")
    urls = {k: table[k].replace("{demo_site}", demo_site_url) for k in _URL_KEYS if k in table}
    for key, url in urls.items():
        _check_url(name, key, url)
    canonical_base = table.get("canonical_base_url")
    if canonical_base is not None:
        canonical_base = _canonical_base(name, urls["base_url"], canonical_base.replace("{demo_site}", demo_site_url))
    discovery = table.get("discovery", ["sitemap"])
    if not isinstance(discovery, list) or not discovery:
        raise ConfigError(f"source {name!r}: discovery must be a non-empty list of methods")
    discovery = tuple(discovery)
    for method in discovery:
        if method not in DISCOVERY_METHODS:
            raise ConfigError(f"source {name!r}: discovery method {method!r} is not one of {DISCOVERY_METHODS}")
        if method in _REQUIRED_URL and _REQUIRED_URL[method] not in urls:
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
    allowed = tuple(fold_netloc(h) for h in allowed_hosts)
    if "" in allowed:
        bad = allowed_hosts[allowed.index("")]
        raise ConfigError(f"source {name!r}: allowed_hosts entry {bad!r} is not a host name (host or host:port)")
    allowed = tuple(dict.fromkeys(allowed)) or (host_of(urls["base_url"]),)
    for key, url in urls.items():
        if key != "base_url" and host_of(url) not in allowed:
            raise ConfigError(f"source {name!r}: {key} {url} is not on an allowed host ({', '.join(allowed)})")
    min_delay_s = table.get("min_delay_s", DEFAULT_MIN_DELAY_S)
    if type(min_delay_s) not in (int, float) or not 0 <= min_delay_s <= MAX_MIN_DELAY_S:
        raise ConfigError(
            f"source {name!r}: min_delay_s must be a number of seconds from 0 to {MAX_MIN_DELAY_S:g}, "
            f"got {min_delay_s!r}"
        )
    selector = table.get("article_selector")
    if selector is not None:
        _check_selector(name, selector)
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
        article_selector=selector,
        min_delay_s=float(min_delay_s),
        concurrency=concurrency,
        canonical_base_url=canonical_base,
    )


def _check_url(name: str, key: str, url: str) -> None:
    """A ``ConfigError`` unless ``url`` is an http(s) URL the fetcher would request (``parse_web_url``: a
    host, a port in range, one reading for every parser, at most ``MAX_URL_LENGTH`` characters)."""
    parsed = parse_web_url(url)
    if isinstance(parsed, BadUrl):
        problem = parsed.why if parsed.why == "has no host" else f"is not a valid URL: {parsed.why}"
        raise ConfigError(f"source {name!r}: {key} {url!r} {problem}")


def _check_selector(name: str, selector: object) -> None:
    """A ``ConfigError`` unless ``selector`` is a CSS selector BeautifulSoup can use (soupsieve compiles it)."""
    if not isinstance(selector, str) or not selector.strip():
        raise ConfigError(f"source {name!r}: article_selector must be a CSS selector string, got {selector!r}")
    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as exc:
        first_line = str(exc).splitlines()[0]
        raise ConfigError(f"source {name!r}: article_selector {selector!r} is not valid CSS: {first_line}") from exc


def _canonical_base(name: str, base_url: str, canonical_base_url: str) -> str:
    """``canonical_base_url`` in canonical form, once it and ``base_url`` are bases that rebase cleanly.

    Each must end with ``/`` and have no query, so a rebased prefix is whole path segments; neither may lie
    inside the other (unless they are equal), or a URL under both could not be told apart and the two
    directions of the mapping would not undo each other.
    """
    bases = {"base_url": canonical_url(base_url), "canonical_base_url": canonical_url(canonical_base_url)}
    for key, base in bases.items():
        parts = urlsplit(base)
        if not parts.path.endswith("/") or parts.query:
            raise ConfigError(
                f"source {name!r}: with canonical_base_url, {key} must end with / and have no query, got {base!r}"
            )
    base, canonical = bases["base_url"], bases["canonical_base_url"]
    if base != canonical and (base.startswith(canonical) or canonical.startswith(base)):
        raise ConfigError(f"source {name!r}: canonical_base_url {canonical} and base_url {base} lie inside one another")
    return canonical
