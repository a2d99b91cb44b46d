"""Strings of the client base screen (console/screens/clients.py and its widgets)."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    "clients.title": {"en": "Client base", "ru": "База клиентов"},
    "clients.search.placeholder": {
        "en": "Search: name, phone digits, email…",
        "ru": "Поиск: имя, цифры телефона, e-mail…",
    },
    # filters
    "clients.filter.city": {"en": "City: any", "ru": "Город: все"},
    "clients.filter.blacklist": {"en": "Blacklist: any", "ru": "Чёрный список: все"},
    "clients.filter.blacklisted": {"en": "Blacklisted", "ru": "В чёрном списке"},
    "clients.filter.not_blacklisted": {"en": "Not blacklisted", "ru": "Не в чёрном списке"},
    "clients.filter.status": {"en": "Status: any", "ru": "Статус: все"},
    "clients.filter.activity": {"en": "Activity: any", "ru": "Активность: все"},
    "clients.filter.tariff": {"en": "Tariff: any", "ru": "Тариф: все"},
    "clients.filter.debts": {"en": "Debts: any", "ru": "Долги: все"},
    "clients.filter.with_debts": {"en": "With debts", "ru": "С долгами"},
    "clients.filter.without_debts": {"en": "No debts", "ru": "Без долгов"},
    # status and activity values: word.status.*, word.activity.* (console/i18n/xlsx.py)
    # columns
    "clients.col.name": {"en": "Name", "ru": "Имя"},
    "clients.col.phone": {"en": "Phone", "ru": "Телефон"},
    "clients.col.city": {"en": "City", "ru": "Город"},
    "clients.col.tariff": {"en": "Tariff", "ru": "Тариф"},
    "clients.col.status": {"en": "Status", "ru": "Статус"},
    "clients.col.activity": {"en": "Activity", "ru": "Активность"},
    "clients.col.orders": {"en": "Orders", "ru": "Заказы"},
    "clients.col.debt": {"en": "Debt", "ru": "Долг"},
    "clients.col.registered": {"en": "Registered", "ru": "Регистрация"},
    "clients.col.last_call": {"en": "Last call", "ru": "Звонок"},
    # keys (footer) and their tooltips (footer hover, command palette help)
    "clients.key.search": {"en": "Search", "ru": "Поиск"},
    "clients.tip.search": {
        "en": "Type a name, phone digits or email; the table follows as you type",
        "ru": "Имя, цифры телефона или e-mail; таблица обновляется по мере ввода",
    },
    "clients.key.filters": {"en": "Filters", "ru": "Фильтры"},
    "clients.tip.filters": {
        "en": "Go to the filters: city, blacklist, status, activity, tariff, debts",
        "ru": "К фильтрам: город, чёрный список, статус, активность, тариф, долги",
    },
    "clients.key.reset": {"en": "Reset", "ru": "Сбросить"},
    "clients.tip.reset": {
        "en": "Clear the search and every filter",
        "ru": "Очистить поиск и все фильтры",
    },
    "clients.key.open": {"en": "Card", "ru": "Карточка"},
    "clients.tip.open": {
        "en": "Open the selected client's card",
        "ru": "Открыть карточку выбранного клиента",
    },
    "clients.key.call": {"en": "Call", "ru": "Позвонить"},
    "clients.tip.call": {
        "en": "Call the selected client: your phone rings first, then the client's",
        "ru": "Позвонить клиенту: сначала звонит ваш телефон, затем клиента",
    },
    "clients.key.new": {"en": "New client", "ru": "Новый клиент"},
    "clients.tip.new": {"en": "Register a new client", "ru": "Зарегистрировать нового клиента"},
    "clients.key.sort": {"en": "Sort", "ru": "Сортировка"},
    "clients.tip.sort": {
        "en": "Sort by the next column (or click a column header)",
        "ru": "Сортировать по следующему столбцу (или щёлкните заголовок)",
    },
    "clients.key.reverse": {"en": "Reverse", "ru": "Обратно"},
    "clients.tip.reverse": {"en": "Reverse the sort order", "ru": "Обратный порядок сортировки"},
    "clients.key.prev_page": {"en": "Prev page", "ru": "Пред. стр."},
    "clients.tip.prev_page": {"en": "Previous page", "ru": "Предыдущая страница"},
    "clients.key.next_page": {"en": "Next page", "ru": "След. стр."},
    "clients.tip.next_page": {"en": "Next page", "ru": "Следующая страница"},
    "clients.key.first_page": {"en": "First page", "ru": "Первая стр."},
    "clients.tip.first_page": {"en": "Back to the first page", "ru": "К первой странице"},
    # page line and messages
    "clients.loading": {"en": "Loading…", "ru": "Загрузка…"},
    "clients.page": {"en": "Page {page}", "ru": "Страница {page}"},
    "clients.page_of": {"en": "Page {page} of {pages}", "ru": "Страница {page} из {pages}"},
    "clients.total": {"en": "{count} clients", "ru": "клиентов: {count}"},
    "clients.total_at_least": {"en": "over {count} clients", "ru": "клиентов: более {count}"},
    "clients.search_capped": {
        "en": "showing the first matches: type more to narrow",
        "ru": "показаны первые совпадения: уточните запрос",
    },
    "clients.rows": {"en": "rows {first}–{last}", "ru": "строки {first}–{last}"},
    "clients.none": {"en": "no clients match", "ru": "нет подходящих клиентов"},
    "clients.per_page": {"en": "{size} per page", "ru": "по {size} на странице"},
    "clients.sorted_by": {"en": "sorted by {column}", "ru": "сортировка: {column}"},
    "clients.not_sortable": {
        "en": "This column cannot be sorted",
        "ru": "По этому столбцу сортировать нельзя",
    },
    "clients.error": {
        "en": "Could not load clients: {error}",
        "ru": "Не удалось загрузить клиентов: {error}",
    },
}
