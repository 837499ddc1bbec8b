"""A small fake Telegram Bot API server for end-to-end tests, over real HTTP on localhost.

It speaks the Bot API's JSON shapes for the methods FarmSkills uses, long-polls getUpdates or
posts updates to a webhook (with the secret token, retrying until answered 200, as Telegram does),
records every message the bot sends, enforces a flood limit (429 with retry_after) and can be told
to misbehave on a share of sends: answer 500, drop the connection (before or after the message
took effect) or answer slowly — so the real python-telegram-bot stack is exercised.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {
    "id": 999000,
    "is_bot": True,
    "first_name": "FarmSkills",
    "username": "FarmSkillsBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
STRING_FIELDS = {
    "text",
    "caption",
    "callback_query_id",
    "language_code",
    "parse_mode",
    "url",
    "secret_token",
    "filename",
}
SEND_METHODS = {"sendmessage", "sendphoto", "sendvoice", "senddocument"}


@dataclass
class Sent:
    """A message the bot delivered."""

    method: str
    chat_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    message_id: int
    params: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when the fake took it

    @property
    def labels(self) -> list[str]:
        return [b["text"] for row in self.buttons for b in row]

    def data_for(self, label_part: str) -> str:
        for row in self.buttons:
            for b in row:
                if label_part in b["text"]:
                    return str(b["callback_data"])
        raise AssertionError(f"no button with {label_part!r} in {self.labels}")


class FakeTelegram:
    def __init__(
        self,
        flood_per_second: int | None = None,
        fail_rate: float = 0.0,
        seed: int = 7,
        drop_rate: float = 0.0,
        slow_rate: float = 0.0,
        slow_seconds: float = 1.5,
    ) -> None:
        self.flood_per_second = flood_per_second
        self.fail_rate = fail_rate
        self.drop_rate = drop_rate  # half of the drops happen after the message took effect
        self.slow_rate = slow_rate
        self.slow_seconds = slow_seconds
        self.random = random.Random(seed)
        self.dropped_after: Counter[int] = Counter()  # per chat: sends that took effect, answer lost
        self.webhook: tuple[str, str] | None = None  # url and secret token
        self.webhook_posts: list[int] = []  # HTTP statuses the bot's webhook answered
        self._webhook_task: asyncio.Task[None] | None = None
        self.updates: list[dict[str, Any]] = []
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1000)
        self.sent: list[Sent] = []
        self.calls: list[tuple[str, int]] = []  # (method, HTTP status)
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.answered_queries: list[str] = []
        self.keyboards_removed: list[tuple[int, int]] = []  # (chat, message id)
        self.blocked: set[int] = set()
        self._new_update = asyncio.Event()
        self._sent_event = asyncio.Event()
        self._window: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = defaultdict(deque)
        self.runner: web.AppRunner | None = None
        self.port = 0

    # ----- server lifecycle ---------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        sockets = site._server.sockets  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self.runner:
            await self.runner.cleanup()

    # ----- what users do ------------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self.update_ids)
        update["update_id"] = update_id
        self.updates.append(update)
        self._new_update.set()
        return update_id

    def _user(self, user_id: int, first_name: str, lang: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": lang}

    def user_says(
        self,
        user_id: int,
        text: str,
        first_name: str = "老王",
        lang: str = "zh-hans",
        chat_type: str = "private",
        **extra: Any,
    ) -> int:
        chat_id = user_id if chat_type == "private" else -100 - user_id
        message: dict[str, Any] = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": chat_type,
                **({"title": "村群"} if chat_type != "private" else {}),
            },
            "from": self._user(user_id, first_name, lang),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message.update(extra)
        return self._push({"message": message})

    def user_sends(self, user_id: int, content: dict[str, Any], lang: str = "zh-hans") -> int:
        message = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, "老王", lang),
        }
        message.update(content)
        return self._push({"message": message})

    def user_edits(self, user_id: int, text: str) -> int:
        message = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": self._user(user_id, "老王", "zh-hans"),
            "text": text,
        }
        return self._push({"edited_message": message})

    def user_presses(self, user_id: int, sent: Sent, label_part: str, lang: str = "zh-hans") -> int:
        return self.user_presses_data(user_id, sent, sent.data_for(label_part), lang)

    def user_presses_data(self, user_id: int, sent: Sent, data: str, lang: str = "zh-hans") -> int:
        query = {
            "id": str(next(self.message_ids)),
            "from": self._user(user_id, "老王", lang),
            "chat_instance": str(user_id),
            "data": data,
            "message": {
                "message_id": sent.message_id,
                "date": int(time.time()),
                "chat": {"id": sent.chat_id, "type": "private"},
                "from": BOT_USER,
                "text": sent.text,
            },
        }
        return self._push({"callback_query": query})

    def push_raw(self, update: dict[str, Any]) -> int:
        """Any update, however odd (a kind the bot didn't ask for, a field missing)."""
        return self._push(update)

    def resend(self, update_id: int) -> None:
        """Deliver an update again, as Telegram may after a timeout."""
        original = next(u for u in self.updates if u["update_id"] == update_id)
        self.updates.append(dict(original))
        self._new_update.set()

    # ----- what tests wait for --------------------------------------------------------------------

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    async def wait_for(self, chat_id: int, count: int, timeout: float = 20) -> list[Sent]:
        """Wait until `count` messages in all have reached the chat; return them."""
        deadline = time.monotonic() + timeout
        while len(self.to(chat_id)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = [s.text[:40] for s in self.to(chat_id)]
                raise AssertionError(f"chat {chat_id}: waited for {count} messages, got {len(got)}: {got}")
            self._sent_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._sent_event.wait(), min(remaining, 0.5))
        return self.to(chat_id)

    async def next_reply(self, chat_id: int, after: int, containing: str = "", timeout: float = 20) -> Sent:
        """The first message to the chat after the first `after` ones that contains the text."""
        deadline = time.monotonic() + timeout
        while True:
            for s in self.to(chat_id)[after:]:
                if containing in s.text:
                    return s
            if time.monotonic() > deadline:
                texts = [s.text[:50] for s in self.to(chat_id)[after:]]
                raise AssertionError(f"no reply containing {containing!r} to {chat_id}: {texts}")
            await asyncio.sleep(0.02)

    # ----- the Bot API ------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                # Kept whole, so a test can read the picture or document the bot uploaded.
                params[key] = {"file": value.filename, "data": value.file.read()}
            elif key in STRING_FIELDS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except (json.JSONDecodeError, TypeError):
                    params[key] = value
        return params

    def _reply(self, method: str, result: Any, status: int = 200, **error: Any) -> web.Response:
        self.calls.append((method, status))
        body = (
            {"ok": True, "result": result} if status == 200 else {"ok": False, "error_code": status, **error}
        )
        return web.json_response(body, status=status)

    def _flooded(self) -> bool:
        if self.flood_per_second is None:
            return False
        now = time.monotonic()
        while self._window and now - self._window[0] > 1:
            self._window.popleft()
        if len(self._window) >= self.flood_per_second:
            return True
        self._window.append(now)
        return False

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        lower = method.lower()
        if request.match_info["token"] != TOKEN:
            return self._reply(method, None, 401, description="Unauthorized")
        params = await self._params(request)
        if lower == "getupdates":
            return self._reply(method, await self._get_updates(params))
        if lower == "getme":
            return self._reply(method, BOT_USER)
        if lower == "setwebhook":
            self.webhook = (str(params["url"]), str(params.get("secret_token") or ""))
            if self._webhook_task is None:
                self._webhook_task = asyncio.create_task(self._post_updates())
            return self._reply(method, True)
        if lower == "deletewebhook":
            self.webhook = None
            return self._reply(method, True)
        if lower in ("sendchataction", "close", "logout"):
            return self._reply(method, True)
        if lower == "setmycommands":
            scope = params.get("scope") or {}
            where = f"chat:{scope['chat_id']}" if scope.get("type") == "chat" else ""
            self.commands[where + str(params.get("language_code", ""))] = params["commands"]
            return self._reply(method, True)
        if lower == "answercallbackquery":
            self.answered_queries.append(str(params["callback_query_id"]))
            return self._reply(method, True)
        if lower == "editmessagereplymarkup" and not params.get("reply_markup"):
            self.keyboards_removed.append((int(params["chat_id"]), int(params["message_id"])))
            return self._reply(method, True)
        if lower in ("editmessagereplymarkup", "editmessagetext"):
            return self._reply(method, True)
        if lower in SEND_METHODS:
            return await self._misbehaving_send(request, method, params)
        return self._reply(method, None, 404, description="Not Found: method not found")

    async def _misbehaving_send(
        self, request: web.Request, method: str, params: dict[str, Any]
    ) -> web.Response:
        if self.slow_rate and self.random.random() < self.slow_rate:
            await asyncio.sleep(self.slow_seconds)
        if self.drop_rate and self.random.random() < self.drop_rate:
            if self.random.random() < 0.5:
                response = self._send(method, params)  # it took effect...
                if response.status == 200:
                    self.dropped_after[int(params["chat_id"])] += 1
            self.calls.append((method, 0))
            assert request.transport is not None
            request.transport.close()  # ...but the bot never hears back
            return web.Response(status=500)
        return self._send(method, params)

    def _send(self, method: str, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return self._reply(method, None, 403, description="Forbidden: bot was blocked by the user")
        if self._flooded():
            return self._reply(
                method,
                None,
                429,
                description="Too Many Requests: retry after 1",
                parameters={"retry_after": 1},
            )
        if self.fail_rate and self.random.random() < self.fail_rate:
            return self._reply(method, None, 500, description="Internal Server Error")
        text = str(params.get("text") or params.get("caption") or "")
        markup = params.get("reply_markup") or {}
        message_id = next(self.message_ids)
        self.sent.append(Sent(method, chat_id, text, markup.get("inline_keyboard", []), message_id, params))
        self._sent_event.set()
        result: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
        }
        if text:
            result["caption" if method.lower() != "sendmessage" else "text"] = text
        if method.lower() == "sendphoto":
            result["photo"] = [
                {
                    "file_id": f"photo-{message_id}",
                    "file_unique_id": f"u{message_id}",
                    "width": 320,
                    "height": 240,
                }
            ]
        if method.lower() == "sendvoice":
            result["voice"] = {
                "file_id": f"voice-{message_id}",
                "file_unique_id": f"v{message_id}",
                "duration": 3,
            }
        if method.lower() == "senddocument":
            result["document"] = {"file_id": f"doc-{message_id}", "file_unique_id": f"d{message_id}"}
        return self._reply(method, result)

    async def _post_updates(self) -> None:
        """Webhook delivery: each update in order, posted until the bot answers 200."""
        import aiohttp

        async with aiohttp.ClientSession() as session:
            while True:
                if self.webhook is None or not self.updates:
                    self._new_update.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._new_update.wait(), 0.5)
                    continue
                url, secret = self.webhook
                update = self.updates[0]
                try:
                    async with session.post(
                        url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                    ) as answer:
                        self.webhook_posts.append(answer.status)
                        if answer.status == 200:
                            self.updates.pop(0)
                            continue
                except aiohttp.ClientError:
                    self.webhook_posts.append(0)
                await asyncio.sleep(0.2)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        while True:
            if offset:
                # Confirmed updates are forgotten, as on Telegram.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if self.updates:
                return list(self.updates[:100])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                return []
