"""Rolling-origin backtest on the Israeli bank's 1999 calls (issues 4 and 11 acceptance).

One week ahead, half-hourly, weekly origins over the last 8 weeks of 1999 (6 Nov - 31 Dec; the same
origins for every model). ``auto`` keeps ``mean_4w`` at each origin unless a challenger beat it over
the 8 weeks before that origin by ``MARGIN`` in pooled WAPE and in most of the weeks
(forecasts.backtest). Prints each model's WAPE, bias and out-of-sample 80 % band coverage; per
origin, the model auto chose, auto's WAPE, the plain four-week mean's (``mean_4w_plain``) and their
ratio; the three issue 11 acceptance lines with PASS/FAIL (auto's WAPE at least 5 % below
mean_4w_plain; never more than 5 % worse at any origin; coverage 0.75-0.85); and wall times.

    python benchmarks/forecast_backtest.py [DATA.csv] [--holidays none|IL|FILE] [--no-slow]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _shared import BANK_CSV as DATA  # noqa: E402

from forecasts.backtest import rolling_backtest  # noqa: E402
from forecasts.daycalendar import load_calendar  # noqa: E402
from forecasts.io import aggregate_history, read_history  # noqa: E402
from forecasts.models import AUTO_CANDIDATES  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default=str(DATA))
    ap.add_argument("--holidays", default="none", help="calendar for the bank: none (default), IL or a file")
    ap.add_argument("--no-slow", action="store_true", help="skip mstl_arima (about 45 s more)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    series = aggregate_history(read_history(args.data), 30).series[0]
    calendar = load_calendar(args.holidays, range(1998, 2001))
    t_read = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = rolling_backtest(series, models=(*AUTO_CANDIDATES, "mean_4w_plain"), calendar=calendar)
    t_auto = time.perf_counter() - t0
    scores = list(report.scores)
    if not args.no_slow:
        t0 = time.perf_counter()
        extra = rolling_backtest(
            series, models=("mstl_arima",), candidates=("mstl_arima",), calendar=calendar
        )
        t_extra = time.perf_counter() - t0
        scores += [s for s in extra.scores if s.model != "auto"]

    first, last = report.origins[0], report.origins[-1]
    print(f"data: {args.data} ({series.n_days} days, {series.offered.sum():.0f} contacts), 30-min intervals")
    print(
        f"origins: {len(report.origins)} weekly, {first:%Y-%m-%d} .. {last:%Y-%m-%d}, 7 days ahead; "
        f"holidays: {calendar.name}"
    )
    print(f"{'model':<20}{'WAPE':>8}{'bias':>9}{'cover80':>9}")
    for s in sorted(scores, key=lambda s: s.wape):
        print(f"{s.model:<20}{s.wape:>8.4f}{s.bias:>+9.4f}{s.coverage:>9.3f}")
    base = report.score("mean_4w_plain").wape
    auto = report.score("auto")
    print(f"auto chose: {dict(Counter(report.auto_choices))}")
    print(f"{'origin':<12}{'auto chose':<20}{'auto':>8}{'mean_4w_plain':>15}{'ratio':>8}")
    ratios = []
    for o, pick, a, b in zip(
        report.origins, report.auto_choices, report.auto_weekly_wape, report.weekly_wape["mean_4w_plain"], strict=True
    ):
        ratios.append(a / b)
        print(f"{o:%Y-%m-%d}  {pick:<20}{a:>8.4f}{b:>15.4f}{a / b:>8.3f}")
    gain = (base - auto.wape) / base
    checks = [
        (f"auto WAPE {auto.wape:.4f} vs mean_4w_plain {base:.4f}: {gain:.1%} better (target >= 5 %)", gain >= 0.05),
        (f"worst origin: auto / mean_4w_plain = {max(ratios):.3f} (target <= 1.05)", max(ratios) <= 1.05),
        (f"80 % band coverage out of sample {auto.coverage:.3f} (target 0.75-0.85)", 0.75 <= auto.coverage <= 0.85),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(
        f"time: read+aggregate {t_read:.1f} s; auto backtest (all candidates, "
        f"{len(report.origins) + 8} origins each) {t_auto:.1f} s"
        + ("" if args.no_slow else f"; mstl_arima alone {t_extra:.1f} s")
    )


if __name__ == "__main__":
    main()
