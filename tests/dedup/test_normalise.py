"""``etl.dedup.normalise``: what makes two paragraphs the same, and what does not."""

from __future__ import annotations

import re
import unicodedata

import pytest

from etl.dedup.normalise import KEY_BYTES, normalise, paragraph_key

CLEAN = "Während des Besuchs machten sich die Gäste mit der Geschichte des Parks vertraut."


def reference_normalise(text: str) -> str:
    """A slow, obviously-correct normaliser that the fast one must agree with."""
    text = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", text)
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    ("kind", "noisy"),
    [
        ("extra whitespace", "  Während des  Besuchs\nmachten sich\tdie Gäste mit der Geschichte des Parks vertraut. "),
        ("no-break spaces", CLEAN.replace(" ", "\u00a0")),
        ("narrow no-break space", CLEAN.replace("des Parks", "des\u202fParks")),
        ("soft hyphens", CLEAN.replace("Geschichte", "Ge\u00adschich\u00adte")),
        (
            "zero-width characters",
            CLEAN.replace("Besuchs", "Be\u200bsu\u200cch\u200ds").replace("Gäste", "\ufeffGä\u2060ste"),
        ),
        ("decomposed Unicode", unicodedata.normalize("NFD", CLEAN)),
    ],
)
def test_invisible_differences_give_the_same_key(kind: str, noisy: str) -> None:
    assert noisy != CLEAN
    assert normalise(noisy) == CLEAN
    assert paragraph_key(noisy) == paragraph_key(CLEAN)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("3 people were injured.", "4 people were injured."),
        ("The meeting is on 15 May.", "The meeting is on 16 May."),
        ("Minister Ivanov said so.", "Minister Petrov said so."),
        ("Berlin", "berlin"),
        ("It works.", "It works!"),
    ],
)
def test_visible_differences_give_different_keys(one: str, other: str) -> None:
    assert paragraph_key(one) != paragraph_key(other)


def test_key_is_a_pinned_width() -> None:
    assert len(paragraph_key(CLEAN)) == KEY_BYTES == 16


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\u00a0\u200b\u00ad",
        "plain ascii  text\twith\nbreaks ",
        "e\u0301te\u0301 \u1e9b\u0323 \ufb01 \u2163",
        "Ё\u0308ж\u00a0\u2003\u3000漢字\u200d👍🏽",
        "a\u0000b\r\nc\x0bd\x1ce",
        "Caf\u00e9 e\u200b\u0301 a\u00ad\u0308",
    ],
)
def test_fast_and_reference_normalisers_agree(text: str) -> None:
    assert normalise(text) == reference_normalise(text)
