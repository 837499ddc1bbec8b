"""The confidence model: the logistic fit, the decision it makes, and its round trip through
`content/faq/_matcher.yaml` (`bot/faq/confidence.py`, `calibration.py`, `settings.py`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.content.loader import load_curriculum
from bot.faq.confidence import FEATURES, Confidence, Logistic, fit_logistic
from bot.faq.decision import Decision, Scored, Thresholds, decide
from bot.faq.evaluation import write_thresholds
from bot.faq.matcher import FaqMatcher
from bot.faq.settings import MatcherSettings

REPO = Path(__file__).resolve().parents[1]


def test_the_fit_finds_the_signal_that_tells_and_ignores_noise() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 2))  # the first column tells, the second is noise
    y = rng.random(400) < 1 / (1 + np.exp(-3 * x[:, 0]))
    model = fit_logistic(x, y)
    assert model.weights[0] > 2 and abs(model.weights[1]) < 0.5
    p = model.probabilities(np.array([[2.0, 0.0], [-2.0, 0.0]]))
    assert p[0] > 0.9 > 0.1 > p[1]
    assert model.probability([2.0, 0.0]) == pytest.approx(p[0])


def _model(bias: float) -> Confidence:
    # P depends on the first feature only: P = 1 / (1 + exp(-(bias + 10 × feature)))
    weights = (10.0,) + (0.0,) * (len(FEATURES) - 1)
    return Confidence(Logistic(bias, weights), choices_at=0.5)


def test_the_model_decides_choices_and_the_rules_still_answer() -> None:
    limits = Thresholds(answer=80, margin=10, choices=50, gap=100, model=_model(-5.0))
    ranked = [Scored("a", 60), Scored("b", 55), Scored("c", 20)]
    sure = (0.9,) + (0.0,) * (len(FEATURES) - 1)  # P = 0.98
    unsure = (0.1,) + (0.0,) * (len(FEATURES) - 1)  # P = 0.02
    offered = decide(ranked, limits, features=sure)
    assert offered.decision is Decision.choices and offered.offered == ("a", "b", "c")
    assert decide(ranked, limits, features=unsure).decision is Decision.none
    # a clear winner is answered whatever the model says of choices
    clear = [Scored("a", 90), Scored("b", 40)]
    assert decide(clear, limits, features=unsure).decision is Decision.answer
    # without the best entry's signals, the rules' floor decides as before
    assert decide(ranked, limits).decision is Decision.choices
    assert decide([Scored("a", 45)], limits).decision is Decision.none


def test_an_answer_model_answers_where_the_rules_do_not() -> None:
    model = Confidence(
        Logistic(0.0, (0.0,) * len(FEATURES)), 0.9, Logistic(5.0, (0.0,) * len(FEATURES)), 0.95
    )
    limits = Thresholds(answer=80, margin=10, choices=50, model=model)
    close = [Scored("a", 60), Scored("b", 58)]
    features = (0.0,) * len(FEATURES)  # P(right) = 0.993
    assert decide(close, limits, features=features).decision is Decision.answer
    assert decide(close, limits, one_word=True, features=features).decision is not Decision.answer


def test_the_model_is_written_and_read_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "_matcher.yaml"
    path.write_text("keyword_cap: 3.0\n", encoding="utf-8")
    weights = tuple(round(0.25 * i - 1, 4) for i in range(len(FEATURES)))
    shown = Confidence(Logistic(-3.5, weights), 0.42)
    both = Confidence(Logistic(-3.5, weights), 0.42, Logistic(1.25, weights[::-1]), 0.9)
    thresholds = {
        "zh": Thresholds(59, 14, 52, 100, model=shown),
        "en": Thresholds(80, 10, 58, 12, 0.5, model=both),
    }
    write_thresholds(path, thresholds, "a test")
    loaded = MatcherSettings.load(path)
    assert loaded.thresholds == thresholds
    assert loaded.keyword_cap == 3.0  # the other settings are kept


def test_every_reading_reports_each_signal_of_its_best_entry() -> None:
    matcher = FaqMatcher.for_curriculum(load_curriculum(REPO))
    for text, lang in (("开店押金能退吗", "zh"), ("how do I get my shop deposit back", "en")):
        reading = matcher.read(text, lang)
        assert len(reading.features) == len(FEATURES)
        assert all(np.isfinite(reading.features))
    # the shipped settings carry a model for each language
    assert all(th.model is not None for th in matcher.settings.thresholds.values())
