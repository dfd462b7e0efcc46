"""Author names from the strings pages give them in: "By Jane Doe and John Roe", "Von: A, B", a profile URL.

A byline loses its leading "By"/"Von"/"Por"/... and any date or role after the names, is split into names
at "and", "&", commas and their counterparts in other languages, and each name is kept only if it looks
like one: letters, a few words, no URL, no e-mail address, no digits. Authors are people: a name that is
the site's own (its ``og:site_name`` or host) or reads as an organisation (a legal form such as "Inc" or
"GmbH", a newsroom word such as "Broadcasting", "Media", "Redaktion", a news agency) is not an author
(``is_organisation``); the metadata reader keeps it as the publisher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LEAD = re.compile(
    r"^\s*(?i:(?:written|posted|reported|words|text|story|recipe|photos?|article)\s+)?"
    r"(?:(?i:by|von|por|par|door|oleh|от|автор(?:ы)?|text|texto|autor(?:es|in|en)?|auteur|authors?)|di|da|av|af)"
    r"\s*[:\-–—]?\s+"
)
_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\||\b(?:and|und|y|e|et|i|и|dan|en|och|og)\b)\s*")
_TAIL = re.compile(
    r"\s*(?:[|·•—–]\s*|\b(?:updated|published|posted|aktualisiert|veröffentlicht|actualizado|publicado|"
    r"обновлено|опубликовано|diperbarui|aggiornato|pubblicato|(?:medically\s+|expert\s+)?reviewed\s+by|"
    r"fact[- ]checked\s+by|edited\s+by|says|said|schreibt|dice)\b).*$",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"https?:|www\.|@|/|\d|\.[a-z]{2,6}$|^(?:admin|administrator|editorial|(?:written|posted) by|by|"
    r"md|phd|cfp|rd|rn|mba|cpa|jd|ms|ma|ba|bsc|msc|dr|jr|sr|ii|iii|sponsored|advertorial|anzeige|publicidad)$",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|photographer|redaktion|redakteur(?:in)?|"
    r"korrespondent(?:in)?|redacción|corresponsal|redazione|redaksi|редакция|корреспондент|"
    r"ceo|cfo|cto|founder|co-founder|president|director|manager|head of|attorney|lawyer|dietitian|nutritionist|"
    r"physician|professor|analyst|expert|specialist|consultant|reviewer|journalist|blogger)\b",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(
    r"\b(?:inc|corp|corporation|company|ltd|llc|plc|gmbh|ag|s\.a|srl|spa|bv|nv|"
    r"group|holdings?|media|medien|news|newsroom|nachrichten|noticias|notizie|nouvelles|новости|press|presse|prensa|"
    r"broadcasting|broadcast|network|radio|television|tv|channel|magazine|magazin|revista|rivista|journal|"
    r"gazette|gazeta|gazzetta|zeitung|herald|tribune|times|daily|weekly|online|digital|publishing|verlag|"
    r"editorial|editorials|redaktion|redacción|redação|redazione|rédaction|redactie|redakcja|редакция|редакція|"
    r"desk|team|staff|bureau|agency|agentur|agencia|agenzia|agence|агентство|"
    r"foundation|institute|university|association|council|ministry|department)\b\.?",
    re.IGNORECASE,
)
_AGENCY = re.compile(
    r"^(?:reuters|afp|dpa|ap|efe|ansa|apa|tass|ria novosti|interfax|xinhua|bloomberg|associated press|belta|белта|"
    r"ukrinform|kyodo|yonhap|antara|bernama|pti|ians|тасс|итар-тасс|риа новости|интерфакс|униан|укринформ|укрінформ|"
    r"europa press|lusa|agi|adnkronos|pap|čtk|ctk|mti|belga|anp|epa|sda|keystone-sda|kna|jiji|aap|anadolu|unian)$",
    re.IGNORECASE,
)
_MAX_WORDS = 5
_MAX_CHARS = 60


def names_in_byline(byline: str, *, keep_organisations: bool = False) -> list[str]:
    """The person names a byline text holds, in order; organisations too with ``keep_organisations`` (so a
    caller can set them aside as the publisher)."""
    text = " ".join(byline.split())
    text = _LEAD.sub("", text, count=1)
    text = _TAIL.sub("", text)
    names = [name for part in _SPLIT.split(text) if (name := clean_name(part))]
    return names if keep_organisations else [name for name in names if not is_organisation(name)]


def starts_as_byline(text: str) -> bool:
    """Whether ``text`` opens the way a byline does ("By", "Von", "Por", "Автор:", ...)."""
    return bool(_LEAD.match(text))


def is_organisation(name: str, *, site_names: Iterable[str] = (), agencies: bool = True) -> bool:
    """Whether ``name`` names an organisation rather than a person: the site itself (a declared site name or
    a host, compared without spaces and punctuation; or a name holding it, "Coast Daily Staff"), a name with
    a legal form or newsroom word, or (with
    ``agencies``) a news agency's name alone ("Reuters", "dpa"). A name the page types as a Person is read
    without the agency list: a site that credits "BelTA" as a person says so on purpose."""
    squashed = _squashed(name)
    for site in site_names:
        label = site_label(site)
        if len(label) >= 3 and (squashed == label or (len(label) >= 6 and label in squashed)):
            return True
    return bool(_ORGANISATION.search(name)) or (agencies and bool(_AGENCY.match(name.strip())))


def site_label(site: str) -> str:
    """A site's name or host compared as names are: ``www.ash-vardanian.com`` -> ``ashvardanian``, "Coast
    Daily" -> ``coastdaily`` (spaces and punctuation dropped, case folded)."""
    return _squashed(_host_label(site) if "." in site and " " not in site else site)


def _squashed(text: str) -> str:
    return re.sub(r"\W+", "", text).casefold()


def _host_label(host: str) -> str:
    """The registrable name of a host: ``www.bayside-news.example`` -> ``bayside-news``, ``bbc.co.uk`` -> ``bbc``."""
    labels = [label for label in host.lower().split(".") if label not in {"www", "m", "amp"}]
    while len(labels) > 2 and labels[-2] in {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "gob"}:
        labels = labels[:-1]
    return labels[-2] if len(labels) >= 2 else labels[0] if labels else ""


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
