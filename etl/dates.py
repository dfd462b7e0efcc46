"""Dates as sitemaps, feeds and pages write them, read into timezone-aware UTC datetimes.

Three readers, each for one place a date hides:

- ``parse_datetime``: a machine-readable value (ISO 8601 by the standard library, the rest such as RFC 822
  by python-dateutil). A value that lacks a year, month or day names no date: the missing parts are never
  filled in from today.
- ``date_in_url``: ``/2025/05/15/``, ``/2025/may/15/``, ``-2025-05-15``, ``20250515`` in a URL's path.
- ``date_in_text``: a date as a reader sees it, in the page's language ("15. Mai 2025", "16 de mayo de
  2025", "15 мая 2025", "May 15, 2025", "15.05.2025 12:30", "2025년 5월 15일"). Month names come from
  the Unicode CLDR through Babel, in both the format and the stand-alone forms (Russian "мая" and "май").

A time without a zone is taken as UTC; a date alone as its midnight. Years outside 1990-2100 are refused:
they are ids, prices or copyright lines, not publication dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from urllib.parse import urlsplit

from babel.dates import get_month_names
from dateutil import parser as dateutil_parser

# Languages whose month names ``date_in_text`` knows; numeric and CJK forms need none.
TEXT_DATE_LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "id", "ru", "uk", "pl", "tr", "sv", "da", "nb")

_FIRST_YEAR, _LAST_YEAR = 1990, 2100
_NOT_A_DAY_A = datetime(1, 1, 1)
_NOT_A_DAY_B = datetime(2, 2, 2)
_DOTTED_DATE = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")


def parse_datetime(text: str) -> datetime | None:
    """The moment ``text`` names, in UTC, or None when it names no complete date."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        completed = _dateutil_complete(text)
        if completed is None:
            return None
        parsed = completed
    return _in_utc(parsed)


def _dateutil_complete(text: str) -> datetime | None:
    """dateutil's reading of ``text`` if it holds a year, a month and a day; it fills gaps from a default.

    Dotted numeric dates ("03.05.2025") are day first, as everywhere they are written so.
    """
    dayfirst = bool(_DOTTED_DATE.match(text))
    try:
        first = dateutil_parser.parse(text, default=_NOT_A_DAY_A, dayfirst=dayfirst)
        second = dateutil_parser.parse(text, default=_NOT_A_DAY_B, dayfirst=dayfirst)
    except (ValueError, OverflowError):
        return None
    return first if first.date() == second.date() else None


def _in_utc(moment: datetime) -> datetime | None:
    if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime | None:
    """A UTC datetime from parts, or None when they make no real date."""
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return None
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, datetime.min.time(), UTC)


_URL_DATES = (
    # /2025/05/15/, /2025-05-15-, _2025_05_15, /2025/5/15
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?!\d)"),
    # /2025/may/15/ (The Guardian's form)
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)/(?P<mon>[a-z]{3})/(?P<d>[0-3]?\d)(?!\d)", re.IGNORECASE),
    # 20250515 as a path segment or token of its own
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)


def date_in_url(url: str) -> datetime | None:
    """The day a URL's path names, as its UTC midnight; None when the path names no whole date."""
    path = urlsplit(url).path
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            parts = match.groupdict()
            month = _month_number(parts["mon"], "en") if parts.get("mon") else int(parts["m"])
            if month and (found := _at(int(parts["y"]), month, int(parts["d"]))):
                return found
    return None


@cache
def month_names(language: str) -> dict[str, int]:
    """Lower-case month names and abbreviations of ``language`` (without a trailing dot) -> 1..12."""
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale=language).items():
                key = name.lower().rstrip(".")
                if key and not key[0].isdigit():
                    names.setdefault(key, number)
    if language == "en":
        names.setdefault("sept", 9)
    return names


def _month_number(name: str, language: str) -> int | None:
    return month_names(language).get(name.lower().rstrip("."))


_TIME = (
    r"(?:\s*(?:,|\||-|–|—|/|·|um|at|à|às|a las|alle|ore|в|pukul|kl\.?)?\s*"
    r"(?P<H>[0-2]?\d)[:h](?P<M>[0-5]\d)(?:\s*(?P<ampm>[ap])\.?m\.?)?)?"
)
_NUMERIC_DATES = (
    # 15.05.2025 (day first, as written in most of Europe)
    re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.\s?(?P<m>[01]?\d)\.\s?(?P<y>(?:19|20)\d\d)(?![\d.]\d)" + _TIME),
    # 2025-05-15, 2025/05/15, 2025.05.15, 2025. 5. 15., 2025년 5월 15일, 2025年5月15日
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d\d)\s*(?:[-/.年]|년)\s*(?P<m>[01]?\d)\s*(?:[-/.月]|월)\s*(?P<d>[0-3]?\d)(?!\d)"
        r"\s*(?:[.日]|일)?" + _TIME
    ),
)


@cache
def _named_month_dates(language: str) -> tuple[re.Pattern[str], ...]:
    """Day-month-year and month-day-year patterns with ``language``'s month names."""
    names = "|".join(re.escape(name) for name in sorted(month_names(language), key=len, reverse=True))
    month = rf"(?P<mon>{names})\b\.?"
    return (
        re.compile(
            rf"(?<!\d)(?P<d>[0-3]?\d)(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+)?{month},?\s*(?:de\s+)?"
            rf"(?P<y>(?:19|20)\d\d)(?!\d)(?:\s*(?:г\.|р\.|года|року|r\.))?" + _TIME,
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b{month}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)(?!\d)" + _TIME, re.IGNORECASE
        ),
    )


def date_in_text(text: str, language: str | None = None) -> datetime | None:
    """The first complete date written in ``text``; month names of ``language``, then English, are known.

    Without a language every known language is tried, English first.
    """
    languages: tuple[str, ...]
    if language in TEXT_DATE_LANGUAGES:
        assert language is not None
        languages = (language, "en") if language != "en" else ("en",)
    else:
        languages = TEXT_DATE_LANGUAGES
    found: list[tuple[int, datetime]] = []
    patterns = [(p, "") for p in _NUMERIC_DATES] + [(p, lang) for lang in languages for p in _named_month_dates(lang)]
    for pattern, lang in patterns:
        for match in pattern.finditer(text):
            if (moment := _from_match(match, lang)) is not None:
                found.append((match.start(), moment))
                break
    return min(found, key=lambda item: item[0])[1] if found else None


def _from_match(match: re.Match[str], language: str) -> datetime | None:
    parts = match.groupdict()
    month = _month_number(parts["mon"], language) if parts.get("mon") else int(parts["m"])
    if not month:
        return None
    hour = int(parts["H"]) if parts.get("H") else 0
    minute = int(parts["M"]) if parts.get("M") else 0
    if parts.get("ampm"):
        hour = hour % 12 + (12 if parts["ampm"].lower() == "p" else 0)
    if hour > 23:
        hour = minute = 0
    return _at(int(parts["y"]), month, int(parts["d"]), hour, minute)
