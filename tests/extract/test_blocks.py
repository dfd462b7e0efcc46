"""One walk reads the page's text blocks, their link share, chrome marks and element spans."""

from __future__ import annotations

from bs4 import BeautifulSoup

from etl.extract.blocks import Layout, clean_text, read_blocks


def layout(markup: str) -> Layout:
    return read_blocks(BeautifulSoup(markup, "lxml"))


def texts(found: Layout) -> list[str]:
    return [block.text for block in found.blocks]


def test_text_elements_are_read_whole_with_inline_markup_and_breaks_as_spaces() -> None:
    found = layout("<div><p>One <b>bold</b> line<br>and the next.</p><h2>Heading</h2></div>")
    assert texts(found) == ["One bold line and the next.", "Heading"]
    assert [block.tag for block in found.blocks] == ["p", "h2"]


def test_text_directly_in_a_div_is_cut_at_breaks_and_at_block_children() -> None:
    found = layout("<div>First <i>run</i>.<br><br>Second run.<div>Inner.</div>Third run.</div>")
    assert texts(found) == ["First run.", "Second run.", "Inner.", "Third run."]


def test_scripts_styles_and_comments_are_never_read() -> None:
    found = layout("<div><script>var x;</script><style>p{}</style><!-- note --><p>Text.</p></div>")
    assert texts(found) == ["Text."]


def test_link_density_of_a_block() -> None:
    found = layout('<div><p>abcd <a href="/">efgh</a></p><li><a href="/">all link</a></li></div>')
    assert [block.link_density for block in found.blocks] == [0.5, 1.0]


def test_a_card_link_around_blocks_counts_its_text_as_linked() -> None:
    found = layout('<div><a href="/x"><h3>Teaser title</h3><p>Teaser text.</p></a></div>')
    assert texts(found) == ["Teaser title", "Teaser text."]
    assert all(block.link_density == 1.0 for block in found.blocks)


def test_a_data_row_is_one_block_with_cells_joined() -> None:
    found = layout("<table><tr><th>Town</th><th>Rain</th></tr><tr><td>Northport</td><td>18 mm</td></tr></table>")
    assert texts(found) == ["Town | Rain", "Northport | 18 mm"]


def test_a_layout_row_is_read_cell_by_cell() -> None:
    found = layout("<table><tr><td><div><p>Main column.</p></div></td><td><div>Sidebar.</div></td></tr></table>")
    assert texts(found) == ["Main column.", "Sidebar."]


def test_spans_give_the_blocks_of_every_element() -> None:
    found = layout('<div id="a"><p>One.</p><div id="b"><p>Two.</p><p>Three.</p></div></div>')
    spans = {tag.get("id"): (start, end) for tag, start, end in found.spans if tag.get("id")}
    assert spans == {"a": (0, 3), "b": (1, 3)}


def test_chrome_marks_cover_the_blocks_of_chrome_elements() -> None:
    found = layout(
        "<div><p>A paragraph of the article that is long enough to be most of the text here.</p>"
        '<div class="share-bar"><span>Share</span></div><nav><a href="/">Home</a></nav></div>'
    )
    assert found.chrome == [False, True, True]


def test_a_chrome_named_element_holding_most_text_is_a_wrapper() -> None:
    found = layout(
        '<div class="has-sidebar"><p>A paragraph of the article, long enough to be most of the page.</p>'
        '<div class="sidebar">Short teaser.</div></div>'
    )
    assert found.chrome == [False, True]


def test_hidden_elements_are_chrome_unless_they_hold_most_of_the_page() -> None:
    menu = layout("<div><p>The visible article paragraph, the longest text here.</p><div hidden>Menu</div></div>")
    assert menu.chrome == [False, True]
    streamed = layout(
        "<div>Loading</div><div hidden><p>The article, streamed in a hidden chunk.</p></div>"
        "<div hidden><p>More of the article, in a second hidden chunk.</p></div>"
    )
    assert streamed.chrome == [False, False, False]


def test_clean_text_joins_whitespace_and_drops_nul() -> None:
    assert clean_text(" a\n\t b\x00c  ") == "a b c"


def test_a_chrome_inline_element_in_a_run_is_a_chrome_block_of_its_own() -> None:
    found = layout('<div>A long caption-free line of the article text.<span class="credit">Image: Agency</span></div>')
    assert texts(found) == ["A long caption-free line of the article text.", "Image: Agency"]
    assert found.chrome == [False, True]


def test_markup_nested_thousands_deep_is_read_without_exhausting_the_stack() -> None:
    deep_blocks = layout("<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000)
    deep_inline = layout("<div>" + "<span>" * 3000 + "Deep inline." + "</span>" * 3000 + "</div>")
    assert texts(deep_blocks) == ["Deep text."]
    assert texts(deep_inline) == ["Deep inline."]
