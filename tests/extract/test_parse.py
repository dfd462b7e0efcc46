"""The parse step cuts out scripts, styles, SVG and comments before building the tree, and nothing else, in
linear time; a page of too many tags is refused; its faster builder makes the tree BeautifulSoup's stock lxml
builder makes, object for object."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import random
import re
import time

import pytest
from bs4 import BeautifulSoup, NavigableString
from bs4.element import PageElement

from etl.extract import extract
from etl.extract.charset import decode_html
from etl.extract.parse import MAX_TAGS, Unreadable, parse_html, without_unread_markup
from tests.factories import REPO_ROOT


def test_scripts_styles_svg_and_comments_are_cut() -> None:
    html = (
        '<p>a</p><script src="x.js"></script><SCRIPT type="text/javascript">if (a < b) { go("</div>"); }</SCRIPT>'
        "<style>p { color: red }</style><svg viewBox='0 0 1 1'><path d='M0'/><title>icon</title></svg>"
        "<!-- a comment with <p>markup</p> --><p>b</p>"
    )
    assert without_unread_markup(html) == "<p>a</p><p>b</p>"


def test_json_ld_is_kept_for_the_metadata() -> None:
    html = '<script type="application/ld+json">{"headline": "Kept"}</script><script>dropped()</script>'
    assert without_unread_markup(html) == '<script type="application/ld+json">{"headline": "Kept"}</script>'


def test_a_script_ends_at_its_first_closing_tag_as_in_the_html_tokenizer() -> None:
    html = '<script>document.write("<script></script>")</script><p>after</p>'
    assert without_unread_markup(html) == '")</script><p>after</p>'


def test_look_alike_elements_and_unclosed_markup_are_left_alone() -> None:
    html = "<scripted-widget>text</scripted-widget><styled>x</styled><p>open <!-- never closed"
    assert without_unread_markup(html) == html


def test_parse_html_builds_the_tree_without_them() -> None:
    soup = parse_html("<html><head><script>x()</script></head><body><p>Text</p><!-- c --></body></html>")
    assert soup.find("script") is None
    assert soup.body is not None
    assert soup.body.get_text() == "Text"


# The regular expression the cut replaced: right on well-formed pages, quadratic on unclosed markup.
REFERENCE_RE = re.compile(
    r"<script(?=[\s>/])(?![^>]*ld\+json)[^>]*>.*?</script\s*>"
    r"|<style(?=[\s>/])[^>]*>.*?</style\s*>"
    r"|<svg(?=[\s>/])[^>]*>.*?</svg\s*>"
    r"|<!--.*?-->",
    re.S | re.I,
)
PIECES = (
    "<script>", "</script>", "</SCRIPT >", "<script type='application/ld+json'>", "ld+json", ">", "<", "<style>",
    "</style>", "<svg x>", "</svg>", "<!--", "-->", "<!-->", "a", " ", "<scripted>", "<script", "</script", "-",
    "<Script\n src=x>", "<p>",
)  # fmt: skip


def test_the_cut_matches_the_regular_expression_it_replaced_on_the_fixture_pages() -> None:
    pages = sorted((REPO_ROOT / "tests" / "fixtures").rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = decode_html(page.read_bytes()).text
        assert without_unread_markup(html) == REFERENCE_RE.sub("", html), page.name


def test_the_cut_matches_the_regular_expression_on_jumbles_of_markup() -> None:
    rng = random.Random(15)
    for _ in range(20_000):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert without_unread_markup(html) == REFERENCE_RE.sub("", html), repr(html)


def _extract_in_child(html: str, done: multiprocessing.queues.Queue) -> None:
    started = time.perf_counter()
    extract(html)
    done.put(time.perf_counter() - started)


def extract_seconds(html: str, limit_s: float) -> float | None:
    """Seconds ``extract`` takes on ``html`` in a child process, or None when it is still running at
    ``limit_s`` (the child is then killed: a quadratic page would take minutes)."""
    context = multiprocessing.get_context("fork")
    done = context.Queue()
    child = context.Process(target=_extract_in_child, args=(html, done))
    child.start()
    child.join(limit_s)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return float(done.get(timeout=5))


@pytest.mark.parametrize("opening", ["<!-- ", "<script>", "<style>", "<svg>"])
def test_a_megabyte_of_unclosed_markup_extracts_in_about_the_time_of_a_closed_one(opening: str) -> None:
    closing = {"<!-- ": " -->", "<script>": "</script>", "<style>": "</style>", "<svg>": "</svg>"}[opening]
    words = "<p>" + "Wort " * 60 + "</p>"
    closed = "<html><body>" + (words + opening + "x" + closing) * (2**20 // 320)
    unclosed = "<html><body>" + (words + opening + "x") * (2**20 // 320)
    reference = extract_seconds(closed, 120)
    assert reference is not None
    limit = 10 * reference + 2.0
    seconds = extract_seconds(unclosed, limit)
    assert seconds is not None, f"1 MB of unclosed {opening!r} still extracting after {limit:.1f} s"


def test_a_page_of_too_many_tags_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(Unreadable) as refused:
        parse_html("<html><body>" + "x<br>" * (MAX_TAGS + 1))
    assert refused.value.reason == "too_large"


def tree_dump(soup: BeautifulSoup) -> list[tuple[str, str | None, list[tuple[str, object]]]]:
    """Every node of ``soup`` in document order: its class, its text (strings) and all its attributes, links
    to other nodes given as their position, so that two trees compare object for object."""
    nodes = [soup, *soup.descendants]
    position = {id(node): index for index, node in enumerate(nodes)}

    def shown(name: str, value: object) -> object:
        if isinstance(value, PageElement):
            return position.get(id(value), "outside")
        if name == "contents":
            return [position.get(id(child), "outside") for child in value]  # type: ignore[attr-defined]
        if name == "attrs":
            return type(value).__name__, [(k, type(v).__name__, v) for k, v in value.items()]  # type: ignore[attr-defined]
        if isinstance(value, set | frozenset):
            return sorted(map(repr, value))
        return repr(value)

    return [
        (
            type(node).__name__,
            str(node) if isinstance(node, NavigableString) else None,
            sorted((name, shown(name, value)) for name, value in vars(node).items() if name != "builder"),
        )
        for node in nodes
    ]


def stock_tree(html: str) -> BeautifulSoup:
    return BeautifulSoup(without_unread_markup(html), "lxml", multi_valued_attributes=None)


def test_the_tree_is_the_stock_builders_object_for_object_on_the_fixture_pages() -> None:
    pages = sorted((REPO_ROOT / "tests" / "fixtures").rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = decode_html(page.read_bytes()).text
        assert tree_dump(parse_html(html)) == tree_dump(stock_tree(html)), page.name


TREE_PIECES = (
    "<p>", "</p>", "<div class='a b'>", "</div>", "<pre>", "</pre>", "<textarea>", "</textarea>", "  \n ", " ",
    "\t", "\xa0", "text", "<br>", "<b>", "</b>", "<i>", "</span>", "<table>", "<td>", "<tr>", "<li>", "<ul>",
    "<rt>", "<template>", "</template>", "<meta charset='utf-8'>", "<meta http-equiv='content-type' "
    "content='text/html; charset=latin-1'>", "<svg:g xmlns:svg='http://www.w3.org/2000/svg'>", "</svg:g>",
    "<a xlink:href='#x' {odd=1 data-x>", "<?xml version='1.0'?>", "<!DOCTYPE html>", "<html>", "<body>",
    "<head>", "<title>", "&amp;", "<script type='application/ld+json'>{}</script>", "<style>", "<!--", "-->",
)  # fmt: skip


@pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")
def test_the_tree_is_the_stock_builders_object_for_object_on_jumbles_of_markup() -> None:
    rng = random.Random(17)
    for _ in range(2_000):
        html = "".join(rng.choice(TREE_PIECES) for _ in range(rng.randint(0, 30)))
        assert tree_dump(parse_html(html)) == tree_dump(stock_tree(html)), repr(html)
