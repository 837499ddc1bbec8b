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
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApp
from tornado.web import RequestHandler, stream_request_body

from bot.channels.telegram.chores import cancel_and_wait
from bot.channels.telegram.intake import ALLOWED_UPDATES, BoundedLog, Intake

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


@stream_request_body
class _UpdateHandler(RequestHandler):
    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret
        self.body = bytearray()
        self.too_big = False

    def prepare(self) -> None:
        if self.request.method != "POST":
            return
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            self.finish("forbidden")
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdecimal() or int(length) > MAX_BODY):
            self.set_status(413)
            self.finish("too large")

    def data_received(self, chunk: bytes) -> None:
        if self.too_big:
            return
        self.body.extend(chunk)
        if len(self.body) > MAX_BODY:
            self.too_big = True
            self.body.clear()

    async def post(self) -> None:
        if self.too_big:
            self.set_status(413)
            self.finish("too large")
            return
        try:
            data = json.loads(bytes(self.body))
        except (ValueError, UnicodeDecodeError):
            self.set_status(400)
            self.finish("not JSON")
            return
        if not is_update(data):
            self.set_status(400)
            self.finish("not an update")
            return
        await self.intake.receive([data])
        self.finish("ok")


class _HealthHandler(RequestHandler):
    def get(self) -> None:
        self.finish("ok")


class WebhookServer:
    def __init__(self, intake: Intake, secret: str, path: str = "/telegram") -> None:
        self.intake = intake
        self.secret = secret
        self.path = path
        self._server: HTTPServer | None = None
        self.port = 0

    async def start(self, listen: str, port: int) -> int:
        routes = [
            (self.path, _UpdateHandler, {"intake": self.intake, "secret": self.secret}),
            ("/healthz", _HealthHandler),
        ]
        app = TornadoApp(routes)  # type: ignore[arg-type]
        self._server = HTTPServer(app, max_body_size=MAX_BODY * 2, xheaders=True)
        bound = bind_sockets(port, listen)
        self._server.add_sockets(bound)
        self.port = bound[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
