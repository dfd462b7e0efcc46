"""``etl.crawl.discover``: the URLs a source published in an interval, from sitemaps, feeds or archive pages."""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from etl.config import FetchSettings, Settings
from etl.crawl import discover as discover_module
from etl.crawl.discover import discover, foreign_date
from etl.crawl.fetch import Fetcher
from etl.demo_site.server import RunningSite
from etl.records import DiscoveredUrl, Discovery, Failure, FetchedPage, Interval, Source
from etl.sources import load_sources
from tests.factories import MAY_15
from tests.sites_server import serving

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
    return fetcher.fetch_document


def fake_getter(documents: Mapping[str, str | bytes], requested: list[str] | None = None):
    def get(url: str) -> FetchedPage | Failure:
        if requested is not None:
            requested.append(url)
        if url not in documents:
            return Failure("s", url, "fetch", "http_404", 404, datetime.now(UTC))
        body = documents[url]
        content = body.encode() if isinstance(body, str) else body
        return FetchedPage("s", url, url, 200, content, "application/xml", datetime.now(UTC), 0.0)

    return get


def unpack(discovery: Discovery) -> tuple[list[DiscoveredUrl], list[Failure]]:
    """The URLs and failures of a discovery, as lists."""
    return list(discovery.urls), list(discovery.failures)


def urlset(*entries: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f'{prolog}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(entries)}</urlset>'


def url(loc: str, lastmod: str | None = "2025-05-15T08:00:00Z") -> str:
    return f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"


def day_urls(demo_site: RunningSite, edition: str, interval: Interval, *, listed_only: bool) -> list[str]:
    return sorted(
        demo_site.base_url + t.path
        for t in demo_site.site.articles(edition)
        if interval.contains(t.published_at) and (not listed_only or (t.status == 200 and not t.robots_disallowed))
    )


def test_sitemap_finds_every_url_published_in_the_interval(demo_site: RunningSite) -> None:
    source = demo_source(demo_site.base_url, "de", "sitemap")
    found, failures = unpack(discover(source, MAY_15, live_getter(source)))
    assert failures == []
    assert sorted(d.url for d in found) == day_urls(demo_site, "de", MAY_15, listed_only=False)
    assert all(d.published_hint is not None and MAY_15.contains(d.published_hint) for d in found)
    assert {d.via for d in found} == {"sitemap"}


def test_archive_pages_list_the_days_articles(demo_site: RunningSite) -> None:
    source = demo_source(demo_site.base_url, "es", "archive")
    found, _ = unpack(discover(source, MAY_15, live_getter(source)))
    assert sorted(d.url for d in found) == day_urls(demo_site, "es", MAY_15, listed_only=True)


def test_feed_entries_in_the_interval(demo_site: RunningSite) -> None:
    source = demo_source(demo_site.base_url, "ru", "rss")
    found, _ = unpack(discover(source, MAY_18, live_getter(source)))
    assert sorted(d.url for d in found) == day_urls(demo_site, "ru", MAY_18, listed_only=True)


def test_next_method_is_used_when_the_first_fails_and_the_failure_is_kept(demo_site: RunningSite) -> None:
    source = replace(
        demo_source(demo_site.base_url, "en", "sitemap", "archive"),
        sitemap_url=demo_site.base_url + "/en/no-such-sitemap.xml",
    )
    found, failures = unpack(discover(source, MAY_15, live_getter(source)))
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
    found, failures = unpack(discover(SITE, MAY_15, fake_getter(documents)))
    assert failures == []
    # the first listing of a kept URL is requested as listed (host folded, fragment dropped): _unique_allowed
    assert [d.url for d in found] == ["http://news.test/a?utm_source=x", "http://news.test/e", "http://news.test/d"]


@pytest.mark.parametrize(
    ("document", "reason"),
    [("<urlset><url><loc>", "bad_xml"), ("<rss><channel/></rss>", "not_a_sitemap")],
)
def test_a_broken_sitemap_is_a_discovery_failure(document: str, reason: str) -> None:
    found, failures = unpack(discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document})))
    assert found == []
    assert [(f.stage, f.reason) for f in failures] == [("discover", reason)]


@pytest.mark.parametrize("method", ["sitemap", "rss", "archive"])
def test_every_shipped_source_discovers_by_every_method(demo_site: RunningSite, method: str) -> None:
    shipped = load_sources(replace(Settings(), demo_site_url=demo_site.base_url))
    for source in shipped:
        edition = source.name.removeprefix("demo-")
        only = replace(source, discovery=(method,))
        found, failures = unpack(discover(only, MAY_18, live_getter(only)))
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

    found, failures = unpack(discover(SITE, MAY_15, get))
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
    found, failures = unpack(discover(news, MAY_15, fake_getter(documents)))
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

    found, failures = unpack(discover(SITE, MAY_15, get))
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/a"])


LEADING_JUNK = {
    "blank-lines": b"\n\n",
    "bom": b"\xef\xbb\xbf",
    "bom-then-whitespace": b"\xef\xbb\xbf\r\n  \t",
    "two-boms": b"\xef\xbb\xbf\xef\xbb\xbf",
    "newline-then-bom": b"\n\xef\xbb\xbf",
    "nul-and-form-feed": b"\x00\x0c\n",
    "no-break-space": b"\xc2\xa0\n",
    "comment": b"<!-- generated by the seo module -->\n",
    "bom-comment": b"\xef\xbb\xbf<!-- cache: hit -->",
    "php-warning": b"<br />\n<b>Warning</b>: date() expects a parameter in <b>/srv/m.php</b> on line <b>9</b><br />\n",
}
DECLARATIONS = {
    "double-quoted": '<?xml version="1.0" encoding="UTF-8"?>',
    "single-quoted": "<?xml version='1.0' encoding='UTF-8'?>",
    "upper-case": '<?XML version="1.0" encoding="UTF-8"?>',
    "none": "",
}


@pytest.mark.parametrize("prefix", LEADING_JUNK.values(), ids=LEADING_JUNK.keys())
@pytest.mark.parametrize("declaration", DECLARATIONS.values(), ids=DECLARATIONS.keys())
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzipped"])
def test_a_sitemap_with_junk_before_the_declaration_is_read(prefix: bytes, declaration: str, packed: bool) -> None:
    document = prefix + urlset(url("http://news.test/a"), prolog=declaration).encode()
    body = gzip.compress(document) if packed else document
    found, failures = unpack(discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": body})))
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/a"])


@pytest.mark.parametrize("prefix", LEADING_JUNK.values(), ids=LEADING_JUNK.keys())
def test_a_sitemap_index_and_its_child_with_junk_before_the_declaration_are_read(prefix: bytes) -> None:
    declaration = DECLARATIONS["single-quoted"]
    index = f'{declaration}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    index += "<sitemap><loc>http://news.test/child.xml</loc></sitemap></sitemapindex>"
    documents = {
        "http://news.test/sitemap.xml": prefix + index.encode(),
        "http://news.test/child.xml": prefix + urlset(url("http://news.test/a"), prolog=declaration).encode(),
    }
    found, failures = unpack(discover(SITE, MAY_15, fake_getter(documents)))
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/a"])


def test_a_utf16_sitemap_with_a_comment_before_the_declaration_is_read() -> None:
    text = '<!-- x -->\n<?xml version="1.0" encoding="UTF-16"?>' + urlset(url("http://news.test/a"), prolog="")
    document = text.encode("utf-16")
    found, failures = unpack(discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document})))
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/a"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "cp1251"])
def test_a_sitemap_in_another_encoding_is_read_with_its_repairs(encoding: str) -> None:
    declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
    document = "\n" + urlset(
        url("http://news.test/a?x=1&y=2"), url("http://news.test/b?x=1&amp;y=2"), prolog=declaration
    )
    found, failures = unpack(
        discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document.encode(encoding)}))
    )
    assert (failures, sorted(d.url for d in found)) == (
        [],
        ["http://news.test/a?x=1&y=2", "http://news.test/b?x=1&y=2"],
    )


def test_a_bare_ampersand_in_a_loc_keeps_the_whole_query() -> None:
    document = urlset(url("http://news.test/a?id=7&page=2"), url("http://news.test/b?x=1&amp;y=2"))
    found, _ = unpack(discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document})))
    assert sorted(d.url for d in found) == ["http://news.test/a?id=7&page=2", "http://news.test/b?x=1&y=2"]


def test_undeclared_news_and_image_prefixes_are_read_by_local_name() -> None:
    document = urlset(
        "<url><loc>http://news.test/a</loc><image:image><image:loc>http://news.test/i.jpg</image:loc></image:image>"
        "<news:news><news:publication_date>2025-05-15T10:00:00Z</news:publication_date></news:news></url>"
    )
    found, failures = unpack(discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document})))
    assert (failures, [(d.url, d.published_hint) for d in found]) == (
        [],
        [("http://news.test/a", datetime(2025, 5, 15, 10, tzinfo=UTC))],
    )


def test_whitespace_and_cdata_around_a_loc_are_trimmed() -> None:
    document = urlset(url("\n\t http://news.test/a \n"), url("<![CDATA[ http://news.test/b ]]>"))
    found, _ = unpack(discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document})))
    assert sorted(d.url for d in found) == ["http://news.test/a", "http://news.test/b"]


def test_entities_are_never_expanded_and_their_loc_is_a_bad_url() -> None:
    bomb = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 12))
    prolog = f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY e0 "lol">{bomb}<!ENTITY f SYSTEM "file:///etc/passwd">]>'
    document = urlset(
        url("http://news.test/&e11;"), url("http://news.test/&f;"), url("http://news.test/a"), prolog=prolog
    )
    discovery = discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document}))
    assert ([d.url for d in discovery.urls], discovery.failures) == (["http://news.test/a"], ())
    assert discovery.counts == {"sitemap": {"seen": 3, "taken": 1, "bad_url": 2}}


def test_a_cut_sitemap_counts_what_was_recovered_and_records_bad_xml() -> None:
    document = urlset(url("http://news.test/a"), url("http://news.test/b")).removesuffix("</url></urlset>")
    discovery = discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document}))
    assert [d.url for d in discovery.urls] == ["http://news.test/a", "http://news.test/b"]
    assert [(f.reason, f.detail.startswith("read with recovery")) for f in discovery.failures] == [("bad_xml", True)]


def test_relative_locs_resolve_against_their_sitemap() -> None:
    documents = {
        "http://news.test/sitemap.xml": """<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>maps/day.xml</loc></sitemap></sitemapindex>""",
        "http://news.test/maps/day.xml": urlset(url("/news/a"), url("b")),
    }
    found, failures = unpack(discover(SITE, MAY_15, fake_getter(documents)))
    assert (failures, sorted(d.url for d in found)) == ([], ["http://news.test/maps/b", "http://news.test/news/a"])


def test_a_broken_child_of_an_index_is_recorded_and_the_others_still_count() -> None:
    documents = {
        "http://news.test/sitemap.xml": """<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>/gone.xml</loc></sitemap><sitemap><loc>/page.xml</loc></sitemap>
            <sitemap><loc>/day.xml</loc></sitemap></sitemapindex>""",
        "http://news.test/page.xml": "<html><body>maintenance</body></html>",
        "http://news.test/day.xml": urlset(url("http://news.test/a")),
    }
    discovery = discover(SITE, MAY_15, fake_getter(documents))
    assert [d.url for d in discovery.urls] == ["http://news.test/a"]
    assert [(f.url, f.stage, f.reason) for f in discovery.failures] == [
        ("http://news.test/gone.xml", "discover", "http_404"),
        ("http://news.test/page.xml", "discover", "not_a_sitemap"),
    ]
    assert discovery.method == "sitemap"


def test_every_entry_left_out_is_counted_by_reason() -> None:
    document = urlset(
        url("http://news.test/a"),
        url("http://news.test/a?utm_source=feed"),
        url("http://news.test/old", "2025-05-14T08:00:00Z"),
        url("http://news.test/undated", None),
        url("http://news.test/odd", "last tuesday"),
        url("http://elsewhere.test/b"),
    )
    discovery = discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document}))
    assert [d.url for d in discovery.urls] == ["http://news.test/a"]
    assert discovery.counts == {
        "sitemap": {
            "seen": 6,
            "taken": 1,
            "out_of_interval": 1,
            "no_date": 1,
            "unparseable_date": 1,
            "off_host": 1,
            "duplicate": 1,
        }
    }


def test_children_past_the_sitemap_limit_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discover_module, "MAX_SITEMAPS", 2)
    children = "".join(f"<sitemap><loc>/c{i}.xml</loc></sitemap>" for i in range(3))
    documents: dict[str, str | bytes] = {
        "http://news.test/sitemap.xml": f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}'
        "</sitemapindex>",
        **{f"http://news.test/c{i}.xml": urlset(url(f"http://news.test/a{i}")) for i in range(3)},
    }
    discovery = discover(SITE, MAY_15, fake_getter(documents))
    assert [d.url for d in discovery.urls] == ["http://news.test/a0"]
    assert discovery.counts == {"sitemap": {"seen": 3, "taken": 1, "sitemap_limit": 2}}


def test_without_a_sitemap_url_the_robots_sitemaps_are_read() -> None:
    source = replace(SITE, sitemap_url=None)
    documents = {
        "http://news.test/m1.xml": urlset(url("http://news.test/a")),
        "http://news.test/m2.xml": urlset(url("http://news.test/b")),
    }
    found, failures = unpack(
        discover(source, MAY_15, fake_getter(documents), lambda: ["http://news.test/m1.xml", "http://news.test/m2.xml"])
    )
    assert (failures, sorted(d.url for d in found)) == ([], ["http://news.test/a", "http://news.test/b"])
    none = discover(source, MAY_15, fake_getter(documents))
    assert (none.method, [(f.url, f.reason) for f in none.failures]) == (
        None,
        [("http://news.test/robots.txt", "no_sitemap")],
    )


def test_feed_links_resolve_against_the_feed_and_xml_base() -> None:
    feed = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="/news/">
        <title>t</title><id>urn:f</id><updated>2025-05-15T12:00:00Z</updated>
        <entry xml:base="2025/"><title>a</title><id>urn:a</id><link href="a.html"/>
        <updated>2025-05-15T09:00:00Z</updated></entry>
        </feed>"""
    rss = """<rss version="2.0"><channel><title>t</title><link>/</link>
        <item><link>/news/b.html</link><pubDate>Thu, 15 May 2025 10:00:00 +0000</pubDate></item>
        <item><link>c.html</link><pubDate>Thu, 15 May 2025 11:00:00 +0000</pubDate></item></channel></rss>"""
    atom_source = replace(SITE, discovery=("rss",), feed_url="http://news.test/feeds/atom.xml")
    rss_source = replace(SITE, discovery=("rss",), feed_url="http://news.test/feeds/rss.xml")
    atom, _ = unpack(discover(atom_source, MAY_15, fake_getter({"http://news.test/feeds/atom.xml": feed})))
    items, _ = unpack(discover(rss_source, MAY_15, fake_getter({"http://news.test/feeds/rss.xml": rss})))
    assert [d.url for d in atom] == ["http://news.test/news/2025/a.html"]
    assert [d.url for d in items] == ["http://news.test/news/b.html", "http://news.test/feeds/c.html"]


@pytest.mark.parametrize("prefix", LEADING_JUNK.values(), ids=LEADING_JUNK.keys())
def test_a_feed_with_junk_before_the_declaration_is_read(prefix: bytes) -> None:
    rss = """<?xml version='1.0' encoding='utf-8'?><rss version="2.0"><channel><title>t</title><link>/</link>
        <item><link> /news/b.html </link><pubDate>Thu, 15 May 2025 10:00:00 +0000</pubDate></item></channel></rss>"""
    source = replace(SITE, discovery=("rss",), feed_url="http://news.test/rss.xml")
    found, failures = unpack(discover(source, MAY_15, fake_getter({"http://news.test/rss.xml": prefix + rss.encode()})))
    assert (failures, [d.url for d in found]) == ([], ["http://news.test/news/b.html"])


@pytest.mark.parametrize(
    ("text", "language", "moment"),
    [
        ("Di, 05 Mär 2024 10:30:00 +0100", "de", datetime(2024, 3, 5, 9, 30, tzinfo=UTC)),
        ("Do, 15 Mai 2025 23:30:00 +0200", "de", datetime(2025, 5, 15, 21, 30, tzinfo=UTC)),
        ("jeu., 15 mai 2025 08:00:00 GMT", "fr", datetime(2025, 5, 15, 8, tzinfo=UTC)),
        ("Чт, 15 мая 2025 10:00:00 +0300", "ru", datetime(2025, 5, 15, 7, tzinfo=UTC)),
        ("mié, 14 may 2025 12:00:00 +0000", None, datetime(2025, 5, 14, 12, tzinfo=UTC)),
        ("not a date at all", "de", None),
    ],
)
def test_feed_dates_in_other_languages_are_read(text: str, language: str | None, moment: datetime | None) -> None:
    assert foreign_date(text, language) == moment


def test_a_feed_entry_with_a_foreign_date_is_placed_in_its_interval() -> None:
    rss = """<rss version="2.0"><channel><title>t</title>
        <item><link>http://news.test/a</link><pubDate>Do, 15 Mai 2025 10:00:00 +0200</pubDate></item>
        <item><link>http://news.test/b</link><pubDate>Fr, 16 Mai 2025 10:00:00 +0200</pubDate></item></channel></rss>"""
    source = replace(SITE, discovery=("rss",), feed_url="http://news.test/rss.xml", language="de")
    discovery = discover(source, MAY_15, fake_getter({"http://news.test/rss.xml": rss}))
    assert [d.url for d in discovery.urls] == ["http://news.test/a"]
    assert discovery.counts == {"rss": {"seen": 2, "taken": 1, "out_of_interval": 1}}


def test_discovery_requests_obey_robots_txt(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "robots.txt").write_text("User-agent: *\nDisallow: /maps/\n")
    (tmp_path / "site" / "maps").mkdir()
    (tmp_path / "site" / "maps" / "sitemap.xml").write_text(urlset(url("{site}/a")))
    with serving(tmp_path) as site:
        host = site.base_url.removeprefix("http://")
        source = Source(
            "s",
            site.base_url + "/",
            "en",
            sitemap_url=site.base_url + "/maps/sitemap.xml",
            allowed_hosts=(host,),
            min_delay_s=0,
        )
        discovery = discover(source, MAY_15, live_getter(source))
    assert [(f.reason, f.stage) for f in discovery.failures] == [("robots_disallowed", "discover")]
    assert site.requests == [("GET", "/robots.txt")]


FALLBACK = replace(SITE, discovery=("sitemap", "rss"), feed_url="http://news.test/rss.xml")


def rss(*items: tuple[str, str | None]) -> str:
    entries = "".join(
        f"<item><link>{link}</link>" + (f"<pubDate>{date}</pubDate>" if date else "") + "</item>"
        for link, date in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'


def test_an_undated_entry_takes_the_day_its_url_names() -> None:
    document = urlset(
        url("http://news.test/2025/05/15/slashes", None),
        url("http://news.test/news/2025-05-15/dashes", None),
        url("http://news.test/p/20250515-compact", None),
        url("http://news.test/2025/05/14/day-before", None),
        url("http://news.test/2025/05/15/garbled-lastmod", "last tuesday"),
        url("http://news.test/about", None),
    )
    discovery = discover(SITE, MAY_15, fake_getter({"http://news.test/sitemap.xml": document}))
    assert sorted(d.url for d in discovery.urls) == [
        "http://news.test/2025/05/15/garbled-lastmod",
        "http://news.test/2025/05/15/slashes",
        "http://news.test/news/2025-05-15/dashes",
        "http://news.test/p/20250515-compact",
    ]
    assert {d.published_hint for d in discovery.urls} == {datetime(2025, 5, 15, tzinfo=UTC)}
    assert {d.published_at for d in discovery.urls} == {None}  # a URL's day is no stated publication date
    assert discovery.counts == {"sitemap": {"seen": 6, "taken": 4, "out_of_interval": 1, "no_date": 1}}


def test_a_method_that_took_none_for_want_of_dates_hands_over_to_the_next() -> None:
    documents = {
        "http://news.test/sitemap.xml": urlset(url("http://news.test/a", None), url("http://news.test/b", None)),
        "http://news.test/rss.xml": rss(
            ("http://news.test/a", "Thu, 15 May 2025 10:00:00 +0200"),
            ("http://news.test/b", "Wed, 14 May 2025 10:00:00 GMT"),
        ),
    }
    discovery = discover(FALLBACK, MAY_15, fake_getter(documents))
    assert (discovery.method, [d.url for d in discovery.urls]) == ("rss", ["http://news.test/a"])
    assert discovery.counts == {
        "sitemap": {"seen": 2, "taken": 0, "no_date": 2},
        "rss": {"seen": 2, "taken": 1, "out_of_interval": 1},
    }


@pytest.mark.parametrize("reason", ["out_of_interval", "empty"])
def test_a_quiet_day_does_not_hand_over(reason: str) -> None:
    entries = [url("http://news.test/a", "2025-05-14T08:00:00Z")] if reason == "out_of_interval" else []
    requested: list[str] = []
    documents = {"http://news.test/sitemap.xml": urlset(*entries), "http://news.test/rss.xml": rss()}
    discovery = discover(FALLBACK, MAY_15, fake_getter(documents, requested))
    assert (discovery.method, discovery.urls, requested) == ("sitemap", (), ["http://news.test/sitemap.xml"])


def test_when_no_method_takes_any_the_first_that_answered_is_named_with_every_count() -> None:
    documents = {"http://news.test/sitemap.xml": urlset(url("http://news.test/a", None))}
    discovery = discover(FALLBACK, MAY_15, fake_getter(documents))
    assert (discovery.method, discovery.urls) == ("sitemap", ())
    assert discovery.counts == {"sitemap": {"seen": 1, "taken": 0, "no_date": 1}, "rss": {"seen": 0, "taken": 0}}
    assert [(f.url, f.reason) for f in discovery.failures] == [("http://news.test/rss.xml", "http_404")]


def test_listed_publication_dates_travel_with_the_url_offset_kept() -> None:
    news = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        "<url><loc>http://news.test/n</loc><lastmod>2025-05-15T20:00:00Z</lastmod><news:news>"
        "<news:publication_date>2025-05-15T10:00:00+02:00</news:publication_date></news:news></url>"
        "<url><loc>http://news.test/m</loc><lastmod>2025-05-15T09:00:00+02:00</lastmod></url></urlset>"
    )
    source = replace(SITE, language="de", feed_url="http://news.test/rss.xml")
    documents = {
        "http://news.test/sitemap.xml": news,
        "http://news.test/rss.xml": rss(("http://news.test/f", "Do, 15 Mai 2025 10:00:00 +0200")),
    }
    listed = {
        d.url: d.published_at
        for method in ("sitemap", "rss")
        for d in discover(replace(source, discovery=(method,)), MAY_15, fake_getter(documents)).urls
    }
    assert {u: (w, w.utcoffset()) if w else None for u, w in listed.items()} == {
        "http://news.test/n": (datetime(2025, 5, 15, 8, tzinfo=UTC), timedelta(hours=2)),
        "http://news.test/m": None,  # a lastmod is a modification date, not a publication date
        "http://news.test/f": (datetime(2025, 5, 15, 8, tzinfo=UTC), timedelta(hours=2)),
    }
