"""``etl.extract.charset``: a page's bytes become the right text whatever its header and ``<meta>`` claim."""

from __future__ import annotations

import codecs
import random

import pytest

from etl.extract.charset import binary_format, codec_name, decode_html, is_text, meta_charset

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


GERMAN_UTF8 = page("Öffnungszeiten des Kundenbüros: Mo–Fr 8 bis 18 Uhr, samstags geschlossen.").encode("utf-8")
STRAY = GERMAN_UTF8.replace("–".encode(), b"\x96")  # one windows-1252 en dash in a UTF-8 page


@pytest.mark.parametrize(
    ("header", "head"),
    [("utf-8", ""), (None, '<meta charset="utf-8">'), (None, ""), ("iso-8859-1", ""), ("windows-1251", "")],
)
def test_one_stray_byte_in_utf8_costs_one_character_whatever_is_declared(header: str | None, head: str) -> None:
    body = STRAY.replace(b"<title>", head.encode() + b"<title>")
    decoded = decode_html(body, header)
    assert decoded.charset == "utf-8"
    assert "Öffnungszeiten des Kundenbüros: Mo–Fr 8 bis 18 Uhr" in decoded.text


def test_a_stray_byte_after_a_utf8_byte_order_mark_costs_one_character_too() -> None:
    decoded = decode_html(codecs.BOM_UTF8 + STRAY, "utf-8")
    assert (decoded.charset, decoded.via) == ("utf-8", "bom")
    assert "Öffnungszeiten des Kundenbüros: Mo–Fr 8 bis 18 Uhr" in decoded.text


def test_a_stray_byte_in_an_ascii_page_declared_utf8_stays_utf8() -> None:
    body = page("The company doesn\x92t plan weekend service before the summer timetable.", '<meta charset="utf-8">')
    decoded = decode_html(body.encode("latin-1"), None)
    assert (decoded.charset, decoded.via) == ("utf-8", "meta")
    assert "doesn’t plan" in decoded.text


def test_an_undefined_stray_byte_is_a_replacement_character() -> None:
    decoded = decode_html(GERMAN_UTF8.replace("–".encode(), b"\x81"), "utf-8")
    assert "Mo\ufffdFr" in decoded.text


@pytest.mark.parametrize("declared", [("utf-8", ""), (None, '<meta charset="utf-8">')])
def test_a_declared_utf8_that_fits_none_of_the_bytes_is_detected(declared: tuple[str | None, str]) -> None:
    header, head = declared
    body = page(" ".join([RUSSIAN] * 5), head).encode("windows-1251")
    decoded = decode_html(body, header)
    assert RUSSIAN in decoded.text
    assert decoded.via == "detected"


@pytest.mark.parametrize(
    ("encoding", "label"), [("shift_jis", "Shift_JIS"), ("gb18030", "gb18030"), ("euc-kr", "euc-kr")]
)
def test_a_multibyte_charset_declared_in_meta_decodes(encoding: str, label: str) -> None:
    text = {
        "shift_jis": "循環バスを増便します。",
        "gb18030": "新图书馆下月开放。",
        "euc-kr": "새 도서관이 다음 달에 문을 엽니다.",
    }[encoding]
    body = page(text, f'<meta charset="{label}">').encode(encoding)
    decoded = decode_html(body + b"\xff", None)
    assert text in decoded.text
    assert decoded.via == "meta"


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("bom", [True, False])
def test_utf16_and_utf32_decode_with_or_without_a_byte_order_mark(encoding: str, bom: bool) -> None:
    marks = {
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
    }
    mark = marks[encoding] if bom else b""
    body = page(GERMAN).encode(encoding)
    decoded = decode_html(mark + body, "utf-8")
    assert (decoded.charset, decoded.via) == (encoding, "bom" if bom else "pattern")
    assert GERMAN in decoded.text


def test_random_bytes_are_not_text_and_pages_are() -> None:
    noise = random.Random(3).randbytes(100_000)
    assert not is_text(decode_html(noise).text)
    assert not is_text(decode_html(b"<html><head><title>x</title></head><body>" + noise, "utf-8").text)
    assert is_text(decode_html(page(RUSSIAN).encode("windows-1251"), "windows-1251").text)
    assert is_text(page("a\x00b" * 20))


@pytest.mark.parametrize("label", ["base64", "zlib", "rot13", "hex"])
def test_labels_of_codecs_that_are_not_text_encodings_are_unknown(label: str) -> None:
    assert codec_name(label) is None
    assert GERMAN in decode_html(page(GERMAN).encode("utf-8"), label).text


@pytest.mark.parametrize(
    ("label", "codec"),
    [("latin_1", "cp1252"), ("US-ASCII", "cp1252"), ("Shift_JIS", "cp932"), ("GB2312", "gb18030"), ("euc-kr", "cp949")],
)
def test_labels_decode_with_the_superset_browsers_use(label: str, codec: str) -> None:
    assert codec_name(label) == codec


def test_a_shift_jis_page_with_nec_circled_digits_decodes_as_browsers_show_it() -> None:
    text = "① 港北市は来月から循環バスを増便します。② 運賃は百円です。"
    body = page(text, '<meta charset="Shift_JIS">').encode("cp932")
    decoded = decode_html(body, None)
    assert text in decoded.text
    assert decoded.via == "meta"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"PK\x03\x04\x14\x00", "a ZIP archive (or an office document)"),
        (b"\x00\x00\x00\x18ftypmp42", "an MP4 or QuickTime video"),
        (b"<!DOCTYPE html><p>PDF-Datei</p>", None),
        (b"\xef\xbb\xbf<html>", None),
    ],
)
def test_binary_formats_are_known_by_their_first_bytes(body: bytes, name: str | None) -> None:
    assert binary_format(body) == name
