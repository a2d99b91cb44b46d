"""Inbound traffic on a schedule, for the demo and for soak tests.

Calls arrive as a Poisson process at ``rate_per_min``; each is one of the recorded call
shapes (answered directly or through the ringall queue, missed at a direct extension,
abandoned in the queue) played with fresh identities, from a known client's number, a new
random Russian mobile, or withheld.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pbx.simulator.templates import instantiate, templates

if TYPE_CHECKING:
    from pbx.simulator.server import AmiSimulator

NAMES = (
    "Иванова Мария",
    "Петров Сергей",
    "Кузнецов",
    "ООО Ромашка",
    "Смирнова Анна",
    "Соколов Игорь",
)
WITHHELD = "<unknown>"


@dataclass(frozen=True, slots=True)
class GeneratorConfig:
    rate_per_min: float = 4.0
    answered: float = 0.6  # shares of outcomes; normalised
    missed: float = 0.2
    abandoned: float = 0.2
    queue_share: float = 0.5  # of answered calls, the share that goes through the queue
    known_numbers: Sequence[str] = ()
    known_share: float = 0.5
    withheld_share: float = 0.1
    named_share: float = 0.6
    seed: int | None = None
    max_calls: int | None = None  # stop after this many (tests)
    # The demo: a first call through the ringall queue (so it rings every operator, the
    # demo's own console included) this many seconds after start, from a known client.
    first_call_after: float | None = None


@dataclass
class Generator:
    sim: AmiSimulator
    config: GeneratorConfig
    started: list[str] = field(default_factory=list)  # Linkedids, in order
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True

    async def run(self) -> None:
        cfg = self.config
        if not 0 < cfg.rate_per_min < math.inf:
            return  # a rate of 0 means no calls (an endless stream of them without a pause)
        rng = random.Random(cfg.seed)
        if cfg.first_call_after is not None:
            await asyncio.sleep(cfg.first_call_after)
            if self.stopped:
                return
            self.started.append(self.one_call(rng, template="queue_answered", known=True))
        while not self.stopped and (cfg.max_calls is None or len(self.started) < cfg.max_calls):
            await asyncio.sleep(rng.expovariate(cfg.rate_per_min / 60.0))
            if self.stopped:
                return
            self.started.append(self.one_call(rng))

    def one_call(self, rng: random.Random, *, template: str = "", known: bool = False) -> str:
        """Start one call now (of `template`, else a random shape); returns its Linkedid."""
        cfg = self.config
        kind = rng.choices(
            ("answered", "missed", "abandoned"), (cfg.answered, cfg.missed, cfg.abandoned)
        )[0]
        if template:
            name = template
        elif kind == "answered":
            name = "queue_answered" if rng.random() < cfg.queue_share else "direct_answered"
        else:
            name = "direct_missed" if kind == "missed" else "queue_abandoned"
        tpl = templates()[name]
        operators = list(self.sim.operators)
        rng.shuffle(operators)
        mapping = dict(zip(tpl.devices, operators, strict=False))
        if known and cfg.known_numbers:
            number, caller = rng.choice(list(cfg.known_numbers)), WITHHELD
        else:
            number, caller = self._caller(rng)
        steps = instantiate(tpl, devices=mapping, number=number, caller_name=caller)
        return self.sim.play(steps)

    def _caller(self, rng: random.Random) -> tuple[str, str]:
        cfg = self.config
        if rng.random() < cfg.withheld_share:
            return WITHHELD, WITHHELD
        if cfg.known_numbers and rng.random() < cfg.known_share:
            number = rng.choice(list(cfg.known_numbers))
        else:
            number = "+79" + "".join(rng.choice("0123456789") for _ in range(9))
        name = rng.choice(NAMES) if rng.random() < cfg.named_share else WITHHELD
        return number, name
