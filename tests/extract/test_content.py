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
from etl.extract.content import (
    is_byline,
    is_link_with_label,
    keep_block,
    link_density,
    main_text,
    without_pull_quotes,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "extract" / "content"
PAGES = sorted(path.stem for path in FIXTURES.glob("*.html"))
DEVSET_PAGES = sorted(path.stem for path in (FIXTURES / "devset").glob("*.html"))
DEVSET_PAGE_F1 = 0.95


def harbour_paragraphs(count: int) -> list[str]:
    """``count`` article paragraphs of one invented story, as ``<p>`` elements numbered from 0."""
    return [
        f"<p>Paragraph {n} tells how the harbour town rebuilt its sea wall after the winter storms.</p>"
        for n in range(count)
    ]


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


def test_a_byline_with_the_authors_role_or_dates_is_a_byline_a_sentence_opening_with_the_name_is_not() -> None:
    names = ("Jane Doe",)
    assert is_byline("By Jane Doe, Executive Editor, Harbour Health Letter", names)
    assert is_byline("Von Jane Doe | aktualisiert am 3. Mai 2024, 14:05 Uhr | Faktencheck: Max Muster", names)
    assert not is_byline("Jane Doe, the mayor, opened the bridge on Thursday after two years of work.", names)
    assert not is_byline("The council thanked Jane Doe, Executive Editor, Harbour Health Letter", names)
    assert not is_byline("By Reuters, Executive Desk, Harbour Health Letter", ("Reuters",))


def test_link_density() -> None:
    linked, empty = BeautifulSoup('<p>abcd <a href="/">efgh</a></p>', "lxml").p, BeautifulSoup("<p></p>", "lxml").p
    assert linked is not None and empty is not None
    assert link_density(linked) == pytest.approx(0.5)
    assert link_density(empty) == 0.0


def test_extraction_keeps_no_state_between_pages() -> None:
    pages = [path.read_bytes() for path in sorted((FIXTURES / "devset").glob("*.html"))]
    counts = []
    for _ in range(3):
        for page in pages:
            extract(page)
        gc.collect()
        counts.append(len(gc.get_objects()))
    assert counts[1] == counts[2]


LONG = "A paragraph of the article that says what happened, where, and who said so, at some length here."


def test_a_list_of_short_items_that_ends_the_article_is_kept_whole() -> None:
    items = "".join(f"<li>Item {n}: {n * 3}</li>" for n in range(12))
    soup = BeautifulSoup(
        f"<article><p>{LONG}</p><p>{LONG} Twice.</p><p>In numbers:</p><ul>{items}</ul></article>", "lxml"
    )
    found = main_text(soup, title=None)
    assert found[-12:] == tuple(f"Item {n}: {n * 3}" for n in range(12))


def test_a_link_list_after_the_article_is_still_trimmed() -> None:
    links = "".join(f'<li><a href="/{n}">Another story number {n}</a></li>' for n in range(7))
    soup = BeautifulSoup(f"<div><p>{LONG}</p><p>{LONG} Again.</p><ul><li>Fact: 1</li>{links}</ul></div>", "lxml")
    assert not any("Another story" in text for text in main_text(soup, title=None))


def test_a_pull_quote_repeating_the_body_is_dropped_but_exact_repeats_and_headings_stay() -> None:
    quote = "the first round asked small companies to front money"
    blocks = [
        Block('"The first round asked small companies to front money they do not have," said the director.', "p", 0.0),
        Block(f"“{quote.capitalize()}”", "blockquote", 0.0),
        Block("Small companies to front money", "h2", 0.0),
        Block(LONG, "p", 0.0),
        Block(LONG, "p", 0.0),
    ]
    assert [block.text for block in without_pull_quotes(blocks)] == [
        blocks[0].text,
        blocks[2].text,
        LONG,
        LONG,
    ]


def test_a_summary_repeating_a_paragraph_nearly_whole_is_kept() -> None:
    blocks = [Block(f"TLDR: {LONG}", "p", 0.0), Block(LONG, "p", 0.0)]
    assert without_pull_quotes(blocks) == blocks


def test_the_lede_between_the_title_and_the_body_is_kept_in_any_language() -> None:
    soup = BeautifulSoup(
        "<div class='top'><h1>Tite diz que errou</h1><h2 class='subtitle'>Na ocasião, o técnico entregou réplica"
        " do troféu ao ex-presidente</h2><div class='author'>Por Bruno Rodrigues</div>"
        "<ul class='share'><li>Facebook</li><li>Whatsapp</li><li>Twitter</li><li>E-mail</li></ul></div>"
        f"<div class='body'><p>{LONG}</p><p>{LONG} More.</p><p>{LONG} Even more.</p></div>",
        "lxml",
    )
    found = main_text(soup, title="Tite diz que errou")
    assert found[0] == "Na ocasião, o técnico entregou réplica do troféu ao ex-presidente"
    assert "Por Bruno Rodrigues" not in found


def test_a_page_without_text_has_no_paragraphs() -> None:
    assert main_text(BeautifulSoup("<html><body><div><img src='a.jpg'></div></body></html>", "lxml"), title=None) == ()


def test_the_locked_part_of_an_article_sent_hidden_in_a_paywall_is_article_text_the_prompt_is_not() -> None:
    soup = BeautifulSoup(
        f"<article><p>{LONG}</p><p>{LONG} Twice.</p>"
        f'<div class="paywall" hidden><p>{LONG} Behind the wall.</p><p>{LONG} Still behind it.</p></div>'
        '<div class="paywall"><p>The rest of this article is for subscribers only.</p>'
        '<p><a href="/login">Already a subscriber? Log in</a></p></div></article>',
        "lxml",
    )
    found = main_text(soup, title=None)
    assert found[2:] == (f"{LONG} Behind the wall.", f"{LONG} Still behind it.")


def test_a_short_label_over_a_dropped_list_of_links_does_not_close_the_text() -> None:
    body = "".join(
        f"<p>Paragraph {n} tells how the new bridge over the river was built and opened.</p>" for n in range(5)
    )
    related = '<div><a href="/a">The old ferry retires after forty years</a></div><div><a href="/b">Tolls</a></div>'
    soup = BeautifulSoup(f"<html><body><div>{body}<div>Mehr zum Thema</div>{related}</div></body></html>", "lxml")
    paragraphs = main_text(soup, title=None)
    assert paragraphs[-1] == "Paragraph 4 tells how the new bridge over the river was built and opened."


def test_a_short_label_over_a_dropped_share_bar_does_not_close_the_text() -> None:
    body = "".join(
        f"<p>Paragraph {n} tells how the new bridge over the river was built and opened.</p>" for n in range(5)
    )
    share = '<div class="share-buttons"><button>Facebook</button><button>Email</button></div>'
    soup = BeautifulSoup(f"<html><body><div>{body}<p>Share this:</p>{share}</div></body></html>", "lxml")
    assert main_text(soup, title=None)[-1].startswith("Paragraph 4")


def test_a_short_closing_sentence_or_list_item_before_links_stays() -> None:
    body = "".join(
        f"<p>Paragraph {n} tells how the new bridge over the river was built and opened.</p>" for n in range(5)
    )
    links = '<div><a href="/tags/bridges">Bridges</a> <a href="/tags/river">River</a></div>'
    closings = (
        ("<p>It opens in May.</p>", "It opens in May."),
        ("<ul><li>Salt</li></ul>", "Salt"),
        ("<p>Source: AP</p>", "Source: AP"),
    )
    for closing, expected in closings:
        soup = BeautifulSoup(f"<html><body><div>{body}{closing}{links}</div></body></html>", "lxml")
        assert main_text(soup, title=None)[-1] == expected


def test_a_section_whose_anchor_id_holds_a_chrome_word_is_article_text() -> None:
    section = (
        '<section id="menu-choices-that-guests-remember"><h2>Menu choices that guests remember</h2>'
        "<p>Guests talk for years about a dish that surprised them, far more than about the chairs.</p>"
        "<p>A small tasting table lets them try three sauces before they choose a main course.</p></section>"
    )
    body = "".join(
        f"<p>Paragraph {n} tells how the caterer plans a season of weddings in the hills.</p>" for n in range(4)
    )
    soup = BeautifulSoup(f"<html><body><article>{body}{section}</article></body></html>", "lxml")
    found = main_text(soup, title=None)
    assert "Menu choices that guests remember" in found
    assert found[-1] == "A small tasting table lets them try three sauces before they choose a main course."


def test_subheadings_that_link_to_their_own_anchors_are_kept_a_table_of_contents_is_not() -> None:
    contents = '<h2><a href="#soil">Soil first</a></h2><h2><a href="#water">Water less</a></h2>'
    sections = "".join(
        f'<h3 id="{anchor}"><a href="#{anchor}">{heading}</a></h3>'
        f"<p>The {anchor} section says what a gardener on clay learns in the first dry summer there.</p>"
        f"<p>More on {anchor}: the beds that did best were mulched twice and watered at dawn only.</p>"
        for anchor, heading in (("soil", "Soil first"), ("water", "Water less"))
    )
    soup = BeautifulSoup(f"<html><body><div>{contents}{sections}</div></body></html>", "lxml")
    found = main_text(soup, title=None)
    assert found.count("Soil first") == 1 and found.count("Water less") == 1
    assert found.index("Soil first") == 0 and found[3] == "Water less"


def test_the_paragraphs_a_page_streams_after_its_body_are_read_in_place() -> None:
    streamed = "".join(
        f'<div hidden id="S:{n}"><p>Streamed part {n}: the council voted to keep the old library open.</p></div>'
        for n in range(3)
    )
    placeholders = "".join(
        f"<p>Part {n} in the page: the library on Mill Street will stay open after the long vote.</p>"
        f'<template id="B:{n}"></template>'
        for n in range(3)
    )
    soup = BeautifulSoup(f"<html><body><article>{placeholders}</article>{streamed}</body></html>", "lxml")
    found = main_text(soup, title=None)
    assert len(found) == 6
    assert found[1] == "Streamed part 0: the council voted to keep the old library open."


def test_copyright_and_credit_lines_are_dropped_a_table_row_with_the_sign_stays() -> None:
    body = "".join(harbour_paragraphs(4))
    credit = "<p>Image: © Ada Lindqvist / Harbour Pictures</p>"
    table = "<table><tr><td>Brand</td><td>Seawall Co. ©</td></tr><tr><td>Length</td><td>400 m</td></tr></table>"
    closings = ("<p>© 2024 Harbour Gazette. All rights reserved.</p>", "<p>版权所有 © 2024 港口日报</p>")
    for closing in closings:
        page = f"<html><body><article>{credit}{body}{table}{closing}</article></body></html>"
        found = main_text(BeautifulSoup(page, "lxml"), title=None)
        assert not any("©" in text and "|" not in text for text in found)
        assert found[0].startswith("Paragraph 0") and "Brand | Seawall Co. ©" in found


def test_a_long_paragraph_that_mentions_the_copyright_sign_stays() -> None:
    long = (
        "The © sign was added to the law in 1909, and since then a notice need not spell the word out: the sign, "
        "the year and the owner's name are enough, a rule the court applied again when the printer's case came up "
        "this spring, after two years of letters between the lawyers of both sides about the missing notice."
    )
    block = Block(long, "p", 0.0)
    assert keep_block(block, title=None)
    assert not keep_block(Block("Copyright © 2024 Harbour Gazette", "p", 0.0), title=None)


def test_a_paywalls_count_of_what_is_left_ends_the_free_text_and_the_box_after_it_goes() -> None:
    body = "".join(harbour_paragraphs(4))
    box = (
        "<section><p>This account is open on another screen right now.</p>"
        "<p>One screen at a time can show the paper, and the other one will be told so.</p>"
        '<button type="button">Keep reading here</button><a href="/offers">See the family plans</a></section>'
    )
    for count in ("<p>Noch 62 % dieses Artikels zu lesen.</p>", "<p><strong>62% left to read.</strong></p>"):
        page = f"<html><body><div><article>{body}{count}</article>{box}</div></body></html>"
        found = main_text(BeautifulSoup(page, "lxml"), title=None)
        assert found[-1].startswith("Paragraph 3") and len(found) == 4


def test_a_short_line_with_a_percentage_inside_the_text_or_in_a_list_stays() -> None:
    body = "".join(harbour_paragraphs(4))
    for closing, expected in (
        ("<p>Turnout: 61%.</p><p>The count ends on Sunday night at the town hall.</p>", 6),
        ("<ul><li>Sand: 40%</li><li>Stone: 60%</li></ul>", 6),
    ):
        page = f"<html><body><article>{body}{closing}</article></body></html>"
        assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == expected


def test_an_about_the_author_box_under_the_text_goes_a_closing_paragraph_naming_the_author_stays() -> None:
    body = "".join(harbour_paragraphs(4))
    box = (
        "<div><h3>Staff writer</h3><p>Mira Oduya has covered the coast and its towns for the paper since 2015,"
        " and before that wrote about ferries for a radio station on the islands.</p></div>"
    )
    page = f"<html><body><article>{body}{box}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None, authors=("Mira Oduya",))
    assert len(found) == 4 and found[-1].startswith("Paragraph 3")
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 6  # no byline name: nothing repeats
    closing = (
        "<div><p>The wall will be finished next spring, the mayor said at the meeting in the old school.</p>"
        "<p>Reporting by Mira Oduya from the harbour; the council sent its figures on Friday evening.</p></div>"
    )
    page = f"<html><body><article>{body}{closing}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None, authors=("Mira Oduya",))) == 6


def test_bios_opening_with_the_bylines_name_close_no_text_and_what_follows_them_goes_too() -> None:
    body = "".join(harbour_paragraphs(5))
    bios = (
        "<p>Mira Oduya is a staff writer who has covered the coast since 2015.</p>"
        "<p>Tomas Brell, Desk Editor, checked this story on the night of the vote.</p>"
        "<h4>Disclaimer:</h4><p>Nothing here is advice; ask the harbour office before you sail out.</p>"
    )
    page = f"<html><body><article>{body}{bios}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None, authors=("Mira Oduya", "Tomas Brell"))
    assert len(found) == 5 and found[-1].startswith("Paragraph 4")
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 9  # no byline: no name repeats
    work = "<p>Mira Oduya's new book on the sea wall comes out in the spring, the publisher said.</p>"
    page = f"<html><body><article>{body}{work}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None, authors=("Mira Oduya",))) == 6
    closing = "<p>Reuters contributed to this report from the quay and the council chamber.</p>"
    page = f"<html><body><article>{body}{closing}</article></body></html>"  # a one-word author is an agency
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None, authors=("Reuters",))) == 6


def test_a_bio_under_a_label_naming_its_writer_goes_without_a_byline() -> None:
    body = "".join(harbour_paragraphs(5))
    box = "<h4>Written by Ines Calder</h4><p>Ines Calder is a freelance writer who lives on the islands.</p>"
    page = f"<html><body><article>{body}{box}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert len(found) == 5 and found[-1].startswith("Paragraph 4")
    subject = "<h3>3. Tide tables by Ines Calder</h3><p>Ines Calder’s tables give the hour of every tide.</p>"
    page = f"<html><body><article>{body}{subject}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 7


@pytest.mark.parametrize(
    "notice",
    [
        "We may earn a commission when you buy through links on this page.",
        "Die mit einem Symbol gekennzeichneten Links sind Affiliate-Links: wir erhalten eine Provision.",
        "Este artículo contiene enlaces de afiliados: podemos recibir una comisión.",
        "Cet article contient des liens affiliés : nous pouvons toucher une commission.",
        "Статья содержит партнёрские ссылки: мы можем получить комиссию.",
        "この記事にはアフィリエイトリンクが含まれています。",
        "As an Amazon Associate, I earn from qualifying purchases.",
        "Every item here was chosen by an editor. We may earn commission on the items you choose to buy.",
    ],
)
def test_an_affiliate_disclosure_at_the_head_or_foot_of_the_text_goes(notice: str) -> None:
    body = "".join(harbour_paragraphs(6))
    for page in (
        f"<html><body><article><p>{notice}</p>{body}</article></body></html>",
        f"<html><body><article>{body}<p>{notice}</p></article></body></html>",
    ):
        assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 6


def test_commission_and_links_inside_the_text_or_in_a_news_lede_stay() -> None:
    body = "".join(harbour_paragraphs(6))
    lede = "<p>The European Commission will buy the new ferry for the islands, its office said on Monday.</p>"
    middle = "<p>The commission asked the town for the links between its two harbours to be rebuilt.</p>"
    half = body.index("<p>Paragraph 3")
    page = f"<html><body><article>{lede}{body[:half]}{middle}{body[half:]}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 8


def test_clipped_teasers_of_other_articles_closing_the_text_go_with_their_titles_and_label() -> None:
    body = "".join(harbour_paragraphs(4))
    cards = "".join(
        f"<div><p>Coast, Towns</p><p>Story {n} from the islands</p>"
        f"<p>The ferry timetable changed again this autumn, and the crews who run the night boats say ...</p>"
        "<div>Read more</div></div>"
        for n in range(3)
    )
    page = f"<html><body><main>{body}<h2>More from the coast desk</h2>{cards}</main></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert len(found) == 4 and found[-1].startswith("Paragraph 3")
    two = "".join(cards.split("</div></div>")[:2]) + "</div></div>"  # two clipped lines are no run
    page = f"<html><body><main>{body}<h2>More from the coast desk</h2>{two}</main></body></html>"
    assert main_text(BeautifulSoup(page, "lxml"), title=None)[-2].endswith("...")


def test_lines_that_trail_off_inside_the_text_or_a_clipped_list_before_it_stay() -> None:
    body = "".join(harbour_paragraphs(4))
    trailing = "".join(
        f"<p>Then the tide turned on night {n}, and everyone on the quay knew what came next…</p>"
        f"<p>The water rose over the old steps, as it had in the spring, and the pumps ran until dawn.</p>"
        for n in range(3)
    )
    page = f"<html><body><article>{body}{trailing}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 10
    clipped = "".join(
        f"<p>Boat {n}: the ferry company rates it the quietest of its fleet for ...</p>" for n in (1, 2, 3)
    )
    page = f"<html><body><article>{clipped}{body}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 7


def test_the_label_of_a_table_of_contents_goes_a_subheading_over_links_elsewhere_stays() -> None:
    parts = [
        f'<h2 id="part-{n}">Part {n}</h2><p>Paragraph {n} tells how the harbour town rebuilt its sea wall'
        " after the winter storms, stone by stone.</p>"
        for n in range(3)
    ]
    contents = "<p>In this guide</p><ul>" + "".join(f'<li><a href="#part-{n}">Part {n}</a></li>' for n in range(3))
    page = f"<html><body><article>{parts[0]}{contents}</ul>{''.join(parts[1:])}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert "In this guide" not in found and len(found) == 6
    own_path = contents.replace('href="#', 'href="/guides/harbour#')  # the page's own path before the "#"
    page = f"<html><body><article>{parts[0]}{own_path}</ul>{''.join(parts[1:])}</article></body></html>"
    assert "In this guide" not in main_text(BeautifulSoup(page, "lxml"), title=None)
    elsewhere = contents.replace('href="#', 'href="/guides/')  # links away: a subheading over a list
    page = f"<html><body><article>{parts[0]}{elsewhere}</ul>{''.join(parts[1:])}</article></body></html>"
    assert "In this guide" in main_text(BeautifulSoup(page, "lxml"), title=None)


@pytest.mark.parametrize(
    "prompt",
    [
        "Love harbours? Sign up for our newsletter and get the tide tables in your inbox.",
        "Join our mailing list! Get an email when a new episode is out.",
        "Abonnieren Sie unseren Newsletter: die Nachrichten vom Hafen jeden Morgen.",
        "Подпишитесь на нашу рассылку, чтобы получать новости порта.",
        "뉴스레터를 구독하세요.",
    ],
)
def test_a_newsletter_prompt_inside_the_text_goes(prompt: str) -> None:
    body = harbour_paragraphs(6)
    page = f"<html><body><article>{''.join(body[:3])}<p>{prompt}</p>{''.join(body[3:])}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 6


def test_a_sentence_about_newsletters_stays() -> None:
    body = "".join(harbour_paragraphs(6))
    about = (
        "<p>Subscribing to the harbour office's newsletter brings the tide tables, and its goals include more"
        " newsletter sign-ups.</p>"
    )
    page = f"<html><body><article>{body}{about}</article></body></html>"
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 7


@pytest.mark.parametrize("label", ["About the author", "Meet your guide", "Über den Autor", "Об авторе", "作者简介"])
def test_an_author_box_under_its_label_goes_whoever_it_names(label: str) -> None:
    body = "".join(harbour_paragraphs(5))
    box = f"<h3>{label}</h3><p>I have written about harbours, ferries and the people who run them for ten years.</p>"
    page = f"<html><body><article>{body}{box}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert len(found) == 5 and found[-1].startswith("Paragraph 4")
    long_after = "".join(
        f"<p>Part {n} of the text. {'The tide came in over the old steps. ' * 8}</p>" for n in range(8)
    )
    page = f"<html><body><article>{body}{box}{long_after}</article></body></html>"  # the text goes on
    assert len(main_text(BeautifulSoup(page, "lxml"), title=None)) == 15


def test_a_subheading_wholly_in_a_link_between_paragraphs_is_kept_a_teaser_headline_is_not() -> None:
    paragraph = (
        "<p>Paragraph {n} tells how the old harbour hotel was built, closed, and opened again by a family"
        " who had run the ferry for three generations, kept its ledgers in the cellar and its guests' letters in"
        " the attic.</p>"
    )
    body = [paragraph.format(n=n) for n in range(6)]
    subheading = '<h3><a href="https://hotel.example/">2. The Harbour Hotel</a></h3>'
    teaser = (
        '<div class="box"><a href="/other"><img src="a.jpg"></a><p>Photo: Agency</p>'
        '<h3><a href="/news/other-story">Ferry strike: what travellers need to know this week</a></h3></div>'
    )
    boxed = '<div class="inline"><h3><a href="/news/third-story">Sea wall: the vote is on Monday</a></h3></div>'
    sectioned = '<section><header><h3><a href="https://inn.example/">3. The Quay Inn</a></h3></header>'
    page = (
        f"<html><body><article><h1>The harbour hotels</h1>{''.join(body[:3])}{subheading}{body[3]}{boxed}"
        f"{body[4]}{teaser}{body[5]}{sectioned}{body[0]}</section></article></body></html>"
    )
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert found[3] == "2. The Harbour Hotel" and found[-2] == "3. The Quay Inn"
    assert "Ferry strike: what travellers need to know this week" not in found
    assert "Sea wall: the vote is on Monday" not in found
    assert len(found) == 9


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "Advertisement - Page continues below",
        "Anzeige",
        "Реклама:",
        "广告",
        "Loading...",
        "Loading paragraph...",
        "Wird geladen …",
        "Cargando…",
        "Загрузка...",
        "読み込み中…",
        "Show Caption",
        "Bildunterschrift anzeigen",
        "This article is exclusive to subscribers",
        "Article réservé aux abonnés",
        "Esta funcionalidad es sólo para suscriptores",
        "Nur für Abonnenten",
        "会員限定",
        "Already have an account? Log in",
        "Esta funcionalidad es sólo para registrados",
        "記事に『リアクション』ができます。ご利用には会員登録が必要です。",
        "Compartir",
        "Copiar enlace",
        "Whatsapp",
        "Share:",
        "Iniciar sesión",
        "6 min read",
        "3 Min Lesezeit",
        "15.04.2026 - 15:48 Uhr Lesedauer: 2 Min.",
        "Tiempo de lectura: 4 min",
        "Время чтения: 3 мин",
        "読了時間：約3分",
        "Aktuelle Zeit:0:00 Gesamtdauer:0:00",
        "Bereits Abonnent? Hier anmelden",
        "Masz już konto? Zaloguj się",
    ],
)
def test_lines_of_the_pages_interface_inside_the_text_go(line: str) -> None:
    body = harbour_paragraphs(6)
    page = f"<html><body><article>{''.join(body[:3])}<p>{line}</p>{''.join(body[3:])}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert len(found) == 6 and line not in found


@pytest.mark.parametrize(
    "line",
    [
        "Advertising – earned and paid advertising.",
        "Loading",
        "Loading the boats took the crew all night, and the ferry left at dawn.",
        "Subscribers to the harbour office's letter heard of it first.",
        "Log in to the harbour portal to book a berth.",
        "Die Lesezeit der Kinder stieg 2023 um 12 Prozent.",
        "The race starts at 0:00 on New Year's night.",
    ],
)
def test_sentences_that_speak_of_ads_loading_or_logging_in_stay(line: str) -> None:
    body = harbour_paragraphs(6)
    page = f"<html><body><article>{''.join(body[:3])}<p>{line}</p>{''.join(body[3:])}</article></body></html>"
    assert line in main_text(BeautifulSoup(page, "lxml"), title=None)


def test_a_paywalls_count_that_says_the_rest_is_for_subscribers_still_ends_the_free_text() -> None:
    body = "".join(harbour_paragraphs(5))
    count = "<p>Il vous reste 57% de cet article à lire. La suite est réservée aux abonnés.</p>"
    box = "<p>Vous pouvez lire ce journal sur un seul appareil à la fois, pas sur deux en même temps.</p>"
    page = f"<html><body><div><article>{body}{count}</article>{box}</div></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert len(found) == 5 and found[-1].startswith("Paragraph 4")


def test_a_table_row_naming_a_linked_company_beside_its_figure_is_data_a_row_of_links_is_not() -> None:
    body = "".join(
        f"<p>Paragraph {n} tells how the harbour town's builders grew after the sea wall was rebuilt.</p>"
        for n in range(4)
    )
    rows = "".join(
        f'<tr><td><a href="https://{slug}.example/">{name}</a></td><td>{revenue}</td></tr>'
        for slug, name, revenue in (
            ("quay", "Quay Builders International", "$7.7B"),
            ("tide", "Tide Works Incorporated", "$2.5B"),
            ("pier", "Pier & Jetty Group", "$1.1B"),
        )
    )
    links = '<tr><td><a href="/a">Harbour news</a></td><td><a href="/b">Ferry times</a></td></tr>'
    table = f"<table><tr><th>Company</th><th>Revenue</th></tr>{rows}{links}</table>"
    page = f"<html><body><article>{body}{table}{body}</article></body></html>"
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert "Quay Builders International | $7.7B" in found and "Pier & Jetty Group | $1.1B" in found
    assert "Harbour news | Ferry times" not in found


def test_a_subheading_naming_a_network_stays_its_name_alone_in_a_share_bar_goes() -> None:
    body = [
        f"<p>Paragraph {n} tells how the harbour town sells its fish through the networks it knows.</p>"
        for n in range(6)
    ]
    page = (
        f"<html><body><article>{''.join(body[:3])}<h3>Pinterest</h3>{''.join(body[3:])}"
        "<div><p>Facebook</p><p>X</p><p>Email</p></div></article></body></html>"
    )
    found = main_text(BeautifulSoup(page, "lxml"), title=None)
    assert found[3] == "Pinterest" and len(found) == 7


def test_an_h1_between_paragraphs_after_the_pages_first_h1_heads_a_section_of_the_text() -> None:
    html = (
        "<html><head><title>Kleine Sprachmodelle</title></head><body><main><h1>Kleine Sprachmodelle</h1>"
        "<p>Kleine Sprachmodelle laufen auf dem eigenen Rechner und brauchen keine Verbindung zum Netz.</p>"
        "<h1>Was ist ein kleines Modell?</h1>"
        "<p>Ein Modell mit wenigen Milliarden Parametern, das auch auf einem Laptop schnell genug antwortet.</p>"
        "<h1>So fangen Sie an</h1>"
        "<p>Installieren Sie ein Werkzeug, laden Sie ein Modell herunter und stellen Sie ihm eine Frage.</p>"
        "</main></body></html>"
    )
    paragraphs = extract(html).paragraphs
    assert "Was ist ein kleines Modell?" in paragraphs
    assert "So fangen Sie an" in paragraphs
    assert "Kleine Sprachmodelle" not in paragraphs
    closing = html.replace("</main>", "<h1>Mehr aus dem Ressort</h1></main>")
    assert "Mehr aus dem Ressort" not in extract(closing).paragraphs


def test_a_label_before_names_linked_one_by_one_is_a_line_of_the_text_a_read_also_link_is_not() -> None:
    towns = ", ".join(
        f'<a href="/ort/{n}">{name}</a>' for n, name in enumerate(["Lindenau", "Oberweiler", "Kirchheim"])
    )
    html = (
        "<html><body><main><h1>Hochwasser im Landkreis</h1>"
        "<p>Nach dem Starkregen stehen in drei Gemeinden Keller und Straßen unter Wasser, meldet das Landratsamt.</p>"
        f"<p>Betroffene Orte: {towns}</p>"
        '<p>Lesen Sie auch: <a href="/artikel/2">Wie Sie Ihr Haus gegen Hochwasser schützen können</a></p>'
        "<p>Die Feuerwehr pumpt seit dem Morgen Wasser ab, die Lage soll sich bis zum Abend entspannen.</p>"
        "</main></body></html>"
    )
    paragraphs = extract(html).paragraphs
    assert "Betroffene Orte: Lindenau, Oberweiler, Kirchheim" in paragraphs
    assert not any(paragraph.startswith("Lesen Sie auch") for paragraph in paragraphs)
