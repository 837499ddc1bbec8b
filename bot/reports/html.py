"""The report as one self-contained HTML page: inline CSS, charts as inline SVG, nothing fetched.

Built for an administrator who has 30 seconds: the first screen holds the headline cards (with the
income total and each number's change), then a table of contents; each section shows its chart
and one line of explanation, with the detail table folded away under it (`<details>`). Everything
is in the report's language (`bot.reports.words`). Printed (or saved as PDF), the page keeps only
the headline cards and the funnel: one clean A4 page to hand on. It reads well from a 360 px phone
to a desktop; charts scale to their box and never scroll sideways. A Content-Security-Policy
forbids every network fetch. Text goes through Jinja2's autoescape.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from bot.reports.chart_style import font_missing
from bot.reports.charts import all_charts_svg
from bot.reports.findings import cards, comparison_caption, differences, empty_reason
from bot.reports.model import Report, Table
from bot.reports.text import local_time
from bot.reports.words import cohort_name, header, showers, shown_columns

# Sections in reading order: is it working, where, when; then why (where people stop), then what
# they asked; the reference tables last.
ORDER = (
    "funnel",
    "villages",
    "stages_weekly",
    "completion",
    "weekly",
    "dropoff",
    "outcomes",
    "check_questions",
    "faq",
    "faq_unanswered",
    "summary",
    "headline",
    "cohorts",
    "learners",
)

OPEN_ROWS = 12  # a table without a chart and at most this many rows is shown unfolded

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",
 sans-serif;color:#222;background:#f6f7f4;line-height:1.45}
.wrap{max-width:1100px;margin:0 auto;padding:10px}
header{background:#fff;border-radius:8px;padding:10px 14px;margin-bottom:10px}
h1{font-size:1.3rem;margin:0 0 2px}
h2{font-size:1.15rem;margin:0 0 4px}
.meta{color:#555;font-size:.85rem;margin:0}
details.filter summary{cursor:pointer;color:#555;font-size:.85rem}
dl.filter{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0 0;font-size:.85rem}
dl.filter dt{color:#555}dl.filter dd{margin:0}
.privacy{font-size:.8rem;margin:6px 0 0;color:#456}
.privacy.named{padding:6px 10px;border-radius:6px;background:#fff1e6;border:1px solid #f0a060;color:#222}
.notice{background:#fff8d6;border:1px solid #e0c050;border-radius:8px;padding:8px 12px;margin:0 0 10px}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:8px;margin:0 0 6px}
.card{background:#fff;border-radius:8px;padding:8px 12px;border-left:4px solid #3182bd}
.card .label{font-size:.85rem;color:#444;margin:0}
.card .value{font-size:1.6rem;font-weight:700;margin:0;font-variant-numeric:tabular-nums}
.card .change{font-size:.8rem;margin:0;color:#555}
.card .change.up{color:#1a7f37}.card .change.down{color:#b42318}
.card.income{grid-column:1/-1;border-left-color:#e6550d}
.card .detail{font-size:.8rem;color:#444;margin:2px 0 0}
.caption{font-size:.8rem;color:#555;margin:0 0 10px}
nav.toc{background:#fff;border-radius:8px;padding:8px 14px;margin-bottom:10px;font-size:.9rem}
nav.toc ol{margin:4px 0 0;padding-left:1.4em;columns:2;column-gap:24px}
nav.toc a{color:#1f5f9f}
section{background:#fff;border-radius:8px;padding:10px 14px;margin-bottom:10px}
.note{color:#555;font-size:.85rem;margin:0 0 8px}
.why{font-size:.85rem;margin:0 0 6px;padding:4px 8px;background:#eef4fb;border-radius:6px}
figure.chart{margin:0 0 8px;width:100%;max-width:760px}
figure.chart svg{display:block;width:100%;height:auto;max-width:100%}
details.rows summary{cursor:pointer;color:#1f5f9f;font-size:.9rem;margin:4px 0}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;font-size:.85rem;white-space:nowrap}
th,td{padding:4px 8px;border-bottom:1px solid #e4e4e4;text-align:left}
th{background:#f0f2ec;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.text{white-space:normal;min-width:12em;max-width:28em}
.empty{color:#888;font-style:italic}
@media (min-width:1000px){.cards{grid-template-columns:repeat(5,1fr)}}
@media (max-width:640px){.wrap{padding:6px}section,header{padding:8px 10px}h1{font-size:1.1rem}
.cards{grid-template-columns:repeat(2,1fr);gap:6px}.card{padding:6px 10px}.card .value{font-size:1.3rem}
nav.toc ol{columns:1}}
@page{size:A4;margin:12mm}
@media print{body{background:#fff;font-size:11pt}.wrap{max-width:none;padding:0}
nav.toc,details,.no-print,section:not(.print){display:none!important}
header,section,.card{border:1px solid #ccc;break-inside:avoid}
.cards{grid-template-columns:repeat(3,1fr)!important}
figure.chart{max-width:150mm;margin:0 auto}}
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
<p class="meta">{{ period }} · {{ generated_label }} {{ generated }} ({{ timezone }})</p>
<details class="filter"><summary>{{ filter_label }}</summary>
<dl class="filter">
{%- for label, value in filter %}
<dt>{{ label }}</dt><dd>{{ value }}</dd>
{%- endfor %}
</dl>
</details>
<p class="privacy{% if named %} named{% endif %}">{{ privacy }}</p>
</header>
{% for line in notices %}<p class="notice">{{ line }}</p>
{% endfor %}
<div class="cards" id="headline-cards">
{%- for c in cards %}
<div class="card {{ c.key }}" id="card-{{ c.key }}"><p class="label">{{ c.label }}</p>
<p class="value">{{ c.value }}</p>
{% if c.detail %}<p class="detail">{{ c.detail }}</p>{% endif %}
<p class="change {{ c.trend }}">{{ c.change }}</p></div>
{%- endfor %}
</div>
<p class="caption">{{ caption }}</p>
<nav class="toc" id="toc"><strong>{{ toc_label }}</strong>
<ol>
{%- for s in sections %}
<li><a href="#table-{{ s.key }}">{{ s.title }}</a></li>
{%- endfor %}
</ol>
</nav>
{% for s in sections %}
<section id="table-{{ s.key }}" class="report-table{% if s.key == 'funnel' %} print{% endif %}">
<h2>{{ s.title }}</h2>
{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}
{% for line in s.why %}<p class="why">{{ line }}</p>{% endfor %}
{% if s.chart %}<figure class="chart" id="figure-{{ s.key }}">{{ s.chart }}</figure>{% endif %}
{% if s.rows %}
<details class="rows"{% if s.open %} open{% endif %}>
<summary>{{ s.summary }}</summary>
<div class="table-wrap">
<table>
<thead><tr>{% for c in s.columns %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{{ s.body }}
</tbody>
</table>
</div>
</details>
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
        "title": "FarmSkills: is the training working?",
        "generated": "made",
        "filter": "Filter",
        "toc": "Contents",
        "private": "No names or user ids in this report.",
        "named": "This report contains names and user ids: share it only with people who need them.",
        "empty": "Nothing to show for this filter.",
        "rows": "Show the table ({n} rows)",
        "font": "This computer has no Chinese font, so the charts are labelled in English "
        "(install fonts-wqy-microhei or fonts-noto-cjk and make the report again).",
    },
    "zh": {
        "title": "FarmSkills 培训效果报告",
        "generated": "生成于",
        "filter": "筛选条件",
        "toc": "目录",
        "private": "本报告不含姓名和用户编号。",
        "named": "本报告含姓名和用户编号：只给需要的人看。",
        "empty": "这个筛选条件下没有数据。",
        "rows": "展开表格（{n} 行）",
        "font": "本机没有中文字体，图表里的文字只好用英文"
        "（安装 fonts-wqy-microhei 或 fonts-noto-cjk 后重新生成即可）。",
    },
}

_TEXT_COLUMNS = {"ask", "question", "lesson_title", "name"}


def _body(table: Table, report: Report, columns: list[int]) -> Markup:
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
    shown = showers(report, table)
    lines = [
        "<tr>" + "".join(f"<td{classes[i]}>{escape(shown[i](row[i]))}</td>" for i in columns) + "</tr>"
        for row in table.rows
    ]
    return Markup("\n".join(lines))


def _period(report: Report) -> str:
    flt = report.filter
    zh = report.lang == "zh"
    start = flt.since.isoformat() if flt.since else ("开始" if zh else "the start")
    end = flt.until.isoformat() if flt.until else ("现在" if zh else "now")
    return f"{start} – {end}"


def _filter(report: Report) -> list[tuple[str, str]]:
    """The filter as people name things: villages and the track by their names."""
    pairs = report.filter.describe(report.lang)
    flt = report.filter
    if flt.cohorts:
        names = "、".join(cohort_name(report, c, report.lang) for c in flt.cohorts)
        pairs[0] = (pairs[0][0], names)
    if flt.track:
        pairs[1] = (pairs[1][0], report.track_title(flt.track))
    return pairs


def notices(report: Report) -> list[str]:
    """What the reader must know before the numbers: why it is empty, why a chart is in English."""
    words = _WORDS.get(report.lang, _WORDS["en"])
    out = []
    reason = empty_reason(report)
    if reason:
        out.append(reason)
    if font_missing(report.lang):
        out.append(words["font"])
    return out


def render_html(report: Report) -> str:
    """The whole report as one HTML file: headline cards, contents, then a section per table."""
    words = _WORDS.get(report.lang, _WORDS["en"])
    charts = all_charts_svg(report)
    keys = [k for k in ORDER if report.has(k)] + [t.key for t in report.tables if t.key not in ORDER]
    sections: list[dict[str, Any]] = []
    for key in keys:
        table = report.table(key)
        columns = shown_columns(table)
        sections.append(
            {
                "key": key,
                "title": table.title,
                "note": table.note,
                "why": differences(report) if key == "funnel" else [],
                # Markup: the SVG is drawn by matplotlib from our own numbers, its text as paths.
                "chart": Markup(charts[key]) if key in charts else None,
                "columns": [header(key, table.columns[i], report.lang) for i in columns],
                "rows": len(table.rows),
                # A short table without a chart is the section: shown; anything longer is folded.
                "open": key not in charts and len(table.rows) <= OPEN_ROWS,
                "summary": words["rows"].format(n=f"{len(table.rows):,}"),
                "body": _body(table, report, columns),
            }
        )
    return _PAGE.render(
        lang=report.lang,
        title=words["title"],
        css=Markup(_CSS),
        period=_period(report),
        generated_label=words["generated"],
        generated=local_time(report),
        timezone=report.timezone,
        filter_label=words["filter"],
        filter=_filter(report),
        named=report.filter.named,
        privacy=words["named"] if report.filter.named else words["private"],
        notices=notices(report),
        cards=cards(report),
        caption=comparison_caption(report),
        toc_label=words["toc"],
        sections=sections,
        empty=words["empty"],
    )
