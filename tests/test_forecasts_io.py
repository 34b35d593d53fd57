"""forecasts.io: reading, validation (one-line errors naming the row), grids, aggregation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BANK_CSV as BANK
from conftest import needs_bank

from forecasts.io import HistoryError, aggregate, aggregate_history, read_history


def write(tmp_path: Path, text: str, name: str = "h.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(path: Path, **kw) -> str:
    with pytest.raises(HistoryError) as info:
        read_history(path, **kw)
    msg = str(info.value)
    assert "\n" not in msg, "errors are one line"
    assert str(path) in msg or "interval" in msg
    return msg


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,-3\n",
            ["row 3", "'offered'", "negative"],
        ),
        (
            "interval_start,offered\n2026-03-02T00:00,5\nyesterday,3\n",
            ["row 3", "'interval_start'", "yesterday"],
        ),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,many\n",
            ["row 3", "'offered'", "many"],
        ),
        ("interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,\n", ["row 3", "'offered'", "empty"]),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,1\n2026-03-02T00:30,2\n",
            ["row 4", "duplicate of row 3"],
        ),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T01:00,1\n2026-03-02T00:30,2\n",
            ["row 4", "before row 3", "sort"],
        ),
        ("time,offered\n2026-03-02T00:00,5\n", ["missing column 'interval_start'", "found: time, offered"]),
        ("interval_start,calls\n2026-03-02T00:00,5\n", ["missing column 'offered'"]),
        ("interval_start,offered\n", ["no data rows"]),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,1\n2026-03-02T01:00,1\n2026-03-02T01:07,1\n",
            ["row 5", "not on the 30-minute grid"],
        ),
        (
            "interval_start,channel,offered\n2026-03-02T00:00,voice,5\n2026-03-02T00:30,fax line!,1\n",
            ["row 3", "'channel'", "fax line!"],
        ),
        (
            "interval_start,offered,aht_s\n2026-03-02T00:00,5,-1\n2026-03-02T00:30,1,200\n",
            ["row 2", "'aht_s'"],
        ),
    ],
)
def test_bad_files_give_one_line_naming_the_row(tmp_path, text, expect):
    msg = error_of(write(tmp_path, text))
    for part in expect:
        assert part in msg, msg


def test_missing_and_empty_files(tmp_path):
    assert "file not found" in error_of(tmp_path / "nope.csv")
    assert "empty" in error_of(write(tmp_path, ""))


def test_mixed_interval_lengths_are_reported(tmp_path):
    day1 = pd.date_range("2026-03-02T08:00", periods=20, freq="30min")
    day2 = pd.date_range("2026-03-03T08:00", periods=40, freq="15min")
    idx = day1.append(day2)
    pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "offered": 3}).to_csv(
        tmp_path / "m.csv", index=False
    )
    msg = error_of(tmp_path / "m.csv")
    assert "mixed interval lengths" in msg and "row 2" in msg


def test_a_stray_row_off_the_grid_is_an_error_but_a_sparse_file_is_not(tmp_path):
    idx = pd.date_range("2026-03-02T08:00", periods=40, freq="30min").strftime("%Y-%m-%dT%H:%M").tolist()
    stray = [*idx[:10], "2026-03-02T12:45", *idx[10:]]
    pd.DataFrame({"interval_start": stray, "offered": 2}).to_csv(tmp_path / "s.csv", index=False)
    assert "row 12" in error_of(tmp_path / "s.csv") and "30-minute grid" in error_of(tmp_path / "s.csv")
    # 15-minute history where most :15/:45 intervals were empty and omitted: still 15 minutes
    fine = pd.date_range("2026-03-02T08:00", periods=80, freq="15min")
    keep = [t for i, t in enumerate(fine) if i % 2 == 0 or i % 7 == 0]
    pd.DataFrame({"interval_start": pd.DatetimeIndex(keep).strftime("%Y-%m-%dT%H:%M"), "offered": 1}).to_csv(
        tmp_path / "sparse.csv", index=False
    )
    assert read_history(tmp_path / "sparse.csv").interval_min == 15


def test_missing_intervals_are_zero_and_grid_is_whole_days(tmp_path):
    text = "interval_start,offered\n2026-03-02T09:00,4\n2026-03-02T09:15,5\n2026-03-02T10:00,7\n"
    h = read_history(write(tmp_path, text))
    s = h.series[0]
    assert h.interval_min == 15 and s.interval_min == 15
    assert s.start == pd.Timestamp("2026-03-02") and len(s.offered) == 96
    assert s.offered[36] == 4 and s.offered[37] == 5 and s.offered[38] == 0 and s.offered[40] == 7
    assert s.offered.sum() == 16


def test_outage_inside_usually_open_hours_is_a_warning(tmp_path):
    idx = pd.date_range("2026-03-02", periods=4 * 7 * 48, freq="30min")
    df = pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "offered": 10})
    df = df[(idx.hour >= 9) & (idx.hour < 18)]  # closed nights are simply absent: no warning for them
    hole = "2026-03-18T11:00"
    df = df[df.interval_start != hole]
    df.to_csv(tmp_path / "o.csv", index=False)
    h = read_history(tmp_path / "o.csv")
    assert len(h.warnings) == 1 and hole in h.warnings[0] and "outage" in h.warnings[0]
    # in a quiet interval (mean under 10 contacts) an omitted row is no sign of an outage
    df.assign(offered=1).to_csv(tmp_path / "q.csv", index=False)
    assert read_history(tmp_path / "q.csv").warnings == ()
    assert h.series[0].offered[(16 * 48) + 22] == 0


def test_history_cut_short_on_the_last_day_is_a_warning(tmp_path):
    idx = pd.date_range("2026-03-02", periods=3 * 7 * 48, freq="30min")
    df = pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "offered": 10})
    df = df[(idx.hour >= 9) & (idx.hour < 18)]
    df[df.interval_start <= "2026-03-22T17:30"].to_csv(tmp_path / "full.csv", index=False)
    assert read_history(tmp_path / "full.csv").warnings == ()
    df[df.interval_start <= "2026-03-22T12:00"].to_csv(tmp_path / "cut.csv", index=False)
    (w,) = read_history(tmp_path / "cut.csv").warnings
    assert "2026-03-22 ends at 12:00" in w and "17:30" in w


def test_channels_and_queues_stay_apart_and_aggregate_weights_aht(tmp_path):
    text = (
        "interval_start,channel,queue,offered,aht_s\n"
        "2026-03-02T09:00,voice,retail,10,200\n"
        "2026-03-02T09:15,voice,retail,30,400\n"
        "2026-03-02T09:00,chat,,5,600\n"
        "2026-03-02T09:00,voice,vip,1,100\n"
        "2026-03-02T09:15,voice,vip,1,100\n"
    )
    h = read_history(write(tmp_path, text))
    keys = [(s.channel, s.queue) for s in h.series]
    assert keys == [("chat", None), ("voice", "retail"), ("voice", "vip")]
    retail = aggregate(h.series[1], 30)
    assert retail.offered[18] == 40
    assert retail.aht_s[18] == pytest.approx((10 * 200 + 30 * 400) / 40)  # volume-weighted, not 300
    assert np.isnan(retail.aht_s[0])
    with pytest.raises(HistoryError, match="finer"):
        aggregate_history(h, 5)
    with pytest.raises(HistoryError, match="one of"):
        aggregate(h.series[1], 45)
    with pytest.raises(HistoryError, match="multiple"):
        aggregate(replace(h.series[1], interval_min=10, offered=np.zeros(144), aht_s=None), 15)


def test_xlsx_is_read_like_csv(tmp_path):
    idx = pd.date_range("2026-03-02T09:00", periods=6, freq="10min")
    pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "offered": [1, 2, 3, 4, 5, 6]}).to_excel(
        tmp_path / "h.xlsx", index=False
    )
    h = read_history(tmp_path / "h.xlsx")
    assert h.interval_min == 10 and h.series[0].offered.sum() == 21
    bad = pd.DataFrame({"interval_start": ["2026-03-02T09:00", "2026-03-02T09:10"], "offered": [1, -2]})
    bad.to_excel(tmp_path / "b.xlsx", index=False)
    assert "row 3" in error_of(tmp_path / "b.xlsx")


def test_gbk_csv_from_chinese_excel_is_read(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes(
        "interval_start,queue,offered\n2026-03-02T09:00,客服,4\n2026-03-02T09:30,客服,5\n".encode("gbk")
    )
    (s,) = read_history(p).series
    assert s.queue == "客服" and s.offered.sum() == 9


def test_timestamps_with_offsets_become_local_time(tmp_path):
    text = "interval_start,offered\n2026-03-02T01:00+00:00,4\n2026-03-02T01:30+00:00,5\n"
    s = read_history(write(tmp_path, text)).series[0]
    assert s.offered[18] == 4  # 01:00Z is 09:00 in Asia/Shanghai


@needs_bank
def test_real_bank_file_is_six_minute_and_complete():
    h = read_history(BANK)
    s = h.series[0]
    assert h.interval_min == 6 and s.n_days == 365 and s.offered.sum() == 445369
    assert h.warnings == ()
    half = aggregate_history(h, 30).series[0]
    assert len(half.offered) == 365 * 48 and half.offered.sum() == 445369
