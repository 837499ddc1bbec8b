"""What people read in a report: headers, values and numbers in the report's language.

The tables keep stable English keys and codes (the tidy CSV's interface); every rendering meant
for people (text, HTML, Excel) goes through here, so a Chinese report shows 基础 and 元, not
`basic` and `yuan`, lesson titles rather than lesson ids, 41% rather than 0.412, and 12,345.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.reports.model import ALL, NONE, Cell, Report, Table, cell_text

HEADERS: dict[str, tuple[str, str]] = {  # column key -> (English, Chinese)
    "cohort": ("village", "村（班组）"),
    "learners": ("learners", "学员"),
    "started": ("started", "开始学习"),
    "active_7d": ("active, last 7 days", "近7天活跃"),
    "active_30d": ("active, last 30 days", "近30天活跃"),
    "lessons_completed": ("lessons finished", "学完课数"),
    "tiers_completed": ("tiers finished", "学完级别数"),
    "applied": ("applied (practice done)", "用到实处"),
    "outcomes": ("reported a result", "报告成果"),
    "track": ("track", "课程方向"),
    "tier": ("tier", "级别"),
    "completed": ("finished the tier", "学完该级别"),
    "completion_rate": ("completion", "完成率"),
    "median_days": ("median days", "中位天数"),
    "lesson_id": ("lesson", "课"),
    "lesson_title": ("lesson", "课"),
    "step": ("step", "第几步"),
    "reached": ("reached", "到达"),
    "stopped": ("stopped here", "停在这里"),
    "stop_rate": ("stopped", "停下比例"),
    "question": ("question", "题目"),
    "ask": ("question", "题目"),
    "first_try_right": ("right first time", "一次答对"),
    "first_try_rate": ("right first time", "一次答对率"),
    "asked": ("asked", "提问数"),
    "answered": ("answered by the bot", "机器人回答"),
    "choices": ("offered choices", "给出选项"),
    "none": ("no answer", "答不上"),
    "picked_none": ("none of the choices", "选项都不对"),
    "handed_off": ("sent to a person", "转给老师"),
    "answered_by_person": ("answered by a person", "老师已回答"),
    "times": ("times asked", "次数"),
    "last_asked": ("last asked", "最近一次"),
    "completed_lesson": ("finished a lesson", "学完一课"),
    "outcome": ("reported a result", "报告成果"),
    "unit": ("unit", "单位"),
    "reports": ("reports", "报告次数"),
    "total": ("total", "合计"),
    "median": ("median", "中位数"),
    "volunteered": ("volunteered", "主动报告"),
    "week": ("week of", "周（周一）"),
    "new_learners": ("new learners", "新学员"),
    "active_learners": ("active learners", "活跃学员"),
    "applications": ("practice tasks done", "完成实践"),
    "name": ("name", "名称"),
    "user_id": ("user id", "用户编号"),
    "channel": ("channel", "渠道"),
    "last_active": ("last active", "最近活跃"),
    "measure": ("measure", "指标"),
    "value": ("this period", "本期"),
    "recent": ("compared window", "比较期"),
    "previous": ("the window before", "前一期"),
    "change": ("change", "变化"),
    "result_rate": ("result rate", "成果率"),
    "income": ("income (yuan)", "收入（元）"),
}

# The cohorts table pairs the code with the name: there the code is the point.
HEADER_OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {
    ("cohorts", "cohort"): ("code", "代码"),
    ("learners", "name"): ("name", "姓名"),
    ("check_questions", "question"): ("no.", "第几题"),
}

VALUES: dict[str, tuple[str, str]] = {  # a code shown as a value -> (English, Chinese)
    ALL: ("all", "全部"),
    NONE: ("none", "无"),
    "basic": ("basic", "基础"),
    "intermediate": ("intermediate", "进阶"),
    "advanced": ("advanced", "高级"),
    "yuan": ("yuan", "元"),
    "orders": ("orders", "单"),
    "viewers": ("viewers", "观众"),
    "followers": ("followers", "粉丝"),
    "mu": ("mu", "亩"),
    "kg": ("kg", "公斤"),
    "hours": ("hours", "小时"),
    "times": ("times", "次"),
    "items": ("items", "件"),
    "telegram": ("Telegram", "Telegram"),
    "console": ("terminal", "终端"),
}

MEASURES: dict[str, tuple[str, str]] = {
    "learners": ("Learners", "学员"),
    "started": ("Started a lesson", "开始学习"),
    "completed_lesson": ("Finished a lesson", "学完至少一课"),
    "applied": ("Applied it (practice done)", "用到实处（完成实践）"),
    "outcome": ("Reported a result", "报告了成果"),
    "income": ("Income reported (yuan)", "报告的收入（元）"),
    "income_ranges": ("of which from range answers (yuan)", "其中按区间估算（元）"),
    "earners": ("Learners who reported income", "报告收入的学员"),
}

RATES = frozenset({"completion_rate", "stop_rate", "first_try_rate", "result_rate", "change"})
# Columns left out where people read the report: the lesson id next to its title.
HIDDEN: dict[str, frozenset[str]] = {"dropoff": frozenset({"lesson_id"})}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh" else pair[0]


def header(table: str, column: str, lang: str) -> str:
    pair = HEADER_OVERRIDES.get((table, column)) or HEADERS.get(column)
    return _pick(pair, lang) if pair else column


def value_word(code: str, lang: str) -> str:
    pair = VALUES.get(code)
    return _pick(pair, lang) if pair else code


def shown_columns(table: Table) -> list[int]:
    """The indexes of the columns people see."""
    hidden = HIDDEN.get(table.key, frozenset())
    return [i for i, c in enumerate(table.columns) if c not in hidden]


def number(value: float | int) -> str:
    """12,345 for counts; 1,500 for large amounts; 10.5 for small ones."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def percent(rate: float, signed: bool = False) -> str:
    text = f"{100 * rate:+.0f}%" if signed else f"{100 * rate:.0f}%"
    return text.replace("-", "−")


def cohort_name(report: Report, code: Cell, lang: str) -> str:
    """A village as people know it: its name where it has one, else its code; 全部 for all."""
    text = cell_text(code)
    if text in (ALL, NONE):
        return _pick(("all villages", "全部村") if text == ALL else ("no village", "未分村"), lang)
    return report.cohort_names.get(text) or text


Shower = Callable[[Cell], str]


def showers(report: Report, table: Table) -> list[Shower]:
    """For each column of `table`, how a value is shown to people (text and HTML)."""
    lang = report.lang

    def plain(value: Cell) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number(value)
        return value_word(cell_text(value), lang)

    def rate(value: Cell) -> str:
        return percent(float(value), signed=table.key == "headline") if isinstance(value, int | float) else ""

    def for_column(column: str) -> Shower:
        if column in RATES:
            return rate
        if column == "cohort" and table.key != "cohorts":
            return lambda v: cohort_name(report, v, lang)
        if column == "track":
            return lambda v: value_word(str(v), lang) if v in (ALL, NONE) else report.track_title(str(v))
        if column == "lesson_id":
            return lambda v: report.lesson_title(str(v))
        if column == "measure":
            return lambda v: _pick(MEASURES.get(str(v), (str(v), str(v))), lang)
        if column in (
            "question",
            "ask",
            "name",
            "lesson_title",
            "user_id",
            "week",
            "last_asked",
            "last_active",
        ):
            return cell_text
        return plain

    return [for_column(c) for c in table.columns]
