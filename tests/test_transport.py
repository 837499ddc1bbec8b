"""The Bot API client (aiohttp under python-telegram-bot): what Telegram gets, and how trouble shows.

The courier's retries rely on the client's contract: a slow answer is `TimedOut`, a connection
that goes away is `NetworkError`, anything Telegram answers comes back as status and body. Uploads
(a certificate, a report) go up as multipart with their other parameters beside them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.channels.telegram.transport import AiohttpRequest


class Server:
    def __init__(self) -> None:
        self.got: list[dict[str, Any]] = []
        self.port = 0

    async def answer(self, request: web.Request) -> web.StreamResponse:
        what = request.match_info["what"]
        if what == "slow":
            await asyncio.sleep(2)
        if what == "drop":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        if request.content_type == "application/json":
            fields = await request.json()
        else:
            form = await request.post()
            fields = {k: (v.file.read() if hasattr(v, "file") else v) for k, v in form.items()}
        self.got.append(
            {"content_type": request.content_type, "agent": request.headers.get("User-Agent", ""), **fields}
        )
        return web.json_response({"ok": True, "result": True}, status=200 if what == "ok" else 400)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()
    app = web.Application()
    app.router.add_post("/{what}", srv.answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    srv.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield srv
    await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(read_timeout=0.5)
    await request.initialize()
    yield request
    await request.shutdown()


def params(**values: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in values.items()])


async def test_a_plain_call_goes_as_json_with_objects_as_objects_and_any_answer_comes_back(
    server: Server, client: AiohttpRequest
) -> None:
    url = f"http://127.0.0.1:{server.port}"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("下一步", callback_data="next")]])
    sent = params(chat_id=7, text="你好", reply_markup=keyboard)
    status, body = await client.do_request(f"{url}/ok", "POST", sent)
    assert (status, body) == (200, b'{"ok": true, "result": true}')
    assert server.got[0]["content_type"] == "application/json"
    assert (server.got[0]["chat_id"], server.got[0]["text"]) == (7, "你好")
    button = {"text": "下一步", "callback_data": "next"}
    assert server.got[0]["reply_markup"] == {"inline_keyboard": [[button]]}
    assert "python-telegram-bot" in server.got[0]["agent"]
    status, _ = await client.do_request(f"{url}/refused", "POST", params(chat_id=7))
    assert status == 400  # python-telegram-bot turns it into BadRequest, as with any client


async def test_an_upload_goes_as_multipart_beside_its_parameters(
    server: Server, client: AiohttpRequest
) -> None:
    picture = InputFile(b"\x89PNG picture", filename="certificate.png")
    data = params(chat_id=7, caption="证书", photo=picture)
    status, _ = await client.do_request(f"http://127.0.0.1:{server.port}/ok", "POST", data)
    assert status == 200
    got = server.got[0]
    assert got["content_type"] == "multipart/form-data"
    assert (got["chat_id"], got["caption"], got["photo"]) == ("7", "证书", b"\x89PNG picture")


async def test_a_slow_answer_times_out_and_a_dropped_connection_is_a_network_error(
    server: Server, client: AiohttpRequest
) -> None:
    url = f"http://127.0.0.1:{server.port}"
    with pytest.raises(TimedOut):
        await client.do_request(f"{url}/slow", "POST", params(chat_id=7))
    with pytest.raises(NetworkError):
        await client.do_request(f"{url}/drop", "POST", params(chat_id=7))
    status, _ = await client.do_request(f"{url}/ok", "POST", params(chat_id=7))
    assert status == 200  # the pool is still usable afterwards


def test_a_proxy_named_in_the_environment_is_used_unless_no_proxy_names_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = "https://api.telegram.org/bot1:x/sendMessage"
    assert AiohttpRequest()._proxy(url) is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.farm:3128")
    assert AiohttpRequest()._proxy(url) == "http://proxy.farm:3128"
    monkeypatch.setenv("NO_PROXY", "api.telegram.org")
    assert AiohttpRequest()._proxy(url) is None
