"""Author names from the strings pages give them in: "By Jane Doe and John Roe", "Von: A, B", a profile URL.

A byline loses its leading "By"/"Von"/"Por"/... and any date or role after the names, is split into names
at "and", "&", commas and their counterparts in other languages, and each name is kept only if it looks
like one: letters, a few words, no URL, no e-mail address, no digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LEAD = re.compile(
    r"^\s*(?i:(?:written|posted|reported|words|text|story|recipe|photos?|article)\s+)?"
    r"(?:(?i:by|von|por|par|door|oleh|от|автор(?:ы)?|text|texto|autor(?:es|in|en)?|auteur)|di|da|av|af)"
    r"\s*[:\-–—]?\s+"
)
_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\||\b(?:and|und|y|e|et|i|и|dan|en|och|og)\b)\s*")
_TAIL = re.compile(
    r"\s*(?:[|·•—–]\s*|\b(?:updated|published|posted|aktualisiert|veröffentlicht|actualizado|publicado|"
    r"обновлено|опубликовано|diperbarui|aggiornato|pubblicato)\b).*$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"https?:|www\.|@|/|\d|\.[a-z]{2,6}$|^(?:admin|administrator|editorial|(?:written|posted) by|by|"
    r"md|phd|cfp|rd|rn|mba|cpa|jd|ms|ma|ba|bsc|msc|dr|jr|sr|ii|iii)$",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|photographer|redaktion|redakteur(?:in)?|"
    r"korrespondent(?:in)?|redacción|corresponsal|redazione|redaksi|редакция|корреспондент|"
    r"ceo|cfo|cto|founder|co-founder|president|director|manager|head of)\b",
    re.IGNORECASE,
)
_MAX_WORDS = 5
_MAX_CHARS = 60


def names_in_byline(byline: str) -> list[str]:
    """The person names a byline text holds, in order."""
    text = " ".join(byline.split())
    text = _LEAD.sub("", text, count=1)
    text = _TAIL.sub("", text)
    return [name for part in _SPLIT.split(text) if (name := clean_name(part))]


def clean_name(value: str) -> str | None:
    """``value`` as one author name, or None when it is no name (a URL, a date, a sentence)."""
    name = " ".join(value.split()).strip(" .,:;|-–—")
    if not name or _NOT_A_NAME.search(name) or _ROLE.search(name):
        return None
    if len(name) > _MAX_CHARS or len(name.split()) > _MAX_WORDS or not any(ch.isalpha() for ch in name):
        return None
    return name


def unique_names(names: Iterable[str]) -> tuple[str, ...]:
    """Names in first-seen order, a name repeated in another case or spacing kept once."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(" ".join(name.casefold().split()), name)
    return tuple(seen.values())
