"""Tests of planner.sla.service: sharing a team among channels, each channel's service, the contract measure.

References are hand computations, textbook formulas written here or in ``sim_oracles`` (Erlang C), the
independent FIFO replay of ``planner.deferred`` and the ``chinesecalendar`` package, never earlier
output of the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import chinese_calendar
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sim_oracles import erlang_a, erlang_c_service_level

from planner.calendar import ChineseCalendar, weekday_window, window_7x24
from planner.deferred import DeferredJob, replay_fifo
from planner.domain import ChannelSpec, ServiceTarget
from planner.errors import PlannerInputError
from planner.sla.service import (
    ChannelService,
    channel_service,
    fifo_completion_s,
    measure,
    split_team_staffing,
)

CAL = ChineseCalendar()
MONDAY = dt.datetime(2026, 3, 2)  # an ordinary working Monday (ISO week 10)


def _grid(start: dt.datetime, n: int, interval_min: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=interval_min * k) for k in range(n)]


# ---------------------------------------------------------------------------------------------------
# split_team_staffing
# ---------------------------------------------------------------------------------------------------
KINDS = {"voice": "voice", "chat": "chat", "email": "email", "social": "email"}


def test_split_short_team_is_pro_rata_on_real_time_and_leaves_email_nothing():
    """6 agents for 4 voice + 8 chat + 2 email: real time needs 12, gets 6 -> half each; email 0."""
    out = split_team_staffing(
        np.array([6.0]), {"voice": [4.0], "chat": [8.0], "email": [2.0]}, KINDS
    )
    assert out["voice"].tolist() == [2.0]
    assert out["chat"].tolist() == [4.0]
    assert out["email"].tolist() == [0.0]


def test_split_surplus_goes_to_deferred_channels_pro_rata():
    """Real time 4 + 2 = 6 served in full; the rest 4 and 8 go to email 1 : social 3."""
    req = {"voice": [4.0, 4.0], "chat": [2.0, 2.0], "email": [1.0, 1.0], "social": [3.0, 3.0]}
    out = split_team_staffing(np.array([10.0, 14.0]), req, KINDS)
    assert out["voice"].tolist() == [4.0, 4.0]
    assert out["chat"].tolist() == [2.0, 2.0]
    assert out["email"].tolist() == [1.0, 2.0]
    assert out["social"].tolist() == [3.0, 6.0]


def test_split_idle_agents_go_evenly_to_deferred_channels_that_require_nothing():
    out = split_team_staffing(np.array([7.0]), {"voice": [4.0], "email": [0.0], "social": [0.0]}, KINDS)
    assert out["voice"].tolist() == [4.0]
    assert out["email"].tolist() == [1.5]
    assert out["social"].tolist() == [1.5]


def test_split_without_deferred_channels_surplus_stays_on_real_time():
    """Voice 2, chat 6, 12 agents: the surplus 4 goes 1 : 3, so nobody is lost from the team."""
    out = split_team_staffing(np.array([12.0]), {"voice": [2.0], "chat": [6.0]}, KINDS)
    assert out["voice"].tolist() == [3.0]
    assert out["chat"].tolist() == [9.0]


def test_split_rejects_bad_input():
    with pytest.raises(PlannerInputError, match="kinds"):
        split_team_staffing(np.array([1.0]), {"fax": [1.0]}, {"fax": "fax"})
    with pytest.raises(PlannerInputError, match="values for"):
        split_team_staffing(np.array([1.0, 2.0]), {"voice": [1.0]}, KINDS)
    with pytest.raises(PlannerInputError, match="productive"):
        split_team_staffing(np.array([-1.0]), {"voice": [1.0]}, KINDS)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda k: st.tuples(
            st.lists(st.sampled_from(("voice", "chat", "email")), min_size=k, max_size=k),
            st.lists(
                st.lists(st.floats(0, 50, allow_nan=False) | st.just(0.0), min_size=6, max_size=6),
                min_size=k,
                max_size=k,
            ),
            st.lists(st.floats(0, 120, allow_nan=False) | st.just(0.0), min_size=6, max_size=6),
        )
    )
)
def test_split_invariants(case):
    kinds_list, reqs, productive = case
    names = [f"c{i}" for i in range(len(kinds_list))]
    kinds = dict(zip(names, kinds_list, strict=True))
    required = {n: np.array(r) for n, r in zip(names, reqs, strict=True)}
    p = np.array(productive)
    out = split_team_staffing(p, required, kinds)
    assert list(out) == names
    total = sum(out.values())
    np.testing.assert_allclose(total, p, rtol=1e-12, atol=1e-9)
    real = [n for n in names if kinds[n] != "email"]
    need = sum((required[n] for n in real), np.zeros(6))
    for n in names:
        assert np.all(out[n] >= 0)
    has_deferred = len(real) < len(names)
    for n in real:
        if has_deferred:  # real time never gets more than it needs when deferred work can take the rest
            assert np.all(out[n] <= required[n] * (1 + 1e-12) + 1e-12)
        covered = p >= need
        np.testing.assert_allclose(out[n][covered & has_deferred], required[n][covered & has_deferred], rtol=1e-12)


# ---------------------------------------------------------------------------------------------------
# voice and chat against Erlang C
# ---------------------------------------------------------------------------------------------------
CALLS, AHT, ANSWER, INTERVAL = 100.0, 180.0, 20.0, 30  # 10 Erlangs per half hour


def _split(kw: dict) -> tuple[dict, dict]:
    """(ServiceTarget's fields, the rest) of keyword arguments."""
    names = {f.name for f in dataclasses.fields(ServiceTarget)}
    return {k: v for k, v in kw.items() if k in names}, {k: v for k, v in kw.items() if k not in names}


def _voice(**kw) -> ChannelSpec:
    terms, rest = _split(kw)
    return ChannelSpec(name="voice", kind="voice", window=window_7x24(),
                       target=ServiceTarget(**{"sl": 0.8, "answer_s": ANSWER, **terms}), **rest)


def _flat(n_intervals: int, agents: float):
    starts = _grid(MONDAY, n_intervals, INTERVAL)
    return starts, np.full(n_intervals, CALLS), np.full(n_intervals, AHT), np.full(n_intervals, agents)


def test_voice_simulated_service_level_matches_erlang_c():
    """12 agents for a constant 10 Erlangs over 4 days: the queue is in steady state (apart from an
    empty start and the few calls left at the end), so the pooled simulated service level must equal
    Erlang C. Tolerance: 4 standard errors of the mean over the independent replications (each a full
    run of ~19,200 calls), and the standard error itself must be small enough for that to mean
    something."""
    n = 4 * 48
    starts, calls, aht, agents = _flat(n, 12)
    reps = 10
    svc = channel_service(_voice(), starts, INTERVAL, calls, aht, agents, CAL, replications=reps, seed=7)
    oracle = erlang_c_service_level(CALLS, INTERVAL, AHT, ANSWER, 12)
    assert 0.6 < oracle < 0.9  # a loaded queue, not a trivial one
    assert svc.measure == "service_level" and svc.target == 0.8
    per_rep = svc.numerator.sum(axis=1) / svc.denominator.sum(axis=1)
    se = per_rep.std(ddof=1) / math.sqrt(reps)
    assert se < 0.005
    check = measure(svc, _voice(period="month"))
    assert check.labels == ("2026-03",)
    assert check.value[0] == pytest.approx(oracle, abs=4 * se)
    assert check.predicted[0] == pytest.approx(oracle, abs=1e-9)  # Erlang on the same staffing
    assert check.met == (check.value[0] >= 0.8)


def test_voice_erlang_a_uses_patience():
    """Erlang A: 10 agents for 10 Erlangs (unstable without abandonment), mean patience 300 s. The
    simulated service level must match the exact M/M/n+M chain of sim_oracles (4 standard errors)."""
    n = 8 * 48
    starts, calls, aht, agents = _flat(n, 10)
    spec = _voice(model="erlang-a", patience_s=300.0, period="month")
    svc = channel_service(spec, starts, INTERVAL, calls, aht, agents, CAL, replications=20, seed=5)
    _, oracle, abandon = erlang_a(CALLS, INTERVAL, AHT, ANSWER, 10, 300.0)
    assert abandon > 0.03  # patience matters here
    per_rep = svc.numerator.sum(axis=1) / svc.denominator.sum(axis=1)
    se = per_rep.std(ddof=1) / math.sqrt(20)
    assert se < 0.005
    check = measure(svc, spec)
    assert check.value[0] == pytest.approx(oracle, abs=4 * se)
    assert check.predicted[0] == pytest.approx(oracle, abs=1e-6)
    assert svc.simulation is not None and svc.simulation.abandoned.sum() > 0
    # ASA by the Erlang A convention: every caller's wait, abandoned ones for as long as they waited;
    # by Little's law on the queue that is P(abandon) * mean patience. With a 60 s patience it is ~9.5 s
    # while answered callers alone wait ~7.6 s on average, far more than 4 standard errors apart.
    asa_spec = _voice(model="erlang-a", patience_s=60.0, sl=None, answer_s=None, asa_s=30.0,
                      period="month")
    asa = channel_service(asa_spec, starts, INTERVAL, calls, aht, agents, CAL, replications=20, seed=5)
    expected = erlang_a(CALLS, INTERVAL, AHT, ANSWER, 10, 60.0)[2] * 60.0
    per_rep = asa.numerator.sum(axis=1) / asa.denominator.sum(axis=1)
    se = per_rep.std(ddof=1) / math.sqrt(20)
    assert se < 0.02 * expected
    assert measure(asa, asa_spec).value[0] == pytest.approx(expected, abs=4 * se)


def test_voice_asa_only_channel_is_measured_by_asa():
    """ASA target only: measure asa_s; Erlang C ASA = C * AHT / (n - A) with C from Erlang B. ASA is
    noisier than the service level in a loaded queue: 8 days and 40 replications bring the standard
    error under 3 %; tolerance 4 standard errors."""
    n = 8 * 48
    starts, calls, aht, agents = _flat(n, 12)
    spec = _voice(sl=None, answer_s=None, asa_s=30.0, period="month")
    svc = channel_service(spec, starts, INTERVAL, calls, aht, agents, CAL, replications=40, seed=3)
    load, b = 10.0, 1.0
    for k in range(1, 13):
        b = load * b / (k + load * b)
    c = 12 * b / (12 - load * (1 - b))
    oracle = c * AHT / (12 - load)
    per_rep = svc.numerator.sum(axis=1) / svc.denominator.sum(axis=1)
    se = per_rep.std(ddof=1) / math.sqrt(40)
    check = measure(svc, spec)
    assert svc.measure == "asa_s" and check.measure == "asa_s"
    assert se < 0.03 * oracle
    assert check.value[0] == pytest.approx(oracle, abs=4 * se)
    assert check.predicted[0] == pytest.approx(oracle, rel=1e-9)
    assert check.met == (check.value[0] <= 30.0)
    assert check.margin[0] == pytest.approx(30.0 - check.value[0])


def test_chat_concurrency_three_is_three_times_the_servers():
    """4 agents carrying 3 chats each with no stretch are 12 servers: the very same calls (same seed)
    give the very same counts as 12 voice agents, and Erlang C with 12 servers predicts it."""
    n = 2 * 48
    starts, calls, aht, _ = _flat(n, 0)
    chat = ChannelSpec(name="chat", kind="chat", window=window_7x24(), target=ServiceTarget(0.8, ANSWER),
                       concurrency=3, handle_time_stretch=0.0)
    svc_chat = channel_service(chat, starts, INTERVAL, calls, aht, np.full(n, 4.0), CAL, replications=4, seed=11)
    svc_voice = channel_service(_voice(), starts, INTERVAL, calls, aht, np.full(n, 12.0), CAL, replications=4,
                                seed=11)
    assert np.all(svc_chat.servers == 12)
    np.testing.assert_array_equal(svc_chat.numerator, svc_voice.numerator)
    np.testing.assert_array_equal(svc_chat.denominator, svc_voice.denominator)
    np.testing.assert_allclose(svc_chat.predicted, erlang_c_service_level(CALLS, INTERVAL, AHT, ANSWER, 12),
                               rtol=1e-9)


def test_chat_stretch_and_fractional_agents():
    """Stretch 0.5 with 3 chats: each chat takes 180 * (1 + 0.5 * 2) = 360 s; 6.34 agents give
    floor(19.02) = 19 slots. 50 chats per half hour at 360 s are 10 Erlangs; Erlang C with 19 servers
    at 360 s is the prediction."""
    n = 4
    starts, _, aht, _ = _flat(n, 0)
    calls = np.full(n, 50.0)
    chat = ChannelSpec(name="chat", kind="chat", window=window_7x24(), target=ServiceTarget(0.8, ANSWER),
                       concurrency=3, handle_time_stretch=0.5)
    svc = channel_service(chat, starts, INTERVAL, calls, aht, np.full(n, 6.34), CAL, replications=2)
    assert np.all(svc.servers == 19)
    np.testing.assert_allclose(svc.predicted, erlang_c_service_level(50.0, INTERVAL, 360.0, ANSWER, 19), rtol=1e-9)


# ---------------------------------------------------------------------------------------------------
# email (deferred work)
# ---------------------------------------------------------------------------------------------------
def _email(hours: float, **kw) -> ChannelSpec:
    return ChannelSpec(name="email", kind="email", window=weekday_window(), first_reply_working_hours=hours,
                       target=ServiceTarget(**kw))


def test_email_hand_case_ten_items_one_agent():
    """10 items of 360 s at 09:00 on a Monday, 1 agent from 09:00: replies at 09:06, 09:12, ..., 10:00."""
    starts = _grid(MONDAY.replace(hour=9), 18, 30)  # 09:00-18:00
    items = np.zeros(18)
    items[0] = 10
    agents = np.ones(18)
    itv, weight, done = fifo_completion_s(1800.0, items, np.full(18, 360.0), agents)
    np.testing.assert_array_equal(itv, np.zeros(10))
    np.testing.assert_array_equal(weight, np.ones(10))
    np.testing.assert_allclose(done, 360.0 * np.arange(1, 11))
    one_hour = channel_service(_email(1.0, period="day"), starts, 30, items, np.full(18, 360.0), agents, CAL)
    assert one_hour.deadlines[0] == MONDAY.replace(hour=10)
    assert one_hour.numerator.sum() == 10 and one_hour.denominator.sum() == 10
    half = channel_service(_email(0.5, period="day"), starts, 30, items, np.full(18, 360.0), agents, CAL)
    assert half.numerator.sum() == 5 and half.denominator.sum() == 10  # 09:06 .. 09:30 on time
    check = measure(half, _email(0.5, period="day"))
    assert check.measure == "first_reply_share" and check.target == 1.0
    assert check.labels == ("2026-03-02",) and check.value[0] == 0.5 and not check.met
    assert measure(one_hour, _email(1.0, period="day")).met


@pytest.mark.parametrize(
    ("friday", "next_working_day"),
    [(dt.date(2026, 3, 6), dt.date(2026, 3, 9)),  # an ordinary weekend
     (dt.date(2026, 2, 13), dt.date(2026, 2, 14))],  # the make-up Saturday before the Spring Festival
)
def test_email_friday_evening_item_is_due_next_working_day(friday, next_working_day):
    """An item arriving Fri 17:30 with a 4 h deadline: 0.5 h on Friday, 3.5 h from 09:00 on the next
    working day (chinesecalendar says which) -> 12:30. Replied at 09:10 that day: on time."""
    assert chinese_calendar.is_workday(next_working_day)
    assert all(not chinese_calendar.is_workday(friday + dt.timedelta(days=d))
               for d in range(1, (next_working_day - friday).days))
    start = dt.datetime.combine(friday, dt.time(17, 30))
    end = dt.datetime.combine(next_working_day, dt.time(10, 0))
    n = int((end - start).total_seconds() // 1800)
    starts = _grid(start, n, 30)
    items = np.zeros(n)
    items[0] = 1
    opening = starts.index(dt.datetime.combine(next_working_day, dt.time(9, 0)))
    agents = np.zeros(n)
    agents[opening:] = 1.0
    svc = channel_service(_email(4.0), starts, 30, items, np.full(n, 600.0), agents, CAL)
    assert svc.deadlines[0] == dt.datetime.combine(next_working_day, dt.time(12, 30))
    _, _, done = fifo_completion_s(1800.0, items, np.full(n, 600.0), agents)
    assert starts[0] + dt.timedelta(seconds=float(done[0])) == dt.datetime.combine(next_working_day, dt.time(9, 10))
    assert svc.numerator.sum() == 1 and svc.denominator.sum() == 1 and svc.carried_over.sum() == 0
    # nobody at work: open at the horizon end (10:00) but due 12:30 -> carried over, not missed
    idle = channel_service(_email(4.0), starts, 30, items, np.full(n, 600.0), np.zeros(n), CAL)
    assert idle.denominator.sum() == 0 and idle.carried_over.sum() == 1
    check = measure(idle, _email(4.0))
    assert check.carried_over == 1 and check.met and math.isnan(check.share_met)
    # with a 0.5 h deadline it was due Friday 18:00, inside the horizon: missed
    late = channel_service(_email(0.5), starts, 30, items, np.full(n, 600.0), np.zeros(n), CAL)
    assert late.denominator.sum() == 1 and late.numerator.sum() == 0 and late.carried_over.sum() == 0


def test_email_fractional_items_count_by_weight():
    """2.5 items of 600 s, 1 agent, 0.25 h deadline (09:15): the first item is done 09:10, the second
    09:20 (late), the half item 09:25 (late) -> 1 of 2.5 on time."""
    starts = _grid(MONDAY.replace(hour=9), 4, 30)
    items = np.array([2.5, 0, 0, 0])
    svc = channel_service(_email(0.25), starts, 30, items, np.full(4, 600.0), np.ones(4), CAL)
    assert svc.numerator.sum() == 1.0 and svc.denominator.sum() == 2.5


def test_email_replay_agrees_with_planner_deferred_replay():
    """Random integer items and fractional agents: on-time and counted items equal those of
    planner.deferred.replay_fifo fed one job per item released at its interval's start (7x24 capacity)."""
    rng = np.random.default_rng(5)
    for trial in range(5):
        n = 96  # two days of 30-min intervals from Monday 00:00
        starts = _grid(MONDAY + dt.timedelta(days=trial), n, 30)
        items = rng.poisson(3.0, n).astype(float)
        aht = rng.choice([300.0, 420.0, 600.0], n)
        agents = np.round(rng.uniform(0, 1.5, n), 2)
        spec = _email(2.0)
        svc = channel_service(spec, starts, 30, items, aht, agents, CAL)
        jobs = []
        for t in range(n):
            for _ in range(int(items[t])):
                jobs.append(DeferredJob(starts[t], aht[t], svc.deadlines[t], 1.0))
        rep = replay_fifo(starts, 30, agents, jobs, window_7x24(), CAL, whole_intervals_only=False)
        missed = set(rep.missed)
        horizon_end = starts[-1] + dt.timedelta(minutes=30)
        counted = [j for j, job in enumerate(jobs) if rep.completions[j] is not None or job.deadline <= horizon_end]
        on_time = [j for j in counted if j not in missed]
        assert svc.denominator.sum() == pytest.approx(len(counted))
        assert svc.numerator.sum() == pytest.approx(len(on_time))
        assert svc.carried_over.sum() == pytest.approx(len(jobs) - len(counted))


# ---------------------------------------------------------------------------------------------------
# measure: periods, min share, floor
# ---------------------------------------------------------------------------------------------------
def _hand_service(measure_name: str = "service_level", target: float = 0.8) -> ChannelService:
    """Two days of hourly intervals, two replications; contacts only in three intervals:

    Mon 09:00: 45/50 and 45/50; Mon 10:00: 20/50 and 46/60 (pooled 66/110 = 0.6) -> Monday 156/210
    (replications 65/100 = 0.65 and 91/110; pooled, not their mean 0.7386); Tue 09:00: 140/150 and
    145/150 -> Tuesday 285/300 = 0.95. Month: 441/510.
    """
    n = 48
    num, den = np.zeros((2, n)), np.zeros((2, n))
    num[:, 9], den[:, 9] = 45, 50
    num[:, 10], den[:, 10] = (20, 46), (50, 60)
    num[:, 33], den[:, 33] = (140, 145), 150
    offered = den.mean(axis=0)
    return ChannelService(
        channel="voice", kind="voice", measure=measure_name, target=target, starts=tuple(_grid(MONDAY, n, 60)),
        interval_min=60, offered=offered, agents=np.zeros(n), servers=np.zeros(n), numerator=num, denominator=den,
        predicted=np.full(n, np.nan), carried_over=np.zeros(n), replications=2,
    )


def test_measure_day_versus_month():
    svc = _hand_service()
    day = measure(svc, _voice(period="day"))
    assert day.labels == ("2026-03-02", "2026-03-03")
    np.testing.assert_allclose(day.value, [156 / 210, 0.95], rtol=1e-15)
    np.testing.assert_allclose(day.offered, [105.0, 150.0])  # the forecast: per replication
    np.testing.assert_allclose(day.replications_met, [0.5, 1.0])  # 0.65 and 0.827 on Monday
    np.testing.assert_allclose(day.margin, [156 / 210 - 0.8, 0.15], atol=1e-15)
    assert day.period_met.tolist() == [False, True]
    assert day.share_met == 0.5 and not day.met
    assert (day.worst_period, day.worst_period_value) == ("2026-03-02", 156 / 210)
    assert (day.worst_interval, day.worst_interval_value) == ("2026-03-02T10:00", 0.6)
    month = measure(svc, _voice(period="month"))
    assert month.labels == ("2026-03",) and month.value[0] == 441 / 510
    assert month.share_met == 1.0 and month.met
    week = measure(svc, _voice(period="week"))
    assert week.labels == ("2026-W10",) and week.value[0] == 441 / 510


def test_measure_interval_counts_only_intervals_with_contacts():
    check = measure(_hand_service(), _voice(period="interval"))
    assert len(check.labels) == 48 and int(check.has_contacts.sum()) == 3
    assert check.share_met == pytest.approx(2 / 3)  # 0.9 and 0.95 meet, 0.6 does not
    assert check.to_dict()["periods"][0]["met"] is None


def test_measure_min_share_flips_the_verdict():
    svc = _hand_service()
    assert not measure(svc, _voice(period="day", min_share=1.0)).met
    assert measure(svc, _voice(period="day", min_share=0.5)).met


def test_measure_floor_flips_the_verdict():
    """The month meets 0.8; the 10:00 interval is at 0.6, above a 0.55 floor and below a 0.65 one."""
    svc = _hand_service()
    ok = measure(svc, _voice(period="month", floor=0.55))
    assert ok.met and ok.below_floor == ()
    bad = measure(svc, _voice(period="month", floor=0.65))
    assert not bad.met and bad.below_floor == ("2026-03-02T10:00",) and bad.share_met == 1.0


def test_measure_asa_lower_is_better():
    """Waits summed 2000 s over 100 calls (20 s) on Monday, 4000 s over 100 (40 s) on Tuesday; target 30 s."""
    n = 48
    num, den = np.zeros((1, n)), np.zeros((1, n))
    num[0, 9], den[0, 9] = 2000, 100
    num[0, 33], den[0, 33] = 4000, 100
    svc = ChannelService(
        channel="voice", kind="voice", measure="asa_s", target=30.0, starts=tuple(_grid(MONDAY, n, 60)),
        interval_min=60, offered=den[0], agents=np.zeros(n), servers=np.zeros(n), numerator=num, denominator=den,
        predicted=np.full(n, np.nan), carried_over=np.zeros(n),
    )
    spec = _voice(sl=None, asa_s=30.0, period="day")
    check = measure(svc, spec)
    np.testing.assert_allclose(check.value, [20.0, 40.0])
    assert check.period_met.tolist() == [True, False] and check.margin.tolist() == [10.0, -10.0]
    assert check.worst_period == "2026-03-03" and not check.met
    assert measure(svc, _voice(sl=None, asa_s=30.0, period="month")).met  # 6000/200 = 30


def test_check_to_dict_and_frame():
    check = measure(_hand_service(), _voice(period="day"))
    d = json.loads(json.dumps(check.to_dict(), allow_nan=False))
    assert d["met"] is False and d["share_met"] == 0.5 and d["period"] == "day"
    assert d["periods"][0] == {
        "period": "2026-03-02", "offered": 105.0, "value": 156 / 210, "predicted": None, "target": 0.8,
        "met": False, "margin": 156 / 210 - 0.8, "replications_met": 0.5,
    }
    assert d["worst_period"] == {"period": "2026-03-02", "value": 156 / 210}
    frame = check.periods_frame()
    assert list(frame.columns[:6]) == ["channel", "period", "offered", "value", "target", "met"]
    assert frame["met"].tolist() == [False, True]
    month = measure(_hand_service(), _voice(period="month"))
    assert month.to_dict()["periods"][0]["value"] == 441 / 510  # full precision, no rounding


def test_measure_rejects_a_service_of_another_channel():
    with pytest.raises(PlannerInputError, match="of channel"):
        measure(_hand_service(), _email(1.0))
