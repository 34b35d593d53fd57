"""``planner forecast``: the CLI contract (columns, exit codes, one-line errors, --json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from forecasts.synthetic import synthetic_history
from planner.cli import main
from planner.forecasting import FORECAST_COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("hist") / "history.csv"
    synthetic_history(weeks=8, seed=4, start="2026-08-03").to_csv(p, index=False)
    return p


def test_forecast_writes_the_contract_columns_and_reports_the_model(history, tmp_path, capsys):
    out = tmp_path / "fc.csv"
    code, stdout, err = run(
        [
            "forecast",
            str(history),
            "--horizon-days",
            "14",
            "--out",
            str(out),
            "--method",
            "daily_profile",
            "--interval-min",
            "60",
        ],
        capsys,
    )
    assert code == 0, err
    assert "daily_profile" in stdout and "backtest WAPE" in stdout
    fc = pd.read_csv(out)
    assert tuple(fc.columns) == FORECAST_COLUMNS
    assert len(fc) == 14 * 24 and fc.interval_start.iloc[0] == "2026-09-28T00:00"
    assert fc.interval_start.str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d").all()
    assert (fc.offered_lo <= fc.offered_hi).all() and (fc.offered >= 0).all()
    assert fc.aht_s.notna().any()
    # National Day (1-7 October) is forecast quieter than the same weekdays a week later
    day = pd.to_datetime(fc.interval_start).dt.date.astype(str)
    totals = fc.groupby(day).offered.sum()
    assert totals["2026-10-01"] < 0.6 * totals["2026-10-08"]


def test_forecast_json_and_no_aht_column_values(tmp_path, capsys):
    p = tmp_path / "h.csv"
    synthetic_history(weeks=4, seed=9, with_aht=False).to_csv(p, index=False)
    out = tmp_path / "f.csv"
    code, stdout, _ = run(
        ["forecast", str(p), "--horizon-days", "7", "--out", str(out), "--method", "mean_4w", "--json"],
        capsys,
    )
    assert code == 0
    obj = json.loads(stdout)
    assert obj["rows"] == 7 * 48 and obj["series"][0]["model"] == "mean_4w"
    assert obj["series"][0]["has_aht"] is False
    assert pd.read_csv(out).aht_s.isna().all()  # no handle time in the history: aht_s left empty


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        ("interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,-3\n", [], "row 3"),
        ("interval_start,offered\n2026-03-02T00:00,5\nyesterday,3\n", [], "row 3"),
        ("", [], "empty"),
        (None, [], "not found"),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,3\n",
            ["--method", "magic"],
            "--method",
        ),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,3\n",
            ["--holidays", "nowhere"],
            "holidays",
        ),
        ("interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:30,3\n", [], "too short"),
        (
            "interval_start,offered\n2026-03-02T00:00,5\n2026-03-02T00:06,3\n",
            ["--interval-min", "5"],
            "finer",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, extra, needle):
    p = tmp_path / "h.csv"
    if content is not None:
        p.write_text(content, encoding="utf-8")
    argv = ["forecast", str(p), "--horizon-days", "1", "--out", str(tmp_path / "f.csv"), *extra]
    code, _, err = run(argv, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], err


def test_exit_code_through_the_console_entry_point(tmp_path):
    p = tmp_path / "neg.csv"
    p.write_text("interval_start,offered\n2026-03-02T00:00,-1\n", encoding="utf-8")
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "planner",
            "forecast",
            str(p),
            "--horizon-days",
            "1",
            "--out",
            str(tmp_path / "f"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == f"error: {p}: row 2, field 'offered': negative value -1"
