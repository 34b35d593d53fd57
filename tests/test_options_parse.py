"""SLA options: the --option syntax, options files, applying an option to a scenario, and validating it."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from planner.errors import PlannerInputError
from planner.options import Option, apply_option, split_option
from planner.scenario import (
    option_scenarios,
    parse_option,
    parse_options_toml,
    parse_scenario,
    read_options,
    read_scenario_data,
)

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "scenarios" / "contract_7x24.toml"
SOURCE = "scenarios/contract_7x24.toml"


@pytest.fixture
def base() -> dict:
    return read_scenario_data(CONTRACT)


def refused(fn, *args, **kwargs) -> str:
    """The one-line message of the PlannerInputError ``fn`` raises."""
    with pytest.raises(PlannerInputError) as info:
        fn(*args, **kwargs)
    msg = str(info.value)
    assert "\n" not in msg
    return msg


# --- parse_option: the command-line form -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("o:k=0.9", 0.9),
        ("o:k=20", 20),
        ("o:k=-3", -3),
        ("o:k=true", True),
        ("o:k=false", False),
        ('o:k="x y"', "x y"),
        ("o:k='lit'", "lit"),
        ("o:k=[0.8, 0.9]", [0.8, 0.9]),
        ('o:k={window = "7x24", holidays = "open"}', {"window": "7x24", "holidays": "open"}),
        ("o:k=2026-03-16", date(2026, 3, 16)),
        ("o:k=7x24", "7x24"),  # not TOML: plain text
        ("o:k=weekday", "weekday"),
        ("o:k=erlang-a", "erlang-a"),
        ("o:k=08:00", "08:00"),  # a time of day is text in scenarios
        ("o:k=08:00:00", "08:00:00"),  # even where TOML would read a time
        ("o:k = 0.9 ", 0.9),
        ('o:k="a=b"', "a=b"),
    ],
)
def test_values_are_toml_or_plain_text(text, value):
    option = parse_option(text)
    assert option == Option("o", (("k", value),))
    assert type(option.overrides[0][1]) is type(value)


def test_keys_in_order_and_commas_inside_values():
    option = parse_option(
        'voice90:channels.voice.service_level=0.9,channels.voice.answer_s=20,check.confidence_steps=[0.8, 0.9],'
        'site.name="a, b",channels.voice.coverage={window = "weekday", open = "08:00"},rules.lunch_min=30'
    )
    assert option.name == "voice90"
    assert option.overrides == (
        ("channels.voice.service_level", 0.9),
        ("channels.voice.answer_s", 20),
        ("check.confidence_steps", [0.8, 0.9]),
        ("site.name", "a, b"),
        ("channels.voice.coverage", {"window": "weekday", "open": "08:00"}),
        ("rules.lunch_min", 30),
    )


@pytest.mark.parametrize("name", ["voice90", "v_90", "sla-80.20", "语音90", "A", "9"])
def test_option_names(name):
    assert parse_option(f"{name}:k=1").name == name


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("voice90", "expected NAME:key=value"),
        ("channels.voice.answer_s=20", "expected NAME:key=value[,key=value...] (each option is named)"),
        ("coverage.open=08:00", "expected NAME:key=value[,key=value...] (each option is named)"),
        (":k=1", "empty option name"),
        ("a b:k=1", "option name 'a b' may hold only"),
        ("-x:k=1", "option name '-x' may hold only"),
        ("voice90:channels.voice", "expected key=value after 'voice90:'"),
        ("voice90:a=1,channels.voice", "expected key=value after 'voice90:a=1,'"),
        ("voice90:a=1,", "expected key=value after 'voice90:a=1,'"),
        ("voice90:=0.9", "empty key before '=0.9'"),
        ("voice90:k=", "k: no value after '='"),
        ("voice90:a..b=1", "'a..b' is not a dotted key"),
        ("voice90:a b=1", "'a b' is not a dotted key"),
        ("voice90:k=1,k=2", "k: given twice"),
        ("voice90:coverage={window = '7x24'},coverage.window=weekday", "coverage.window: inside coverage"),
        ("voice90:k=[0.8, 0.9", "unclosed '['"),
        ("voice90:k=0.8]", "unmatched ']'"),
        ('voice90:k="abc', 'unclosed " quote'),
        ("voice90:k=[0.8,, 0.9]", "k: [0.8,, 0.9] is not a TOML value"),
    ],
)
def test_bad_syntax_names_the_option(text, problem):
    msg = refused(parse_option, text)
    assert msg.startswith(f"--option '{text}': "), msg
    assert problem in msg, msg


def test_a_name_alone_is_the_base_scenario_unchanged():
    assert parse_option("base:") == Option("base", ())
    assert parse_option("基准: ") == Option("基准", ())


def test_the_briefs_example_message():
    assert refused(parse_option, "voice90:channels.voice") == (
        "--option 'voice90:channels.voice': expected key=value after 'voice90:'"
    )


def test_split_leaves_values_as_text():
    assert split_option("o:a=0.9, b=[1, 2]") == ("o", (("a", "0.9"), ("b", "[1, 2]")))


def test_label():
    option = parse_option('o:channels.voice.service_level=0.9,coverage.window=7x24,x=[0.8, 0.9],y=true,z={a = "b"}')
    assert option.label() == (
        'channels.voice.service_level=0.9, coverage.window=7x24, x=[0.8, 0.9], y=true, z={a = "b"}'
    )


# --- options files -----------------------------------------------------------------------------

OPTIONS_FILE = """\
# SLA options for contract_7x24.toml
[voice80_60]
channels.voice.service_level = 0.80
channels.voice.answer_s = 60

[voice90_20]
channels.voice.service_level = 0.90
[voice90_20.channels.chat]
service_level = 0.85
[voice90_20.coverage]
window = "7x24"

["语音95"]
channels.voice = { service_level = 0.95, answer_s = 20 }
"""


def test_options_file_flattened_in_order():
    options = parse_options_toml(OPTIONS_FILE, "opts.toml")
    assert [o.name for o in options] == ["voice80_60", "voice90_20", "语音95"]
    assert options[0].overrides == (("channels.voice.service_level", 0.8), ("channels.voice.answer_s", 60))
    assert options[1].overrides == (
        ("channels.voice.service_level", 0.9),
        ("channels.chat.service_level", 0.85),
        ("coverage.window", "7x24"),
    )
    assert options[2].overrides == (("channels.voice.service_level", 0.95), ("channels.voice.answer_s", 20))


def test_read_options_utf8_bom_and_gbk(tmp_path):
    for enc in ("utf-8-sig", "gbk"):
        path = tmp_path / f"opts_{enc}.toml"
        path.write_bytes(OPTIONS_FILE.encode(enc))
        assert [o.name for o in read_options(path)] == ["voice80_60", "voice90_20", "语音95"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[a\nk = 1\n", "opts.toml: not valid TOML"),
        ("", "opts.toml: no options"),
        ("# only a comment\n", "opts.toml: no options"),
        ("voice90 = 0.9\n", "opts.toml: voice90: an option is a table: write [voice90]"),
        ("[voice90]\n", "opts.toml: option voice90: no keys (an empty option)"),
        ('["a b"]\nk = 1\n', "opts.toml: [a b]: option name 'a b' may hold only"),
        ('[o]\nchannels."a.b".x = 1\n', "opts.toml: option o: channels.a.b.x: 'a.b' is no key name here"),
        ('[o]\n"" = 1\n', "opts.toml: option o: (empty key): '' is no key name here"),
        ("channels.voice.service_level = 0.9\n", "opts.toml: channels: looks like a scenario key, not an option"),
    ],
)
def test_options_file_errors_name_the_file(text, problem):
    assert problem in refused(parse_options_toml, text, "opts.toml")


def test_read_options_missing_file(tmp_path):
    path = tmp_path / "none.toml"
    assert refused(read_options, path) == f"{path}: options file not found"


def test_empty_subtable_is_kept_as_a_table():
    (option,) = parse_options_toml("[o]\nchannels.voice.coverage = {}\n", "opts.toml")
    assert option.overrides == (("channels.voice.coverage", {}),)


# --- apply_option ------------------------------------------------------------------------------


def test_apply_sets_nested_keys_on_a_copy(base):
    before = copy.deepcopy(base)
    out = apply_option(base, parse_option("o:channels.voice.service_level=0.9,rules.overtime=true,x.y.z=1"), SOURCE)
    assert base == before  # the base is untouched
    assert out["channels"]["voice"]["service_level"] == 0.9
    assert out["channels"]["voice"]["answer_s"] == 20  # the rest of the table is kept
    assert out["rules"] == {"overtime": True}  # created on the way
    assert out["x"] == {"y": {"z": 1}}
    out["channels"]["chat"]["service_level"] = 0.1
    assert base["channels"]["chat"]["service_level"] == 0.8  # a deep copy


def test_apply_a_value_over_a_table_and_a_table_over_a_value(base):
    out = apply_option(base, Option("o", (("coverage", "7x24"), ("site.name.first", 1))), SOURCE)
    assert out["coverage"] == "7x24"
    assert out["site"]["name"] == {"first": 1}


def test_apply_refuses_an_unknown_channel(base):
    assert refused(apply_option, base, parse_option("o:channels.phone.service_level=0.9"), SOURCE) == (
        f"{SOURCE}: option o: channels.phone: no channel 'phone' in the scenario "
        "(channels: voice, chat, email, social)"
    )
    msg = refused(apply_option, base, parse_option("o:channels={}"), SOURCE)
    assert msg.startswith(f"{SOURCE}: option o: channels: ")


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("data.sample_scale=2", "data, horizon or forecast"),
        ("data={sample = true}", "data, horizon or forecast"),
        ("horizon.weeks=2", "data, horizon or forecast"),
        ("forecast.method=mean_4w", "data, horizon or forecast"),
        ("site.timezone=Asia/Tokyo", "site.timezone"),
        ("staffing.interval_min=15", "staffing.interval_min"),
    ],
)
def test_apply_refuses_keys_of_the_forecast(base, key, what):
    msg = refused(apply_option, base, parse_option(f"o:{key}"), SOURCE)
    dotted = key.split("=")[0]
    assert msg == (
        f"{SOURCE}: option o: {dotted}: options reuse the base scenario's forecast; "
        f"make a scenario file of its own to vary {what}"
    )


def test_apply_refuses_a_table_that_changes_a_forecast_key(base):
    msg = refused(apply_option, base, parse_option('o:site={name = "x", timezone = "Asia/Tokyo"}'), SOURCE)
    assert msg.startswith(f"{SOURCE}: option o: site: changes site.timezone"), msg
    out = apply_option(base, parse_option('o:site={name = "x", timezone = "Asia/Shanghai"}'), SOURCE)
    assert out["site"] == {"name": "x", "timezone": "Asia/Shanghai"}  # unchanged: allowed


def test_other_staffing_and_site_keys_are_allowed(base):
    out = apply_option(base, parse_option("o:staffing.shrinkage=0.3,site.name=x"), SOURCE)
    assert out["staffing"] == {"shrinkage": 0.3, "max_occupancy": 0.85}
    assert out["site"]["timezone"] == "Asia/Shanghai"


def test_setting_a_window_replaces_the_coverage_table(base):
    base["coverage"] = {"window": "weekday", "open": "08:00", "close": "20:00", "makeup_days": "closed"}
    out = apply_option(base, parse_option("o:coverage.window=7x24"), SOURCE)
    assert out["coverage"] == {"window": "7x24"}
    (scenario,) = option_scenarios(base, [parse_option("o:coverage.window=7x24")], SOURCE)
    assert scenario.window.kind == "7x24"
    # without the rule the stale open/close would be refused: "'open'/'close' are only used with ... weekday"
    stale = copy.deepcopy(base)
    stale["coverage"]["window"] = "7x24"
    with pytest.raises(PlannerInputError, match="only used with window = 'weekday'"):
        parse_scenario(stale, source=SOURCE)


def test_setting_a_window_keeps_the_keys_the_option_sets_with_it(base):
    base["channels"]["email"]["coverage"] = {"window": "7x24"}
    option = parse_option(
        "o:channels.email.coverage.open=09:00,channels.email.coverage.window=weekday,channels.voice.min_agents=2"
    )
    out = apply_option(base, option, SOURCE)
    assert out["channels"]["email"]["coverage"] == {"open": "09:00", "window": "weekday"}
    assert out["coverage"] == {"window": "7x24"}  # another table: untouched
    (scenario,) = option_scenarios(base, [option], SOURCE)
    email = scenario.channel("email")
    assert email.window.kind == "weekday" and email.window.hours[0] == (540, 1080)


def test_keys_inside_a_coverage_table_merge_without_a_window(base):
    base["coverage"] = {"window": "weekday", "open": "08:00", "close": "20:00"}
    out = apply_option(base, parse_option("o:coverage.close=21:00"), SOURCE)
    assert out["coverage"] == {"window": "weekday", "open": "08:00", "close": "21:00"}


def test_apply_checks_keys_of_an_option_built_directly(base):
    msg = refused(apply_option, base, Option("o", (("a", 1), ("a.b", 2))), SOURCE)
    assert msg == f"{SOURCE}: option o: a.b: inside a, which the option sets too; set one of them"


# --- option_scenarios --------------------------------------------------------------------------


def test_a_valid_option_gives_a_scenario_with_its_targets(base):
    options = [
        parse_option("voice90:channels.voice.service_level=0.9,channels.voice.answer_s=15"),
        parse_option("chat70:channels.chat.service_level=0.7"),
    ]
    first, second = option_scenarios(base, options, SOURCE, CONTRACT.parent)
    assert first.channel("voice").target.sl == 0.9 and first.channel("voice").target.answer_s == 15
    assert first.channel("chat").target.sl == 0.8
    assert second.channel("voice").target.sl == 0.8 and second.channel("chat").target.sl == 0.7
    assert first.source == f"{SOURCE}: option voice90"
    assert first.data == second.data and first.horizon == second.horizon  # the shared forecast's inputs


def test_no_options():
    assert refused(option_scenarios, {}, [], SOURCE) == "give at least one --option NAME:key=value or --options FILE"


def test_a_name_given_twice(base):
    options = [parse_option("a:channels.voice.answer_s=15"), parse_option("a:channels.voice.answer_s=30")]
    assert refused(option_scenarios, base, options, SOURCE) == f"{SOURCE}: option a is given twice"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bad:channels.voice.colour=1", "option bad: channels.voice.colour: unknown key"),
        (
            "voice90:channels.voice.service_level=90",
            "option voice90: channels.voice.service_level: 90 is not a fraction in [0, 1] "
            "(fractions, not percent: write 0.9)",
        ),
        ("big:channels.voice.service_level=1.5", "option big: channels.voice.service_level: 1.5 is not a fraction"),
        ("cov:coverage.window=always", "option cov: coverage.window: 'always': must be '7x24', 'weekday' or 'custom'"),
        ("txt:channels.voice.answer_s=20s", "option txt: channels.voice.answer_s: '20s' is not a number"),
        ("soc:channels.social.sl_floor=1.5", "option soc: channels.social.sl_floor: 1.5 is not a fraction"),
    ],
)
def test_invalid_options_name_the_option_and_the_key(base, text, expected):
    good = parse_option("fine:channels.voice.answer_s=15")
    assert refused(option_scenarios, base, [good, parse_option(text)], SOURCE).startswith(f"{SOURCE}: {expected}")


def test_every_option_is_checked_before_any_is_returned(base):
    options = [parse_option("a:channels.voice.answer_s=15"), parse_option("b:horizon.weeks=2")]
    assert refused(option_scenarios, base, options, SOURCE).startswith(f"{SOURCE}: option b: horizon.weeks: ")
