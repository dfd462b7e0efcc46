"""Main text: hand-made pages (one heuristic each), pages copied from the dev set, and the block filters.

Each ``tests/fixtures/extract/content/NAME.html`` has its expected paragraphs in ``NAME.json``; the pages
in ``devset/`` carry their reviewed main text and must score a shingle F1 of at least ``DEVSET_PAGE_F1``.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from benchmarks.shingle import page_counts
from etl.dedup.within_article import unique_paragraphs
from etl.extract import extract
from etl.extract.blocks import Block
from etl.extract.content import is_byline, is_link_with_label, keep_block, link_density, main_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract" / "content"
PAGES = sorted(path.stem for path in FIXTURES.glob("*.html"))
DEVSET_PAGES = sorted(path.stem for path in (FIXTURES / "devset").glob("*.html"))
DEVSET_PAGE_F1 = 0.95


@pytest.mark.parametrize("name", PAGES)
def test_fixture_page_paragraphs(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))["paragraphs"]
    assert list(extract((FIXTURES / f"{name}.html").read_bytes()).paragraphs) == expected


@pytest.mark.parametrize("page_id", DEVSET_PAGES)
def test_dev_set_page_matches_its_reviewed_text(page_id: str) -> None:
    truth = json.loads((FIXTURES / "devset" / f"{page_id}.json").read_text("utf-8"))
    found = extract((FIXTURES / "devset" / f"{page_id}.html").read_bytes(), url=truth["url"])
    text = "\n".join(paragraph.text for paragraph in unique_paragraphs(found.paragraphs).paragraphs)
    counts = page_counts(truth["articleBody"], text)
    assert 2 * counts.tp / (2 * counts.tp + counts.fp + counts.fn) >= DEVSET_PAGE_F1


def test_main_text_leaves_the_tree_unchanged() -> None:
    soup = BeautifulSoup("<nav><a href='/'>Home</a></nav><p>Text of the article, long enough.</p>", "lxml")
    before = str(soup)
    assert main_text(soup, title=None) == ("Text of the article, long enough.",)
    assert str(soup) == before


def test_a_selected_container_is_read_whole() -> None:
    soup = BeautifulSoup('<div id="body"><p>May 15</p><p>Short.</p></div><p>A longer paragraph elsewhere.</p>', "lxml")
    assert main_text(soup, title=None, selector="#body") == ("May 15", "Short.")


@pytest.mark.parametrize(
    ("block", "kept"),
    [
        (Block("A paragraph of the article.", "p", 0.2), True),
        (Block("Read more: another story", "p", 0.9), False),
        (Block("The page title", "h1", 0.0), False),
        (Block("The Title Again", "h2", 0.0), False),
        (Block("By Jane Doe, 15 May 2025", "div", 0.0), False),
    ],
)
def test_keep_block(block: Block, kept: bool) -> None:
    assert keep_block(block, title="The Title Again", authors=("Jane Doe",)) is kept


@pytest.mark.parametrize(
    ("text", "density", "label"),
    [
        ("Читайте также: В столице отремонтируют двенадцать улиц", 0.75, True),
        ("Baca juga: Jembatan baru dibuka di Jakarta", 0.75, True),
        ("The council, said the mayor in a long statement, will vote in June.", 0.3, False),
        ("A sentence with one long linked phrase and much more of its own text", 0.55, False),
    ],
)
def test_is_link_with_label(text: str, density: float, label: bool) -> None:
    assert is_link_with_label(Block(text, "p", density)) is label


def test_is_byline_needs_a_short_line_naming_an_author() -> None:
    assert is_byline("By Jane Doe", ("Jane Doe",))
    assert not is_byline("Jane Doe, the mayor, opened the bridge on Thursday after two years of work.", ("Jane Doe",))
    assert not is_byline("By Jane Doe", ())


def test_link_density() -> None:
    assert link_density(BeautifulSoup('<p>abcd <a href="/">efgh</a></p>', "lxml").p) == pytest.approx(0.5)
    assert link_density(BeautifulSoup("<p></p>", "lxml").p) == 0.0


def test_extraction_keeps_no_state_between_pages() -> None:
    pages = [path.read_bytes() for path in sorted((FIXTURES / "devset").glob("*.html"))]
    counts = []
    for _ in range(3):
        for page in pages:
            extract(page)
        gc.collect()
        counts.append(len(gc.get_objects()))
    assert counts[1] == counts[2]
