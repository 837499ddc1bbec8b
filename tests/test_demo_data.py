"""Demo data: synthetic learners written as the bot writes them, consistent with the curriculum."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, SQLModel, col, select
from typer.testing import CliRunner

from bot.cli.app import app
from bot.content.loader import Curriculum
from bot.content.models import Tier
from bot.core.practice import ranges
from bot.core.schedule import follow_up_time
from bot.demo import COLUMNS, DemoDataError, DemoSummary, fill_demo
from bot.store.database import make_engine, upgrade
from bot.store.progress import ProgressStore
from bot.store.tables import (
    CheckAnswer,
    Cohort,
    FaqQuestion,
    Learner,
    LessonProgress,
    Nudge,
    Outcome,
    PlacementResult,
    PracticeReport,
    StepEvent,
    TrackProgress,
)
from tests.databases import database_for, query

NOW = datetime(2026, 5, 11, 12, 30, tzinfo=UTC)
ACTIONS = {"open", "next", "back", "repeat", "voice", "finish"}


@dataclass
class Demo:
    curriculum: Curriculum
    engine: Engine
    path: Path
    summary: DemoSummary

    def all(self, model: type[SQLModel]) -> Sequence[Any]:
        with Session(self.engine) as s:
            return s.exec(select(model)).all()


def fresh_db(path: Path) -> Engine:
    url = database_for(path, keep=path.name == "demo.db")
    upgrade(url)
    return make_engine(url)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every demo table, as the database holds it: in the order written on SQLite
    (rowid), by primary key on PostgreSQL (which has no rowid)."""
    engine = make_engine(database_for(path))
    try:
        with engine.connect() as con:

            def order(table: str) -> str:
                if engine.dialect.name == "sqlite":
                    return "rowid"
                return ", ".join(inspect(con).get_pk_constraint(table)["constrained_columns"])

            return {
                table: [
                    tuple(r) for r in con.exec_driver_sql(f"SELECT * FROM {table} ORDER BY {order(table)}")
                ]
                for table in COLUMNS
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo(shipped: Curriculum, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    engine = fresh_db(path)
    summary = fill_demo(engine, shipped, 200, seed=7, now=NOW)
    return Demo(shipped, engine, path, summary)


def test_demo_data_for_200_learners_is_consistent_with_the_curriculum(demo: Demo) -> None:
    lessons = demo.curriculum.lessons
    assert demo.summary.rows["learner"] == 200 == len(demo.all(Learner))
    assert demo.summary.rows["step_event"] > 1000 and demo.summary.rows["cohort"] >= 1

    progress = demo.all(LessonProgress)
    assert progress
    for row in progress:
        lesson = lessons[row.lesson_id]
        assert (row.track, row.tier) == (lesson.track, lesson.tier.value)
        assert row.status in ("started", "completed")
        assert 0 <= row.step < len(lesson.steps)

    for event in demo.all(StepEvent):
        assert event.action in ACTIONS
        assert 0 <= event.step < len(lessons[event.lesson_id].steps)  # 0-based, as the engine counts
        if event.action == "finish":
            assert event.step == len(lessons[event.lesson_id].steps) - 1

    tries: dict[tuple[int, str, int], list[CheckAnswer]] = defaultdict(list)
    for answer in demo.all(CheckAnswer):
        question = lessons[answer.lesson_id].questions[answer.question]
        assert 0 <= answer.option < len(question.options)
        assert answer.correct == (answer.option == question.right_index)
        tries[(answer.learner_id, answer.lesson_id, answer.question)].append(answer)
    completed = {(r.learner_id, r.lesson_id) for r in progress if r.status == "completed"}
    for (learner_id, lesson_id, _q), attempts in tries.items():
        assert all(not a.correct for a in attempts[:-1]), "a retry comes only after a wrong answer"
        if (learner_id, lesson_id) in completed:
            assert attempts[-1].correct
    for learner_id, lesson_id in completed:
        for q in range(len(lessons[lesson_id].questions)):
            assert (learner_id, lesson_id, q) in tries

    cohorts = {c.code: c for c in demo.all(Cohort)}
    for learner in demo.all(Learner):
        assert learner.channel == "telegram" and learner.external_id.isdigit()
        assert learner.lang in ("zh", "en") and learner.name
        assert learner.cohort is None or cohorts[learner.cohort].created_at <= learner.created_at
        assert learner.created_at <= learner.last_active_at <= NOW
    assert all(code.startswith("v-") and cohort.name.endswith("村") for code, cohort in cohorts.items())


def test_completed_lessons_end_after_they_start_and_nothing_happens_after_now(demo: Demo) -> None:
    for row in demo.all(LessonProgress):
        if row.status == "completed":
            assert row.completed_at is not None and row.completed_at >= row.started_at
        else:
            assert row.completed_at is None

    models = (
        Cohort,
        Learner,
        LessonProgress,
        TrackProgress,
        StepEvent,
        CheckAnswer,
        PlacementResult,
        PracticeReport,
        Outcome,
        FaqQuestion,
    )
    seen = 0
    for model in models:
        for row in demo.all(model):
            for value in row.model_dump().values():
                if isinstance(value, datetime):
                    assert value.tzinfo == UTC
                    assert value <= NOW, f"{model.__name__} at {value} is after now"
                    seen += 1
    assert seen > 1000
    for nudge in demo.all(Nudge):
        # A follow-up not sent yet may be due later; everything that happened is in the past.
        assert nudge.sent_at is None or nudge.due_at <= nudge.sent_at <= NOW
        assert nudge.answered_at is None or (nudge.sent_at is not None and nudge.answered_at <= NOW)


def test_each_learner_goes_through_the_lessons_in_tier_order(demo: Demo) -> None:
    cur = demo.curriculum
    teaching_order = {ls.id: i for i, ls in enumerate(cur.ordered_lessons())}
    rows: dict[tuple[int, str], list[LessonProgress]] = defaultdict(list)
    for row in demo.all(LessonProgress):
        rows[(row.learner_id, row.track)].append(row)
    placed = {(p.learner_id, p.track): Tier(p.placed_tier) for p in demo.all(PlacementResult)}
    for (learner_id, track), track_rows in rows.items():
        track_rows.sort(key=lambda r: r.started_at)
        order = [teaching_order[r.lesson_id] for r in track_rows]
        assert order == sorted(order), f"learner {learner_id} skipped about in {track}"
        assert all(r.status == "completed" for r in track_rows[:-1]), "only the latest lesson is open"
        first = cur.lessons[track_rows[0].lesson_id]
        assert first == cur.lessons_in(track, first.tier)[0]
        assert first.tier is Tier.basic or placed[(learner_id, track)] is first.tier

    # The bot itself, reading the demo learners, finds every lesson they opened unlocked.
    lessons = {ls.id: (ls.track, ls.tier) for ls in cur.lessons.values()}
    store = ProgressStore(demo.engine, lessons)
    for learner in demo.all(Learner):
        view = store.view(learner)
        for lesson_id in (*view.progress.completed, *view.progress.started):
            track, tier = lessons[lesson_id]
            assert view.progress.tier_unlocked(track, tier)


def test_practice_and_outcomes_follow_completed_lessons_in_the_lessons_units(demo: Demo) -> None:
    lessons = demo.curriculum.lessons
    completed = {
        (r.learner_id, r.lesson_id): r.completed_at
        for r in demo.all(LessonProgress)
        if r.status == "completed"
    }
    reports = demo.all(PracticeReport)
    done = {}
    for report in reports:
        finished = completed.get((report.learner_id, report.lesson_id))
        assert finished is not None and report.at >= finished
        assert report.status in ("done", "later")
        expected = lessons[report.lesson_id].practice.evidence
        if report.status == "later":
            assert (report.evidence_kind, report.evidence) == ("none", None)
            continue
        assert (report.learner_id, report.lesson_id) not in done, "a task is reported done once"
        done[(report.learner_id, report.lesson_id)] = report.at
        assert report.evidence_kind in (expected.value, "none")
        if report.evidence_kind == "photo":
            assert report.evidence and report.evidence.startswith("AgAC")
        elif report.evidence_kind == "number":
            assert report.evidence is not None and float(report.evidence) >= 0
        elif report.evidence_kind == "text":
            assert report.evidence
        else:
            assert report.evidence is None
    assert 0.35 < len(done) / len(completed) < 0.65

    nudges = {(n.learner_id, n.lesson_id): n for n in demo.all(Nudge)}
    assert all(n.kind == "follow_up" and n.key == n.lesson_id for n in nudges.values())
    zones = {learner.id: learner.timezone or "Asia/Shanghai" for learner in demo.all(Learner)}
    for key, at in done.items():
        follow_up = lessons[key[1]].practice.follow_up
        if follow_up is None:
            assert key not in nudges
            continue
        assert nudges[key].due_at == follow_up_time(at, follow_up.after_days, zones[key[0]])
    assert set(nudges) <= set(done)

    outcomes = demo.all(Outcome)
    assert outcomes
    for outcome in outcomes:
        assert outcome.at <= NOW and outcome.value >= 0
        if outcome.lesson_id is None:
            assert (outcome.unit, outcome.asked) == ("yuan", False)
            continue
        follow_up = lessons[outcome.lesson_id].practice.follow_up
        assert follow_up is not None and outcome.unit == follow_up.unit.value
        assert outcome.asked
        nudge = nudges[(outcome.learner_id, outcome.lesson_id)]
        assert nudge.answered_at == outcome.at
        if not outcome.exact:
            assert outcome.value in {v for _label, v, _e in ranges(follow_up.unit)}
    answered = [n for n in nudges.values() if n.answered_at is not None]
    assert len(answered) == sum(1 for o in outcomes if o.asked)


def test_questions_are_the_banks_phrasings_with_coherent_decisions(demo: Demo) -> None:
    bank = demo.curriculum.faq.by_id
    questions = demo.all(FaqQuestion)
    assert len(questions) > 50
    langs = {learner.id: learner.lang for learner in demo.all(Learner)}
    from_bank = 0
    for q in questions:
        assert q.lang == langs[q.learner_id]
        assert q.decision in ("answer", "choices", "none")
        offered = q.offered.split(",") if q.offered else []
        assert all(entry in bank for entry in offered)
        if q.decision == "answer":
            assert offered == [q.best_id] and q.picked is None
            assert q.text in bank[offered[0]].questions.get(q.lang)
        elif q.decision == "choices":
            assert 1 <= len(offered) <= 3 and q.best_id == offered[0]
            assert q.picked in (None, "none", *offered)
        else:
            assert offered == [] and q.picked is None
        from_bank += any(q.text in e.questions.get(q.lang) for e in bank.values())
        if q.answered_at is not None:
            assert q.handed_off_at is not None and q.handed_off_at <= q.answered_at
            assert q.answered_by and q.answer
        if q.lesson_id is not None:
            assert q.lesson_id in demo.curriculum.lessons
    assert from_bank / len(questions) > 0.8
    share = sum(q.decision == "answer" for q in questions) / len(questions)
    assert 0.6 < share < 0.9


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(
    demo: Demo, shipped: Curriculum, tmp_path: Path
) -> None:
    again, other = tmp_path / "again.db", tmp_path / "other.db"
    fill_demo(fresh_db(again), shipped, 200, seed=7, now=NOW)
    fill_demo(fresh_db(other), shipped, 200, seed=8, now=NOW)
    assert dump(again) == dump(demo.path)
    assert dump(other)["learner"] != dump(demo.path)["learner"]


def test_core_inserts_write_exactly_what_the_fast_sqlite_path_writes(
    shipped: Curriculum, tmp_path: Path
) -> None:
    fast, core = tmp_path / "fast.db", tmp_path / "core.db"
    fill_demo(fresh_db(fast), shipped, 60, seed=3, now=NOW)
    fill_demo(fresh_db(core), shipped, 60, seed=3, now=NOW, force_core=True)
    assert dump(fast) == dump(core)


def test_it_refuses_a_database_that_already_has_learners_unless_appending(
    shipped: Curriculum, tmp_path: Path
) -> None:
    engine = fresh_db(tmp_path / "busy.db")
    first = fill_demo(engine, shipped, 30, seed=1, now=NOW)
    with pytest.raises(DemoDataError, match="already has 30 learner"):
        fill_demo(engine, shipped, 30, seed=2, now=NOW)
    more = fill_demo(engine, shipped, 30, seed=2, now=NOW, append=True)
    assert (first.first_learner_id, more.first_learner_id) == (1, 31)
    with Session(engine) as s:
        learners = s.exec(select(Learner)).all()
        assert len(learners) == 60 and len({le.external_id for le in learners}) == 60
        assert len(s.exec(select(Cohort)).all()) == first.rows["cohort"] + more.rows["cohort"]


def test_a_larger_village_population_shows_hard_steps_and_hard_questions(
    shipped: Curriculum, tmp_path: Path
) -> None:
    engine = fresh_db(tmp_path / "big.db")
    fill_demo(engine, shipped, 2000, seed=5, now=NOW)
    with engine.connect() as con:
        first_tries = con.execute(
            text(
                "SELECT lesson_id, question, AVG(CASE WHEN correct THEN 1.0 ELSE 0.0 END), COUNT(*)"
                " FROM check_answer c WHERE id = ("
                " SELECT MIN(id) FROM check_answer d WHERE d.learner_id = c.learner_id"
                " AND d.lesson_id = c.lesson_id AND d.question = c.question)"
                " GROUP BY lesson_id, question HAVING COUNT(*) >= 100"
            )
        ).all()
        stuck = con.execute(
            text(
                "SELECT lesson_id, step, COUNT(*) FROM lesson_progress WHERE status = 'started'"
                " AND lesson_id LIKE '%-b-%' GROUP BY lesson_id, step"
            )
        ).all()
    with Session(engine) as s:
        # Weeks and hours counted here, not in SQL: the same on either database.
        joined = Counter(at.strftime("%Y-%W") for at in s.exec(select(Learner.created_at)).all())
        weeks = sorted(joined.items())
        xinjiang = select(StepEvent.at).join(Learner, col(Learner.id) == StepEvent.learner_id)
        xinjiang_hours = [
            ((at.hour + 6) % 24,) for at in s.exec(xinjiang.where(Learner.timezone == "Asia/Urumqi")).all()
        ]
    rates = [float(rate) for _l, _q, rate, _n in first_tries]
    assert min(rates) < 0.7 and max(rates) > 0.85, "some questions are notably harder than others"
    by_lesson: dict[str, list[int]] = defaultdict(list)
    for lesson_id, _step, count in stuck:
        by_lesson[lesson_id].append(count)
    assert any(max(c) >= 2 * sorted(c)[len(c) // 2] for c in by_lesson.values()), "a hard step stands out"
    # Villages in Xinjiang live two hours behind Beijing: their learners study in their own daytime.
    assert xinjiang_hours and sum(6 <= h <= 23 for (h,) in xinjiang_hours) / len(xinjiang_hours) > 0.95
    counts = [n for _w, n in weeks]
    assert sum(counts[len(counts) // 2 :]) > sum(counts[: len(counts) // 2]), "more join in later weeks"


def test_farmskills_demo_data_prints_rows_per_table_and_refuses_a_full_database(tmp_path: Path) -> None:
    url = database_for(tmp_path / "cli.db")
    runner = CliRunner()
    result = runner.invoke(app, ["demo-data", "--learners", "40", "--seed", "3", "--db", url])
    assert result.exit_code == 0, result.output
    assert "step_event" in result.output and "learner" in result.output
    assert "farmskills report --format html --out report.html" in result.output
    assert tuple(query(url, "SELECT COUNT(*) FROM learner")[0]) == (40,)

    again = runner.invoke(app, ["demo-data", "--learners", "40", "--db", url])
    assert again.exit_code == 2
    assert "already has 40 learner(s)" in again.output and "--append" in again.output
    assert "Traceback" not in again.output

    more = runner.invoke(app, ["demo-data", "--learners", "10", "--db", url, "--append"])
    assert more.exit_code == 0, more.output
    assert tuple(query(url, "SELECT COUNT(*) FROM learner")[0]) == (50,)


def test_demo_data_follows_a_trainers_own_content_too(curriculum: Curriculum, tmp_path: Path) -> None:
    """The small test curriculum (its own tracks and FAQ): every row still names its lessons."""
    engine = fresh_db(tmp_path / "own.db")
    summary = fill_demo(engine, curriculum, 120, seed=2, now=NOW)
    assert summary.rows["learner"] == 120 and summary.rows["lesson_progress"] > 0
    with Session(engine) as s:
        for row in s.exec(select(LessonProgress)).all():
            assert curriculum.lessons[row.lesson_id].track == row.track
        for q in s.exec(select(FaqQuestion)).all():
            assert q.best_id is None or q.best_id in curriculum.faq.by_id
