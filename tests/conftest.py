"""Shared test fixtures: where ../shared lives; skipped cleanly when absent, except in CI (CI=true)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The forecast cache (planner.io.cache) of this test session: fresh and its own, never the user's, and
# inherited by the CLI and app processes the tests start.
os.environ["PLANNER_CACHE"] = tempfile.mkdtemp(prefix="planner-test-cache-")


def find_shared() -> Path | None:
    """The ``shared`` folder: ``$PLANNER_SHARED``, else beside the checkout, else beside its parent
    (a git worktree under a folder of worktrees)."""
    candidates = [Path(os.environ["PLANNER_SHARED"])] if os.environ.get("PLANNER_SHARED") else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    return next((p for p in candidates if (p / "reference").is_dir()), None)


SHARED = find_shared()
BANK_CSV = SHARED / "data" / "israeli_bank_1999_6min.csv" if SHARED else None
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")
# Outside CI a checkout without ../shared skips these tests; in CI (CI=true) they run and fail loudly.
needs_bank = pytest.mark.skipif(not IN_CI and (BANK_CSV is None or not BANK_CSV.is_file()),
                                reason="../shared/data is not beside this checkout")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder beside the checkout (reference values, the real data set)."""
    if SHARED is None:
        if IN_CI:
            pytest.fail("../shared is not beside this checkout, and CI must not skip the tests that need it")
        pytest.skip("../shared is not beside this checkout")
    return SHARED


def needs(module: str):
    """Import ``module`` for a test: skipped when it is not installed, except in CI, where it must be
    (``.ci/run`` installs every test dependency) and its absence fails."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        if IN_CI:
            pytest.fail(f"{module} is not installed, and CI must not skip the tests that need it")
        pytest.skip(f"{module} is not installed", allow_module_level=True)


CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PLANNER_ARTIFACTS", ROOT / "artifacts"))  # screenshots people look at


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through playwright (its own browser download is not used); in CI a
    missing Chromium fails rather than skips."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium fonts-noto-cjk)")
    sync_playwright = needs("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()
