"""One walk reads the page's text blocks, their link share, chrome marks and element spans."""

from __future__ import annotations

from bs4 import BeautifulSoup

from etl.extract.blocks import HANGUL_WEIGHT, WIDE_SCRIPT_WEIGHT, Layout, clean_text, read_blocks, text_size


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


BODY = "<p>A paragraph of the article, long enough to be most of the text of this small page, and more.</p>"


def test_the_lede_in_an_article_header_is_not_chrome_but_its_kicker_byline_and_crumbs_are() -> None:
    found = layout(
        '<article><header><a href="/">Home</a> › <a href="/economy">Economy</a> <span class="kicker">Energy</span>'
        "<h1>Prices fall</h1><p>Fourteen thousand homes pay less for heating from April, the utility said on"
        " Tuesday.</p><div>By Jonas Brehm · 05.03.2024</div></header>"
        f"<div>{BODY}{BODY}</div></article>"
    )
    assert texts(found)[:4] == [
        "Home › Economy Energy",
        "Prices fall",
        "Fourteen thousand homes pay less for heating from April, the utility said on Tuesday.",
        "By Jonas Brehm · 05.03.2024",
    ]
    assert found.chrome == [True, True, False, True, False, False]


def test_a_page_header_outside_any_article_stays_chrome_whatever_it_holds() -> None:
    found = layout(
        "<header><p>The Harbor Valley Courier: news of the valley and its towns since the year 1901.</p></header>"
        "<div><p>The body of the article, one paragraph long enough to be the article of this page.</p></div>"
    )
    assert found.chrome == [True, False]


def test_an_element_holding_an_image_and_a_short_text_between_paragraphs_is_a_caption() -> None:
    found = layout(
        f'<div>{BODY}<div class="inline-image"><img src="a.jpg"><p class="wrap">A crew lays cable in March.</p>'
        f"<span>(Photo: Rosa Quill)</span></div>{BODY}</div>"
    )
    assert found.chrome == [False, True, True, False]


def test_cards_of_an_image_and_a_blurb_side_by_side_are_not_captions() -> None:
    cards = "".join(f'<div class="card"><img src="{n}.jpg"><p>Album number {n}, a record.</p></div>' for n in range(3))
    found = layout(f"<div>{BODY}<div>{cards}</div></div>")
    assert found.chrome == [False, False, False, False]


def test_a_centred_line_right_after_an_image_only_paragraph_is_a_caption() -> None:
    found = layout(
        f'<div>{BODY}<p align="center"><img src="a.jpg"></p><p align="center">图为学生在悉尼的近影。</p>'
        f'<p style="text-align:center"><img src="b.jpg"></p><p>正文的下一段，不居中，所以不是图注。</p>{BODY}</div>'
    )
    assert found.chrome == [False, True, False, False]


def test_centred_lines_after_images_are_text_where_the_whole_post_is_centred() -> None:
    centred = '<p style="text-align: center;">'
    lines = [
        "山路一路上雲氣滯留山頭，不久即抵達國小",
        "楓香樹早已呈現金黃，泛紅色彩令人喜愛",
        "營區變了，招牌換成了原木招牌",
    ]
    post = "".join(
        f'{centred}<img src="{n}.jpg"></p>{centred}{line}</p>{centred}{line}。</p>' for n, line in enumerate(lines)
    )
    found = layout(f"<div>{post}</div>")
    assert not any(found.chrome)
    assert len(found.blocks) == 2 * len(lines)


def test_text_size_weighs_han_kana_and_hangul_above_latin_letters() -> None:
    assert text_size("The library opened.") == len("The library opened.")
    assert text_size("図書館が開館した。") == 8 * WIDE_SCRIPT_WEIGHT + 1
    assert text_size("도서관이 열렸다.") == 7 * HANGUL_WEIGHT + 2
    assert text_size("Café") == 4


def test_list_spans_are_recorded() -> None:
    found = layout("<div><p>Lead-in:</p><ul><li>One</li><li>Two</li></ul><ol><li>Three</li></ol></div>")
    assert found.lists == [(1, 3), (3, 4)]


def test_a_teaser_right_under_the_title_without_links_is_the_lede_a_linked_teaser_is_chrome() -> None:
    found = layout(
        '<div><h1>Stadtwerke senken den Preis</h1><p class="article-teaser">Rund 14.000 Haushalte zahlen ab April'
        f' weniger für Fernwärme.</p>{BODY}{BODY}<div class="teaser"><a href="/other">Another story</a>'
        "<p>A blurb of another story on this site, long enough to be prose.</p></div></div>"
    )
    assert found.chrome == [False, False, False, False, True, True]


def test_a_date_line_in_an_article_header_is_not_a_lede_however_long() -> None:
    found = layout(
        "<article><header><h1>Top workout trends</h1><div>Updated Dec. 23, 2024, 1:24 PM EST / Source: TODAY</div>"
        f"</header><div>{BODY}{BODY}</div></article>"
    )
    assert found.chrome == [True, True, False, False]


def test_a_sign_up_box_between_paragraphs_is_chrome_by_its_field_whatever_its_classes() -> None:
    found = layout(
        "<article><p>The harbour reopened on Tuesday after three weeks of repairs to the quay.</p>"
        '<div class="box-x1"><div class="t7">Never miss a tide table</div>'
        '<div class="t8">Get our Monday letter with the week ahead on the water.</div>'
        '<form><input type="email" name="e"><input type="hidden" name="k"><button>Go</button></form></div>'
        "<p>Ferries run on the summer timetable from the first of June.</p></article>"
    )
    marked = [block.text for block, chrome in zip(found.blocks, found.chrome, strict=True) if chrome]
    assert marked == ["Never miss a tide table", "Get our Monday letter with the week ahead on the water.", "Go"]


def test_ticked_items_and_an_article_with_a_comment_form_stay_text() -> None:
    ingredients = "".join(f'<li><input type="checkbox"> {n} grams of flour, sifted twice</li>' for n in (100, 200, 300))
    prose = "".join(f"<p>Paragraph {n} of the story says what happened on the quay that night.</p>" for n in range(8))
    found = layout(
        f"<div><ul>{ingredients}</ul></div><div>{prose}<form><textarea></textarea><input type='text'></form></div>"
    )
    assert not any(found.chrome)


def test_the_consent_switch_in_front_of_an_embed_is_chrome_by_its_switch() -> None:
    opening = "".join(f"<p>Part {n} of the mayor's hour of answers on the new tram line.</p>" for n in range(4))
    found = layout(
        f"<article>{opening}<p>The mayor answered the council's questions on the new tram line for an hour.</p>"
        '<div class="wrap-q"><h3>Recommended content from our editors</h3>'
        "<p>Here you find an external post that adds to the article. Show it or hide it with one click.</p>"
        '<div class="tgl"><input type="checkbox" id="s1"></div><label for="s1">Show external content</label>'
        "<p>I agree that external content is shown to me, and data may be sent to third parties.</p></div>"
        "<p>The first trams are due to run in the spring of next year, the council said.</p></article>"
    )
    kept = [block.text for block, chrome in zip(found.blocks, found.chrome, strict=True) if not chrome]
    assert kept[4:] == [
        "The mayor answered the council's questions on the new tram line for an hour.",
        "The first trams are due to run in the spring of next year, the council said.",
    ]


def test_a_heading_that_links_to_its_own_anchor_is_not_a_link() -> None:
    found = layout(
        '<div><h3 id="costs"><a href="#costs">What the repairs cost</a></h3>'
        '<section id="tools"><h3><a href="#tools">Tools</a></h3></section>'
        '<h3><a id="steps" href="#steps">Steps</a></h3></div>'
    )
    assert [block.link_density for block in found.blocks] == [0.0, 0.0, 0.0]


def test_a_heading_that_links_elsewhere_or_to_another_anchor_stays_a_link() -> None:
    found = layout(
        '<div><h2><a href="#costs">What the repairs cost</a></h2>'
        '<h2 id="tools"><a href="/tools">Tools</a></h2><p id="p"><a href="#p">Back</a></p></div>'
    )
    assert [block.link_density for block in found.blocks] == [1.0, 1.0, 1.0]


def test_a_streamed_segment_is_read_where_its_placeholder_stands_not_as_hidden_chrome() -> None:
    found = layout(
        "<html><body><article><p>First paragraph, sent with the page.</p>"
        '<template id="B:0"></template><div>Loading…</div><p>Last paragraph.</p></article>'
        '<footer>Footer</footer><div hidden id="S:0"><p>Middle paragraph, streamed late.</p>'
        '<template id="P:1"></template></div><div hidden id="S:1"><p>Nested segment.</p></div>'
        '<div hidden id="S:9"><p>A segment nobody asked for.</p></div></body></html>'
    )
    assert texts(found) == [
        "First paragraph, sent with the page.",
        "Middle paragraph, streamed late.",
        "Nested segment.",
        "Loading…",
        "Last paragraph.",
        "Footer",
        "A segment nobody asked for.",
    ]
    assert found.chrome == [False, False, False, False, False, True, True]
    article = next((start, end) for tag, start, end in found.spans if tag.name == "article")
    assert article == (0, 5)


def test_the_heading_in_a_sections_header_after_the_articles_prose_is_text() -> None:
    found = layout(
        "<html><body><article><h1>Ferry timetable changes</h1>"
        "<p>From June the island ferry leaves every forty minutes, and the last boat sails at midnight.</p>"
        "<section><header><h2>What changes for cyclists</h2><span>2 min</span></header>"
        "<p>Bikes go on the lower deck.</p></section></article></body></html>"
    )
    marks = dict(zip(texts(found), found.chrome, strict=True))
    assert marks["What changes for cyclists"] is False
    assert marks["2 min"] is True


def test_an_articles_own_header_under_a_site_title_stays_chrome_but_for_its_lede() -> None:
    body = "".join(
        f"<p>Absatz {n}: Fahrräder kommen aufs Unterdeck, Autos aufs Oberdeck der Fähre.</p>" for n in range(4)
    )
    found = layout(
        "<html><body><div><h1>City Paper</h1></div><article><header><span>Verkehr</span>"
        "<h2>Die Fähre fährt öfter</h2>"
        "<p>Ab Juni legt die Inselfähre alle vierzig Minuten ab, die letzte um Mitternacht.</p></header>"
        f"{body}</article></body></html>"
    )
    marks = dict(zip(texts(found), found.chrome, strict=True))
    assert marks["Die Fähre fährt öfter"] is True
    assert marks["Verkehr"] is True
    assert marks["Ab Juni legt die Inselfähre alle vierzig Minuten ab, die letzte um Mitternacht."] is False


def test_a_credited_caption_beside_or_under_an_image_paragraph_is_chrome_in_any_language() -> None:
    prose = "<p>Die Gemeinde Birkenau eröffnet im Herbst eine neue Bücherei im alten Bahnhof am Markt.</p>"
    found = layout(
        f"<div>{prose}<p><img src='a.jpg'></p><p>Die Bücherei im Bahnhof. Foto: Gemeinde Birkenau</p>{prose}"
        f"<p><img src='b.jpg'> The reading room on the first floor. (Photo: Ann Lee)</p>{prose}"
        f"<p><img src='c.jpg'></p><p>1. Bring your card: it opens the door</p>"
        f"<p><img src='d.jpg'></p><p>Ab Montag gilt: Wer leiht, liest. Mehr dazu:</p>"
        f"<p><img src='e.jpg'></p><p>Der Umbau kostete zwei Millionen Euro. Der Rat stimmte zu.</p></div>"
    )
    marks = dict(zip(texts(found), found.chrome, strict=True))
    assert marks["Die Bücherei im Bahnhof. Foto: Gemeinde Birkenau"] is True
    assert marks["The reading room on the first floor. (Photo: Ann Lee)"] is True
    assert marks["1. Bring your card: it opens the door"] is False
    assert marks["Ab Montag gilt: Wer leiht, liest. Mehr dazu:"] is False
    assert marks["Der Umbau kostete zwei Millionen Euro. Der Rat stimmte zu."] is False


def test_an_unlinked_teaser_that_is_the_first_prose_under_a_far_title_is_the_lede() -> None:
    toolbar = "".join(
        f"<div>{label}</div>" for label in ("Artikel anhören", "00:00", "Vorlesen", "Merken", "Drucken", "Schrift")
    )
    teaser = "<p class='artikel-teaser'>Die Stadt will bis 2030 mehr als vierzig Kilometer neue Radwege bauen.</p>"
    found = layout(
        f"<article><h1>Neue Radwege</h1><div>Von Anna Beispiel</div><div>12.05.2024</div>{toolbar}{teaser}"
        f"<div>{BODY}{BODY}</div></article>"
    )
    assert found.chrome[9] is False
    after_prose = layout(
        f"<article><h1>Neue Radwege</h1>{BODY}{toolbar}<div>Von Anna Beispiel</div><div>12.05.2024</div>{teaser}"
        f"</article>"
    )
    assert after_prose.chrome[10] is True
