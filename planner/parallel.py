"""Run independent jobs in parallel: in this process, a local process pool, or a Dask cluster.

:func:`map_jobs` is ``[fn(job) for job in jobs]`` whichever runner does the work: results come back in job
order and the runner adds no randomness, so pure, seeded jobs give the same results on every runner. ``fn``
and the jobs must pickle (a module-level function; frozen dataclasses), and a job's result too. On a Dask
cluster every worker needs this project installed, at the caller's version.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from typing import Any

from planner.errors import PlannerInputError

CONNECT_TIMEOUT_S = 10.0


def map_jobs(
    fn: Callable[[Any], Any],
    jobs: Sequence[Any],
    *,
    workers: int | None = None,
    cluster: str | None = None,
    progress: Callable[[str], None] | None = None,
    label: Callable[[Any], str] | None = None,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
) -> list[Any]:
    """``[fn(job) for job in jobs]``, the jobs run in parallel.

    cluster: None runs a local process pool (``spawn``: the jobs use OR-Tools and numba, which are not
    fork-safe) of ``workers`` processes (default: one per job, at most one per CPU); with one worker or one
    job everything runs in this process, no pool. ``"local"`` starts a Dask ``LocalCluster`` of ``workers``
    single-threaded processes for this call; any other text is the address of a running Dask scheduler
    (``tcp://host:8786``), reached within ``connect_timeout_s`` [s] or refused.
    progress: called with one line as each job finishes, ``"job 2 done (3/4)"``; ``label(job)`` names the
    job in it instead of ``job 2`` (e.g. ``option voice90``).
    A job's exception reaches the caller as itself (a :class:`PlannerInputError` keeps its message) once
    the jobs not yet started are cancelled (on the local pool, the running ones finish first). With several
    failing jobs, the one raised is the first to fail.
    """
    jobs = list(jobs)
    if workers is not None and workers < 1:
        raise PlannerInputError(f"--workers {workers}: must be 1 or more")
    if not jobs:
        return []
    n = len(jobs)

    def done(i: int, count: int) -> None:
        if progress is not None:
            progress(f"{label(jobs[i]) if label else f'job {i + 1}'} done ({count}/{n})")

    workers = min(workers or os.cpu_count() or 1, n)
    if cluster is not None:
        return _on_dask(fn, jobs, cluster, workers, connect_timeout_s, done)
    if workers == 1:
        results = []
        for i, job in enumerate(jobs):
            results.append(fn(job))
            done(i, i + 1)
        return results
    return _on_pool(fn, jobs, workers, done)


def _on_pool(fn: Callable[[Any], Any], jobs: list[Any], workers: int, done: Callable[[int, int], None]) -> list[Any]:
    """The jobs on a local pool of ``spawn`` processes; the first failure cancels the jobs not yet started."""
    results: list[Any] = [None] * len(jobs)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        index = {pool.submit(fn, job): i for i, job in enumerate(jobs)}
        pending, count = set(index), 0
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in sorted(finished, key=index.__getitem__):
                results[index[future]] = future.result()  # a job's exception is raised here
                count += 1
                done(index[future], count)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _on_dask(
    fn: Callable[[Any], Any],
    jobs: list[Any],
    cluster: str,
    workers: int,
    connect_timeout_s: float,
    done: Callable[[int, int], None],
) -> list[Any]:
    """The jobs on a Dask cluster: a ``LocalCluster`` started for them (``"local"``) or a running scheduler."""
    try:
        import distributed
    except ImportError as exc:
        raise PlannerInputError(
            f"--cluster {cluster}: a Dask cluster needs the distributed package (pip install distributed): {exc}"
        ) from None
    local = None
    try:
        if cluster == "local":
            local = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # the scheduler's HTTP routes (health, metrics) would take port 8787 or warn: any free local port
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.CRITICAL,  # a failing job is raised here; its worker need not log it
            )
            client = distributed.Client(local)
        else:
            client = distributed.Client(cluster, timeout=connect_timeout_s)
    except (OSError, TimeoutError, ValueError) as exc:
        if local is not None:
            local.close()
        what = "cannot start a local Dask cluster" if cluster == "local" else "cannot connect to a Dask scheduler"
        raise PlannerInputError(f"--cluster {cluster}: {what} ({' '.join(str(exc).split())})") from None
    try:
        futures = client.map(fn, jobs, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(jobs)
        try:
            for count, future in enumerate(distributed.as_completed(futures), start=1):
                results[index[future.key]] = future.result()  # a job's exception is raised here
                done(index[future.key], count)
        except BaseException:
            client.cancel(futures)
            raise
        return results
    finally:
        client.close()
        if local is not None:
            local.close()


def check_cluster(cluster: str | None, connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Refuse a Dask scheduler that cannot be reached (or a missing ``distributed``) before any work is done;
    ``None`` (the local pool) and ``"local"`` need no check."""
    if cluster is None or cluster == "local":
        return
    try:
        import distributed
    except ImportError as exc:
        raise PlannerInputError(
            f"--cluster {cluster}: a Dask cluster needs the distributed package (pip install distributed): {exc}"
        ) from None
    try:
        distributed.Client(cluster, timeout=connect_timeout_s).close()
    except (OSError, TimeoutError, ValueError) as exc:
        raise PlannerInputError(
            f"--cluster {cluster}: cannot connect to a Dask scheduler ({' '.join(str(exc).split())})"
        ) from None
