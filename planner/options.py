"""SLA options: named variants of one scenario, each a list of dotted keys set on the scenario's mapping.

An option is written ``NAME:key=value[,key=value...]`` on the command line (``--option``) or as one table
of an options file (``[NAME]`` with ``key = value`` lines). This module holds the pure part: the syntax of
the command-line form, flattening an option's table, checking option names, and applying an option to the
scenario's raw mapping. TOML values and validation belong to the scenario loader:
:func:`planner.scenario.parse_option`, :func:`planner.scenario.read_options` and
:func:`planner.scenario.option_scenarios` build on the functions here.

Options reuse the base scenario's forecast, so they may not set the keys that shape it (``data``,
``horizon``, ``forecast``, ``site.timezone``, ``staffing.interval_min``), nor add channels.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from planner.errors import PlannerInputError

# Keys that shape the forecast, which every option shares with its base scenario.
FORECAST_KEYS = ("data", "horizon", "forecast", "site.timezone", "staffing.interval_min")
_WHOLE_SECTIONS = ("data", "horizon", "forecast")
_NAME = re.compile(r"\w[\w.-]*")  # \w: Unicode letters (CJK too), digits and _
_SEGMENT = re.compile(r"[\w-]+")
_CLOSING = {"[": "]", "{": "}"}


@dataclass(frozen=True)
class Option:
    """One SLA option: a name and the dotted keys it sets on the base scenario, in the order given.

    Values are TOML values (float, int, bool, str, list, dict); an option holding a list or a table is not
    hashable.
    """

    name: str
    overrides: tuple[tuple[str, Any], ...]

    def label(self) -> str:
        """``key=value, key=value`` for display (``channels.voice.service_level=0.9, coverage.window=7x24``)."""
        return ", ".join(f"{key}={_show(value, top=True)}" for key, value in self.overrides)


def _show(value: Any, top: bool = False) -> str:
    """A value written as in TOML, except that a string on its own is left unquoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if top else json.dumps(value, ensure_ascii=False)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    return repr(value) if isinstance(value, float) else str(value)


def check_name(name: str) -> str | None:
    """What is wrong with an option name, or None: letters (CJK too), digits, ``_ - .``; not starting with
    ``.`` or ``-``."""
    if not name:
        return "empty option name"
    if not _NAME.fullmatch(name):
        return f"option name '{name}' may hold only letters, digits, _ - . (and not start with . or -)"
    return None


def check_keys(keys: Sequence[str]) -> str | None:
    """What is wrong with an option's dotted keys, or None: each a dotted key of letters, digits, ``_`` and
    ``-``; none given twice, none inside another (``coverage`` and ``coverage.window``)."""
    for key in keys:
        if not key:
            return "empty key before '='"
        if not all(_SEGMENT.fullmatch(part) for part in key.split(".")):
            return f"'{key}' is not a dotted key (letters, digits, _ and - between dots)"
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            return f"{key}: given twice"
        seen.add(key)
    for key in keys:
        outer = next((k for k in keys if key.startswith(k + ".")), None)
        if outer:
            return f"{key}: inside {outer}, which the option sets too; set one of them"
    return None


def split_top_level(body: str) -> list[str]:
    """``body`` split on the commas that are not inside brackets, braces or quotes.

    Raises ValueError on an unclosed or unmatched bracket or quote.
    """
    pieces, start, stack, quote, escaped = [], 0, [], "", False
    for i, ch in enumerate(body):
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in _CLOSING:
            stack.append(ch)
        elif ch in "]}":
            if not stack or _CLOSING[stack.pop()] != ch:
                raise ValueError(f"unmatched '{ch}'")
        elif ch == "," and not stack:
            pieces.append(body[start:i])
            start = i + 1
    if quote:
        raise ValueError(f"unclosed {quote} quote")
    if stack:
        raise ValueError(f"unclosed '{stack[-1]}'")
    pieces.append(body[start:])
    return pieces


def split_option(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The command-line form ``NAME:key=value[,key=value...]`` as its name and (key, value text) pairs;
    ``NAME:`` alone is the base scenario unchanged.

    Values are left as text (the scenario loader reads them as TOML). Every error is one
    :class:`PlannerInputError` line that starts ``--option 'TEXT':``.
    """
    where = f"--option '{text}'"
    name, colon, body = text.partition(":")
    name = name.strip()
    if not colon or "=" in name:  # no name: "channels.voice.answer_s=20", "coverage.open=08:00"
        raise PlannerInputError(f"{where}: expected NAME:key=value[,key=value...] (each option is named)")
    if problem := check_name(name):
        raise PlannerInputError(f"{where}: {problem}")
    if not body.strip():  # "base:": the base scenario as it is, a row to compare the others with
        return name, ()
    try:
        pieces = split_top_level(body)
    except ValueError as exc:
        raise PlannerInputError(f"{where}: {exc} (quote a value that holds brackets or quotes)") from None
    pairs = []
    before = f"{name}:"
    for piece in pieces:
        key, eq, value = piece.partition("=")
        key, value = key.strip(), value.strip()
        if not eq:
            raise PlannerInputError(f"{where}: expected key=value after '{before}'")
        if not key:
            raise PlannerInputError(f"{where}: empty key before '={value}'")
        if not value:
            raise PlannerInputError(f"{where}: {key}: no value after '='")
        pairs.append((key, value))
        before += piece + ","
    if problem := check_keys([k for k, _ in pairs]):
        raise PlannerInputError(f"{where}: {problem}")
    return name, tuple(pairs)


def flatten(table: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    """Each leaf of a nested mapping with its key path (an empty table is a leaf)."""
    for key, value in table.items():
        if isinstance(value, Mapping) and value:
            yield from flatten(value, (*path, key))
        else:
            yield (*path, key), value


def options_from_tables(doc: Mapping[str, Any], source: str) -> tuple[Option, ...]:
    """Options from an options file's mapping: each top-level table is one option, its nested tables
    flattened to dotted leaf keys (an empty table stays a leaf: the option sets it to ``{}``).

    Errors name ``source``: no options, a name that is not one, a top-level value that is not a table, an
    empty option, a key that is no dotted key.
    """
    if not doc:
        raise PlannerInputError(f"{source}: no options: each table [NAME] of key = value lines is one option")
    options = []
    for name, table in doc.items():
        if problem := check_name(name):
            raise PlannerInputError(f"{source}: [{name}]: {problem}")
        if not isinstance(table, Mapping):
            raise PlannerInputError(
                f"{source}: {name}: an option is a table: write [{name}] and its key = value lines under it"
            )
        leaves = list(flatten(table))
        if not leaves:
            raise PlannerInputError(f"{source}: option {name}: no keys (an empty option)")
        for path, _ in leaves:
            bad = next((part for part in path if not _SEGMENT.fullmatch(part)), None)
            if bad is not None:
                dotted = ".".join(path) or "(empty key)"
                raise PlannerInputError(
                    f"{source}: option {name}: {dotted}: '{bad}' is no key name here (letters, digits, _ and - only)"
                )
        overrides = tuple((".".join(path), value) for path, value in leaves)
        if problem := check_keys([k for k, _ in overrides]):
            raise PlannerInputError(f"{source}: option {name}: {problem}")
        options.append(Option(name, overrides))
    return tuple(options)


def check_option_names(options: Sequence[Option], source: str) -> None:
    """At least one option, and no name given twice."""
    if not options:
        raise PlannerInputError("give at least one --option NAME:key=value or --options FILE")
    seen: set[str] = set()
    for option in options:
        if option.name in seen:
            raise PlannerInputError(f"{source}: option {option.name} is given twice")
        seen.add(option.name)


def _coverage_table(parts: list[str]) -> list[str] | None:
    """The coverage table whose window the key sets (``coverage`` or ``channels.X.coverage``), or None."""
    if parts == ["coverage", "window"]:
        return ["coverage"]
    if len(parts) == 4 and parts[0] == "channels" and parts[2:] == ["coverage", "window"]:
        return parts[:3]
    return None


def _set(data: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        if not isinstance(data.get(part), dict):
            data[part] = {}
        data = data[part]
    data[parts[-1]] = value


_MISSING = object()


def _get(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


def apply_option(data: Mapping[str, Any], option: Option, source: str) -> dict[str, Any]:
    """A deep copy of the scenario's raw mapping (:func:`planner.scenario.read_scenario_data`) with the
    option's keys set, creating tables on the way; the result is validated by the scenario loader.

    - A key under ``channels.NAME`` needs NAME to be a channel of the scenario (options add no channels).
    - The keys that shape the shared forecast are refused: anything under ``data``, ``horizon`` and
      ``forecast``, and ``site.timezone``, ``staffing.interval_min`` (also when set through their table,
      ``site = {...}``, unless it leaves them as they were).
    - Setting a window (``coverage.window`` or ``channels.NAME.coverage.window``) replaces that coverage
      table by the keys the option sets in it: switching ``window = "weekday"`` with ``open``/``close`` to
      ``7x24`` keeps no stale ``open``/``close`` (nor ``holidays``, ``makeup_days``); an option that keeps a
      window but changes its hours sets the window again with them.
    - Any other key is set as given, a table over a value or a value over a table alike.
    """
    where = f"{source}: option {option.name}"
    keys = [k for k, _ in option.overrides]
    if problem := check_keys(keys):
        raise PlannerInputError(f"{where}: {problem}")
    channels = data.get("channels")
    names = list(channels) if isinstance(channels, Mapping) else []
    for key in keys:
        parts = key.split(".")
        fixed = next((f for f in FORECAST_KEYS if key == f or key.startswith(f + ".")), None)
        if fixed:
            what = "data, horizon or forecast" if fixed in _WHOLE_SECTIONS else fixed
            raise PlannerInputError(
                f"{where}: {key}: options reuse the base scenario's forecast; "
                f"make a scenario file of its own to vary {what}"
            )
        if parts[0] == "channels" and len(parts) == 1:
            raise PlannerInputError(f"{where}: channels: set channels.NAME.KEY (an option adds or drops no channel)")
        if parts[0] == "channels" and parts[1] not in names:
            raise PlannerInputError(
                f"{where}: channels.{parts[1]}: no channel '{parts[1]}' in the scenario "
                f"(channels: {', '.join(names) or 'none'})"
            )
    out = copy.deepcopy(dict(data))
    for key in keys:
        table = _coverage_table(key.split("."))
        if table:
            _set(out, table, {})
    for key, value in option.overrides:
        _set(out, key.split("."), copy.deepcopy(value))
    for fixed in FORECAST_KEYS:
        if _get(out, fixed) != _get(data, fixed):
            outer = next(k for k in keys if fixed.startswith(k + "."))
            raise PlannerInputError(
                f"{where}: {outer}: changes {fixed}, which options share with the base scenario (its forecast); "
                f"set the keys inside {outer} one by one"
            )
    return out
