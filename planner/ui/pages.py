"""The app's pages in order: (url name, guarded page function)."""

from __future__ import annotations

from planner.ui import start

PAGES = (("start", start.page),)
