"""Serves the demo site over HTTP on localhost, so demos, tests and benchmarks never touch the internet.

All page logic lives in ``DemoSite.response``; this module only maps requests onto it. Absolute URLs in
pages follow the request's ``Host`` header, because the port is chosen at run time.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from etl.demo_site.content import DemoSite, SiteConfig, build_site

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningSite:
    """A site being served: where, what, and every path requested so far (so tests can prove a page was
    never fetched)."""

    base_url: str
    site: DemoSite
    requested: RequestLog


class RequestLog:
    """Thread-safe record of requested paths."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._lock = threading.Lock()

    def add(self, path: str) -> None:
        with self._lock:
            self._paths.append(path)

    def paths(self) -> list[str]:
        with self._lock:
            return list(self._paths)


def _handler(site: DemoSite, log: RequestLog | None = None) -> type[BaseHTTPRequestHandler]:
    class DemoSiteHandler(BaseHTTPRequestHandler):
        server_version = "newsetl-demo/1.0"
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: Nagle plus delayed ACK cost 40 ms each

        def _respond(self, with_body: bool) -> None:
            if log is not None:
                log.add(self.path)
            host = self.headers.get("Host") or _host_port(self.server.server_address)
            status, content_type, body = site.response(self.path, f"http://{host}")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if status == 503:
                self.send_header("Retry-After", "120")
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._respond(with_body=True)

        def do_HEAD(self) -> None:
            self._respond(with_body=False)

        def log_message(self, format: str, *args: object) -> None:
            logger.debug("demo site: " + format, *args)

    return DemoSiteHandler


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a fetcher giving up on a 503) is normal here, not a traceback on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("demo site: client %s hung up", client_address)
            return
        super().handle_error(request, client_address)


def _server(site: DemoSite, host: str, port: int, log: RequestLog | None = None) -> ThreadingHTTPServer:
    server = _QuietServer((host, port), _handler(site, log))
    server.daemon_threads = True
    return server


def _host_port(address: Any) -> str:
    """``host:port`` of a socket address (an IPv4 or IPv6 tuple)."""
    host, port = address[:2]
    return f"{host}:{port}"


def _base_url(server: ThreadingHTTPServer) -> str:
    return f"http://{_host_port(server.server_address)}"


@contextmanager
def running_demo_site(
    config: SiteConfig | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningSite]:
    """Serve the site from a daemon thread for the duration of the block; port 0 picks a free port."""
    site = build_site(config)
    log = RequestLog()
    server = _server(site, host, port, log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield RunningSite(base_url=_base_url(server), site=site, requested=log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_forever(config: SiteConfig | None = None, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve until interrupted, printing where each edition lives (for ``python -m etl demo-site``)."""
    site = build_site(config)
    with _server(site, host, port) as server:
        base_url = _base_url(server)
        print(f"demo site: {base_url}/ ({len(site.entries())} articles)", flush=True)
        for edition in site.editions:
            print(f"  {edition.name:7} {base_url}{edition.path_prefix}  {edition.title}", flush=True)
        print(f"  robots  {base_url}/robots.txt", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("demo site: stopped", flush=True)
