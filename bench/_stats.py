"""Shared helpers for the benchmarks: latency samples, percentiles and a plain-text table.

Samples are seconds (floats from `time.perf_counter`); reports are in milliseconds.
Percentiles use linear interpolation between closest ranks (numpy's default), so p50 of
[1, 2, 3, 4] is 2.5 and p99 of 1,000 samples lies between the 990th and 991st.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0 <= q <= 100) of samples, interpolated; samples need not be
    sorted. ValueError for no samples or q out of range."""
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class Summary:
    """Latency of one measured operation, in seconds."""

    n: int
    p50: float
    p90: float
    p99: float
    mean: float
    max: float

    @property
    def p50_ms(self) -> float:
        return self.p50 * 1000

    @property
    def p99_ms(self) -> float:
        return self.p99 * 1000


def summarize(samples: Sequence[float]) -> Summary:
    if not samples:
        raise ValueError("no samples")
    return Summary(
        n=len(samples),
        p50=percentile(samples, 50),
        p90=percentile(samples, 90),
        p99=percentile(samples, 99),
        mean=sum(samples) / len(samples),
        max=max(samples),
    )


def time_each(targets: Iterable[T], run: Callable[[T], object]) -> list[float]:
    """Seconds each `run(target)` took, one sample per target."""
    samples = []
    clock = time.perf_counter
    for target in targets:
        started = clock()
        run(target)
        samples.append(clock() - started)
    return samples


async def time_each_async(
    targets: Iterable[T], run: Callable[[T], Awaitable[object]]
) -> list[float]:
    """Seconds each `await run(target)` took, one sample per target."""
    samples = []
    clock = time.perf_counter
    for target in targets:
        started = clock()
        await run(target)
        samples.append(clock() - started)
    return samples


def ms(seconds: float) -> str:
    """Milliseconds with sensible precision: 0.031, 1.24, 12.5, 180."""
    value = seconds * 1000
    if value < 1:
        return f"{value:.3f}"
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:.0f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, align: str = "") -> str:
    """A plain-text table; `align` has one character per column, 'l' or 'r' (default: first
    column left, the rest right)."""
    columns = len(header)
    align = align or "l" + "r" * (columns - 1)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(columns)]

    def line(cells: Sequence[str]) -> str:
        out = [
            str(c).ljust(w) if a == "l" else str(c).rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
