"""Readers take a file's bytes as they take its path (issue 22): the app reads uploads with them, never
through a temporary file, and decodes them with the CLI's ladder (UTF-8, BOM, GBK). Each case reads the
same table from a path and from :class:`forecasts.io.Blob` and asserts the two frames are equal, and that
an error names the uploaded file, not a temporary path."""

from __future__ import annotations

import tempfile

import pandas as pd
import pytest

from forecasts.io import Blob
from planner.errors import PlannerInputError
from planner.io.forecast import read_forecast
from planner.io.schedule import is_shift_list, read_schedule, read_shift_list

FORECAST = "interval_start,channel,offered,aht_s\n2026-03-16T09:00,voice,12,180\n2026-03-16T09:30,voice,15,175\n"
SCHEDULE = ("agent_id,date,activity,start,end,team\n"
            "张三,2026-03-16,work,2026-03-16T09:00,2026-03-16T12:00,voice\n"
            "张三,2026-03-16,lunch,2026-03-16T12:00,2026-03-16T13:00,voice\n")
SHIFTS = "agent_id,date,shift_start,shift_end\n李四,2026-03-16,09:00,18:00\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
@pytest.mark.parametrize(("name", "text", "reader"), [
    ("forecast.csv", FORECAST, read_forecast),
    ("schedule.csv", SCHEDULE, read_schedule),
    ("shifts.csv", SHIFTS, read_shift_list),
])
def test_bytes_read_as_the_file_does(tmp_path, encoding, name, text, reader):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    from_path = reader(str(path))
    from_bytes = reader(Blob(name, text.encode(encoding)))
    if reader is read_forecast:  # a typed Forecast: its frame (rows named by their line) and its spacing
        assert from_path.interval_min == from_bytes.interval_min
    from_path, from_bytes = from_path.frame, from_bytes.frame  # a Forecast or a Schedule
    pd.testing.assert_frame_equal(from_path, from_bytes)
    if reader is not read_forecast:  # a roster upload: a schedule or a per-agent shift list, told apart alike
        assert is_shift_list(Blob(name, text.encode(encoding))) == (reader is read_shift_list)


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"\x00\x01\x02\x03", "binary"),
    ("日期,呼入量\n2026-03-16,3\n".encode("gbk"), "interval_start"),
])
def test_a_bad_upload_is_named_as_uploaded(data, words):
    with pytest.raises(PlannerInputError) as err:
        read_forecast(Blob("我的预测.csv", data))
    message = str(err.value)
    assert message.startswith("我的预测.csv") and words in message, message
    assert tempfile.gettempdir() not in message


def test_the_app_reads_an_upload_without_a_temporary_file(monkeypatch):
    """planner.ui.engine.with_upload hands the readers the bytes: a temporary folder would fail here."""
    from planner.ui import engine

    def refuse(*_a, **_k):
        raise AssertionError("an upload was written to a temporary folder")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    up = engine.Upload("schedule.csv", SCHEDULE.encode("gbk"))
    schedule = engine.with_upload(up, read_schedule)
    assert schedule.agents == ("张三",) and schedule.teams == ("voice",)
