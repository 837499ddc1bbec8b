"""The privacy notice says exactly what is stored: every table that holds a learner's data, and
every column of the learner's own row, is named in the welcome and in /mydata, in both languages."""

from __future__ import annotations

import pytest
from sqlmodel import SQLModel

from bot.core.privacy import STORED, notice_items
from bot.store.progress import LEARNER_TABLES
from bot.store.tables import Learner as LearnerRow
from tests.dialog import Learner


def stored_kinds() -> set[str]:
    """What the store holds about a learner: its tables, and the columns of the learner row."""
    tables = {str(model.__tablename__) for model in LEARNER_TABLES}
    columns = {f"learner.{c.name}" for c in LearnerRow.__table__.columns}  # type: ignore[attr-defined]
    return tables | columns


def test_every_table_and_column_holding_learner_data_is_named_in_the_notice() -> None:
    missing = stored_kinds() - set(STORED)
    assert not missing, f"stored but not in the privacy notice (bot/core/privacy.py): {sorted(missing)}"


def test_the_notice_names_nothing_the_store_does_not_hold() -> None:
    tables = set(SQLModel.metadata.tables)
    for kind in STORED:
        table, _, column = kind.partition(".")
        assert table in tables, kind
        if column:
            assert column in SQLModel.metadata.tables[table].columns, kind


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_welcome_and_mydata_list_every_kind_of_data(learner: Learner, lang: str) -> None:
    learner.who = learner.who.__class__("console", f"privacy-{lang}", "", lang)
    learner.command("start")
    welcome = learner.text
    learner.onboard()
    learner.command("mydata")
    mydata = learner.text
    t = learner.service.engine.t
    for key in notice_items():
        assert t(lang, key) in welcome, key
        assert t(lang, key) in mydata, key


def test_a_new_learner_is_told_their_typed_questions_and_task_words_are_kept(learner: Learner) -> None:
    learner.command("start")
    assert "您问的问题" in learner.text and "实践任务（含您写的话和照片编号）" in learner.text
    assert "最后打的字" in learner.text


def test_english_mydata_no_longer_claims_less_than_is_kept(learner: Learner) -> None:
    learner.who = learner.who.__class__("console", "privacy-en2", "", "en")
    learner.onboard()
    learner.command("mydata")
    assert "your questions and trainers' replies" in learner.text
    assert "task reports with your words and photo ids" in learner.text
