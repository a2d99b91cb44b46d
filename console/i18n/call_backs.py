"""Strings of the missed callers' list and call-backs: the board's panel
(console/widgets/board/missed.py), History's missed tab, the desk's «today», and closing a
number without calling back (console/screens/close_missed.py)."""

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
    # --- closing a number without calling back (storage.missed_closings)
    "callbacks.key.close": {"en": "Close", "ru": "Закрыть"},
    "callbacks.tip.close": {
        "en": "Close the selected number without calling back (spam, a wrong number…),"
        " or reopen a closed one",
        "ru": "Закрыть выбранный номер без перезвона (спам, ошиблись номером…)"
        " или открыть закрытый снова",
    },
    "callbacks.status.closed": {
        "en": "✕ closed {time} — {reason} ({who})",
        "ru": "✕ закрыт в {time} — {reason} ({who})",
    },
    # the reasons offered, stored as codes (storage.missed_closings.OFFERED_REASONS)
    "callbacks.reason.spam": {"en": "spam", "ru": "спам"},
    "callbacks.reason.wrong_number": {"en": "wrong number", "ru": "ошиблись номером"},
    "callbacks.reason.handled_otherwise": {"en": "handled otherwise", "ru": "решено иначе"},
    "callbacks.close.title": {
        "en": "Close without calling back: {number}",
        "ru": "Закрыть без перезвона: {number}",
    },
    "callbacks.close.who": {"en": "Who called: {who}", "ru": "Кто звонил: {who}"},
    "callbacks.close.about": {
        "en": "The number stops waiting for a call-back on every console;"
        " a new missed call from it opens it again.",
        "ru": "Номер перестанет ждать перезвона на всех пультах;"
        " новый пропущенный звонок с него откроет его снова.",
    },
    "callbacks.close.reason": {"en": "Reason", "ru": "Причина"},
    "callbacks.close.typed": {"en": "Or type a reason", "ru": "Или введите причину"},
    "callbacks.closed": {
        "en": "{number} closed without a call-back: {reason}",
        "ru": "{number} закрыт без перезвона: {reason}",
    },
    "callbacks.close.returned": {
        "en": "{number} is returned already: nothing to close",
        "ru": "{number}: уже перезвонили, закрывать нечего",
    },
    "callbacks.close.not_waiting": {
        "en": "{number} waits for no call-back any more: answered or closed meanwhile",
        "ru": "{number} уже не ждёт перезвона: тем временем ответили или закрыли",
    },
    "callbacks.close.refused": {
        "en": "Not closed: the database is unreachable. Nothing was changed —"
        " close the number again when the database is back.",
        "ru": "Не закрыто: база данных недоступна. Ничего не изменено —"
        " закройте номер снова, когда база вернётся.",
    },
    "callbacks.reopen.question": {
        "en": "Reopen {number}? Closed at {time} — {reason} ({who}). It will wait for"
        " a call-back again.",
        "ru": "Открыть номер {number} снова? Закрыт в {time} — {reason} ({who})."
        " Он снова будет ждать перезвона.",
    },
    "callbacks.reopen.yes": {"en": "Reopen", "ru": "Открыть снова"},
    "callbacks.reopen.no": {"en": "Keep closed", "ru": "Оставить закрытым"},
    "callbacks.reopened": {
        "en": "{number} reopened: it waits for a call-back again",
        "ru": "{number} открыт снова: ждёт перезвона",
    },
    "callbacks.reopen.not_closed": {
        "en": "{number} is not closed any more: a call since decided instead",
        "ru": "{number} уже не закрыт: после закрытия был новый звонок",
    },
    "callbacks.reopen.refused": {
        "en": "Not reopened: the database is unreachable. Nothing was changed —"
        " try again when the database is back.",
        "ru": "Не открыто: база данных недоступна. Ничего не изменено —"
        " повторите, когда база вернётся.",
    },
    # the refusal to a dispatcher (storage.roles.CLOSE_MISSED), the reason's rule, the trail
    "cli.action.close a missed number": {
        "en": "close a missed number without calling back",
        "ru": "закрывать пропущенные номера без перезвона",
    },
    "invalid.close_reason_required": {
        "en": "a reason is required to close a missed number",
        "ru": "чтобы закрыть номер, нужна причина",
    },
    "worker.close_missed": {
        "en": "closing a missed number",
        "ru": "закрытие пропущенного номера",
    },
    "audit.kind.call_backs": {"en": "Missed calls", "ru": "Пропущенные"},
    "audit.action.missed_close": {
        "en": "Missed number closed without a call-back",
        "ru": "Пропущенный номер закрыт без перезвона",
    },
    "audit.action.missed_reopen": {
        "en": "Missed number reopened",
        "ru": "Пропущенный номер открыт снова",
    },
}
