"""`python -m console` is the `opconsole` command."""

from console.cli import run

run()
