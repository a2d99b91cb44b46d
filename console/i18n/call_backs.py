"""Strings of the missed callers' list and call-backs: the board's panel
(console/widgets/board/missed.py), History's missed tab, and the desk's «today»."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    "callbacks.period.today": {"en": "today since {time}", "ru": "сегодня с {time}"},
    "callbacks.board.heading": {
        "en": "Desk, {date}: {period}",
        "ru": "Диспетчерская, {date}: {period}",
    },
    "callbacks.board.title": {
        "en": "To call back: {waiting} of {count} missed numbers ({period})",
        "ru": "Перезвонить: {waiting} из {count} пропущенных номеров ({period})",
    },
    "callbacks.history.line": {
        "en": "{count} numbers missed {period}, {waiting} not returned",
        "ru": "пропущенных номеров {period}: {count}, не перезвонили: {waiting}",
    },
    "callbacks.col.first": {"en": "First", "ru": "Первый"},
    "callbacks.col.last": {"en": "Last", "ru": "Последний"},
    "callbacks.col.caller": {"en": "Number", "ru": "Номер"},
    "callbacks.col.client": {"en": "Who", "ru": "Кто"},
    "callbacks.col.queue": {"en": "Queue", "ru": "Очередь"},
    "callbacks.col.missed": {"en": "Missed", "ru": "Пропущ."},
    "callbacks.col.attempts": {"en": "Tries", "ru": "Попыток"},
    "callbacks.col.waiting": {"en": "Unreturned", "ru": "Ждёт"},
    "callbacks.col.status": {"en": "Status", "ru": "Состояние"},
    "callbacks.status.called_back": {
        "en": "✓ called back {time}",
        "ru": "✓ перезвонили в {time}",
    },
    "callbacks.status.called_in": {
        "en": "✓ called again {time}",
        "ru": "✓ дозвонился сам в {time}",
    },
    "callbacks.outcome.dialling": {"en": "dialling…", "ru": "набираем…"},
    "callbacks.outcome.answered": {"en": "answered", "ru": "ответил"},
    "callbacks.outcome.no_answer": {"en": "no answer", "ru": "не ответил"},
    "callbacks.outcome.busy": {"en": "busy", "ru": "занято"},
    "callbacks.outcome.failed": {"en": "not connected", "ru": "не соединилось"},
    "callbacks.key.missed": {"en": "Missed", "ru": "Пропущенные"},
    "callbacks.tip.missed": {
        "en": "Show or hide today's missed callers, the unreturned first",
        "ru": "Показать или скрыть пропущенных сегодня, сначала тех, кому не перезвонили",
    },
    "callbacks.key.call_back": {"en": "Call back", "ru": "Перезвонить"},
    "callbacks.tip.call_back": {
        "en": "Call the selected number back: your own phone rings first",
        "ru": "Перезвонить на выбранный номер: сначала зазвонит ваш телефон",
    },
    "callbacks.none": {
        "en": "Nobody to call back {period}",
        "ru": "Перезванивать некому ({period})",
    },
    "callbacks.already": {
        "en": "{number} is returned already; calling again anyway",
        "ru": "{number}: уже перезвонили; набираем ещё раз",
    },
}
