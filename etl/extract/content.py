"""Main text: read the page into blocks, choose the article container, keep its article paragraphs.

Steps, each its own module: ``blocks`` (one walk: text blocks, chrome marks, element spans), ``score``
(the container with the most net content), then the filters here drop what is inside the container but
not article: chrome, link lists, the title, bylines, newsletter prompts, and pull quotes (a block whose text
another kept block already holds); then what opens or closes the kept text without being the article's:
affiliate disclosures, authors' bios and boxes, teasers of other pages, a paywall's count of what is left.
A source may name its body container with ``article_selector`` (sources file); then only that element is
read.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from etl.extract.blocks import (
    CELL_JOIN,
    HEADING_TAGS,
    NOT_PROSE_TAGS,
    SENTENCE_ENDS,
    Block,
    Layout,
    inline_text,
    read_blocks,
    text_size,
)
from etl.extract.chrome import is_page_chrome
from etl.extract.score import best_span, is_linked_names, lede_before, trimmed

__all__ = ["is_page_chrome", "keep_block", "link_density", "main_text"]

MAX_LINK_DENSITY = 0.8
"""A block with more of its text in links than this is a link list (related stories, tags, menus)."""

MAX_ROW_LINK_DENSITY = 0.95
"""A data table's row of two cells or more is a link list only when (nearly) all of it is links: a row naming
a linked company beside its revenue ("Quanta Services Inc. | $7.7B") is data, however short the cell outside
the link."""

LABEL_CHARS = 20
"""Text outside links short enough to be a label in front of a link, in any language."""

MIN_TEXT_CHARS = 200
"""Less main text than this (in size, ``etl.extract.blocks.text_size``), on a page with chrome marks, is
read again without them: every section of some articles carries a chrome-looking class (``promo-item``,
``skip-section``). That second reading takes the best element as it is (``best_span(grow=False)``): with
no chrome marks, growing it would take in the share line beside a short article, and the longer reading
wins."""

BYLINE_SLACK = 30
"""Characters a byline may carry beyond the author's name ("By", "and", a date) and still be one."""

BYLINE_CHARS = 160
BYLINE_PREFIX = 8
"""A line of at most ``BYLINE_CHARS`` that names an author within its first ``BYLINE_PREFIX`` characters
("By ", "Von ", "Автор: ") and ends no sentence is a byline with the author's role or dates."""

PULL_QUOTE_CHARS = 30
"""A kept block this long (without the quotes or dots around it) whose text a longer kept block
already holds is a pull quote, repeated for the eye, not a second paragraph. Shorter lines (a heading, a
name) may well recur inside a paragraph."""

MAX_PULL_QUOTE_CHARS = 400
"""A pull quote is a sentence or two; longer blocks are paragraphs, never looked at as quotes."""

PULL_QUOTE_SHARE = 1.5
"""How many times longer than a pull quote the paragraph it repeats is, at least."""

_QUOTE_MARKS = " \"'“”„‟«»‹›‘’‚‛「」『』…-–—.,:;!?()[]*"
"""Marks around a pull quote that the paragraph it repeats does not have there, in any language."""

LABEL_SIZE = 40
"""A line this short (in size, ``etl.extract.blocks.text_size``), not a sentence, that closes the kept text
right before a block of links is the label of a related-links box, not the article's last line."""

COPYRIGHT_SIZE = 300
"""A block this short (in size, ``etl.extract.blocks.text_size``) holding the copyright sign © is a
copyright or credit line ("© 2024 Example Media. All rights reserved.", "Image: © A. Photographer",
"Foto(s): © Archiv", "版权所有 © ..."), not article prose, in every language; table cells aside (a price list
may name a brand's mark)."""

REMAINDER_SIZE = 100
"""A line this short (in size) holding a percentage that closes the free text, the kept text's last block
or the last of an ``<article>``, is a paywall's count of what is left to read ("57% left to read", "Il vous
reste 57.09% de cet article à lire", "Pozostało jeszcze 89% artykułu"), in every language: an article does
not end on a figure that short with nothing after it. List items, table rows and headings stay."""

AUTHOR_BOX_BLOCKS = 4
AUTHOR_BOX_SIZE = 800
AUTHOR_LABEL_SIZE = 80
"""An "about the author" box under the text (``without_author_box``): a few short lines (a heading, the
name, a role), then a bio; sizes as ``etl.extract.blocks.text_size``."""

BIO_NAME_WORDS = 2
"""An author's name of this many words at least opens a bio (``without_closing_bios``): a one-word author
("GitHub", "dpa", "AP") is the publisher or an agency, whose name may well open a closing sentence."""

BIO_TAIL_BLOCKS = 10
BIO_TAIL_SIZE = 2500
BIO_LABEL_TAIL_BLOCKS = 3
"""How far back from the end of the kept text an author's bio is looked for (``without_closing_bios``): in
blocks, and in the size of all that would go with it; a bio whose name is not the byline's but its label's
("Written by Jane Doe" over "Jane Doe is ..."), only among the last ``BIO_LABEL_TAIL_BLOCKS`` blocks."""

TEASER_RUN = 3
TEASER_LABELS = 3
"""Teasers that close the text (``without_teaser_run``): at least ``TEASER_RUN`` blocks cut off with an
ellipsis ("...", "…"), between them at most ``TEASER_LABELS`` short lines in a row (a card's title,
categories, "Learn more": at most ``LABEL_SIZE`` * 2 each, not ending a sentence)."""

DISCLOSURE_SIZE = 400
DISCLOSURE_HEAD = 4
DISCLOSURE_TAIL = 2
"""An affiliate disclosure (``is_disclosure``) is a short paragraph among the first or last kept blocks."""

_LINK_WORDS_RE = re.compile(
    r"\blinks?\b|\benlaces?\b|\bliens?\b|collegament|ligaç|odnośnik|ссылк|посилан|リンク|链接|連結|링크",
    re.IGNORECASE,
)
"""Words for a link: en, de, it, pt and pl "link"/"Links", es "enlace", fr "lien", it "collegamento", pt
"ligação", pl "odnośnik", ru "ссылка", uk "посилання", ja "リンク", zh "链接"/"連結", ko "링크"."""

_PURCHASE_WORDS_RE = re.compile(
    r"\bbuy|\bpurchas|\b(?:ein)?kauf|kaufen\b|\bcompra|\bachat|\bachet|\bacquist|\bzakup|\bkup[iu]|покуп|купів|購入|购买|구매",
    re.IGNORECASE,
)
"""Words for buying in the same languages (a disclosure speaks of links or of purchases): en, de, es/pt, fr,
it, pl, ru, uk, ja, zh, ko."""

_COMMISSION_WORDS_RE = re.compile(
    r"commission|compensation|affiliate|provision|comisi[oó]n|afiliad|commissione|affiliat|comiss[ãa]o|prowizj"
    r"|afiliacyj|комисси|партн[её]рск|комісі|партнерськ|アフィリエイト|報酬|手数料|佣金|返利|수수료|제휴|파트너스",
    re.IGNORECASE,
)
"""Words for a commission or an affiliate programme in the same languages (en and fr share "commission",
de "Provision"/"Affiliate", es/pt "comisión"/"comissão"/"afiliado", it "commissione"/"affiliazione", pl
"prowizja"/"afiliacyjny", ru/uk "комиссия"/"комісія"/"партнёрская", ja "アフィリエイト"/"報酬", zh "佣金",
ko "수수료"/"제휴")."""

SIGNUP_SIZE = 300
"""A newsletter prompt (``is_signup_prompt``) is a line or two."""

_NEWSLETTER_WORDS = (
    "newsletter",
    "inbox",
    "mailing list",
    "posteingang",
    "boletín",
    "bandeja de entrada",
    "boîte de réception",
    "lettre d'information",
    "casella di posta",
    "caixa de entrada",
    "skrzynk",
    "рассылк",
    "розсилк",
    "почту",
    "почты",
    "пошту",
    "пошти",
    "ニュースレター",
    "メルマガ",
    "通讯",
    "邮箱",
    "電子報",
    "뉴스레터",
)
"""Words for a newsletter or a mailbox in en, de, es, fr, it, pt, pl, ru, uk, ja, zh and ko."""

_SIGNUP_WORDS_RE = re.compile(
    r"(?:^|[.!?:]\s+)(?:just\s+)?(?:sign[ -]?up|subscribe\b|join\b|abonnier|melden sie|suscr[ií]b|abonnez|inscri"
    r"|iscriv|assine|inscreva|zapisz|subskrybuj|zaprenumeruj|подпиш|підпиш)|登録|订阅|訂閱|구독|신청",
    re.IGNORECASE,
)
"""A sentence that opens by asking to sign up or subscribe ("Sign up for ...", "Join our ...", "Abonnieren Sie
...", "Suscríbete", "Abonnez-vous", "Iscriviti", "Assine", "Zapisz się", "Подпишитесь", "Підпишіться"), in
the same languages; in Chinese, Japanese and Korean the word anywhere ("订阅", "登録", "구독"). A sentence about
newsletters ("Subscribing to their newsletter brings offers", "... such as newsletter sign-ups") asks nothing."""

_ELLIPSES = ("...", "…")

SUBHEADING_PROSE = 80
SUBHEADING_LINK_DENSITY = 0.2
"""A subheading wholly in a link (``_is_linked_subheading``) stands between paragraphs of prose at least this
long (in size, ``etl.extract.blocks.text_size``) with at most this share of their text in links."""

UI_LINE_SIZE = 120
"""A line of the page's interface (``is_interface_line``) is at most this long (in size)."""

_AD_LABELS = frozenset(
    {
        "advertisement",
        "anzeige",
        "werbung",
        "publicidad",
        "anuncio",
        "publicité",
        "pubblicità",
        "publicidade",
        "reklama",
        "реклама",
        "広告",
        "广告",
        "廣告",
        "광고",
    }
)
"""An ad's label in en, de, es, fr, it, pt, pl, ru/uk, ja, zh and ko: alone on its line, or before a dash
("Advertisement - Page continues below"), it marks an ad's slot, not a word of the article."""

_LOADING_RE = re.compile(
    r"(?:loading|wird geladen|lädt|cargando|chargement|caricamento|carregando|ładowanie|wczytywanie|загрузка"
    r"|завантаження|読み込み中|加载中|載入中|로딩 중|불러오는 중)\b[^.…]{0,30}(?:\.\.\.|…)$",
    re.IGNORECASE,
)
"""A placeholder a script fills ("Loading…", "Loading paragraph...", "Wird geladen …", "Cargando...",
"Загрузка…", "読み込み中…"), in the 12 languages: looked for in lines that end in an ellipsis."""

CAPTION_TOGGLE_CHARS = 30
_CAPTION_TOGGLE_RE = re.compile(
    r"(?:show|hide|toggle|expand) caption|bildunterschrift (?:anzeigen|ausblenden)|(?:mostrar|ocultar) pie de foto"
    r"|(?:afficher|masquer) la légende|(?:mostra|nascondi) didascalia|(?:mostrar|ocultar) legenda"
    r"|(?:pokaż|ukryj) podpis|(?:показать|скрыть) подпись|(?:показати|приховати) підпис"
    r"|キャプションを(?:表示|隠す)|(?:显示|隐藏)(?:说明|图说)|캡션 (?:보기|숨기기)",
    re.IGNORECASE,
)
"""A caption's toggle, the whole of a line of at most ``CAPTION_TOGGLE_CHARS`` ("Show Caption",
"Bildunterschrift anzeigen", "Afficher la légende", "Показать подпись"), in the 12 languages."""

_SUBSCRIBER_STEMS = (
    "subscri",
    "abonn",
    "suscri",
    "abbonat",
    "assinant",
    "prenumer",
    "subskryb",
    "подписч",
    "передплат",
    "підписник",
    "会員",
    "仅限",
    "订阅",
    "訂閱",
    "구독",
    "유료",
    "registr",
    "inscrit",
    "cadastrad",
    "zalogowan",
    "зарегистр",
    "зареєстр",
    "登録",
    "注册",
    "회원",
)
"""Substrings one of which a subscribers-only label holds: looked for before ``_SUBSCRIBERS_ONLY_RE`` (substrings
are cheap, the expression is not)."""

_SUBSCRIBERS_ONLY_RE = re.compile(
    r"(?:exclusive|only) (?:to|for) (?:\S+ )?(?:subscribers|registered users)|subscribers only|subscriber[- ]only"
    r"|nur für registrierte|(?:sólo|solo) para registrados|réservée? aux inscrits|(?:riservato|riservata) agli utenti"
    r" registrati|apenas para (?:registrados|cadastrados)|tylko dla (?:zalogowanych|zarejestrowanych)"
    r"|только для зарегистрированных|(?:лише|тільки) для зареєстрованих|会員登録が必要|仅限注册用户|회원만"
    r"|(?:nur|exklusiv) für (?:\S+[- ])?abonnent|(?:sólo|solo|exclusivo|exclusiva) para (?:\S+ )?suscriptor"
    r"|réservée? (?:aux|à nos) abonnés|(?:solo|riservato|riservata) (?:per gli|agli) abbonati"
    r"|(?:exclusivo|exclusiva|apenas) para (?:\S+ )?assinantes|(?:tylko|wyłącznie) dla (?:prenumeratorów|subskrybentów)"
    r"|только для подписчиков|(?:лише|тільки) для (?:передплатників|підписників)"
    r"|会員限定|会員の方のみ|有料会員|仅限(?:会员|订阅)|订阅者专享|訂閱者專屬|구독자 전용|유료 회원",
    re.IGNORECASE,
)
"""A label that says a part or a feature is for subscribers ("This article is exclusive to subscribers",
"Article réservé aux abonnés", "Esta funcionalidad es sólo para suscriptores", "Nur für Abonnenten",
"会員限定"), in the 12 languages: the paywall's, not the article's."""

READING_TIME_SIZE = 80
"""A line this short (in size) holding a count of minutes and a reading time is the page's estimate of it."""

_READING_TIME_RE = re.compile(
    r"\bmin(?:ute)?s?\.?\s+read\b|\bminute read\b|reading time|\bread time|lesezeit|lesedauer|de lectura"
    r"|temps de lecture|min de lecture|di lettura|de leitura|czas czytania|min\.? czytania|время чтения"
    r"|мин(?:ут[аы]?)?\.? чтения|час читання|хв\.? читання|読了|分で読め|阅读时间|閱讀時間|分钟阅读|分鐘閱讀|预计阅读"
    r"|읽는 시간|분 소요",
    re.IGNORECASE,
)
"""A reading-time estimate ("5 min read", "3 Min Lesezeit", "Lesedauer: 2 Min.", "Tiempo de lectura: 4 min",
"Temps de lecture : 3 min", "Czas czytania: 5 min", "Время чтения: 3 мин", "読了時間：約3分", "阅读时间：5分钟",
"읽는 시간 3분") in the 12 languages."""

_MINUTES_RE = re.compile(r"\d\s*(?:min|мин|хв|分|분)|(?:约|約|약)\s*\d", re.IGNORECASE)
"""A count of minutes ("3 Min", "5 min", "3 мин", "3 хв", "3分", "3분", "約3"): a reading-time line has one; a
sentence about reading time with other figures ("Die Lesezeit stieg um 12 Prozent") does not."""

_PLAYER_CLOCK = "0:00"
"""A video player's clock before it plays ("Current Time 0:00 / Duration 0:00", "Aktuelle Zeit:0:00
Gesamtdauer:0:00"): twice in a short line, in any language."""

_BUTTON_LABELS = frozenset(
    {
        "share",
        "teilen",
        "compartir",
        "partager",
        "condividi",
        "compartilhar",
        "udostępnij",
        "поделиться",
        "поділитися",
        "シェア",
        "分享",
        "공유",
        "copy link",
        "link kopieren",
        "copiar enlace",
        "copier le lien",
        "copia link",
        "copiar link",
        "kopiuj link",
        "скопировать ссылку",
        "копіювати посилання",
        "リンクをコピー",
        "复制链接",
        "링크 복사",
        "log in",
        "login",
        "sign in",
        "anmelden",
        "einloggen",
        "iniciar sesión",
        "se connecter",
        "accedi",
        "entrar",
        "zaloguj się",
        "войти",
        "увійти",
        "ログイン",
        "登录",
        "로그인",
        "facebook",
        "x",
        "twitter",
        "whatsapp",
        "email",
        "e-mail",
        "linkedin",
        "telegram",
        "pinterest",
        "reddit",
        "threads",
        "bluesky",
        "xing",
        "vk",
        "weibo",
        "wechat",
        "kakaotalk",
    }
)
"""The captions of a share bar's or a login box's buttons in the 12 languages (share, copy link, log in) and the
networks a share bar names: alone on a line that is not a heading ("Compartir", "Copiar enlace", "Facebook",
"Iniciar sesión"), a button's caption; a subheading "Pinterest" over a paragraph about it stays."""

_LOGIN_RE = re.compile(
    r"\blog ?in\b|\bsign ?in\b|einloggen|anmelden|inicia(?:r)? sesi[oó]n|\bconnecte[zr]|\baccedi\b|\bentrar\b"
    r"|fa[çc]a login|zaloguj|войти|войдите|увійти|увійдіть|ログイン|登录|登入|로그인",
    re.IGNORECASE,
)
"""Words asking to log in, in the 12 languages; with a question ("Already have an account? Log in", "Bereits
Abonnent? Hier anmelden", "¿Ya eres suscriptor? Inicia sesión", "Masz już konto? Zaloguj się") a short line
is a paywall's or a comment box's login prompt."""

_AUTHOR_LABEL_RE = re.compile(
    r"about the (?:author|writer|reviewer)|meet (?:the|your) (?:author|writer|tester|expert|guide)"
    r"|über (?:den|die) autor|zum autor|zur autorin|sobre (?:el|la|o|a) autor|à propos de l.auteur"
    r"|sull.autore|sull.autrice|o autor(?:ze|ce)|об авторе|про автора|著者(?:について|紹介|プロフィール)|執筆者"
    r"|关于作者|作者简介|作者介绍|저자 소개|필자 소개|기자 소개",
    re.IGNORECASE,
)
"""Labels of an author box in en, de, es, pt, fr, it, pl, ru, uk, ja, zh and ko."""

_POSSESSIVE = "'’"
"""A name followed by these ("Jane Doe's new book") is the subject of a sentence about her work, not the
opening of her bio."""

_PERCENT_RE = re.compile(r"\d\s?%|%\s?\d")

_CELL_TAGS = frozenset({"tr", "td", "th"})
_ITEM_TAGS = _CELL_TAGS | {"li", "dt", "dd"}
_SUBHEADING_TAGS = HEADING_TAGS - {"h1"}
_HEADING_WRAPPERS = HEADING_TAGS | {"a", "strong", "b", "em", "span", "header"}


def main_text(
    soup: BeautifulSoup, *, title: str | None, selector: str | None = None, authors: Iterable[str] = ()
) -> tuple[str, ...]:
    """The article's paragraphs in page order (repeats included). Never changes ``soup``."""
    chosen = soup.select_one(selector) if selector else None
    layout = read_blocks(chosen or soup)
    names = tuple(name for name in authors if name)
    if chosen is not None:
        return _kept(layout, (0, len(layout.blocks)), title, names)
    found = _kept(layout, trimmed(layout, *best_span(layout)), title, names)
    if sum(map(text_size, found)) < MIN_TEXT_CHARS and any(layout.chrome):
        unmarked = replace(layout, chrome=[False] * len(layout.blocks))
        fallback = _kept(unmarked, trimmed(unmarked, *best_span(unmarked, grow=False)), title, names)
        if sum(map(text_size, fallback)) > sum(map(text_size, found)):
            return fallback
    return found


def _kept(layout: Layout, span: tuple[int, int], title: str | None, authors: tuple[str, ...]) -> tuple[str, ...]:
    start, end = span
    chosen = [*lede_before(layout, start), *range(start, end)]
    first_h1 = next((index for index, block in enumerate(layout.blocks) if block.tag == "h1"), len(layout.blocks))
    indexes = [
        index
        for index in chosen
        if not layout.chrome[index]
        and (
            keep_block(
                layout.blocks[index],
                title=title,
                authors=authors,
                subheading=_is_h1_subheading(layout, index, first_h1),
            )
            or _is_linked_subheading(layout, index, chosen[-1])
        )
    ]
    indexes = without_closing_label(layout, without_teaser_run(layout, without_contents_label(layout, indexes)))
    indexes = without_disclosures(layout, without_remainder_line(layout, indexes))
    indexes = [index for index in indexes if not is_interface_line(layout.blocks[index])]
    indexes = without_closing_bios(layout, without_author_box(layout, indexes, authors), authors)
    kept = [layout.blocks[index] for index in indexes]
    return tuple(block.text for block in without_pull_quotes(kept))


def _is_h1_subheading(layout: Layout, index: int, first_h1: int) -> bool:
    """Whether an ``<h1>`` after the page's first heads a section of the text: right between two paragraphs of
    prose (as ``_is_linked_subheading`` asks of its neighbours)."""
    return (
        layout.blocks[index].tag == "h1"
        and first_h1 < index < len(layout.blocks) - 1
        and all(_is_prose_neighbour(layout, other) for other in (index - 1, index + 1))
    )


def _is_prose_neighbour(layout: Layout, index: int) -> bool:
    neighbour = layout.blocks[index]
    return (
        not layout.chrome[index]
        and neighbour.tag not in NOT_PROSE_TAGS
        and neighbour.link_density < SUBHEADING_LINK_DENSITY
        and text_size(neighbour.text) >= SUBHEADING_PROSE
        and neighbour.text.rstrip().endswith(SENTENCE_ENDS)
        and not neighbour.text.rstrip().endswith(_ELLIPSES)
    )


def _is_linked_subheading(layout: Layout, index: int, last: int) -> bool:
    """Whether a heading wholly in a link (a hotel's name linking to its site over the paragraph about it) is
    a subheading of the text: not the ``<h1>``, at most ``LABEL_SIZE`` * 3 in size, not the last chosen
    block, right between two paragraphs of prose (``SUBHEADING_PROSE`` or more in size, few links, each
    ending a sentence, not clipped), and heading what follows: no element but a ``<header>`` (and inline
    ones) holds it without the paragraph after it. A teaser of another story between two paragraphs sits in
    a box of its own (with its image, kicker or list item)."""
    block = layout.blocks[index]
    if block.tag not in _SUBHEADING_TAGS or index >= last or index == 0 or text_size(block.text) > LABEL_SIZE * 3:
        return False
    if not all(_is_prose_neighbour(layout, other) for other in (index - 1, index + 1)):
        return False
    return not any(
        start <= index < end and end < index + 2 and tag.name not in _HEADING_WRAPPERS
        for tag, start, end in layout.spans
    )


def without_teaser_run(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without the teasers of other articles that close it: read back from the
    last kept block, a run of at least ``TEASER_RUN`` blocks cut off with an ellipsis, with at most
    ``TEASER_LABELS`` short lines in a row after, between and before them (the cards' titles, categories
    and "Learn more", the run's label: ``_is_card_line``). Excerpts clipped mid-sentence in a row are a list of
    other pages, in every language; an article's own lines that trail off ("Well...") stand alone or
    between full sentences, and a run in the middle of the text (a ranked list's summaries) stays."""
    if len(kept) <= TEASER_RUN:
        return kept
    teasers = 0
    labels = 0
    start = len(kept)
    for position in range(len(kept) - 1, -1, -1):
        block = layout.blocks[kept[position]]
        if _is_clipped(block):
            teasers += 1
            labels = 0
            start = position
        elif _is_card_line(block) and labels < TEASER_LABELS:
            labels += 1
        else:
            break
    if teasers < TEASER_RUN or start == 0:
        return kept
    while start > 0 and _is_card_line(layout.blocks[kept[start - 1]]) and labels > 0:
        start -= 1
        labels -= 1
    return kept[:start]


def _is_clipped(block: Block) -> bool:
    return block.tag not in NOT_PROSE_TAGS and block.text.rstrip().endswith(_ELLIPSES)


def _is_card_line(block: Block) -> bool:
    return _is_unfinished_line(block, 2 * LABEL_SIZE)


def _is_unfinished_line(block: Block, max_size: float) -> bool:
    """Whether a block is a line of at most ``max_size`` (``text_size``) that ends no sentence: a title, a
    label, a name."""
    return text_size(block.text) <= max_size and not block.text.rstrip().endswith(SENTENCE_ENDS)


def without_author_box(layout: Layout, kept: list[int], authors: tuple[str, ...]) -> list[int]:
    """``kept`` (block indexes) without an "about the author" box at its end: a bio as the last block after
    one to ``AUTHOR_BOX_BLOCKS`` - 1 short lines (a heading, the name, a role: at most
    ``AUTHOR_LABEL_SIZE`` each), all in one element that holds no earlier kept block, at most
    ``AUTHOR_BOX_SIZE`` in all, naming one of the page's authors: the byline's name said again under the
    text, a repeat, in every language. A last paragraph that names the author after a paragraph of text
    stays."""
    if not authors or len(kept) <= AUTHOR_BOX_BLOCKS:
        return kept
    found = len(kept)
    size = text_size(layout.blocks[kept[-1]].text)
    for count in range(2, AUTHOR_BOX_BLOCKS + 1):
        first, before = kept[-count], kept[-count - 1]
        label = text_size(layout.blocks[first].text)
        size += label
        if label > AUTHOR_LABEL_SIZE or size > AUTHOR_BOX_SIZE:
            break
        if any(name in layout.blocks[index].text for index in kept[-count:] for name in authors) and any(
            before < start <= first and end > kept[-1] for _, start, end in layout.spans
        ):
            found = len(kept) - count
    return kept[:found]


def without_closing_bios(layout: Layout, kept: list[int], authors: tuple[str, ...]) -> list[int]:
    """``kept`` (block indexes) without the authors' bios that close it: from the first of its last
    ``BIO_TAIL_BLOCKS`` blocks that opens with the name of one of the byline's authors ("Jane Doe is a health
    writer ...", "Jane Doe, Executive Editor, ...") and is longer than a byline (``_opens_bio``), with the
    short labels right before it ("About the author"), when what goes is at most ``BIO_TAIL_SIZE``: the
    byline's name said again at the start of one of the last paragraphs introduces the writer, not the story,
    in every language, and what follows it (a reviewer's bio, the site's disclaimer) is the page's. A closing
    line that names the author further on ("Reporting by Jane Doe") stays, and so does the text when no more
    than ``AUTHOR_BOX_BLOCKS`` blocks would be left. A label that says what follows is about the author
    ("About the author", "Meet your guide", "Über den Autor", "Об авторе", "作者简介": ``_AUTHOR_LABEL_RE``)
    starts such a box too, whether or not the bio names anyone."""
    names = tuple(name for name in authors if len(name.split()) >= BIO_NAME_WORDS)
    if len(kept) <= AUTHOR_BOX_BLOCKS:
        return kept
    size = 0.0
    found = len(kept)
    for position in range(len(kept) - 1, max(AUTHOR_BOX_BLOCKS, len(kept) - BIO_TAIL_BLOCKS) - 1, -1):
        block = layout.blocks[kept[position]]
        size += text_size(block.text)
        if size > BIO_TAIL_SIZE:
            break
        labels = kept[max(0, position - 2) : position] if len(kept) - position <= BIO_LABEL_TAIL_BLOCKS else []
        label_names = tuple(name for index in labels for name in _label_names(layout.blocks[index]))
        if _opens_bio(block, names + label_names) or _is_author_label(block):
            found = position
    while found < len(kept) and found > AUTHOR_BOX_BLOCKS and _is_bio_label(layout.blocks[kept[found - 1]]):
        found -= 1
    return kept[:found]


def _is_author_label(block: Block) -> bool:
    return _is_bio_label(block) and _AUTHOR_LABEL_RE.search(block.text) is not None


def _label_names(block: Block) -> tuple[str, ...]:
    """The names a short label over a bio may end in ("Written by Jane Doe", "About Jane Q. Doe", "Jane
    Doe"): its last two and three words, when each is capitalised."""
    if not _is_bio_label(block):
        return ()
    words = block.text.split()
    return tuple(
        " ".join(words[-count:])
        for count in (BIO_NAME_WORDS, BIO_NAME_WORDS + 1)
        if len(words) >= count and all(word[:1].isupper() for word in words[-count:])
    )


def _is_bio_label(block: Block) -> bool:
    return _is_unfinished_line(block, AUTHOR_LABEL_SIZE)


def _opens_bio(block: Block, names: tuple[str, ...]) -> bool:
    text = block.text.lstrip("(")
    return (
        block.tag not in NOT_PROSE_TAGS
        and text_size(text) <= AUTHOR_BOX_SIZE
        and any(
            text.startswith(name) and len(text) > len(name) + BYLINE_SLACK and text[len(name)] not in _POSSESSIVE
            for name in names
        )
    )


def without_disclosures(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without an affiliate disclosure among its first ``DISCLOSURE_HEAD`` or last
    ``DISCLOSURE_TAIL`` blocks (``is_disclosure``): the notice that links on the page earn the publisher a
    commission is the site's, said above or under every article, not the article's."""
    if len(kept) <= DISCLOSURE_HEAD + DISCLOSURE_TAIL:
        return kept
    edges = set(kept[:DISCLOSURE_HEAD] + kept[-DISCLOSURE_TAIL:])
    return [index for index in kept if index not in edges or not is_disclosure(layout.blocks[index])]


def is_disclosure(block: Block) -> bool:
    """Whether a block is an affiliate disclosure: a short paragraph (``DISCLOSURE_SIZE``, not a heading, list
    item or row) that speaks of links and of a commission ("Purchases made through our links may earn us a
    commission", "Die ... Links sind Affiliate-Links ... erhalten wir eine Provision"), of buying and of a
    commission not written as a name ("We may earn commission on items you choose to buy"; "The European
    Commission will buy ..." is news), or of an affiliate programme's "qualifying purchases", in the
    languages served (``_LINK_WORDS_RE``, ``_PURCHASE_WORDS_RE``, ``_COMMISSION_WORDS_RE``)."""
    if block.tag in NOT_PROSE_TAGS or text_size(block.text) > DISCLOSURE_SIZE:
        return False
    text = block.text
    if "qualifying purchases" in text.casefold():
        return True
    commission = _COMMISSION_WORDS_RE.search(text)
    if commission is None:
        return False
    if _LINK_WORDS_RE.search(text):
        return True
    return not commission.group()[0].isupper() and bool(_PURCHASE_WORDS_RE.search(text))


def without_remainder_line(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without a paywall's count of what is left to read: a line of at most
    ``REMAINDER_SIZE`` holding a percentage, not a list item, table row or heading, that is the last kept
    block or the last block of an ``<article>`` element. The free text ends there, so the kept blocks after
    it go too: the box that asks for a subscription or says the account is read on another device, plain
    paragraphs beside its buttons."""
    if len(kept) < 2:
        return kept
    candidates = {
        index
        for index in kept
        if _PERCENT_RE.search(layout.blocks[index].text)
        and layout.blocks[index].tag not in NOT_PROSE_TAGS
        and text_size(layout.blocks[index].text) <= REMAINDER_SIZE
    }
    if not candidates:
        return kept
    ends = {kept[-1]} | {end - 1 for tag, _, end in layout.spans if tag.name == "article"}
    found = sorted(candidates & ends)
    return [index for index in kept if index < found[0]] if found else kept


def without_closing_label(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without its last block when that is a short label over links: a line of
    at most ``LABEL_SIZE`` that does not end a sentence, not a list item or table cell, right before a
    block of links ("Mehr zum Thema", "Lesen Sie auch:", "【関連記事】", "Related"), in every language: the
    list it introduced was dropped, so it introduces nothing. A line with a colon inside ("Source: AP",
    "Fotos: dpa") says something itself and stays."""
    if len(kept) < 2:
        return kept
    last = kept[-1]
    block = layout.blocks[last]
    following = layout.blocks[last + 1] if last + 1 < len(layout.blocks) else None
    if (
        following is not None
        and (following.link_density > MAX_LINK_DENSITY or layout.chrome[last + 1])
        and _is_label(block)
    ):
        return kept[:-1]
    return kept


def without_contents_label(layout: Layout, kept: list[int]) -> list[int]:
    """``kept`` (block indexes) without the label of a table of contents ("Table of Contents", "Jump to:",
    "Inhalt", "目次"), wherever it stands: a short label (as in ``without_closing_label``) right before a
    dropped block of links that starts an element whose links (two or more) all lead to places on one page
    (``href="#..."``, or the page's own path before the ``#``). The list is gone, so its label introduces
    nothing, in every language."""
    kept_set = set(kept)
    labels = {
        index
        for index in kept
        if index + 1 < len(layout.blocks)
        and index + 1 not in kept_set
        and layout.blocks[index + 1].link_density > MAX_LINK_DENSITY
        and _is_label(layout.blocks[index])
    }
    if not labels:
        return kept
    contents = {
        start - 1 for tag, start, end in layout.spans if start - 1 in labels and end > start and _links_within_page(tag)
    }
    return [index for index in kept if index not in contents]


def _is_label(block: Block) -> bool:
    """Whether a block is a short label: at most ``LABEL_SIZE``, no links, not a list item or table cell, not
    ending a sentence, no colon inside ("Source: AP" says something itself)."""
    return (
        not block.link_density
        and block.tag not in _ITEM_TAGS
        and text_size(block.text) <= LABEL_SIZE
        and not block.text.endswith(SENTENCE_ENDS)
        and not any(mark in block.text.rstrip(":：") for mark in ":：")
    )


def _links_within_page(tag: Tag) -> bool:
    """Whether the element's links (two or more) all lead to places on one page: each has a fragment, and
    all share what comes before it (nothing, ``#costs``, or the page's own path, ``/guides/boats#costs``)."""
    hrefs = [str(link.get("href") or "") for link in tag.find_all("a")]
    parts = [href.partition("#") for href in hrefs]
    return (
        len(hrefs) >= 2
        and all(mark and fragment for _, mark, fragment in parts)
        and len({page for page, _, _ in parts}) == 1
    )


def without_pull_quotes(blocks: list[Block]) -> list[Block]:
    """``blocks`` without pull quotes: a block whose text (case and the quotes or dots around it aside) a
    paragraph at least ``PULL_QUOTE_SHARE`` times longer holds. Headings, list items, table rows and exact
    repeats stay (within-article dedup keeps one of each repeat); so does a summary that repeats a paragraph
    nearly whole. Each test is one search of the longer paragraphs, joined shortest first."""
    prose = [(index, block.text.casefold()) for index, block in enumerate(blocks) if block.tag not in NOT_PROSE_TAGS]
    candidates = [
        (index, quoted)
        for index, text in prose
        if PULL_QUOTE_CHARS <= len(text) <= MAX_PULL_QUOTE_CHARS + len(_QUOTE_MARKS)
        and PULL_QUOTE_CHARS <= len(quoted := text.strip(_QUOTE_MARKS)) <= MAX_PULL_QUOTE_CHARS
    ]
    if not candidates:
        return blocks
    by_length = sorted((text for _, text in prose), key=len)
    lengths = [len(text) for text in by_length]
    starts = [0]
    for length in lengths:
        starts.append(starts[-1] + length + 1)
    joined = "\n".join(by_length)
    repeats = set()
    for index, quoted in candidates:
        longer = bisect_left(lengths, PULL_QUOTE_SHARE * len(quoted))
        if longer < len(lengths) and joined.find(quoted, starts[longer]) != -1:
            repeats.add(index)
    return [block for index, block in enumerate(blocks) if index not in repeats]


def keep_block(block: Block, *, title: str | None, authors: tuple[str, ...] = (), subheading: bool = False) -> bool:
    """Whether a block inside the container is article text: not a link list, the title or a byline. An
    ``<h1>`` is the title, unless ``subheading`` (``_is_h1_subheading``: a later ``<h1>`` between paragraphs,
    on sites that head each section of the text with one) and not the title's text."""
    if block.tag == "tr" and CELL_JOIN in block.text:
        if block.link_density > MAX_ROW_LINK_DENSITY:
            return False
    elif block.link_density > MAX_LINK_DENSITY or is_link_with_label(block):
        return False
    if (block.tag == "h1" and not subheading) or block.text == title:
        return False
    if is_copyright_line(block) or is_signup_prompt(block):
        return False
    return not is_byline(block.text, authors)


def is_copyright_line(block: Block) -> bool:
    """Whether a block is a copyright or credit line: short (``COPYRIGHT_SIZE``), holding ©, not a table cell."""
    return "©" in block.text and block.tag not in _CELL_TAGS and text_size(block.text) <= COPYRIGHT_SIZE


def is_signup_prompt(block: Block) -> bool:
    """Whether a block asks the reader to sign up for a newsletter: short (``SIGNUP_SIZE``), not a list item
    or row, speaking of a newsletter or an inbox with a sentence that asks to sign up or subscribe ("Sign up
    for our newsletter", "Abonnieren Sie unseren Newsletter", "Подпишитесь на нашу рассылку"), in the languages served
    (``_NEWSLETTER_WORDS``, ``_SIGNUP_WORDS_RE``). The box's fields make it a widget
    (``etl.extract.blocks``); this is its prompt, where the form sits apart or is a link."""
    text = block.text
    if len(text) > SIGNUP_SIZE or block.tag in _ITEM_TAGS:
        return False
    folded = text.casefold()  # substrings, not one regular expression: most blocks hold none of them
    if not any(word in folded for word in _NEWSLETTER_WORDS):
        return False
    return text_size(text) <= SIGNUP_SIZE and _SIGNUP_WORDS_RE.search(text) is not None


def is_interface_line(block: Block) -> bool:
    """Whether a short block (``UI_LINE_SIZE``, not a table cell) is a line of the page's interface, in the
    languages served: an ad's label (``_AD_LABELS``), a button's caption (``_BUTTON_LABELS``, not a heading), a
    placeholder or a caption's toggle (``_LOADING_RE``, ``_CAPTION_TOGGLE_RE``), a subscribers-only label
    (``_SUBSCRIBERS_ONLY_RE``), a video player's idle clock, a reading-time estimate (``READING_TIME_SIZE``,
    ``_READING_TIME_RE`` with ``_MINUTES_RE``), or a question that asks to log in (``_LOGIN_RE``). Cheap tests
    (length, last characters, substrings) come before each expression: most short blocks are headings and
    list items of the article."""
    text = block.text
    if len(text) > UI_LINE_SIZE or block.tag in _CELL_TAGS:  # a size is at least the length
        return False
    text = text.strip()
    if text_size(text) > UI_LINE_SIZE:
        return False
    folded = text.casefold()
    label = folded.rstrip(":：").strip()
    if label in _BUTTON_LABELS and block.tag not in HEADING_TAGS:
        return True
    if label in _AD_LABELS or (
        label.split(" - ")[0].split(" – ")[0] in _AD_LABELS and not text.endswith(SENTENCE_ENDS)
    ):
        return True
    if text.endswith(_ELLIPSES) and _LOADING_RE.search(folded):
        return True
    if len(label) <= CAPTION_TOGGLE_CHARS and _CAPTION_TOGGLE_RE.fullmatch(label):
        return True
    if any(stem in folded for stem in _SUBSCRIBER_STEMS) and _SUBSCRIBERS_ONLY_RE.search(folded):
        return True
    if text.count(_PLAYER_CLOCK) >= 2:
        return True
    if (
        text_size(text) <= READING_TIME_SIZE
        and _MINUTES_RE.search(text) is not None
        and _READING_TIME_RE.search(text) is not None
    ):
        return True
    return ("?" in text or "？" in text) and _LOGIN_RE.search(text) is not None


def is_link_with_label(block: Block) -> bool:
    """Whether a block is mostly a link behind a short label ("Read also:", "Читайте также:", "Baca juga:"); a
    paragraph of names linked one by one after a label ("Betroffene Orte: A, B, C": ``is_linked_names``) is
    data of the text."""
    return (
        block.link_density > 0.5
        and len(block.text) * (1.0 - block.link_density) < LABEL_CHARS
        and not is_linked_names(block)
    )


def is_byline(text: str, authors: tuple[str, ...]) -> bool:
    """Whether a short line names one of the article's authors ("By Jane Doe, May 15"), or opens with the name
    after at most a word ("By Jane Doe, Executive Editor, Health Letter", "Von Jane Doe | aktualisiert am
    3. Mai") and ends no sentence, at most ``BYLINE_CHARS`` long: the byline with its role and dates."""
    return any(
        name in text
        and (
            len(text) <= len(name) + BYLINE_SLACK
            or (
                len(text) <= BYLINE_CHARS
                and 0 <= text.find(name) <= BYLINE_PREFIX
                and not text.rstrip().endswith(SENTENCE_ENDS)
                and len(name.split()) >= BIO_NAME_WORDS
            )
        )
        for name in authors
    )


def link_density(tag: Tag) -> float:
    """Share of the element's text that sits inside links."""
    parts: list[str] = []
    linked = inline_text(tag, parts, tag.name == "a")
    total = sum(len(part.strip()) for part in parts)
    return linked / total if total else 0.0
