"""The service report as a file (合同 2.6): an Excel workbook or one self-contained HTML page.

The suffix of the path picks the format (``.xlsx`` or ``.html``). The HTML has no script and fetches
nothing: the charts (volume, service level and ASA by day, targets dashed) are altair specs rendered to SVG
by vl-convert and written inline; a CJK font stack is named so Chinese renders on Windows, macOS and Linux.
Headings follow :mod:`planner.reports.text` (``zh``: Chinese first, then English; ``en``: English only).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import PlannerInputError
from planner.reports.kpi import KPI_NAMES, PeriodRow, Report
from planner.reports.text import (
    DEFINITIONS,
    SHARES,
    fmt_count,
    fmt_date,
    fmt_kpi,
    fmt_period,
    kpi_label,
    met_text,
    say,
    short,
)

FORMATS = (".xlsx", ".html")
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", '
              "sans-serif")


def _measured(report: Report) -> list[tuple[str, str]]:
    """(channel, kpi) pairs with a value somewhere in the report, in channel then KPI order."""
    seen = {(v.channel, v.name) for v in report.verdicts}
    channels = list(dict.fromkeys(r.channel for r in report.rows))
    return [(c, k) for c in channels for k in KPI_NAMES if (c, k) in seen]


# ---------------------------------------------------------------------------------------------
# Tables (shared by both formats)
# ---------------------------------------------------------------------------------------------


def summary_table(report: Report, lang: str) -> pd.DataFrame:
    """One row per channel and KPI: target, the whole report's pooled value, periods met, worst period."""
    rows = []
    for v in report.verdicts:
        worst = next(r for r in report.rows if r.channel == v.channel and r.start == v.worst_start)
        rows.append({
            say("channel", lang): v.channel,
            say("kpi", lang): kpi_label(v.name, lang, report.answer_s.get(v.channel)),
            say("target", lang): _target_text(v.name, v.target, v.at_most, lang),
            say("overall", lang): fmt_kpi(v.name, v.total_value, lang),
            say("periods_met", lang): f"{v.met} / {v.measured}" if v.target is not None else "—",
            say("worst", lang): f"{fmt_period(report.period, worst.start, worst.end, lang)}: "
                                f"{fmt_kpi(v.name, v.worst_value, lang)}",
            say("met", lang): met_text(v.all_met, lang),
        })
    return pd.DataFrame(rows)


def _target_text(name: str, target: float | None, at_most: bool, lang: str) -> str:
    if target is None:
        return "—"
    sign = "≤" if at_most else "≥"
    return f"{sign} {fmt_kpi(name, target, lang)}"


def period_table(report: Report, rows: tuple[PeriodRow, ...], lang: str, period: str) -> pd.DataFrame:
    """One row per period and channel: volumes, then each measured KPI and whether it met its target."""
    measured = _measured(report)
    kpis = [k for k in KPI_NAMES if any(k == m for _, m in measured)]
    thresholds = set(report.answer_s.values())
    answer_s = thresholds.pop() if len(thresholds) == 1 else None  # one column, so one threshold or none
    out = []
    for r in rows:
        row: dict[str, Any] = {
            say("period", lang): fmt_period(period, r.start, r.end, lang),
            say("channel", lang): r.channel,
            say("offered", lang): fmt_count(r.volume["offered"]),
            say("answered", lang): fmt_count(r.volume["answered"]),
            say("abandoned", lang): fmt_count(r.volume["abandoned"]),
        }
        for k in kpis:
            kpi = r.kpi(k)
            row[kpi_label(k, lang, answer_s)] = fmt_kpi(k, kpi.value, lang) + (
                "" if kpi.met is None else (" ✓" if kpi.met else " ✗"))
        row[say("out_of_hours_offered", lang)] = fmt_count(r.out_of_hours["offered"])
        out.append(row)
    return pd.DataFrame(out)


def out_of_hours_table(report: Report, lang: str) -> pd.DataFrame:
    """Days with contacts outside their channel's window: reported, not counted in the KPIs."""
    rows = [
        {say("date", lang): fmt_date(r.start, lang), say("channel", lang): r.channel,
         say("offered", lang): fmt_count(r.out_of_hours["offered"]),
         say("answered", lang): fmt_count(r.out_of_hours["answered"]),
         say("abandoned", lang): fmt_count(r.out_of_hours["abandoned"])}
        for r in report.daily if r.out_of_hours["offered"] > 0
    ]
    return pd.DataFrame(rows)


def numeric_table(rows: tuple[PeriodRow, ...]) -> pd.DataFrame:
    """The rows as numbers (fractions and seconds), one column per figure: the data sheets of the workbook."""
    return pd.DataFrame([r.as_dict() for r in rows])


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------


def charts(report: Report, lang: str) -> list[Any]:
    """Altair charts by day: volume per channel (offered, answered, abandoned), service level and ASA of
    the queue channels, each target a dashed line."""
    import altair as alt

    day = lambda r: r.start.isoformat()  # noqa: E731
    label = {r.start.isoformat(): (f"{r.start.month}月{r.start.day}日" if lang == "zh"
                                   else fmt_date(r.start, lang).rsplit(" ", 1)[0]) for r in report.daily}
    parts = lambda r: ("offered",) if r.kind == "email" else ("answered", "abandoned")  # noqa: E731
    vol = [{"date": label[day(r)], "iso": day(r), "channel": r.channel, "what": short(k, lang), "n": r.volume[k]}
           for r in report.daily for k in parts(r) if r.volume["offered"] > 0]
    out = []
    font = {"font": FONT_STACK}
    x = alt.X("date:O", title=short("date", lang), sort=alt.EncodingSortField("iso"), axis=alt.Axis(labelAngle=0))
    if vol:
        out.append(
            alt.Chart(alt.Data(values=vol)).mark_bar().encode(
                x=x,
                y=alt.Y("sum(n):Q", title=short("offered", lang), axis=alt.Axis(format=",.0f")),
                color=alt.Color("what:N", title=None),
                column=alt.Column("channel:N", title=None),
            ).properties(width=260, height=180, title=say("volume_chart", lang)).configure(**font)
        )
    for name, key in (("service_level", "sl_chart"), ("asa_s", "asa_chart")):
        pts = [{"date": label[day(r)], "iso": day(r), "channel": r.channel, "value": r.kpi(name).value,
                "target": r.kpi(name).target} for r in report.daily if r.kpi(name).value is not None]
        if not pts:
            continue
        base = alt.Chart(alt.Data(values=pts))
        fmt = ".0%" if name in SHARES else ",.0f"
        line = base.mark_line(point=True).encode(x=x, y=alt.Y("value:Q", title=short(name, lang),
                                                               axis=alt.Axis(format=fmt)),
                                                 color=alt.Color("channel:N", title=short("channel", lang)))
        target = base.mark_line(strokeDash=[5, 4]).encode(x=x, y="target:Q", color="channel:N")
        out.append(alt.layer(line, target).properties(width=560, height=200, title=say(key, lang))
                   .configure(**font))
    return out


def _svg(chart: Any) -> str:
    import vl_convert

    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return svg[svg.find("<svg"):]


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def write_report(path: str | Path, report: Report, lang: str = "zh") -> None:
    """Write ``report`` to ``path``: ``.xlsx`` or ``.html`` by its suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PlannerInputError(f"--out {path}: name a .xlsx or .html file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".xlsx":
            write_report_xlsx(path, report, lang)
        else:
            path.write_text(report_html(report, lang), encoding="utf-8")
    except OSError as exc:
        raise PlannerInputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def write_report_xlsx(path: Path, report: Report, lang: str) -> None:
    """Sheets: summary (met/missed per KPI), the period's table, by day, out of hours, and the figures as
    numbers (shares as fractions formatted as %, seconds, counts) for further work."""
    sheets = {
        short("summary", lang)[:31]: summary_table(report, lang),
        short(report.period, lang)[:31]: period_table(report, report.rows, lang, report.period),
        short("daily", lang)[:31]: period_table(report, report.daily, lang, "day"),
        short("out_of_hours", lang)[:31]: out_of_hours_table(report, lang),
        "data": numeric_table(report.rows),
    }
    if report.period != "day":
        sheets["data_day"] = numeric_table(report.daily)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, df in sheets.items():
            df.to_excel(xl, sheet_name=name, index=False)
            ws = xl.sheets[name]
            ws.freeze_panes = "B2" if len(df.columns) > 1 else "A2"
            for col in ws.columns:
                head = str(col[0].value or "")
                width = max(len(str(c.value or "")) + (len(head) if c is col[0] else 0) // 2 for c in col[:200])
                ws.column_dimensions[col[0].column_letter].width = min(45, max(9, width + 2))
                if name.startswith("data"):
                    fmt = ("0.0%" if any(head == k or head == f"{k}_target" for k in SHARES)
                           else "#,##0.0" if head.startswith("asa_s") else "#,##0")
                    for c in col[1:]:
                        if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                            c.number_format = fmt


def _table_html(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p class=\"empty\">—</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for _, row in df.iterrows():
        cells = []
        for v in row:
            text = html.escape(str(v))
            cls = " class=\"miss\"" if text.endswith("✗") or text in ("未达标", "Missed") else (
                " class=\"ok\"" if text.endswith("✓") or text in ("达标", "Met") else "")
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<div class=\"wide\"><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: {font}; margin: 2em auto; max-width: 1200px; color: #212121; padding: 0 1em; }}
h1 {{ font-size: 1.6em; margin-bottom: 0.2em; }}
h2 {{ font-size: 1.25em; border-bottom: 2px solid #1565c0; padding-bottom: 0.2em; margin-top: 1.6em; }}
p.meta {{ color: #616161; margin-top: 0; }}
table {{ border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #cfd8dc; padding: 0.3em 0.6em; text-align: right; white-space: nowrap; }}
th {{ background: #eceff1; text-align: center; white-space: normal; min-width: 5em; }}
.wide {{ overflow-x: auto; }}
td:first-child, td:nth-child(2) {{ text-align: left; }}
td.ok {{ color: #2e7d32; font-weight: bold; }}
td.miss {{ color: #c62828; font-weight: bold; background: #ffebee; }}
.chart {{ margin: 1em 0; overflow-x: auto; }}
ul.notes li, dl dd {{ color: #424242; }}
dl dt {{ font-weight: bold; margin-top: 0.4em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{meta}</p>
<h2>{h_summary}</h2>
{summary}
<h2>{h_period}</h2>
{period_table}
<h2>{h_charts}</h2>
{charts}
{daily_section}
<h2>{h_out}</h2>
{out_table}
<h2>{h_defs}</h2>
<dl>{defs}</dl>
{notes}
</body>
</html>
"""


def report_html(report: Report, lang: str) -> str:
    """The report as one HTML page: summary, the period's table, charts inline as SVG, by day, out of hours,
    definitions and notes. No scripts and no external resources."""
    esc = html.escape
    title = say(report.period, lang)
    meta = [f"{say('range', lang)}: {fmt_date(report.first_day, lang)} – {fmt_date(report.last_day, lang)}"]
    if report.title:
        meta.insert(0, f"{say('site', lang)}: {report.title}")
    daily = ""
    if report.period != "day":
        daily = f"<h2>{esc(say('daily', lang))}</h2>\n" + _table_html(period_table(report, report.daily, lang, "day"))
    defs = "".join(f"<dt>{esc(say(k, lang))}</dt><dd>{esc(DEFINITIONS[k][0] if lang == 'zh' else DEFINITIONS[k][1])}"
                   + (f"<br>{esc(DEFINITIONS[k][1])}" if lang == "zh" else "") + "</dd>"
                   for k in KPI_NAMES if any(k == m for _, m in _measured(report)))
    notes = ""
    if report.notes:
        notes = f"<h2>{esc(say('notes', lang))}</h2><ul class=\"notes\">" + "".join(
            f"<li>{esc(n)}</li>" for n in report.notes) + "</ul>"
    svgs = "\n".join(f"<div class=\"chart\">{_svg(c)}</div>" for c in charts(report, lang))
    return _PAGE.format(
        lang="zh-CN" if lang == "zh" else "en",
        font=FONT_STACK,
        title=esc(title),
        meta=" · ".join(esc(m) for m in meta),
        h_summary=esc(say("summary", lang)),
        summary=_table_html(summary_table(report, lang)),
        h_period=esc(say("kpis", lang)),
        period_table=_table_html(period_table(report, report.rows, lang, report.period)),
        h_charts=esc(say("charts", lang)),
        charts=svgs or "<p class=\"empty\">—</p>",
        daily_section=daily,
        h_out=esc(say("out_of_hours", lang)),
        out_table=_table_html(out_of_hours_table(report, lang)),
        h_defs=esc(say("definitions", lang)),
        defs=defs,
        notes=notes,
    )
