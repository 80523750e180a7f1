"""A TCP proxy on 127.0.0.1 that delays every chunk, in each direction, by a fixed time.

Put between Chromium and the JupyterLab port, it turns the loopback's round trip of
well under a millisecond into 2 × *delay* (HTTP and the kernel's websocket alike), as
on Binder, where a round trip is about 100 ms. Order is kept per direction; bandwidth
is not limited. It runs its own asyncio loop in a daemon thread::

    with DelayProxy(target_port=8888, delay_s=0.05) as proxy:
        page.goto(f"http://127.0.0.1:{proxy.port}/lab")
"""

from __future__ import annotations

import asyncio
import contextlib
import threading


class DelayProxy:
    """Forward 127.0.0.1:``port`` to 127.0.0.1:*target_port*, each chunk *delay_s* late."""

    def __init__(self, target_port: int, delay_s: float = 0.05):
        self.target_port = target_port
        self.delay_s = delay_s
        self.port: int | None = None
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="delay-proxy")
        self._server = None

    async def _pipe(self, reader, writer) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        async def deliver():
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                writer.write(data)
                with contextlib.suppress(ConnectionError):
                    await writer.drain()

        delivery = asyncio.ensure_future(deliver())
        try:
            while True:
                try:
                    data = await reader.read(65536)
                except ConnectionError:
                    data = b""
                queue.put_nowait((loop.time() + self.delay_s, data))
                if not data:
                    break
            await delivery
        finally:
            delivery.cancel()

    async def _handle(self, client_reader, client_writer) -> None:
        self.connections += 1
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1",
                                                                         self.target_port)
        except OSError:
            client_writer.close()
            return
        try:
            await asyncio.gather(self._pipe(client_reader, server_writer),
                                 self._pipe(server_reader, client_writer))
        finally:
            for writer in (client_writer, server_writer):
                with contextlib.suppress(Exception):
                    writer.close()

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        self._server.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._server.wait_closed()

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self._loop.close()
