"""The demo site over real HTTP: sitemaps, feeds, robots.txt, failing pages and host-relative URLs."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.robotparser import RobotFileParser

import requests
from lxml import etree

from etl.demo_site.server import RunningSite
from tests.factories import DAY

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def get(running: RunningSite, path: str, **headers: str) -> requests.Response:
    return requests.get(running.base_url + path, headers=headers, timeout=10)


def xml(running: RunningSite, path: str) -> etree._Element:
    response = get(running, path)
    assert response.status_code == 200, path
    return etree.fromstring(response.content)


def test_served_page_equals_site_response(running: RunningSite) -> None:
    for path in ("/", "/robots.txt", "/de/", "/ru/sitemap.xml", running.site.entries("en")[3].path):
        response = get(running, path)
        status, content_type, body = running.site.response(path, running.base_url)
        assert (response.status_code, response.headers["Content-Type"], response.content) == (
            status,
            content_type,
            body,
        )


def test_sitemap_index_points_to_one_child_per_day_with_latest_lastmod(running: RunningSite) -> None:
    for edition in running.site.editions:
        index = xml(running, f"{edition.path_prefix}sitemap.xml")
        locs = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
        lastmods = index.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS)
        days = running.site.config.dates
        assert locs == [f"{running.base_url}{edition.path_prefix}sitemaps/{day}.xml" for day in days]
        for day, lastmod in zip(days, lastmods, strict=True):
            latest = max(e.published_at for e in running.site.entries(edition.name) if e.day == day)
            assert datetime.fromisoformat(lastmod) == latest


def test_day_sitemap_lists_exactly_the_days_articles(running: RunningSite) -> None:
    for edition in running.site.editions:
        urlset = xml(running, f"{edition.path_prefix}sitemaps/{DAY}.xml")
        listed = {
            url.findtext("sm:loc", namespaces=NS): datetime.fromisoformat(url.findtext("sm:lastmod", namespaces=NS))
            for url in urlset.iterfind("sm:url", NS)
        }
        truth = {
            running.base_url + t.path: t.published_at
            for t in running.site.articles(edition.name)
            if t.published_at.date() == DAY
        }
        assert listed == truth


def test_rss_carries_the_newest_fifty_articles(running: RunningSite) -> None:
    channel = xml(running, "/es/rss.xml").find("channel")
    items = channel.findall("item")
    assert len(items) == 50
    listed = [e for e in running.site.entries("es") if e.listed][::-1][:50]
    assert [item.findtext("link") for item in items] == [running.base_url + e.path for e in listed]
    assert [parsedate_to_datetime(item.findtext("pubDate")) for item in items] == [e.published_at for e in listed]
    assert all(item.findtext("title") and item.findtext("description") for item in items)


def test_robots_txt_disallows_each_editions_intern_path(running: RunningSite) -> None:
    parser = RobotFileParser()
    parser.parse(get(running, "/robots.txt").text.splitlines())
    for truth in running.site.articles():
        allowed = parser.can_fetch("newsetl", running.base_url + truth.path)
        assert allowed is not truth.robots_disallowed, truth.path
    assert parser.site_maps() == [f"{running.base_url}{e.path_prefix}sitemap.xml" for e in running.site.editions]


def test_disallowed_articles_are_in_the_sitemap_and_served(running: RunningSite) -> None:
    intern = [t for t in running.site.articles() if t.robots_disallowed]
    assert {t.edition for t in intern} == {e.name for e in running.site.editions}
    for truth in intern:
        day = truth.published_at.date()
        sitemap = get(running, f"/{truth.edition}/sitemaps/{day}.xml").text
        assert running.base_url + truth.path in sitemap
        assert get(running, truth.path).status_code == 200


def test_failing_articles_answer_503_and_404(running: RunningSite) -> None:
    failing = [t for t in running.site.articles() if t.status != 200]
    assert sorted(t.status for t in failing) == [404] * 5 + [503] * 5
    for truth in failing:
        assert get(running, truth.path).status_code == truth.status


def test_unknown_path_answers_404_html(running: RunningSite) -> None:
    for path in ("/nowhere", "/de/economics/view/no-such-article-1-2025", "/de/sitemaps/1999-01-01.xml"):
        response = get(running, path)
        assert response.status_code == 404
        assert response.headers["Content-Type"].startswith("text/html")


def test_absolute_urls_follow_the_request_host(running: RunningSite) -> None:
    port = running.base_url.rsplit(":", 1)[1]
    other = f"localhost:{port}"
    sitemap = get(running, f"/de/sitemaps/{DAY}.xml", Host=other).text
    article = get(running, running.site.entries("de")[0].path, Host=other).text
    assert f"<loc>http://{other}/de/" in sitemap and running.base_url not in sitemap
    assert f'<link rel="canonical" href="http://{other}/de/' in article


def test_article_page_carries_metadata_in_its_language(running: RunningSite) -> None:
    truth = next(t for t in running.site.articles("ru") if t.kind == "seed_ru")
    page = get(running, truth.path).text
    assert '<html lang="ru">' in page
    assert f'<meta property="article:published_time" content="{truth.published_at.isoformat()}">' in page
    assert '"@type": "NewsArticle"' in page
    assert "15 мая 2025, 12:10" in page
