"""Process side of bench/console_bench.py: a process's CPU and memory read from /proc, and
the instrumented console the bench runs in a child process.

    python -m bench._proc --config FILE --events-fd N --control-fd N [--headless --size WxH]

The child is the console as `opconsole` runs it (`console.cli.ui.run_console`: open the
database with migrations, a `Desk`, a `ConsoleApp`, `run_async` on Textual's real terminal
driver), on the pseudo-terminal the bench gives it as stdin/stdout/stderr. Three observers
are added; none of them is on the pop path or changes what the console does:

- `StampedDesk` notes, for each call that starts ringing at my extension, the
  `AmiEvent.received_at` of the AMI event that made the tracker say so (stamped by
  `pbx.protocol.AmiProtocol` when the bytes arrive in `data_received`) and which event
  it was (DialBegin for a direct call);
- `BenchConsole.post_display_hook` (Textual calls it after every screen update) looks at
  each pending popup: the first update after it is mounted is "number on screen", the
  first update after its card's data is in the widgets is "card on screen";
- `FrameClock` stands in for the terminal file under Textual's writer thread: after each
  update the hook queues a sentinel behind the update's bytes, and the writer thread
  stamps the moment the update's bytes were written and flushed into the pty. So "on
  screen" means: handed to the terminal, not merely composed.

With `--headless` the console runs in `App.run_test` instead (no terminal, no bytes); an
update's time is then the end of the compositor pass.

Events go to the parent as JSON lines on `--events-fd`; it sends `quit` or `snapshot` on
`--control-fd`. Popups whose card was measured are dismissed when their call has ended,
as the dispatcher would (programmatically: `close_popup`, what the `x` key does).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import re
import resource
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, cast

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- /proc readers


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process `pid` (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    # after "pid (comm) ": state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt
    # cmajflt utime(11) stime(12)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@dataclass(frozen=True, slots=True)
class Memory:
    rss_mb: float  # resident now (VmRSS)
    peak_mb: float  # highest resident so far (VmHWM, what getrusage's ru_maxrss reports)
    threads: int


def memory(pid: int) -> Memory:
    values: dict[str, str] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        values[key] = value.strip()

    def mb(key: str) -> float:
        return int(values[key].split()[0]) / 1024

    return Memory(mb("VmRSS"), mb("VmHWM"), int(values["Threads"]))


# --------------------------------------------------------------------------- the child

SENTINEL = "\x00bench-frame:"
_CSI = re.compile(r"\x1b\[[0-9;:?<=>]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>78]")


def plain_text(terminal_output: str) -> str:
    """The text in a stretch of terminal output, escape sequences removed."""
    return _CSI.sub("", terminal_output)


class FrameClock:
    """The file under Textual's writer thread: passes text through; a sentinel written after
    an update flushes the pty and reports (update number, time written)."""

    def __init__(self, file: IO[str], on_written: Callable[[int, float], None]) -> None:
        self._file = file
        self._on_written = on_written

    def write(self, text: str) -> int:
        if text.startswith(SENTINEL):
            self._file.flush()
            self._on_written(int(text[len(SENTINEL) :]), time.time())
            return len(text)
        return self._file.write(text)

    def flush(self) -> None:
        self._file.flush()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


@dataclass
class Ring:
    """One call that rang at my extension, as the child saw it."""

    linkedid: str
    t0: float  # epoch: the AMI event's bytes arrived (AmiEvent.received_at)
    via: str  # which AMI event made the tracker say "ringing at my extension"
    t_published: float  # epoch: the desk published CallRinging (tracker done)
    popup_frame: int | None = None
    card_frame: int | None = None
    t_popup: float | None = None  # epoch: the update with the popup (number) was written
    t_card: float | None = None  # epoch: the update with the card's data was written
    new_client: bool = False  # the card opened in edit mode (a first-time caller)
    verified: bool | None = None  # the card's name was in that update's bytes (pty only)
    closed: bool = False
    frame_bytes: int = 0
    # Where the time goes (epoch seconds; None when not reached):
    t_handled: float | None = None  # the dispatcher screen took the RingingForMe message
    t_card_in: float | None = None  # the card's data went into the popup's widgets
    t_frame_start: float | None = None  # the screen update that showed the card began
    t_frame_done: float | None = None  # ... was composed and handed to the writer thread
    frame_layout: bool = False  # ... had to arrange the screen (not only repaint)


@dataclass
class Emitter:
    fd: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, kind: str, **payload: Any) -> None:
        line = json.dumps({"type": kind, **payload}, ensure_ascii=False) + "\n"
        data = line.encode("utf-8")
        with self.lock:
            while data:
                data = data[os.write(self.fd, data) :]


def _css_paths() -> list[str]:
    from console.app import ConsoleApp

    paths = ConsoleApp.CSS_PATH
    if paths is None:
        return []
    return [str(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]


def build_child(args: argparse.Namespace, emitter: Emitter) -> Callable[[], Any]:
    """Import the console only here: the parent never loads Textual."""
    from console.cli.ui import use_desk_frame_rate

    use_desk_frame_rate()  # before Textual's first import, as `opconsole` does
    from textual.screen import Screen
    from textual.widget import Widget

    import console.app as console_app
    from console.app import ConsoleApp
    from console.config import PbxSettings, Settings
    from console.desk import Desk
    from console.screens.dispatcher import DispatcherScreen
    from console.widgets.card.popup import CallPopup
    from pbx.ami_client import AmiClient
    from pbx.ami_event import AmiEvent
    from pbx.call_events import CallEvent, CallRinging

    class StampedClient:
        """The real AMI client; tells the desk which item its loop is handling now (the desk
        handles each item to the end before it takes the next)."""

        def __init__(self, inner: AmiClient, desk: StampedDesk) -> None:
            self._inner = inner
            self._desk = desk

        async def __aenter__(self) -> StampedClient:
            await self._inner.__aenter__()
            return self

        async def __aexit__(self, *exc: Any) -> None:
            await self._inner.__aexit__(*exc)

        async def events(self) -> AsyncIterator[Any]:
            async for item in self._inner.events():
                self._desk.bench_current = item if isinstance(item, AmiEvent) else None
                yield item

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    class StampedDesk(Desk):
        """The real desk; notes when each ring at my extension arrived as bytes."""

        rings: dict[str, Ring]
        bench_current: AmiEvent | None = None

        def __init__(self, settings: Settings, sessions: Any) -> None:
            super().__init__(settings, sessions, client_factory=self._stamped_client)
            self.rings = {}

        def _stamped_client(self, pbx: PbxSettings) -> AmiClient:
            return cast("AmiClient", StampedClient(self._make_client(pbx), self))

        def _on_call_event(self, event: CallEvent) -> None:
            current = self.bench_current
            if (
                isinstance(event, CallRinging)
                and self.settings.me.extension in event.started
                and current is not None
                and event.linkedid not in self.rings
            ):
                self.rings[event.linkedid] = Ring(
                    event.linkedid, current.received_at, current.name, time.time()
                )
            super()._on_call_event(event)

    class BenchConsole(ConsoleApp):
        """The real app; after each screen update, notes which popups and cards it showed."""

        # Relative stylesheet paths resolve against the defining module: keep console/'s.
        CSS_PATH = [str(Path(console_app.__file__).parent / p) for p in _css_paths()]

        def setup_bench(self, desk: StampedDesk, headless: bool) -> None:
            self.bench_desk = desk
            self.bench_headless = headless
            self.bench_frames = 0
            self.bench_written: list[str] = []
            self.bench_wrapped = False
            self.bench_ready = False
            self.bench_quit = asyncio.Event()
            self.bench_bytes = 0
            self.bench_loop = asyncio.get_running_loop()
            self.bench_gc: dict[str, float] = {"full": 0, "longest_ms": 0.0, "young_ms": 0.0}
            started: list[float] = [0.0]

            def on_gc(phase: str, info: dict[str, int]) -> None:
                if phase == "start":
                    started[0] = time.perf_counter()
                    return
                took = 1000 * (time.perf_counter() - started[0])
                if info["generation"] == 2:
                    self.bench_gc["full"] += 1
                    self.bench_gc["longest_ms"] = max(self.bench_gc["longest_ms"], took)
                else:
                    self.bench_gc["young_ms"] = max(self.bench_gc["young_ms"], took)

            gc.callbacks.append(on_gc)
            self._bench_trace_phases()

        def _bench_trace_phases(self) -> None:
            """Stamp the stages of each pop (see `Ring`): the screen update's start and
            whether it arranged the screen, the ring handled, the card in its widgets."""
            self.bench_frame: dict[str, Any] = {"start": None, "layout": False}
            frame = self.bench_frame
            rings = self.bench_desk.rings

            def stamp(name: str, wrapped: Callable[..., Any]) -> Callable[..., Any]:
                def traced(this: Any, *a: Any, **k: Any) -> Any:
                    outermost = frame["start"] is None
                    if outermost:
                        frame["start"] = time.time()
                    if name == "layout":
                        frame["layout"] = True
                    try:
                        return wrapped(this, *a, **k)
                    finally:
                        if outermost:
                            frame["start"] = None
                            frame["layout"] = False

                return traced

            for name, attr in (("layout", "_refresh_layout"), ("paint", "_compositor_refresh")):
                setattr(Screen, attr, stamp(name, getattr(Screen, attr)))

            def note(attr: str, linkedid: str) -> None:
                ring = rings.get(linkedid)
                if ring is not None and getattr(ring, attr) is None:
                    setattr(ring, attr, time.time())

            handled = DispatcherScreen.on_ringing_for_me
            card_in = CallPopup._card_in

            def on_ringing_for_me(screen: Any, message: Any) -> None:
                handled(screen, message)
                note("t_handled", message.call.linkedid)

            def on_card(popup: CallPopup, card: Any) -> None:
                ring = rings.get(popup.linkedid)
                if card is not None and ring is not None and ring.t_card_in is not None:
                    # a first-time caller's form came first: now their client is bound to it
                    emitter.send("bound", linkedid=popup.linkedid, t=time.time())
                note("t_card_in", popup.linkedid)
                card_in(popup, card)

            DispatcherScreen.on_ringing_for_me = on_ringing_for_me  # type: ignore[method-assign,assignment]
            CallPopup._card_in = on_card  # type: ignore[method-assign,assignment]

        def bench_frame_written(self, frame: int, at: float) -> None:
            """Writer thread: update `frame` is in the pty now."""
            # Never call_from_thread: it blocks the writer until the loop runs the callback.
            self.bench_loop.call_soon_threadsafe(self._bench_resolve, frame, at)

        def _bench_wrap_driver(self) -> None:
            driver = self._driver
            if driver is None or self.bench_wrapped or self.bench_headless:
                return
            original = driver.write
            written = self.bench_written

            def write(data: str) -> None:
                written.append(data)
                original(data)

            driver.write = write  # type: ignore[method-assign]
            self.bench_original_write = original
            self.bench_wrapped = True

        def post_display_hook(self) -> None:
            if not self.bench_headless:
                if not self.bench_wrapped:
                    self._bench_wrap_driver()
                    return
                if not self.bench_written:
                    return  # nothing went to the terminal: not an update
            self.bench_frames += 1
            frame = self.bench_frames
            text = "".join(self.bench_written)
            self.bench_written.clear()
            self.bench_bytes += len(text.encode("utf-8", "replace"))
            self._bench_look(frame, text)
            if self.bench_headless:
                self._bench_resolve(frame, time.time())
            else:
                self.bench_original_write(f"{SENTINEL}{frame}")

        def _bench_look(self, frame: int, text: str) -> None:
            try:
                screen = self.screen
            except Exception:  # no screen (starting or stopping)
                return
            if not isinstance(screen, DispatcherScreen):
                return
            if not self.bench_ready:
                server = self.settings.pbx[0].name
                if self.desk.connections()[server].state == "up":
                    self.bench_ready = True
                    emitter.send("ready", t=time.time(), frame=frame)
            rings = self.bench_desk.rings
            if not rings:
                return
            current = screen.current_popup()
            for popup in screen.popups.values():
                ring = rings.get(popup.linkedid)
                if ring is None:
                    continue
                if ring.card_frame is not None:
                    if not ring.closed and popup.state in ("ended", "missed", "elsewhere"):
                        ring.closed = True  # the call is over: the dispatcher dismisses it
                        self.call_later(screen.close_popup, popup.key)
                    continue
                if ring.popup_frame is None and popup.shown_at is not None:
                    ring.popup_frame = frame
                panel = popup.panel
                if not panel.is_attached:
                    continue  # mounted, not composed yet
                card = panel.card
                if (card is None and not popup.first_call_form) or popup is not current:
                    continue
                if panel.editing and not panel.has_class("-editing"):
                    continue  # a new client: the edit form is not up yet
                ring.card_frame = frame
                ring.t_frame_start = self.bench_frame["start"]
                ring.t_frame_done = time.time()
                ring.frame_layout = bool(self.bench_frame["layout"])
                ring.new_client = panel.editing
                ring.frame_bytes = len(text)
                if not self.bench_headless and not panel.editing and card and card.name:
                    ring.verified = card.name in plain_text(text)

        def _bench_resolve(self, frame: int, at: float) -> None:
            for ring in list(self.bench_desk.rings.values()):
                if ring.popup_frame == frame and ring.t_popup is None:
                    ring.t_popup = at
                if ring.card_frame == frame and ring.t_card is None:
                    ring.t_card = at
                    emitter.send("pop", **asdict(ring))

        def bench_snapshot(self) -> dict[str, Any]:
            screen = self.screen
            collections = dict(self.bench_gc)  # before this snapshot's own collection
            # Count everything, frozen or not (`console.idle_gc` freezes what survives its
            # collections; it freezes again at its next one).
            gc.unfreeze()
            gc.collect()
            objects = gc.get_objects()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return {
                "widgets": len(list(screen.walk_children(with_self=True))),
                "popups": len(screen.popups) if isinstance(screen, DispatcherScreen) else None,
                "rings": len(self.bench_desk.rings),
                "frames": self.bench_frames,
                "terminal_bytes": self.bench_bytes,
                "gc_objects": len(objects),
                "types": dict(Counter(type(o).__qualname__ for o in objects).most_common(400)),
                "maxrss_mb": usage.ru_maxrss / 1024,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "threads": threading.active_count(),
                "gc": collections,
                "popup_widgets": len(list(screen.query(CallPopup))),
                # removed from the screen yet still alive: what a leak holds on to
                "detached": dict(
                    Counter(
                        type(o).__qualname__
                        for o in objects
                        if isinstance(o, Widget) and not o.is_attached
                    ).most_common(8)
                ),
            }

        def bench_snapshot_final(self) -> dict[str, Any]:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            return {
                "frames": self.bench_frames,
                "terminal_bytes": self.bench_bytes,
                "maxrss_mb": usage.ru_maxrss / 1024,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "unmeasured": [
                    asdict(r) for r in self.bench_desk.rings.values() if r.t_card is None
                ],
            }

        def bench_command(self, line: str) -> None:
            command = line.strip()
            if command == "quit":
                self.bench_quit.set()
                if not self.bench_headless:
                    self.exit()
            elif command == "snapshot":
                emitter.send("snapshot", **self.bench_snapshot())

    async def main() -> int:
        from console.cli.common import open_database
        from console.cli.ui import desk_switch_interval
        from console.config import load_settings
        from console.idle_gc import IdleCollector

        settings = load_settings(args.config, {})
        width, height = (int(v) for v in args.size.split("x"))
        async with open_database(settings) as (_engine, sessions):
            desk = StampedDesk(settings, sessions)
            app = BenchConsole.at_desk(settings, sessions, desk, idle_gc=IdleCollector())
            app.setup_bench(desk, args.headless)
            if not args.headless:
                clock = FrameClock(sys.__stderr__ or sys.stderr, app.bench_frame_written)
                setattr(sys, "__stderr__", clock)  # noqa: B010 - Final in typeshed
            loop = asyncio.get_running_loop()
            control = os.fdopen(args.control_fd, "r", encoding="utf-8", buffering=1)

            def on_control() -> None:
                line = control.readline()
                if not line:
                    loop.remove_reader(args.control_fd)
                    app.bench_command("quit")
                    return
                app.bench_command(line)

            loop.add_reader(args.control_fd, on_control)
            with desk_switch_interval():
                if args.headless:
                    async with app.run_test(headless=True, size=(width, height)):
                        await app.bench_quit.wait()
                else:
                    await app.run_async()
            loop.remove_reader(args.control_fd)
            await desk.flush()
            emitter.send("exit", **app.bench_snapshot_final())
        return 0

    return main


def child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the instrumented console (bench child)")
    parser.add_argument("--config", required=True)
    parser.add_argument("--events-fd", type=int, required=True)
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--size", default="160x48")
    parser.add_argument("--headless", action="store_true")
    parser.add_argument("--log", default=os.devnull)
    parser.add_argument("--profile", help="write a cProfile of the whole run to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(
        filename=args.log, level=logging.WARNING, format="%(asctime)s %(name)s %(message)s"
    )
    emitter = Emitter(args.events_fd)
    main = build_child(args, emitter)
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        try:
            return int(profiler.runcall(asyncio.run, main()))
        finally:
            profiler.dump_stats(args.profile)
    return int(asyncio.run(main()))


if __name__ == "__main__":
    raise SystemExit(child_main())
