"""``etl.dates``: machine-readable values, dates in URLs, dates written out in a page's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from etl.dates import (
    date_in_text,
    date_in_url,
    is_dateline,
    last_label,
    month_first,
    month_names,
    names_update,
    parse_datetime,
    read_stamp,
)


def utc(parts: tuple[int, ...]) -> datetime:
    """A UTC datetime from (year, month, day[, hour, minute])."""
    year, month, day, hour, minute = (*parts, 0, 0)[:5]
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


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
        ("Thursday 15 May 2025 06.00 BST", "en", (2025, 5, 15, 5, 0)),
        ("Sept. 3, 2024 at 6:45 p.m.", "en", (2024, 9, 3, 18, 45)),
        ("15 de maio de 2025 às 10:30", "pt", (2025, 5, 15, 10, 30)),
        ("15 maggio 2025 ore 9:15", "it", (2025, 5, 15, 9, 15)),
        ("Kamis, 15 Mei 2025 12:30 WIB", "id", (2025, 5, 15, 5, 30)),
        ("1er mai 2025", "fr", (2025, 5, 1)),
        ("15.05.2025 12:30", None, (2025, 5, 15, 12, 30)),
        ("2025-05-15", None, (2025, 5, 15)),
        ("2025년 5월 15일", "ko", (2025, 5, 15)),
        ("2025. 5. 15. 14:20", "ko", (2025, 5, 15, 14, 20)),
        ("2025年5月15日", "ja", (2025, 5, 15)),
        ("16 de mayo de 2025", None, (2025, 5, 16)),
        ("Updated: 20 May 2025 (first published 15 May 2025)", "en", (2025, 5, 15)),
        ("05/03/2024", "it", (2024, 3, 5)),
        ("Pubblicato il 05/03/2024 alle 14:30", "it", (2024, 3, 5, 14, 30)),
        ("05-03-2024 08:05", "es", (2024, 3, 5, 8, 5)),
        ("13/11/2025 09:21", "en", (2025, 11, 13, 9, 21)),
        ("15 травня 2025 р. о 10:30", "uk", (2025, 5, 15, 10, 30)),
        ("15 października 2025", "pl", (2025, 10, 15)),
        ("5 Mart 2024", "tr", (2024, 3, 5)),
        ("Veröffentlicht: 15.05.2025 | Aktualisiert: 16.05.2025", "de", (2025, 5, 15)),
        ("Actualizado 16/05/2025 | Publicado 15/05/2025", "es", (2025, 5, 15)),
        ("05.03.2024, 14:30 MEZ", "de", (2024, 3, 5, 13, 30)),
        ("05/03/2024 14:30 CET", "it", (2024, 3, 5, 13, 30)),
        ("5 марта 2024, 14:30 МСК", "ru", (2024, 3, 5, 11, 30)),
        ("05.03.24, 14:30 Uhr", "de", (2024, 3, 5, 14, 30)),
        ("Опубликовано 05.03.24 в 14:30", "ru", (2024, 3, 5, 14, 30)),
        ("05.03.2024, godz. 14:30", "pl", (2024, 3, 5, 14, 30)),
        ("Stand: 06.03.2024 09:00 Uhr | 05.03.2024 08:00 Uhr", "de", (2024, 3, 5, 8, 0)),
        ("Published 8:00 AM EST March 5, 2024 Updated 9:00 AM EST March 6, 2024", "en", (2024, 3, 5, 13, 0)),
        ("14:30, 5 марта 2024", "ru", (2024, 3, 5, 14, 30)),
        ("14h30, le 5 mars 2024", "fr", (2024, 3, 5, 14, 30)),
        ("05.03.2024 08:00 - 06.03.2024", "de", (2024, 3, 5, 8, 0)),
        ("13/03/2024 2:30 PM", "en", (2024, 3, 13, 14, 30)),
    ],
)
def test_date_in_text(text: str, language: str | None, moment: tuple[int, ...]) -> None:
    found = date_in_text(text, language)
    assert found is not None and found.moment == utc(moment)
    assert found.moment.date() == utc(moment).date()  # the written day, whatever the zone


@pytest.mark.parametrize(
    "text",
    [
        "© 2025 Example Media",
        "Mai 2025",
        "May 2025",
        "31. Februar 2025",
        "15.05.25",
        "Version 1.2.24",
        "in 2025 15 people",
        "32 May 2025",
    ],
)
def test_no_complete_date_in_text(text: str) -> None:
    assert date_in_text(text, None) is None


@pytest.mark.parametrize(
    "text",
    ["Aktualisiert am 16. Mai 2025", "Updated May 16, 2025 at 10:30 a.m.", "Actualizado: 05/03/2024 19:20"],
)
def test_an_update_date_is_never_the_publication_date(text: str) -> None:
    language = {"A": "de", "U": "en"}.get(text[0], "es")
    assert date_in_text(text, language) is None


def test_numeric_dates_are_month_first_only_where_the_locale_says_so() -> None:
    assert month_first("en", "US") and month_first("en", None, "www.example.com")
    assert not month_first("en", "GB") and not month_first("en", None, "www.example.co.uk")
    assert not month_first("it", None) and not month_first("de", "DE") and not month_first("es", "US")
    us = date_in_text("03/05/2024", "en", month_first_dates=True)
    assert us is not None and us.moment.date().isoformat() == "2024-03-05"
    gb = date_in_text("03/05/2024", "en", month_first_dates=False)
    assert gb is not None and gb.moment.date().isoformat() == "2024-05-03"
    either = date_in_text("25/03/2024", "en", month_first_dates=True)
    assert either is not None and either.moment.date().isoformat() == "2024-03-25"


def test_a_zone_after_the_time_is_kept() -> None:
    found = date_in_text("Thursday 15 May 2025 06.00 BST", "en")
    assert found is not None and found.zoned
    assert found.moment.utcoffset() == timedelta(hours=1) and found.moment.hour == 6


@pytest.mark.parametrize(
    ("text", "language", "ago"),
    [
        ("vor 3 Stunden", "de", timedelta(hours=3)),
        ("3 hours ago", "en", timedelta(hours=3)),
        ("hace 45 minutos", "es", timedelta(minutes=45)),
        ("il y a 2 heures", "fr", timedelta(hours=2)),
        ("2 часа назад", "ru", timedelta(hours=2)),
    ],
)
def test_relative_dates_are_read_against_the_fetch_time(text: str, language: str, ago: timedelta) -> None:
    now = datetime(2025, 5, 15, 12, 0, tzinfo=UTC)
    found = date_in_text(text, language, now=now)
    assert found is not None and found.moment == now - ago
    assert date_in_text(text, language) is None  # no fetch time, no date


def test_an_element_marked_as_the_update_gives_the_date_its_text_tells_apart() -> None:
    both = date_in_text("05/03/2024 08:05 | Actualizado: 05/03/2024 19:20", "es", in_update_markup=True)
    assert both is not None and (both.moment.day, both.moment.hour) == (5, 8)
    assert date_in_text("05/03/2024 19:20", "es", in_update_markup=True) is None


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("Pubblicato il 05/03/2024 alle 14:30", True),
        ("Friday, 15 May 2025 | 10:30 CET", True),
        ("Veröffentlicht am 15.05.2025, 14:30 Uhr", True),
        ("Published on 15 May 2025 by the city council after a long debate", False),
        ("The bridge opened on 15 May 2025.", False),
        ("No date here", False),
    ],
)
def test_is_dateline(text: str, dateline: bool) -> None:
    assert is_dateline(text, None) is dateline


def test_a_stated_offset_is_kept_and_a_missing_one_is_utc() -> None:
    stated = read_stamp("2024-03-05T08:05:00+01:00")
    assert stated is not None and stated.zoned and stated.timed
    assert stated.moment.isoformat() == "2024-03-05T08:05:00+01:00"
    assert stated.moment == datetime(2024, 3, 5, 7, 5, tzinfo=UTC)
    bare = read_stamp("2024-03-05 08:05")
    assert bare is not None and not bare.zoned and bare.moment.tzinfo == UTC
    day = read_stamp("2024-03-05")
    assert day is not None and not day.timed
    east = parse_datetime("2025-05-15T08:00:00+09:00")
    assert east is not None and east.date().isoformat() == "2025-05-15"
    assert east.tzinfo == timezone(timedelta(hours=9))


def test_month_names_come_in_format_and_stand_alone_forms() -> None:
    names = month_names("ru")
    assert names["мая"] == names["май"] == 5
    assert month_names("en")["sept"] == 9


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("Aktualisiert am 06.03.2024, 09:15 Uhr", True),
        ("Mis à jour le 6 mars 2024", True),
        ("Обновлено: 6 марта 2024, 12:00", True),
        ("Stand: 06.03.2024", True),
        ("Publié le 5 mars 2024", False),
        ("Standort Nord, 05.03.2024", False),
    ],
)
def test_names_update(text: str, update: bool) -> None:
    assert names_update(text) is update


def test_an_update_stand_date_alone_is_no_publication_date() -> None:
    assert date_in_text("Stand: 06.03.2024 09:00 Uhr", "de") is None


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Updated ", "upd"),
        ("Обновлено:", "upd"),
        ("Published March 5 | Updated ", "upd"),
        ("Updated March 6. Published ", "pub"),
        ("Publié le ", "pub"),
        ("March 5, 2024", None),
    ],
)
def test_last_label(text: str, label: str | None) -> None:
    assert last_label(text) == label
