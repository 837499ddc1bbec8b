"""What a report says in words before any table: the headline cards, why two numbers that look as
if they should agree do not, and why a report is empty. Shared by the HTML page and the text.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.reports.model import ALL, Cell, Report
from bot.reports.words import MEASURES, cohort_name, number, percent

CARDS = ("learners", "started", "completed_lesson", "applied", "outcome")


@dataclass(frozen=True)
class Card:
    key: str
    label: str
    value: str
    change: str  # "▲ 20% (120 vs 100)", or a plain word when there is nothing to compare with
    trend: str  # "up", "down" or "flat": the colour of the change
    detail: str = ""  # a second line, for the income card


def _zh(report: Report) -> bool:
    return report.lang == "zh"


def _num(value: Cell) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def headline(report: Report) -> dict[str, tuple[float, float, float]]:
    """measure -> (in the period, in the compared window, in the window before)."""
    if not report.has("headline"):
        return {}
    return {str(r[0]): (_num(r[1]), _num(r[2]), _num(r[3])) for r in report.table("headline").rows}


def _change(recent: float, before: float, zh: bool) -> tuple[str, str]:
    counts = f"{number(recent)} {'对' if zh else 'vs'} {number(before)}"
    if before == 0:  # no percentage of nothing: the count, and that there was none before
        if recent == 0:
            return ("前后两期都是 0" if zh else "0 in both windows"), "flat"
        return (f"{number(recent)}（前一期 0）" if zh else f"{number(recent)} (none the window before)"), "up"
    rate = recent / before - 1
    arrow = "▲" if rate > 0.005 else ("▼" if rate < -0.005 else "＝")
    trend = "up" if rate > 0.005 else ("down" if rate < -0.005 else "flat")
    return f"{arrow} {percent(rate, signed=True)} ({counts})", trend


def cards(report: Report) -> list[Card]:
    """The first screen: who joined, started, finished, applied, reported, and the income."""
    zh = _zh(report)
    numbers = headline(report)
    out = []
    for key in CARDS:
        now, recent, before = numbers.get(key, (0.0, 0.0, 0.0))
        change, trend = _change(recent, before, zh)
        if key == "learners":
            change = ("新加入 " if zh else "new: ") + change
        out.append(Card(key, MEASURES[key][1 if zh else 0], number(now), change, trend))
    income, recent, before = numbers.get("income", (0.0, 0.0, 0.0))
    ranges = numbers.get("income_ranges", (0.0, 0.0, 0.0))[0]
    earners = numbers.get("earners", (0.0, 0.0, 0.0))[0]
    change, trend = _change(recent, before, zh)
    exact = income - ranges
    if zh:
        value = f"≈ ¥{number(round(income))}"
        detail = (
            f"{number(earners)} 位学员报告；其中 ¥{number(round(exact))} 是确切数字，"
            f"¥{number(round(ranges))} 按区间选项的中间值估算"
        )
    else:
        value = f"≈ ¥{number(round(income))}"
        detail = (
            f"from {number(earners)} learners; ¥{number(round(exact))} exact, "
            f"¥{number(round(ranges))} estimated from range answers (each range's middle)"
        )
    out.append(Card("income", MEASURES["income"][1 if zh else 0], value, change, trend, detail))
    return out


def comparison_caption(report: Report) -> str:
    """Which two windows the changes compare, in local dates."""
    if report.windows is None:
        return ""
    (r1, r2), (p1, p2) = report.windows
    if _zh(report):
        return f"变化：{r1} 至 {r2} 与之前的 {p1} 至 {p2} 相比。"
    return f"Change: {r1} to {r2} compared with {p1} to {p2}, the same length before."


def _funnel_all(report: Report) -> dict[str, float]:
    for r in report.table("funnel").records():
        if r["cohort"] == ALL and r["track"] == ALL:
            return {k: _num(v) for k, v in r.items() if k not in ("cohort", "track")}
    return {}


def differences(report: Report) -> list[str]:
    """One line for each pair of numbers that look as if they should agree and do not."""
    zh = _zh(report)
    numbers = headline(report)
    funnel = _funnel_all(report)
    lines = []
    pairs = (("completed_lesson", "学完一课", "finished a lesson"), ("applied", "用到实处", "applied it"),
             ("outcome", "报告成果", "reported a result"))  # fmt: skip
    for key, zh_word, en_word in pairs:
        anyone = numbers.get(key, (0.0, 0.0, 0.0))[0]
        nested = funnel.get(key, 0.0)
        if anyone == nested:
            continue
        if zh:
            lines.append(
                f"“{zh_word}”：期内共 {number(anyone)} 人，漏斗只算其中前面每一步也在期内做到的 "
                f"{number(nested)} 人（其余的人更早开始学习，或跳过了前面一步）。"
            )
        else:
            lines.append(
                f"“{en_word}”: {number(anyone)} learners in the period; the funnel counts the "
                f"{number(nested)} of them who also did every earlier stage in the period (the others "
                "started before it, or skipped a stage)."
            )
    return lines


def empty_reason(report: Report) -> str | None:
    """Why a report is all zeros, in one sentence; None when it is not."""
    zh = _zh(report)
    numbers = headline(report)
    learners = numbers.get("learners", (0.0, 0.0, 0.0))[0]
    started = numbers.get("started", (0.0, 0.0, 0.0))[0]
    flt = report.filter
    if learners == 0:
        if flt.cohorts:
            names = "、".join(cohort_name(report, c, report.lang) for c in flt.cohorts)
            return f"{names} 还没有学员。" if zh else f"{names} has no learners yet."
        if flt.until:
            return f"{flt.until} 之前还没有学员加入。" if zh else f"No learner had joined by {flt.until}."
        return "数据库里还没有学员。" if zh else "The database has no learners yet."
    if started == 0:
        if zh:
            return f"{number(learners)} 位学员中，这段时间没有人开始学习。"
        return f"Of {number(learners)} learners, none started a lesson in this period."
    return None
