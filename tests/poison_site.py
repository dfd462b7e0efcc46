"""A small news site on 127.0.0.1 whose pages the warehouse cannot store as they come: one path per poison
input, beside good pages.

Real sockets, loopback only. ``GOOD_PATHS`` are ordinary articles; ``POISON`` maps each poison path to the
outcomes a run may record for it: ``ARTICLE`` (it loads, its text made storable), a failure row's reason, or
``NOT_DISCOVERED``. The 10,000-character path and the page of distinct words are generated, small where they
can be (the distinct words just cross PostgreSQL's 1 MB tsvector limit).
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

PUBLISHED = "2025-05-15T10:00:00+00:00"


def incompressible(length: int) -> str:
    """``length`` characters of hex digits no compressor shrinks much (PostgreSQL compresses index entries, so
    ``"x" * 10_000`` would fit a btree where a real long URL does not)."""
    digits = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(length // 64 + 1))
    return digits[:length]


LONG_PATH = "/poison/long-" + incompressible(10_000 - len("/poison/long-"))
"""A path of exactly 10,000 characters: rows keyed by it exceed a btree index entry (about 2.7 KB)."""
DISTINCT_WORDS_BYTES = 1_400_000
"""Bytes of distinct words on the big page: over the 1,048,575 bytes a tsvector may hold."""

ARTICLE = "article"
"""The outcome of a poison page that loads as an article, its text made storable."""
NOT_DISCOVERED = "not_discovered"
"""The outcome of a poison page discovery leaves out (neither an article nor a failure row of the run)."""
GOOD_PATHS = ("/news/good-1", "/news/good-2", "/news/good-3")
POISON: dict[str, frozenset[str]] = {
    "/poison/nul-jsonld": frozenset({ARTICLE}),
    "/poison/surrogate-jsonld": frozenset({ARTICLE}),
    "/poison/nul-paragraph": frozenset({ARTICLE}),
    "/poison/nul-header": frozenset({ARTICLE}),
    "/poison/nul-content-type": frozenset({"not_html"}),
    "/poison/nul-location": frozenset({"offsite_redirect", "bad_url"}),
    # discovery may refuse a URL this long (a bad_url failure, or dropped: NOT_DISCOVERED); if not, it loads
    LONG_PATH: frozenset({ARTICLE, "bad_url", NOT_DISCOVERED}),
    "/poison/distinct-words": frozenset({ARTICLE}),
}
"""Each poison path and the outcomes a run may record for it: ``ARTICLE`` (loaded, made storable) or failure
reasons."""


def _paragraphs(name: str) -> tuple[str, ...]:
    return (
        f"Der Bericht {name} beschreibt die neue Zusammenarbeit der Handelskammer mit Partnern in Asien.",
        f"Nach Angaben der Behörde wurden für {name} bereits mehrere Verträge über Lieferungen unterzeichnet.",
        f"Die Bürger von {name} begrüßten die Pläne, die Kosten trägt überwiegend der städtische Haushalt.",
    )


def article_html(name: str, paragraphs: tuple[str, ...], json_ld: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    script = f'<script type="application/ld+json">{json_ld}</script>' if json_ld else ""
    return (
        f'<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8"><title>{name}</title>'
        f'<meta property="article:published_time" content="{PUBLISHED}">{script}</head>\n'
        f"<body><article><h1>{name}</h1>\n{body}\n</article></body></html>"
    )


def good_paragraphs(path: str) -> tuple[str, ...]:
    """The paragraphs of a good page (and of the poison pages that load), as the warehouse must hold them."""
    return _paragraphs(path.rsplit("/", 1)[1][:40])


def distinct_words(total_bytes: int) -> list[str]:
    """Words no two alike and no stemmer merges (consonant-vowel syllables of a counter), ``total_bytes`` in all."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    words: list[str] = []
    size = 0
    number = 0
    while size < total_bytes:
        n, syllables = number, []
        for _ in range(5):
            n, c = divmod(n, len(consonants))
            n, v = divmod(n, len(vowels))
            syllables.append(consonants[c] + vowels[v])
        word = "".join(syllables) + "x"
        words.append(word)
        size += len(word) + 1
        number += 1
    return words


def distinct_words_html() -> bytes:
    words = distinct_words(DISTINCT_WORDS_BYTES)
    paragraphs = tuple(" ".join(words[i : i + 120]) + "." for i in range(0, len(words), 120))
    return article_html("distinct-words", paragraphs).encode()


class PoisonSite:
    """The site; use as a context manager. ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._big = distinct_words_html()
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def urls(self) -> list[str]:
        return [self.base_url + path for path in (*GOOD_PATHS, *POISON)]

    def sitemap(self) -> bytes:
        entries = "".join(f"<url><loc>{u}</loc><lastmod>{PUBLISHED}</lastmod></url>" for u in self.urls())
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()

    def sources_toml(self, name: str = "poison") -> str:
        return (
            f'[[source]]\nname = "{name}"\nbase_url = "{self.base_url}/"\nlanguage = "de"\n'
            f'discovery = ["sitemap"]\nsitemap_url = "{self.base_url}/sitemap.xml"\nmin_delay_s = 0\nconcurrency = 4\n'
        )

    def __enter__(self) -> PoisonSite:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(site: PoisonSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def send(
            self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            with site._lock:
                site.hits[path] = site.hits.get(path, 0) + 1
            name = path.rsplit("/", 1)[1][:40]
            paragraphs = _paragraphs(name)
            if path == "/robots.txt":
                self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path == "/sitemap.xml":
                self.send(200, site.sitemap(), "application/xml")
            elif path in GOOD_PATHS or path == LONG_PATH:
                self.send(200, article_html(name, paragraphs).encode())
            elif path == "/poison/nul-jsonld":
                ld = {
                    "@type": "NewsArticle",
                    "headline": "Schlag\u0000zeile",
                    "author": {"@type": "Person", "name": "Anna\u0000Muster"},
                    "articleSection": "Wirt\u0000schaft",
                    "datePublished": PUBLISHED,
                }
                self.send(200, article_html(name, paragraphs, json.dumps(ld)).encode())
            elif path == "/poison/surrogate-jsonld":
                ld_text = (
                    '{"@type": "NewsArticle", "headline": "Kaputt \\ud800 Titel", '
                    '"author": {"@type": "Person", "name": "Bernd \\udfff Brot"}, '
                    f'"articleSection": "Po\\ud83dlitik", "datePublished": "{PUBLISHED}"}}'
                )
                self.send(200, article_html(name, paragraphs, ld_text).encode())
            elif path == "/poison/nul-paragraph":
                bad = (paragraphs[0].replace("neue", "neue\u0000"), *paragraphs[1:])
                self.send(200, article_html(name, bad).encode())
            elif path == "/poison/nul-header":
                self.send(200, article_html(name, paragraphs).encode(), X_Note="a\u0000b")
            elif path == "/poison/nul-content-type":
                self.send(200, b"%PDF-1.4\n%%EOF\n", "application/pdf\u0000x")
            elif path == "/poison/nul-location":
                self.send(302, b"", Location="http://elsewhere.test/a\u0000b")
            elif path == "/poison/distinct-words":
                self.send(200, site._big)
            else:
                self.send(404, b"not here")

    return Handler
