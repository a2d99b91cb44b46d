"""When a speed-up that reaches into a library's private parts may be used.

A few hot paths use internals of a dependency because the public API costs a measured,
material share of a goal (docs/performance.md lists each with its gain and its fallback).
Internals change without notice, so each such shortcut names the library releases it was
written for and is used only on those; on any other release, or when switched off, the code
takes the library's public path.

Switch them off with the environment variable `OPCONSOLE_SHORTCUTS_OFF`: `all`, or the
shortcuts' names separated by commas (`sqlite-one-trip`, `openpyxl-rows`). Read whenever a
shortcut is about to be set up (an engine created, a sheet opened), so a test or a bench can
compare both paths in one process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Final

SWITCH_ENV: Final = "OPCONSOLE_SHORTCUTS_OFF"


def switched_off(name: str) -> bool:
    """True when the environment switches this shortcut (or all of them) off."""
    names = {part.strip().lower() for part in os.environ.get(SWITCH_ENV, "").split(",")}
    return "all" in names or name in names


@cache
def _release(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def on_release_series(distribution: str, series: str) -> bool:
    """Whether the installed `distribution` is of `series` ("2.1": 2.1.0, 2.1.9, not 2.10)."""
    installed = _release(distribution)
    return installed is not None and installed.split(".")[: series.count(".") + 1] == (
        series.split(".")
    )


def usable(name: str, written_for: Mapping[str, str]) -> bool:
    """The shortcut `name` is on and every library it reaches into is of the release series
    it was written for (distribution name → series)."""
    if switched_off(name):
        return False
    return all(on_release_series(dist, series) for dist, series in written_for.items())
