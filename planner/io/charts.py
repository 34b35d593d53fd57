"""Charts as files: the SLA options' cost against service (altair; PNG and self-contained HTML through
vl-convert, no browser and no network needed). The HTML draws SVG, so its text is text (searchable, and the
browser picks a font that has each Chinese character)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from planner.errors import PlannerInputError
from planner.verdict import LEVELS


def _has_cjk_font() -> bool:
    """Whether the system has a Chinese font for a PNG (fontconfig's list; HTML leaves it to the browser)."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def options_chart(rows: Sequence[dict[str, Any]], chinese: bool = True) -> Any:
    """Each channel's worst contract period against the option's cost a month, one panel a channel, the
    options' targets as a dashed line (rows: :func:`planner.sweep.compare`). ``chinese``: bilingual labels
    (else English, for a PNG on a system without a Chinese font)."""
    import altair as alt

    def say(zh: str, en: str) -> str:
        return f"{zh} {en}" if chinese else en

    data = [
        {
            "option": r["option"],
            "cost_month_cny": r["cost_month_cny"],
            "channel": f"{ch} ({x['measure']}, {x['period']})",
            "value": x["worst_period_value"],
            "target": x["target"],
            "met": say(*LEVELS[x.get("verdict") or ("met" if x["met"] else "not_met")]),
        }
        for r in rows
        for ch, x in r["channels"].items()
        if x["worst_period_value"] is not None
    ]
    base = alt.Chart()
    x = alt.X("cost_month_cny:Q", title=say("月成本", "cost a month (CNY)"), scale=alt.Scale(zero=False))
    y = alt.Y("value:Q", title=say("最差周期", "worst period (dashed: target)"), scale=alt.Scale(zero=False))
    line = base.mark_line(color="#9e9e9e").encode(x=x, y=y, order="cost_month_cny:Q")
    points = base.mark_point(filled=True, size=90).encode(
        x=x,
        y=y,
        color=alt.Color("met:N", title=say("合同", "contract"),
                        scale=alt.Scale(domain=[say(*LEVELS[v]) for v in ("met", "at_risk", "not_met")],
                                        range=["#2e7d32", "#ef6c00", "#c62828"])),
        tooltip=["option:N", "cost_month_cny:Q", "value:Q", "target:Q"],
    )
    labels = base.mark_text(dy=-12, fontSize=11).encode(x=x, y=y, text="option:N")
    target = base.mark_line(strokeDash=[4, 4], color="#1565c0").encode(x=x, y="target:Q", order="cost_month_cny:Q")
    return (
        alt.layer(line, points, labels, target, data=alt.Data(values=data))
        .properties(width=320, height=260)
        .facet(facet=alt.Facet("channel:N", title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title=say("服务水平与成本", "service against cost, per option"))
    )


def _save(chart: Any, rows: Sequence[dict[str, Any]], png: str | Path, html: str | Path) -> None:
    """A chart as PNG (bilingual where a Chinese font is installed) and as one bilingual HTML file with its
    scripts inline, drawn as SVG."""
    try:
        chart(rows, chinese=_has_cjk_font()).save(str(png), scale_factor=2)
        chart(rows).save(str(html), inline=True, embed_options={"renderer": "svg"})
    except OSError as exc:
        raise PlannerInputError(f"{png}: cannot write the chart ({exc.strerror or exc})") from None


def write_options_chart(rows: Sequence[dict[str, Any]], png: str | Path, html: str | Path) -> None:
    """Write the options chart as PNG and as one HTML file with its scripts inline."""
    _save(options_chart, rows, png, html)


def capacity_chart(rows: Sequence[dict[str, Any]], chinese: bool = True) -> Any:
    """The requirement against the headcount month by month (lines: required FTE, headcount incl.
    trainees, productive FTE, productive FTE with the overtime worked), hires by month as bars (rows: the
    capacity plan's monthly rows)."""
    import altair as alt

    def say(zh: str, en: str) -> str:
        return f"{zh} {en}" if chinese else en

    series = {
        "required_fte": say("需求FTE", "required FTE"),
        "headcount_start": say("在职人数", "headcount (trainees incl.)"),
        "productive_fte": say("有效FTE", "productive FTE"),
        "with_overtime": say("有效FTE+加班", "productive FTE + overtime"),
    }
    rows = [{**r, "with_overtime": r["productive_fte"] + r["overtime_fte"]} for r in rows]
    lines = [{"month": r["month"], "series": name, "value": r[key]} for r in rows for key, name in series.items()]
    bars = [{"month": r["month"], "hires": r["hires"]} for r in rows]
    x = alt.X("month:O", title=say("月份", "month"))
    hires = alt.Chart(alt.Data(values=bars)).mark_bar(color="#90caf9", opacity=0.8).encode(
        x=x, y=alt.Y("hires:Q", title=say("人数 / 新招", "people (bars: hires)")), tooltip=["month:O", "hires:Q"]
    )
    curves = alt.Chart(alt.Data(values=lines)).mark_line(point=True).encode(
        x=x,
        y=alt.Y("value:Q"),
        color=alt.Color("series:N", title=None, legend=alt.Legend(labelLimit=0, orient="bottom"),
                        scale=alt.Scale(domain=list(series.values()),
                                        range=["#c62828", "#1565c0", "#2e7d32", "#f9a825"])),
        tooltip=["month:O", "series:N", "value:Q"],
    )
    return alt.layer(hires, curves).properties(
        width=640, height=300, title=say("需求与人力(柱: 每月新招)", "requirement against headcount, hires by month")
    )


def write_capacity_chart(rows: Sequence[dict[str, Any]], png: str | Path, html: str | Path) -> None:
    """Write the capacity chart as PNG and as one HTML file with its scripts inline."""
    _save(capacity_chart, rows, png, html)
