"""CertificateDesk: one picture per finished tier, drawn when a learner earns them or presses the
certificate button.

Pillow is imported at the first certificate, not when the bot starts. A machine without a
Chinese font gives no picture (and a log line) rather than a broken one.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from bot.app.desk import Identity
from bot.content.loader import Curriculum
from bot.content.models import Tier
from bot.core.engine import LessonEngine
from bot.core.messages import Input, Message, Press, Response, keyboard
from bot.core.schedule import local
from bot.core.state import LearnerView

log = logging.getLogger(__name__)


def default_directory() -> Path:
    """Certificates are drawn again whenever asked for: a temporary folder is enough."""
    fallback = Path(tempfile.gettempdir()) / "farmskills-certificates"
    return Path(os.environ.get("FARMSKILLS_CERTIFICATES", fallback))


class CertificateDesk:
    def __init__(self, engine: LessonEngine, curriculum: Curriculum, directory: Path | None = None) -> None:
        self.engine = engine
        self.curriculum = curriculum
        self.directory = directory or default_directory()

    def handle(self, who: Identity, view: LearnerView, inp: Input, now: datetime) -> Response | None:
        """The certificate button: a picture of every tier finished so far."""
        if not (isinstance(inp, Press) and inp.action == "cert"):
            return None
        return Response(tuple(self.pictures(view, self.engine.completed_tiers(view), now)))

    def pictures(self, view: LearnerView, tiers: list[tuple[str, Tier]], now: datetime) -> list[Message]:
        """One certificate picture per tier; none (and a log line) where no Chinese font is installed."""
        from bot.media.certificate import CertificateText, NoCjkFont, render_certificate

        engine, curriculum = self.engine, self.curriculum
        lang, t = view.profile.lang, engine.t
        if not tiers:
            return [Message(t(lang, "no_certificates"), keyboard(engine.home_button(lang)))]
        day = local(now, view.profile.timezone).date()
        date = f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else day.strftime("%d %b %Y")
        messages = []
        for track, tier in tiers:
            title = curriculum.tracks[track].title.get(lang)
            text = CertificateText(
                heading=t(lang, "certificate_heading"),
                name=view.profile.name or "—",
                line=t(lang, "certificate_line", track=title, tier=engine.tier_name(lang, tier)),
                issued=t(lang, "certificate_issued", date=date),
            )
            path = self.directory / f"certificate-{view.profile.learner_id}-{track}-{tier.value}-{lang}.png"
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                path.write_bytes(render_certificate(text))
            except (NoCjkFont, OSError) as exc:
                log.warning("certificate not drawn: %s", exc)
                continue
            messages.append(Message(t(lang, "certificate_caption"), image=path))
        return messages
