"""Importing the console or running the recorder leaves the interpreter as it was: the frame
rate, the GIL switch interval and the garbage collector are the console command's to set
(`console.cli.ui`), so a recorder service or a script that imports `console` keeps
CPython's defaults."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Imports every console module (the screens and the app included), then runs the given
# command line, then prints what it found changed; nothing printed means untouched.
_PROBE = """
import gc, os, pkgutil, importlib, sys
import console
from console.cli import main

interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
for info in pkgutil.walk_packages(console.__path__, prefix="console."):
    if info.name != "console.__main__":
        importlib.import_module(info.name)
if sys.argv[1:]:
    main(sys.argv[1:])
changed = []
if "TEXTUAL_FPS" in os.environ:
    changed.append("TEXTUAL_FPS=" + os.environ["TEXTUAL_FPS"])
if sys.getswitchinterval() != interval:
    changed.append(f"switch interval {sys.getswitchinterval()}")
if gc.get_threshold() != thresholds or gc.get_freeze_count() or not gc.isenabled():
    changed.append(f"gc {gc.get_threshold()} frozen {gc.get_freeze_count()}")
print("changed: " + ", ".join(changed) if changed else "untouched")
"""


def _probe(*argv: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("TEXTUAL_FPS", "OPCONSOLE_CONFIG")}


def test_importing_every_console_module_changes_nothing() -> None:
    assert _probe(env=_clean_env()) == "untouched"


def test_the_recorder_leaves_the_process_as_it_was(tmp_path: Path) -> None:
    with socket.socket() as free:  # a port nobody listens on: the recorder keeps retrying
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "calls.db"}"\n\n'
        f'[[pbx]]\nname = "main"\nhost = "127.0.0.1"\nport = {port}\n'
        'username = "console"\nsecret = "s"\n',
        encoding="utf-8",
    )
    argv = ["--config", str(config), "record", "--log-level", "INFO"]
    with subprocess.Popen(
        [sys.executable, "-c", _PROBE, *argv],
        cwd=ROOT,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as recorder:
        assert recorder.stderr is not None
        # A recorder that never gets going must fail the test, not hang the run.
        watchdog = threading.Timer(90, recorder.kill)
        watchdog.start()
        try:
            for line in recorder.stderr:  # running: it has tried the PBX once
                if "main: down" in line:
                    break
            recorder.send_signal(signal.SIGINT)  # how a service manager stops it
            out, err = recorder.communicate(timeout=60)
        finally:
            watchdog.cancel()
            if recorder.poll() is None:  # it did not stop: fail here, never hang the run
                recorder.kill()
    assert recorder.returncode == 0, err
    assert out.strip().splitlines()[-1] == "untouched"
