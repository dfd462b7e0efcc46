"""``etl.extract.metadata``: each field's fallback chain, on small hand-made pages.

Fixtures in ``tests/fixtures/extract/metadata``: each ``NAME.html`` has beside it ``NAME.json`` with what it
shows, the URL it was fetched from (or null) and the expected metadata.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from etl.extract.metadata import Metadata, read_metadata

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract" / "metadata"
PAGES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def as_json(meta: Metadata) -> dict[str, object]:
    return {
        "url": meta.url,
        "title": meta.title,
        "published_at": meta.published_at.isoformat() if meta.published_at else None,
        "language": meta.language,
        "authors": list(meta.authors),
        "section": meta.section,
    }


def read(html: str, url: str | None = None) -> Metadata:
    return read_metadata(BeautifulSoup(html, "lxml"), url)


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page(name: str) -> None:
    case = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    soup = BeautifulSoup((FIXTURES / f"{name}.html").read_text("utf-8"), "lxml")
    assert as_json(read_metadata(soup, case["fetched_url"])) == case["expected"]


def test_reading_leaves_the_tree_unchanged() -> None:
    html = (FIXTURES / "json-ld-graph.html").read_text("utf-8")
    soup = BeautifulSoup(html, "lxml")
    before = str(soup)
    read_metadata(soup, None)
    assert str(soup) == before


def test_fetched_url_wins_over_the_canonical_link() -> None:
    html = '<html><head><link rel="canonical" href="https://example.com/other"></head></html>'
    assert read(html, "https://example.com/fetched?utm_campaign=x").url == "https://example.com/fetched"
    assert read(html).url == "https://example.com/other"


def test_a_relative_canonical_without_og_url_is_no_url() -> None:
    assert read('<html><head><link rel="canonical" href="/story"></head></html>').url is None


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ('<meta name="twitter:title" content="Twitter card title">', "Twitter card title"),
        ("<title>Bridge reopens after two years | Daily Example</title>", "Bridge reopens after two years"),
        ("<title>Daily Example - Bridge reopens after two years</title>", "Bridge reopens after two years"),
        ("<title>Bridge reopens after two years — Daily Example</title>", "Bridge reopens after two years"),
        ("<title>Bridge reopens after two years</title>", "Bridge reopens after two years"),
    ],
)
def test_title_fallbacks(head: str, title: str) -> None:
    assert read(f"<html><head>{head}</head><body></body></html>", "https://dailyexample.com/a").title == title


def test_og_title_keeps_a_dash_that_is_part_of_the_headline() -> None:
    html = """<html><head><meta property="og:site_name" content="Mirror News">
        <meta property="og:title" content="Jane Doe – on the region's plans until 2030"></head></html>"""
    assert read(html).title == "Jane Doe – on the region's plans until 2030"


def test_og_title_loses_a_part_naming_the_host() -> None:
    html = '<html><head><meta property="og:title" content="Bridge reopens | Dailyexample"></head></html>'
    assert read(html, "https://www.dailyexample.com/x").title == "Bridge reopens"


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ('<meta name="parsely-pub-date" content="2025-05-15T08:00:00Z">', "2025-05-15T08:00:00+00:00"),
        ('<meta name="dc.date.issued" content="2025-05-15">', "2025-05-15T00:00:00+00:00"),
        ('<meta itemprop="datePublished" content="2025-05-15T10:00:00+02:00">', "2025-05-15T10:00:00+02:00"),
        ('<meta name="pubdate" content="Thu, 15 May 2025 10:00:00 GMT">', "2025-05-15T10:00:00+00:00"),
    ],
)
def test_published_at_from_other_meta_tags(head: str, published: str) -> None:
    found = read(f"<html><head>{head}</head><body></body></html>").published_at
    assert found is not None and found.isoformat() == published


def test_an_incomplete_meta_date_is_no_date() -> None:
    assert read('<html><head><meta name="date" content="May 15"></head></html>').published_at is None


def test_marked_up_date_wins_over_the_url_date() -> None:
    html = '<html><body><article><time datetime="2025-05-14T23:30:00Z">14 May</time></article></body></html>'
    found = read(html, "https://example.com/2025/05/15/story").published_at
    assert found is not None and found.isoformat() == "2025-05-14T23:30:00+00:00"


@pytest.mark.parametrize(
    ("html", "authors"),
    [
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": "Jane Doe and John Roe"}</script>',
            ("Jane Doe", "John Roe"),
        ),
        (
            '<script type="application/ld+json">{"@type": "Article", "author": {"@type": "Person", "name": "Jane Doe"}}'
            "</script>",
            ("Jane Doe",),
        ),
        ('<meta property="article:author" content="Jane Doe">', ("Jane Doe",)),
        ('<meta property="article:author" content="https://www.facebook.com/jane.doe">', ()),
        ('<div class="article-byline">By Jane Doe, Staff Writer | Updated May 16, 2025</div>', ("Jane Doe",)),
        ('<div class="author-bio">Jane Doe writes about cities and has covered the council for years.</div>', ()),
    ],
)
def test_author_fallbacks(html: str, authors: tuple[str, ...]) -> None:
    assert read(f"<html><head></head><body>{html}</body></html>").authors == authors


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html lang="pt-BR"><body></body></html>', "pt"),
        (
            '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "ko-KR"}</script>'
            "</head></html>",
            "ko",
        ),
        ('<html><head><meta property="og:locale" content="ja_JP"></head></html>', "ja"),
        ('<html><head><meta http-equiv="content-language" content="id"></head></html>', "id"),
        ('<html lang="und"><head><meta property="og:locale" content="ru_RU"></head></html>', "ru"),
        ("<html><body><p>No declaration here.</p></body></html>", None),
    ],
)
def test_language_fallbacks(html: str, language: str | None) -> None:
    assert read(html).language == language


def test_section_from_article_section_meta() -> None:
    assert read('<html><head><meta property="article:section" content="Sport"></head></html>').section == "Sport"


def test_itemprop_date_published_written_as_text() -> None:
    html = '<html lang="de"><body><span itemprop="datePublished">15. Mai 2025</span></body></html>'
    found = read(html).published_at
    assert found is not None and found.isoformat() == "2025-05-15T00:00:00+00:00"


def test_the_json_ld_article_about_this_page_wins_over_related_stories() -> None:
    html = """<html><head><script type="application/ld+json">[
        {"@type": "NewsArticle", "headline": "A related story", "url": "https://example.com/related"},
        {"@type": "NewsArticle", "headline": "This story", "mainEntityOfPage": {"@id": "https://example.com/this"}}
        ]</script></head></html>"""
    assert read(html, "https://example.com/this").title == "This story"
    assert read(html, "https://example.com/elsewhere").title == "A related story"


DATES = Path(__file__).parent.parent / "fixtures" / "dates"


def written_date_pages() -> list[dict[str, str]]:
    with (DATES / "pages.tsv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows, delimiter="\t"))


@pytest.mark.parametrize("row", written_date_pages(), ids=lambda row: row["name"])
def test_date_dev_set_page_gets_its_local_publication_day(row: dict[str, str]) -> None:
    html = (DATES / "pages" / f"{row['name']}.html").read_text("utf-8")
    fetched = datetime.fromisoformat(row["fetched_at"]) if row["fetched_at"] else None
    found = read_metadata(BeautifulSoup(html, "lxml"), row["url"], fetched_at=fetched).published_at
    assert (found.date().isoformat() if found else "") == row["date"], row["kind"]


def test_published_at_keeps_the_offset_the_page_states() -> None:
    html = '<html><head><meta property="article:published_time" content="2025-05-15T08:00:00+09:00"></head></html>'
    found = read(html).published_at
    assert found is not None and found.isoformat() == "2025-05-15T08:00:00+09:00"
    assert found == datetime(2025, 5, 14, 23, 0, tzinfo=UTC)


def test_a_signal_stating_the_zone_wins_for_the_same_wall_clock_time() -> None:
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
        "datePublished": "2025-05-15T09:15:00"}</script>
        <meta property="article:published_time" content="2025-05-15T09:15:00+03:00"></head></html>"""
    found = read(html).published_at
    assert found is not None and found.isoformat() == "2025-05-15T09:15:00+03:00"


def test_a_date_alone_takes_the_time_of_another_signal_for_the_same_day() -> None:
    html = """<html><head><meta property="article:published_time" content="2025-05-15">
        <meta name="parsely-pub-date" content="2025-05-15T09:15:00+02:00"></head></html>"""
    found = read(html).published_at
    assert found is not None and found.isoformat() == "2025-05-15T09:15:00+02:00"


def test_a_modified_time_is_never_the_publication_time() -> None:
    html = """<html><head><meta property="article:modified_time" content="2025-05-16T10:00:00Z"></head>
        <body><article><h1>Bridge</h1><time itemprop="dateModified" datetime="2025-05-16T10:00:00Z">May 16, 2025</time>
        </article></body></html>"""
    assert read(html).published_at is None


def test_a_visible_date_naming_another_day_than_the_url_loses_to_the_url() -> None:
    html = '<html><body><article><h1>Bridge</h1><div class="date">March 1, 2024</div></article></body></html>'
    found = read(html, "https://example.com/2024/03/05/bridge").published_at
    assert found is not None and found.date().isoformat() == "2024-03-05"


@pytest.mark.parametrize(
    ("html", "authors", "publisher"),
    [
        (
            '<meta name="author" content="Bayside Broadcasting Corporation">'
            '<div class="article-byline">By <a href="/r/1">Mia Tennant</a> and <a href="/r/2">Oscar Velde</a></div>',
            ("Mia Tennant", "Oscar Velde"),
            "Bayside Broadcasting Corporation",
        ),
        (
            '<meta property="og:site_name" content="Coast Daily"><meta name="author" content="Coast Daily">'
            '<span class="byline">Von Anna Schmidt</span>',
            ("Anna Schmidt",),
            "Coast Daily",
        ),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Organization",'
            ' "name": "Example Newsroom"}, "publisher": {"@type": "Organization", "name": "Example Media"}}</script>',
            (),
            "Example Media",
        ),
        ('<meta name="author" content="Redaktion">', (), None),
        (
            '<meta name="author" content="Jane Doe"><meta property="og:site_name" content="Daily Example">',
            ("Jane Doe",),
            "Daily Example",
        ),
    ],
)
def test_authors_are_people_and_the_organisation_is_the_publisher(
    html: str, authors: tuple[str, ...], publisher: str | None
) -> None:
    found = read(f"<html><head></head><body>{html}</body></html>", "https://www.coast-daily.example/a")
    assert (found.authors, found.publisher) == (authors, publisher)


def test_a_personal_site_named_after_its_author_keeps_the_author() -> None:
    html = '<html><head><meta property="og:site_name" content="Jane Doe"><meta name="author" content="Jane Doe">'
    assert read(html, "https://janedoe.example/post").authors == ("Jane Doe",)
