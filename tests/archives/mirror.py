"""A local mirror of Common Crawl's layout for the tests: files served from a directory over HTTP on
loopback, with ``Range: bytes=N-`` answered 206 (as Common Crawl's endpoint does) unless told to ignore it,
optionally slowed down (so a test can kill an import mid-file), and every GET's path and Range logged; HEAD
gives the length and an ETag of the content."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Mirror:
    """A running mirror: its base URL (ends with /), its root directory and what was asked of it."""

    base_url: str
    root: Path
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    honour_range: bool = True
    failing: set[str] = field(default_factory=set)
    """Paths (no leading /) answered with HTTP 503, as a server that is down answers."""
    seconds_per_chunk: float = 0.0


CHUNK = 8192


def publish_month(mirror: Mirror, year: int, month: int, files: dict[str, bytes]) -> list[str]:
    """Put WARC files (name -> bytes) under ``crawl-data/CC-NEWS/YYYY/MM/`` with the month's path index."""
    directory = mirror.root / f"crawl-data/CC-NEWS/{year:04d}/{month:02d}"
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        (directory / name).write_bytes(data)
        paths.append(f"crawl-data/CC-NEWS/{year:04d}/{month:02d}/{name}")
    (directory / "warc.paths.gz").write_bytes(gzip.compress("".join(p + "\n" for p in paths).encode()))
    return [mirror.base_url + p for p in paths]


@contextmanager
def running_mirror(root: Path) -> Iterator[Mirror]:
    mirror = Mirror("", root)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            requested = self.headers.get("Range")
            mirror.requests.append((self.path, requested))
            if self.path.lstrip("/") in mirror.failing:
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = (root / self.path.lstrip("/")).resolve()
            if not path.is_file() or root.resolve() not in path.parents:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = path.read_bytes()
            start = 0
            if requested and mirror.honour_range and requested.startswith("bytes=") and requested.endswith("-"):
                start = int(requested[len("bytes=") : -1])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            try:
                for offset in range(start, len(data), CHUNK):
                    self.wfile.write(data[offset : offset + CHUNK])
                    if mirror.seconds_per_chunk:
                        time.sleep(mirror.seconds_per_chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_HEAD(self) -> None:
            """The file's length and an ETag of its content (as S3 gives them), no body; not logged."""
            path = (root / self.path.lstrip("/")).resolve()
            if not path.is_file() or root.resolve() not in path.parents:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", f'"{hashlib.md5(data).hexdigest()}"')  # a content tag, as S3 gives
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    mirror.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield mirror
    finally:
        server.shutdown()
        server.server_close()
