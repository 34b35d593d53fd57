"""Per-channel requirements (planner/staffing.py): windows, floors, chat concurrency, forecast checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from planner import queueing
from planner.calendar import ChineseCalendar, weekday_window, window_7x24
from planner.deferred import jobs_from_intervals, replay_fifo
from planner.domain import ChannelSpec, ServiceTarget
from planner.errors import PlannerInputError
from planner.io.forecast import read_forecast
from planner.io.requirements import write_requirements
from planner.scenario import parse_scenario
from planner.staffing import (
    REQUIREMENT_COLUMNS,
    StaffingWarning,
    queue_channel_requirements,
    staff_requirements,
    validate_forecast,
)

CAL = ChineseCalendar()
pytestmark = pytest.mark.filterwarnings("ignore:.*outside the coverage window")


def _forecast(channels=("voice",), start="2026-02-13T00:00", days=2, interval_min=30, offered=None, aht_s=240.0):
    idx = pd.date_range(start, periods=days * 24 * 60 // interval_min, freq=f"{interval_min}min")
    rows = []
    for ch in channels:
        hours = idx.hour + idx.minute / 60
        vol = offered if offered is not None else np.round(30 * np.exp(-(((hours - 13) / 4) ** 2)), 2)
        rows.append(
            pd.DataFrame(
                {
                    "interval_start": idx.strftime("%Y-%m-%dT%H:%M"),
                    "channel": ch,
                    "offered": vol,
                    "offered_lo": np.asarray(vol) * 0.9,
                    "offered_hi": np.asarray(vol) * 1.1,
                    "aht_s": aht_s,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _scenario(window="weekday", **channels):
    return parse_scenario({"coverage": {"window": window}, "channels": channels}, source="test.toml")


def test_chat_with_concurrency_one_is_the_voice_model():
    starts = tuple(dt.datetime(2026, 3, 2) + dt.timedelta(minutes=30 * k) for k in range(48))
    rng = np.random.default_rng(3)
    calls = rng.uniform(0, 80, 48)
    aht = rng.uniform(120, 600, 48)
    common = dict(window=window_7x24(), target=ServiceTarget(0.8, 20.0), max_occupancy=0.9, min_agents=0)
    for model, patience in (("erlang-c", None), ("erlang-a", 120.0)):
        voice = ChannelSpec("v", "voice", model=model, patience_s=patience, **common)
        chat = ChannelSpec("c", "chat", model=model, patience_s=patience, concurrency=1, handle_time_stretch=0.7,
                           **common)
        rv = queue_channel_requirements(voice, starts, calls, aht, 30, CAL)
        rc = queue_channel_requirements(chat, starts, calls, aht, 30, CAL)
        for field in ("required", "fractional_agents", "load_erl", "service_level", "asa_s", "occupancy"):
            np.testing.assert_array_equal(getattr(rv, field), getattr(rc, field), err_msg=field)


def test_chat_concurrency_is_the_fewest_agents_whose_slots_meet_the_target():
    """c = 3, stretch 0.25: each chat lasts aht * 1.5 and occupies one of an agent's three slots."""
    starts = tuple(dt.datetime(2026, 3, 2, 9) + dt.timedelta(minutes=30 * k) for k in range(6))
    calls = np.array([5.0, 20.0, 40.0, 60.0, 90.0, 1.0])
    aht = np.full(6, 300.0)
    spec = ChannelSpec("chat", "chat", window=window_7x24(), target=ServiceTarget(0.8, 60.0), concurrency=3,
                       handle_time_stretch=0.25, min_agents=0)
    req = queue_channel_requirements(spec, starts, calls, aht, 30, CAL)
    for k in range(6):
        ok = queueing.evaluate(calls[k], 30, 450.0, 60.0, 3 * req.required[k]).service_level
        assert ok >= 0.8
        if req.required[k] > 1:
            short = queueing.evaluate(calls[k], 30, 450.0, 60.0, 3 * (req.required[k] - 1)).service_level
            assert short < 0.8
    np.testing.assert_allclose(req.load_erl, calls * 450 / 1800)
    # three slots per agent need fewer agents than one chat at a time
    single = queue_channel_requirements(
        ChannelSpec("chat", "chat", window=window_7x24(), target=ServiceTarget(0.8, 60.0), min_agents=0),
        starts, calls, aht, 30, CAL,
    )
    assert np.all(req.required <= single.required) and req.required.sum() < single.required.sum()


def test_zero_outside_the_window_floor_inside_it():
    fc = validate_forecast(_forecast(offered=0.01))  # near-zero forecast all day, Fri 02-13 and Sat 02-14
    scen = _scenario(voice={"service_level": 0.8, "answer_s": 20, "min_agents": 2})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        req = staff_requirements(scen, fc).frame
    assert any("outside the coverage window" in str(w.message) for w in caught)
    hours = req["interval_start"].dt.hour
    inside = (hours >= 9) & (hours < 18)  # Friday and the make-up Saturday 2026-02-14 are both open
    assert (req.loc[inside, "required"] == 2).all()
    assert (req.loc[~inside, "required"] == 0).all()
    assert list(req.columns) == list(REQUIREMENT_COLUMNS)

    req24 = staff_requirements(_scenario("7x24", voice={"service_level": 0.8, "answer_s": 20}), fc).frame
    assert (req24["required"] == 1).all()  # default floor 1 all day and night


def test_holiday_closes_the_weekday_window():
    fc = validate_forecast(_forecast(start="2026-02-16T00:00", days=1))  # Monday of the Spring Festival
    req = staff_requirements(_scenario(voice={"service_level": 0.8, "answer_s": 20}), fc).frame
    assert req["required"].sum() == 0 and req["open"].sum() == 0


def test_requirements_of_every_channel_and_email_deadlines_hold(tmp_path):
    fc = validate_forecast(_forecast(channels=("voice", "chat", "email"), start="2026-02-13T00:00", days=12))
    scen = _scenario(
        voice={"service_level": 0.8, "answer_s": 20, "asa_s": 15},
        chat={"service_level": 0.8, "answer_s": 60, "concurrency": 2, "handle_time_stretch": 0.2},
        email={"first_reply_working_hours": 4, "aht_s": 360},
    )
    made = staff_requirements(scen, fc)
    req = made.frame
    assert list(req["channel"].unique()) == ["voice", "chat", "email"]  # one block per channel
    assert req.groupby("channel").size().eq(12 * 48).all()
    voice = req[(req.channel == "voice") & (req.required > 0) & (req.load_erl > 0)]
    assert (voice.service_level >= 0.8 - 1e-12).all() and (voice.asa_s <= 15 + 1e-9).all()
    email = req[req.channel == "email"]
    assert set(email.service_level.dropna()) == {1.0}
    # replay the email staffing independently
    starts = [t.to_pydatetime() for t in email.interval_start]
    work = fc.of("email")["offered"].to_numpy() * 360
    jobs = jobs_from_intervals(starts, 30, work, 4, weekday_window(), CAL)
    assert replay_fifo(starts, 30, email.required.to_numpy(), jobs, weekday_window(), CAL).missed == ()
    out = tmp_path / "req.csv"
    write_requirements(made, out)
    back = pd.read_csv(out)
    assert list(back.columns) == list(REQUIREMENT_COLUMNS)
    assert back.interval_start.iloc[0] == "2026-02-13T00:00"


def test_volume_column_and_aht_override():
    fc = validate_forecast(_forecast())
    base = parse_scenario({"channels": {"voice": {"service_level": 0.8, "answer_s": 20}}})
    hi = parse_scenario({"staffing": {"volume": "offered_hi"}, "channels": {"voice": {"service_level": 0.8,
                                                                                      "answer_s": 20}}})
    long = parse_scenario({"channels": {"voice": {"service_level": 0.8, "answer_s": 20, "aht_s": 600}}})
    r0, r1, r2 = (staff_requirements(s, fc).frame["required"].sum() for s in (base, hi, long))
    assert r1 > r0 and r2 > r0


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("interval_start,channel,volume\n2026-03-02T00:00,voice,3\n", "missing column 'offered'"),
        ("interval_start,channel,offered,aht_s\n2026-03-02T00:00,voice,5,200\n2026-03-02T00:30,voice,-3,200\n",
         "row 3: offered -3 must be finite and >= 0"),
        ("interval_start,channel,offered,aht_s\nyesterday,voice,5,200\n", "row 2: interval_start 'yesterday'"),
        ("interval_start,channel,offered,aht_s\n2026-03-02T00:00,voice,five,200\n", "row 2: offered 'five'"),
        ("interval_start,channel,offered,aht_s\n2026-03-02T00:00,voice,5,200\n2026-03-02T00:00,voice,6,200\n",
         "row 3: duplicate interval 2026-03-02T00:00 for channel 'voice' \\(first at row 2\\)"),
    ],
)
def test_bad_forecast_files(tmp_path, text, message):
    f = tmp_path / "fc.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(PlannerInputError, match=message):
        read_forecast(f)


def test_forecast_gaps_channels_and_aht():
    scen = _scenario(voice={"service_level": 0.8, "answer_s": 20})
    fc = _forecast()
    with pytest.raises(PlannerInputError, match="row 5: channel 'voice' has a gap: interval 2026-02-13T01:30"):
        staff_requirements(scen, validate_forecast(fc.drop(index=3)))
    with pytest.raises(PlannerInputError, match=r"channel 'fax' has no \[channels\.fax\]"):
        staff_requirements(scen, validate_forecast(fc.assign(channel="fax")))
    with pytest.raises(PlannerInputError, match="aht_s must be > 0"):
        staff_requirements(scen, validate_forecast(fc.assign(aht_s=0.0)))
    with pytest.raises(PlannerInputError, match="interval spacing of 45 min"):
        staff_requirements(scen, validate_forecast(_forecast(interval_min=45)))
    with pytest.raises(PlannerInputError, match=r"channels\.voice: service_level 1 cannot be met"):
        _scenario("7x24", voice={"service_level": 1.0, "answer_s": 20})  # refused when the file is read
    ok = _scenario("7x24", voice={"service_level": 0.8, "answer_s": 20})
    voice = dataclasses.replace(ok.channel("voice"), target=ServiceTarget(1.0, 20.0))
    built = dataclasses.replace(ok, channels=(voice,))
    with pytest.raises(PlannerInputError, match=r"channels\.voice: sl 1\.0 cannot be met"):
        staff_requirements(built, validate_forecast(fc))  # a scenario built in code (the app) is caught too
    with pytest.warns(StaffingWarning, match="channel 'email': no rows"):
        staff_requirements(_scenario("7x24", voice={"service_level": 0.8, "answer_s": 20},
                                     email={"first_reply_working_hours": 4}), validate_forecast(fc))


def test_per_channel_coverage_and_a_typed_dataframe():
    """Phones 7x24, email answered Mon-Fri 09-18 only; the pipeline may pass datetime64 columns."""
    scen = parse_scenario({
        "coverage": {"window": "7x24"},
        "channels": {
            "voice": {"service_level": 0.8, "answer_s": 20},
            "email": {"first_reply_working_hours": 4, "coverage": {"window": "weekday"}},
        },
    })
    fc = _forecast(channels=("voice", "email"), start="2026-02-14T00:00", days=3)  # make-up Sat; Sun, Mon off
    fc["interval_start"] = pd.to_datetime(fc["interval_start"])
    req = staff_requirements(scen, fc).frame
    voice, email = req[req.channel == "voice"], req[req.channel == "email"]
    assert (voice.required >= 1).all()
    email_open = email[email.required > 0].interval_start
    assert set(email_open.dt.date.astype(str)) == {"2026-02-14"}  # 02-16 is in the Spring Festival
    assert email.loc[email.interval_start.dt.date.astype(str) != "2026-02-14", "open"].eq(0).all()


def test_offsets_are_converted_to_the_site_zone():
    fc = _forecast(days=1)
    fc["interval_start"] = pd.to_datetime(fc["interval_start"]).dt.strftime("%Y-%m-%dT%H:%M+00:00")
    got = validate_forecast(fc, timezone="Asia/Shanghai").frame
    assert got["interval_start"].iloc[0] == pd.Timestamp("2026-02-13T08:00")


def test_a_bad_value_in_one_interval_is_named_by_its_time():
    """Issue 22: an engine that knows only positions raises IntervalError; staffing names the interval's time,
    never its index among the intervals it passed (here the 4th busy one, the 5th interval)."""
    import datetime as dt

    from planner.calendar import ChineseCalendar, window_7x24
    from planner.domain import ChannelSpec, ServiceTarget
    from planner.staffing import queue_channel_requirements

    spec = ChannelSpec(name="voice", kind="voice", window=window_7x24(), target=ServiceTarget(0.8, 20))
    starts = tuple(dt.datetime(2026, 3, 16) + dt.timedelta(minutes=30 * k) for k in range(6))
    calls = np.array([0.0, 10, 0, 10, 10, 10])
    aht = np.array([180.0, 180, 180, 180, np.inf, 180])
    with pytest.raises(PlannerInputError) as err:
        queue_channel_requirements(spec, starts, calls, aht, 30, ChineseCalendar())
    assert str(err.value) == "channels.voice: aht_s must be a finite number, got inf (2026-03-16T02:00)"


def test_a_staffing_rules_error_names_its_channel_once():
    """A rule that cannot staff (the risk-aware one, say) names the channel in its own message: the channel
    is not named twice (seen at 5,000 agents: "channels.chat: channels.chat: sl_confidence ...")."""
    from planner.staffing import queue_channel_requirements

    scen = _scenario("7x24", voice={"service_level": 0.8, "answer_s": 20})
    fc = _forecast(days=1)
    starts = tuple(pd.to_datetime(fc["interval_start"]).dt.to_pydatetime())

    def named(*_a):
        raise PlannerInputError("channels.voice: sl_confidence 0.9 cannot be met: no plan met the target")

    def bare(*_a):
        raise PlannerInputError("no plan met the target")

    calls, aht = fc["offered"].to_numpy(dtype=float), np.full(len(fc), 240.0)
    for rule, message in ((named, "channels.voice: sl_confidence 0.9 cannot be met: no plan met the target"),
                          (bare, "channels.voice: no plan met the target")):
        with pytest.raises(PlannerInputError) as err:
            queue_channel_requirements(scen.channel("voice"), starts, calls, aht, 30, CAL, rule)
        assert str(err.value) == message
