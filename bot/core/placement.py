"""The placement test: a few questions per tier that let a learner who already knows skip ahead.

Questions come tier by tier (basic, then intermediate, then advanced), each with three options.
A tier is *known* when every one of its questions is answered right; the test stops at the first
tier that is not known, and the learner starts there. Knowing all three tiers places them at
advanced too, and says they know the track well. With three questions of three options per tier,
a learner who guesses skips basic with a chance of (1/3)³ ≈ 3.7% (tests/test_placement.py measures it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.content.models import PlacementQuestion, Tier
from bot.core.lessons import OPTION_ICONS
from bot.core.messages import Button, Message, keyboard
from bot.core.outcome import Outcome
from bot.core.state import Change, LearnerView, Place, PlacementTaken, Screen, TierUnlocked

if TYPE_CHECKING:
    from bot.core.engine import LessonEngine


def _tier_scores(
    questions: Sequence[PlacementQuestion], answers: Sequence[int]
) -> list[tuple[Tier, int, int, int]]:
    """(tier, right, answered, questions) for each tier, in order."""
    scores = []
    for tier in Tier:
        own = [(i, q) for i, q in enumerate(questions) if q.tier is tier]
        answered = [(i, q) for i, q in own if i < len(answers)]
        right = sum(1 for i, q in answered if answers[i] == q.right_index)
        scores.append((tier, right, len(answered), len(own)))
    return scores


def placement_tier(questions: Sequence[PlacementQuestion], answers: Sequence[int]) -> Tier:
    """The tier a learner starts at: the first whose questions they did not all answer right."""
    for tier, right, _answered, total in _tier_scores(questions, answers):
        if total and right < total:
            return tier
    return Tier.advanced


def placement_finished(questions: Sequence[PlacementQuestion], answers: Sequence[int]) -> bool:
    """True once a tier is answered with a mistake in it, or every question is answered."""
    if len(answers) >= len(questions):
        return True
    for _tier, right, answered, total in _tier_scores(questions, answers):
        if answered < total:
            return False
        if right < total:
            return True
    return True


class PlacementDesk:
    def __init__(self, engine: LessonEngine) -> None:
        self.engine = engine

    def start(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        if not parts or parts[0] not in self.engine.cur.tracks:
            return None
        return self.engine.show(view, Place(screen=Screen.placement, track=parts[0]))

    def question(self, view: LearnerView, track: str, index: int) -> Message:
        e, lang = self.engine, view.profile.lang
        q = e.cur.tracks[track].placement[index]
        header = e.t(lang, "placement_header", tier=e.tier_name(lang, q.tier), n=index + 1)
        buttons = [
            Button(f"{OPTION_ICONS[i]} {opt.get(lang)}", f"pla:{track}:{index}:{i}")
            for i, opt in enumerate(q.options)
        ]
        return Message(f"{header}\n\n{q.ask.get(lang)}", keyboard(*buttons, e.home_button(lang)))

    def answer(self, view: LearnerView, parts: list[str]) -> Outcome | None:
        place = view.place
        if len(parts) != 3 or place.screen is not Screen.placement or place.track != parts[0]:
            return None
        if not (parts[1].isdecimal() and parts[2].isdecimal()) or int(parts[1]) != len(place.answers):
            return None
        track = self.engine.cur.tracks[parts[0]]
        choice = int(parts[2])
        if int(parts[1]) >= len(track.placement) or choice >= len(track.placement[int(parts[1])].options):
            return None
        answers = (*place.answers, choice)
        if not placement_finished(track.placement, answers):
            return self.engine.show(view, place.moved(answers=answers))
        return self._result(view, track.track, answers)

    def _result(self, view: LearnerView, track: str, answers: tuple[int, ...]) -> Outcome:
        e, lang = self.engine, view.profile.lang
        questions = e.cur.tracks[track].placement
        placed = placement_tier(questions, answers)
        changes: list[Change] = [PlacementTaken(track, answers, placed)]
        unlocked = dict(view.progress.unlocked)
        if placed.rank > unlocked.get(track, Tier.basic).rank:
            changes.append(TierUnlocked(track, placed, "placement"))
            unlocked[track] = placed
        lines = [e.t(lang, "placement_done")]
        for tier, right, answered, _total in _tier_scores(questions, answers):
            if answered:
                icon = "✅" if right == answered else "✖️"
                lines.append(
                    e.t(
                        lang,
                        "placement_score",
                        icon=icon,
                        tier=e.tier_name(lang, tier),
                        right=right,
                        total=answered,
                    )
                )
        knows_all = all(right == total for _t, right, _a, total in _tier_scores(questions, answers))
        meaning = "placement_means_all" if knows_all else f"placement_means_{placed.value}"
        lines += ["", e.t(lang, meaning, tier=e.tier_name(lang, placed))]
        progress = replace(view.progress, unlocked=unlocked)
        target = Place(screen=Screen.tier, track=track, tier=placed)
        return e.show(replace(view, progress=progress), target, changes, before=[Message("\n".join(lines))])
