"""xlsx export and import of a seeded client base against bare openpyxl (the ceiling).

    python -m bench.xlsx_bench [--rows 100000] [--compare 20000] [--repeat N] [--tracemalloc]
                               [--public [NAMES]]

For each row count: seeds a SQLite database with that many demo clients, then measures
four phases, each in its own Python process so that every peak is its own:

- export: `storage.xlsx.export_clients` of every client (database reads included);
- bare write: openpyxl write-only appending the same rows and columns (values read back
  from the exported file beforehand, unmeasured, and streamed from a pickle);
- import: `storage.xlsx.import_clients` of the exported file into an empty database with
  the same tariffs (validation, one transaction, search index included);
- bare read: openpyxl read-only iterating every value of the same file;
- with `--public [NAMES]`, export and import again with the shortcuts on libraries' internals
  switched off (all, or the names `OPCONSOLE_SHORTCUTS_OFF` takes): what they buy, in one run.

Time is the phase alone (imports and set-up excluded): wall-clock, and the CPU time of the
process (all its threads), which a busy machine disturbs less. Memory is the RSS high-water
mark of the phase's process (VmHWM: `getrusage` would report the parent's peak at fork),
with its growth over the RSS when the phase started; `--tracemalloc` adds the tracemalloc
peak of a further run with tracing on (5-7x slower here, so off by default). On a shared
machine `--repeat N` runs each phase N times and shows the quickest. The goal:
export and import within 1.5x the bare openpyxl time, and peaks that do not grow with the
row count.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from storage.models import OperatorRole
from storage.roles import Actor
from storage.shortcuts import SWITCH_ENV

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("export", "bare_write", "import", "bare_read")
LABELS = {
    "export": "export (opconsole)",
    "bare_write": "bare write (openpyxl)",
    "import": "import (opconsole)",
    "bare_read": "bare read (openpyxl)",
}
CEILING = {
    "export": "bare_write",
    "import": "bare_read",
    "export_public": "bare_write",
    "import_public": "bare_read",
}
# With --public: export and import again with every shortcut on openpyxl's (and others')
# internals switched off (storage.shortcuts), in the same run.
PUBLIC = {"export_public": "export", "import_public": "import"}
LABELS.update({"export_public": "export (switched off)", "import_public": "import (switched off)"})
_PUBLIC_ORDER = ("export", "export_public", "bare_write", "import", "import_public", "bare_read")
PICKLE_CHUNK = 2000
MB = 1024 * 1024


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB (Linux).

    VmHWM, the RSS high-water mark, belongs to the address space and starts afresh at
    exec; `getrusage` would report the parent's peak at fork instead.
    """
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


# --- phases (run in a child process) -----------------------------------------------------


async def _export(db: str, file: Path) -> dict[str, Any]:
    from console.xlsx_words import sheet_words
    from storage.db import create_engine, make_sessionmaker
    from storage.filters import ClientFilter
    from storage.xlsx import export_clients

    engine = create_engine(db)
    try:
        summary = await export_clients(
            make_sessionmaker(engine), file, ClientFilter(), words=sheet_words("clients", "ru")
        )
    finally:
        await engine.dispose()
    return {"rows": summary.rows}


async def _import(db: str, file: Path) -> dict[str, Any]:
    from console.xlsx_words import import_lines, import_words
    from storage.db import create_engine, make_sessionmaker
    from storage.xlsx import import_clients

    engine = create_engine(db)
    try:
        report = await import_clients(
            make_sessionmaker(engine),
            file,
            actor=Actor("bench", OperatorRole.ADMIN),  # importing needs an admin
            words=import_words(),
        )
    finally:
        await engine.dispose()
    if not report.ok:
        raise SystemExit("import failed: " + "; ".join(import_lines(report)[:5]))
    return {"rows": report.rows, "created": report.created}


def _pickled_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    with path.open("rb") as fh:
        while True:
            try:
                chunk: list[tuple[Any, ...]] = pickle.load(fh)
            except EOFError:
                return
            yield from chunk


def _bare_write(rows: Path, file: Path) -> dict[str, Any]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Clients")
    count = 0
    for row in _pickled_rows(rows):
        ws.append(row)
        count += 1
    wb.save(file)
    return {"rows": count - 1}  # the header row


def _bare_read(file: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    wb = load_workbook(file, read_only=True, data_only=True)
    count = cells = 0
    for row in wb.worksheets[0].iter_rows(values_only=True):
        count += 1
        cells += sum(1 for v in row if v is not None)
    wb.close()
    return {"rows": count - 1, "cells": cells}


def _run_phase(name: str, args: argparse.Namespace) -> None:
    """Child process: preload what the phase imports, then time and measure the phase."""
    # Modules are imported before the clock starts: imports are not part of a phase.
    work: Callable[[], dict[str, Any]]
    if name == "export":
        importlib.import_module("storage.xlsx")
        work = lambda: asyncio.run(_export(args.db, args.file))  # noqa: E731
    elif name == "import":
        importlib.import_module("storage.xlsx")
        work = lambda: asyncio.run(_import(args.db, args.file))  # noqa: E731
    elif name == "bare_write":
        importlib.import_module("openpyxl")
        work = lambda: _bare_write(args.rows_pickle, args.file)  # noqa: E731
    else:
        importlib.import_module("openpyxl")
        work = lambda: _bare_read(args.file)  # noqa: E731
    start_rss = _status_kb("VmRSS")
    if args.trace:
        tracemalloc.start()
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = work()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    result.update(seconds=seconds, cpu=cpu, rss_peak_kb=_status_kb("VmHWM"), rss_start_kb=start_rss)
    if args.trace:
        result["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(json.dumps(result))


# --- set-up (unmeasured) -----------------------------------------------------------------


async def _prepare_databases(source: str, empty: str, clients: int) -> None:
    from storage.db import create_engine
    from storage.migrate import upgrade_database
    from storage.seed import seed_database

    for url, count in ((source, clients), (empty, 0)):
        engine = create_engine(url)
        try:
            await upgrade_database(engine)
            await seed_database(engine, clients=count)  # count 0: the tariffs only
            if count:
                await _drop_invalid_phones(engine)
        finally:
            await engine.dispose()


async def _drop_invalid_phones(engine: Any) -> None:
    """The seed draws mobile numbers from all of +79xx, and a few of those ranges are not
    allocated (phonenumbers calls +7 930 00x… invalid): an import rightly refuses them, so
    they are removed before the export (the count is printed)."""
    from sqlalchemy import delete, select

    from storage.models import ClientPhone
    from storage.phones_fast import normalize_fast

    async with engine.begin() as conn:
        rows = await conn.execute(select(ClientPhone.id, ClientPhone.e164))
        bad = [pid for pid, e164 in rows if normalize_fast(e164, "RU") != e164]
        for start in range(0, len(bad), 500):
            await conn.execute(
                delete(ClientPhone).where(ClientPhone.id.in_(bad[start : start + 500]))
            )
    print(f"  removed {len(bad)} seeded phones that are not valid numbers", file=sys.stderr)


def _pickle_rows(file: Path, out: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(file, read_only=True)
    with out.open("wb") as fh:
        chunk: list[tuple[Any, ...]] = []
        for row in wb.worksheets[0].iter_rows(values_only=True):
            chunk.append(row)
            if len(chunk) == PICKLE_CHUNK:
                pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
    wb.close()


def _child(
    phase: str, options: list[str], trace: bool, switched_off: str = "all"
) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.xlsx_bench", "--phase", PUBLIC.get(phase, phase)]
    argv += options
    if trace:
        argv.append("--trace")
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    if phase in PUBLIC:
        env[SWITCH_ENV] = switched_off
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _measure(
    rows: int,
    work: Path,
    trace: bool,
    repeat: int,
    phases: tuple[str, ...] = PHASES,
    switched_off: str = "all",
) -> dict[str, dict[str, Any]]:
    work.mkdir(parents=True, exist_ok=True)
    source = f"sqlite+aiosqlite:///{work / 'source.db'}"
    empty = f"sqlite+aiosqlite:///{work / 'empty.db'}"
    exported = work / "clients.xlsx"
    bare = work / "bare.xlsx"
    pickled = work / "rows.pickle"
    print(f"seeding {rows:,} clients in {work} ...", file=sys.stderr, flush=True)
    asyncio.run(_prepare_databases(source, empty, rows))
    empty_copy = work / "empty-template.db"
    shutil.copyfile(work / "empty.db", empty_copy)

    results: dict[str, dict[str, Any]] = {}
    commands = {
        "export": ["--db", source, "--file", str(exported)],
        "bare_write": ["--rows-pickle", str(pickled), "--file", str(bare)],
        "import": ["--db", empty, "--file", str(exported)],
        "bare_read": ["--file", str(exported)],
        "export_public": ["--db", source, "--file", str(work / "clients-public.xlsx")],
        "import_public": ["--db", empty, "--file", str(exported)],
    }
    for phase in phases:
        if phase == "bare_write":
            _pickle_rows(exported, pickled)
        for run in range(repeat):
            if phase in ("import", "import_public"):
                shutil.copyfile(empty_copy, work / "empty.db")  # empty again for each run
            print(f"  {phase} ({run + 1}/{repeat}) ...", file=sys.stderr, flush=True)
            got = _child(phase, commands[phase], False, switched_off)
            if phase not in results or got["seconds"] < results[phase]["seconds"]:
                results[phase] = got  # the quickest run: the least disturbed by others
        if trace:
            if phase in ("import", "import_public"):
                shutil.copyfile(empty_copy, work / "empty.db")
            print(f"  {phase} (traced) ...", file=sys.stderr, flush=True)
            traced = _child(phase, commands[phase], True, switched_off)
            results[phase]["traced_peak"] = traced["traced_peak"]
    results["export"]["file_mb"] = exported.stat().st_size / MB
    return results


_HEAD = (
    f"{'phase':<24}{'wall s':>8}{'cpu s':>8}{'wall/bare':>11}{'cpu/bare':>10}"
    f"{'tracemalloc MB':>16}{'RSS peak MB':>13}{'RSS +MB':>9}"
)


def _print_table(rows: int, results: dict[str, dict[str, Any]], columns: int) -> None:
    size = results["export"]["file_mb"]
    print(f"\n{rows:,} clients x {columns} columns (xlsx {size:.1f} MB)")
    print(_HEAD)
    for phase in results:
        if phase not in LABELS:
            continue
        r = results[phase]
        ceiling = results.get(CEILING.get(phase, ""))
        wall = f"{r['seconds'] / ceiling['seconds']:.2f}x" if ceiling else ""
        cpu = f"{r['cpu'] / ceiling['cpu']:.2f}x" if ceiling else ""
        traced = f"{r['traced_peak'] / MB:.1f}" if "traced_peak" in r else "-"
        peak = r["rss_peak_kb"] / 1024
        grown = (r["rss_peak_kb"] - r["rss_start_kb"]) / 1024
        print(
            f"{LABELS[phase]:<24}{r['seconds']:>8.1f}{r['cpu']:>8.1f}{wall:>11}{cpu:>10}"
            f"{traced:>16}{peak:>13.0f}{grown:>9.0f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.xlsx_bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rows", type=int, default=100_000, help="clients to export and import")
    parser.add_argument(
        "--compare",
        type=int,
        default=20_000,
        help="a second row count for the memory comparison (0: none)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per phase; the quickest is shown"
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also run each phase traced (much slower)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep the files here (default: a temporary dir)"
    )
    parser.add_argument(
        "--public",
        nargs="?",
        const="all",
        metavar="NAMES",
        help="also export and import with the shortcuts on libraries' internals switched off "
        "(all, or names as OPCONSOLE_SHORTCUTS_OFF takes them)",
    )
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows-pickle", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _run_phase(args.phase, args)
        return 0

    from storage.xlsx.headers import CLIENT_COLUMNS

    sizes = [args.rows] + ([args.compare] if args.compare and args.compare != args.rows else [])
    trace = args.tracemalloc
    base = args.workdir or Path(tempfile.mkdtemp(prefix="xlsx-bench-"))
    all_results: dict[int, dict[str, dict[str, Any]]] = {}
    try:
        for rows in sizes:
            phases = _PUBLIC_ORDER if args.public else PHASES
            all_results[rows] = _measure(rows, base / str(rows), trace, max(1, args.repeat), phases)
            _print_table(rows, all_results[rows], len(CLIENT_COLUMNS))
    finally:
        if args.workdir is None:
            shutil.rmtree(base, ignore_errors=True)
    if len(sizes) > 1:
        print("\npeak memory by row count (MB)")
        print(
            f"{'phase':<24}" + "".join(f"{f'{n:,} traced':>18}{f'{n:,} RSS+':>14}" for n in sizes)
        )
        for phase in PHASES:
            line = f"{LABELS[phase]:<24}"
            for n in sizes:
                r = all_results[n][phase]
                traced = f"{r['traced_peak'] / MB:.1f}" if "traced_peak" in r else "-"
                line += f"{traced:>18}{(r['rss_peak_kb'] - r['rss_start_kb']) / 1024:>14.0f}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
