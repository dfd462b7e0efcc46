"""Renders the demo site's pages: HTML with the chrome real news sites carry, sitemaps, RSS and robots.txt.

Each edition writes its article body in its own markup (see ``Edition.body_selector``), so an extractor cannot
lean on one template. Page chrome that varies per article (related links, figure, "read also" box) is drawn
from ``random.Random(f"{entry.key}:chrome")``; absolute URLs are built from the ``base_url`` of the request.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime
from functools import partial
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    from etl.demo_site.content import Block, DemoSite, Edition, Entry

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
RSS_ITEMS = 50
LISTING_SIZE = 30
STATIC_PAGES = ("imprint", "contact", "privacy", "about", "advertising")
_DAY_PATH = re.compile(r"(\d{4}-\d{2}-\d{2})")

Response = tuple[int, str, bytes]


def _html(status: int, text: str) -> Response:
    return status, HTML, text.encode("utf-8")


# --- assets -------------------------------------------------------------------------------------------


def edition_assets(edition: Edition, seed: int) -> tuple[str, str]:
    """Inline CSS and JavaScript bulk for an edition, as real pages inline their theme and trackers."""
    rng = random.Random(f"{seed}:{edition.name}:assets")
    parts = ("header", "nav", "teaser", "card", "grid", "widget", "banner", "footer", "share", "media")
    rules = []
    for index in range(320):
        rules.append(
            f".{edition.name}-{rng.choice(parts)}-{index}{{margin:{rng.randint(0, 32)}px {rng.randint(0, 24)}px;"
            f"padding:{rng.randint(0, 16)}px;color:#{rng.randrange(16**6):06x};"
            f"font-size:{rng.randint(8, 24) / 10}rem;line-height:{rng.randint(10, 20) / 10}}}"
        )
    slots = [
        {"id": f"ad-{edition.name}-{index}", "sizes": [[rng.choice([300, 728, 970]), rng.choice([90, 250, 600])]]}
        for index in range(40)
    ]
    script = (
        "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        f"gtag('js','consent');window.__siteConfig={json.dumps({'edition': edition.name, 'slots': slots})};"
        "document.addEventListener('DOMContentLoaded',function(){var b=document.getElementById('cookie-banner');"
        "if(b&&localStorage.getItem('consent')){b.style.display='none';}"
        "document.querySelectorAll('[data-share]').forEach(function(a){a.addEventListener('click',function(e){"
        "e.preventDefault();window.open(a.href,'share','width=600,height=400');});});});"
    )
    return "\n".join(rules), script


# --- formatting ---------------------------------------------------------------------------------------


def display_date(edition: Edition, moment: date | datetime, with_time: bool = True) -> str:
    local = moment.astimezone(edition.tz) if isinstance(moment, datetime) else moment
    vocab = edition.vocab
    template = vocab["date_format"] if with_time else vocab["day_format"]
    return template.format(
        day=local.day,
        month=vocab["months"][local.month - 1],
        year=local.year,
        hh=f"{local.hour:02d}" if with_time and isinstance(local, datetime) else "",
        mm=f"{local.minute:02d}" if with_time and isinstance(local, datetime) else "",
    )


def _link(href: str, text: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<a href="{escape(href)}"{cls}>{escape(text)}</a>'


def _json_ld(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")


# --- chrome -------------------------------------------------------------------------------------------


def _nav(site: DemoSite, edition: Edition) -> str:
    chrome = edition.vocab["chrome"]
    prefix = edition.path_prefix
    links = [_link(prefix, chrome["home"])]
    links += [_link(f"{prefix}{section.slug}/", section.name) for section in edition.sections]
    links += [
        _link(f"{prefix}archive/{day.isoformat()}/", display_date(edition, day, False))
        for day in site.config.dates[-7:]
    ]
    links += [_link(f"{prefix}page/{page}/", chrome[page]) for page in STATIC_PAGES[:4]]
    tags = chrome["tags"]
    links += [
        _link(f"{prefix}{edition.sections[i % len(edition.sections)].slug}/?tag={i}", tag) for i, tag in enumerate(tags)
    ]
    items = "\n".join(f'<li class="menu-item">{link}</li>' for link in links)
    return (
        f'<nav class="main-menu" aria-label="{escape(chrome["menu"])}">\n<ul>\n{items}\n</ul>\n'
        f'<form class="search" action="{prefix}search/"><input type="search" name="q" '
        f'placeholder="{escape(chrome["search"])}"></form>\n</nav>'
    )


def _cookie_banner(edition: Edition) -> str:
    chrome = edition.vocab["chrome"]
    return (
        '<div id="cookie-banner" class="cookie-consent" role="dialog">\n'
        f'<p class="cookie-text">{escape(chrome["cookie_text"])}</p>\n'
        f'<button type="button" class="cookie-accept">{escape(chrome["cookie_accept"])}</button>\n'
        f'<button type="button" class="cookie-reject">{escape(chrome["cookie_reject"])}</button>\n'
        f"{_link(edition.path_prefix + 'page/privacy/', chrome['cookie_settings'], 'cookie-settings')}\n</div>"
    )


def _footer(site: DemoSite, edition: Edition) -> str:
    chrome = edition.vocab["chrome"]
    links = " | ".join(_link(f"{edition.path_prefix}page/{page}/", chrome[page]) for page in STATIC_PAGES)
    year = site.config.dates[-1].year
    return (
        f'<footer class="site-footer">\n<nav class="footer-links">{links}</nav>\n'
        f'<p class="copyright">© {year} {escape(edition.title)}. {escape(chrome["copyright"])}</p>\n'
        f'<address>{escape(chrome["address"])} · <a href="mailto:redaktion@{edition.name}.demo.invalid">'
        f"redaktion@{edition.name}.demo.invalid</a> · +375 17 000 00 00</address>\n"
        f"{_link(edition.path_prefix + 'rss.xml', 'RSS')}\n</footer>"
    )


def _document(site: DemoSite, edition: Edition, title: str, head: str, main: str) -> str:
    css, script = site.assets[edition.name]
    header = (
        f'<header class="site-header">\n<a class="logo" href="{edition.path_prefix}">{escape(edition.title)}</a>\n'
        f"{_nav(site, edition)}\n</header>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{edition.language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} – {escape(edition.title)}</title>\n{head}\n"
        f'<link rel="alternate" type="application/rss+xml" href="{edition.path_prefix}rss.xml">\n'
        f"<style>\n{css}\n</style>\n<script>{script}</script>\n</head>\n"
        f'<body class="edition-{edition.name}">\n{_cookie_banner(edition)}\n{header}\n{main}\n'
        f"{_footer(site, edition)}\n</body>\n</html>\n"
    )


# --- article pages ------------------------------------------------------------------------------------


def _blocks_html(blocks: Sequence[Block], paragraph_attrs: str = "") -> list[str]:
    out: list[str] = []
    for index, block in enumerate(blocks):
        previous = blocks[index - 1].tag if index else None
        following = blocks[index + 1].tag if index + 1 < len(blocks) else None
        if block.tag == "li" and previous != "li":
            out.append("<ul>")
        attrs = paragraph_attrs if block.tag == "p" else ""
        out.append(f"<{block.tag}{attrs}>{block.source}</{block.tag}>")
        if block.tag == "li" and following != "li":
            out.append("</ul>")
    return out


def _pick(rng: random.Random, pool: Sequence[Entry], count: int, exclude: Entry) -> list[Entry]:
    candidates = rng.sample(range(len(pool)), min(len(pool), count + 1))
    return [pool[index] for index in candidates if pool[index] is not exclude][:count]


@dataclass(frozen=True)
class _Extras:
    """The per-article chrome around and inside the body."""

    figure: str
    read_also: str
    related: list[Entry]
    most_read: list[Entry]


def _article_extras(site: DemoSite, entry: Entry, rng: random.Random) -> _Extras:
    edition = site.edition(entry.edition)
    pool = site.listed_entries(entry.edition)
    chrome = edition.vocab["chrome"]
    figure = ""
    if rng.random() < 0.5:
        caption = site.caption(edition, rng)
        figure = (
            f'<figure class="article-image"><img src="/static/img/{rng.randrange(10**8):08d}.jpg" '
            f'alt="{escape(caption)}" width="800" height="533" loading="lazy">'
            f"<figcaption>{escape(caption)} {escape(chrome['photo'])}: {escape(edition.title)}</figcaption></figure>"
        )
    read_also = ""
    if rng.random() < 0.4 and len(pool) > 1:
        target = _pick(rng, pool, 1, entry)
        if target:
            read_also = (
                f'<div class="read-also"><strong>{escape(chrome["read_also"])}:</strong> '
                f"{_link(target[0].path, target[0].title)}</div>"
            )
    related = _pick(rng, pool, rng.randint(5, 8), entry)
    return _Extras(figure, read_also, related, _pick(rng, pool, 6, entry))


def _entry_list(site: DemoSite, entries: Iterable[Entry], base_url: str = "") -> str:
    items = []
    for other in entries:
        edition = site.edition(other.edition)
        items.append(
            f'<li>{_link(base_url + other.path, other.title)} <time datetime="{other.published_at.isoformat()}">'
            f"{escape(display_date(edition, other.published_at))}</time></li>"
        )
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def _share(edition: Edition, url: str, title: str) -> str:
    target = quote(url, safe="")
    text = quote(title, safe="")
    links = [
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={target}"),
        ("Telegram", f"https://t.me/share/url?url={target}&text={text}"),
        ("X", f"https://x.com/intent/post?url={target}&text={text}"),
        ("VK", f"https://vk.com/share.php?url={target}"),
        ("E-Mail", f"mailto:?subject={text}&body={target}"),
    ]
    anchors = " ".join(f'<a href="{escape(href)}" data-share="{name.lower()}">{name}</a>' for name, href in links)
    return f'<div class="share-buttons"><span>{escape(edition.vocab["chrome"]["share"])}</span> {anchors}</div>'


def _subscribe(edition: Edition) -> str:
    chrome = edition.vocab["chrome"]
    return (
        f'<aside class="newsletter">\n<p>{escape(chrome["subscribe"])}</p>\n'
        f'<form action="{edition.path_prefix}newsletter/" method="post"><input type="email" name="email" '
        f'placeholder="{escape(chrome["email_placeholder"])}"><button type="submit">'
        f"{escape(chrome['subscribe_button'])}</button></form>\n</aside>"
    )


def _body_with_extras(blocks: Sequence[Block], extras: _Extras, attrs: str = "") -> str:
    parts = _blocks_html(blocks, attrs)
    if extras.read_also:
        after = next((i for i, part in enumerate(parts) if i >= 1 and part.startswith("<p")), len(parts) - 1)
        parts.insert(after + 1, extras.read_also)
    if extras.figure:
        parts.insert(0, extras.figure)
    return "\n".join(parts)


def _article_de(ctx: dict[str, str]) -> str:
    return "\n".join(
        [
            f'<div class="breadcrumbs">{ctx["crumbs"]}</div>',
            '<article class="news-item">',
            f"<h1>{ctx['title']}</h1>",
            f'<div class="date">{ctx["date"]}</div>',
            f'<div class="author">{ctx["byline"]}</div>',
            f'<div class="js-mediator-article">\n{ctx["body"]}\n</div>',
            ctx["share"],
            "</article>",
            ctx["subscribe"],
            f'<section class="related-news"><h2>{ctx["related_title"]}</h2>\n{ctx["related"]}\n</section>',
            f'<aside class="most-read"><h3>{ctx["most_read_title"]}</h3>\n{ctx["most_read"]}\n</aside>',
        ]
    )


def _article_es(ctx: dict[str, str]) -> str:
    return "\n".join(
        [
            f'<div class="migas">{ctx["crumbs"]}</div>',
            '<div class="content">',
            f'<h1 class="titular">{ctx["title"]}</h1>',
            f'<p class="fecha">{ctx["date"]}</p>',
            f'<p class="autor">{ctx["byline"]}</p>',
            f'<div id="texto">\n{ctx["body"]}\n</div>',
            ctx["share"],
            "</div>",
            f'<div class="relacionadas"><h2>{ctx["related_title"]}</h2>\n{ctx["related"]}\n</div>',
            ctx["subscribe"],
            f'<div class="lo-mas-leido"><h3>{ctx["most_read_title"]}</h3>\n{ctx["most_read"]}\n</div>',
        ]
    )


def _article_ru(ctx: dict[str, str]) -> str:
    return "\n".join(
        [
            f'<div class="breadcrumbs" itemscope itemtype="https://schema.org/BreadcrumbList">{ctx["crumbs"]}</div>',
            '<div class="article" itemscope itemtype="https://schema.org/NewsArticle">',
            f'<h1 itemprop="headline">{ctx["title"]}</h1>',
            f'<div class="date_full"><time itemprop="datePublished" datetime="{ctx["iso"]}">{ctx["date"]}</time></div>',
            f'<div itemprop="articleBody">\n{ctx["body"]}\n</div>',
            f'<div class="author" itemprop="author">{ctx["byline"]}</div>',
            ctx["share"],
            "</div>",
            f'<div class="news_more"><div class="title">{ctx["related_title"]}</div>\n{ctx["related"]}\n</div>',
            ctx["subscribe"],
            f'<div class="popular"><div class="title">{ctx["most_read_title"]}</div>\n{ctx["most_read"]}\n</div>',
        ]
    )


def _article_en(ctx: dict[str, str]) -> str:
    return "\n".join(
        [
            f'<nav class="breadcrumb">{ctx["crumbs"]}</nav>',
            '<main id="main-content">',
            "<article>",
            "<header>",
            f"<h1>{ctx['title']}</h1>",
            f'<p class="byline">{ctx["byline"]} · <time datetime="{ctx["iso"]}">{ctx["date"]}</time></p>',
            "</header>",
            f'<section class="story-body">\n{ctx["body"]}\n</section>',
            f'<footer class="story-footer">{ctx["share"]}</footer>',
            "</article>",
            ctx["subscribe"],
            f'<section class="more-stories"><h2>{ctx["related_title"]}</h2>\n{ctx["related"]}\n</section>',
            "</main>",
            f'<aside class="most-read"><h2>{ctx["most_read_title"]}</h2>\n{ctx["most_read"]}\n</aside>',
        ]
    )


def _article_mirror(ctx: dict[str, str]) -> str:
    return "\n".join(
        [
            '<table class="layout" width="100%" cellpadding="0" cellspacing="0"><tr>',
            '<td class="main-col" valign="top">',
            f'<div class="path">{ctx["crumbs"]}</div>',
            '<div class="post">',
            f'<h1 class="entry-title">{ctx["title"]}</h1>',
            f'<div class="post-meta"><span class="post-date">{ctx["date"]}</span> | '
            f'<span class="post-author">{ctx["byline"]}</span></div>',
            f'<div class="post-content">\n{ctx["body"]}\n</div>',
            ctx["share"],
            "</div>",
            f'<div class="similar"><b>{ctx["related_title"]}</b>\n{ctx["related"]}\n</div>',
            ctx["subscribe"],
            "</td>",
            f'<td class="sidebar" valign="top" width="300"><div class="widget"><b>{ctx["most_read_title"]}</b>',
            f"{ctx['most_read']}\n</div></td>",
            "</tr></table>",
        ]
    )


_LAYOUTS: dict[str, tuple[Callable[[dict[str, str]], str], str]] = {
    "de": (_article_de, ""),
    "es": (_article_es, ""),
    "ru": (_article_ru, ""),
    "en": (_article_en, ""),
    "mirror": (_article_mirror, ' style="text-align: justify;"'),
}


def _article_head(edition: Edition, entry: Entry, url: str, description: str) -> str:
    iso = entry.published_at.isoformat()
    meta = [
        f'<link rel="canonical" href="{escape(url)}">',
        f'<meta name="description" content="{escape(description)}">',
        f'<meta property="og:title" content="{escape(entry.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:url" content="{escape(url)}">',
        f'<meta property="og:locale" content="{edition.locale}">',
        f'<meta property="og:site_name" content="{escape(edition.title)}">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<meta property="article:modified_time" content="{iso}">',
        f'<meta property="article:section" content="{escape(entry.section.name)}">',
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "headline": entry.title,
        "datePublished": iso,
        "dateModified": iso,
        "author": [{"@type": "Person", "name": name} for name in entry.authors],
        "articleSection": entry.section.name,
        "inLanguage": edition.language,
        "publisher": {"@type": "Organization", "name": edition.title},
    }
    meta.append(f'<script type="application/ld+json">\n{_json_ld(data)}\n</script>')
    return "\n".join(meta)


def article_page(site: DemoSite, entry: Entry, base_url: str) -> str:
    edition = site.edition(entry.edition)
    chrome = edition.vocab["chrome"]
    blocks = site.blocks(entry)
    url = base_url + entry.path
    extras = _article_extras(site, entry, random.Random(f"{entry.key}:chrome:{entry.edition}"))
    layout, paragraph_attrs = _LAYOUTS[edition.name]
    related_base = base_url if edition.name in ("de", "ru") else ""
    crumbs = " » ".join(
        [
            _link(edition.path_prefix, chrome["home"]),
            _link(f"{edition.path_prefix}{entry.section.slug}/", entry.section.name),
        ]
    )
    ctx = {
        "crumbs": crumbs,
        "title": escape(entry.title),
        "iso": entry.published_at.isoformat(),
        "date": escape(display_date(edition, entry.published_at)),
        "byline": f"{escape(chrome['by'])}: {escape(', '.join(entry.authors))}"
        if edition.name != "en"
        else f"{escape(chrome['by'])} {escape(' and '.join(entry.authors))}",
        "body": _body_with_extras(blocks, extras, paragraph_attrs),
        "share": _share(edition, url, entry.title),
        "subscribe": _subscribe(edition),
        "related_title": escape(chrome["related"]),
        "related": _entry_list(site, extras.related, related_base),
        "most_read_title": escape(chrome["most_read"]),
        "most_read": _entry_list(site, extras.most_read),
    }
    description = blocks[0].text.strip()[:160] if blocks else entry.title
    return _document(site, edition, entry.title, _article_head(edition, entry, url, description), layout(ctx))


# --- listings, feeds, robots --------------------------------------------------------------------------


def _listing_page(
    site: DemoSite, edition: Edition, base_url: str, path: str, heading: str, entries: Sequence[Entry], extra: str = ""
) -> str:
    head = f'<link rel="canonical" href="{escape(base_url + path)}">'
    main = f'<main class="listing">\n<h1>{escape(heading)}</h1>\n{extra}\n{_entry_list(site, entries)}\n</main>'
    return _document(site, edition, heading, head, main)


def _in_section(entry: Entry, section: object) -> bool:
    return entry.section == section


def _newest(entries: Sequence[Entry], count: int, keep: Callable[[Entry], bool] = lambda entry: True) -> list[Entry]:
    picked = []
    for entry in reversed(entries):
        if keep(entry):
            picked.append(entry)
            if len(picked) == count:
                break
    return picked


def _archive_page(site: DemoSite, edition: Edition, base_url: str, path: str, day: date) -> Response:
    if day not in site.config.dates:
        return not_found(site, edition)
    chrome = edition.vocab["chrome"]
    entries = [entry for entry in site.listed_entries(edition.name) if entry.day == day]
    index = site.config.dates.index(day)
    neighbours = []
    if index > 0:
        neighbours.append(
            _link(f"{edition.path_prefix}archive/{site.config.dates[index - 1]}/", chrome["previous_day"], "prev")
        )
    if index + 1 < len(site.config.dates):
        neighbours.append(
            _link(f"{edition.path_prefix}archive/{site.config.dates[index + 1]}/", chrome["next_day"], "next")
        )
    heading = f"{chrome['day_archive']} {display_date(edition, day, False)}"
    extra = f'<div class="pager">{" ".join(neighbours)}</div>'
    return _html(200, _listing_page(site, edition, base_url, path, heading, entries, extra))


def _entries_by_day(site: DemoSite, edition: Edition) -> dict[date, list[Entry]]:
    days: dict[date, list[Entry]] = {}
    for entry in site.entries(edition.name):
        days.setdefault(entry.day, []).append(entry)
    return days


def sitemap_index(site: DemoSite, edition: Edition, base_url: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for day, entries in sorted(_entries_by_day(site, edition).items()):
        latest = max(entry.published_at for entry in entries)
        loc = escape(f"{base_url}{edition.path_prefix}sitemaps/{day.isoformat()}.xml")
        lines.append(f"<sitemap><loc>{loc}</loc><lastmod>{latest.isoformat()}</lastmod></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def sitemap_day(entries: Sequence[Entry], base_url: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for entry in entries:
        loc = escape(base_url + entry.path)
        lines.append(f"<url><loc>{loc}</loc><lastmod>{entry.published_at.isoformat()}</lastmod></url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def rss(site: DemoSite, edition: Edition, base_url: str) -> str:
    items = _newest(site.listed_entries(edition.name), RSS_ITEMS)
    built = format_datetime(items[0].published_at) if items else ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{escape(edition.title)}</title>",
        f"<link>{escape(base_url + edition.path_prefix)}</link>",
        f"<description>{escape(edition.vocab['chrome']['latest'])}</description>",
        f"<language>{edition.language}</language>",
        f"<lastBuildDate>{built}</lastBuildDate>",
        f'<atom:link href="{escape(base_url + edition.path_prefix)}rss.xml" rel="self" type="application/rss+xml"/>',
    ]
    for entry in items:
        url = escape(base_url + entry.path)
        blocks = site.blocks(entry)
        teaser = " ".join(blocks[0].text.split()) if blocks else ""
        lines += [
            "<item>",
            f"<title>{escape(entry.title)}</title>",
            f"<link>{url}</link>",
            f'<guid isPermaLink="true">{url}</guid>',
            f"<pubDate>{format_datetime(entry.published_at)}</pubDate>",
            f"<category>{escape(entry.section.name)}</category>",
            f"<description>{escape(teaser)}</description>",
            "</item>",
        ]
    lines += ["</channel>", "</rss>"]
    return "\n".join(lines) + "\n"


def robots_txt(site: DemoSite, base_url: str) -> str:
    lines = ["User-agent: *"]
    lines += [f"Disallow: {edition.intern_prefix}" for edition in site.editions]
    lines += ["Disallow: /*/search/", "", "User-agent: BadBot", "Disallow: /", ""]
    lines += [f"Sitemap: {base_url}{edition.path_prefix}sitemap.xml" for edition in site.editions]
    return "\n".join(lines) + "\n"


def root_page(site: DemoSite) -> str:
    links = "\n".join(
        f'<li><a href="{e.path_prefix}" hreflang="{e.language}">{escape(e.title)}</a></li>' for e in site.editions
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>newsetl demo site</title>\n</head>\n'
        f"<body>\n<h1>newsetl demo site</h1>\n<ul>\n{links}\n</ul>\n</body>\n</html>\n"
    )


def _error_page(site: DemoSite, edition: Edition | None, status: int) -> Response:
    if edition is None:
        title = "Not Found" if status == 404 else "Service Unavailable"
        text = f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
        return _html(status, text + f"<body><h1>{status} {title}</h1></body>\n</html>\n")
    chrome = edition.vocab["chrome"]
    name = "not_found" if status == 404 else "unavailable"
    title = chrome[name + "_title"]
    main = f'<main class="error">\n<h1>{escape(title)}</h1>\n<p>{escape(chrome[name + "_text"])}</p>\n</main>'
    return _html(
        status, _document(site, edition, chrome[name + "_title"], '<meta name="robots" content="noindex">', main)
    )


def not_found(site: DemoSite, edition: Edition | None = None) -> Response:
    return _error_page(site, edition, 404)


def _edition_response(site: DemoSite, edition: Edition, path: str, base_url: str) -> Response:
    rest = path[len(edition.path_prefix) :]
    chrome = edition.vocab["chrome"]
    if rest == "":
        entries = _newest(site.listed_entries(edition.name), LISTING_SIZE)
        return _html(200, _listing_page(site, edition, base_url, path, chrome["latest"], entries))
    if rest == "rss.xml":
        return 200, RSS, rss(site, edition, base_url).encode("utf-8")
    if rest == "sitemap.xml":
        return 200, XML, sitemap_index(site, edition, base_url).encode("utf-8")
    day_match = _DAY_PATH.fullmatch(rest.removeprefix("sitemaps/").removesuffix(".xml"))
    if rest.startswith("sitemaps/") and rest.endswith(".xml") and day_match:
        entries = _entries_by_day(site, edition).get(date.fromisoformat(day_match.group(1)), [])
        return (200, XML, sitemap_day(entries, base_url).encode("utf-8")) if entries else not_found(site, edition)
    day_match = _DAY_PATH.fullmatch(rest.removeprefix("archive/").removesuffix("/"))
    if rest.startswith("archive/") and rest.endswith("/") and day_match:
        return _archive_page(site, edition, base_url, path, date.fromisoformat(day_match.group(1)))
    for page in STATIC_PAGES:
        if rest == f"page/{page}/":
            text = escape(chrome["static_text"])
            main = f'<main class="static">\n<h1>{escape(chrome[page])}</h1>\n<p>{text}</p>\n</main>'
            return _html(200, _document(site, edition, chrome[page], "", main))
    for section in edition.sections:
        if rest == f"{section.slug}/":
            entries = _newest(site.listed_entries(edition.name), LISTING_SIZE, partial(_in_section, section=section))
            return _html(200, _listing_page(site, edition, base_url, path, section.name, entries))
    entry = site.entry(path)
    if entry is None or entry.status == 404:
        return not_found(site, edition)
    if entry.status == 503:
        return _error_page(site, edition, 503)
    return _html(200, article_page(site, entry, base_url))


def respond(site: DemoSite, raw_path: str, base_url: str) -> Response:
    """The server's whole logic: route a request path (query ignored) to a page."""
    path = urlsplit(raw_path).path or "/"
    if path == "/":
        return _html(200, root_page(site))
    if path == "/robots.txt":
        return 200, TEXT, robots_txt(site, base_url).encode("utf-8")
    for edition in site.editions:
        if path.startswith(edition.path_prefix):
            return _edition_response(site, edition, path, base_url)
    return not_found(site)
