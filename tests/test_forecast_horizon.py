"""One horizon for a whole history file (issue 21): every series is forecast for the days after the file's
last day, and days after a series' last row are closed days (no contacts), not the end of its data.

The histories are built by hand: hourly, open 09:00-17:00, a constant volume per open hour, so the
reference forecast is known without the code under test (the same constant on open hours, 0 elsewhere).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from planner.cli import main

FIRST = date(2026, 6, 1)  # a Monday
WEEKS = 4
FILE_LAST = FIRST + timedelta(days=7 * WEEKS - 1)  # Sunday 2026-06-28: the file's last day
OPEN_HOURS = range(9, 17)
VOICE, EMAIL = 10.0, 5.0


def rows(channel: str, volume: float, weekdays: tuple[int, ...], last: date) -> list[dict]:
    """The rows an ACD exports: open hours only (closed hours and days are absent)."""
    out = []
    d = FIRST
    while d <= last:
        if d.weekday() in weekdays:
            out += [{"interval_start": f"{d}T{h:02d}:00", "channel": channel, "offered": volume} for h in OPEN_HOURS]
        d += timedelta(days=1)
    return out


def two_channels() -> pd.DataFrame:
    """Voice Monday-Friday (its last row on Friday 26 June), email every day to Sunday 28 June."""
    voice = rows("voice", VOICE, (0, 1, 2, 3, 4), FILE_LAST)
    email = rows("email", EMAIL, tuple(range(7)), FILE_LAST)
    assert voice[-1]["interval_start"] == "2026-06-26T16:00"  # two days before the file's last day
    return pd.DataFrame(voice + email)


def expected(day: date, hour: int, channel: str) -> float:
    if hour not in OPEN_HOURS:
        return 0.0
    if channel == "voice":
        return VOICE if day.weekday() < 5 else 0.0
    return EMAIL


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.mark.parametrize("method", ["seasonal_naive", "mean_4w"])
def test_every_channel_is_forecast_from_the_files_last_day_with_closed_days_as_zero(tmp_path, capsys, method):
    hist = tmp_path / "history.csv"
    two_channels().to_csv(hist, index=False)
    out = tmp_path / "fc.csv"
    code, _, err = run(
        ["forecast", str(hist), "--horizon-days", "14", "--out", str(out), "--method", method,
         "--holidays", "none"],
        capsys,
    )
    assert code == 0, err
    fc = pd.read_csv(out)
    t = pd.to_datetime(fc.interval_start)
    for channel in ("voice", "email"):
        mine = fc[fc.channel == channel]
        times = t[fc.channel == channel]
        # the same horizon for both: 14 whole days from Monday 29 June 00:00, hourly
        assert len(mine) == 14 * 24
        assert times.min() == pd.Timestamp("2026-06-29T00:00")
        assert times.max() == pd.Timestamp("2026-07-12T23:00")
        want = [expected(x.date(), x.hour, channel) for x in times]
        assert mine.offered.to_numpy() == pytest.approx(want, abs=1e-9)
    # voice's weekends (absent from the file at its end, too) are closed: 4 July and 11-12 July
    weekend = (fc.channel == "voice") & (t.dt.day_of_week >= 5)
    assert weekend.sum() == 4 * 24 and (fc.offered[weekend] == 0).all() and (fc.offered_hi[weekend] == 0).all()
    # a weekday channel's usual weekend is no cause for a warning
    assert "usually has contacts" not in err


def test_a_channel_whose_rows_stop_on_open_days_is_padded_with_zeros_and_warned_about(tmp_path, capsys):
    voice = rows("voice", VOICE, tuple(range(7)), FILE_LAST - timedelta(days=2))  # 7-day voice stops Friday
    email = rows("email", EMAIL, tuple(range(7)), FILE_LAST)
    hist = tmp_path / "history.csv"
    pd.DataFrame(voice + email).to_csv(hist, index=False)
    out = tmp_path / "fc.csv"
    code, _, err = run(
        ["forecast", str(hist), "--horizon-days", "7", "--out", str(out), "--method", "seasonal_naive",
         "--holidays", "none"],
        capsys,
    )
    assert code == 0, err
    fc = pd.read_csv(out)
    assert fc.groupby("channel").interval_start.min().tolist() == ["2026-06-29T00:00"] * 2
    assert "[voice]: no rows on 2026-06-27, 2026-06-28" in err and "usually has contacts" in err


def test_the_library_aligns_series_of_one_file_and_of_several_files(tmp_path):
    from planner.domain import ColumnMap
    from planner.io.history import read_history

    both = two_channels()
    one = tmp_path / "both.csv"
    both.to_csv(one, index=False)
    voice, email = tmp_path / "voice.csv", tmp_path / "email.csv"
    both[both.channel == "voice"].to_csv(voice, index=False)
    both[both.channel == "email"].to_csv(email, index=False)
    for hist in (read_history(ColumnMap(str(one))), read_history((ColumnMap(str(voice)), ColumnMap(str(email))))):
        assert hist.end == pd.Timestamp("2026-06-29")
        for s in hist.series:
            assert s.start == pd.Timestamp("2026-06-01") and s.end == hist.end and s.n_days == 28
        v = next(s for s in hist.series if s.channel == "voice")
        assert v.offered[-2 * 24:].sum() == 0  # the weekend after its last row: no contacts


def test_the_plan_forecasts_every_channel_from_the_same_day_as_the_cli(tmp_path):
    from planner.scenario import parse_scenario
    from planner.steps import forecast_part

    scen = parse_scenario(
        {
            "version": 2,
            "site": {"name": "test"},
            "coverage": {"window": "7x24"},
            "staffing": {"shrinkage": 0.3, "interval_min": 60},
            "channels": {
                "voice": {"service_level": 0.8, "answer_s": 20, "sl_period": "day"},
                "email": {"first_reply_working_hours": 8},
            },
            "data": {"holidays": "none"},
            "forecast": {"method": "seasonal_naive", "backtest_weeks": 2},
            "horizon": {"weeks": 1},
        },
        source="two.toml",
    )
    part = forecast_part(scen, two_channels())
    fc = part.forecast.frame
    assert part.start == date(2026, 6, 29)
    for channel in ("voice", "email"):
        times = fc.interval_start[fc.channel == channel]
        assert times.min() == pd.Timestamp("2026-06-29T00:00") and len(times) == 7 * 24
        want = [expected(x.date(), x.hour, channel) for x in times]
        assert fc.offered[fc.channel == channel].to_numpy() == pytest.approx(want, abs=1e-9)
