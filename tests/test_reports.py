"""The service report (planner.reports, planner report): every reference value is worked out by hand in the
comments, from the contract's definitions (docs/reports.md), never from the code under test."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from planner.cli import main
from planner.errors import PlannerInputError
from planner.io.actuals import read_actuals, read_items
from planner.reports import build_report
from planner.scenario import parse_scenario

D = dt.date
WEEKDAY = {
    "version": 2,
    "site": {"name": "测试项目 test site"},
    "coverage": {"window": "weekday"},  # Mon-Fri 09:00-18:00, closed on statutory holidays, open on 调休
    "channels": {
        "voice": {"service_level": 0.8, "answer_s": 20, "asa_s": 30},
        "email": {"first_reply_working_hours": 4},
    },
}
H7X24 = {**WEEKDAY, "coverage": {"window": "7x24"}}
HEADER = "interval_start,channel,offered,answered,abandoned,answered_within_threshold,asa_s"


def scenario(data=WEEKDAY, **report):
    return parse_scenario({**data, "report": report} if report else data, source="test.toml")


def frame(*rows, cols=HEADER):
    """Actuals as the reader returns them: interval_start datetimes, counts as floats."""
    names = cols.split(",")
    df = pd.DataFrame([dict(zip(names, r, strict=True)) for r in rows])
    df["interval_start"] = pd.to_datetime(df["interval_start"])
    for c in names[2:]:
        df[c] = df[c].astype(float)
    df["queue"] = ""
    return df


def row(report, start, channel="voice"):
    return next(r for r in report.rows if r.start == start and r.channel == channel)


# ---------------------------------------------------------------------------------------------
# The coverage window and the Chinese calendar
# ---------------------------------------------------------------------------------------------


def test_statutory_holiday_is_out_of_hours_in_a_weekday_window_and_counted_in_7x24():
    # Thu 2026-04-30 is a working day; Fri 2026-05-01 is Labour Day (statutory). Same Mon-Sun week (04-27).
    acts = frame(
        ("2026-04-30T10:00", "voice", 100, 95, 5, 90, 10),
        ("2026-05-01T10:00", "voice", 50, 40, 10, 10, 60),
    )
    weekday = build_report(acts, scenario(), "week")
    w = row(weekday, D(2026, 4, 27))
    # weekday window: only Thursday counts: SL = 90 / 100 = 0.90; the holiday's 50 calls are out of hours
    assert w.volume["offered"] == 100 and w.out_of_hours["offered"] == 50
    assert w.kpi("service_level").value == pytest.approx(0.90) and w.kpi("service_level").met
    # ASA of Thursday alone: 10 s (<= 30 s target)
    assert w.kpi("asa_s").value == pytest.approx(10.0) and w.kpi("asa_s").met
    h = build_report(acts, scenario(H7X24), "week")
    w = row(h, D(2026, 4, 27))
    # 7x24: both days: SL = (90 + 10) / (100 + 50) = 100 / 150 = 0.6667, missed; ASA = (95*10 + 40*60) / 135
    #   = (950 + 2400) / 135 = 24.815 s
    assert w.volume["offered"] == 150 and w.out_of_hours["offered"] == 0
    assert w.kpi("service_level").value == pytest.approx(100 / 150) and w.kpi("service_level").met is False
    assert w.kpi("asa_s").value == pytest.approx(3350 / 135)


def test_makeup_saturdays_count_as_working_days():
    # Sat 2026-02-14 and Sat 2026-02-28 are 2026 make-up working days (调休上班); Sat 2026-03-07 is a weekend.
    acts = frame(
        ("2026-02-14T10:00", "voice", 40, 40, 0, 36, 5),
        ("2026-02-28T09:00", "voice", 10, 10, 0, 6, 25),
        ("2026-02-28T18:00", "voice", 7, 7, 0, 7, 1),  # 18:00 is after closing: out of hours
        ("2026-03-07T10:00", "voice", 20, 20, 0, 20, 1),
    )
    r = build_report(acts, scenario(), "day")
    assert row(r, D(2026, 2, 14)).volume["offered"] == 40
    assert row(r, D(2026, 2, 14)).kpi("service_level").value == pytest.approx(36 / 40)  # 0.9, met
    # 2026-02-28: 09:00 counted (6/10 = 0.6, missed), 18:00 out of hours
    feb28 = row(r, D(2026, 2, 28))
    assert (feb28.volume["offered"], feb28.out_of_hours["offered"]) == (10, 7)
    assert feb28.kpi("service_level").value == pytest.approx(0.6) and not feb28.kpi("service_level").met
    mar7 = row(r, D(2026, 3, 7))
    assert (mar7.volume["offered"], mar7.out_of_hours["offered"]) == (0, 20)
    assert mar7.kpi("service_level").value is None  # nothing to measure on a closed day
    # the month of February pools 36 + 6 over 40 + 10: 42 / 50 = 0.84, met although the 28th missed
    m = build_report(acts, scenario(), "month")
    assert row(m, D(2026, 2, 1)).kpi("service_level").value == pytest.approx(0.84)
    assert row(m, D(2026, 2, 1)).kpi("service_level").met


def test_month_misses_two_days_and_meets_the_month():
    # March 2026, target 80 % within 20 s:
    #   Mon 2nd  70 / 100 = 0.70 missed      Tue 3rd  75 / 100 = 0.75 missed
    #   Wed 4th 180 / 200 = 0.90 met         Thu 5th  90 / 100 = 0.90 met
    # month pooled: (70 + 75 + 180 + 90) / (100 + 100 + 200 + 100) = 415 / 500 = 0.83 >= 0.80: met
    acts = frame(
        ("2026-03-02T10:00", "voice", 100, 100, 0, 70, 40),
        ("2026-03-03T10:00", "voice", 100, 100, 0, 75, 35),
        ("2026-03-04T10:00", "voice", 200, 200, 0, 180, 8),
        ("2026-03-05T11:30", "voice", 100, 100, 0, 90, 10),
    )
    days = build_report(acts, scenario(), "day")
    met = {r.start: r.kpi("service_level").met for r in days.rows}
    assert met == {D(2026, 3, 2): False, D(2026, 3, 3): False, D(2026, 3, 4): True, D(2026, 3, 5): True}
    sl_day = next(v for v in days.verdicts if v.name == "service_level")
    assert (sl_day.measured, sl_day.met, sl_day.all_met) == (4, 2, False)
    assert sl_day.worst_start == D(2026, 3, 2) and sl_day.worst_value == pytest.approx(0.70)
    month = build_report(acts, scenario(), "month")
    m = row(month, D(2026, 3, 1))
    assert m.kpi("service_level").value == pytest.approx(0.83) and m.kpi("service_level").met
    # ASA of the month, weighted by answered: (100*40 + 100*35 + 200*8 + 100*10) / 500
    #   = (4000 + 3500 + 1600 + 1000) / 500 = 10100 / 500 = 20.2 s <= 30 s: met
    assert m.kpi("asa_s").value == pytest.approx(20.2) and m.kpi("asa_s").met
    assert (m.start, m.end) == (D(2026, 3, 1), D(2026, 3, 31))


def test_abandoned_calls_stay_in_the_service_level_denominator():
    # 100 offered, 90 answered, 10 abandoned, 81 answered within 20 s: SL = 81 / 100 = 0.81 (Erlang A
    # convention), not 81 / 90 = 0.90; abandonment = 10 / 100 = 0.10
    r = build_report(frame(("2026-03-16T09:30", "voice", 100, 90, 10, 81, 12)), scenario(), "day")
    d = row(r, D(2026, 3, 16))
    assert d.kpi("service_level").value == pytest.approx(0.81)
    assert d.kpi("abandon_rate").value == pytest.approx(0.10) and d.kpi("abandon_rate").met is None


def test_fcr_and_csat_against_their_targets():
    cols = HEADER + ",resolved_first_contact,csat_responses,csat_satisfied,complaints"
    acts = frame(
        ("2026-03-16T10:00", "voice", 120, 120, 0, 110, 5, 80, 30, 25, 1),
        ("2026-03-17T10:00", "voice", 80, 80, 0, 70, 5, 60, 20, 16, 2),
        cols=cols,
    )
    # week of 16 March: FCR = (80 + 60) / (120 + 80) = 140 / 200 = 0.70 < 0.75: missed
    #                   CSAT = (25 + 16) / (30 + 20) = 41 / 50 = 0.82 >= 0.80: met; complaints 1 + 2 = 3
    w = row(build_report(acts, scenario(), "week"), D(2026, 3, 16))
    assert w.kpi("fcr").value == pytest.approx(0.70) and w.kpi("fcr").target == 0.75 and not w.kpi("fcr").met
    assert w.kpi("csat").value == pytest.approx(0.82) and w.kpi("csat").met
    assert w.kpi("complaints").value == 3 and w.kpi("complaints").met is None
    # [report] fcr_target = 0.70, csat_target = 0.85: 0.70 meets exactly, 0.82 misses
    w = row(build_report(acts, scenario(fcr_target=0.70, csat_target=0.85), "week"), D(2026, 3, 16))
    assert w.kpi("fcr").met and not w.kpi("csat").met
    # day 17: CSAT 16 / 20 = 0.80, met exactly at the default target
    assert row(build_report(acts, scenario(), "day"), D(2026, 3, 17)).kpi("csat").met


def test_report_section_refuses_percent():
    with pytest.raises(PlannerInputError, match=r"report.fcr_target: .*write 0.75"):
        scenario(fcr_target=75)


# ---------------------------------------------------------------------------------------------
# Written items: working-hours deadlines
# ---------------------------------------------------------------------------------------------


def test_email_deadlines_in_working_hours(tmp_path):
    items = tmp_path / "items.csv"
    items.write_text(
        "item_id,received,first_reply,resolved\n"
        # Fri 2026-03-13 17:30 -> Mon 10:00: 0.5 h (Fri 17:30-18:00) + 1 h (Mon 09:00-10:00) = 1.5 working h
        #   <= 4: on time; resolved Mon 15:00: 0.5 + 6 = 6.5 working h <= 9 (one working day): on time
        "a,2026-03-13T17:30,2026-03-16T10:00,2026-03-16T15:00\n"
        # Fri 11:00 -> Mon 09:30: 7 h (Fri 11:00-18:00) + 0.5 h = 7.5 > 4: late; resolved Mon 12:00:
        #   7 + 3 = 10 > 9: late
        "b,2026-03-13T11:00,2026-03-16T09:30,2026-03-16T12:00\n"
        # Sat 2026-03-14 12:00 (closed) -> Mon 12:00: the clock starts Mon 09:00: 3 h <= 4: on time, and the
        #   item belongs to Monday; not resolved, due Mon 18:00 (9 h), still open at the report's end: pending
        "c,2026-03-14T12:00,2026-03-16T12:00,\n"
        # Mon 09:00, no reply at the report's last instant (Mon 15:00 from item a); due Mon 13:00: late
        "d,2026-03-16T09:00,,\n",
        encoding="utf-8",
    )
    scen = scenario()
    its = read_items(str(items), scen)
    acts = frame(("2026-03-16T09:00", "email", 2, 0, 0, 0, 0))
    r = build_report(acts, scen, "day", its)
    fri, mon = row(r, D(2026, 3, 13), "email"), row(r, D(2026, 3, 16), "email")
    # Friday: a on time, b late: 1 / 2 = 0.5 (target 1.0: missed); resolution a on time, b late: 0.5
    assert fri.kpi("first_reply_share").value == pytest.approx(0.5) and not fri.kpi("first_reply_share").met
    assert fri.kpi("resolution_share").value == pytest.approx(0.5)
    # Monday: c on time, d late (due 13:00 < 15:00): 1 / 2; resolution: c and d both due Mon 18:00, after
    #   the report's last instant (15:00): pending, so nothing measured
    assert mon.kpi("first_reply_share").value == pytest.approx(0.5)
    assert mon.kpi("resolution_share").value is None
    # the week of 9 March holds a and b (their clocks start on Friday): 1 on time of 2 = 0.5; with
    #   [report] first_reply_target = 0.5 it is met
    w = row(build_report(acts, scenario(first_reply_target=0.5), "week", its), D(2026, 3, 9), "email")
    assert w.kpi("first_reply_share").value == pytest.approx(0.5) and w.kpi("first_reply_share").met


def test_email_interval_counts_without_an_items_file():
    cols = "interval_start,channel,offered,replied_within_deadline,resolved_within_deadline"
    # 40 + 10 mails, 38 + 10 replied on time: (38 + 10) / 50 = 0.96; resolved 30 + 9 = 39 / 50 = 0.78
    acts = frame(("2026-03-16T09:00", "email", 40, 38, 30), ("2026-03-16T14:00", "email", 10, 10, 9), cols=cols)
    d = row(build_report(acts, scenario(), "day"), D(2026, 3, 16), "email")
    assert d.kpi("first_reply_share").value == pytest.approx(0.96)
    assert d.kpi("resolution_share").value == pytest.approx(0.78)


# ---------------------------------------------------------------------------------------------
# The command: files, formats, bad input
# ---------------------------------------------------------------------------------------------

SCENARIO_TOML = """version = 2
[site]
name = "测试项目"
[coverage]
window = "weekday"
[channels.voice]
service_level = 0.8
answer_s = 20
asa_s = 30
[channels.email]
first_reply_working_hours = 4
"""

GOOD = """interval_start,channel,offered,answered,abandoned,answered_within_threshold,asa_s,resolved_first_contact
2026-03-16T09:00,voice,100,95,5,85,12,80
2026-03-16T09:30,voice,50,50,0,40,20,40
2026-03-17T10:00,voice,100,90,10,70,40,60
2026-03-16T10:00,email,12,,,,,
"""


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "s.toml").write_text(SCENARIO_TOML, encoding="utf-8")
    (tmp_path / "a.csv").write_text(GOOD, encoding="utf-8")
    return tmp_path


def test_cli_json_rows(files, capsys):
    code, out, _ = run([
        "report", str(files / "a.csv"), "--scenario", str(files / "s.toml"), "--period", "week",
        "--out", str(files / "r.xlsx"), "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["period"] == "week"
    voice = next(r for r in doc["rows"] if r["channel"] == "voice")
    # week of 16 March: SL = (85 + 40 + 70) / (100 + 50 + 100) = 195 / 250 = 0.78 < 0.80
    assert voice["service_level"] == pytest.approx(0.78) and voice["service_level_met"] is False
    assert voice["service_level_target"] == 0.8
    # FCR = (80 + 40 + 60) / (95 + 50 + 90) = 180 / 235
    assert voice["fcr"] == pytest.approx(180 / 235) and voice["fcr_target"] == 0.75
    assert {"asa_s", "asa_s_target", "asa_s_met", "csat", "complaints", "out_of_hours_offered"} <= set(voice)
    import openpyxl

    wb = openpyxl.load_workbook(files / "r.xlsx")
    assert "达标汇总" in wb.sheetnames and "data" in wb.sheetnames


def test_html_is_self_contained_and_bilingual(files, capsys):
    code, _, _ = run(["report", str(files / "a.csv"), "--scenario", str(files / "s.toml"), "--period", "day",
                      "--out", str(files / "r.html")], capsys)
    assert code == 0
    page = (files / "r.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and "Noto Sans CJK SC" in page and "Microsoft YaHei" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page
    assert page.count("<svg") >= 2  # charts inline
    for heading in ("每日服务概要报告", "达标汇总", "服务水平", "首次解决率", "服务时间外来电"):
        assert heading in page
    assert "2026年3月16日" in page and "Service level" in page
    code, _, _ = run(["report", str(files / "a.csv"), "--scenario", str(files / "s.toml"), "--period", "day",
                      "--out", str(files / "en.html"), "--lang", "en"], capsys)
    page = (files / "en.html").read_text(encoding="utf-8")
    assert code == 0 and "Daily service summary" in page and "每日服务概要报告" not in page
    assert "16 Mar 2026" in page


def test_date_and_time_span_layout_through_report_columns(files, capsys):
    (files / "m.toml").write_text(SCENARIO_TOML + """
[report.columns]
date = "日期"
interval = "时段"
queue = "技能组"
offered = "呼入量"
answered = "接通量"
answered_within_threshold = "20秒内接通"
""", encoding="utf-8")
    # one row per queue and interval, GBK as saved by Excel on Chinese Windows
    (files / "acd.csv").write_bytes(
        "日期,时段,技能组,呼入量,接通量,20秒内接通\n"
        "2026/3/16,09:00-09:30,普通,60,58,50\n"
        "2026/3/16,09:00-09:30,VIP,40,40,38\n"
        "2026/3/16,18:00-18:30,普通,9,9,9\n".encode("gbk"))
    code, out, err = run(["report", str(files / "acd.csv"), "--scenario", str(files / "m.toml"),
                          "--out", str(files / "x.xlsx"), "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)["rows"][0]
    # both queues at 09:00: (50 + 38) / (60 + 40) = 0.88; 18:00 is after closing: 9 out of hours
    assert d["offered"] == 100 and d["service_level"] == pytest.approx(0.88) and d["out_of_hours_offered"] == 9


BAD = {
    "answered above offered": ("2026-03-16T09:00,voice,10,11,0,5,3,1\n", r"row 2, field 'answered'"),
    "within above answered": ("2026-03-16T09:00,voice,10,5,0,6,3,1\n", r"row 2, field 'answered_within_threshold'"),
    "negative": ("2026-03-16T09:00,voice,10,5,-1,4,3,1\n", r"row 2, field 'abandoned': negative"),
    "text": ("2026-03-16T09:00,voice,ten,5,0,4,3,1\n", r"row 2, field 'offered'"),
    "bad time": ("2026-03-16 25:00,voice,10,5,0,4,3,1\n", r"row 2, field 'interval_start'"),
    "unknown channel": ("2026-03-16T09:00,fax,10,5,0,4,3,1\n", r"row 2, field 'channel': channel 'fax'"),
    "duplicate": ("2026-03-16T09:00,voice,10,5,0,4,3,1\n2026-03-16T09:00,voice,1,1,0,1,3,1\n",
                  r"row 3, field 'interval_start': duplicate of row 2"),
    "answered plus abandoned": ("2026-03-16T09:00,voice,10,8,3,4,3,1\n", r"row 2, field 'abandoned'"),
    "absurd volume": ("2026-03-16T09:00,voice,1e15,5,0,4,3,1\n", r"row 2, field 'offered': 1e\+15 contacts"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_actuals_exit_2_naming_file_row_and_field(files, capsys, case):
    body, pattern = BAD[case]
    bad = files / "bad.csv"
    bad.write_text(GOOD.splitlines()[0] + "\n" + body, encoding="utf-8")
    code, out, err = run(["report", str(bad), "--scenario", str(files / "s.toml"), "--out", str(files / "r.html")],
                         capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(bad) in lines[0], err
    assert re.search(pattern, lines[0]), lines[0]
    assert not (files / "r.html").exists()


def test_bad_files_and_flags_exit_2(files, capsys):
    base = ["report", str(files / "a.csv"), "--scenario", str(files / "s.toml")]
    latin = files / "latin.csv"
    latin.write_bytes("interval_start,offered\n2026-03-16T09:00,1\nCaf\xe9 Z\xfcrich,2\n".encode("latin-1"))
    nocol = files / "nocol.csv"
    nocol.write_text("interval_start,answered\n2026-03-16T09:00,1\n", encoding="utf-8")
    bom = files / "bom.csv"
    bom.write_text(GOOD, encoding="utf-8-sig")
    (files / "exists.html").write_text("keep me", encoding="utf-8")
    cases = [
        (["report", str(latin), "--scenario", str(files / "s.toml"), "--out", str(files / "o.html")],
         r"latin\.csv: not UTF-8 or GBK"),
        (["report", str(nocol), "--scenario", str(files / "s.toml"), "--out", str(files / "o.html")],
         r"nocol\.csv: missing column 'offered'"),
        ([*base, "--out", str(files / "exists.html")], r"exists\.html: exists; use --force"),
        ([*base, "--out", str(files / "o.pdf")], r"--out .*o\.pdf: name a \.xlsx or \.html"),
        ([*base, "--out", str(files / "o.html"), "--period", "year"], r"--period: 'year'"),
        ([*base, "--out", str(files / "o.html"), "--lang", "fr"], r"--lang: 'fr'"),
    ]
    for argv, pattern in cases:
        code, _, err = run(argv, capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1 and re.search(pattern, err), (argv, err)
    assert (files / "exists.html").read_text(encoding="utf-8") == "keep me"
    assert not (files / "o.html").exists()
    code, _, err = run(["report", str(bom), "--scenario", str(files / "s.toml"), "--out", str(files / "b.xlsx")],
                       capsys)
    assert code == 0, err


def test_bad_items_name_the_row(files):
    items = files / "items.csv"
    items.write_text("received,first_reply\n2026-03-16T10:00,2026-03-16T09:00\n", encoding="utf-8")
    scen = parse_scenario({**WEEKDAY}, source="s")
    with pytest.raises(PlannerInputError, match=r"items\.csv: row 2, field 'first_reply': before 'received'"):
        read_items(str(items), scen)
    acts = files / "a.csv"
    assert len(read_actuals(str(acts), scen)) == 4


def test_report_module_reads_no_files():
    """The engine takes frames (the layout test checks the rule for every engine; here, that it is one)."""
    src = Path(__file__).resolve().parents[1] / "planner" / "reports" / "kpi.py"
    assert "planner.io" not in src.read_text(encoding="utf-8")


def test_history_reader_joins_date_and_time_span(tmp_path):
    """The same layout read for planning (planner.io.history through [data.columns])."""
    from planner.domain import ColumnMap
    from planner.io.history import history_frame

    f = tmp_path / "h.csv"
    f.write_text("Day,Slot,Calls\n2026-03-16,09:00-09:30,5\n2026-03-16,09:30-10:00,7\n", encoding="utf-8")
    df = history_frame(ColumnMap(str(f), (("date", "Day"), ("interval", "Slot"), ("offered", "Calls"))))
    assert list(df["interval_start"]) == ["2026-03-16T09:00", "2026-03-16T09:30"]
    f.write_text("Day,Slot,Calls\n2026-03-16,9h00,5\n", encoding="utf-8")
    with pytest.raises(PlannerInputError, match=r"h\.csv: row 2, field 'interval': cannot read '9h00'"):
        history_frame(ColumnMap(str(f), (("date", "Day"), ("interval", "Slot"), ("offered", "Calls"))))
