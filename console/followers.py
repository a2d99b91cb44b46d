"""Who hears of the desk: the screens and widgets an app posts desk messages to."""

from __future__ import annotations

from collections.abc import Iterable

from textual.message import Message
from textual.message_pump import MessagePump


class Followers:
    """Nodes that get every desk message from when they follow until they are unmounted
    (or stop following)."""

    def __init__(self) -> None:
        self._nodes: list[MessagePump] = []

    def add(self, node: MessagePump) -> None:
        if node not in self._nodes:
            self._nodes.append(node)

    def remove(self, node: MessagePump) -> None:
        if node in self._nodes:
            self._nodes.remove(node)

    def post(self, messages: Iterable[Message]) -> None:
        """Each message to every node still mounted, in order; unmounted nodes are dropped."""
        batch = list(messages)
        for node in list(self._nodes):
            if not node.is_attached:
                self._nodes.remove(node)
                continue
            for message in batch:
                node.post_message(message)
