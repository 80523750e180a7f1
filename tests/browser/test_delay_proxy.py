"""The delay proxy the burst benchmark puts between Chromium and JupyterLab really delays.

An echo server behind :class:`delay_proxy.DelayProxy`: one round trip through it takes at
least twice the delay (once each way), bytes arrive intact and in order, and closing one
side closes the other.
"""

from __future__ import annotations

import socket
import threading
import time

from delay_proxy import DelayProxy


def _echo_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve():
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    return server


def test_round_trip_through_the_proxy_takes_twice_the_delay():
    server = _echo_server()
    delay = 0.05
    payload = bytes(range(256)) * 400            # 100 KB, several chunks
    with DelayProxy(server.getsockname()[1], delay) as proxy, \
            socket.create_connection(("127.0.0.1", proxy.port)) as client:
        client.settimeout(10)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            client.sendall(payload)
            received = b""
            while len(received) < len(payload):
                received += client.recv(65536)
            times.append(time.perf_counter() - start)
            assert received == payload
        client.shutdown(socket.SHUT_WR)
        assert client.recv(1) == b""            # the echo server saw the end and closed
    server.close()
    assert min(times) >= 2 * delay, times
    assert max(times) < 2 * delay + 1.0, times  # and not much more on an idle loopback
