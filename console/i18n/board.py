"""Strings of the supervisor board (screens/supervisor.py) and the call history
(screens/history.py)."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    # supervisor board
    "board.title": {"en": "Supervisor", "ru": "Супервизор"},
    "board.heading": {"en": "Desk today, {date}", "ru": "Диспетчерская сегодня, {date}"},
    "board.withheld": {"en": "withheld", "ru": "скрыт"},
    "board.error": {"en": "Board: {error}", "ru": "Табло: {error}"},
    "board.waiting.title": {"en": "Waiting: {count}", "ru": "Ожидают: {count}"},
    "board.waiting.direct": {"en": "direct", "ru": "напрямую"},
    "board.waiting.col.queue": {"en": "Queue", "ru": "Очередь"},
    "board.waiting.col.caller": {"en": "Caller", "ru": "Звонящий"},
    "board.waiting.col.client": {"en": "Client", "ru": "Клиент"},
    "board.waiting.col.waiting": {"en": "Waiting", "ru": "Ждёт"},
    "board.ops.title": {"en": "Operators", "ru": "Операторы"},
    "board.ops.col.operator": {"en": "Operator", "ru": "Оператор"},
    "board.ops.col.state": {"en": "State", "ru": "Состояние"},
    "board.ops.col.party": {"en": "With", "ru": "С кем"},
    "board.ops.col.for": {"en": "For", "ru": "Время"},
    "board.ops.col.answered": {"en": "Answered", "ru": "Принято"},
    "board.ops.col.missed": {"en": "Missed", "ru": "Пропущ."},
    "board.ops.col.talk_total": {"en": "Talk", "ru": "Разговор"},
    "board.ops.col.talk_avg": {"en": "Avg talk", "ru": "Ср. разг."},
    "board.state.idle": {"en": "idle", "ru": "свободен"},
    "board.state.ringing": {"en": "ringing", "ru": "звонок"},
    "board.state.talking": {"en": "talking", "ru": "разговор"},
    "board.total.inbound": {"en": "inbound", "ru": "входящих"},
    "board.total.answered": {"en": "answered", "ru": "принято"},
    "board.total.missed": {"en": "missed/abandoned", "ru": "пропущено/брошено"},
    "board.total.avg_wait": {"en": "average wait", "ru": "среднее ожидание"},
    "board.total.avg_talk": {"en": "average talk", "ru": "средний разговор"},
    "board.total.service_level": {
        "en": "answered ≤ {seconds} s",
        "ru": "отвечено ≤ {seconds} с",
    },
    "board.key.refresh": {"en": "Refresh", "ru": "Обновить"},
    "board.tip.refresh": {
        "en": "Read today's figures from the call log again",
        "ru": "Заново прочитать сегодняшние показатели из журнала звонков",
    },
    "board.key.next_panel": {"en": "Next panel", "ru": "След. панель"},
    "board.tip.next_panel": {
        "en": "Move between the waiting callers and the operators",
        "ru": "Переход между ожидающими и операторами",
    },
    # call history and missed calls
    "history.title": {"en": "Calls", "ru": "Звонки"},
    "history.tab.missed": {"en": "Missed and abandoned", "ru": "Пропущенные и брошенные"},
    "history.tab.calls": {"en": "Call history", "ru": "История звонков"},
    "history.col.time": {"en": "Time", "ru": "Время"},
    "history.col.direction": {"en": "Direction", "ru": "Направление"},
    "history.col.caller": {"en": "Number", "ru": "Номер"},
    "history.col.client": {"en": "Client", "ru": "Клиент"},
    "history.col.queue": {"en": "Queue", "ru": "Очередь"},
    "history.col.operator": {"en": "Operator", "ru": "Оператор"},
    "history.col.disposition": {"en": "Result", "ru": "Итог"},
    "history.col.wait": {"en": "Wait", "ru": "Ожид."},
    "history.col.talk": {"en": "Talk", "ru": "Разг."},
    "history.col.back": {"en": "Called back", "ru": "Перезвонили"},
    "history.col.attempts": {"en": "Tries", "ru": "Попыток"},
    "history.direction.inbound": {"en": "inbound", "ru": "входящий"},
    "history.direction.outbound": {"en": "outbound", "ru": "исходящий"},
    "history.direction.internal": {"en": "internal", "ru": "внутренний"},
    "history.disposition.answered": {"en": "answered", "ru": "отвечен"},
    "history.disposition.missed": {"en": "missed", "ru": "пропущен"},
    "history.disposition.abandoned": {"en": "abandoned", "ru": "брошен"},
    "history.disposition.busy": {"en": "busy", "ru": "занято"},
    "history.disposition.failed": {"en": "failed", "ru": "не состоялся"},
    "history.filter.since": {"en": "From (date)", "ru": "С (дата)"},
    "history.filter.until": {"en": "To (date)", "ru": "По (дата)"},
    "history.filter.operator": {"en": "Operator: any", "ru": "Оператор: все"},
    "history.filter.disposition": {"en": "Result: any", "ru": "Итог: все"},
    "history.filter.client": {"en": "Client no.", "ru": "№ клиента"},
    "history.missed_line": {
        "en": "{count} missed in the last 24 h, {waiting} not called back",
        "ru": "пропущено за 24 ч: {count}, не перезвонили: {waiting}",
    },
    "history.page": {"en": "Page {page}", "ru": "Страница {page}"},
    "history.total": {"en": "{count} calls", "ru": "звонков: {count}"},
    "history.no_client": {
        "en": "No client for this number: nothing to call back",
        "ru": "Номер не принадлежит клиенту: перезвонить некому",
    },
    "history.error": {
        "en": "Could not load calls: {error}",
        "ru": "Не удалось загрузить звонки: {error}",
    },
    "history.key.missed": {"en": "Missed", "ru": "Пропущенные"},
    "history.tip.missed": {
        "en": "Missed and abandoned calls of the last 24 hours",
        "ru": "Пропущенные и брошенные звонки за 24 часа",
    },
    "history.key.calls": {"en": "History", "ru": "История"},
    "history.tip.calls": {
        "en": "Every call, filtered by date, operator, result and client",
        "ru": "Все звонки с фильтрами по дате, оператору, итогу и клиенту",
    },
    "history.key.call_back": {"en": "Call back", "ru": "Перезвонить"},
    "history.tip.call_back": {
        "en": "Call the selected caller back and mark the call as called back",
        "ru": "Перезвонить выбранному абоненту и отметить звонок",
    },
    "history.key.mark": {"en": "Called back", "ru": "Отметить"},
    "history.tip.mark": {
        "en": "Mark (or unmark) the selected missed call as called back",
        "ru": "Отметить (или снять отметку) «перезвонили»",
    },
    "history.key.open": {"en": "Card", "ru": "Карточка"},
    "history.tip.open": {
        "en": "Open the caller's client card",
        "ru": "Открыть карточку клиента",
    },
    "history.key.prev_page": {"en": "Prev page", "ru": "Пред. стр."},
    "history.tip.prev_page": {"en": "Previous page of the history", "ru": "Предыдущая страница"},
    "history.key.next_page": {"en": "Next page", "ru": "След. стр."},
    "history.tip.next_page": {"en": "Next page of the history", "ru": "Следующая страница"},
    "history.key.reload": {"en": "Reload", "ru": "Обновить"},
    "history.tip.reload": {
        "en": "Read the call log again",
        "ru": "Заново прочитать журнал звонков",
    },
}
