"""The labelled paragraph pairs of the deduplication benchmark, built by a seeded generator.

Each pair is two paragraphs as they stand in a page's HTML source (entities undecoded), a kind, and
whether the warehouse must treat them as the same paragraph. Base paragraphs are the demo site's
generated news sentences in de, es, ru and en.

Must merge: whitespace, no-break spaces, soft hyphens, zero-width characters, character entities, NFD,
a typo fix in a lowercase word, a changed punctuation mark, a word hyphenated at a line break.
Must not merge: a number differs, a name differs, a date differs (day or month), and a number differs
although a typo was fixed too.

Regenerate ``benchmarks/dedup_pairs.jsonl.gz``: ``.venv/bin/python -m benchmarks.dedup_pairs``.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from etl.demo_site.content import encode_entities, fill, load_vocab

PAIRS_FILE = Path(__file__).resolve().parent / "dedup_pairs.jsonl.gz"
SEED = 20250515
PAIRS_PER_KIND_AND_LANGUAGE = 75
LANGUAGES = ("de", "es", "ru", "en")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Pair:
    language: str
    kind: str
    same: bool
    a: str
    b: str


def base_paragraph(vocab: Mapping[str, Any], rng: random.Random) -> str:
    """One to three filled sentence templates with at least one number, as the demo site writes them."""
    while True:
        text = " ".join(fill(rng.choice(vocab["sentences"]), vocab, rng) for _ in range(rng.randint(1, 3)))
        if _NUMBER.search(text):
            return text


def _words(text: str) -> list[str]:
    return text.split(" ")


def _lower_words(words: list[str], min_len: int) -> list[int]:
    return [i for i, w in enumerate(words) if len(w) >= min_len and w.isalpha() and w.islower()]


def _mark_inside_words(text: str, rng: random.Random, marks: tuple[str, ...]) -> str:
    words = _words(text)
    for i in rng.sample(range(len(words)), max(1, len(words) // 6)):
        word = words[i]
        if len(word) >= 4:
            cut = rng.randint(1, len(word) - 1)
            words[i] = word[:cut] + rng.choice(marks) + word[cut:]
    return " ".join(words)


def _whitespace(text: str, rng: random.Random) -> str:
    return "\n  " + "".join(w + rng.choice([" ", "  ", "\n", "\t", " \n  "]) for w in _words(text)).rstrip() + " "


def _nbsp(text: str, rng: random.Random) -> str:
    return "".join(w + rng.choice([" ", "\u00a0", "&nbsp;"]) for w in _words(text)).rstrip()


def _soft_hyphen(text: str, rng: random.Random) -> str:
    return _mark_inside_words(text, rng, ("\u00ad", "&shy;"))


def _zero_width(text: str, rng: random.Random) -> str:
    return _mark_inside_words(text, rng, ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "&#8203;", "&zwj;"))


def _entities(text: str, rng: random.Random) -> str:
    encoded = encode_entities(text, rng)
    return encoded if encoded != html.escape(text, quote=False) else encoded.replace(" ", "&#32;", 1)


def _nfd(text: str, rng: random.Random) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return decomposed if decomposed != text else text.replace(" ", "  ", 1)


def _typo_fix(text: str, rng: random.Random) -> str | None:
    words = _words(text)
    candidates = _lower_words(words, 5)
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = words[i]
    at = rng.randint(1, len(word) - 2)
    edits = [
        word[:at] + word[at + 1] + word[at] + word[at + 2 :],  # swapped letters
        word[:at] + word[at + 1 :],  # dropped letter
        word[:at] + word[at] + word[at:],  # doubled letter
    ]
    words[i] = rng.choice([e for e in edits if e != word] or [word + word[-1]])
    return " ".join(words)


def _punctuation(text: str, rng: random.Random) -> str:
    if ", " in text and rng.random() < 0.5:
        return text.replace(", ", rng.choice(["; ", " – ", " "]), 1)
    return text.rstrip(".") + rng.choice(["!", ";", "…", ""])


def _rewrap(text: str, rng: random.Random) -> str | None:
    words = _words(text)
    candidates = _lower_words(words, 8)
    if not candidates:
        return None
    i = rng.choice(candidates)
    cut = rng.randint(3, len(words[i]) - 3)
    words[i] = words[i][:cut] + "-\n" + words[i][cut:]
    return " ".join(words)


def _number_differs(text: str, rng: random.Random) -> str:
    numbers = list(_NUMBER.finditer(text))
    match = rng.choice(numbers)
    digits = match[0]
    at = rng.randrange(len(digits))
    changed = digits[:at] + str((int(digits[at]) + rng.randint(1, 9)) % 10) + digits[at + 1 :]
    return text[: match.start()] + changed + text[match.end() :]


def _name_differs(text: str, rng: random.Random, vocab: Mapping[str, Any]) -> str | None:
    names = [form for n in vocab["last_names"] for form in ([n] if isinstance(n, str) else n)]
    present = [n for n in names if n in text]
    if not present:
        return None
    old = rng.choice(present)
    return text.replace(old, rng.choice([n for n in names if n != old and n not in text]), 1)


def _with_date(text: str, rng: random.Random, vocab: Mapping[str, Any], day: int, month: int) -> str:
    stamp = vocab["day_format"].format(day=day, month=vocab["months"][month], year=2025)
    return f"{text} ({stamp})"


def _number_differs_after_typo_fix(text: str, rng: random.Random) -> str | None:
    fixed = _typo_fix(text, rng)
    return None if fixed is None else _number_differs(fixed, rng)


Variant = Callable[[str, random.Random], str | None]
MERGE: dict[str, Variant] = {
    "whitespace": _whitespace,
    "nbsp": _nbsp,
    "soft_hyphen": _soft_hyphen,
    "zero_width": _zero_width,
    "entities": _entities,
    "nfd": _nfd,
    "typo_fix": _typo_fix,
    "punctuation": _punctuation,
    "rewrap": _rewrap,
}


def _pairs_for(language: str, rng: random.Random) -> Iterator[Pair]:
    vocab = load_vocab(language)

    def make(kind: str, same: bool, build: Callable[[str], tuple[str, str] | None]) -> Iterator[Pair]:
        made = 0
        while made < PAIRS_PER_KIND_AND_LANGUAGE:
            built = build(base_paragraph(vocab, rng))
            if built is not None and built[0] != built[1]:
                made += 1
                yield Pair(language, kind, same, built[0], built[1])

    for kind, variant in MERGE.items():

        def build(text: str, variant: Variant = variant, kind: str = kind) -> tuple[str, str] | None:
            source = html.escape(text, quote=False)  # variants write page source: entities stay entities
            other = variant(text if kind == "entities" else source, rng)
            return None if other is None else (source, other)

        yield from make(kind, True, build)

    def escaped_pair(text: str, other: str | None) -> tuple[str, str] | None:
        return None if other is None else (html.escape(text, quote=False), html.escape(other, quote=False))

    yield from make("number_differs", False, lambda t: escaped_pair(t, _number_differs(t, rng)))
    yield from make("name_differs", False, lambda t: escaped_pair(t, _name_differs(t, rng, vocab)))

    def date_pair(text: str) -> tuple[str, str] | None:
        day, month = rng.randint(1, 28), rng.randrange(12)
        if rng.random() < 0.5:
            other_day, other_month = day % 28 + 1, month
        else:
            other_day, other_month = day, (month + rng.randint(1, 11)) % 12
        return escaped_pair(
            _with_date(text, rng, vocab, day, month), _with_date(text, rng, vocab, other_day, other_month)
        )

    yield from make("date_differs", False, date_pair)
    yield from make(
        "number_differs_after_typo_fix", False, lambda t: escaped_pair(t, _number_differs_after_typo_fix(t, rng))
    )


def generate() -> list[Pair]:
    rng = random.Random(SEED)
    return [pair for language in LANGUAGES for pair in _pairs_for(language, rng)]


def write(path: Path = PAIRS_FILE) -> int:
    pairs = generate()
    lines = "".join(json.dumps(asdict(pair), ensure_ascii=False) + "\n" for pair in pairs)
    with gzip.GzipFile(path, "wb", mtime=0) as out:  # no timestamp: the same pairs give the same bytes
        out.write(lines.encode("utf-8"))
    return len(pairs)


def read(path: Path = PAIRS_FILE) -> list[Pair]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [Pair(**json.loads(line)) for line in lines]


if __name__ == "__main__":
    print(f"wrote {write()} pairs to {PAIRS_FILE}")
