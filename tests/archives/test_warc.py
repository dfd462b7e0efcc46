"""Reading WARC records: which source takes a record, decided from its target URL, and every other record
counted by reason. Files are written by the tests (tests/archives/builders.py); no warehouse needed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from etl.archives.warc import (
    ArchiveError,
    Capture,
    Left,
    Routed,
    Skip,
    SourceRouter,
    open_archive,
    read_record,
    warc_date,
)
from etl.config import FetchSettings, Settings
from etl.demo_site.content import SiteConfig, build_site
from etl.records import Source
from etl.sources import load_sources
from tests.archives.builders import (
    BASE,
    CHANGED_HEADLINE,
    EXPECTED_COUNTS,
    Rec,
    articles,
    demo_records,
    page,
    write_arc,
    write_warc,
)

SITE = build_site(SiteConfig())
SOURCES = load_sources(Settings())  # the demo sources, filed under http://127.0.0.1:8765


def read_all(path: Path, router: SourceRouter, max_bytes: int = 10_000_000) -> list[Capture | Left]:
    with path.open("rb") as stream:
        records = ArchiveIterator(stream, arc2warc=True)
        return [read_record(record, records.offset, router, max_bytes) for record in records]


def reasons(outcomes: list[Capture | Left]) -> Counter[str]:
    return Counter("taken" if isinstance(o, Capture) else o.reason.value for o in outcomes)


@pytest.mark.parametrize("gzip", [True, False])
def test_every_record_is_taken_or_counted_by_reason(tmp_path: Path, gzip: bool) -> None:
    path = write_warc(tmp_path / "demo.warc", demo_records(SITE), gzip=gzip)

    outcomes = read_all(path, SourceRouter(SOURCES, [s.name for s in SOURCES]))

    assert reasons(outcomes) == EXPECTED_COUNTS


def test_a_capture_is_a_page_filed_under_its_identity_with_its_capture_time(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "demo.warc.gz", demo_records(SITE))

    captures = [o for o in read_all(path, SourceRouter(SOURCES, ["demo-de"])) if isinstance(o, Capture)]

    first = captures[0]
    assert first.page.source == "demo-de"
    assert first.page.requested_url == first.page.final_url == first.target_uri
    assert first.page.fetched_at == datetime.fromisoformat("2025-05-12T07:32:35+00:00")
    assert first.page.content_type == "text/html; charset=utf-8"
    assert [c.page.fetched_at.day for c in captures if c.target_uri == first.target_uri] == [12, 13, 14]
    assert CHANGED_HEADLINE.encode() in captures[-1].page.content
    assert len({c.record_offset for c in captures}) == len(captures)


def test_pages_of_a_source_not_imported_are_other_source(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "demo.warc.gz", demo_records(SITE))

    counted = reasons(read_all(path, SourceRouter(SOURCES, ["demo-de"])))

    assert counted["other_source"] == 2  # the demo-es captures
    assert counted["taken"] == EXPECTED_COUNTS["taken"] - 2


def test_a_payload_over_the_size_limit_is_too_large(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "demo.warc.gz", demo_records(SITE))

    counted = reasons(read_all(path, SourceRouter(SOURCES, ["demo-de", "demo-es"]), max_bytes=20_000))

    assert counted["too_large"] == EXPECTED_COUNTS["taken"]
    assert counted["taken"] == 0


def test_sources_sharing_a_host_are_told_apart_by_base_url() -> None:
    router = SourceRouter(SOURCES, [s.name for s in SOURCES])

    de = router.route(f"{BASE}/de/politics/view/x-1")
    es = router.route(f"{BASE}/es/politica/view/x-1")

    assert isinstance(de, Routed) and de.source.name == "demo-de"
    assert isinstance(es, Routed) and es.source.name == "demo-es"
    assert router.route(f"{BASE}/robots.txt") == Skip.AMBIGUOUS_HOST


def test_hosts_are_compared_as_the_fetcher_compares_them() -> None:
    source = Source(name="s", base_url="https://www.example.com/", language="de", allowed_hosts=("www.example.com",))
    router = SourceRouter([source], ["s"])

    assert isinstance(router.route("https://WWW.Example.COM./news/1"), Routed)
    assert isinstance(router.route("https://www.example.com:443/news/1"), Routed)
    assert router.route("https://www.example.com.evil.test/news/1") == Skip.OFF_HOST
    assert router.route("https://user@www.example.com/news/1") == Skip.OFF_HOST
    assert router.route("dns:www.example.com") == Skip.OFF_HOST


def test_an_identity_url_is_filed_under_the_canonical_base() -> None:
    source = Source(
        name="m",
        base_url="https://m.example.com/",
        language="de",
        allowed_hosts=("m.example.com",),
        canonical_base_url="https://www.example.com/",
    )
    router = SourceRouter([source], ["m"])

    mobile = router.route("https://m.example.com/news/1?utm_source=x")
    desktop = router.route("https://www.example.com/news/1")

    assert isinstance(mobile, Routed) and mobile.url == "https://www.example.com/news/1"
    assert isinstance(desktop, Routed) and desktop.url == "https://www.example.com/news/1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-05-15T10:00:00Z", datetime(2025, 5, 15, 10, tzinfo=UTC)),
        ("2025-05-15T12:00:00+02:00", datetime(2025, 5, 15, 10, tzinfo=UTC)),
        ("20250515100000", datetime(2025, 5, 15, 10, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
    ],
)
def test_warc_dates_are_read_as_utc(text: str | None, expected: datetime | None) -> None:
    assert warc_date(text) == expected


def test_a_missing_file_is_an_archive_error(tmp_path: Path) -> None:
    with (
        pytest.raises(ArchiveError, match="cannot read"),
        open_archive(str(tmp_path / "none.warc.gz"), 0, FetchSettings()),
    ):
        pass


def test_an_arc_file_is_read_like_a_warc(tmp_path: Path) -> None:
    entries = articles(SITE, "de", 2)
    records = [Rec(BASE + e.path, page(SITE, e), datetime(2025, 5, 12, 9, 30, tzinfo=UTC)) for e in entries]
    path = write_arc(tmp_path / "old.arc.gz", records)

    outcomes = read_all(path, SourceRouter(SOURCES, ["demo-de"]))

    assert reasons(outcomes) == {"not_response": 1, "taken": 2}
    captures = [o for o in outcomes if isinstance(o, Capture)]
    assert [c.target_uri for c in captures] == [BASE + e.path for e in entries]
    assert all(c.page.fetched_at == datetime(2025, 5, 12, 9, 30, tzinfo=UTC) for c in captures)
    assert captures[0].page.content == page(SITE, entries[0])


def test_listing_pages_and_pages_off_the_article_pattern_are_not_articles(tmp_path: Path) -> None:
    first = articles(SITE, "de", 1)[0]
    at = first.published_at
    listings = [f"/de/archive/{first.published_at.date().isoformat()}/", "/de/", "/de/about/"]
    section = SITE.response(listings[1], BASE)[2]
    records = [Rec(BASE + first.path, page(SITE, first), at)] + [
        Rec(BASE + path, SITE.response(path, BASE)[2] or section, at) for path in listings
    ]
    records.append(Rec(f"{BASE}/de/politik/?tag=3", section, at))
    path = write_warc(tmp_path / "crawl.warc.gz", records)

    outcomes = read_all(path, SourceRouter(SOURCES, ["demo-de"]))

    assert reasons(outcomes) == {"taken": 1, "not_article": 4}
    assert all(o.source == "demo-de" for o in outcomes if isinstance(o, Left))


def test_an_archive_day_page_is_no_article_even_where_the_pattern_would_take_it() -> None:
    source = Source(
        "s",
        "https://www.example.com/",
        "en",
        ("archive",),
        archive_url="https://www.example.com/news/archive/{date}/",
        article_url_pattern="/news/",
        allowed_hosts=("www.example.com",),
    )
    router = SourceRouter([source], ["s"])
    day, story = "https://www.example.com/news/archive/2025-05-15/", "https://www.example.com/news/a-story"

    for uri, expected in ((day, Skip.NOT_ARTICLE), (story, None)):
        routed = router.route(uri)
        assert isinstance(routed, Routed) and router.refusal(routed, uri) == expected


def test_a_page_the_captured_robots_txt_disallows_is_counted_robots(tmp_path: Path) -> None:
    de = articles(SITE, "de", 2)
    at = de[0].published_at
    robots = b"User-agent: *\nDisallow: /de/intern/\n\nUser-agent: newsetl\nDisallow: " + de[1].path.encode() + b"\n"
    records = [
        Rec(BASE + de[1].path, page(SITE, de[1]), at),  # before the robots.txt capture: taken
        Rec(BASE + "/robots.txt", robots, at, content_type="text/plain"),
        Rec(BASE + de[0].path, page(SITE, de[0]), at),
        Rec(BASE + de[1].path, page(SITE, de[1]), at),
    ]
    path = write_warc(tmp_path / "crawl.warc.gz", records)

    outcomes = read_all(path, SourceRouter(SOURCES, ["demo-de"], user_agent="newsetl/1.0"))

    assert [o.reason.value if isinstance(o, Left) else "taken" for o in outcomes] == [
        "taken",
        "robots_txt",
        "taken",
        "robots",
    ]
