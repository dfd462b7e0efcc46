"""The demo news site's content model and the ground truth the pipeline is measured against.

Everything is derived from ``SiteConfig.seed`` through per-article generators keyed
``"{seed}:{edition}:{day}:{index}:{part}"``, so article *i* of day *d* is the same whatever the size of the
site, and nothing reads the clock. ``build_site`` keeps only light ``Entry`` stubs (path, title, time);
bodies and pages are composed on request.

Data files in ``seed/``: the seed story per language (one paragraph a line) and a vocabulary per edition.
"""

from __future__ import annotations

import html
import html.entities
import json
import logging
import random
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from etl.demo_site import pages

logger = logging.getLogger(__name__)

SEED_DIR = Path(__file__).resolve().parent / "seed"
DEFAULT_BASE_URL = "http://127.0.0.1:8765"
EDITION_NAMES = ("de", "es", "ru", "en", "mirror")
FAILING_DAY = date(2025, 5, 15)
MAX_ARTICLES_PER_DAY = 5000
SYNDICATION_SHARE = 0.2
REPEAT_SHARE = 0.10
BOILERPLATE_SHARE = 0.30

INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_CYRILLIC = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


@dataclass(frozen=True)
class SiteConfig:
    """The size knob and seed of the demo site; the same config always yields byte-identical pages."""

    start_date: date = date(2025, 5, 12)
    days: int = 7
    articles_per_day: int = 12
    seed: int = 20250515

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if not 0 <= self.articles_per_day < MAX_ARTICLES_PER_DAY:
            raise ValueError(f"articles_per_day must be in [0, {MAX_ARTICLES_PER_DAY}), got {self.articles_per_day}")

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.start_date + timedelta(days=offset) for offset in range(self.days))


@dataclass(frozen=True)
class Section:
    slug: str
    name: str


@dataclass(frozen=True)
class Edition:
    """One site under a path prefix; ``vocab`` holds its language data (words, templates, page chrome)."""

    name: str
    language: str
    title: str
    path_prefix: str
    locale: str
    tz: timezone
    sections: tuple[Section, ...]
    intern_section: Section
    boilerplate: str
    body_selector: str
    vocab: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def intern_prefix(self) -> str:
        return f"{self.path_prefix}intern/"


@dataclass(frozen=True)
class Block:
    """One main-text block as written in the page source; ``text`` is what a reader (and a parser) sees."""

    tag: str
    source: str

    @property
    def text(self) -> str:
        return html.unescape(self.source)


@dataclass(frozen=True)
class Entry:
    """The light index record of one article; its body is composed from ``key`` when needed."""

    edition: str
    path: str
    title: str
    published_at: datetime
    section: Section
    authors: tuple[str, ...]
    kind: str
    status: int
    disallowed: bool
    key: str
    source_path: str | None = None

    @property
    def day(self) -> date:
        return self.published_at.astimezone(UTC).date()

    @property
    def listed(self) -> bool:
        """Whether home, section, archive pages and RSS link to it (sitemaps list every entry)."""
        return self.status == 200 and not self.disallowed


@dataclass(frozen=True)
class ArticleTruth:
    """What a perfect pipeline extracts from one article URL."""

    edition: str
    path: str
    title: str
    published_at: datetime
    language: str
    authors: tuple[str, ...]
    section: str
    paragraphs: tuple[str, ...]
    unique_paragraphs: tuple[str, ...]
    status: int
    robots_disallowed: bool
    kind: str


def dedup_key(text: str) -> str:
    """The form two paragraphs share when they are the same to a reader: NFC, no invisibles, one space."""
    return " ".join(unicodedata.normalize("NFC", text.translate(INVISIBLE)).split())


def unique_paragraphs(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for text in paragraphs:
        key = dedup_key(text)
        if key and key not in seen:
            seen.add(key)
            kept.append(text.strip())
    return tuple(kept)


def slugify(text: str, limit: int = 90) -> str:
    lowered = text.lower().replace("ß", "ss")
    latin = lowered.translate(_CYRILLIC)
    ascii_only = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    slug = _SLUG_JUNK.sub("-", ascii_only).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


# --- vocabulary and text generation -------------------------------------------------------------------


def load_vocab(name: str) -> dict[str, Any]:
    if name == "mirror":
        vocab = load_vocab("ru")
        vocab.update(json.loads((SEED_DIR / "vocab.mirror.json").read_text(encoding="utf-8")))
        return vocab
    return json.loads((SEED_DIR / f"vocab.{name}.json").read_text(encoding="utf-8"))


def load_seed_lines(language: str) -> tuple[str, ...]:
    text = (SEED_DIR / f"belta-htp-karamay.{language}.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.split("\n") if line.strip())


def _number(value: float, vocab: Mapping[str, Any], decimals: int = 0) -> str:
    raw = f"{value:,.{decimals}f}"
    return raw.translate({ord(","): "\x00", ord("."): vocab["decimal"]}).replace("\x00", vocab["thousands"])


def _entity_forms(name: str, item: str | Mapping[str, str]) -> dict[str, str]:
    if isinstance(item, str):
        return {name: item}
    forms = {name: item["nom"]}
    forms.update({f"{name}_{form}": value for form, value in item.items()})
    return forms


def _person(vocab: Mapping[str, Any], rng: random.Random) -> tuple[str, str]:
    gender = rng.choice("mf")
    last = rng.choice(vocab["last_names"])
    if not isinstance(last, str):
        last = last[gender == "f"]
    return f"{rng.choice(vocab['first_names'][gender])} {last}", rng.choice(vocab["roles"][gender])


class _Slots(dict[str, str]):
    """Template values; ``{Org}`` is ``{org}`` with a capital first letter, for the start of a sentence."""

    def __missing__(self, key: str) -> str:
        value = self[key[0].lower() + key[1:]]
        return value[0].upper() + value[1:]


def fill_values(vocab: Mapping[str, Any], rng: random.Random) -> dict[str, str]:
    """Random slot values for one template: names, places, organisations and locale-formatted numbers."""
    values = _Slots()
    values["person"], values["role"] = _person(vocab, rng)
    values["person2"], _ = _person(vocab, rng)
    for name, pool in (("org", "orgs"), ("place", "places")):
        first, second = rng.sample(vocab[pool], 2)
        values.update(_entity_forms(name, first))
        values.update(_entity_forms(f"{name}2", second))
    values.update(_entity_forms("country", rng.choice(vocab["countries"])))
    values["topic"] = rng.choice(vocab["topics"])
    values["n"] = str(rng.randint(2, 950))
    values["big"] = _number(rng.randint(1_200, 98_000), vocab)
    values["pct"] = vocab["percent"].format(_number(rng.randint(11, 489) / 10, vocab, 1))
    values["money"] = vocab["money"].format(_number(rng.randint(12, 9_999) / 10, vocab, 1))
    values["year"] = str(rng.randint(2026, 2032))
    return values


def fill(template: str, vocab: Mapping[str, Any], rng: random.Random) -> str:
    return template.format_map(fill_values(vocab, rng))


class _Deck:
    """Sentence templates dealt without replacement, so one article rarely reuses a template."""

    def __init__(self, templates: list[str], rng: random.Random) -> None:
        self._templates = templates
        self._rng = rng
        self._cards: list[str] = []

    def deal(self) -> str:
        if not self._cards:
            self._cards = self._rng.sample(self._templates, len(self._templates))
        return self._cards.pop()


def _paragraph(vocab: Mapping[str, Any], rng: random.Random, deck: _Deck) -> str:
    return " ".join(fill(deck.deal(), vocab, rng) for _ in range(rng.randint(2, 4)))


# --- noise: the same paragraph written differently in the page source --------------------------------

_WORD_OR_SPACE = re.compile(r"(\s+)")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _spread(rng: random.Random, count: int, share: float) -> set[int]:
    """Positions to alter: each with probability ``share``, and at least one so the noise shows."""
    chosen = {index for index in range(count) if rng.random() < share}
    return chosen or ({rng.randrange(count)} if count else set())


def _noise_spaces(text: str, rng: random.Random) -> str:
    parts = _WORD_OR_SPACE.split(text)
    spaces = [index for index, part in enumerate(parts) if part.isspace()]
    for position in _spread(rng, len(spaces), 0.3):
        parts[spaces[position]] = rng.choice(["  ", "\n        ", "\t", " \n "])
    return "\n      " + _escape("".join(parts)) + "\n    "


def _noise_nbsp(text: str, rng: random.Random) -> str:
    parts = [_escape(part) for part in _WORD_OR_SPACE.split(text)]
    spaces = [index for index, part in enumerate(parts) if part == " "]
    for position in _spread(rng, len(spaces), 0.4):
        parts[spaces[position]] = "&nbsp;"
    return "".join(parts)


def _noise_inside_words(text: str, rng: random.Random, marks: tuple[str, ...]) -> str:
    parts = _WORD_OR_SPACE.split(text)
    long_words = [index for index, part in enumerate(parts) if len(part) >= 7 and part.isalpha()]
    chosen = {long_words[position] for position in _spread(rng, len(long_words), 0.3)}
    out = []
    for index, part in enumerate(parts):
        if index in chosen:
            cut = rng.randint(2, len(part) - 2)
            out.append(_escape(part[:cut]) + rng.choice(marks) + _escape(part[cut:]))
        else:
            out.append(_escape(part))
    return "".join(out)


def _noise_shy(text: str, rng: random.Random) -> str:
    return _noise_inside_words(text, rng, ("&shy;",))


def _noise_zero_width(text: str, rng: random.Random) -> str:
    return _noise_inside_words(text, rng, ("\u200b", "\u200d", "\u2060", "\ufeff", "&#8203;", "&zwj;"))


def _noise_nfd(text: str, rng: random.Random) -> str:
    return _escape(unicodedata.normalize("NFD", text))


def encode_entities(text: str, rng: random.Random) -> str:
    """Write non-ASCII letters as named or numeric character references; a reader sees the same text."""
    out = []
    for char in _escape(text):
        if ord(char) > 127 and char.isalpha():
            name = html.entities.codepoint2name.get(ord(char))
            out.append(f"&{name};" if name and rng.random() < 0.5 else f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


NOISES = {
    "spaces": _noise_spaces,
    "nbsp": _noise_nbsp,
    "shy": _noise_shy,
    "zero_width": _noise_zero_width,
    "nfd": _noise_nfd,
}


def noisy_block(tag: str, text: str, noise: str, rng: random.Random) -> Block:
    return Block(tag, NOISES[noise](text, rng))


def _applicable_noises(text: str) -> list[str]:
    names = ["spaces", "nbsp", "shy", "zero_width"]
    if unicodedata.normalize("NFD", text) != text:
        names.append("nfd")
    return names


# --- article bodies ----------------------------------------------------------------------------------


def _generated_blocks(edition: Edition, rng: random.Random) -> list[Block]:
    vocab = edition.vocab
    deck = _Deck(vocab["sentences"], rng)
    blocks = [Block("p", _escape(_paragraph(vocab, rng, deck))) for _ in range(rng.randint(3, 9))]
    if edition.name == "en":
        if rng.random() < 0.5:
            blocks.insert(
                rng.randint(1, len(blocks)), Block("h2", _escape(fill(rng.choice(vocab["subheadings"]), vocab, rng)))
            )
        if rng.random() < 0.3:
            items = [Block("li", _escape(fill(deck.deal(), vocab, rng))) for _ in range(rng.randint(3, 5))]
            at = rng.randint(1, len(blocks))
            blocks[at:at] = items
        if rng.random() < 0.3:
            quote = f"“{fill(deck.deal(), vocab, rng)}”"
            blocks.insert(rng.randint(1, len(blocks)), Block("blockquote", _escape(quote)))
    elif edition.name == "de" and rng.random() < 0.2:
        blocks.insert(
            rng.randint(1, len(blocks)), Block("h3", _escape(fill(rng.choice(vocab["subheadings"]), vocab, rng)))
        )
    if rng.random() < REPEAT_SHARE:
        originals = [index for index, block in enumerate(blocks) if block.tag == "p"]
        for index in sorted(rng.sample(originals, rng.randint(1, min(3, len(originals)))), reverse=True):
            text = blocks[index].text
            if rng.random() < 0.5:
                copy = blocks[index]
            else:
                copy = noisy_block("p", text, rng.choice(_applicable_noises(text)), rng)
            blocks.insert(rng.randint(index + 1, len(blocks)), copy)
    if rng.random() < BOILERPLATE_SHARE:
        blocks.append(Block("p", _escape(edition.boilerplate)))
    return blocks


def _noisy_seed_blocks(lines: tuple[str, ...], rng: random.Random) -> list[Block]:
    firsts = lines[:5]
    blocks = [
        Block("p", encode_entities(text, rng) if index in (0, 2) else _escape(text))
        for index, text in enumerate(firsts)
    ]
    for text, noise in zip(firsts, NOISES, strict=True):
        blocks.append(noisy_block("p", text, noise, rng))
    return blocks


# --- the index -----------------------------------------------------------------------------------------


def _edition(name: str) -> Edition:
    vocab = load_vocab(name)
    selectors = {
        "de": "div.js-mediator-article",
        "es": "div#texto",
        "ru": 'div[itemprop="articleBody"]',
        "en": "section.story-body",
        "mirror": "div.post-content",
    }
    return Edition(
        name=name,
        language=vocab["language"],
        title=vocab["site_title"],
        path_prefix=f"/{name}/",
        locale=vocab["locale"],
        tz=timezone(timedelta(hours=vocab["utc_offset_hours"])),
        sections=tuple(Section(slug, title) for slug, title in vocab["sections"]),
        intern_section=Section("intern", vocab["intern_section"]),
        boilerplate=vocab["boilerplate"],
        body_selector=selectors[name],
        vocab=vocab,
    )


def _article_id(day: date, offset: int) -> int:
    return int(day.strftime("%y%j")) * 10_000 + offset


def _path(edition: Edition, section: Section, slug: str, article_id: int, day: date) -> str:
    prefix = edition.path_prefix
    if section.slug == "intern" or edition.name in ("de", "es"):
        return f"{prefix}{section.slug}/view/{slug}-{article_id}-{day.year}"
    if edition.name == "ru":
        return f"{prefix}{section.slug}/view/{slug}-{article_id}-{day.year}/"
    if edition.name == "en":
        return f"{prefix}{section.slug}/{day:%Y/%m/%d}/{slug}-{article_id}"
    return f"{prefix}news/{day:%Y/%m/%d}/{article_id}-{slug}.html"


def _generated_entry(
    config: SiteConfig, edition: Edition, day: date, index: int, kind: str = "generated", status: int = 200
) -> Entry:
    key = f"{config.seed}:{edition.name}:{day.isoformat()}:{index}"
    rng = random.Random(f"{key}:meta")
    published = datetime.combine(day, time(), UTC) + timedelta(seconds=rng.randrange(3 * 3600, 20 * 3600))
    section = edition.intern_section if kind == "internal" else rng.choice(edition.sections)
    title = fill(rng.choice(edition.vocab["titles"]), edition.vocab, rng)
    authors = tuple(_person(edition.vocab, rng)[0] for _ in range(rng.randint(1, 2)))
    offset = {"internal": 9000, "unavailable": 9001, "missing": 9002}.get(kind, index)
    return Entry(
        edition=edition.name,
        path=_path(edition, section, slugify(title), _article_id(day, offset), day),
        title=title,
        published_at=published.astimezone(edition.tz),
        section=section,
        authors=authors,
        kind=kind,
        status=status,
        disallowed=kind == "internal",
        key=key,
    )


def _syndicated(config: SiteConfig, mirror: Edition, source: Entry, index: int) -> Entry:
    rng = random.Random(f"{source.key}:mirror")
    latest = datetime.combine(source.day, time(20, 59), UTC)
    published = min(source.published_at + timedelta(minutes=rng.randint(60, 180)), latest)
    sections = {section.slug: section for section in mirror.sections}
    section = sections.get({"economics": "ekonomika", "politics": "politika"}.get(source.section.slug, ""))
    day = source.day
    slug = source.path.rstrip("/").rsplit("/", 1)[-1].rsplit("-", 2)[0]
    return Entry(
        edition=mirror.name,
        path=_path(mirror, mirror.sections[0], slug, _article_id(day, 5000 + index), day),
        title=source.title,
        published_at=published.astimezone(mirror.tz),
        section=section or mirror.sections[2],
        authors=source.authors,
        kind="syndicated",
        status=200,
        disallowed=False,
        key=source.key,
        source_path=source.path,
    )


SEED_TITLES = {
    "de": "Stärkung der technologischen Beziehungen: der High-Tech Park prüfte die Zusammenarbeit mit China",
    "es": "Fortalecimiento de los lazos tecnológicos: el Parque de Alta Tecnología estudió la cooperación con China",
    "ru": "ПВТ обсудил с делегацией китайского Карамая сотрудничество в сфере высоких технологий",
}
SEED_PATH = (
    "/de/economics/view/starkung-der-technologischen-beziehungen-der-high-tech-park-prufte-die-"
    "zusammenarbeit-mit-china-im-73579-2025"
)


def _seed_entries(config: SiteConfig, editions: Mapping[str, Edition]) -> list[Entry]:
    """The seed story: German original, a noisy German update, Spanish and Russian versions, a mirror copy."""
    de, es, ru, mirror = editions["de"], editions["es"], editions["ru"], editions["mirror"]
    noisy_title = f"{SEED_TITLES['de']} (aktualisiert)"
    specs = [
        (de, "seed", SEED_TITLES["de"], datetime(2025, 5, 15, 11, 23, tzinfo=de.tz), SEED_PATH),
        (
            de,
            "seed_noisy",
            noisy_title,
            datetime(2025, 5, 15, 16, 47, tzinfo=de.tz),
            f"/de/economics/view/{slugify(noisy_title, 120)}-73601-2025",
        ),
        (
            es,
            "seed_es",
            SEED_TITLES["es"],
            datetime(2025, 5, 16, 10, 5, tzinfo=es.tz),
            f"/es/economia/view/{slugify(SEED_TITLES['es'], 120)}-73612-2025",
        ),
        (
            ru,
            "seed_ru",
            SEED_TITLES["ru"],
            datetime(2025, 5, 15, 12, 10, tzinfo=ru.tz),
            f"/ru/economics/view/{slugify(SEED_TITLES['ru'], 120)}-73580-2025/",
        ),
    ]
    entries = []
    for edition, kind, title, published, path in specs:
        if published.astimezone(UTC).date() not in config.dates:
            continue
        entries.append(
            Entry(
                edition=edition.name,
                path=path,
                title=title,
                published_at=published,
                section=edition.sections[0],
                authors=("BelTA",) if edition.language != "ru" else ("БЕЛТА",),
                kind=kind,
                status=200,
                disallowed=False,
                key=f"{config.seed}:{edition.name}:{kind}",
            )
        )
        if kind == "seed_ru":
            entries.append(
                Entry(
                    edition=mirror.name,
                    path=f"/mirror/news/2025/05/15/251359999-{slugify(title)}.html",
                    title=title,
                    published_at=datetime(2025, 5, 15, 15, 40, tzinfo=mirror.tz),
                    section=mirror.sections[0],
                    authors=("БЕЛТА",),
                    kind="syndicated",
                    status=200,
                    disallowed=False,
                    key=entries[-1].key,
                    source_path=path,
                )
            )
    return entries


def _order(entry: Entry) -> tuple[datetime, str]:
    return entry.published_at, entry.path


class DemoSite:
    """The whole site: its editions, the article index, ground truth, and every page on request."""

    def __init__(self, config: SiteConfig, editions: tuple[Edition, ...], entries: list[Entry]) -> None:
        self.config = config
        self.editions = editions
        self._editions = {edition.name: edition for edition in editions}
        self._all = tuple(sorted(entries, key=_order))
        self._by_path = {entry.path: entry for entry in self._all}
        if len(self._by_path) != len(self._all):
            raise ValueError("two demo articles share a path")
        self._by_edition = {name: tuple(e for e in self._all if e.edition == name) for name in self._editions}
        self._listed = {name: tuple(e for e in group if e.listed) for name, group in self._by_edition.items()}
        self.assets = {edition.name: pages.edition_assets(edition, config.seed) for edition in editions}

    def edition(self, name: str) -> Edition:
        return self._editions[name]

    def entries(self, edition_name: str | None = None) -> tuple[Entry, ...]:
        """Every article of an edition (or all), in (published_at, path) order."""
        return self._all if edition_name is None else self._by_edition[edition_name]

    def listed_entries(self, edition_name: str) -> tuple[Entry, ...]:
        return self._listed[edition_name]

    def entry(self, path: str) -> Entry | None:
        return self._by_path.get(path)

    def blocks(self, entry: Entry) -> tuple[Block, ...]:
        """The main-text blocks of an article as they stand in its page, in order."""
        if entry.status != 200:
            return ()
        if entry.source_path is not None:
            source = self._by_path[entry.source_path]
            source_line = Block("p", _escape(self._editions[entry.edition].vocab["source_line"]))
            return (*self.blocks(source), source_line)
        edition = self._editions[entry.edition]
        if entry.kind in ("seed", "seed_es", "seed_ru"):
            return tuple(Block("p", _escape(line)) for line in load_seed_lines(edition.language))
        if entry.kind == "seed_noisy":
            return tuple(_noisy_seed_blocks(load_seed_lines("de"), random.Random(f"{entry.key}:body")))
        return tuple(_generated_blocks(edition, random.Random(f"{entry.key}:body")))

    def caption(self, edition: Edition, rng: random.Random) -> str:
        """A figure caption in the edition's language; figures are page chrome, not main text."""
        return fill(rng.choice(edition.vocab["captions"]), edition.vocab, rng)

    def truth(self, entry: Entry) -> ArticleTruth:
        paragraphs = tuple(block.text for block in self.blocks(entry))
        return ArticleTruth(
            edition=entry.edition,
            path=entry.path,
            title=entry.title,
            published_at=entry.published_at,
            language=self._editions[entry.edition].language,
            authors=entry.authors,
            section=entry.section.name,
            paragraphs=paragraphs,
            unique_paragraphs=unique_paragraphs(paragraphs),
            status=entry.status,
            robots_disallowed=entry.disallowed,
            kind=entry.kind,
        )

    def article(self, path: str) -> ArticleTruth | None:
        entry = self._by_path.get(path)
        return None if entry is None else self.truth(entry)

    def articles(self, edition_name: str | None = None) -> Iterator[ArticleTruth]:
        """Ground truth of every article URL, in (published_at, path) order."""
        for entry in self.entries(edition_name):
            yield self.truth(entry)

    def response(self, path: str, base_url: str = DEFAULT_BASE_URL) -> tuple[int, str, bytes]:
        """Status, content type and body for a request path; ``base_url`` makes absolute links."""
        return pages.respond(self, path, base_url.rstrip("/"))


def build_site(config: SiteConfig | None = None) -> DemoSite:
    """Index every article of the configured days; cheap, because bodies are composed only on request."""
    config = config or SiteConfig()
    editions = {name: _edition(name) for name in EDITION_NAMES}
    entries = _seed_entries(config, editions)
    for day in config.dates:
        for edition in editions.values():
            for index in range(config.articles_per_day):
                entry = _generated_entry(config, edition, day, index)
                entries.append(entry)
                if edition.name == "ru" and random.Random(f"{entry.key}:syndicate").random() < SYNDICATION_SHARE:
                    entries.append(_syndicated(config, editions["mirror"], entry, index))
            if day.toordinal() % 3 == 0:
                entries.append(_generated_entry(config, edition, day, 9000, "internal"))
            if day == FAILING_DAY:
                entries.append(_generated_entry(config, edition, day, 9001, "unavailable", 503))
                entries.append(_generated_entry(config, edition, day, 9002, "missing", 404))
    logger.debug("demo site: %d articles over %d days", len(entries), config.days)
    return DemoSite(config, tuple(editions.values()), entries)
