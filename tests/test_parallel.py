"""map_jobs: the same results in job order on every runner; a job's PlannerInputError reaches the caller.

The Dask runs start a LocalCluster of two processes; nothing here depends on the wall clock, so a loaded
CI machine makes the tests slower, never wrong.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import needs

from planner.errors import PlannerInputError
from planner.parallel import map_jobs

JOBS = [3, 1, 4, 1, 5]


def seeded_sum(seed: int) -> tuple[int, float]:
    """A pure, seeded job (module level, so it pickles by reference)."""
    if seed < 0:
        raise PlannerInputError(f"job {seed}: a negative seed is refused")
    return seed, float(np.random.default_rng(seed).standard_normal(1000).sum())


EXPECTED = [seeded_sum(s) for s in JOBS]
RUNNERS = {
    "in-process": {"workers": 1},
    "pool": {"workers": 2},
    "dask-local": {"workers": 2, "cluster": "local"},
}


@pytest.mark.parametrize("runner", RUNNERS)
def test_same_results_in_job_order_and_errors_through_every_runner(runner):
    lines: list[str] = []
    assert map_jobs(seeded_sum, JOBS, progress=lines.append, **RUNNERS[runner]) == EXPECTED
    # a line as each job finishes ("job 2 done (1/5)"), in whatever order they finish, counted up
    assert [line.rsplit(" ", 1)[1] for line in lines] == [f"({k}/5)" for k in range(1, 6)]
    assert sorted(int(line.split()[1]) for line in lines) == [1, 2, 3, 4, 5]
    with pytest.raises(PlannerInputError) as info:
        map_jobs(seeded_sum, [2, -7, 1], **RUNNERS[runner])
    assert type(info.value) is PlannerInputError
    assert str(info.value) == "job -7: a negative seed is refused"


def test_a_running_scheduler_by_its_address():
    distributed = needs("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        assert map_jobs(seeded_sum, JOBS, cluster=cluster.scheduler_address) == EXPECTED


def test_labels_in_progress():
    lines: list[str] = []
    map_jobs(seeded_sum, [2, 3], workers=1, progress=lines.append, label=lambda job: f"option s{job}")
    assert lines == ["option s2 done (1/2)", "option s3 done (2/2)"]


def test_no_jobs_and_bad_workers():
    assert map_jobs(seeded_sum, []) == []
    assert map_jobs(seeded_sum, [], cluster="tcp://127.0.0.1:1") == []  # nothing to run: no connection
    with pytest.raises(PlannerInputError, match=r"--workers 0: must be 1 or more"):
        map_jobs(seeded_sum, JOBS, workers=0)


def test_one_job_runs_here(monkeypatch):
    """One job, or one worker, needs no pool: it runs in this process (a pool would fail here)."""
    monkeypatch.setattr("planner.parallel._on_pool", None)
    assert map_jobs(seeded_sum, [7]) == [seeded_sum(7)]
    assert map_jobs(seeded_sum, JOBS, workers=1) == EXPECTED


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "no-port"])
def test_an_unreachable_scheduler_is_an_input_error(address):
    with pytest.raises(PlannerInputError) as info:
        map_jobs(seeded_sum, JOBS, cluster=address, connect_timeout_s=1)
    msg = str(info.value)
    assert msg.startswith(f"--cluster {address}: cannot connect to a Dask scheduler ("), msg
    assert "\n" not in msg


def test_without_distributed_a_cluster_is_an_input_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(PlannerInputError, match=r"^--cluster local: .*\(pip install distributed\)"):
        map_jobs(seeded_sum, JOBS, cluster="local")
    assert map_jobs(seeded_sum, JOBS, workers=1) == EXPECTED  # no cluster asked: distributed is not needed
