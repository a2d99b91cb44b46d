"""The live calls strip: calls at my phone first, then the rest of the desk."""

from console.widgets.calls.strip import CallsStrip, StripRow, build_rows

__all__ = ["CallsStrip", "StripRow", "build_rows"]
