"""A small reverse proxy for webhook workers, as a deployment puts in front of them: Telegram posts
every update to one URL, and the proxy spreads the posts across the workers.

It takes turns between the workers, sends a share of the posts to both at once (the duplicate
deliveries a retrying proxy or Telegram itself can cause), and passes a post on to the next worker
when one does not answer (it was killed). It answers Telegram 200 as soon as one worker did.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter

import aiohttp
from aiohttp import web


class SpreadingProxy:
    def __init__(self, worker_ports: list[int], duplicate_share: float = 0.2, seed: int = 5) -> None:
        self.workers = [f"http://127.0.0.1:{port}" for port in worker_ports]
        self.duplicate_share = duplicate_share
        self.random = random.Random(seed)
        self._turns = itertools.cycle(range(len(self.workers)))
        self.forwarded: Counter[str] = Counter()  # per worker: posts it answered 200
        self.duplicated = 0
        self.unreachable: Counter[str] = Counter()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> str:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        app = web.Application(client_max_size=2**21)
        app.router.add_route("POST", "/{path:.*}", self._post)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, worker: str, path: str, body: bytes, headers: dict[str, str]) -> int:
        assert self._session is not None
        try:
            async with self._session.post(f"{worker}/{path}", data=body, headers=headers) as answer:
                if answer.status == 200:
                    self.forwarded[worker] += 1
                return answer.status
        except (aiohttp.ClientError, TimeoutError):
            self.unreachable[worker] += 1
            return 0

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.read()
        path = request.match_info["path"]
        keep = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")
        headers = {k: request.headers[k] for k in keep if k in request.headers}
        first = next(self._turns)
        order = self.workers[first:] + self.workers[:first]
        if self.random.random() < self.duplicate_share:
            self.duplicated += 1
            statuses = await asyncio.gather(*(self._forward(w, path, body, headers) for w in order))
            return web.Response(status=200 if 200 in statuses else 502)
        status = 0
        for worker in order:  # the next worker when one is down
            status = await self._forward(worker, path, body, headers)
            if status == 200:
                break
        return web.Response(status=status or 502)
