"""Which elements are never article text, and which are page chrome by their name, role, class or id.

Two verdicts, both pure functions of one element (no look at its text, so they cost a few dict lookups
and at most one regex): ``is_never_text`` (scripts, styles, media; skipped unread) and ``is_chrome``
(``<nav>``, ``<footer>``, hidden elements, ``data-nosnippet`` elements, media figures and captions, share
bars, related lists, bylines, cookie banners ...; read, but never kept unless the element turns out to hold
most of the page's text, see
``etl.extract.blocks``: a page streamed by React keeps its whole article in ``hidden`` elements until a
script shows them).
"""

from __future__ import annotations

import re

from bs4 import Tag

NEVER_TEXT_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "canvas",
        "iframe",
        "input",
        "select",
        "option",
        "textarea",
        "figcaption",
        "object",
        "embed",
        "video",
        "audio",
        "picture",
        "head",
        "title",
        "meta",
        "link",
    }
)
"""Elements whose text is never part of an article (or who have none)."""

CHROME_TAGS = frozenset({"nav", "footer", "aside", "header", "form", "button", "menu", "dialog"})
"""Elements of page chrome by their name. Chrome, not never-text: broken markup (an unclosed ``<button>``)
or a page-wide ASP.NET ``<form>`` can make one of them wrap the whole article."""

CHROME_ROLES = frozenset(
    {"navigation", "complementary", "contentinfo", "banner", "dialog", "alertdialog", "alert", "menu", "search"}
)
"""ARIA roles of page chrome."""

CHROME_WORDS = (
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "recommended",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "subscribe",
    "subscription",
    "newsletter",
    "promo",
    "advert",
    "advertisement",
    "ads",
    "ad",
    "banner",
    "comment",
    "comments",
    "commentlist",
    "disqus",
    "signup",
    "login",
    "pagination",
    "pager",
    "cta",
    "bio",
    "recirc",
    "footer",
    "breadcrumb",
    "breadcrumbs",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "sidebar",
    "popular",
    "most",
    "mostread",
    "trending",
    "readalso",
    "also",
    "more",
    "tags",
    "tag",
    "byline",
    "author",
    "meta",
    "dateline",
    "date",
    "toolbar",
    "paywall",
    "modal",
    "popup",
    "sponsor",
    "sponsored",
    "teaser",
    "outbrain",
    "taboola",
)
"""Whole words (split on space, ``-`` and ``_``, any case) in a class or id that name page chrome."""

CHROME_WORDS_BY_LANGUAGE = (
    # de
    "teilen",
    "werbung",
    "anzeige",
    "kommentare",
    "autor",
    "verwandte",
    "empfehlungen",
    "mehrzumthema",
    # es, pt, it
    "compartir",
    "compartilhar",
    "compartilhe",
    "condividi",
    "publicidad",
    "publicidade",
    "pubblicita",
    "comentarios",
    "commenti",
    "relacionadas",
    "relacionados",
    "correlati",
    "autore",
    # fr
    "partage",
    "partager",
    "commentaires",
    "auteur",
    "lireaussi",
    # pl, ru and uk (transliterated)
    "udostepnij",
    "reklama",
    "komentarze",
    "powiazane",
    "kommentarii",
)
"""Chrome words of the languages we serve that sites use in class names (English ones are above)."""

MEDIA_WORDS = (
    "caption",
    "captions",
    "cutline",
    "cutlines",
    "credit",
    "credits",
    "copyright",
    "bildunterschrift",
    "bildtext",
    "bildquelle",
    "legende",
    "legenda",
    "didascalia",
    "epigrafe",
    "podpis",
)
"""Words naming an image's caption or credit, in the languages we serve (``wp-caption-text``,
``image-caption-wrap``, ``cutline``, ``bildunterschrift``, ``legende``, ``didascalia``, ``podpis``): a
caption is a caption whatever wraps it, so no layout word overrules these."""

_MEDIA_PART_RE = re.compile("caption|cutline|bildunterschrift|didascalia")

SOFT_CHROME_WORDS = ("teaser",)
"""Chrome words that some sites also give the article's own lede (``is_soft_chrome``)."""

PAYWALL_WORDS = ("paywall",)
"""Chrome words that name a subscription prompt on some sites and the locked part of the article itself,
sent in the page, on others (``is_paywall``)."""

ANCHOR_WORDS = 4
"""Words an id must have to be read as a heading's anchor (``is_heading_anchor``), not a component's name:
"share-this-article" and "post-a-comment" stay names even over headings "Share this article" and "Post a
comment"."""

LAYOUT_WORDS = ("layout", "container", "wrapper", "wrap", "main")
"""Words that make a chrome-named element a layout element (``sidebar-layout``, ``has-sidebar wrapper``)."""

_CHROME_WORDS = frozenset(CHROME_WORDS + CHROME_WORDS_BY_LANGUAGE)
_MEDIA_WORDS = frozenset(MEDIA_WORDS)
_SOFT_CHROME_WORDS = frozenset(SOFT_CHROME_WORDS)
_PAYWALL_WORDS = frozenset(PAYWALL_WORDS)
_LAYOUT_WORDS = frozenset(LAYOUT_WORDS)
_WORD_SPLIT_RE = re.compile(r"[\s_-]+")
_BODY_RE = re.compile(
    r"article[-_]?(?:body|text|content)|story[-_]?(?:body|content)|post[-_]?(?:body|content)"
    r"|entry[-_]?content|body[-_]?text|main[-_]?content",
    re.I,
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NEVER_CHROME_TAGS = frozenset({"html", "body", "article", "main"})
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ANCHOR_WORD_RE = re.compile(r"[^\W_]+")


def is_hidden(tag: Tag) -> bool:
    """Whether the page hides the element from readers (``hidden``, ``aria-hidden``, inline style)."""
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return isinstance(style, str) and _HIDDEN_STYLE_RE.search(style) is not None


def _holds_table(tag: Tag) -> bool:
    """Whether a ``<figure>`` wraps a table (a data table of the article), not media and their captions."""
    return any(type(node) is Tag and node.name == "table" for node in tag.descendants)


def _holds_quote(tag: Tag) -> bool:
    """Whether a ``<figure>`` wraps a quotation without links (a quote box or pull quote of the article:
    ``<figure class="quote"><blockquote><p>..</p></blockquote><figcaption>..``), not media; an embedded post
    quotes with links (its author's handle, its date)."""
    quote = tag.find("blockquote")
    return quote is not None and quote.find("a") is None


def is_never_text(tag: Tag) -> bool:
    """Whether the element (and all inside it) cannot be article text."""
    return tag.name in NEVER_TEXT_TAGS


def is_chrome(tag: Tag, names_seen: dict[str, bool] | None = None) -> bool:
    """Whether the element is page chrome by its name, ARIA role, class or id; a class naming the article
    body never is. ``names_seen`` remembers the verdict on each class-and-id string for one page (a page
    repeats its classes hundreds of times); without it every element is judged afresh."""
    name = tag.name
    if name in _NEVER_CHROME_TAGS:
        return False
    attrs = tag.attrs
    if name in CHROME_TAGS or (attrs and (is_hidden(tag) or "data-nosnippet" in attrs)):
        return True
    if name == "figure":
        return not _holds_table(tag) and not _holds_quote(tag)
    if not attrs:
        return False
    role = attrs.get("role")
    if isinstance(role, str) and role.lower() in CHROME_ROLES:
        return True
    classes = attrs.get("class")
    element_id = attrs.get("id")
    if not classes and not element_id:
        return False
    names = " ".join(classes) if isinstance(classes, list) else classes or ""
    if isinstance(element_id, str) and not is_heading_anchor(tag, element_id):
        names = f"{names} {element_id}"
    if names_seen is None:
        return names_are_chrome(names)
    verdict = names_seen.get(names)
    if verdict is None:
        verdict = names_seen[names] = names_are_chrome(names)
    return verdict


def is_heading_anchor(tag: Tag, element_id: str) -> bool:
    """Whether an id is the anchor a site made of a heading's words (``<section id="menu-ideas-for-
    spring-weddings"><h2>Menu ideas for spring weddings</h2>``, ``<h2 id="the-most-common-mistakes">``),
    not a component's name: at least ``ANCHOR_WORDS`` words, every one of them a word of the element's
    own text when it is a heading, else of its first heading's, but for one generated prefix or counter
    (``h-``, ``-2``: ``_is_anchor_affix``) beside four heading words. Such an id says what the section is
    about, and a chrome word in it ("menu", "most", "social") names nothing on the page. Looked at only
    for an id with a chrome word in it."""
    words = _WORD_SPLIT_RE.split(element_id.lower())
    if len(words) < ANCHOR_WORDS or not names_are_chrome(element_id):
        return False
    heading = tag if tag.name in _HEADING_TAGS else tag.find(_HEADING_TAGS)
    if heading is None:
        return False
    others = set(words) - set(_ANCHOR_WORD_RE.findall(heading.get_text(" ").lower()))
    return not others or (len(others) == 1 and _is_anchor_affix(others.pop()) and len(words) > ANCHOR_WORDS)


def _is_anchor_affix(word: str) -> bool:
    """Whether an id word not in the heading is what a site's generator adds to a heading's slug: a prefix of
    one or two letters (WordPress's ``h-what-is-social-shopping``) or a counter (``...-2``)."""
    return word.isdigit() or (len(word) <= 2 and word.isalpha())


def is_soft_chrome(tag: Tag) -> bool:
    """Whether the element is chrome only by a word that also names an article's own lede on some sites
    (``SOFT_CHROME_WORDS``: a German "Teaser" is the standfirst): then it is chrome only when it links
    elsewhere, which ``etl.extract.blocks`` sees."""
    return _chrome_only_by(tag, _SOFT_CHROME_WORDS)


def is_paywall(tag: Tag) -> bool:
    """Whether the element is chrome only by a word that names a subscription prompt or the article's locked
    part (``PAYWALL_WORDS``): then it is chrome only when it holds little prose, which ``etl.extract.blocks``
    sees."""
    return _chrome_only_by(tag, _PAYWALL_WORDS)


def _chrome_only_by(tag: Tag, soft_words: frozenset[str]) -> bool:
    classes = tag.attrs.get("class")
    element_id = tag.attrs.get("id")
    names = " ".join(classes) if isinstance(classes, list) else classes or ""
    if isinstance(element_id, str):
        names = f"{names} {element_id}"
    words = set(_WORD_SPLIT_RE.split(names.lower()))
    chrome_words = words & _CHROME_WORDS
    return bool(chrome_words) and chrome_words <= soft_words and words.isdisjoint(_MEDIA_WORDS)


def names_are_chrome(names: str) -> bool:
    """Whether a class-and-id string names chrome: a caption word, or a chrome word without a layout word;
    never when it names an article body. A utility class with a variant (``md:hidden``,
    ``[&_.caption]:block``, Tailwind's) styles the element or its children and names nothing: left out."""
    if ":" in names:
        names = " ".join(name for name in names.split() if ":" not in name)
    lowered = names.lower()
    words = set(_WORD_SPLIT_RE.split(lowered))
    media = not words.isdisjoint(_MEDIA_WORDS) or _MEDIA_PART_RE.search(lowered) is not None
    if not media and (words.isdisjoint(_CHROME_WORDS) or not words.isdisjoint(_LAYOUT_WORDS)):
        return False
    return not _BODY_RE.search(names)


def is_page_chrome(tag: Tag) -> bool:
    """Whether the element is page chrome by its role, visibility, class or id (either verdict above)."""
    if tag.name in _NEVER_CHROME_TAGS:
        return False
    return is_never_text(tag) or is_chrome(tag)
