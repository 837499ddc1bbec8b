"""Whatever a farmer types or taps, the bot answers and their data stays whole.

Property-based (hypothesis): thousands of generated inputs — any Unicode text (digits of every
script, right-to-left, zero-width, 10,000 characters), commands real and made up, taps on the
buttons just shown and on forged data, photos and stickers — go through the real service over the
shipped content. Every input must get a reply and leave the learner's saved state readable.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app.desk import Identity
from bot.app.service import LearningService, build_service
from bot.channels.console import ConsoleChannel
from bot.content.loader import load_curriculum
from bot.core.messages import Command, Input, Media, Press, Say
from bot.core.state import Place
from bot.faq.matcher import FaqMatcher
from tests.content_builder import REPO
from tests.databases import database_for

ODD_TEXT = ["²", "⓻", "٣", "𝟠", "Ⅻ", "١٢", "۳", "\u200b", "\u200f\u202eمرحبا", "‮abc", "🍎" * 50, "1\u20e3"]
COMMANDS = ["start", "menu", "progress", "income", "reminders", "help", "lang", "mydata", "forget", "mentor"]


def inputs() -> st.SearchStrategy[Input | int]:
    """An input, or an int meaning "tap the n-th button of the last reply"."""
    text = st.one_of(
        st.text(max_size=40),
        st.sampled_from(ODD_TEXT),
        st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=3),
        st.builds(lambda c, n: c * n, st.sampled_from(["啊", "a", " ", "\n"]), st.integers(1, 10_000)),
    )
    return st.one_of(
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 5),
        text.map(Say),
        st.builds(Command, st.sampled_from(COMMANDS), st.text(max_size=12)),
        st.builds(Command, st.text(alphabet="abcxyz_", min_size=1, max_size=8)),
        st.text(max_size=30).map(Press),
        st.sampled_from(["photo", "sticker", "voice", "location", "contact", "edited", "forwarded"]).map(
            lambda k: Media(k, "file-1" if k == "photo" else None)
        ),
    )


def check_state(service: LearningService, who: Identity) -> None:
    learner = service.store.find(who.channel, who.user_id)
    if learner is None:
        return  # forgotten: nothing stored is the right state
    place = Place.from_json(learner.place)
    assert Place.from_json(place.to_json()) == place
    if place.lesson is not None:
        assert place.lesson in service.curriculum.lessons, place


def test_thousands_of_generated_inputs_each_get_a_reply_and_leave_the_state_whole(tmp_path: Path) -> None:
    curriculum = load_curriculum(REPO)
    service = build_service(
        curriculum, database_for(tmp_path / "fuzz.db"), faq=FaqMatcher.for_curriculum(curriculum)
    )
    learners = itertools.count()
    handled = 0

    @settings(
        max_examples=250,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(inputs(), min_size=18, max_size=26))
    def conversation(steps: list[Input | int]) -> None:
        nonlocal handled
        who = Identity("console", f"fuzz-{next(learners)}", "", None)
        buttons = [b.action for m in service.handle(who, Command("start")).messages for b in m.buttons()]
        for step in steps:
            if isinstance(step, int):
                inp: Input = Press(buttons[step % len(buttons)]) if buttons else Command("menu")
            else:
                inp = step
            response = service.handle(who, inp)
            handled += 1
            assert response.messages, f"no reply to {inp!r}"
            shown = [b.action for m in response.messages for b in m.buttons()]
            buttons = shown or buttons
            check_state(service, who)

    conversation()
    assert handled >= 5_000, f"only {handled} inputs were generated"


def test_odd_digits_and_scripts_typed_in_the_terminal_get_answers(tmp_path: Path) -> None:
    curriculum = load_curriculum(REPO)
    service = build_service(curriculum, database_for(tmp_path / "odd.db"))
    typed = "\n".join(["²", "⓻", "٣", "𐩀", "\u200b", "مرحبا", "x" * 10_000, "/quit"]) + "\n"
    out = io.StringIO()
    channel = ConsoleChannel(service, Identity("console", "1"), io.StringIO(typed), out, tmp_path)
    assert channel.run() == 0
    printed = out.getvalue()
    assert printed.count("> ") >= 7 and "Traceback" not in printed
