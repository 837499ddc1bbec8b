"""A village where every answer is known, for the report's tests.

Five learners in two cohorts (east, west) and one without a cohort, over three weeks of May 2026,
written row by row as `bot/store/progress.py` writes them, on a content set with two tracks: `shop`
(two lessons per tier, three steps and one question each) and `farm` (one lesson per tier; its basic
lesson has four steps and two questions). Times are UTC; the learners live in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from bot.content.loader import Curriculum, load_curriculum
from bot.reports.build import build_report
from bot.reports.model import Cell, Report, ReportFilter
from bot.store.database import make_engine, upgrade
from bot.store.tables import (
    CheckAnswer,
    Cohort,
    FaqQuestion,
    Learner,
    LessonProgress,
    Outcome,
    PracticeReport,
    StepEvent,
)
from tests.content_builder import build_content, lesson, track, write_yaml
from tests.databases import database_for

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)  # Wednesday 20:00 in Shanghai

# Names and Telegram ids: long ids, so they cannot turn up by chance among a chart's numbers.
PEOPLE = {
    "alice": ("Alice Wang", "900000001"),
    "bo": ("Bo Li", "900000002"),
    "chen": ("Chen Jing", "900000003"),
    "dai": ("Dai Xiaoming", "900000004"),
    "eve": ("Eve Zhang", "900000005"),
}


def t(text: str) -> datetime:
    """'05-01 03:00' or '05-01 03:00:30' in May (or April) 2026, UTC."""
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=UTC)


def village_content(root: Path) -> Curriculum:
    build_content(root)
    write_yaml(root / "lessons" / "farm" / "track.yaml", track("farm", 2))
    farm = {"basic": lesson("fb-lesson-01", 1, steps=4, questions=2)}
    farm["intermediate"] = lesson("fi-lesson-01", 1)
    farm["advanced"] = lesson("fa-lesson-01", 1)
    for tier, data in farm.items():
        write_yaml(root / "lessons" / "farm" / tier / "01.yaml", data)
    return load_curriculum(root)


def _learner(s: Session, key: str, cohort: str | None, created: str, last_active: str) -> int:
    name, external_id = PEOPLE[key]
    row = Learner(
        channel="telegram",
        external_id=external_id,
        name=name,
        cohort=cohort,
        created_at=t(created),
        last_active_at=t(last_active),
    )
    s.add(row)
    s.flush()
    assert row.id is not None
    return row.id


def _progress(
    s: Session, who: int, lesson_id: str, track_id: str, tier: str, started: str, done: str | None, step: int
) -> None:
    s.add(
        LessonProgress(
            learner_id=who,
            lesson_id=lesson_id,
            track=track_id,
            tier=tier,
            status="completed" if done else "started",
            step=step,
            started_at=t(started),
            completed_at=t(done) if done else None,
        )
    )


def _steps(s: Session, who: int, lesson_id: str, *moves: tuple[int, str, str]) -> None:
    for step, action, at in moves:
        s.add(StepEvent(learner_id=who, lesson_id=lesson_id, step=step, action=action, at=t(at)))


def _answer(s: Session, who: int, lesson_id: str, question: int, correct: bool, at: str) -> None:
    s.add(
        CheckAnswer(
            learner_id=who,
            lesson_id=lesson_id,
            question=question,
            option=0 if correct else 1,
            correct=correct,
            at=t(at),
        )
    )


def _practice(s: Session, who: int, lesson_id: str, status: str, at: str) -> None:
    s.add(PracticeReport(learner_id=who, lesson_id=lesson_id, status=status, at=t(at)))


def _outcome(
    s: Session, who: int, lesson_id: str | None, value: float, unit: str, asked: bool, at: str
) -> None:
    s.add(Outcome(learner_id=who, lesson_id=lesson_id, value=value, unit=unit, asked=asked, at=t(at)))


def _question(
    s: Session,
    who: int,
    text: str,
    decision: str,
    asked: str,
    picked: str | None = None,
    handed_off: str | None = None,
    answered: str | None = None,
) -> None:
    s.add(
        FaqQuestion(
            learner_id=who,
            asked_at=t(asked),
            lang="en",
            text=text,
            decision=decision,
            picked=picked,
            handed_off_at=t(handed_off) if handed_off else None,
            answered_at=t(answered) if answered else None,
            answered_by="777" if answered else None,
        )
    )


def build_village(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    with Session(engine) as s:
        # Alice (east) finished shop basic in two days, practised lesson 1 and earned from it twice;
        # she has just opened the first intermediate lesson.
        a = _learner(s, "alice", "east", "05-01 02:00", "05-18 10:05")
        _progress(s, a, "b-lesson-01", "shop", "basic", "05-01 03:00", "05-01 03:10", 2)
        _progress(s, a, "b-lesson-02", "shop", "basic", "05-02 03:00", "05-03 03:00", 2)
        _progress(s, a, "i-lesson-01", "shop", "intermediate", "05-18 10:00", None, 0)
        _steps(
            s,
            a,
            "b-lesson-01",
            (0, "open", "05-01 03:00"),
            (1, "next", "05-01 03:01"),
            (2, "next", "05-01 03:02"),
        )
        _steps(
            s,
            a,
            "b-lesson-02",
            (0, "open", "05-02 03:00"),
            (1, "next", "05-02 03:01"),
            (2, "next", "05-03 02:59"),
        )
        _steps(s, a, "b-lesson-02", (2, "repeat", "05-03 16:30"))  # Monday 00:30 in Shanghai
        _steps(s, a, "i-lesson-01", (0, "open", "05-18 10:00"))
        _answer(s, a, "b-lesson-01", 0, False, "05-01 03:05")
        _answer(s, a, "b-lesson-01", 0, True, "05-01 03:06")
        _answer(s, a, "b-lesson-02", 0, True, "05-03 02:59:30")
        _practice(s, a, "b-lesson-01", "done", "05-01 03:11")
        _practice(s, a, "b-lesson-02", "later", "05-03 03:01")
        _outcome(s, a, "b-lesson-01", 300, "yuan", True, "05-08 02:00")
        _outcome(s, a, "b-lesson-01", 500, "yuan", False, "05-09 02:00")
        _question(s, a, "How to open a shop?", "answer", "05-02 04:00")

        # Bo (east) reached step 2 of lesson 1, went back to step 1 and stopped; asked twice where
        # his parcel is (a trainer answered the first), and told the bot of 50 yuan unasked.
        b = _learner(s, "bo", "east", "05-10 01:00", "05-12 03:00")
        _progress(s, b, "b-lesson-01", "shop", "basic", "05-10 01:10", None, 0)
        _steps(
            s,
            b,
            "b-lesson-01",
            (0, "open", "05-10 01:10"),
            (1, "next", "05-10 01:11"),
            (0, "back", "05-10 01:12"),
        )
        _question(s, b, "  Where is my Parcel? ", "none", "05-11 02:00", None, "05-11 02:01", "05-11 05:00")
        _question(s, b, "where is my parcel?", "choices", "05-12 03:00", picked="none")
        _outcome(s, b, None, 50, "yuan", False, "05-12 03:05")

        # Chen (west) finished shop basic in five days (wrong twice on lesson 2's question) and the
        # farm's basic lesson in half an hour; practised both, earned 100 yuan and sprayed 2 mu.
        c = _learner(s, "chen", "west", "04-20 00:00", "05-19 01:00")
        _progress(s, c, "b-lesson-01", "shop", "basic", "04-20 01:00", "04-20 01:20", 2)
        _progress(s, c, "b-lesson-02", "shop", "basic", "04-21 01:00", "04-25 01:00", 2)
        _progress(s, c, "fb-lesson-01", "farm", "basic", "05-15 00:00", "05-15 00:30", 3)
        _steps(
            s,
            c,
            "b-lesson-01",
            (0, "open", "04-20 01:00"),
            (1, "next", "04-20 01:01"),
            (2, "next", "04-20 01:02"),
        )
        _steps(
            s,
            c,
            "b-lesson-02",
            (0, "open", "04-21 01:00"),
            (1, "next", "04-22 01:00"),
            (2, "next", "04-25 00:59"),
        )
        _steps(
            s, c, "fb-lesson-01",
            (0, "open", "05-15 00:00"), (1, "next", "05-15 00:01"),
            (2, "next", "05-15 00:02"), (3, "next", "05-15 00:03"),
        )  # fmt: skip
        _answer(s, c, "b-lesson-01", 0, True, "04-20 01:10")
        _answer(s, c, "b-lesson-02", 0, False, "04-25 00:59:10")
        _answer(s, c, "b-lesson-02", 0, False, "04-25 00:59:20")
        _answer(s, c, "b-lesson-02", 0, True, "04-25 00:59:30")
        _answer(s, c, "fb-lesson-01", 0, True, "05-15 00:10")
        _answer(s, c, "fb-lesson-01", 1, False, "05-15 00:11")
        _answer(s, c, "fb-lesson-01", 1, True, "05-15 00:12")
        _practice(s, c, "b-lesson-02", "done", "04-25 01:01")
        _practice(s, c, "fb-lesson-01", "done", "05-15 00:31")
        _outcome(s, c, "b-lesson-02", 100, "yuan", True, "05-02 01:00")
        _outcome(s, c, "fb-lesson-01", 2, "mu", True, "05-19 01:00")

        # Dai has no cohort and no lesson yet; the bot could not answer his question.
        d = _learner(s, "dai", None, "05-19 02:00", "05-19 02:00")
        _question(s, d, "how to open a shop?", "none", "05-19 02:05")

        # Eve (west) opened lesson 1 and left at its first step.
        e = _learner(s, "eve", "west", "05-05 02:00", "05-05 02:10")
        _progress(s, e, "b-lesson-01", "shop", "basic", "05-05 02:05", None, 0)
        _steps(s, e, "b-lesson-01", (0, "open", "05-05 02:05"))
        # East was given a name (farmskills cohorts add east --name 东村); west never was.
        s.add(Cohort(code="east", name="东村", trainer_id="777", created_at=t("04-20 00:00")))
        s.commit()
    engine.dispose()


# ----- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> tuple[Curriculum, str]:
    root = tmp_path_factory.mktemp("village")
    curriculum = village_content(root / "content")
    db_url = database_for(root / "village.db", keep=True)
    build_village(db_url)
    return curriculum, db_url


def make(village: tuple[Curriculum, str], **flt: Any) -> Report:
    curriculum, db_url = village
    engine = make_engine(db_url)
    try:
        return build_report(engine, curriculum, ReportFilter(**flt), NOW, "Asia/Shanghai", "en")
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def report(village: tuple[Curriculum, str]) -> Report:
    return make(village)


def rows(report: Report, key: str) -> list[tuple[Cell, ...]]:
    return list(report.table(key).rows)


# ----- every table, unfiltered --------------------------------------------------------------------
