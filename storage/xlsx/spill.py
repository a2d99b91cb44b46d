"""What lets an import check a whole file before writing without holding the file in memory.

`Spill`: chunks of checked rows pickled to an anonymous temporary file and read back in
order, so validating 100,000 rows first costs disk, not memory. `IntMap`: int -> int in two
flat arrays (open addressing), 12 bytes a slot against ~100 for a dict of Python ints; it
remembers every phone of a file (for duplicates within the file) and every client an import
updates.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterator
from typing import Any, Final

_EMPTY: Final = -1
_GOLDEN: Final = 0x9E3779B97F4A7C15  # Fibonacci hashing: spreads sequential numbers
_MASK64: Final = (1 << 64) - 1


class IntMap:
    """A map from non-negative ints below 2**63 to ints that fit in 32 bits."""

    def __init__(self, capacity: int = 1024) -> None:
        bits = max(4, (capacity - 1).bit_length())
        self._allocate(bits)
        self._size = 0

    def _allocate(self, bits: int) -> None:
        self._bits = bits
        self._mask = (1 << bits) - 1
        self._shift = 64 - bits
        self._keys = array("q", [_EMPTY]) * (1 << bits)
        self._values = array("i", [0]) * (1 << bits)

    def __len__(self) -> int:
        return self._size

    def _slot(self, key: int) -> int:
        keys = self._keys
        mask = self._mask
        slot = ((key * _GOLDEN) & _MASK64) >> self._shift
        while True:
            found = keys[slot]
            if found in (key, _EMPTY):
                return slot
            slot = (slot + 1) & mask

    def get(self, key: int) -> int | None:
        slot = self._slot(key)
        return self._values[slot] if self._keys[slot] == key else None

    def setdefault(self, key: int, value: int) -> int:
        """The value stored for `key`, storing `value` first when there is none."""
        if key < 0:
            raise ValueError("IntMap keys are non-negative")
        slot = self._slot(key)
        if self._keys[slot] == key:
            return self._values[slot]
        self._keys[slot] = key
        self._values[slot] = value
        self._size += 1
        if self._size * 4 > len(self._keys) * 3:  # load factor 3/4
            self._grow()
        return value

    def _grow(self) -> None:
        keys, values = self._keys, self._values
        self._allocate(self._bits + 1)
        for key, value in zip(keys, values, strict=True):
            if key != _EMPTY:
                slot = self._slot(key)
                self._keys[slot] = key
                self._values[slot] = value


class Spill:
    """Lists of tuples written to a temporary file chunk by chunk, then read back in order.

    The file has no name and is removed when closed (or when the process ends).
    """

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="opconsole-import-")  # noqa: SIM115 (closed by close())
        self.count = 0

    def write(self, items: list[tuple[Any, ...]]) -> None:
        if items:
            pickle.dump(items, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
            self.count += len(items)

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        self._fh.flush()
        self._fh.seek(0)
        while True:
            try:
                chunk: list[tuple[Any, ...]] = pickle.load(self._fh)
            except EOFError:
                return
            yield chunk

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
