"""A hostile news site on 127.0.0.1: one path per way a server can misbehave, beside a few good pages.

Real sockets, loopback only, every loop bounded: handlers that stall wait on the server's stop event, so
``stop()`` ends them. ``GOOD`` pages hold known paragraphs (in UTF-8 under a wrong header, cp1251 and
Latin-1 without any charset); ``FAULTS`` maps each bad path to the reason a fetch must record for it.
A second socket that never accepts (its backlog is full) is a host whose connect never answers.
"""

from __future__ import annotations

import functools
import gzip
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

PUBLISHED = "2025-05-15T10:00:00+00:00"
LAST_MODIFIED = "Thu, 15 May 2025 10:00:00 GMT"
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True)
class GoodPage:
    path: str
    language: str
    paragraphs: tuple[str, ...]
    encoding: str
    content_type: str
    chunked_gzip: bool = False


GOOD = (
    GoodPage(
        "/news/de-utf8",
        "de",
        (
            "Die Handelskammer in Pinsk plant neue Projekte im Bereich der Holzverarbeitung für das kommende Jahr.",
            "Grüße aus Minsk: Die Zusammenarbeit mit Partnern in Asien soll deutlich ausgebaut werden.",
            "Nach Angaben der Behörde wurden bereits mehrere Verträge über Lieferungen unterzeichnet.",
        ),
        "utf-8",
        "text/html; charset=utf-8",
    ),
    GoodPage(
        "/news/ru-wrong-header",
        "ru",
        (
            "Белорусские предприятия увеличили экспорт продукции деревообработки в страны Азии.",
            "По словам министра, новые контракты будут подписаны уже в ближайшие месяцы.",
            "Особое внимание уделяется развитию логистики и транспортных коридоров.",
        ),
        "utf-8",
        "text/html; charset=ISO-8859-1",
    ),
    GoodPage(
        "/news/ru-cp1251",
        "ru",
        (
            "В Минске прошло заседание межправительственной комиссии по торгово-экономическому сотрудничеству.",
            "Стороны обсудили вопросы промышленной кооперации, сельского хозяйства и образования.",
            "Участники договорились продолжить работу над совместными проектами в следующем году.",
        ),
        "cp1251",
        "text/html",
    ),
    GoodPage(
        "/news/de-latin1",
        "de",
        (
            "Die Straßenbahn in Gomel fährt künftig öfter, teilte die Stadtverwaltung am Dienstag mit.",
            "Außerdem sollen die Haltestellen überdacht und mit größeren Anzeigetafeln ausgestattet werden.",
            "Die Bürger begrüßten die Pläne, die Kosten trägt überwiegend der städtische Haushalt.",
        ),
        "latin-1",
        "text/html",
    ),
    GoodPage(
        "/news/en-chunked-gzip",
        "en",
        (
            "A page sent gzip-compressed in chunks of unknown total length, as most real servers send them.",
            "The fetcher counts its decoded bytes as they stream and keeps every one of them.",
        ),
        "utf-8",
        "text/html; charset=utf-8",
        chunked_gzip=True,
    ),
)
FLAKY = "/news/flaky"
"""Answers 503 to its first ``FLAKY_FAILURES`` requests, then a good page: a retry in a later run loads it."""
FLAKY_FAILURES = 2
FLAKY_PARAGRAPHS = (
    "Der Server war kurz überlastet, doch dieser Artikel kommt beim nächsten Lauf vollständig an.",
    "Ein zweiter Absatz zeigt, dass nichts verloren geht, wenn eine Seite einmal scheitert.",
)

FAULTS = {
    "/fault/500": "http_500",
    "/fault/503-retry-after": "http_503",
    "/fault/429-retry-after": "http_429",
    "/fault/hang": "timeout",
    "/fault/trickle": "timeout",
    "/fault/cut-short": "truncated",
    "/fault/huge": "too_large",
    "/fault/gzip-bomb": "too_large",
    "/fault/redirect-loop": "redirect_loop",
    "/fault/offsite-redirect": "offsite_redirect",
    "/fault/pdf": "not_html",
    "/private/disallowed": "robots_disallowed",
    "/fault/404": "http_404",
}
"""Each bad path and the reason a fetch records for it (with ``HOSTILE_SETTINGS``-like limits)."""
BLACK_HOLE_PATH = "/fault/never-connects"
RETRY_AFTER_LONG_S = 3600
RETRY_AFTER_SHORT_S = 1
HUGE_BYTES = 10_000_000
BOMB_DECODED_BYTES = 50_000_000


def article_html(title: str, language: str, paragraphs: tuple[str, ...], *, charset_meta: bool) -> str:
    meta = '<meta charset="utf-8">' if charset_meta else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head>{meta}<title>{title}</title>'
        f'<meta property="article:published_time" content="{PUBLISHED}"></head>\n'
        f"<body><article><h1>{title}</h1>\n{body}\n</article></body></html>"
    )


def good_body(page: GoodPage) -> bytes:
    html = article_html(page.path.rsplit("/", 1)[1], page.language, page.paragraphs, charset_meta=False)
    return html.encode(page.encoding)


@cache
@functools.cache
def gzip_bomb() -> bytes:
    """Made once per process, before the server answers (``HostileServer``): compressing 50 MB per request
    took longer than the fetcher's read timeout on a loaded machine, turning ``too_large`` into ``timeout``."""
    return gzip.compress(b"\0" * BOMB_DECODED_BYTES, 9)


class QuietServer(ThreadingHTTPServer):
    """A threading server that does not print a traceback when a client hangs up."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up on a bad page is what the fetcher should do; nothing to print."""


class HostileServer:
    """The hostile site; use as a context manager. ``hits`` counts requests per path."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = QuietServer(("127.0.0.1", 0), _handler(self))
        self.port = self.httpd.server_address[1]
        self.black_hole = socket.socket()
        self.black_hole.bind(("127.0.0.1", 0))
        self.black_hole.listen(0)
        self._filler = socket.create_connection(self.black_hole.getsockname(), timeout=2)
        self.black_hole_port = self.black_hole.getsockname()[1]
        gzip_bomb()
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def black_hole_url(self) -> str:
        return f"http://127.0.0.1:{self.black_hole_port}{BLACK_HOLE_PATH}"

    @property
    def hosts(self) -> tuple[str, str]:
        """The hosts a source of this site allows (``localhost`` is deliberately not one of them)."""
        return (f"127.0.0.1:{self.port}", f"127.0.0.1:{self.black_hole_port}")

    def good_urls(self) -> list[str]:
        return [self.base_url + page.path for page in GOOD]

    def fault_urls(self) -> dict[str, str]:
        """Every bad URL and its expected reason; the black hole's is ``timeout``."""
        urls = {self.base_url + path: reason for path, reason in FAULTS.items()}
        urls[self.black_hole_url] = "timeout"
        return urls

    def sitemap(self) -> bytes:
        urls = [*self.good_urls(), self.base_url + FLAKY, *self.fault_urls()]
        entries = "".join(f"<url><loc>{u}</loc><lastmod>{PUBLISHED}</lastmod></url>" for u in urls)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        ).encode()

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._filler.close()
        self.black_hole.close()


def _handler(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    good = {page.path: page for page in GOOD}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def send(self, status: int, body: bytes, content_type: str = HTML_UTF8, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(body)

        def send_chunked_gzip(self, body: bytes, content_type: str, etag: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("ETag", etag)
            self.end_headers()
            packed = gzip.compress(body)
            for start in range(0, len(packed), 100):
                part = packed[start : start + 100]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")

        def do_GET(self) -> None:
            path = self.path
            with server.lock:
                server.hits[path] += 1
                hits = server.hits[path]
            try:
                self.route(path, hits)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up, as it should on a bad page

        def route(self, path: str, hits: int) -> None:
            if path == "/robots.txt":
                self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            elif path == "/sitemap.xml":
                self.send(200, server.sitemap(), "application/xml")
            elif path in good:
                page = good[path]
                etag = f'"{page.path.rsplit("/", 1)[1]}-v1"'
                if self.headers.get("If-None-Match") == etag:
                    self.send(304, b"", ETag=etag)
                elif page.chunked_gzip:
                    self.send_chunked_gzip(good_body(page), page.content_type, etag)
                else:
                    self.send(200, good_body(page), page.content_type, ETag=etag, Last_Modified=LAST_MODIFIED)
            elif path == FLAKY:
                if hits <= FLAKY_FAILURES:
                    self.send(503, b"busy")
                else:
                    html = article_html("flaky", "de", FLAKY_PARAGRAPHS, charset_meta=True)
                    self.send(200, html.encode())
            elif path == "/fault/500":
                self.send(500, b"internal error")
            elif path == "/fault/503-retry-after":
                self.send(503, b"down for maintenance", Retry_After=str(RETRY_AFTER_LONG_S))
            elif path == "/fault/429-retry-after":
                self.send(429, b"slow down", Retry_After=str(RETRY_AFTER_SHORT_S))
            elif path == "/fault/hang":
                server.stopping.wait(30)
                self.close_connection = True
            elif path == "/fault/trickle":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                self.wfile.write(b"<html><body><p>")
                while not server.stopping.wait(0.1):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                self.close_connection = True
            elif path == "/fault/cut-short":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "50000")
                self.end_headers()
                self.wfile.write(b"<html><body><p>" + b"half a page " * 100)
                self.close_connection = True
            elif path == "/fault/huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(HUGE_BYTES))
                self.end_headers()
                chunk = b"<p>" + b"y" * 996 + b"</p>"
                for _ in range(HUGE_BYTES // len(chunk)):
                    if server.stopping.is_set():
                        break
                    self.wfile.write(chunk)
            elif path == "/fault/gzip-bomb":
                self.send(200, gzip_bomb(), Content_Encoding="gzip")
            elif path == "/fault/redirect-loop":
                self.send(302, b"", Location="/fault/redirect-loop-2")
            elif path == "/fault/redirect-loop-2":
                self.send(302, b"", Location="/fault/redirect-loop")
            elif path == "/fault/offsite-redirect":
                self.send(302, b"", Location=f"http://localhost:{server.port}{GOOD[0].path}")
            elif path == "/fault/pdf":
                self.send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", "application/pdf")
            elif path.startswith("/private/"):
                self.send(200, article_html("secret", "de", ("Nobody may read this.",), charset_meta=True).encode())
            else:
                self.send(404, b"not here")

    return Handler
