"""``etl.crawl.discover``: the URLs a source published in an interval, from sitemaps, feeds or archive pages."""

from __future__ import annotations

import gzip
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from etl.config import FetchSettings, Settings
from etl.crawl.discover import discover
from etl.crawl.fetch import Fetcher
from etl.demo_site.server import RunningSite
from etl.records import Failure, FetchedPage, Interval, Source
from etl.sources import load_sources
from tests.factories import MAY_15

MAY_18 = Interval(datetime(2025, 5, 18, tzinfo=UTC), datetime(2025, 5, 19, tzinfo=UTC))
SITE = Source(
    name="s",
    base_url="http://news.test/",
    language="en",
    sitemap_url="http://news.test/sitemap.xml",
    allowed_hosts=("news.test",),
)


def demo_source(base_url: str, edition: str, *methods: str) -> Source:
    prefix = f"{base_url}/{edition}/"
    return Source(
        name=f"demo-{edition}",
        base_url=prefix,
        language="de",
        discovery=methods,
        sitemap_url=prefix + "sitemap.xml",
        feed_url=prefix + "rss.xml",
        archive_url=prefix + "archive/{date}/",
        article_url_pattern=f"/{edition}/[a-z-]+/(view|\\d{{4}}/\\d\\d/\\d\\d)/",
        allowed_hosts=(base_url.removeprefix("http://"),),
        min_delay_s=0.0,
    )


def live_getter(source: Source):
    fetcher = Fetcher(FetchSettings(retries=0), source)
    return lambda url: fetcher.get(url, expect_html=False)


def fake_getter(documents: dict[str, str]):
    def get(url: str) -> FetchedPage | Failure:
        if url not in documents:
            return Failure("s", url, "fetch", "http_404", 404, datetime.now(UTC))
        return FetchedPage("s", url, url, 200, documents[url].encode(), "application/xml", datetime.now(UTC), 0.0)

    return get


def day_urls(demo_site: RunningSite, edition: str, interval: Interval, *, listed_only: bool) -> list[str]:
    return sorted(
        demo_site.base_url + t.path
        for t in demo_site.site.articles(edition)
        if interval.contains(t.published_at) and (not listed_only or (t.status == 200 and not t.robots_disallowed))
    )


def test_sitemap_finds_every_url_published_in_the_interval(demo_site: RunningSite) -> None:
    source = demo_source(demo_site.base_url, "de", "sitemap")
    found, failures = discover(source, MAY_15, live_getter(source))
    assert failures == []
    assert sorted(d.url for d in found) == day_urls(demo_site, "de", MAY_15, listed_only=False)
    assert all(MAY_15.contains(d.published_hint) and d.via == "sitemap" for d in found)


def test_archive_pages_list_the_days_articles(demo_site: RunningSite) -> None:
    source = demo_source(demo_site.base_url, "es", "archive")
    found, _ = discover(source, MAY_15, live_getter(source))
    assert sorted(d.url for d in found) == day_urls(demo_site, "es", MAY_15, listed_only=True)


def test_feed_entries_in_the_interval(demo_site: RunningSite) -> None:
    source = demo_source(demo_site.base_url, "ru", "rss")
    found, _ = discover(source, MAY_18, live_getter(source))
    assert sorted(d.url for d in found) == day_urls(demo_site, "ru", MAY_18, listed_only=True)


def test_next_method_is_used_when_the_first_fails_and_the_failure_is_kept(demo_site: RunningSite) -> None:
    source = replace(
        demo_source(demo_site.base_url, "en", "sitemap", "archive"),
        sitemap_url=demo_site.base_url + "/en/no-such-sitemap.xml",
    )
    found, failures = discover(source, MAY_15, live_getter(source))
    assert [(f.stage, f.reason, f.http_status) for f in failures] == [("discover", "http_404", 404)]
    assert sorted(d.url for d in found) == day_urls(demo_site, "en", MAY_15, listed_only=True)


def test_sitemap_index_skips_children_older_than_the_interval() -> None:
    documents = {
        "http://news.test/sitemap.xml": """<?xml version="1.0"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>http://news.test/old.xml</loc><lastmod>2025-05-01</lastmod></sitemap>
              <sitemap><loc>http://news.test/new.xml</loc><lastmod>2025-05-15T20:00:00+02:00</lastmod></sitemap>
            </sitemapindex>""",
        "http://news.test/new.xml": """<?xml version="1.0"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
              <url><loc>http://News.test/a?utm_source=x#top</loc><lastmod>2025-05-15T08:00:00Z</lastmod></url>
              <url><loc>http://news.test/a</loc><lastmod>2025-05-15T09:00:00Z</lastmod></url>
              <url><loc>http://evil.test/b</loc><lastmod>2025-05-15T09:00:00Z</lastmod></url>
              <url><loc>http://news.test/c</loc><lastmod>2025-05-16T00:00:00Z</lastmod></url>
              <url><loc>http://news.test/d</loc><lastmod>2025-05-16T01:00:00+02:00</lastmod></url>
              <url><loc>http://news.test/e</loc><lastmod>2025-05-20</lastmod>
                <news:news><news:publication_date>2025-05-15T12:00:00Z</news:publication_date></news:news></url>
              <url><loc>http://news.test/undated</loc></url>
            </urlset>""",
    }
    found, failures = discover(SITE, MAY_15, fake_getter(documents))
    assert failures == []
    assert [d.url for d in found] == ["http://news.test/a", "http://news.test/e", "http://news.test/d"]


@pytest.mark.parametrize(
    ("document", "reason"),
    [("<urlset><url><loc>", "bad_xml"), ("<rss><channel/></rss>", "not_a_sitemap")],
)
def test_a_broken_sitemap_is_a_discovery_failure(document: str, reason: str) -> None:
    found, failures = discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document}))
    assert found == []
    assert [(f.stage, f.reason) for f in failures] == [("discover", reason)]


@pytest.mark.parametrize("method", ["sitemap", "rss", "archive"])
def test_every_shipped_source_discovers_by_every_method(demo_site: RunningSite, method: str) -> None:
    shipped = load_sources(replace(Settings(), demo_site_url=demo_site.base_url))
    for source in shipped:
        edition = source.name.removeprefix("demo-")
        only = replace(source, discovery=(method,))
        found, failures = discover(only, MAY_18, live_getter(only))
        assert failures == [], source.name
        urls = sorted(d.url for d in found)
        if method == "sitemap":
            assert urls == day_urls(demo_site, edition, MAY_18, listed_only=False), source.name
        else:
            assert urls == day_urls(demo_site, edition, MAY_18, listed_only=True), source.name


def test_a_sitemap_index_never_leads_to_another_host() -> None:
    requested: list[str] = []
    documents = {
        "http://news.test/sitemap.xml": """<?xml version="1.0"?>
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>http://169.254.169.254/latest/meta-data/</loc></sitemap>
              <sitemap><loc>/day.xml</loc></sitemap>
            </sitemapindex>""",
        "http://news.test/day.xml": """<?xml version="1.0"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>http://news.test/a</loc><lastmod>2025-05-15T08:00:00Z</lastmod></url>
            </urlset>""",
    }
    fake = fake_getter(documents)

    def get(url: str) -> FetchedPage | Failure:
        requested.append(url)
        return fake(url)

    found, failures = discover(SITE, MAY_15, get)
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/a"])
    assert requested == ["http://news.test/sitemap.xml", "http://news.test/day.xml"]


def test_a_google_news_sitemap_dates_entries_by_publication_date() -> None:
    news = replace(SITE, discovery=("news_sitemap",), sitemap_url=None, news_sitemap_url="http://news.test/news.xml")
    documents = {
        "http://news.test/news.xml": """<?xml version="1.0"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
              <url><loc>http://news.test/today</loc><news:news>
                <news:publication_date>2025-05-15T12:00:00+03:00</news:publication_date></news:news></url>
              <url><loc>http://news.test/yesterday</loc><news:news>
                <news:publication_date>2025-05-14T23:00:00Z</news:publication_date></news:news></url>
            </urlset>""",
    }
    found, failures = discover(news, MAY_15, fake_getter(documents))
    assert failures == []
    assert [(d.url, d.via, d.published_hint) for d in found] == [
        ("http://news.test/today", "news_sitemap", datetime(2025, 5, 15, 9, tzinfo=UTC))
    ]


def test_a_gzipped_sitemap_file_is_unpacked() -> None:
    document = """<?xml version="1.0"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc>http://news.test/a</loc><lastmod>2025-05-15T08:00:00Z</lastmod></url>
        </urlset>"""

    def get(url: str) -> FetchedPage | Failure:
        body = gzip.compress(document.encode())
        return FetchedPage("s", url, url, 200, body, "application/x-gzip", datetime.now(UTC), 0.0)

    found, failures = discover(SITE, MAY_15, get)
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/a"])
