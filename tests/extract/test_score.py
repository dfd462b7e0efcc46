"""The container is the element with the most net content; its empty head and costly tail are trimmed."""

from __future__ import annotations

from bs4 import BeautifulSoup

from etl.extract.blocks import Block, Layout, read_blocks, text_size
from etl.extract.score import BLOCK_COST, MAX_LEDE_GAP, best_span, block_value, lede_before, trimmed


def layout(markup: str) -> Layout:
    return read_blocks(BeautifulSoup(markup, "lxml"))


def span_texts(found: Layout, span: tuple[int, int]) -> list[str]:
    return [block.text for block in found.blocks[span[0] : span[1]]]


def test_block_value_counts_characters_not_words_with_cjk_characters_weighted() -> None:
    english = Block("The library opened on Thursday.", "p", 0.0)
    japanese = Block("図書館が木曜日に開館した。", "p", 0.0)
    assert block_value(english, chrome=False) == len(english.text) - BLOCK_COST
    assert block_value(japanese, chrome=False) == text_size(japanese.text) - BLOCK_COST
    assert text_size(japanese.text) > 2 * len(japanese.text)


def test_an_article_of_short_japanese_paragraphs_outscores_a_latin_promo_box() -> None:
    sentences = [
        "警視庁は十三日、元理事長を背任の疑いで逮捕した。",
        "大学に約一億円の損害を与えたとされる。",
        "同課は資金の流れの解明を進める。",
    ]
    found = layout(
        '<div id="promo"><p>Register now to save this article and read it later on any of your devices.</p></div>'
        f'<div id="body">{"".join(f"<div>{sentence}</div>" for sentence in sentences)}</div>'
    )
    assert span_texts(found, best_span(found))[-3:] == sentences


def test_block_value_of_links_chrome_title_and_cells() -> None:
    link = Block("Related story title", "li", 1.0)
    assert block_value(link, chrome=False) == -len(link.text) - BLOCK_COST
    assert block_value(Block("Share this article on every network", "div", 0.0), chrome=True) == -BLOCK_COST
    assert block_value(Block("The title", "h1", 0.0), chrome=False) == -BLOCK_COST
    assert block_value(Block("18 mm", "td", 0.0), chrome=False) == len("18 mm")


def test_best_span_is_the_article_not_the_menu_or_the_teasers() -> None:
    found = layout(
        '<ul id="menu"><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul>'
        '<div id="body"><p>The first paragraph of the article, which carries most of the text.</p>'
        "<p>The second paragraph of the article, just as long as the first one was.</p></div>"
        '<div id="teasers"><a href="/a"><h3>Another story</h3></a><p>Short teaser.</p></div>'
    )
    assert span_texts(found, best_span(found)) == [
        "The first paragraph of the article, which carries most of the text.",
        "The second paragraph of the article, just as long as the first one was.",
    ]


def test_best_span_joins_sections_of_one_article() -> None:
    found = layout(
        "<main><section><p>Part one of the article, a long paragraph of real text.</p></section>"
        "<section><h2>Part two</h2><p>Part two of the article, another long paragraph.</p></section></main>"
    )
    assert len(span_texts(found, best_span(found))) == 3


def test_trimmed_drops_a_leading_byline_and_a_costly_tail_but_keeps_headings_and_a_closing_line() -> None:
    found = layout(
        "<div><p>May 15</p><h2>Intro</h2><p>The article's first paragraph, long and full of real text.</p>"
        "<p>Source: agencies</p>"
        '<div><a href="/1">Another story with a long title</a></div>'
        '<div><a href="/2">And one more story with a long title</a></div></div>'
    )
    assert span_texts(found, trimmed(found, 0, len(found.blocks))) == [
        "Intro",
        "The article's first paragraph, long and full of real text.",
        "Source: agencies",
    ]


def test_chrome_between_the_last_paragraphs_does_not_end_the_article() -> None:
    placeholder = (
        '<div class="social-embed">External content</div><button>Settings</button><div class="share">Share</div>'
    )
    found = layout(
        "<div><p>The article's first paragraph, long and full of real text about the company.</p>"
        f"{placeholder}<h3>5. The debt of the company was 1.6 percent of the country's output.</h3>"
        f"{placeholder}<h3>6. Homeowners blamed the company, and it fell from favour.</h3>"
        '<div class="related"><a href="/1">Another story with a long title</a></div></div>'
    )
    kept = span_texts(found, trimmed(found, 0, len(found.blocks)))
    assert "6. Homeowners blamed the company, and it fell from favour." in kept


def test_an_article_of_one_element_per_paragraph_beside_a_long_menu_is_read_whole() -> None:
    paragraphs = [
        "The council approved the budget on Monday after a debate that lasted most of the afternoon.",
        "The opposition had asked for more money for schools and for the repair of two bridges.",
        "The mayor said the city would borrow less next year, and that the repairs would start in spring.",
    ]
    menu = "".join(f'<div><a href="/{n}">Register to react to this article, option {n}</a></div>' for n in range(12))
    found = layout(f'<div id="entry">{"".join(f"<div>{text}</div>" for text in paragraphs)}{menu}</div>')
    assert span_texts(found, best_span(found)) == paragraphs


def test_paragraphs_of_linked_names_keep_an_article_ahead_of_a_promo_box() -> None:
    towns = "、".join(
        f'<a href="/t/{n}">{name}</a>'
        for n, name in enumerate(["北浜町", "南川村", "東野市", "西岡町", "中島町", "上田村", "下原市", "本郷町"])
    )
    found = layout(
        '<body><p><a href="/">トップ</a> &gt; <a href="/news">ニュース</a> &gt; <a href="/news/q">地震</a></p>'
        '<div id="story"><p>気象台は十三日夜、沖合で震度五弱の地震があったと発表した。</p>'
        f"<p>北県：{towns}</p><p>南県：{towns}</p><p>東県：{towns}</p></div>"
        '<div id="promo"><p>今なら二カ月間、月額百円で有料記事が読み放題になるキャンペーン中です。'
        "詳しくはこちら。</p></div></body>"
    )
    start, end = trimmed(found, *best_span(found))
    assert span_texts(found, (start, end))[0].startswith("気象台は")
    assert span_texts(found, (start, end))[-1].startswith("東県：")


def test_linked_names_count_their_links_once_inside_an_element_and_twice_at_its_head() -> None:
    names = Block("Affected: Northport, Eastfield, Westbury", "p", 0.75, links=3)
    menu = Block("News Sport Weather", "p", 1.0, links=3)
    assert block_value(names, chrome=False, inside=True) > block_value(names, chrome=False)
    assert block_value(menu, chrome=False, inside=True) == block_value(menu, chrome=False)


def _title_toolbar_body(toolbar: str) -> Layout:
    body = "".join(
        f"<p>Paragraph {n} of the report on the night market that reopened by the harbour after the storm.</p>"
        for n in range(4)
    )
    return layout(
        "<html><body><div><h1>Night market reopens</h1>"
        "<p>Traders came back on Friday, three months after the storm flooded the harbour front.</p>"
        f"{toolbar}</div><div class='body'>{body}</div></body></html>"
    )


def test_a_lede_right_under_the_title_is_kept_however_many_tools_lie_before_the_body() -> None:
    tools = "".join(f"<div><span>Tool {n}</span></div>" for n in range(MAX_LEDE_GAP + 2))
    found = _title_toolbar_body(tools + "<p>Save this article to read later: members only, sign in first.</p>")
    start = _body_start(found)
    assert [found.blocks[index].text for index in lede_before(found, start)] == [
        "Traders came back on Friday, three months after the storm flooded the harbour front."
    ]


def test_near_the_body_every_lede_block_after_the_title_is_kept() -> None:
    found = _title_toolbar_body("<p>A second line of prose under the title, long enough to be a standfirst too.</p>")
    assert lede_before(found, _body_start(found)) == [1, 2]


def _body_start(found: Layout) -> int:
    return next(index for index, block in enumerate(found.blocks) if block.text.startswith("Paragraph 0"))


_RELATED_BOX = (
    '<div class="kasten"><h3>Mehr zum Thema</h3><ul>'
    '<li><a href="/1">Streit um Parkplätze in der Innenstadt geht in die nächste Runde</a></li>'
    '<li><a href="/2">Neue Buslinie soll Pendler aus dem Umland schneller in die Stadt bringen</a></li>'
    '<li><a href="/3">Bürgerentscheid über die Straßenbahn: Das sind die Argumente beider Seiten</a></li>'
    '<li><a href="/4">Baustellen im Sommer: Wo es in den Ferien eng wird auf den Straßen</a></li></ul></div>'
)
_RADWEG = [
    "Die Stadtverwaltung hat am Dienstag neue Pläne für den Ausbau des Radwegenetzes vorgestellt.",
    "Bis 2030 sollen mehr als vierzig Kilometer neue Wege entstehen, vor allem in den äußeren Bezirken.",
    "Die Kosten schätzt die Verwaltung auf zwölf Millionen Euro, die Hälfte davon zahlt das Land.",
]


def test_the_text_resumes_after_a_box_of_links_between_its_paragraphs() -> None:
    closing = "Der Gemeinderat will im Herbst über die Pläne abstimmen."
    found = layout(
        f'<article><h1>Neue Radwege</h1><div class="text">{"".join(f"<p>{p}</p>" for p in _RADWEG)}'
        f"{_RELATED_BOX}<p>{closing}</p></div></article>"
        '<section class="weitere"><h2>Weitere Nachrichten</h2><div class="card"><a href="/t"><h3>Feuerwehr im '
        "Einsatz</h3></a><p>Ein Brand in einer Lagerhalle hat am Abend einen Großeinsatz ausgelöst.</p></div></section>"
    )
    kept = span_texts(found, trimmed(found, *best_span(found)))
    assert kept[0] == _RADWEG[0]
    assert kept[-1] == closing


def test_a_box_between_paragraphs_of_one_element_does_not_lose_a_short_article_to_teasers() -> None:
    teasers = "".join(
        f'<div class="card"><a href="/t{n}"><h3>Feuerwehr im Einsatz, Meldung {n}</h3></a>'
        f"<p>Brand in einer Lagerhalle am Abend.</p></div>"
        for n in range(3)
    )
    found = layout(
        f'<article><h1>Neue Radwege</h1><div class="text"><p>{_RADWEG[0]}</p><p>{_RADWEG[1]}</p>{_RELATED_BOX}'
        f'<h2>Fazit</h2><p>Gut so, meint unser Autor.</p></div></article><section class="weitere">{teasers}</section>'
    )
    kept = span_texts(found, trimmed(found, *best_span(found)))
    assert kept[0] == _RADWEG[0]
    assert kept[-2:] == ["Fazit", "Gut so, meint unser Autor."]


def test_the_text_resumes_in_a_wrapper_of_its_own_kind_after_an_embeds_consent_notice() -> None:
    notice = (
        '<div class="embed-consent"><p>Externer Inhalt</p><p>An dieser Stelle finden Sie einen Inhalt von einem '
        "Videoportal. Sie können ihn mit einem Klick anzeigen.</p><button>Inhalt anzeigen</button></div>"
    )
    blocks = "".join(f'<div class="absatz"><p>{p}</p></div>' for p in _RADWEG)
    found = layout(
        f'<main><h1>Neue Radwege</h1>{blocks}{notice}<div class="absatz"><p>Der Rat stimmt im Herbst ab.</p></div>'
        "</main>"
    )
    kept = span_texts(found, trimmed(found, *best_span(found)))
    assert kept[-1] == "Der Rat stimmt im Herbst ab."


def test_the_first_paragraphs_before_a_box_join_the_text_in_an_element_of_their_own_kind() -> None:
    rest = "".join(f"<p>{p} Dazu äußerten sich mehrere Fraktionen ausführlich.</p>" for p in _RADWEG)
    found = layout(
        '<article><h1>Neue Radwege</h1><div class="text"><p>Die Stadt baut Radwege, kündigte sie an.</p>'
        f'<p>{_RADWEG[0]}</p></div>{_RELATED_BOX}<div class="text">{rest}</div></article>'
    )
    kept = span_texts(found, trimmed(found, *best_span(found)))
    assert kept[:2] == ["Die Stadt baut Radwege, kündigte sie an.", _RADWEG[0]]


def test_paragraphs_of_other_elements_after_a_box_are_not_the_texts() -> None:
    found = layout(
        f'<article><h1>Neue Radwege</h1><div class="text">{"".join(f"<p>{p}</p>" for p in _RADWEG)}</div>'
        f'{_RELATED_BOX}<div class="promo"><p>Jetzt testen: Vier Wochen lesen für nur einen Euro.</p></div></article>'
    )
    assert span_texts(found, trimmed(found, *best_span(found))) == _RADWEG


def test_far_from_the_body_the_lede_is_the_first_prose_under_the_title_after_its_short_lines() -> None:
    toolbar = "".join(
        f'<div><a href="#{n}">{label}</a></div>'
        for n, label in enumerate(("Artikel anhören", "Vorlesen", "Kommentare", "Merken", "Drucken", "Teilen"))
    )
    lede = "Die Stadt will bis 2030 mehr als vierzig Kilometer neue Radwege bauen, kündigte sie an."
    found = layout(
        f"<div><h1>Neue Radwege</h1><div>Verkehr</div><div>Von Anna Beispiel</div><div>12.05.2024</div>"
        f'<p class="lead">{lede}</p>{toolbar}<p>Jetzt den Artikel für später speichern und auf allen Geräten lesen.</p>'
        f'</div><div class="text">{"".join(f"<p>{p}</p>" for p in _RADWEG)}</div>'
    )
    start, _ = trimmed(found, *best_span(found))
    assert [found.blocks[index].text for index in lede_before(found, start)] == [lede]


def test_a_paragraph_in_an_unnamed_element_before_a_box_is_not_the_texts_first() -> None:
    rest = "".join(f"<p>{p} Dazu äußerten sich mehrere Fraktionen ausführlich.</p>" for p in _RADWEG)
    found = layout(
        "<body><div><p>Jetzt testen: Vier Wochen lesen für nur einen Euro.</p></div>"
        f"{_RELATED_BOX}<div>{rest}</div></body>"
    )
    kept = span_texts(found, trimmed(found, *best_span(found)))
    assert kept[0].startswith(_RADWEG[0])
