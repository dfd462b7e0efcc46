"""``etl.extract``: metadata with fallbacks, and the main text without the page's chrome.

Golden fixtures in ``tests/fixtures/extract``: each ``NAME.html`` has the expected result beside it in
``NAME.json``. The demo site's pages, in five different templates, are checked against its ground truth.
"""

from __future__ import annotations

import codecs
import json
import random
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from etl.dedup.normalise import normalise
from etl.demo_site.content import DemoSite, build_site
from etl.extract import Extracted, Unreadable, extract, is_page_chrome, link_density

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract"
GOLDEN = sorted(p.stem for p in FIXTURES.glob("*.html"))
BASE = "http://127.0.0.1:8765"


def as_json(found: Extracted) -> dict[str, object]:
    return {
        "url": found.url,
        "title": found.title,
        "published_at": found.published_at.isoformat() if found.published_at else None,
        "language": found.language,
        "authors": list(found.authors),
        "section": found.section,
        "paragraphs": list(found.paragraphs),
    }


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return build_site()


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_fixture(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    assert as_json(extract((FIXTURES / f"{name}.html").read_bytes())) == expected


@pytest.mark.parametrize("edition", ["de", "es", "ru", "en", "mirror"])
def test_demo_pages_of_every_template_match_the_ground_truth(site: DemoSite, edition: str) -> None:
    checked = 0
    for truth in site.articles(edition):
        if truth.status != 200 or truth.published_at.date().isoformat() != "2025-05-15":
            continue
        status, _, body = site.response(truth.path, BASE)
        found = extract(body, url=BASE + truth.path)
        assert status == 200
        assert [normalise(p) for p in found.paragraphs] == [normalise(p) for p in truth.paragraphs], truth.path
        assert (found.title, found.published_at, found.language, found.authors, found.section) == (
            truth.title,
            truth.published_at,
            truth.language,
            truth.authors,
            truth.section,
        ), truth.path
        assert found.url == BASE + truth.path
        checked += 1
    assert checked >= 10


def test_http_charset_decodes_a_page_without_a_meta_charset() -> None:
    html = "<html><body><article><p>Привет из Минска, здесь идёт дождь и дует ветер.</p></article></body></html>"
    found = extract(html.encode("koi8-r"), charset="koi8-r")
    assert found.paragraphs == ("Привет из Минска, здесь идёт дождь и дует ветер.",)


def test_site_selector_overrides_automatic_detection() -> None:
    html = b"""<html><body>
        <div id="teasers"><p>A long teaser paragraph that scores higher than the real body of this page does.</p>
        <p>Another long teaser paragraph that makes this container the heaviest one on the page.</p></div>
        <div id="story"><p>The short real story.</p></div></body></html>"""
    assert extract(html).paragraphs[0].startswith("A long teaser")
    assert extract(html, selector="#story").paragraphs == ("The short real story.",)


@pytest.mark.parametrize(
    ("markup", "chrome"),
    [
        ('<div class="share-bar">x</div>', True),
        ('<div id="cookie-consent">x</div>', True),
        ('<section class="related_news">x</section>', True),
        ('<div role="navigation">x</div>', True),
        ("<div hidden>x</div>", True),
        ('<div style="display: none">x</div>', True),
        ('<div class="article-body">x</div>', False),
        ('<div class="story-body share-free">x</div>', False),
        ('<div class="shared-values">x</div>', False),
        ("<div>x</div>", False),
    ],
)
def test_is_page_chrome(markup: str, chrome: bool) -> None:
    tag = BeautifulSoup(markup, "lxml").find("div") or BeautifulSoup(markup, "lxml").find("section")
    assert is_page_chrome(tag) is chrome


def test_link_density() -> None:
    tag = BeautifulSoup('<p>abcd <a href="/">efgh</a></p>', "lxml").p
    assert link_density(tag) == pytest.approx(0.5)


POISON_LD = (
    '<html><head><title>t</title><script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "Brücke\\u0000 über\\ud800 den Fluss", '
    '"author": {"@type": "Person", "name": "Ute\\u0000 K\\udfffähler"}, '
    '"articleSection": "Lok\\u0000ales\\udbff"}</script></head><body><article><p>Die Brücke über den Fluss wird '
    "im Sommer erneuert, sagte die Bürgermeisterin am Montag vor dem Stadtrat.</p><p>Roh: a\x00b &#xD800; &#0;."
    "</p></article></body></html>"
)


@pytest.mark.parametrize("as_bytes", [False, True])
def test_nul_and_lone_surrogates_never_leave_extraction(as_bytes: bool) -> None:
    page = POISON_LD.encode("utf-8", "surrogatepass") if as_bytes else POISON_LD
    found = extract(page)
    texts = [found.title, found.section, *found.authors, *found.paragraphs]
    assert all(text is not None and "\x00" not in text for text in texts)
    assert all(not any(0xD800 <= ord(c) <= 0xDFFF for c in text) for text in texts if text)
    assert found.title == "Brücke über\ufffd den Fluss"
    assert json.dumps(as_json(found), ensure_ascii=False).encode("utf-8")


def test_random_bytes_are_not_an_article() -> None:
    noise = random.Random(9).randbytes(1_000_000)
    with pytest.raises(Unreadable) as refused:
        extract(noise)
    assert refused.value.reason == "not_html"


@pytest.mark.parametrize("mark", [b"", codecs.BOM_UTF32_LE])
def test_a_utf32_page_is_read_as_utf32(mark: bytes) -> None:
    text = "Die Brücke über den Mühlbach wird im Sommer erneuert, der Bus fährt über die Umgehungsstraße."
    html = f"<html><body><article><p>{text}</p></article></body></html>"
    found = extract(mark + html.encode("utf-32-le"))
    assert found.paragraphs == (text,)


def test_a_date_line_under_the_dek_and_the_sites_name_is_metadata_a_list_of_dates_inside_is_text() -> None:
    body = "".join(
        f"<p>Paragraph {n} tells how the harbour town rebuilt its sea wall after the winter storms.</p>"
        for n in range(5)
    )
    head = (
        "<h1>The wall</h1><p>How a harbour town faced the winter storms and rebuilt, stone by stone.</p>"
        "<p>Harbour Times</p><p>August 16, 2019 - Updated July 9, 2025</p>"
    )
    page = f"<html><body><article>{head}{body}</article></body></html>"
    assert not any("2019" in paragraph for paragraph in extract(page).paragraphs)
    dates = "<p>March 3, 2024</p><p>April 7, 2024</p><p>May 5, 2024</p>"
    page = f"<html><body><article>{head}{body[:200]}{dates}{body[200:]}</article></body></html>"
    assert sum("2024" in paragraph for paragraph in extract(page).paragraphs) == 3
