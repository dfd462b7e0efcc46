"""Parse the date strings sitemaps, feeds and pages carry into timezone-aware UTC datetimes.

ISO 8601 first (the common case, parsed by the standard library), then python-dateutil for the rest
(RFC 822 in feeds, odd separators). A time without a zone is taken as UTC; a date alone as its midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from dateutil import parser as dateutil_parser


def parse_datetime(text: str) -> datetime | None:
    """The moment ``text`` names, in UTC, or None when it names none."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        try:
            parsed = dateutil_parser.parse(text)
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, datetime.min.time(), UTC)
