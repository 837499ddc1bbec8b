"""Charts of a report, drawn with matplotlib (Agg backend): SVG for the HTML page, one PNG for a chat.

How they look (settings, colours, labels, the CJK font) is `chart_style`. Text is drawn as paths,
so the SVGs need no font in the browser; without a CJK font the charts fall back to English labels
rather than drawing empty boxes, and `font_missing` says so, so the CLI can warn and the page can
carry a note: never a silent switch of language. Each SVG is cleaned for inlining: no XML prolog
or comments, width 100% with its viewBox kept, and ids prefixed with the chart's id so several
charts can share one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from bot.reports.chart_style import (
    GRID,
    INK,
    STAGE_COLOURS,
    TIER_COLOURS,
    WIDTH_IN,
    drawing,
    drawing_lang,
    number,
    text_for,
    titled,
)
from bot.reports.labels import MIN_RANKED
from bot.reports.model import ALL, Cell, Report
from bot.reports.words import cohort_name

# The chart ids, one per report table.
CHARTS = ("funnel", "villages", "stages_weekly", "completion", "weekly", "dropoff")
TOP_VILLAGES = 8  # with more villages, the chart shows the best and the last this many


# ----- one axes per chart -------------------------------------------------------------------------


def _draw_funnel(ax: Axes, report: Report, lang: str) -> None:
    row = next(
        (r for r in report.table("funnel").records() if r["cohort"] == ALL and r["track"] == ALL), None
    )
    stages = ("started", "completed_lesson", "applied", "outcome")
    values = [number(row[s]) if row else 0.0 for s in stages]
    if not titled(ax, "funnel", lang, any(values)):
        return
    ys = list(range(len(stages)))[::-1]
    ax.barh(ys, values, color=STAGE_COLOURS, height=0.65)
    top = values[0] or 1.0
    for y, v in zip(ys, values, strict=True):
        ax.text(v, y, f"  {v:,.0f} ({100 * v / top:.0f}%)", va="center", color=INK)
    ax.set_yticks(ys, [text_for(s, lang) for s in stages])
    ax.set_xlim(0, max(values) * 1.35)
    ax.set_xlabel(text_for("learners", lang))
    ax.spines[["top", "right"]].set_visible(False)


def _draw_completion(ax: Axes, report: Report, lang: str) -> None:
    rows = [r for r in report.table("completion").records() if r["cohort"] == ALL]
    if not titled(ax, "completion", lang, bool(rows)):
        return
    tracks = list(dict.fromkeys(str(r["track"]) for r in rows))
    tiers = [t for t in ("basic", "intermediate", "advanced") if any(r["tier"] == t for r in rows)]
    bar = 0.8 / max(1, len(tiers))
    for i, tier in enumerate(tiers):
        xs, heights = [], []
        for j, track in enumerate(tracks):
            row = next((r for r in rows if r["track"] == track and r["tier"] == tier), None)
            if row is None:
                continue
            xs.append(j + (i - (len(tiers) - 1) / 2) * bar)
            heights.append(100 * number(row["completion_rate"]))
        ax.bar(xs, heights, width=bar * 0.92, color=TIER_COLOURS[tier], label=text_for(tier, lang))
        for x, h in zip(xs, heights, strict=True):
            ax.text(x, h + 1.5, f"{h:.0f}%", ha="center", va="bottom", fontsize=9, color=INK)
    names = [t if _fallback(report, lang) else report.track_title(t) for t in tracks]
    ax.set_xticks(range(len(tracks)), [_short(n, 10) for n in names])
    ax.set_ylim(0, 115)
    ax.set_ylabel(text_for("rate", lang))
    ax.legend(frameon=False, ncols=len(tiers), loc="upper left", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)


def _draw_weekly(ax: Axes, report: Report, lang: str) -> None:
    rows = [r for r in report.table("weekly").records() if r["cohort"] == ALL]
    if not titled(ax, "weekly", lang, bool(rows)):
        return
    weeks = [str(r["week"])[5:] for r in rows]  # MM-DD of the Monday
    xs = list(range(len(rows)))
    for key, colour in (("active_learners", "#3182bd"), ("new_learners", "#e6550d")):
        ax.plot(xs, [number(r[key]) for r in rows], marker="o", color=colour, label=text_for(key, lang))
    step = max(1, len(xs) // 12)
    ax.set_xticks(xs[::step], weeks[::step], rotation=45, ha="right")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(text_for("learners", lang))
    ax.legend(frameon=False, loc="upper left")
    ax.grid(axis="y", color=GRID)
    ax.spines[["top", "right"]].set_visible(False)


def _dropoff_rows(report: Report) -> list[tuple[str, list[float], float]]:
    """(lesson id, learners stopped at each step, learners who finished), lessons in order."""
    lessons: dict[str, tuple[list[float], float]] = {}
    for r in report.table("dropoff").records():
        stops, reached = lessons.get(str(r["lesson_id"]), ([], 0.0))
        if not stops:
            reached = number(r["reached"])  # step 1: everyone who opened the lesson
        stops.append(number(r["stopped"]))
        lessons[str(r["lesson_id"])] = (stops, reached)
    return [(lid, stops, max(0.0, total - sum(stops))) for lid, (stops, total) in lessons.items()]


def _draw_dropoff(ax: Axes, report: Report, lang: str) -> None:
    rows = _dropoff_rows(report)
    if not titled(ax, "dropoff", lang, bool(rows)):
        return
    ys = list(range(len(rows)))[::-1]
    most = max(len(stops) for _, stops, _ in rows)
    reds = ["#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#de2d26", "#a50f15"]
    left = [0.0] * len(rows)
    series = [
        *(
            (
                [stops[step] if step < len(stops) else 0.0 for _, stops, _ in rows],
                reds[step % len(reds)],
                text_for("stopped_at", lang, n=step + 1),
            )
            for step in range(most)
        ),
        ([done for _, _, done in rows], "#74c476", text_for("finished", lang)),
    ]
    # One collection of rectangles per series rather than a patch per bar: the same bars, drawn
    # several times faster (a page's drop-off chart has hundreds of them).
    for widths, colour, label in series:
        boxes = [
            [(x, y - 0.35), (x + w, y - 0.35), (x + w, y + 0.35), (x, y + 0.35)]
            for x, y, w in zip(left, ys, widths, strict=True)
            if w > 0
        ]
        ax.add_collection(PolyCollection(boxes, facecolors=colour, edgecolors="none", label=label))
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_xlim(0, max(max(left), 1.0) * 1.05)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    names = [lid if _fallback(report, lang) else report.lesson_title(lid) for lid, _, _ in rows]
    ax.set_yticks(ys, [_short(n, 14) for n in names], fontsize=9)
    ax.set_xlabel(text_for("learners", lang))
    ax.legend(frameon=False, fontsize=8, loc="lower right", ncols=2)
    ax.spines[["top", "right"]].set_visible(False)


def _fallback(report: Report, lang: str) -> bool:
    """Labels fell back to English for want of a CJK font: name things by their codes, not boxes."""
    return lang != report.lang


def _short(text: str, limit: int) -> str:
    """A label cut to `limit` wide characters (twice as many narrow ones), with "…"."""
    out, used = "", 0.0
    for ch in text:
        used += 1.0 if ord(ch) > 0x2E80 else 0.5
        if used > limit:
            return out.rstrip() + "…"
        out += ch
    return out


def _village_rows(report: Report, lang: str) -> list[tuple[str, float, float, str, str]]:
    """(village, completion %, result %, counts, counts) for the villages ranked, best first;
    with many, the first and last TOP_VILLAGES with a gap between."""
    ranked = [r for r in report.table("villages").records() if number(r["started"]) >= MIN_RANKED]
    chosen: list[dict[str, Cell] | None] = list(ranked)
    if len(ranked) > 2 * TOP_VILLAGES:
        chosen = [*ranked[:TOP_VILLAGES], None, *ranked[-TOP_VILLAGES:]]
    out = []
    for r in chosen:
        if r is None:
            out.append(("…", 0.0, 0.0, "", ""))
            continue
        started = number(r["started"])
        name = str(r["cohort"]) if _fallback(report, lang) else cohort_name(report, r["cohort"], lang)
        done, result = number(r["completed_lesson"]), number(r["outcome"])
        out.append(
            (
                _short(name, 8),
                100 * done / started,
                100 * result / started,
                f"{done:,.0f}/{started:,.0f}",
                f"{result:,.0f}/{started:,.0f}",
            )
        )
    return out


def _draw_villages(ax: Axes, report: Report, lang: str) -> None:
    rows = _village_rows(report, lang)
    if not titled(ax, "villages", lang, bool(rows)):
        return
    ys = list(range(len(rows)))[::-1]
    bar = 0.38
    for offset, index, colour, key in (
        (bar / 2, 1, "#3182bd", "completion_rate"),
        (-bar / 2, 2, "#e6550d", "result_rate"),
    ):
        widths = [float(r[index]) for r in rows]
        ax.barh([y + offset for y in ys], widths, height=bar, color=colour, label=text_for(key, lang))
        for y, r in zip(ys, rows, strict=True):
            if r[3]:
                ax.text(
                    float(r[index]),
                    y + offset,
                    f" {float(r[index]):.0f}% ({r[index + 2]})",
                    va="center",
                    fontsize=8,
                    color=INK,
                )
    ax.set_yticks(ys, [r[0] for r in rows], fontsize=10)
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(text_for("share", lang))
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)


def _draw_stages_weekly(ax: Axes, report: Report, lang: str) -> None:
    rows = report.table("stages_weekly").records()
    if not titled(ax, "stages_weekly", lang, bool(rows)):
        return
    xs = list(range(len(rows)))
    stages = ("started", "completed_lesson", "applied", "outcome")
    for key, colour in zip(stages, STAGE_COLOURS, strict=True):
        ax.plot(
            xs,
            [number(r[key]) for r in rows],
            marker="o",
            markersize=3,
            color=colour,
            label=text_for(key, lang),
        )
    step = max(1, len(xs) // 8)
    ax.set_xticks(xs[::step], [str(r["week"])[5:] for r in rows][::step], rotation=45, ha="right")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(text_for("learners", lang))
    ax.legend(frameon=False, fontsize=9, loc="upper left", ncols=2)
    ax.grid(axis="y", color=GRID)
    ax.spines[["top", "right"]].set_visible(False)


DRAW: dict[str, Callable[[Axes, Report, str], None]] = {
    "funnel": _draw_funnel,
    "villages": _draw_villages,
    "stages_weekly": _draw_stages_weekly,
    "completion": _draw_completion,
    "weekly": _draw_weekly,
    "dropoff": _draw_dropoff,
}


# ----- SVG for the page, PNG for the chat ---------------------------------------------------------


def _clean_svg(svg: str, chart_id: str, title: str) -> str:
    """An SVG ready to inline in HTML: no prolog, comments or metadata; ids prefixed; scalable."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{chart_id}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{chart_id}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", svg)
    svg = svg.replace("*{stroke-linejoin", f"#{chart_id} *{{stroke-linejoin")  # keep its style local
    head_end = svg.index(">")
    head = svg[:head_end]
    if "viewBox" not in head:  # matplotlib writes one; make sure, or the chart cannot scale
        w = re.search(r'width="([\d.]+)pt"', head)
        h = re.search(r'height="([\d.]+)pt"', head)
        if w and h:
            head += f' viewBox="0 0 {w.group(1)} {h.group(1)}"'
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    head += f' id="{chart_id}" class="chart-svg" width="100%" role="img" aria-label="{safe_title}"'
    body = svg[head_end:]
    return head + body


def _figure(kind: str, report: Report) -> Figure:
    if kind == "dropoff":
        height = max(3.5, 0.3 * len(_dropoff_rows(report)) + 1.8)
    elif kind == "villages":
        height = max(3.0, 0.42 * len(_village_rows(report, report.lang)) + 1.4)
    else:
        height = 4.2
    return Figure(figsize=(WIDTH_IN, height))


def _ems(text: str) -> float:
    """A label's width in ems: a Chinese character is one, a Latin one about half."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def _fit(fig: Figure, ax: Axes) -> None:
    """Margins from the labels' lengths: much cheaper than a layout engine, which measures every
    piece of text twice (a page's charts drew twice as slowly with it)."""
    width, height = fig.get_size_inches()
    ys = [t for t in ax.get_yticklabels() if t.get_text()]
    left = max((_ems(t.get_text()) * float(t.get_fontsize()) / 72 for t in ys), default=0.3) + 0.2
    if ax.get_ylabel():
        left += 0.3
    rotated = any(t.get_rotation() for t in ax.get_xticklabels())
    bottom = (0.75 if rotated else 0.45) + (0.25 if ax.get_xlabel() else 0.0)
    fig.subplots_adjust(
        left=min(0.5, left / width), right=1 - 0.15 / width, top=1 - 0.4 / height, bottom=bottom / height
    )


def chart_svg(report: Report, kind: str, lang: str | None = None) -> str:
    """One chart (funnel, completion, weekly, dropoff) as inline-ready SVG text."""
    label_lang = drawing_lang(lang or report.lang)
    with drawing():
        fig = _figure(kind, report)
        ax = fig.add_subplot()
        DRAW[kind](ax, report, label_lang)
        _fit(fig, ax)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _clean_svg(buffer.getvalue(), f"chart-{kind}", text_for(kind, label_lang))


def all_charts_svg(report: Report, lang: str | None = None) -> dict[str, str]:
    """Every chart, keyed by the table it draws."""
    return {kind: chart_svg(report, kind, lang) for kind in CHARTS}


MAX_PNG_BYTES = 200 * 1024


def chat_chart_png(report: Report, lang: str = "zh") -> bytes:
    """The funnel and tier completion side by side: one PNG, 1200×500 px, small enough for a chat."""
    label_lang = drawing_lang(lang)
    with drawing():
        for dpi in (100, 80, 64):
            fig = Figure(figsize=(12.0, 5.0), dpi=dpi, layout="constrained")
            left, right = fig.subplots(1, 2)
            _draw_funnel(left, report, label_lang)
            _draw_completion(right, report, label_lang)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
            data = buffer.getvalue()
            if len(data) <= MAX_PNG_BYTES:
                break
    return data
