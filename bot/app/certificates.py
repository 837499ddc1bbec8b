"""CertificateDesk: one picture per finished tier, drawn when a learner earns them or presses the
certificate button.

Pillow is imported at the first certificate, not when the bot starts. The picture travels in the
message itself (no file on this machine), so any worker can send it. A machine without a Chinese
font gives no picture (and a log line) rather than a broken one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.app.desk import Identity
from bot.content.loader import Curriculum
from bot.content.models import Tier
from bot.core.engine import LessonEngine
from bot.core.messages import Input, Message, Picture, Press, Response, keyboard
from bot.core.schedule import local
from bot.core.state import LearnerView

log = logging.getLogger(__name__)


class CertificateDesk:
    def __init__(self, engine: LessonEngine, curriculum: Curriculum) -> None:
        self.engine = engine
        self.curriculum = curriculum

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
            try:
                drawn = render_certificate(text)
            except (NoCjkFont, OSError) as exc:
                log.warning("certificate not drawn: %s", exc)
                continue
            picture = Picture(f"certificate-{track}-{tier.value}-{lang}.png", drawn)
            messages.append(Message(t(lang, "certificate_caption"), picture=picture))
        return messages
