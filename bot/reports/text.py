"""Plain-text renderings of a report: every table for the terminal, and a short summary for a chat.

Column widths count a Chinese character as two columns, so tables stay aligned in a terminal.
"""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo

from bot.reports.model import ALL, Cell, Report, Table, cell_text
from bot.reports.words import header, showers, shown_columns

MAX_CELL = 40  # display columns; longer cells (questions, titles) are cut with "…"


def width(text: str) -> int:
    """Display columns: wide (Chinese) characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _cut(text: str, limit: int = MAX_CELL) -> str:
    if len(text) <= limit // 2 and text.isprintable():
        return text  # short enough even if every character is wide
    text = " ".join(text.split())  # no newlines or tabs inside a cell
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def render_table(table: Table, report: Report) -> str:
    """A table in aligned columns, with headers and values in the report's language."""
    lines = [table.title, "=" * max(8, width(table.title))]
    if table.note:
        lines.append(table.note)
    if not table.rows:
        lines.append("（无）" if report.lang == "zh" else "(no rows)")
        return "\n".join(lines)
    columns = shown_columns(table)
    shows = showers(report, table)
    heads = [header(table.key, table.columns[i], report.lang) for i in columns]
    cells = [[_cut(shows[i](row[i])) for i in columns] for row in table.rows]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in table.rows) for i in columns]
    sizes = [max(width(name), *(width(row[n]) for row in cells)) for n, name in enumerate(heads)]
    lines.append("  ".join(_pad(h, sizes[n], numeric[n]) for n, h in enumerate(heads)).rstrip())
    lines.append("  ".join("-" * size for size in sizes))
    for row in cells:
        lines.append("  ".join(_pad(v, sizes[n], numeric[n]) for n, v in enumerate(row)).rstrip())
    return "\n".join(lines)


def _headline(report: Report) -> list[str]:
    """The headline cards as lines, then what needs saying before the tables."""
    from bot.reports.findings import cards, comparison_caption, differences, empty_reason

    lines = [
        f"{c.label}: {c.value}  {c.change}" + (f"\n  {c.detail}" if c.detail else "") for c in cards(report)
    ]
    lines.append(comparison_caption(report))
    reason = empty_reason(report)
    return ([f"⚠ {reason}"] if reason else []) + lines + differences(report)


def local_time(report: Report) -> str:
    return report.generated_at.astimezone(ZoneInfo(report.timezone)).strftime("%Y-%m-%d %H:%M")


def render_text(report: Report) -> str:
    """Every table of the report, aligned for a terminal."""
    zh = report.lang == "zh"
    head = [
        "FarmSkills 管理报告" if zh else "FarmSkills administrator report",
        f"{'生成时间' if zh else 'generated'}: {local_time(report)} ({report.timezone})",
    ]
    head += [f"{label}: {value}" for label, value in report.filter.describe(report.lang)]
    if not report.filter.named:
        head.append("不含姓名和用户编号。" if zh else "No names or user ids in this report.")
    blocks = ["\n".join(head), "\n".join(_headline(report))]
    blocks += [render_table(t, report) for t in report.tables if t.key != "headline"]
    return "\n\n".join(blocks) + "\n"


# ----- the chat summary ---------------------------------------------------------------------------


def _row(table: Table, **match: Cell) -> dict[str, Cell]:
    for record in table.records():
        if all(record.get(k) == v for k, v in match.items()):
            return record
    return {}


def _int(value: Cell) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _money(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else cell_text(round(value, 2))


def short_summary(report: Report, lang: str = "zh") -> str:
    """At most 10 short lines for a chat message: learners, activity, completion, funnel, income."""
    zh = lang == "zh"
    summary = _row(report.table("summary"), cohort=ALL)
    funnel = _row(report.table("funnel"), cohort=ALL, track=ALL)
    completion = [r for r in report.table("completion").records() if r["cohort"] == ALL]
    started_tiers = sum(_int(r["started"]) for r in completion)
    finished_tiers = sum(_int(r["completed"]) for r in completion)
    rate = f"{100 * finished_tiers / started_tiers:.0f}%" if started_tiers else "–"
    yuan = _row(report.table("outcomes"), cohort=ALL, track=ALL, unit="yuan")
    faq = _row(report.table("faq"), cohort=ALL)
    period = _period(report, zh)
    learners, active = _int(summary.get("learners")), _int(summary.get("active_7d"))
    lessons, tiers = _int(summary.get("lessons_completed")), _int(summary.get("tiers_completed"))
    stages = [_int(funnel.get(k)) for k in ("started", "completed_lesson", "applied", "outcome")]
    income, earners = float(yuan.get("total") or 0), _int(yuan.get("learners"))
    asked, unanswered = _int(faq.get("asked")), _int(faq.get("none")) + _int(faq.get("picked_none"))
    if zh:
        lines = [
            f"📊 学习报告（{period}）",
            f"👥 学员 {learners} 人，近7天活跃 {active} 人",
            f"📚 学完 {lessons} 节课、{tiers} 个级别",
            f"🎯 级别完成率 {rate}（{finished_tiers}/{started_tiers}）",
            "🔻 开始 {} → 学完一课 {} → 用上 {} → 报成果 {}".format(*stages),
            f"💰 报告增收 {_money(income)} 元（{earners} 人）",
            f"❓ 提问 {asked} 个，答不上 {unanswered} 个",
        ]
    else:
        lines = [
            f"📊 Learning report ({period})",
            f"👥 {learners} learners, {active} active in the last 7 days",
            f"📚 {lessons} lessons and {tiers} tiers completed",
            f"🎯 Tier completion {rate} ({finished_tiers}/{started_tiers})",
            "🔻 Started {} → finished a lesson {} → applied {} → outcome {}".format(*stages),
            f"💰 Income reported: {_money(income)} yuan ({earners} learners)",
            f"❓ {asked} questions, {unanswered} the bot could not answer",
        ]
    if report.filter.cohorts:
        names = ", ".join(report.cohort_label(c) for c in report.filter.cohorts)
        lines.insert(1, ("🏘 班组：" if zh else "🏘 Cohorts: ") + names)
    return "\n".join(lines)


def _period(report: Report, zh: bool) -> str:
    flt = report.filter
    if flt.since is None and flt.until is None:
        return ("截至 " if zh else "up to ") + local_time(report)[:10]
    start = flt.since.isoformat() if flt.since else ("最早" if zh else "start")
    end = flt.until.isoformat() if flt.until else ("现在" if zh else "now")
    return f"{start} – {end}"
