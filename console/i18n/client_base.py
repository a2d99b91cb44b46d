"""Words of the client base's administration: merging two cards, the audit trail («who
did what»), the tariffs screen, and the refusals and lines of their commands."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    # --- a merge: what moves
    "merge.moves": {"en": "Moves: {moves}", "ru": "Переходят: {moves}"},
    "merge.moves.nothing": {"en": "nothing", "ru": "ничего"},
    "merge.moves.client_phones": {"en": "phones", "ru": "телефоны"},
    "merge.moves.calls": {"en": "calls", "ru": "звонки"},
    "merge.moves.debts": {"en": "debts", "ru": "долги"},
    "merge.moves.account_operations": {"en": "account operations", "ru": "операции по счёту"},
    "merge.moves.audit_log": {"en": "history entries", "ru": "записи истории"},
    "merge.moves.client_addresses": {"en": "addresses", "ru": "адреса"},
    # --- opconsole clients merge
    "cli.merge.would": {
        "en": "would merge {other} (#{other_id}) into {survivor} (#{survivor_id}); "
        "dry run, nothing written",
        "ru": "будет объединено: {other} (#{other_id}) → {survivor} (#{survivor_id}); "
        "пробный запуск, ничего не записано",
    },
    "cli.merge.done": {
        "en": "merged {other} (#{other_id}) into {survivor} (#{survivor_id})",
        "ru": "объединено: {other} (#{other_id}) → {survivor} (#{survivor_id})",
    },
    "cli.merge.field": {
        "en": "  {field}: {value} (not {dropped})",
        "ru": "  {field}: {value} (вместо {dropped})",
    },
    "cli.merge.not_found": {"en": "no client #{id}", "ru": "нет клиента #{id}"},
    "cli.action.merge clients": {"en": "merge clients", "ru": "объединять клиентов"},
    # values storage refuses in a merge (storage.errors.InvalidChange.code)
    "invalid.merge_self": {
        "en": "a client cannot be merged with itself",
        "ru": "клиента нельзя объединить с самим собой",
    },
    "invalid.merge_no_difference": {
        "en": "the two cards do not differ in this field",
        "ru": "в этом поле карточки не различаются",
    },
    "invalid.merge_stale": {
        "en": "one of the cards changed since the preview; look again",
        "ru": "одна из карточек изменилась после просмотра; проверьте ещё раз",
    },
    # --- the audit trail: fields the card form has no label for
    "audit.field.name": {"en": "Name", "ru": "Имя"},
    "audit.field.other": {"en": "Other card", "ru": "Другая карточка"},
    "audit.field.language": {"en": "Language", "ru": "Язык"},
    "audit.field.rating": {"en": "Rating", "ru": "Рейтинг"},
    "audit.field.phones": {"en": "Phones", "ru": "Телефоны"},
    "audit.field.label": {"en": "Label", "ru": "Подпись"},
    "audit.field.phone_labels": {"en": "Phone labels", "ru": "Подписи телефонов"},
    "audit.field.blacklisted": {"en": "Blacklisted", "ru": "В чёрном списке"},
    "audit.field.blacklisted_at": {"en": "Blacklisted at", "ru": "Внесён в чёрный список"},
    "audit.field.blacklisted_by": {"en": "Blacklisted by", "ru": "Внёс в чёрный список"},
    "audit.field.registered_at": {"en": "Registered", "ru": "Зарегистрирован"},
    "audit.field.last_call_at": {"en": "Last call", "ru": "Последний звонок"},
    "audit.field.last_order_at": {"en": "Last order", "ru": "Последний заказ"},
    "audit.field.merged_from": {"en": "Merged with card", "ru": "Объединён с карточкой"},
    "audit.field.merged_into": {"en": "Merged into card", "ru": "Объединён в карточку"},
    "audit.field.moved": {"en": "Moved", "ru": "Перенесено"},
    "audit.field.card": {"en": "Card", "ru": "Карточка"},
    "audit.field.active": {"en": "Offered", "ru": "Предлагается"},
    "audit.field.kind": {"en": "Kind", "ru": "Вид"},
    "audit.field.order_ref": {"en": "Order", "ru": "Заказ"},
    "audit.field.paid_at": {"en": "Paid at", "ru": "Оплачен"},
    "audit.field.payment_comment": {"en": "Payment comment", "ru": "Комментарий к оплате"},
    "audit.field.client_phones": {"en": "Phones", "ru": "Телефоны"},
    "audit.field.calls": {"en": "Calls", "ru": "Звонки"},
    "audit.field.debts": {"en": "Debts", "ru": "Долги"},
    "audit.field.account_operations": {"en": "Operations", "ru": "Операции"},
    "audit.field.audit_log": {"en": "History", "ru": "История"},
    # kinds of change (storage.audit.CHANGE_KINDS)
    "audit.kind.card": {"en": "Card", "ru": "Карточка"},
    "audit.kind.phones": {"en": "Phones", "ru": "Телефоны"},
    "audit.kind.blacklist": {"en": "Blacklist", "ru": "Чёрный список"},
    "audit.kind.money": {"en": "Money", "ru": "Деньги"},
    "audit.kind.debts": {"en": "Debts", "ru": "Долги"},
    "audit.kind.addresses": {"en": "Addresses", "ru": "Адреса"},
    "audit.kind.companies": {"en": "Companies", "ru": "Организации"},
    "audit.kind.merge": {"en": "Merges", "ru": "Объединения"},
    "audit.kind.tariffs": {"en": "Tariffs", "ru": "Тарифы"},
    "audit.kind.other": {"en": "Other", "ru": "Прочее"},
    # what an entry did
    "audit.action.create": {"en": "Client created", "ru": "Клиент создан"},
    "audit.action.update": {"en": "Card edited", "ru": "Карточка изменена"},
    "audit.action.tariff": {"en": "Tariff set", "ru": "Тариф изменён"},
    "audit.action.counters": {"en": "Counters changed", "ru": "Счётчики изменены"},
    "audit.action.phone_add": {"en": "Phone added", "ru": "Телефон добавлен"},
    "audit.action.phone_remove": {"en": "Phone removed", "ru": "Телефон удалён"},
    "audit.action.blacklist": {"en": "Blacklist changed", "ru": "Чёрный список изменён"},
    "audit.action.money_credit": {"en": "Account topped up", "ru": "Счёт пополнен"},
    "audit.action.money_debit": {"en": "Account debited", "ru": "Списание со счёта"},
    "audit.action.money_correction": {"en": "Account corrected", "ru": "Поправка счёта"},
    "audit.action.money_bonus_credit": {"en": "Bonuses credited", "ru": "Бонусы начислены"},
    "audit.action.money_bonus_spend": {"en": "Bonuses spent", "ru": "Бонусы списаны"},
    "audit.action.debt_add": {"en": "Debt added", "ru": "Долг добавлен"},
    "audit.action.debt_paid": {"en": "Debt paid", "ru": "Долг оплачен"},
    "audit.action.merge": {"en": "Cards merged", "ru": "Карточки объединены"},
    "audit.action.merged_into": {
        "en": "Card merged into another",
        "ru": "Карточка объединена с другой",
    },
    "audit.action.tariff_add": {"en": "Tariff added", "ru": "Тариф добавлен"},
    "audit.action.tariff_rename": {"en": "Tariff renamed", "ru": "Тариф переименован"},
    "audit.action.tariff_retire": {"en": "Tariff retired", "ru": "Тариф снят с продажи"},
    "audit.action.tariff_restore": {"en": "Tariff offered again", "ru": "Тариф возвращён"},
    "audit.from_import": {"en": "from an Excel import", "ru": "загрузка из Excel"},
    # --- a supervisor's actions on the board (storage.audit OPERATOR_ENTITY)
    "audit.kind.queues": {"en": "Queues", "ru": "Очереди"},
    "audit.kind.supervision": {"en": "Calls", "ru": "Звонки"},  # listen-in, pickup
    "audit.action.queue_pause": {"en": "Operator paused", "ru": "Оператор поставлен на паузу"},
    "audit.action.queue_unpause": {
        "en": "Operator back from pause",
        "ru": "Оператор снят с паузы",
    },
    "audit.action.queue_login": {
        "en": "Operator logged in to a queue",
        "ru": "Оператор включён в очередь",
    },
    "audit.action.queue_logout": {
        "en": "Operator logged out of a queue",
        "ru": "Оператор выведен из очереди",
    },
    "audit.action.spy_listen": {"en": "Listened in on a call", "ru": "Прослушивание разговора"},
    "audit.action.spy_whisper": {"en": "Whispered to an operator", "ru": "Подсказка оператору"},
    "audit.action.spy_barge": {"en": "Barged in on a call", "ru": "Вмешательство в разговор"},
    "audit.action.call_pickup": {
        "en": "Call ringing at a colleague picked up",
        "ru": "Перехват звонка у коллеги",
    },
    "audit.field.operator": {"en": "Operator", "ru": "Оператор"},
    "audit.field.queue": {"en": "Queue", "ru": "Очередь"},
    "audit.queue.all": {"en": "every queue", "ru": "все очереди"},
    # a client the trail names: gone since (no card to open)
    "audit.client.gone": {"en": "card #{id} (gone)", "ru": "карточка №{id} (удалена)"},
    # --- the trail as an Excel sheet
    "xlsx.audit.title": {"en": "Who did what", "ru": "Кто что менял"},
    "xlsx.audit.col.at": {"en": "When", "ru": "Когда"},
    "xlsx.audit.col.actor": {"en": "Who", "ru": "Кто"},
    "xlsx.audit.col.client": {"en": "Client", "ru": "Клиент"},
    "xlsx.audit.col.client_id": {"en": "Client id", "ru": "Номер клиента"},
    "xlsx.audit.col.kind": {"en": "Kind of change", "ru": "Вид изменения"},
    "xlsx.audit.col.change": {"en": "What changed", "ru": "Что изменено"},
    # --- screens and their keys
    "mode.audit": {"en": "Who did what", "ru": "Кто что менял"},
    "mode.tariffs": {"en": "Tariffs", "ru": "Тарифы"},
    "key.mode.audit": {"en": "Who did what", "ru": "Кто что менял"},
    "key.mode.audit.tip": {
        "en": "Every change made at the desk: by whom, when, what; filters and Excel",
        "ru": "Все изменения на пульте: кто, когда, что; фильтры и выгрузка в Excel",
    },
    "key.mode.tariffs": {"en": "Tariffs", "ru": "Тарифы"},
    "key.mode.tariffs.tip": {
        "en": "The desk's tariffs: add, rename, retire, offer again",
        "ru": "Тарифы пульта: добавить, переименовать, снять с продажи, вернуть",
    },
    "key.card.audit": {"en": "Who did what", "ru": "Кто что менял"},
    "key.card.audit.tip": {
        "en": "Every change to this client: when, who, what (old → new)",
        "ru": "Все изменения клиента: когда, кто, что (было → стало)",
    },
    "key.card.merge": {"en": "Merge", "ru": "Объединить"},
    "key.card.merge.tip": {
        "en": "Bring another card of this client into this one (phones, calls, debts, money)",
        "ru": "Перенести в эту карточку другую карточку клиента (телефоны, звонки, долги, счёт)",
    },
    "worker.change_tariff": {"en": "change tariff", "ru": "изменение тарифа"},
    "worker.audit_trail": {"en": "audit trail", "ru": "история изменений"},
    "worker.client_search": {"en": "client search", "ru": "поиск клиента"},
    # --- the audit trail on screen
    "audit.title": {"en": "Who did what", "ru": "Кто что менял"},
    "audit.dialog.title": {"en": "Who did what: {name}", "ru": "Кто что менял: {name}"},
    "audit.entry.head": {"en": "{at} · {who}", "ru": "{at} · {who}"},
    "audit.none": {"en": "No changes recorded.", "ru": "Изменений не записано."},
    "audit.page": {"en": "Page {page}", "ru": "Страница {page}"},
    "audit.col.at": {"en": "When", "ru": "Когда"},
    "audit.col.who": {"en": "Who", "ru": "Кто"},
    "audit.col.client": {"en": "Client", "ru": "Клиент"},
    "audit.col.kind": {"en": "Kind", "ru": "Вид"},
    "audit.col.change": {"en": "What changed", "ru": "Что изменено"},
    "audit.filter.operator": {"en": "Who: anyone", "ru": "Кто: все"},
    "audit.filter.since": {"en": "From (date)", "ru": "С (дата)"},
    "audit.filter.until": {"en": "To (date)", "ru": "По (дату)"},
    "audit.filter.kind": {"en": "Kind: any", "ru": "Вид: любой"},
    "audit.key.close": {"en": "Close", "ru": "Закрыть"},
    "audit.tip.close": {"en": "Back to the card", "ru": "Вернуться к карточке"},
    "audit.key.open": {"en": "Card", "ru": "Карточка"},
    "audit.tip.open": {
        "en": "Open the card of the client the change concerns",
        "ru": "Открыть карточку клиента, которого касается изменение",
    },
    "audit.key.prev_page": {"en": "Previous", "ru": "Назад"},
    "audit.tip.prev_page": {"en": "Newer changes", "ru": "Более новые изменения"},
    "audit.key.next_page": {"en": "Next", "ru": "Дальше"},
    "audit.tip.next_page": {"en": "Older changes", "ru": "Более старые изменения"},
    "audit.key.reload": {"en": "Refresh", "ru": "Обновить"},
    "audit.tip.reload": {"en": "Read the trail again", "ru": "Перечитать историю"},
    "audit.tip.export": {
        "en": "Write the changes the filters select to an Excel (.xlsx) file",
        "ru": "Выгрузить изменения, выбранные фильтрами, в файл Excel (.xlsx)",
    },
    "audit.export.title": {"en": "Who did what to Excel", "ru": "Кто что менял — в Excel"},
    "audit.export.about": {
        "en": "The changes the filters select, oldest first: when, who, client, what.",
        "ru": "Изменения, выбранные фильтрами, от старых к новым: когда, кто, клиент, что.",
    },
    # --- the tariffs screen
    "tariffs.title": {"en": "Tariffs", "ru": "Тарифы"},
    "tariffs.about": {
        "en": "A retired tariff stays on its clients and is offered no more. "
        "Changes need a supervisor or an admin.",
        "ru": "Тариф, снятый с продажи, остаётся у своих клиентов, но больше не предлагается. "
        "Изменять тарифы может старший смены или администратор.",
    },
    "tariffs.col.name": {"en": "Tariff", "ru": "Тариф"},
    "tariffs.col.clients": {"en": "Clients", "ru": "Клиентов"},
    "tariffs.col.state": {"en": "State", "ru": "Состояние"},
    "tariffs.state.offered": {"en": "offered", "ru": "предлагается"},
    "tariffs.state.retired": {"en": "retired", "ru": "снят с продажи"},
    "tariffs.line": {
        "en": "Offered: {offered} · retired: {retired}",
        "ru": "Предлагается: {offered} · снято с продажи: {retired}",
    },
    "tariffs.none": {
        "en": "No tariffs yet: A adds one.",
        "ru": "Тарифов пока нет: A — добавить.",
    },
    "tariffs.key.add": {"en": "Add", "ru": "Добавить"},
    "tariffs.tip.add": {"en": "A new tariff, offered from now on", "ru": "Новый тариф"},
    "tariffs.key.rename": {"en": "Rename", "ru": "Переименовать"},
    "tariffs.tip.rename": {
        "en": "Rename the tariff; its clients keep it",
        "ru": "Переименовать тариф; клиенты его сохраняют",
    },
    "tariffs.key.retire": {"en": "Retire/restore", "ru": "Снять/вернуть"},
    "tariffs.tip.retire": {
        "en": "Stop offering the tariff (its clients keep it), or offer it again",
        "ru": "Снять тариф с продажи (у клиентов он остаётся) или вернуть его",
    },
    "tariffs.key.reload": {"en": "Refresh", "ru": "Обновить"},
    "tariffs.tip.reload": {"en": "Read the tariffs again", "ru": "Перечитать тарифы"},
    "tariffs.add.title": {"en": "New tariff", "ru": "Новый тариф"},
    "tariffs.add.label": {"en": "Name", "ru": "Название"},
    "tariffs.rename.title": {"en": "Rename tariff {name}", "ru": "Переименовать тариф: {name}"},
    "tariffs.rename.label": {"en": "New name", "ru": "Новое название"},
    "tariffs.retire.question": {
        "en": "Stop offering tariff {name}? Its {clients} client(s) keep it.",
        "ru": "Снять с продажи тариф {name}? У клиентов ({clients}) он останется.",
    },
    "tariffs.added": {"en": "Tariff {name} added.", "ru": "Тариф {name} добавлен."},
    "tariffs.renamed": {
        "en": "Tariff {old} is now {new}.",
        "ru": "Тариф {old} теперь называется {new}.",
    },
    "tariffs.retired": {
        "en": "Tariff {name} is offered no more.",
        "ru": "Тариф {name} снят с продажи.",
    },
    "tariffs.restored": {
        "en": "Tariff {name} is offered again.",
        "ru": "Тариф {name} снова предлагается.",
    },
    # --- merging from the card
    "merge.pick.title": {
        "en": "Merge into {name}: find the other card",
        "ru": "Объединить с карточкой {name}: найдите другую карточку",
    },
    "merge.pick.placeholder": {
        "en": "Name, phone or e-mail",
        "ru": "Имя, телефон или эл. почта",
    },
    "merge.pick.hint": {
        "en": "Type to search; Enter goes to the list, Enter there picks.",
        "ru": "Начните вводить; Enter — к списку, Enter в списке — выбрать.",
    },
    "merge.pick.none": {"en": "Nobody found.", "ru": "Никого не найдено."},
    "merge.title": {
        "en": "Merge {other} (#{other_id}) into {survivor} (#{survivor_id})",
        "ru": "Объединение: {other} (#{other_id}) → {survivor} (#{survivor_id})",
    },
    "merge.col.field": {"en": "Field", "ru": "Поле"},
    "merge.col.survivor": {"en": "Kept card #{id}", "ru": "Остаётся #{id}"},
    "merge.col.other": {"en": "Merged card #{id}", "ru": "Уходит #{id}"},
    "merge.note": {
        "en": "● is the value kept. Space takes the other one. Counters add up, the balance "
        "is summed from the operations, a blacklist stays.",
        "ru": "● — значение, которое останется. Пробел — взять другое. Счётчики "
        "складываются, баланс пересчитывается по операциям, чёрный список сохраняется.",
    },
    "merge.same": {
        "en": "The cards do not differ in any field.",
        "ru": "Карточки ни в одном поле не различаются.",
    },
    "merge.button": {"en": "Merge", "ru": "Объединить"},
    "merge.key.toggle": {"en": "Other value", "ru": "Другое значение"},
    "merge.tip.toggle": {
        "en": "Keep the other card's value of this field",
        "ru": "Оставить значение другой карточки в этом поле",
    },
    "merge.key.merge": {"en": "Merge", "ru": "Объединить"},
    "merge.tip.merge": {
        "en": "Move everything to the kept card and delete the other",
        "ru": "Перенести всё в оставшуюся карточку и удалить другую",
    },
    "merge.done": {
        "en": "{other} merged into {survivor}.",
        "ru": "Объединено: {other} → {survivor}.",
    },
    # --- the import dialog
    "transfer.import.create_tariffs": {
        "en": "Create missing tariffs",
        "ru": "Создать недостающие тарифы",
    },
    "transfer.import.rejected_tariffs": {
        "en": "The file names tariffs this database has not: nothing was imported.",
        "ru": "В файле есть тарифы, которых нет в базе; ничего не импортировано.",
    },
}
