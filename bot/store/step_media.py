"""StepMediaStore: photos and voice notes trainers attach to lesson steps from their phones.

Only the channel's file reference is kept (nothing is downloaded). A trainer's `/attach` leaves a
draft; their next photo or voice note fills it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, bindparam, delete
from sqlmodel import col, select

from bot.store.database import connected, open_session
from bot.store.tables import AttachDraft, StepMedia

# Read for every step shown: built once.
_OF_STEP = select(StepMedia.kind, StepMedia.ref).where(
    col(StepMedia.lesson_id) == bindparam("lesson"), col(StepMedia.step) == bindparam("step")
)


class StepMediaStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def media(self, lesson_id: str, step: int) -> dict[str, str]:
        """kind (photo / voice) → reference, for one step."""
        with connected(self.engine) as conn:
            rows = conn.execute(_OF_STEP, {"lesson": lesson_id, "step": step}).all()
        return {kind: ref for kind, ref in rows}

    def attach(self, lesson_id: str, step: int, kind: str, ref: str, by: str, now: datetime) -> None:
        with open_session(self.engine) as s:
            row = s.get(StepMedia, (lesson_id, step, kind))
            if row is None:
                row = StepMedia(lesson_id=lesson_id, step=step, kind=kind, ref=ref, added_by=by, added_at=now)
            row.ref, row.added_by, row.added_at = ref, by, now
            s.add(row)
            s.commit()

    def detach(self, lesson_id: str, step: int) -> int:
        with open_session(self.engine) as s:
            result = s.execute(
                delete(StepMedia).where(col(StepMedia.lesson_id) == lesson_id, col(StepMedia.step) == step)
            )
            s.commit()
            return int(getattr(result, "rowcount", 0) or 0)

    def start(self, user_id: str, lesson_id: str, step: int, now: datetime) -> None:
        with open_session(self.engine) as s:
            draft = s.get(AttachDraft, user_id) or AttachDraft(
                user_id=user_id, lesson_id=lesson_id, step=step, started_at=now
            )
            draft.lesson_id, draft.step, draft.started_at = lesson_id, step, now
            s.add(draft)
            s.commit()

    def draft_of(self, user_id: str) -> tuple[str, int] | None:
        with open_session(self.engine) as s:
            draft = s.get(AttachDraft, user_id)
        return (draft.lesson_id, draft.step) if draft is not None else None

    def drop(self, user_id: str) -> None:
        with open_session(self.engine) as s:
            s.execute(delete(AttachDraft).where(col(AttachDraft.user_id) == user_id))
            s.commit()
