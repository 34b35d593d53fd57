"""Finished results kept between runs: what a cache is (:class:`Cache`) and the content key a result is kept
under (:func:`content_key`). The cache on disk is :class:`planner.io.cache.DiskCache`; it also tells code
versions apart, so a key names only the inputs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np


class Cache(Protocol):
    """Where finished results are kept between runs: ``get`` gives None for a key it does not hold."""

    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, value: Any) -> None: ...


def content_key(*parts: Any) -> str:
    """A digest of ``parts``: arrays by their values (as float64; None as a marker), anything else by its
    ``repr`` (frozen dataclasses, numbers, text, dates: deterministic across runs)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(b"a" + np.ascontiguousarray(part, dtype=float).tobytes())
        elif part is None:
            h.update(b"-")
        else:
            h.update(b"r" + repr(part).encode())
        h.update(b"|")
    return h.hexdigest()


def cached_map(
    fn: Callable[[Any], Any],
    jobs: list[Any],
    key: Callable[[Any], str],
    cache: Cache | None,
    run: Callable[[Callable[[Any], Any], list[Any]], list[Any]] | None = None,
) -> list[Any]:
    """``[fn(job) for job in jobs]``: each job's result looked up in ``cache`` under ``key(job)`` first; the
    others computed by ``run`` (a runner of :mod:`planner.parallel`; None: here, in order) and kept."""
    found = [cache.get(key(job)) if cache is not None else None for job in jobs]
    todo = [job for job, hit in zip(jobs, found, strict=True) if hit is None]
    made = iter((run or _here)(fn, todo) if todo else [])
    out = []
    for job, hit in zip(jobs, found, strict=True):
        if hit is None:
            hit = next(made)
            if cache is not None:
                cache.put(key(job), hit)
        out.append(hit)
    return out


def _here(fn: Callable[[Any], Any], jobs: list[Any]) -> list[Any]:
    return [fn(job) for job in jobs]
