"""A core `Message` as the outbox stores it: JSON that any machine serving the content can send.

Nothing in a stored message points at one machine's disk. A picture the bot drew (a certificate,
a chart) and a document travel whole, as base64. Lesson media shipped with the content travel as
their path inside the content's media folder and are found again under that folder when sent, on
whichever machine sends them. A row written before this rule (an absolute path) is read as it was.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from bot.core.messages import Button, Document, Message, Picture


class NotContentMedia(ValueError):
    """A file to send that is not in the content's media folder: it would only exist on this machine."""


def _relative(path: Path | None, media_root: Path | None) -> str | None:
    if path is None:
        return None
    if media_root is not None and path.is_relative_to(media_root):
        return path.relative_to(media_root).as_posix()
    raise NotContentMedia(
        f"{path} is not in the content's media folder ({media_root}); send a picture the bot "
        "draws as Message.picture"
    )


def _found(stored: str | None, media_root: Path | None) -> Path | None:
    if not stored:
        return None
    path = Path(stored)
    if path.is_absolute() or media_root is None:
        return path  # a row from before lesson media were stored relative to the content
    return media_root / path


def _blob(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def message_to_json(message: Message, media_root: Path | None = None) -> str:
    data: dict[str, Any] = {
        "text": message.text,
        "keyboard": [[[b.label, b.action] for b in row] for row in message.keyboard],
        "image": _relative(message.image, media_root),
        "voice": _relative(message.voice, media_root),
        "image_ref": message.image_ref,
        "voice_ref": message.voice_ref,
    }
    if message.document:
        data["document"] = {
            "filename": message.document.filename,
            "mime": message.document.mime,
            "data": _blob(message.document.data),
        }
    if message.picture:
        data["picture"] = {"filename": message.picture.filename, "data": _blob(message.picture.data)}
    return json.dumps(data, ensure_ascii=False)


def message_from_json(raw: str, media_root: Path | None = None) -> Message:
    data = json.loads(raw)
    doc = data.get("document")
    picture = data.get("picture")
    return Message(
        text=data["text"],
        keyboard=tuple(tuple(Button(label, action) for label, action in row) for row in data["keyboard"]),
        image=_found(data.get("image"), media_root),
        voice=_found(data.get("voice"), media_root),
        document=Document(doc["filename"], base64.b64decode(doc["data"]), doc["mime"]) if doc else None,
        picture=Picture(picture["filename"], base64.b64decode(picture["data"])) if picture else None,
        image_ref=data.get("image_ref"),
        voice_ref=data.get("voice_ref"),
    )
