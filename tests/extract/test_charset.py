"""``etl.extract.charset``: a page's bytes become the right text whatever its header and ``<meta>`` claim."""

from __future__ import annotations

import codecs

import pytest

from etl.extract.charset import codec_name, decode_html, meta_charset

RUSSIAN = "Минск, 15 мая (БЕЛТА). Президент посетил предприятие."
GERMAN = "Größere Märkte für Übersee: Grüße aus Minsk."


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


def test_utf8_page_under_a_wrong_latin1_header_is_not_mojibake() -> None:
    decoded = decode_html(page(GERMAN).encode("utf-8"), "ISO-8859-1")
    assert GERMAN in decoded.text
    assert (decoded.charset, decoded.via) == ("utf-8", "utf8")


def test_header_charset_decodes_a_single_byte_page() -> None:
    decoded = decode_html(page(RUSSIAN).encode("windows-1251"), "windows-1251")
    assert RUSSIAN in decoded.text
    assert decoded.via == "header"


def test_meta_charset_is_used_when_the_header_has_none() -> None:
    body = page(RUSSIAN, '<meta charset="koi8-r">').encode("koi8-r")
    decoded = decode_html(body, None)
    assert RUSSIAN in decoded.text
    assert (decoded.charset, decoded.via) == ("koi8-r", "meta")


def test_http_equiv_meta_is_read() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    assert meta_charset(page(RUSSIAN, head).encode("windows-1251")) == "windows-1251"


def test_bom_wins_over_a_contradicting_header() -> None:
    body = codecs.BOM_UTF16_LE + page(RUSSIAN).encode("utf-16-le")
    decoded = decode_html(body, "windows-1251")
    assert RUSSIAN in decoded.text
    assert decoded.via == "bom"


def test_no_declaration_at_all_is_detected() -> None:
    text = " ".join([RUSSIAN] * 20)
    decoded = decode_html(page(text).encode("windows-1251"), None)
    assert RUSSIAN in decoded.text
    assert decoded.via == "detected"


def test_latin1_label_means_windows_1252_as_in_browsers() -> None:
    body = page("Ein „Zitat“ – mit Gedankenstrich").encode("cp1252")
    assert "„Zitat“ – mit" in decode_html(body, "iso-8859-1").text


@pytest.mark.parametrize("label", ["no-such-charset", "", None, "\"utf-8'"])
def test_unknown_or_empty_labels_are_none_or_cleaned(label: str | None) -> None:
    assert codec_name(label) in (None, "utf-8")
    assert codec_name('"UTF-8"') == "utf-8"
