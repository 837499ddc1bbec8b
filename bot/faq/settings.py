"""The matcher's settings: thresholds per language, the confidence model, and the weights of its channels.

Read from `content/faq/_matcher.yaml` beside the bank; the thresholds and the confidence model's
weights there are fitted on the tune split of the evaluation set (`farmskills faq eval --calibrate
--write`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.models import LANGS
from bot.content.yaml_text import parse_yaml
from bot.faq.confidence import FEATURES, Confidence, Logistic
from bot.faq.decision import Thresholds


@dataclass(frozen=True)
class MatcherSettings:
    thresholds: dict[str, Thresholds] = field(
        # for a bank not calibrated yet: a clear lead counts half towards an answer
        default_factory=lambda: {lang: Thresholds(80, 8, 55, gap=25, lead=0.5) for lang in LANGS}
    )
    pinyin_weight: float = 0.95  # a pinyin-only likeness counts a little less than the same words
    keyword_bonus: float = 8.0  # points per keyword hit (divided among the entries it names)
    keyword_cap: float = 2.0  # at most this many hits' worth of bonus
    coverage_weight: float = 0.7  # share of the score from word coverage; the rest from phrasings
    answer_weight: float = 0.7  # a word found only in an entry's answer counts this much
    clause_weight: float = 0.97  # a clause of a long message counts a little less than a whole question
    kind_penalty: float = 0.25  # share taken off when the question asks what the entry doesn't answer
    single_word_factor: float = 0.6  # one word shared by several entries is not enough to answer
    recall_weight: float = 0.6  # in a long message, share of the score from phrasing recall
    whole_weight: float = 0.3  # in a message of several clauses, share kept for the whole message
    # a piece of a message scores an entry at most this much above the whole message does: a
    # clause alone cannot carry an entry the rest of the message does not back (off when None)
    piece_margin: float | None = None

    @classmethod
    def load(cls, path: Path) -> MatcherSettings:
        if not path.is_file():
            return cls()
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
        base = cls()
        thresholds = dict(base.thresholds)
        for lang, values in (data.get("thresholds") or {}).items():
            thresholds[str(lang)] = Thresholds(
                float(values["answer"]),
                float(values["margin"]),
                float(values["choices"]),
                float(values.get("gap", 100.0)),
                float(values.get("lead", 0.0)),
                float(values.get("choices_lead", 0.0)),
                _confidence(values.get("confidence")),
            )
        return cls(
            thresholds=thresholds,
            pinyin_weight=float(data.get("pinyin_weight", base.pinyin_weight)),
            keyword_bonus=float(data.get("keyword_bonus", base.keyword_bonus)),
            keyword_cap=float(data.get("keyword_cap", base.keyword_cap)),
            coverage_weight=float(data.get("coverage_weight", base.coverage_weight)),
            answer_weight=float(data.get("answer_weight", base.answer_weight)),
            clause_weight=float(data.get("clause_weight", base.clause_weight)),
            kind_penalty=float(data.get("kind_penalty", base.kind_penalty)),
            single_word_factor=float(data.get("single_word_factor", base.single_word_factor)),
            recall_weight=float(data.get("recall_weight", base.recall_weight)),
            whole_weight=float(data.get("whole_weight", base.whole_weight)),
            piece_margin=_optional(data.get("piece_margin", base.piece_margin)),
        )


def _optional(value: Any) -> float | None:
    return None if value is None else float(value)


def _confidence(data: dict[str, Any] | None) -> Confidence | None:
    """The confidence model written by the calibration, or None (the rules decide). A weight
    missing from the file counts as 0, so a feature added later doesn't break an older file."""
    if not data:
        return None

    def logistic(weights: dict[str, Any]) -> Logistic:
        return Logistic(float(weights["bias"]), tuple(float(weights.get(name, 0.0)) for name in FEATURES))

    right = data.get("right")
    answer_at = data.get("answer_at")
    return Confidence(
        logistic(data["shown"]),
        float(data["choices_at"]),
        logistic(right) if right else None,
        float(answer_at) if answer_at is not None and right else None,
    )
