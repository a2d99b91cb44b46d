"""The operator console (Textual): wires `pbx/` and `storage/` into the desk's screens."""

import os

# Textual draws at most TEXTUAL_FPS screen updates a second, and a change waits for the
# next one. At its default 60 a ringing caller's card waited 0-17 ms for its update
# (measured on the pop: p50 8, p99 21 ms); at 120, 0-8 ms. An idle console draws nothing
# either way. Textual reads the variable once, on import: set here, before any of it is
# imported; a desk that sets its own value keeps it.
os.environ.setdefault("TEXTUAL_FPS", "120")
