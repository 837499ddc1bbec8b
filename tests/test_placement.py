"""The placement test places right: guessing rarely skips a tier; knowing the material does.

Simulated learners take the shipped tracks' placement tests through the real engine (the same
presses a learner makes); the dialogue stories use the small test content.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content.loader import Curriculum
from bot.content.models import PlacementQuestion, Tier
from bot.core.engine import LessonEngine
from bot.core.state import LearnerView, Place, PlacementTaken, Profile, Progress, Screen
from tests.dialog import Learner, open_level_test

REPO = Path(__file__).resolve().parents[1]
RUNS = 1000
Answerer = Callable[[PlacementQuestion, random.Random], int]


def take_test(engine: LessonEngine, track: str, answer: Answerer, rng: random.Random) -> tuple[Tier, int]:
    """One placement test, press by press; the tier placed and how many questions were asked."""
    view = LearnerView(Profile(1, "zh", "老王"), Place(screen=Screen.placement, track=track), Progress())
    questions = engine.cur.tracks[track].placement
    asked = 0
    while True:
        index = len(view.place.answers)
        choice = answer(questions[index], rng)
        asked += 1
        outcome = engine.press(view, f"pla:{track}:{index}:{choice}")
        taken = [c for c in outcome.changes if isinstance(c, PlacementTaken)]
        if taken:
            return taken[0].placed, asked
        assert outcome.place.screen is Screen.placement, outcome.response.messages[0].text
        view = LearnerView(view.profile, outcome.place, view.progress)


def guesser(q: PlacementQuestion, rng: random.Random) -> int:
    return rng.randrange(len(q.options))


def knows(*tiers: Tier) -> Answerer:
    """Right on the tiers the learner knows, a guess on the others."""
    return lambda q, rng: q.right_index if q.tier in tiers else guesser(q, rng)


def wrong_on_others(*tiers: Tier) -> Answerer:
    """Right on the tiers the learner knows, wrong on the others: where they must land, exactly."""
    return lambda q, rng: q.right_index if q.tier in tiers else (q.right_index + 1) % len(q.options)


@pytest.mark.parametrize("track", ["ecommerce", "livestream", "machinery"])
def test_a_random_guesser_is_placed_above_basic_in_at_most_one_test_in_ten(
    shipped: Curriculum, track: str
) -> None:
    engine = LessonEngine(shipped)
    rng = random.Random(f"guesser-{track}")
    placed = Counter(take_test(engine, track, guesser, rng)[0] for _ in range(RUNS))
    above = placed[Tier.intermediate] + placed[Tier.advanced]
    print(f"\n{track}: {RUNS} guessers placed {dict(placed)}; above basic {above / RUNS:.1%}")
    assert above / RUNS <= 0.10
    assert placed[Tier.advanced] / RUNS <= 0.01


@pytest.mark.parametrize("track", ["ecommerce", "livestream", "machinery"])
def test_a_learner_who_knows_the_material_lands_on_the_right_tier(shipped: Curriculum, track: str) -> None:
    engine = LessonEngine(shipped)
    rng = random.Random(track)
    b, i, a = Tier.basic, Tier.intermediate, Tier.advanced
    assert take_test(engine, track, wrong_on_others(), rng) == (b, 3)  # stops after the basic questions
    assert take_test(engine, track, wrong_on_others(b), rng)[0] is i
    assert take_test(engine, track, wrong_on_others(b, i), rng)[0] is a
    assert take_test(engine, track, wrong_on_others(b, i, a), rng) == (a, 9)
    # Knowing basic and guessing the rest: intermediate nearly always, advanced rarely.
    placed = Counter(take_test(engine, track, knows(b), rng)[0] for _ in range(300))
    assert placed[i] / 300 >= 0.9 and placed[b] == 0


def test_every_shipped_placement_question_has_three_options_and_every_tier_three_questions(
    shipped: Curriculum,
) -> None:
    for track in shipped.tracks.values():
        tiers = Counter(q.tier for q in track.placement)
        assert all(tiers[t] >= 3 for t in Tier), track.track
        assert all(len(q.options) >= 3 for q in track.placement), track.track


def test_the_result_shows_the_score_and_what_it_means_and_next_follows_it(learner: Learner) -> None:
    learner.onboard()
    open_level_test(learner, "进阶")
    assert "水平测试 第1题（基础题）" in learner.text
    for _ in range(3):
        learner.tap("2️⃣")  # basic right
    assert "第4题（进阶题）" in learner.text
    learner.tap("2️⃣")
    learner.tap("1️⃣")  # one intermediate question wrong
    learner.tap("2️⃣")
    assert "✅ 基础题：答对 3/3" in learner.text and "✖️ 进阶题：答对 2/3" in learner.text
    assert "“基础”的内容您已经会了，建议从“进阶”开始" in learner.text
    assert learner.labels()[0] == "▶️ 第1课" and "i-lesson-01" in learner.buttons[0].action
    learner.tap("主页")
    assert "i-lesson-01" in learner.text or "第1课" in learner.text  # Home's "Next" is the placed tier
    learner.tap("继续学习")
    assert "i-lesson-01 第1步" in learner.text


def test_a_learner_who_answers_every_question_right_is_told_they_know_the_track(learner: Learner) -> None:
    learner.onboard()
    open_level_test(learner, "高级")
    for _ in range(9):
        learner.tap("2️⃣")
    assert "高级题：答对 3/3" in learner.text and "这门课您已经很熟" in learner.text
    assert "a-lesson-01" in learner.buttons[0].action
