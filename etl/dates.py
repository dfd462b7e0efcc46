"""Dates as sitemaps, feeds and pages write them, read into timezone-aware datetimes that keep the stated offset.

Readers, each for one place a date hides:

- ``parse_datetime`` / ``read_stamp``: a machine-readable value (ISO 8601 by the standard library, the rest
  such as RFC 822 by python-dateutil). A value that lacks a year, month or day names no date: the missing
  parts are never filled in from today.
- ``date_in_url``: ``/2025/05/15/``, ``/2025/may/15/``, ``-2025-05-15``, ``20250515`` in a URL's path.
- ``date_in_text``: the publication date a reader sees, in the page's language and locale ("15. Mai 2025",
  "16 de mayo de 2025", "15 мая 2025", "May 15, 2025", "15.05.2025 12:30", "05/03/2024", "2025년 5월 15일",
  "vor 3 Stunden"; a time may stand before its date: "8:00 AM EST March 5, 2024", "14:30, 5 марта 2024").
  Month names come from the Unicode CLDR through Babel, in both the format and the
  stand-alone forms (Russian "мая" and "май"). A date after an update label ("Updated", "Aktualisiert", "Stand",
  "Actualizado", ...) is never returned; one after a publication label ("Published", "Veröffentlicht",
  "Publicado", ...) wins over an unlabelled one.
- ``is_dateline``: whether a line of text is only a date (with its label, weekday, time and zone).

Offsets: a value that states a zone keeps it (``2024-03-05T08:05:00+01:00`` stays at +01:00, the same instant
as 07:05 UTC), so the page's local day is the datetime's own ``date()``. A time without a zone is read as
UTC, a date alone as its midnight UTC: the written wall-clock day is kept either way. ``Stamp.zoned`` and
``Stamp.timed`` say which parts the text stated, so a caller can prefer a signal that states a zone.

Numeric dates follow the locale: ``05/03/2024`` is 5 March in it, de, es, ru, fr, en-GB...; March 5 in en-US
(``month_first``). Years outside 1990-2100 are refused: they are ids, prices or copyright lines. A dotted
date with a two-digit year (``05.03.24, 14:30``) is 20yy, day first, and only read with a time beside it.
Zone abbreviations after a time are read in any case (``CET``, ``MEZ``, ``МСК``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import cache
from urllib.parse import urlsplit

from babel.dates import get_day_names, get_month_names
from dateutil import parser as dateutil_parser

# Languages whose month names ``date_in_text`` knows; numeric and CJK forms need none.
TEXT_DATE_LANGUAGES = (
    "en",
    "de",
    "fr",
    "es",
    "pt",
    "it",
    "nl",
    "id",
    "ru",
    "uk",
    "pl",
    "tr",
    "sv",
    "da",
    "nb",
    "fi",
    "cs",
    "ro",
    "hu",
    "ca",
    "be",
)

_FIRST_YEAR, _LAST_YEAR = 1990, 2100
_NOT_A_DAY_A = datetime(1, 1, 1)
_NOT_A_DAY_B = datetime(2, 2, 2)
_DOTTED_DATE = re.compile(r"\s*\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_STATES_TIME = re.compile(r"\d[:h]\d\d")

# Regions whose numeric dates put the month first (CLDR short date patterns "M/d/yy"): the United States and
# the few that follow it. Every other locale writes the day first (or the year first, handled apart).
_MONTH_FIRST_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"})
# English-language hosts of day-first countries, for a page that says "en" without a region.
_DAY_FIRST_TLDS = frozenset(
    {"uk", "au", "nz", "ie", "in", "za", "sg", "pk", "ng", "ke", "my", "hk", "gh", "lk", "bd", "mt", "jm", "tt"}
)


@dataclass(frozen=True)
class Stamp:
    """A moment read from a page and what its text stated: a zone (``zoned``) and a time of day (``timed``).

    ``moment`` is timezone-aware: at the stated offset, else UTC.
    """

    moment: datetime
    zoned: bool
    timed: bool

    def wall_clock(self) -> tuple[date, int, int]:
        """The written day and time, whatever the zone: what two signals for the same moment share."""
        return self.moment.date(), self.moment.hour, self.moment.minute


def parse_datetime(text: str) -> datetime | None:
    """The moment ``text`` names, at its stated offset (UTC when it states none), or None without a whole date."""
    stamp = read_stamp(text)
    return stamp.moment if stamp else None


def read_stamp(text: str) -> Stamp | None:
    """``text`` as a ``Stamp``, or None when it names no complete date (or a year outside 1990-2100)."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        timed = "T" in text or " " in text.strip()
    except ValueError:
        completed = _dateutil_complete(text)
        if completed is None:
            return None
        parsed = completed
        timed = bool(_STATES_TIME.search(text))
    if not _FIRST_YEAR <= parsed.year <= _LAST_YEAR:
        return None
    zoned = parsed.tzinfo is not None and parsed.utcoffset() is not None
    if not zoned:
        parsed = parsed.replace(tzinfo=UTC)
    return Stamp(_fixed_offset(parsed), zoned=zoned, timed=timed)


def _fixed_offset(moment: datetime) -> datetime:
    """``moment`` with its offset as a plain ``timezone`` (dateutil's tzoffset/tzutc print and pickle oddly)."""
    offset = moment.utcoffset() or timedelta(0)
    return moment.replace(tzinfo=UTC if not offset else timezone(offset))


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


def with_offset_of(stamp: Stamp, zoned: Stamp) -> Stamp:
    """``stamp``'s wall-clock time at ``zoned``'s offset: a zone-less time given the zone another signal states."""
    tz = zoned.moment.tzinfo or UTC
    return Stamp(stamp.moment.replace(tzinfo=tz), zoned=True, timed=stamp.timed)


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


def month_first(language: str | None, region: str | None, host: str | None = None) -> bool:
    """Whether numeric dates on a page put the month first (``05/03/2024`` = May 3): en-US and kin only.

    ``region`` is the page's declared territory (``en-US``, ``en_GB``); an English page without one is read
    by its host's country domain (``.co.uk``, ``.com.au``: day first), else month first.
    """
    if language != "en":
        return False
    if region:
        return region.upper() in _MONTH_FIRST_REGIONS
    tld = host.rsplit(".", 1)[-1].lower() if host else ""
    return tld not in _DAY_FIRST_TLDS


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


@cache
def _day_names(language: str) -> frozenset[str]:
    names: set[str] = set()
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            names.update(name.lower().rstrip(".") for name in get_day_names(width, context, locale=language).values())
    return frozenset(names)


def _month_number(name: str, language: str) -> int | None:
    return month_names(language).get(name.lower().rstrip("."))


# Zone abbreviations as news pages print them after a time; ambiguous ones (IST, CST in Asia) are left out
# where the two meanings differ by more than the day could tell, or taken at their common news meaning.
_ZONES = {
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "wet": 0,
    "bst": 60,
    "cet": 60,
    "mez": 60,
    "cest": 120,
    "mesz": 120,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "мск": 180,
    "trt": 180,
    "wib": 420,
    "wita": 480,
    "wit": 540,
    "jst": 540,
    "kst": 540,
    "aest": 600,
    "aedt": 660,
    "nzst": 720,
    "nzdt": 780,
    "est": -300,
    "edt": -240,
    "cst": -360,
    "cdt": -300,
    "mst": -420,
    "mdt": -360,
    "pst": -480,
    "pdt": -420,
}
# Case-blind inside patterns that are not: pages print "CET", "MEZ", "MSK" as often as "cet".
_ZONE = (
    r"(?:\s*\(?(?P<zone>(?i:(?:UTC|GMT)\s*[+-−]\s*\d{1,2}(?::?\d\d)?|"
    + "|".join(sorted((z for z in _ZONES if z != "z"), key=len, reverse=True))
    + r"))\b\)?)?"
)
_TIME = (
    r"(?:\s*(?:,|\||-|–|—|/|·|•)?\s*(?:um|at|à|às|a las|a la|alle|ore|в|о|pukul|kl\.?|klo|godz\.?|saat|om|kell)?\s*"
    r"(?P<H>[0-2]?\d)[:h.](?P<M>[0-5]\d)(?!\d|\.\d)(?:\s*(?P<ampm>[apAP])\.?\s?[mM]\b\.?)?(?:\s*(?:Uhr|h|Uhr\.))?"
    + _ZONE
    + ")?"
)
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_NUMERIC_DATES = (
    # 15.05.2025, 05/03/2024, 05-03-2024: day or month first by locale (dots: day first everywhere)
    re.compile(
        r"(?<![\d.:/-])(?P<a>[0-3]?\d)\s?(?P<sep>[./-])\s?(?P<b>[0-3]?\d)\s?(?P=sep)\s?" + _YEAR + r"(?![\d])" + _TIME
    ),
    # 2025-05-15, 2025/05/15, 2025.05.15, 2025. 5. 15., 2025년 5월 15일, 2025年5月15日
    re.compile(
        r"(?<![\d/.-])" + _YEAR + r"\s*(?:[-/.年]|년)\s*(?P<m>[01]?\d)\s*(?:[-/.月]|월)\s*(?P<d>[0-3]?\d)(?!\d)"
        r"\s*(?:[.日]|일)?(?:T(?=\d))?" + _TIME
    ),
    # 05.03.24, 14:30: a dotted date with a two-digit year (German, Russian, Polish pages), day first, 20yy;
    # only with a time beside it (alone, "1.2.24" is as often a version or a reference number)
    re.compile(r"(?<![\d.:/-])(?P<a>[0-3]?\d)(?P<sep>\.)\s?(?P<b>[01]?\d)\.\s?(?P<yy>\d\d)(?![\d])(?!\.\d)" + _TIME),
)


@cache
def _named_month_dates(language: str) -> tuple[re.Pattern[str], ...]:
    """Day-month-year and month-day-year patterns with ``language``'s month names."""
    names = "|".join(re.escape(name) for name in sorted(month_names(language), key=len, reverse=True))
    month = rf"(?P<mon>{names})(?![^\W\d_])\.?"
    return (
        re.compile(
            rf"(?<!\d)(?P<d>[0-3]?\d)(?:\.|º|er|st|nd|rd|th|-?го)?\s*(?:de\s+|of\s+)?{month},?\s*(?:de\s+|del\s+)?"
            + _YEAR
            + r"(?!\d)(?:\s*(?:г\.|р\.|года|року|r\.|roku|yılı))?"
            + _TIME,
            re.IGNORECASE,
        ),
        re.compile(
            rf"(?<![^\W\d_]){month}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+" + _YEAR + r"(?!\d)" + _TIME, re.IGNORECASE
        ),
    )


_PUBLISHED_LABEL = (
    r"published|posted|first\s+published|publication\s+date|released|created|"
    r"veröffentlicht|erschienen|publiziert|erstellt|"
    r"publicado|publicada|publicación|fecha\s+de\s+publicación|"
    r"publié|publiée|mis\s+en\s+ligne|parution|"
    r"pubblicato|pubblicata|pubblicazione|"
    r"gepubliceerd|geplaatst|opublikowano|publikacja|"
    r"опубликовано|опубликован[ао]?|опубліковано|дата\s+публикации|"
    r"dipublikasikan|diterbitkan|diunggah|yayınlanma|yayınlandı|"
    r"publicerad|publiceret|udgivet|publisert|julkaistu|zveřejněno|publicat"
)
_UPDATED_LABEL = (
    r"(?:last\s+)?updated|last\s+modified|modified|edited|revised|"
    r"aktualisiert|zuletzt\s+aktualisiert|geändert|stand|"
    r"actualizado|actualizada|actualización|última\s+actualización|atualizado|atualizada|atualização|"
    r"mis\s+à\s+jour|mise\s+à\s+jour|modifié|modifiée|"
    r"aggiornato|aggiornata|aggiornamento|ultima\s+modifica|"
    r"bijgewerkt|gewijzigd|zaktualizowano|aktualizacja|"
    r"обновлено|обновлен[ао]?|изменено|оновлено|"
    r"diperbarui|güncelleme|güncellendi|uppdaterad|opdateret|oppdatert|päivitetty|aktualizováno|actualizat"
)
_LABELS = re.compile(
    rf"(?<![^\W\d_])(?:(?P<pub>{_PUBLISHED_LABEL})|(?P<upd>{_UPDATED_LABEL}))(?![^\W\d_])", re.IGNORECASE
)

# "vor 3 Stunden", "3 hours ago", "hace 2 horas", "il y a 3 heures", "3 ore fa", "há 3 horas", "3 часа назад"
_UNITS = {
    "minute": (
        r"min|mins|minute|minutes|minuten|minuto|minutos|minuti|минут[аы]?|хвилин[иу]?|menit|dakika|minut|minuter|"
        r"minutter|minuutti?a?"
    ),
    "hour": r"h|hr|hrs|hour|hours|stunde|stunden|hora|horas|heure|heures|ora|ore|час|часа|часов|годин[иу]?|jam|saat|"
    r"uur|godzin[ay]?|timme|timmar|time|timer|tunti?a?",
    "day": r"day|days|tag|tagen|día|días|dia|dias|jour|jours|giorno|giorni|день|дня|дней|дні|днів|hari|gün|dag|dagen|"
    r"dni|dzień|dagar|døgn|päivää?",
}
_UNIT_OF = [(unit, re.compile(rf"^(?:{words})$", re.IGNORECASE)) for unit, words in _UNITS.items()]
_ALL_UNITS = "|".join(_UNITS.values())
_RELATIVE = re.compile(
    rf"(?:\b(?:vor|hace|il\s+y\s+a|há|ha)\s+(?P<n1>\d{{1,3}})\s*(?P<u1>{_ALL_UNITS})\.?(?![^\W\d_])|"
    rf"(?<!\d)(?P<n2>\d{{1,3}})\s*(?P<u2>{_ALL_UNITS})\.?\s+(?:ago|fa|назад|тому|yang\s+lalu|lalu|önce|geleden|temu|sedan|siden)\b)",
    re.IGNORECASE,
)
_RELATIVE_LIMIT = timedelta(days=7)
_HAS_YEAR = re.compile(r"(?:19|20)\d\d|\d\.\s?[01]?\d\.\s?\d\d(?!\d)")
_HAS_NUMBER = re.compile(r"\d")


def names_update(text: str) -> bool:
    """Whether ``text`` holds an update label ("Updated", "Aktualisiert", "Mis à jour", "Обновлено", ...)."""
    return any(match.group("upd") for match in _LABELS.finditer(text))


def last_label(text: str) -> str | None:
    """The kind of the last date label in ``text``: ``"pub"`` ("Published", "Опубликовано", ...), ``"upd"``
    ("Updated", "Stand", ...), or None when it holds none."""
    matches = list(_LABELS.finditer(text))
    if not matches:
        return None
    return "pub" if matches[-1].group("pub") else "upd"


def date_in_text(
    text: str,
    language: str | None = None,
    *,
    month_first_dates: bool = False,
    now: datetime | None = None,
    in_update_markup: bool = False,
) -> Stamp | None:
    """The publication date written in ``text``, or None; month names of ``language``, then English, are known.

    Without a language every known language is tried, English first. A date after an update label is
    skipped; one after a publication label wins; else the first date. ``month_first_dates``: numeric dates
    are month first (``month_first``). ``now`` (the fetch time) resolves relative forms ("vor 3 Stunden",
    up to a week back); without it they name no date. ``in_update_markup``: the text's element is marked as
    an update time, so an unlabelled date counts only when the text labels another date as the update
    ("05/03/2024 08:05 | Actualizado: 05/03/2024 19:20").
    """
    found = _dates_in(text, language, month_first_dates, now)
    if not found:
        return None
    labels = [(match.start(), "pub" if match.group("pub") else "upd") for match in _LABELS.finditer(text)]
    kinds: list[str] = []
    previous_end = 0
    for start, end, _ in found:
        kind = next((k for pos, k in reversed(labels) if previous_end <= pos < start), "")
        kinds.append(kind)
        previous_end = end
    for (_, _, stamp), kind in zip(found, kinds, strict=True):
        if kind == "pub":
            return stamp
    if in_update_markup and "upd" not in kinds:
        return None
    return next((stamp for (_, _, stamp), kind in zip(found, kinds, strict=True) if kind == ""), None)


def _dates_in(
    text: str, language: str | None, month_first_dates: bool, now: datetime | None
) -> list[tuple[int, int, Stamp]]:
    """Every date in ``text`` as (start, end, stamp), in text order; overlapping readings once."""
    if not _HAS_YEAR.search(text) and (now is None or not _HAS_NUMBER.search(text)):
        return []  # every form below holds a year, a relative one a number: most texts end here, cheaply
    languages: tuple[str, ...]
    if language in TEXT_DATE_LANGUAGES:
        assert language is not None
        languages = (language, "en") if language != "en" else ("en",)
    else:
        languages = TEXT_DATE_LANGUAGES
    found: list[tuple[int, int, Stamp]] = []
    patterns = [(p, "") for p in _NUMERIC_DATES] + [(p, lang) for lang in languages for p in _named_month_dates(lang)]
    for pattern, lang in patterns:
        for match in pattern.finditer(text):
            if (stamp := _from_match(match, lang, month_first_dates)) is not None:
                found.append((match.start(), match.end(), stamp))
    if now is not None:
        for match in _RELATIVE.finditer(text):
            if (stamp := _relative(match, now)) is not None:
                found.append((match.start(), match.end(), stamp))
    found.sort(key=lambda item: (item[0], -item[1]))
    kept: list[tuple[int, int, Stamp]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(_with_time_before(text, kept[-1][1] if kept else 0, *item))
    return kept


# A time written before its date: "8:00 AM EST March 5, 2024", "14:30, 5 марта 2024", "14:30 | 05.03.2024".
_TIME_BEFORE = re.compile(
    r"(?<![\d:.])(?P<H>[0-2]?\d)[:h](?P<M>[0-5]\d)(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?(?:\s*(?:Uhr|h)\b)?"
    + _ZONE
    + r"\s*(?:,|\||-|–|—|/|·|•)?\s*(?:on|am|le|el)?\s*$",
    re.IGNORECASE,
)
_TIME_BEFORE_CHARS = 32


def _with_time_before(text: str, floor: int, start: int, end: int, stamp: Stamp) -> tuple[int, int, Stamp]:
    """A date without a time, given the time written just before it (after ``floor``, the previous date's
    end), its start moved to the time's; anything else unchanged."""
    if stamp.timed:
        return start, end, stamp
    match = _TIME_BEFORE.search(text[max(floor, start - _TIME_BEFORE_CHARS) : start])
    if match is None:
        return start, end, stamp
    hour, minute = _hour_of(match.group("H"), match.group("ampm")), int(match.group("M"))
    if hour > 23:
        return start, end, stamp
    moment = stamp.moment.replace(hour=hour, minute=minute)
    zone = _zone_offset(match.group("zone"))
    if zone is not None:
        moment = moment.replace(tzinfo=UTC if not zone else timezone(zone))
    new_start = max(floor, start - _TIME_BEFORE_CHARS) + match.start()
    return new_start, end, Stamp(moment, zoned=zone is not None, timed=True)


def _from_match(match: re.Match[str], language: str, month_first_dates: bool) -> Stamp | None:
    parts = match.groupdict()
    if parts.get("a"):
        first, second = int(parts["a"]), int(parts["b"])
        if parts["sep"] == "." or first > 12:
            day, month = first, second
        elif second > 12 or month_first_dates:
            month, day = first, second
        else:
            day, month = first, second
    else:
        named = _month_number(parts["mon"], language) if parts.get("mon") else int(parts["m"])
        if not named:
            return None
        month, day = named, int(parts["d"])
    timed = bool(parts.get("H"))
    if parts.get("yy") and not timed:
        return None
    hour = _hour_of(parts["H"], parts.get("ampm")) if timed else 0
    minute = int(parts["M"]) if timed else 0
    if hour > 23:
        hour = minute = 0
        timed = False
    year = int(parts["y"]) if parts.get("y") else 2000 + int(parts["yy"])
    moment = _at(year, month, day, hour, minute)
    if moment is None:
        return None
    zone = _zone_offset(parts.get("zone")) if timed else None
    if zone is not None:
        return Stamp(moment.replace(tzinfo=UTC if not zone else timezone(zone)), zoned=True, timed=True)
    return Stamp(moment, zoned=False, timed=timed)


def _hour_of(hour: str, ampm: str | None) -> int:
    """A written hour on the 24-hour clock: with ``ampm`` ("a" or "p", any case) "2" p is 14 and "12" a is 0."""
    return int(hour) % 12 + (12 if ampm.lower() == "p" else 0) if ampm else int(hour)


def _zone_offset(name: str | None) -> timedelta | None:
    if not name:
        return None
    key = re.sub(r"\s+", "", name.lower()).replace("−", "-")
    if key in _ZONES:
        return timedelta(minutes=_ZONES[key])
    match = re.fullmatch(r"(?:utc|gmt)([+-])(\d{1,2})(?::?(\d\d))?", key)
    if not match:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    return timedelta(minutes=minutes if match.group(1) == "+" else -minutes) if minutes <= 14 * 60 else None


def _relative(match: re.Match[str], now: datetime) -> Stamp | None:
    amount = int(match.group("n1") or match.group("n2"))
    word = match.group("u1") or match.group("u2")
    unit = next((unit for unit, pattern in _UNIT_OF if pattern.match(word)), None)
    if unit is None:
        return None
    delta = timedelta(**{f"{unit}s": amount})
    if delta > _RELATIVE_LIMIT:
        return None
    moment = now.astimezone(UTC) - delta
    if unit == "day":
        return Stamp(moment.replace(hour=0, minute=0, second=0, microsecond=0), zoned=False, timed=False)
    return Stamp(moment.replace(second=0, microsecond=0), zoned=True, timed=True)


_DATELINE_FILLER = re.compile(
    r"(?<![^\W\d_])(?:\d{1,3}\s*(?:min|mins|minute|minutes|minuten|minutos|minuti|минут[аы]?)\.?"
    r"(?:\s+(?:read|reading|lesezeit|de\s+lectura|di\s+lettura|чтения))?|"
    r"on|am|el|le|il|в|de|del|of|the|um|at|à|às|a\s+las|alle|ore|pukul|uhr|kl|klo|date|datum|fecha|data|"
    r"дата|tanggal|time|zeit|hora|ora|stand)(?![^\W\d_])",
    re.IGNORECASE,
)


def is_dateline(text: str, language: str | None = None, *, month_first_dates: bool = False) -> bool:
    """Whether ``text`` is only a date line: dates, their labels, weekdays, "at"/"um"/"alle", punctuation.

    "Pubblicato il 05/03/2024 alle 14:30" and "Friday, 15 May 2025 | 10:30 CET" are; "Published on 15 May
    2025 by the council" is not (it says more than when).
    """
    if len(text) > 120:
        return False
    found = _dates_in(text, language, month_first_dates, None)
    if not found:
        return False
    rest = text
    for start, end, _ in reversed(found):
        rest = rest[:start] + " " + rest[end:]
    rest = _LABELS.sub(" ", rest)
    rest = _DATELINE_FILLER.sub(" ", rest)
    languages = (language, "en") if language in TEXT_DATE_LANGUAGES else ("en",)
    weekdays = set().union(*(_day_names(lang) for lang in languages if lang))
    words = [word for word in re.findall(r"[^\W\d_]+", rest) if word.lower() not in weekdays]
    return not words and not re.search(r"\d", rest)
