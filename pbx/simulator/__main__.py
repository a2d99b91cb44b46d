"""``python -m pbx.simulator [--replay FILE] [--speed X] [--rate N] [--port P]``.

The console's own ``opconsole pbx-sim`` is the usual way in; this one needs no config.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from pbx.simulator import SimulatorError, run_simulator


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pbx.simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--username", default="console")
    parser.add_argument("--secret", default="console-secret")
    parser.add_argument("--replay", type=Path)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=4.0)
    parser.add_argument("--operator", action="append", default=[])
    parser.add_argument("--known-number", action="append", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        try:
            asyncio.run(
                run_simulator(
                    host=args.host,
                    port=args.port,
                    username=args.username,
                    secret=args.secret,
                    replay=args.replay,
                    speed=args.speed,
                    rate_per_min=args.rate,
                    operators=args.operator,
                    known_numbers=args.known_number,
                )
            )
        except SimulatorError as exc:  # port in use, out of range, no such address
            parser.exit(2, f"{parser.prog}: {exc}\n")


if __name__ == "__main__":
    main()
