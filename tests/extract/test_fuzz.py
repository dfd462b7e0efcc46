"""Fuzz test of extraction: real pages mutated the ways hostile or broken sites mangle them.

Each example takes one of the real pages under ``tests/fixtures/extract`` and applies a few mutations:
markup cut open (``<!--``, ``<script``, ``<![CDATA[`` never closed), stray bytes (NUL, BOMs, invalid UTF-8),
character references that name no character (``&#0;``, ``&#xD800;``), a lone surrogate escaped in JSON-LD,
deep nesting, slices deleted, repeated or overwritten with random bytes, the page truncated. Whatever comes
in, ``read_page`` (what the workers and ``python -m etl extract`` run) must, within a bound, either refuse
the page with its reason (``Unreadable``: not_html, too_large) or return text the warehouse can store: no
NUL, no lone surrogate, each paragraph once.

Hypothesis runs a fixed number of examples derived from a fixed seed (``derandomize``), so ``make test``
runs the same examples every time; ``NEWSETL_FUZZ_EXAMPLES`` runs more of them locally.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.extract.parse import Unreadable
from etl.pipeline.workers import read_page
from etl.reasons import Reason

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "extract").rglob("*.html"))
EXAMPLES = int(os.environ.get("NEWSETL_FUZZ_EXAMPLES", "120"))
SECONDS_PER_PAGE = 10.0
"""Far above a mutated page's real cost (well under a second): only a hang or a quadratic path reaches it."""

HOSTILE = (
    b"<!--",
    b"<script>",
    b"<script",
    b"<style>",
    b"<![CDATA[",
    b"<?xml",
    b"\x00",
    b"\x00" * 64,
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff\x00<",
    b"\xc3",
    b"\x96",
    b"\xed\xa0\x80",
    b"&#0;",
    b"&#xD800;",
    b"&#x110000;",
    b"&",
    b"&amp",
    b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"a\\ud800b\\u0000c",'
    b'"author":{"name":"\\udfff"},"datePublished":"2024-13-45T99:99"}</script>',
    b"<p>" * 300,
    b"<div>" * 2000,
    b"<table><tr><td>" * 300,
    b"</p></div></article></body></html>",
    b"<br>" * 5000,
    b'<meta charset="utf-32">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=x-no-such-charset">',
)


@st.composite
def mutated_pages(draw: st.DrawFn) -> bytes:
    page = bytearray(draw(st.sampled_from(PAGES)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(page)))
        kind = draw(st.sampled_from(("insert", "delete", "repeat", "overwrite", "truncate")))
        if kind == "insert":
            page[at:at] = draw(st.sampled_from(HOSTILE)) * draw(st.integers(1, 40))
        elif kind == "delete":
            del page[at : at + draw(st.integers(1, 5000))]
        elif kind == "repeat":
            page[at:at] = page[at : at + draw(st.integers(1, 5000))] * draw(st.integers(2, 20))
        elif kind == "overwrite":
            noise = draw(st.binary(min_size=1, max_size=2000))
            page[at : at + len(noise)] = noise
        else:
            del page[at:]
    return bytes(page)


def assert_storable(text: str) -> None:
    assert "\x00" not in text
    text.encode("utf-8")  # raises on a lone surrogate


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(mutated_pages(), st.sampled_from(("https://news.example/a/1.html", None)))
def test_extraction_of_a_mangled_page_returns_storable_text_within_a_bound(page: bytes, url: str | None) -> None:
    started = time.perf_counter()
    try:
        result = read_page(page, url=url)
    except Unreadable as refused:  # a designed outcome: the page's failure reason, as the workers record it
        assert refused.reason in (Reason.NOT_HTML, Reason.TOO_LARGE)
        return
    finally:
        elapsed = time.perf_counter() - started
        assert elapsed < SECONDS_PER_PAGE, f"{len(page)} bytes took {elapsed:.1f} s"
    found = result.found
    for text in (found.title or "", found.url or "", *found.authors, *(p.text for p in result.unique.paragraphs)):
        assert_storable(text)
    texts = [p.text for p in result.unique.paragraphs]
    assert len(texts) == len(set(texts))


def test_the_fuzz_corpus_holds_real_pages() -> None:
    assert len(PAGES) >= 10
    assert all(path.stat().st_size > 300 for path in PAGES)
