"""The webhook, end to end: the fake Bot API posts updates to the bot's own HTTP server.

What a learner sees is the same as with polling; what a stranger can post is refused: no secret
token (403), a body that is not an update (400), a body over the limit (413).
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.channels.telegram.receivers import WebhookServer
from bot.content.loader import Curriculum
from tests.telegram_harness import ALICE, Harness, onboard, open_first_lesson, running


@pytest.fixture
async def hooked(tmp_path: Path, curriculum: Curriculum) -> AsyncIterator[Harness]:
    async with running(tmp_path, curriculum, webhook=True) as harness:
        yield harness


async def post(harness: Harness, body: bytes, secret: str | None, path: str = "/telegram") -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{harness.port}{path}", data=body, headers=headers) as answer,
    ):
        return answer.status


async def test_a_learner_takes_a_lesson_through_the_webhook(hooked: Harness) -> None:
    assert hooked.fake.webhook is not None
    url, secret = hooked.fake.webhook
    assert url.endswith("/telegram") and secret == hooked.secret
    await onboard(hooked)
    await open_first_lesson(hooked)
    await hooked.press(ALICE, "下一步", "（2/3）")
    assert set(hooked.fake.webhook_posts) == {200}


async def test_a_post_without_the_secret_token_is_refused_and_changes_nothing(hooked: Harness) -> None:
    stranger = {"id": 77, "is_bot": False, "first_name": "x"}
    message = {"message_id": 1, "date": 1, "chat": {"id": 77, "type": "private"}, "from": stranger}
    update = json.dumps({"update_id": 990001, "message": {**message, "text": "/start"}}).encode()
    assert await post(hooked, update, None) == 403
    assert await post(hooked, update, "wrong") == 403
    assert hooked.learner_row(77) == ()
    assert hooked.fake.to(77) == []


async def test_bodies_that_are_not_updates_get_400_and_oversized_ones_413(hooked: Harness) -> None:
    assert await post(hooked, b"{not json", hooked.secret) == 400
    assert await post(hooked, b"[1, 2, 3]", hooked.secret) == 400
    assert await post(hooked, b'{"update_id": "seven"}', hooked.secret) == 400
    assert await post(hooked, b'{"update_id": 1, "x": "' + b"a" * 1_100_000 + b'"}', hooked.secret) == 413
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{hooked.port}/healthz") as answer,
    ):
        assert answer.status == 200
    # The bot is still fine.
    await onboard(hooked)


async def test_an_update_posted_twice_acts_once(hooked: Harness) -> None:
    await onboard(hooked)
    step1 = await open_first_lesson(hooked)
    before = len(hooked.fake.to(ALICE))
    update_id = hooked.fake.user_presses(ALICE, step1, "下一步")
    hooked.fake.resend(update_id)
    await hooked.fake.next_reply(ALICE, before, "（2/3）")
    await hooked.handled(update_id)
    steps = [s for s in hooked.fake.to(ALICE)[before:] if "（2/3）" in s.text]
    assert len(steps) == 1


async def test_without_a_secret_token_one_is_made_and_given_to_telegram(
    tmp_path: Path, curriculum: Curriculum
) -> None:
    async with running(tmp_path, curriculum, webhook=True) as harness:
        harness.secret = ""  # as if --secret-token was not given
        await harness.stop()
        await harness.start()
        assert harness.fake.webhook is not None
        _url, secret = harness.fake.webhook
        assert len(secret) >= 32
        assert await post(harness, b'{"update_id": 5}', None) == 403
        harness.secret = secret
        await onboard(harness)


async def test_the_webhook_listens_on_an_ipv6_address_when_given_one() -> None:
    try:
        socket.create_server(("::1", 0), family=socket.AF_INET6).close()
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    server = WebhookServer(intake=None, secret="x")  # type: ignore[arg-type]  # health check only
    port = await server.start("::1", 0)
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://[::1]:{port}/healthz") as answer,
        ):
            assert answer.status == 200
    finally:
        await server.stop()
