"""One line at the bottom: each PBX link's state and the database's.

"Down since 14:02" rather than "down": a dispatcher glancing at it needs to know whether
the outage is a blip or the reason calls stopped twenty minutes ago.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from console.i18n import tr
from console.messages import ConnectionChanged, DatabaseChanged
from console.widgets.database_state import describe_database
from console.wording import describe_connection

if TYPE_CHECKING:
    from console.desk import ConnectionStatus
    from console.outbox import OutboxStatus

STATE_CLASSES = ("-up", "-connecting", "-down", "-login_refused")


class StatusBar(Horizontal):
    """Connection states; follows the desk through the app (see `ConsoleApp.follow_desk`).

    Not docked: the Footer docks at the bottom and docked widgets overlap, so the bar takes
    the last line of the screen's layout, just above the footer."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; }
    StatusBar > Static { width: auto; padding: 0 1; }
    StatusBar > .-up { color: $success; }
    StatusBar > .-connecting { color: $warning; }
    StatusBar > .-down, StatusBar > .-login_refused { background: $error; color: $text; }
    """

    def __init__(
        self,
        connections: dict[str, ConnectionStatus] | None = None,
        *,
        database_ok: bool | None = None,
        id: str | None = None,
    ) -> None:
        """Without `connections`, the bar reads the app's desk (every screen has one)."""
        super().__init__(id=id)
        self._given = connections is not None
        self._connections = dict(connections or {})
        self._database_ok = database_ok
        self._database: OutboxStatus | None = None

    def compose(self) -> ComposeResult:
        desk = getattr(self.app, "desk", None)
        if not self._given and desk is not None:
            self._connections = dict(desk.connections())
            self._database_ok = getattr(self.app, "database_ok", None)
            self._database = getattr(self.app, "database_status", None)
        for status in self._connections.values():
            yield Static(
                describe_connection(status),
                id=f"pbx-{_safe(status.server)}",
                classes=f"-{status.state}",
            )
        if not self._connections:
            yield Static(tr("status.pbx.none"), classes="-connecting")
        yield Static(self._db_text(""), id="database", classes=self._db_class())

    def on_mount(self) -> None:
        follow = getattr(self.app, "follow_desk", None)
        if callable(follow):
            follow(self)
        desk = getattr(self.app, "desk", None)
        if desk is not None:
            # A change between compose and following (a PBX refusing at once, at start)
            # reached nobody here: catch up with the desk as it is now.
            for status in desk.connections().values():
                if status != self._connections.get(status.server):
                    self._show(status)

    def _db_text(self, detail: str) -> str:
        if self._database is not None:
            return describe_database(self._database)[0]
        if self._database_ok is None:
            return tr("status.db.checking")
        if self._database_ok:
            return tr("status.db.ok")
        return tr("status.db.down", detail=detail) if detail else tr("status.db.down_plain")

    def _db_class(self) -> str:
        if self._database is not None:
            return describe_database(self._database)[1]
        return {None: "-connecting", True: "-up", False: "-down"}[self._database_ok]

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        self._show(message.status)

    def _show(self, status: ConnectionStatus) -> None:
        self._connections[status.server] = status
        widget_id = f"pbx-{_safe(status.server)}"
        found = self.query(f"#{widget_id}")
        if found:
            label = found.first(Static)
            label.update(describe_connection(status))
            label.remove_class(*STATE_CLASSES)
            label.add_class(f"-{status.state}")
        else:
            self.mount(
                Static(describe_connection(status), id=widget_id, classes=f"-{status.state}"),
                before=self.query_one("#database"),
            )

    def on_database_changed(self, message: DatabaseChanged) -> None:
        self._database_ok = message.ok
        self._database = message.status
        label = self.query_one("#database", Static)
        label.update(self._db_text(message.detail))
        label.remove_class(*STATE_CLASSES)
        label.add_class(self._db_class())


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
