"""``etl.dedup.within_article``: repeats within an article are kept once, at their first position."""

from __future__ import annotations

import unicodedata

from etl.dedup.normalise import paragraph_key
from etl.dedup.within_article import unique_paragraphs
from tests.factories import SEED_LINES


def test_seed_article_keeps_five_paragraphs_in_first_seen_order() -> None:
    unique = unique_paragraphs(SEED_LINES)
    assert len(SEED_LINES) == 9
    assert [p.text for p in unique.paragraphs] == SEED_LINES[:5]
    assert unique.repeats_removed == 4


def test_noisy_repeats_are_removed_and_first_text_kept() -> None:
    noisy = [
        *SEED_LINES[:5],
        SEED_LINES[1].replace(" ", "\u00a0"),
        SEED_LINES[2].replace("Delegation", "Dele\u00adgation"),
        unicodedata.normalize("NFD", SEED_LINES[3]),
        SEED_LINES[4].replace("Treffen", "Tref\u200bfen") + "  ",
    ]
    unique = unique_paragraphs(noisy)
    assert [p.text for p in unique.paragraphs] == SEED_LINES[:5]
    assert unique.repeats_removed == 4


def test_keys_are_content_addresses() -> None:
    unique = unique_paragraphs(SEED_LINES)
    assert [p.key for p in unique.paragraphs] == [paragraph_key(line) for line in SEED_LINES[:5]]


def test_empty_paragraphs_are_dropped_not_counted_as_repeats() -> None:
    unique = unique_paragraphs(["One.", " ", "\u200b", "Two.", "One."])
    assert [p.text for p in unique.paragraphs] == ["One.", "Two."]
    assert unique.repeats_removed == 1


def test_body_hash_depends_on_order_and_content_only() -> None:
    assert unique_paragraphs(["A.", "B."]).body_hash == unique_paragraphs(["A.", "B.\u00ad", "A."]).body_hash
    assert unique_paragraphs(["A.", "B."]).body_hash != unique_paragraphs(["B.", "A."]).body_hash
