"""Headless code never loads Textual: the recorder runs as a lean service and pbx/storage
stay usable without a screen. (import-linter checks the static imports in `make layers`;
this checks what is really loaded at run time, lazy imports included.)"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADLESS_CONSOLE = [
    "console.config",
    "console.cli",
    "console.demo_config",
    "console.desk",
    "console.journal",
    "console.outbox",
]


def _modules(package: str) -> list[str]:
    path = ROOT / package.replace(".", "/")
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
        if ".migrations" not in info.name:
            names.append(info.name)
    return names


MODULES = _modules("pbx") + _modules("storage") + HEADLESS_CONSOLE


@pytest.mark.parametrize("module", MODULES)
def test_headless_module_does_not_load_textual(module: str) -> None:
    code = f"import sys, {module}; sys.exit(3 if 'textual' in sys.modules else 0)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr or f"{module} loaded textual"


def test_headless_commands_do_not_load_textual() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from console.cli import main\n"
        "commands = (['record', '--help'], ['calls', 'list', '--help'], ['db', 'seed', '--help'])\n"
        "for argv in commands:\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        main(argv)\n"
        "sys.exit(3 if 'textual' in sys.modules else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr or "a headless command loaded textual"
