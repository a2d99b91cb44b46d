"""The operator console (Textual): wires `pbx/` and `storage/` into the desk's screens.

Importing it changes nothing in the process: the settings that tune the whole interpreter
for a desk (frame rate, GIL switch interval, the idle collector) are applied by the command
that starts the console (`console.cli.ui`), never by the recorder or the other commands.
"""
