"""The report as one self-contained HTML page: inline CSS, charts as inline SVG, nothing fetched.

It reads well on a 360 px phone and on a desktop (a viewport meta, a centred column, tables that
scroll sideways inside their own box). A Content-Security-Policy forbids every network fetch, so a
page opened from an e-mail or a USB stick cannot call out. Text goes through Jinja2's autoescape.
"""

from __future__ import annotations

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from bot.reports.charts import all_charts_svg
from bot.reports.model import Report, Table, cell_text
from bot.reports.text import local_time

# Sections in reading order: what happened, then why (where people stop), then what they asked.
ORDER = (
    "summary",
    "funnel",
    "completion",
    "weekly",
    "dropoff",
    "check_questions",
    "outcomes",
    "faq",
    "faq_unanswered",
    "cohorts",
    "learners",
)

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
 sans-serif;color:#222;background:#f6f7f4;line-height:1.45}
.wrap{max-width:1100px;margin:0 auto;padding:12px}
header{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:12px}
h1{font-size:1.4rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:0 0 4px}
.meta{color:#555;font-size:.9rem;margin:0}
dl.filter{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0 0;font-size:.9rem}
dl.filter dt{color:#555}dl.filter dd{margin:0}
.privacy{font-size:.9rem;margin:8px 0 0;padding:6px 10px;border-radius:6px;background:#eef6ee}
.privacy.named{background:#fff1e6;border:1px solid #f0a060}
section{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:12px}
.note{color:#555;font-size:.85rem;margin:0 0 8px}
figure.chart{margin:0 0 10px;width:100%;max-width:900px}
figure.chart svg{display:block;width:100%;height:auto}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;white-space:nowrap}
th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:left}
th{background:#f0f2ec;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.text{white-space:normal;min-width:12em;max-width:28em}
.empty{color:#888;font-style:italic}
@media (max-width:480px){.wrap{padding:6px}section,header{padding:10px}h1{font-size:1.2rem}
/* On a phone a chart keeps a readable size and scrolls sideways, like the tables. */
figure.chart{overflow-x:auto}figure.chart svg{width:auto;min-width:560px}}
"""

_TEMPLATE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<div class="wrap">
<header>
<h1>{{ title }}</h1>
<p class="meta">{{ generated_label }}: {{ generated }} ({{ timezone }})</p>
<dl class="filter">
{%- for label, value in filter %}
<dt>{{ label }}</dt><dd>{{ value }}</dd>
{%- endfor %}
</dl>
<p class="privacy{% if named %} named{% endif %}">{{ privacy }}</p>
</header>
{% for s in sections %}
<section id="table-{{ s.key }}" class="report-table">
<h2>{{ s.title }}</h2>
{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}
{% if s.chart %}<figure class="chart" id="figure-{{ s.key }}">{{ s.chart }}</figure>{% endif %}
{% if s.rows %}
<div class="table-wrap">
<table>
<thead><tr>{% for c in s.columns %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{{ s.body }}
</tbody>
</table>
</div>
{% else %}
<p class="empty">{{ empty }}</p>
{% endif %}
</section>
{% endfor %}
</div>
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_PAGE = _ENV.from_string(_TEMPLATE)

_WORDS = {
    "en": {
        "title": "FarmSkills administrator report",
        "generated": "generated",
        "private": "No names or user ids in this report.",
        "named": "This report contains names and user ids: share it only with people who need them.",
        "empty": "Nothing to show for this filter.",
    },
    "zh": {
        "title": "FarmSkills 管理报告",
        "generated": "生成时间",
        "private": "本报告不含姓名和用户编号。",
        "named": "本报告含姓名和用户编号：只给需要的人看。",
        "empty": "这个筛选条件下没有数据。",
    },
}

_TEXT_COLUMNS = {"ask", "question", "lesson_title", "name"}


def _body(table: Table, report: Report) -> Markup:
    """The table's rows as HTML, every value escaped (tens of thousands of cells: built directly,
    faster than a template loop)."""
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in table.rows)
        for i in range(len(table.columns))
    ]
    classes = [
        ' class="num"' if numeric[i] else (' class="text"' if c in _TEXT_COLUMNS else "")
        for i, c in enumerate(table.columns)
    ]
    # Cohorts by name as well as code, except in the table that pairs them.
    shown = [
        report.cohort_label if c == "cohort" and table.key != "cohorts" else cell_text for c in table.columns
    ]
    lines = [
        "<tr>" + "".join(f"<td{classes[i]}>{escape(shown[i](v))}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in table.rows
    ]
    return Markup("\n".join(lines))


def render_html(report: Report) -> str:
    """The whole report as one HTML file, with a chart above the funnel, completion, weekly and
    drop-off tables."""
    words = _WORDS.get(report.lang, _WORDS["en"])
    charts = all_charts_svg(report)
    keys = [k for k in ORDER if report.has(k)] + [t.key for t in report.tables if t.key not in ORDER]
    sections = []
    for key in keys:
        table = report.table(key)
        sections.append(
            {
                "key": key,
                "title": table.title,
                "note": table.note,
                # Markup: the SVG is drawn by matplotlib from our own numbers, its text as paths.
                "chart": Markup(charts[key]) if key in charts else None,
                "columns": table.columns,
                "rows": len(table.rows),
                "body": _body(table, report),
            }
        )
    return _PAGE.render(
        lang=report.lang,
        title=words["title"],
        css=Markup(_CSS),
        generated_label=words["generated"],
        generated=local_time(report),
        timezone=report.timezone,
        filter=report.filter.describe(report.lang),
        named=report.filter.named,
        privacy=words["named"] if report.filter.named else words["private"],
        sections=sections,
        empty=words["empty"],
    )
