"""When the database goes away the app answers 503 with a retry message, and recovers when it returns.

A small TCP proxy sits between the app and PostgreSQL; the test cuts it and restores it."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest
from starlette.testclient import TestClient

from crowd.app import create_app
from tests.conftest import POSTGRES_URL


class Proxy:
    """Forward 127.0.0.1:port to a target; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.open = True
        self.sockets: list[socket.socket] = []
        self.server.listen(50)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.open = False
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="needs the test PostgreSQL server (CROWD_TEST_POSTGRES_URL)")
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_database_outage_gives_503_then_recovers(settings, database_url, open_workshop):
    host_port = database_url.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    proxy = Proxy((host, int(port)))
    proxied = database_url.replace(host_port, f"127.0.0.1:{proxy.port}")
    workshop, _ = open_workshop
    app = create_app(settings.__class__(**{**settings.__dict__, "database_url": proxied}), migrate=False)
    try:
        with TestClient(app) as client:
            assert client.get(f"/w/{workshop.slug}").status_code == 200
            proxy.cut()
            app.state.pages.clear()  # what the page cache holds (2 s at most) could still be shown
            down = client.get(f"/w/{workshop.slug}")
            assert down.status_code == 503
            assert "Try again" in down.text
            assert down.headers["retry-after"]
            proxy.restore()
            assert client.get(f"/w/{workshop.slug}").status_code == 200
    finally:
        app.state.db.dispose()
        proxy.close()


def test_healthz_reports_ok(client):
    assert client.get("/healthz").text == "ok"
