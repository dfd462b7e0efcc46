"""The demo site on 127.0.0.1 as a newsroom that revises an article between two crawls.

Every page carries an ETag (a hash of its body) and a request whose ``If-None-Match`` names the page's current
ETag is answered 304, so a second run takes the conditional-GET path of a nightly re-crawl: unchanged pages are
not sent again, a revised one is. ``RevisedSite.revise`` changes one article's headline and appends a
correction paragraph from then on. Real sockets, loopback only.
"""

from __future__ import annotations

import hashlib
import html
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from etl.demo_site.content import DemoSite, Entry, build_site
from etl.demo_site.server import RequestLog, RunningSite

REVISED_DAY = date(2025, 5, 15)
"""The UTC day the revised article was published on."""
CORRECTION = (
    "Correction: an earlier version of this article gave the wrong figure in its headline. It has been corrected."
)
"""The paragraph the revision appends to the article's text."""


@dataclass(frozen=True)
class Revision:
    """What a revised page changes: its headline (old and new) and a paragraph appended to its text."""

    old_title: str
    new_title: str
    appended: str

    def apply(self, body: bytes) -> bytes:
        text = body.decode("utf-8")
        replacements = {self.old_title: self.new_title, html.escape(self.old_title): html.escape(self.new_title)}
        for old, new in replacements.items():
            text = text.replace(old, new)
        start = text.index('class="story-body"')
        end = text.index("</section>", start)
        text = text[:end] + f"<p>{html.escape(self.appended)}</p>\n" + text[end:]
        return text.encode("utf-8")


def revised_entry(site: DemoSite) -> Entry:
    """The article the tests revise: the first listed English article of ``REVISED_DAY`` with a plain headline."""
    return next(
        entry
        for entry in site.entries("en")
        if entry.kind == "generated" and entry.listed and entry.day == REVISED_DAY and entry.title.isascii()
    )


class RevisedSite:
    """The demo site with validators, whose pages ``revise`` can change while it is served."""

    def __init__(self, site: DemoSite) -> None:
        self.site = site
        self._revisions: dict[str, Revision] = {}
        self._lock = threading.Lock()
        self.not_modified = 0
        """Requests answered 304 so far."""

    def revise(self, path: str, new_title: str, appended: str = CORRECTION) -> None:
        entry = self.site.entry(path)
        if entry is None:
            raise KeyError(path)
        with self._lock:
            self._revisions[path] = Revision(entry.title, new_title, appended)

    def response(self, path: str, base_url: str, if_none_match: str | None) -> tuple[int, str, bytes, str]:
        """Status, content type, body and ETag of ``path``; 304 without a body when ``if_none_match`` is current."""
        status, content_type, body = self.site.response(path, base_url)
        with self._lock:
            revision = self._revisions.get(path.split("?")[0])
        if revision is not None and status == 200:
            body = revision.apply(body)
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if status == 200 and if_none_match == etag:
            with self._lock:
                self.not_modified += 1
            return 304, content_type, b"", etag
        return status, content_type, body, etag


def _handler(revised: RevisedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            host = self.headers.get("Host") or "127.0.0.1"
            status, content_type, body, etag = revised.response(
                self.path, f"http://{host}", self.headers.get("If-None-Match")
            )
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("ETag", etag)
            if status == 503:
                self.send_header("Retry-After", "120")  # as the demo site's own server
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early is normal here, not a traceback on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def running_revised_site() -> Iterator[tuple[RunningSite, RevisedSite]]:
    """The default demo site with validators, served from a daemon thread on a free loopback port."""
    revised = RevisedSite(build_site())
    server = _QuietServer(("127.0.0.1", 0), _handler(revised))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield RunningSite(base_url=f"http://{host}:{port}", site=revised.site, requested=RequestLog()), revised
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
