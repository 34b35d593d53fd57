"""CLI contract of ``planner due`` and ``planner staff`` and the scenario files (exit 2, field named)."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from conftest import needs_bank

from planner.cli import main
from planner.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_due_prints_the_deadline_last(capsys):
    code, out, _ = run(["due", "--from", "2026-02-13T16:00", "--working-hours", "4", "--window", "weekday"], capsys)
    assert code == 0 and out.strip().splitlines()[-1] == "2026-02-14T11:00"
    code, out, _ = run(["due", "--from", "2026-02-13T16:00", "--working-hours", "4", "--json"], capsys)
    assert code == 0 and json.loads(out)["due"] == "2026-02-14T11:00"
    code, out, _ = run(["due", "--from", "2026-02-16T22:00", "--working-hours", "4", "--window", "7x24"], capsys)
    assert out.strip() == "2026-02-17T02:00"
    code, out, _ = run(["due", "--from", "2026-02-13T16:00", "--working-hours", "4", "--open", "08:00",
                        "--close", "17:00", "--makeup-days", "closed"], capsys)
    assert out.strip() == "2026-02-24T11:00"


def test_due_with_a_scenario_window(capsys):
    custom = str(ROOT / "scenarios" / "contract_custom.toml")  # Mon-Fri 08:30-20:00, Sat 10-16
    code, out, _ = run(["due", "--from", "2026-03-07T15:00", "--working-hours", "2", "--scenario", custom], capsys)
    assert code == 0 and out.strip() == "2026-03-09T09:30"
    code, _, err = run(["due", "--from", "2026-03-07T15:00", "--working-hours", "2", "--scenario", custom,
                        "--channel", "fax"], capsys)
    assert code == 2 and "--channel: 'fax'" in err


def test_due_warns_for_an_unpublished_year(capsys):
    code, out, err = run(["due", "--from", "2035-03-01T10:00", "--working-hours", "4"], capsys)
    assert code == 0 and "warning: calendar: no official 2035" in err and out.strip()


@pytest.mark.parametrize(
    "argv, field",
    [
        (["--from", "tomorrow", "--working-hours", "4"], "--from"),
        (["--from", "2026-02-13T16:00", "--working-hours", "-1"], "--working-hours"),
        (["--from", "2026-02-13T16:00", "--working-hours", "4", "--window", "24x7"], "--window"),
        (["--from", "2026-02-13T16:00", "--working-hours", "4", "--open", "18:00", "--close", "09:00"], "--close"),
    ],
)
def test_due_bad_input_is_exit_2(capsys, argv, field):
    code, _, err = run(["due", *argv], capsys)
    assert code == 2 and err.startswith("error: ") and field in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=needs_bank) if p.name == "israeli_bank.toml" else p for p in SCENARIOS],
    ids=[p.name for p in SCENARIOS],
)
def test_example_scenarios_load(path):
    scen = load_scenario(path)
    assert scen.channels
    ZoneInfo(scen.timezone)  # a real IANA zone (Asia/Shanghai for the contracts, Asia/Jerusalem for the bank)


def _forecast(tmp_path, channels):
    idx = pd.date_range("2026-02-13T00:00", periods=3 * 48, freq="30min")
    fc = pd.concat(
        [pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "channel": ch, "offered": 12.0,
                       "offered_lo": 10.0, "offered_hi": 14.0, "aht_s": 300.0}) for ch in channels]
    )
    path = tmp_path / "forecast.csv"
    fc.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name", ["contract_weekday.toml", "contract_7x24.toml"])
def test_staff_writes_one_block_per_channel(tmp_path, capsys, name):
    scen = load_scenario(ROOT / "scenarios" / name)
    channels = [c.name for c in scen.channels]
    out = tmp_path / "req.csv"
    code, stdout, err = run(["staff", str(_forecast(tmp_path, channels)), "--scenario",
                             str(ROOT / "scenarios" / name), "--out", str(out), "--json"], capsys)
    assert code == 0, err
    req = pd.read_csv(out)
    assert list(req.columns[:7]) == ["interval_start", "channel", "required", "load_erl", "service_level",
                                     "asa_s", "occupancy"]
    assert list(dict.fromkeys(req.channel)) == channels
    summary = json.loads(stdout)
    assert set(summary["channels"]) == set(channels)
    # no channel is staffed for sl_confidence: the forecast's error moves nothing here, and nothing says so
    assert "forecast_error" not in err and "backtest" not in err, err


BAD_SCENARIOS = [
    ('[channels.voice]\nservice_level = 0.8\nanswer_s = 20\ncolour = "red"\n', "channels.voice.colour: unknown key"),
    ("[channels.voice]\nservice_level = 0.8\nanswer_min = 1\n", "channels.voice.answer_min: unknown key"),
    ("[channels.voice]\nservice_level = 80\nanswer_s = 20\n", "channels.voice.service_level: 80 is not a fraction"),
    ('[channels.voice]\nservice_level = 0.8\nanswer_s = "20 s"\n', "channels.voice.answer_s: '20 s' is not a number"),
    ("[channels.voice]\nservice_level = 0.8\nanswer_s = -20\n", "channels.voice.answer_s: -20"),
    ("[channels.email]\nfirst_reply_working_hours = -4\n", "channels.email.first_reply_working_hours: -4"),
    ('[coverage]\nopen = "18:00"\nclose = "09:00"\n[channels.email]\nfirst_reply_working_hours = 4\n',
     "coverage.close: window closes before it opens"),
    ('[coverage]\nwindow = "custom"\n[coverage.hours]\nmon = "20:00-08:00"\n'
     "[channels.email]\nfirst_reply_working_hours = 4\n", "coverage.hours.mon: window closes before it opens"),
    ("[staffing]\nshrinkage = 30\n[channels.email]\nfirst_reply_working_hours = 4\n",
     "staffing.shrinkage: 30 is not a fraction"),
    ('[site]\ntimezone = "Beijing"\n[channels.email]\nfirst_reply_working_hours = 4\n', "site.timezone"),
    ('[channels.voice]\nmodel = "erlang-a"\nservice_level = 0.8\nanswer_s = 20\n', "channels.voice: model 'erlang-a'"),
    ("[channels.chat]\nservice_level = 0.8\nanswer_s = 60\nconcurrency = 0\n", "channels.chat.concurrency: 0"),
    ("[channels.voice\nservice_level = 0.8\n", "not valid TOML"),
]


@pytest.mark.parametrize("text, message", BAD_SCENARIOS)
def test_bad_scenario_is_exit_2_naming_the_field(tmp_path, capsys, text, message):
    scen = tmp_path / "s.toml"
    scen.write_text(text, encoding="utf-8")
    code, _, err = run(["staff", str(_forecast(tmp_path, ["voice"])), "--scenario", str(scen), "--out",
                        str(tmp_path / "r.csv")], capsys)
    assert code == 2, err
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_staff_bad_forecast_is_exit_2(tmp_path, capsys):
    fc = tmp_path / "fc.csv"
    fc.write_text("interval_start,channel,offered,aht_s\n2026-03-02T00:00,voice,-5,200\n", encoding="utf-8")
    code, _, err = run(["staff", str(fc), "--scenario", str(ROOT / "scenarios" / "contract_weekday.toml"),
                        "--out", str(tmp_path / "r.csv")], capsys)
    assert code == 2 and "row 2: offered -5" in err


def test_holiday_overrides_from_the_scenario_and_the_due_command(tmp_path, capsys):
    ov = tmp_path / "closures.csv"
    ov.write_text("date,kind,name\n2026-03-02,holiday,site closure\n", encoding="utf-8")
    code, out, _ = run(["due", "--from", "2026-02-27T17:00", "--working-hours", "2", "--holidays", str(ov)], capsys)
    assert out.strip() == "2026-02-28T10:00"  # Friday 17-18, make-up Saturday 09-10
    code, out, _ = run(["due", "--from", "2026-02-28T17:00", "--working-hours", "2", "--holidays", str(ov)], capsys)
    assert out.strip() == "2026-03-03T10:00"  # Monday 03-02 closed by the override

    scen = tmp_path / "s.toml"
    scen.write_text('[site]\nholiday_overrides = "closures.csv"\n[channels.voice]\nservice_level = 0.8\n'
                    "answer_s = 20\n", encoding="utf-8")
    fc = tmp_path / "fc.csv"
    idx = pd.date_range("2026-03-02T00:00", periods=96, freq="30min")
    pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M"), "offered": 10.0, "aht_s": 200.0}).to_csv(
        fc, index=False)
    code, _, err = run(["staff", str(fc), "--scenario", str(scen), "--out", str(tmp_path / "r.csv")], capsys)
    assert code == 0, err
    req = pd.read_csv(tmp_path / "r.csv", parse_dates=["interval_start"])
    assert req.loc[req.interval_start.dt.day == 2, "required"].sum() == 0
    assert req.loc[req.interval_start.dt.day == 3, "required"].sum() > 0

    ov.write_text("date,kind\n2026-03-02,closed\n", encoding="utf-8")
    code, _, err = run(["staff", str(fc), "--scenario", str(scen), "--out", str(tmp_path / "r.csv")], capsys)
    assert code == 2 and "closures.csv row 2: kind 'closed'" in err
