"""The two ways Telegram hands over updates: long polling and a webhook, both into `Intake`.

Polling asks for the next batch only after the last one is journaled, so the offset that confirms
a batch is never sent before the batch is safe. The webhook answers 200 only after journaling; it
refuses posts without the secret token (403), bodies that are not an update (400) and bodies over
the size limit (413), and answers a health check at /healthz.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.channels.telegram.chores import cancel_and_wait
from bot.channels.telegram.intake import ALLOWED_UPDATES, BoundedLog, Intake

if TYPE_CHECKING:
    from aiohttp.web import AppRunner, Request, Response

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes: a real update is a few kilobytes
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def is_update(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("update_id"), int) and data["update_id"] >= 0


class PollingReceiver:
    def __init__(self, bot: Bot, intake: Intake, timeout: float = 30, backoff_max: float = 30) -> None:
        self.bot = bot
        self.intake = intake
        self.timeout = timeout
        self.backoff_max = backoff_max
        self.trouble = BoundedLog()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.bot.delete_webhook()
        self._task = asyncio.create_task(self._loop(), name="telegram-polling")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)

    async def _loop(self) -> None:
        offset: int | None = None
        backoff = 0.5
        while True:
            try:
                raw = await self.bot.do_api_request(
                    "get_updates",
                    api_kwargs={
                        "offset": offset,
                        "timeout": self.timeout,
                        "allowed_updates": ALLOWED_UPDATES,
                    },
                    read_timeout=self.timeout + 10,
                )
            except InvalidToken:
                log.error("Telegram rejected the token while polling: stopping polling")
                raise
            except (NetworkError, TelegramError) as exc:
                self.trouble(logging.WARNING, "getUpdates failed (%s); retrying in %.1f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(self.backoff_max, backoff * 2)
                continue
            backoff = 0.5
            if not isinstance(raw, list) or not raw:
                continue
            updates = [u for u in raw if is_update(u)]
            if len(updates) < len(raw):
                self.trouble(
                    logging.WARNING,
                    "getUpdates returned %d entries that are not updates",
                    len(raw) - len(updates),
                )
            await self.intake.receive(updates)  # journaled before the next call confirms them
            if updates:
                offset = max(int(u["update_id"]) for u in updates) + 1


class WebhookServer:
    """The bot's own HTTPS endpoint's HTTP side (TLS is the proxy's), on aiohttp's server: imported
    only when a webhook is asked for, so a polling bot never loads a web server."""

    def __init__(self, intake: Intake, secret: str, path: str = "/telegram") -> None:
        self.intake = intake
        self.secret = secret
        self.path = path
        self._runner: AppRunner | None = None
        self.port = 0

    async def start(self, listen: str, port: int) -> int:
        from aiohttp import web

        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._update)
        app.router.add_get("/healthz", self._health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        family = socket.AF_INET6 if ":" in listen else socket.AF_INET  # --listen :: for IPv6
        sock = socket.create_server((listen, port), family=family)
        await web.SockSite(self._runner, sock).start()
        self.port = sock.getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _update(self, request: Request) -> Response:
        from aiohttp import web

        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.Response(status=403, text="forbidden")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="too large")
        try:
            body = await request.read()  # refused past client_max_size, whatever the header said
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="too large")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not is_update(data):
            return web.Response(status=400, text="not an update")
        await self.intake.receive([data])  # 200 only once journaled
        return web.Response(text="ok")

    async def _health(self, _request: Request) -> Response:
        from aiohttp import web

        return web.Response(text="ok")
