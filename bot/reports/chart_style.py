"""How the report's charts look: matplotlib's settings (Agg, text as paths, a CJK font when one is
installed), the colours, and the labels in each language, with the small helpers every chart uses.

Chinese labels need a CJK font at drawing time, found as for certificates (`find_cjk_font`);
without one the charts fall back to English labels, and `font_missing` says so.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any, cast

import matplotlib

matplotlib.use("Agg")  # no display: draw to files only; set before anything imports pyplot

from matplotlib import font_manager
from matplotlib.axes import Axes

from bot.media.certificate import NoCjkFont, find_cjk_font
from bot.reports.model import Cell

TIER_COLOURS = {"basic": "#7fb77e", "intermediate": "#3f8f5f", "advanced": "#1f5f3f"}
STAGE_COLOURS = ("#9ecae1", "#6baed6", "#3182bd", "#08519c")
INK, GRID = "#333333", "#dddddd"

WIDTH_IN = 6.4  # inches: drawn narrow, so that scaled to a phone's width the text stays readable

LABELS: dict[str, dict[str, str]] = {
    "funnel": {"en": "From learning to income", "zh": "从学习到增收"},
    "started": {"en": "started", "zh": "开始学习"},
    "completed_lesson": {"en": "finished a lesson", "zh": "学完一课"},
    "applied": {"en": "applied it", "zh": "用到实处"},
    "outcome": {"en": "reported an outcome", "zh": "报告成果"},
    "learners": {"en": "learners", "zh": "人数"},
    "completion": {"en": "Tier completion", "zh": "各级别完成率"},
    "rate": {"en": "completed / started (%)", "zh": "完成 / 开始（%）"},
    "basic": {"en": "basic", "zh": "基础"},
    "intermediate": {"en": "intermediate", "zh": "进阶"},
    "advanced": {"en": "advanced", "zh": "高级"},
    "weekly": {"en": "Learners week by week", "zh": "每周学员"},
    "active_learners": {"en": "active", "zh": "活跃"},
    "new_learners": {"en": "new", "zh": "新加入"},
    "dropoff": {"en": "Where learners stop in each lesson", "zh": "每课在哪一步停下"},
    "finished": {"en": "finished", "zh": "学完"},
    "stopped_at": {"en": "stopped at step {n}", "zh": "停在第{n}步"},
    "no_data": {"en": "no data yet", "zh": "暂无数据"},
    "villages": {"en": "Villages: finished a lesson and reported a result", "zh": "各村：学完一课、报告成果"},
    "completion_rate": {"en": "finished a lesson / started", "zh": "学完一课 / 开始"},
    "result_rate": {"en": "reported a result / started", "zh": "报告成果 / 开始"},
    "share": {"en": "% of those who started", "zh": "占开始学习人数的%"},
    "gap": {"en": "…", "zh": "…"},
    "stages_weekly": {"en": "The funnel week by week", "zh": "每周：学习、实践、成果"},
}


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The family name of an installed CJK font, registered with matplotlib; None without one."""
    try:
        path = find_cjk_font()
    except NoCjkFont:
        return None
    try:
        font_manager.fontManager.addfont(str(path))
        return str(font_manager.FontProperties(fname=str(path)).get_name())
    except (OSError, RuntimeError, ValueError):
        return None


def style() -> dict[str, Any]:
    family = cjk_family()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*([family] if family else []), "DejaVu Sans"],
        "svg.fonttype": "path",  # text as shapes: no font needed where the SVG is shown
        "svg.hashsalt": "farmskills-report",  # stable ids, so the same report gives the same SVG
        "axes.edgecolor": GRID,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "font.size": 12,
    }


def drawing() -> AbstractContextManager[None]:
    """matplotlib settings for the report's charts, for the duration of a `with` block."""
    return cast(AbstractContextManager[None], matplotlib.rc_context(cast(Any, style())))


def font_missing(lang: str) -> bool:
    """True when a Chinese report's charts must fall back to English: no CJK font to draw with."""
    return lang == "zh" and cjk_family() is None


def drawing_lang(lang: str) -> str:
    """Chinese labels only when a font can draw them."""
    return "zh" if lang == "zh" and cjk_family() is not None else "en"


def text_for(key: str, lang: str, **kw: object) -> str:
    return LABELS[key][lang].format(**kw)


def number(value: Cell) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def titled(ax: Axes, key: str, lang: str, has_data: bool) -> bool:
    """Title the chart; without data, say so in its place. True when there is something to draw."""
    ax.set_title(text_for(key, lang), loc="left", color=INK)
    if not has_data:
        ax.text(0.5, 0.5, text_for("no_data", lang), ha="center", va="center", color="#888888", fontsize=14)
        ax.set_axis_off()
    return has_data
