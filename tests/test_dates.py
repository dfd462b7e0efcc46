"""``etl.dates``: machine-readable values, dates in URLs, dates written out in a page's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from etl.dates import date_in_text, date_in_url, month_names, parse_datetime


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2025-05-15T09:30:00+01:00", datetime(2025, 5, 15, 8, 30, tzinfo=UTC)),
        ("2025-05-15T09:30:00Z", datetime(2025, 5, 15, 9, 30, tzinfo=UTC)),
        ("2025-05-15", datetime(2025, 5, 15, tzinfo=UTC)),
        ("2025-05-15 09:30", datetime(2025, 5, 15, 9, 30, tzinfo=UTC)),
        ("Thu, 15 May 2025 10:00:00 +0200", datetime(2025, 5, 15, 8, 0, tzinfo=UTC)),
        ("May 15, 2025 6:45 PM", datetime(2025, 5, 15, 18, 45, tzinfo=UTC)),
        ("03.05.2025 10:00", datetime(2025, 5, 3, 10, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text: str, moment: datetime) -> None:
    assert parse_datetime(text) == moment


@pytest.mark.parametrize(
    "text", ["", "   ", "May 15", "15:30", "2025", "yesterday", "0001-01-01T00:00:00Z", "3000-01-01"]
)
def test_parse_datetime_never_fills_in_today_or_accepts_an_implausible_year(text: str) -> None:
    assert parse_datetime(text) is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://example.com/news/2025/05/15/bridge-opens", (2025, 5, 15)),
        ("https://example.com/news/2025/5/15/bridge-opens", (2025, 5, 15)),
        ("https://example.com/world/2025/may/15/bridge-opens", (2025, 5, 15)),
        ("https://example.com/news/20250515-bridge-opens", (2025, 5, 15)),
        ("https://example.com/news/bridge-opens-2025-05-15.html", (2025, 5, 15)),
        ("https://example.com/story/20250515/123456.html", (2025, 5, 15)),
    ],
)
def test_date_in_url(url: str, day: tuple[int, int, int]) -> None:
    assert date_in_url(url) == datetime(*day, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news/2025/05/bridge-opens",
        "https://example.com/news/123456789012/bridge",
        "https://example.com/news/2025/13/45/bridge",
        "https://example.com/news/bridge?date=2025-05-15",
    ],
)
def test_no_whole_date_in_url(url: str) -> None:
    assert date_in_url(url) is None


@pytest.mark.parametrize(
    ("text", "language", "moment"),
    [
        ("15. Mai 2025", "de", (2025, 5, 15)),
        ("Veröffentlicht am 15. Mai 2025, 14:30 Uhr", "de", (2025, 5, 15, 14, 30)),
        ("16 de mayo de 2025", "es", (2025, 5, 16)),
        ("15 мая 2025 г., 12:05", "ru", (2025, 5, 15, 12, 5)),
        ("15 травня 2025", "uk", (2025, 5, 15)),
        ("May 15, 2025", "en", (2025, 5, 15)),
        ("Thursday 15 May 2025 06.00 BST", "en", (2025, 5, 15)),
        ("Sept. 3, 2024 at 6:45 p.m.", "en", (2024, 9, 3, 18, 45)),
        ("15 de maio de 2025 às 10:30", "pt", (2025, 5, 15, 10, 30)),
        ("15 maggio 2025 ore 9:15", "it", (2025, 5, 15, 9, 15)),
        ("Kamis, 15 Mei 2025 12:30 WIB", "id", (2025, 5, 15, 12, 30)),
        ("1er mai 2025", "fr", (2025, 5, 1)),
        ("15.05.2025 12:30", None, (2025, 5, 15, 12, 30)),
        ("2025-05-15", None, (2025, 5, 15)),
        ("2025년 5월 15일", "ko", (2025, 5, 15)),
        ("2025. 5. 15. 14:20", "ko", (2025, 5, 15, 14, 20)),
        ("2025年5月15日", "ja", (2025, 5, 15)),
        ("16 de mayo de 2025", None, (2025, 5, 16)),
        ("Updated: 20 May 2025 (first published 15 May 2025)", "en", (2025, 5, 20)),
    ],
)
def test_date_in_text(text: str, language: str | None, moment: tuple[int, ...]) -> None:
    assert date_in_text(text, language) == datetime(*moment, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "© 2025 Example Media",
        "Mai 2025",
        "May 2025",
        "31. Februar 2025",
        "15.05.25",
        "in 2025 15 people",
        "32 May 2025",
    ],
)
def test_no_complete_date_in_text(text: str) -> None:
    assert date_in_text(text, None) is None


def test_month_names_come_in_format_and_stand_alone_forms() -> None:
    names = month_names("ru")
    assert names["мая"] == names["май"] == 5
    assert month_names("en")["sept"] == 9
