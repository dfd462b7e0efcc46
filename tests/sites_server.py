"""A small HTTP server for the site cases (``tests/fixtures/sites/<case>/site/``), on 127.0.0.1.

It serves one folder as a static site, the way the case files describe it:

- the text ``{site}`` in every file becomes the server's base URL (``http://127.0.0.1:PORT``);
- a file ``NAME.gz.in`` is served gzip-compressed as ``NAME.gz`` (a gzipped sitemap as a file, not as a
  ``Content-Encoding``);
- a path ending in ``/`` serves that folder's ``index.html``;
- the Content-Type follows the extension (``.xml`` application/xml, ``.html`` text/html, ``.txt``
  text/plain, ``.gz`` application/gzip, ``.rss`` application/rss+xml, ``.atom`` application/atom+xml),
  with no charset unless ``serve.json`` gives one;
- ``serve.json`` beside ``case.json`` (optional) overrides what one path answers:
  ``{"/robots.txt": {"status": 503}, "/feed": {"content_type": "text/plain"}}``;
- every request is recorded as ``(method, path with query)``, so a case can check what was never asked for.

A missing file is a 404. Used by ``tests/pipeline/test_sites.py``; ``python -m tests.sites_server CASE_DIR``
serves a case by hand.
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".gz": "application/gzip",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
}


@dataclass
class SiteServer:
    """One served folder; ``requests`` grows as the server answers (method, path) pairs."""

    root: Path
    overrides: dict[str, dict[str, object]] = field(default_factory=dict)
    base_url: str = ""
    requests: list[tuple[str, str]] = field(default_factory=list)

    def body(self, path: str) -> tuple[int, bytes, str]:
        """(status, body, content type) of a GET of ``path`` (no query)."""
        relative = unquote(path).lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        target = (self.root / relative).resolve()
        if self.root.resolve() not in target.parents:
            return 404, b"not found", "text/plain"
        gzipped = target.with_name(target.name + ".in")
        if target.name.endswith(".gz") and gzipped.is_file():
            raw = gzip.compress(self._substituted(gzipped.read_bytes()), mtime=0)
        elif target.is_file():
            raw = self._substituted(target.read_bytes())
        else:
            return 404, b"not found", "text/plain"
        return 200, raw, CONTENT_TYPES.get(target.suffix, "application/octet-stream")

    def _substituted(self, raw: bytes) -> bytes:
        return raw.replace(b"{site}", self.base_url.encode("ascii"))


def _handler(site: SiteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, *, send_body: bool) -> None:
            site.requests.append((self.command, self.path))
            path = urlsplit(self.path).path
            status, body, content_type = site.body(path)
            override = site.overrides.get(path, {})
            status = int(override.get("status", status))  # type: ignore[call-overload]
            content_type = str(override.get("content_type", content_type))
            if override.get("body") is not None:
                body = str(override["body"]).replace("{site}", site.base_url).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early (a cut download, a closed pool) is no error of the site."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serving(case_dir: Path, site_dir: str = "site") -> Iterator[SiteServer]:
    """Serve ``case_dir/site_dir`` on a free loopback port while the block runs."""
    serve_file = case_dir / "serve.json"
    overrides = json.loads(serve_file.read_text("utf-8")) if serve_file.is_file() else {}
    site = SiteServer(case_dir / site_dir, overrides)
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="sites-server", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


if __name__ == "__main__":
    with serving(Path(sys.argv[1])) as running:
        print(f"serving {sys.argv[1]} at {running.base_url}; Ctrl-C stops", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
