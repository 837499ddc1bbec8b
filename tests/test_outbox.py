"""The outbox as a store: who gets what, in which order, held by which sender, and for how long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.messages import Message, Picture
from bot.store.database import make_engine, unit_of_work, upgrade
from bot.store.outbox import SCHEDULED, Addressed, OutboxStore
from bot.store.payload import NotContentMedia, message_from_json, message_to_json
from bot.store.receipts import DeliveryReceipts, receipts_path
from tests.databases import database_for

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def outbox(tmp_path: Path) -> OutboxStore:
    url = database_for(tmp_path / "o.db")
    upgrade(url)
    return OutboxStore(make_engine(url))


def to(user: str, text: str) -> Addressed:
    return Addressed("telegram", user, Message(text))


def test_each_users_messages_are_taken_in_order_and_replies_before_scheduled_ones(tmp_path: Path) -> None:
    box = outbox(tmp_path)
    box.put([to("1", "reminder")], NOW, priority=SCHEDULED)
    box.put([to("2", "a"), to("2", "b")], NOW)
    taken = box.claim("telegram", "s1", NOW, limit=2)
    assert [(o.user_id, o.message.text) for o in taken] == [("2", "a"), ("2", "b")]
    assert [o.message.text for o in box.claim("telegram", "s1", NOW)] == ["reminder"]


def test_a_row_held_by_one_sender_is_not_taken_by_another_until_its_lease_runs_out(tmp_path: Path) -> None:
    box = outbox(tmp_path)
    box.put([to("1", "hello")], NOW)
    assert len(box.claim("telegram", "s1", NOW)) == 1
    assert box.claim("telegram", "s2", NOW + timedelta(seconds=5)) == []
    assert [o.message.text for o in box.claim("telegram", "s2", NOW + timedelta(minutes=2))] == ["hello"]


def test_a_postponed_message_holds_back_the_users_later_ones_even_a_fresh_reply(tmp_path: Path) -> None:
    box = outbox(tmp_path)
    box.put([to("1", "first")], NOW)
    [first] = box.claim("telegram", "s1", NOW)
    box.retry_later(first.id, NOW)  # Telegram did not take it: owed again in a few seconds
    held = box.put([to("1", "second"), to("2", "other")], NOW, claim=("telegram", "s1"))
    assert [o.message.text for o in held] == ["other"], "the second may not overtake the first"
    assert box.claim("telegram", "s1", NOW) == []
    later = box.claim("telegram", "s1", NOW + timedelta(minutes=5))
    assert [o.message.text for o in later if o.user_id == "1"] == ["first", "second"]


def test_a_reply_to_the_one_learner_who_wrote_waits_behind_their_postponed_message(tmp_path: Path) -> None:
    """The usual reply names one learner (checked by a statement of its own): the same rule."""
    box = outbox(tmp_path)
    box.put([to("1", "first")], NOW)
    [first] = box.claim("telegram", "s1", NOW)
    box.retry_later(first.id, NOW)
    assert box.put([to("1", "second")], NOW, claim=("telegram", "s1")) == []
    assert [o.message.text for o in box.put([to("2", "other")], NOW, claim=("telegram", "s1"))] == ["other"]


def test_a_reply_behind_messages_its_sender_is_sending_joins_them_but_not_behind_another_senders(
    tmp_path: Path,
) -> None:
    box = outbox(tmp_path)
    box.put([to("1", "step 1"), to("2", "elsewhere")], NOW)
    box.claim("telegram", "s1", NOW, user_id="1")
    box.claim("telegram", "s2", NOW, user_id="2")
    held = box.put([to("1", "step 2"), to("2", "reply")], NOW, claim=("telegram", "s1"))
    # s1 sends user 1's rows in order from its queue; user 2's earlier row is in s2's hands.
    assert [(o.user_id, o.message.text) for o in held] == [("1", "step 2")]


def test_a_reply_written_in_a_unit_of_work_is_held_for_its_sender_and_rolled_back_with_it(
    tmp_path: Path,
) -> None:
    box = outbox(tmp_path)
    try:
        with unit_of_work(box.engine):
            box.put([to("1", "lost with the change")], NOW, claim=("telegram", "s1"))
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert box.pending() == 0
    with unit_of_work(box.engine):
        held = box.put([to("1", "kept")], NOW, claim=("telegram", "s1"))
    assert [o.message.text for o in held] == ["kept"] and held[0].id > 0
    assert box.claim("telegram", "s2", NOW) == []  # already held by s1


def test_a_blocked_user_keeps_their_messages_as_failed_with_the_reason(tmp_path: Path) -> None:
    box = outbox(tmp_path)
    box.put([to("1", "a"), to("1", "b"), to("2", "c")], NOW)
    assert box.fail_user("telegram", "1", "blocked: bot was blocked by the user") == 2
    assert box.failed("telegram", "1") == ["blocked: bot was blocked by the user"] * 2
    assert [o.user_id for o in box.claim("telegram", "s1", NOW)] == ["2"]


def test_lesson_media_are_stored_inside_the_content_and_found_where_the_sender_keeps_it(
    tmp_path: Path,
) -> None:
    here, there = tmp_path / "a" / "content" / "media", Path("/srv/farmskills/content/media")
    step = Message("step 1", image=here / "shop" / "stall.png", voice=here / "shop" / "step1.mp3")
    stored = message_to_json(step, here)
    assert str(tmp_path) not in stored
    sent = message_from_json(stored, there)  # another machine, the same content elsewhere
    assert sent.image == there / "shop" / "stall.png" and sent.voice == there / "shop" / "step1.mp3"
    with pytest.raises(NotContentMedia, match="not in the content's media folder"):
        message_to_json(Message("x", image=tmp_path / "elsewhere.png"), here)


def test_a_picture_the_bot_drew_is_stored_whole(tmp_path: Path) -> None:
    box = outbox(tmp_path)
    drawn = Picture("certificate.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    box.put([Addressed("telegram", "1", Message("well done", picture=drawn))], NOW)
    [owed] = box.claim("telegram", "s1", NOW)
    assert owed.message.picture == drawn and owed.message.image is None


def test_receipts_of_a_killed_sender_are_read_back_and_start_afresh(tmp_path: Path) -> None:
    receipts = DeliveryReceipts(receipts_path(f"sqlite:///{tmp_path / 'o.db'}"))
    assert receipts.path == tmp_path / "o.db.receipts"
    receipts.add(7)
    receipts.add(9)
    assert receipts.read() == {7, 9}
    receipts.clear()
    assert receipts.read() == set()


def test_a_sender_taking_over_takes_back_what_others_held_and_keeps_what_it_holds(tmp_path: Path) -> None:
    url = database_for(tmp_path / "o.db")
    upgrade(url)
    outbox = OutboxStore(make_engine(url))
    outbox.put([Addressed("telegram", "1", Message("a")), Addressed("telegram", "2", Message("b"))], NOW)
    (mine,) = outbox.claim("telegram", "new-sender", NOW, user_id="1")
    (theirs,) = outbox.claim("telegram", "dead-sender", NOW, user_id="2")
    outbox.release_all("telegram", keep="new-sender")
    assert [o.id for o in outbox.claim("telegram", "new-sender", NOW)] == [theirs.id]
    assert outbox.claim("telegram", "third", NOW) == []  # its own row is still held: not sent twice
    assert mine.id != theirs.id
