"""``etl.extract.language``: declared codes normalised, and detection for pages that declare none."""

from __future__ import annotations

import pytest

from etl.extract import extract
from etl.extract.language import detect_language, language_code


@pytest.mark.parametrize(
    ("declared", "code"),
    [
        ("de", "de"),
        ("de-DE", "de"),
        ("en_GB", "en"),
        ("pt-br", "pt"),
        (" EN ", "en"),
        ("zh-Hant-TW", "zh"),
        ("iw", "he"),
        ("und", None),
        ("x-default", None),
        ("{{ lang }}", None),
        ("", None),
        (None, None),
    ],
)
def test_language_code(declared: str | None, code: str | None) -> None:
    assert language_code(declared) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Die neue Straßenbahnlinie hat am Freitag ihren Betrieb aufgenommen und verbindet den Bahnhof.", "de"),
        ("Новая станция метро открылась в Минске в четверг утром, сообщили в городской администрации.", "ru"),
        ("O governo anunciou nesta quinta-feira um novo pacote de medidas para a economia do país.", "pt"),
        ("Il governo ha annunciato giovedì un nuovo pacchetto di misure per sostenere l'economia.", "it"),
        ("Pemerintah mengumumkan paket kebijakan ekonomi baru pada hari Kamis di Jakarta kemarin.", "id"),
        ("정부는 목요일 새로운 경제 대책을 발표했다. 이번 대책은 중소기업 지원에 중점을 두고 있다.", "ko"),
        ("政府は木曜日、新たな経済対策を発表した。中小企業の支援に重点を置いている。", "ja"),
        ("The city council approved the construction of a new bridge across the river on Thursday.", "en"),
    ],
)
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_too_little_text_is_not_detected() -> None:
    assert detect_language("Hallo Welt") is None


def test_extract_detects_the_language_of_a_page_that_declares_none() -> None:
    html = """<html><head><title>Метро</title></head><body><article>
        <p>Новая станция метро открылась в Минске в четверг утром, сообщили в городской администрации.</p>
        <p>Станция стала тридцать третьей в сети столичного метрополитена.</p></article></body></html>"""
    assert extract(html.encode("utf-8")).language == "ru"


def test_a_declared_language_is_not_second_guessed() -> None:
    html = """<html lang="de"><body><article>
        <p>The city council approved the construction of a new bridge across the river on Thursday.</p>
        </article></body></html>"""
    assert extract(html.encode("utf-8")).language == "de"
