"""A TCP proxy on 127.0.0.1 in front of the test PostgreSQL that can be frozen: a warehouse that stops
answering, as its clients see a server process stopped with SIGSTOP (connections are accepted and what is
sent is taken by the kernel, but nothing ever comes back), without stopping anything real.

Use as a context manager; ``url(database_url)`` is the same database reached through the proxy; ``freeze()``
stops all traffic, ``thaw()`` lets it flow again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

import psycopg2.extensions


class FrozenProxy:
    def __init__(self, database_url: str) -> None:
        dsn = psycopg2.extensions.parse_dsn(database_url)
        host = dsn.get("host") or "/var/run/postgresql"
        port = int(dsn.get("port") or 5432)
        self._upstream: tuple[int, str | tuple[str, int]] = (
            (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}") if host.startswith("/") else (socket.AF_INET, (host, port))
        )
        self._flowing = threading.Event()
        self._flowing.set()
        self._closing = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, database_url: str) -> str:
        """``database_url`` (a ``postgresql://`` URL) through the proxy."""
        parts = urlsplit(database_url)
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{self.port}", query=""))

    def freeze(self) -> None:
        self._flowing.clear()

    def thaw(self) -> None:
        self._flowing.set()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            family, address = self._upstream
            server = socket.socket(family, socket.SOCK_STREAM)
            server.connect(address)
            self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while not self._flowing.wait(0.1):  # frozen: hold what came, send nothing
                    if self._closing.is_set():
                        return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> FrozenProxy:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._closing.set()
        self._listener.close()
        for sock in self._sockets:
            # shutdown first: close() alone leaves a socket open while a pump thread is blocked in recv() on
            # it, and PostgreSQL would keep the backend (and the run's session locks) of a frozen connection.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
