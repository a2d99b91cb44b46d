"""The one shape in which AMI events travel from the connection to the tracker.

A frozen value, so a replayed capture and a live socket give the tracker the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AmiEvent:
    server: str
    name: str
    headers: Mapping[str, str] = field(repr=False)
    received_at: float

    def get(self, key: str, default: str = "") -> str:
        return self.headers.get(key, default)
