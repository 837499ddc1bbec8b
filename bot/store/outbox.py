"""OutboxStore: messages owed to learners that could not be delivered yet, kept until they are.

Messages are stored as JSON of the core's `Message`, so any channel could use it; Telegram does.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from bot.core.messages import Button, Document, Message
from bot.store.tables import OutboxMessage


def message_to_json(message: Message) -> str:
    data: dict[str, Any] = {
        "text": message.text,
        "keyboard": [[[b.label, b.action] for b in row] for row in message.keyboard],
        "image": str(message.image) if message.image else None,
        "voice": str(message.voice) if message.voice else None,
    }
    if message.document:
        data["document"] = {
            "filename": message.document.filename,
            "mime": message.document.mime,
            "data": base64.b64encode(message.document.data).decode(),
        }
    return json.dumps(data, ensure_ascii=False)


def message_from_json(raw: str) -> Message:
    data = json.loads(raw)
    doc = data.get("document")
    return Message(
        text=data["text"],
        keyboard=tuple(tuple(Button(label, action) for label, action in row) for row in data["keyboard"]),
        image=Path(data["image"]) if data.get("image") else None,
        voice=Path(data["voice"]) if data.get("voice") else None,
        document=Document(doc["filename"], base64.b64decode(doc["data"]), doc["mime"]) if doc else None,
    )


@dataclass(frozen=True)
class Owed:
    id: int
    chat_id: int
    message: Message
    attempts: int


class OutboxStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def keep(self, chat_id: int, messages: list[Message], now: datetime) -> None:
        with Session(self.engine) as s:
            for message in messages:
                s.add(
                    OutboxMessage(
                        chat_id=chat_id,
                        payload=message_to_json(message),
                        attempts=0,
                        next_at=now,
                        created_at=now,
                    )
                )
            s.commit()

    def due(self, now: datetime, limit: int = 100) -> list[Owed]:
        with Session(self.engine) as s:
            rows = s.exec(
                select(OutboxMessage)
                .where(OutboxMessage.next_at <= now)
                .order_by(OutboxMessage.id)  # type: ignore[arg-type]
                .limit(limit)
            ).all()
            return [Owed(r.id or 0, r.chat_id, message_from_json(r.payload), r.attempts) for r in rows]

    def pending(self) -> int:
        with Session(self.engine) as s:
            return len(s.exec(select(OutboxMessage.id)).all())

    def delivered(self, owed_id: int) -> None:
        with Session(self.engine) as s:
            s.exec(delete(OutboxMessage).where(OutboxMessage.id == owed_id))  # type: ignore[arg-type]
            s.commit()

    def postpone(self, owed_id: int, now: datetime) -> None:
        with Session(self.engine) as s:
            row = s.get(OutboxMessage, owed_id)
            if row is not None:
                row.attempts += 1
                # Back off up to an hour between tries: a learner with no signal for a day still gets it.
                row.next_at = now + timedelta(seconds=min(3600, 30 * 2 ** min(row.attempts, 7)))
                s.add(row)
                s.commit()

    def drop_chat(self, chat_id: int) -> None:
        with Session(self.engine) as s:
            s.exec(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))  # type: ignore[arg-type]
            s.commit()
