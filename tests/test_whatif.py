"""What-if levers (planner.whatif) and the scenario's TOML round trip (planner.scenario.scenario_toml), the
app's pure helpers, checked without streamlit. Expected values follow from the levers' definitions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_check import SCENARIO, _forecast

from planner.errors import PlannerInputError
from planner.scenario import parse_scenario, read_scenario_data, scenario_data_from_text, scenario_toml
from planner.staffing import validate_forecast
from planner.whatif import WhatIf, apply_whatif, flat_keys


@pytest.fixture(scope="module")
def base():
    scen = parse_scenario(scenario_data_from_text(SCENARIO, "s.toml"), source="s.toml")
    return scen, validate_forecast(_forecast())


def test_volume_and_handle_time_are_scaled_once(base):
    scen, fc = base
    _, out = apply_whatif(scen, fc, WhatIf(volume_factor=1.5, aht_factor=0.5))
    for col in ("offered", "offered_lo", "offered_hi"):
        assert list(out.frame[col]) == pytest.approx(list(fc.frame[col] * 1.5))
    assert list(out.frame["aht_s"]) == pytest.approx(list(fc.frame["aht_s"] * 0.5))
    pd.testing.assert_frame_equal(fc.frame, validate_forecast(_forecast()).frame)  # the input is not changed


def test_targets_shrinkage_and_window_replace_the_scenarios(base):
    scen, fc = base
    new, _ = apply_whatif(scen, fc, WhatIf(sl_targets=(("voice", 0.9),), shrinkage=0.2, window="weekday"))
    voice = new.channel("voice")
    assert voice.target.sl == 0.9 and new.shrinkage == 0.2
    assert voice.window.kind == "weekday" and scen.channel("voice").window.kind == "7x24"


def test_a_lever_out_of_range_is_refused(base):
    scen, fc = base
    with pytest.raises(PlannerInputError, match="volume_factor"):
        apply_whatif(scen, fc, WhatIf(volume_factor=0.0))


def test_a_shipped_scenario_survives_its_toml_round_trip():
    data = read_scenario_data(Path(__file__).resolve().parents[1] / "scenarios" / "contract_7x24.toml")
    text = scenario_toml(data, header="saved what-if\n另存")
    assert text.startswith("# saved what-if\n# 另存")
    again = scenario_data_from_text(text, "saved.toml")
    assert again == data
    assert flat_keys(again)["channels.voice.service_level"] == 0.8
