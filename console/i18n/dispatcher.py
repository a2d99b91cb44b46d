"""Strings of the dispatcher screen: live calls, popups, the client card, click-to-call."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    "dispatcher.title": {"en": "Dispatcher", "ru": "Диспетчер"},
    "dispatcher.idle": {
        "en": "No calls at extension {ext}. A ringing call opens the caller's card here.",
        "ru": "Звонков на номер {ext} нет. При звонке здесь откроется карточка звонящего.",
    },
    # keys
    "key.popup.next": {"en": "Next call", "ru": "След. звонок"},
    "key.popup.next.tip": {
        "en": "Show the next caller's card",
        "ru": "Показать карточку следующего звонящего",
    },
    "key.popup.previous": {"en": "Prev. call", "ru": "Пред. звонок"},
    "key.popup.previous.tip": {
        "en": "Show the previous caller's card",
        "ru": "Показать карточку предыдущего звонящего",
    },
    "key.popup.close": {"en": "Dismiss", "ru": "Убрать"},
    "key.popup.close.tip": {"en": "Close this call's card", "ru": "Закрыть карточку звонка"},
    "key.calls.focus": {"en": "Live calls", "ru": "Звонки"},
    "key.calls.focus.tip": {
        "en": "Move to the live calls list",
        "ru": "Перейти к списку текущих звонков",
    },
    "key.card.edit": {"en": "Edit", "ru": "Изменить"},
    "key.card.edit.tip": {"en": "Edit the client's details", "ru": "Изменить данные клиента"},
    "key.card.all_fields": {"en": "All fields", "ru": "Все поля"},
    "key.card.all_fields.tip": {
        "en": "Show every field of the client, not only the main ones",
        "ru": "Показать все поля клиента, не только главные",
    },
    "key.card.save": {"en": "Save", "ru": "Сохранить"},
    "key.card.save.tip": {"en": "Save the changes", "ru": "Сохранить изменения"},
    "key.card.cancel": {"en": "Cancel edit", "ru": "Отменить"},
    "key.card.cancel.tip": {
        "en": "Leave edit mode (asks first if something was typed)",
        "ru": "Выйти из редактирования (если что-то введено, спросит)",
    },
    "key.card.call": {"en": "Call", "ru": "Позвонить"},
    "key.card.call.tip": {
        "en": "Ring my phone, then the client",
        "ru": "Позвонить на мой телефон, затем клиенту",
    },
    "key.card.blacklist": {"en": "Blacklist", "ru": "Чёрный список"},
    "key.card.blacklist.tip": {
        "en": "Blacklist the client (with a reason) or lift it",
        "ru": "Внести в чёрный список (с причиной) или снять",
    },
    "key.card.add_phone": {"en": "Add phone", "ru": "+ телефон"},
    "key.card.add_phone.tip": {
        "en": "Add another phone number",
        "ru": "Добавить ещё один номер телефона",
    },
    "key.card.remove_phone": {"en": "Remove phone", "ru": "Удалить тел."},
    "key.card.remove_phone.tip": {
        "en": "Remove one of the client's numbers",
        "ru": "Удалить один из номеров клиента",
    },
    "key.card.add_debt": {"en": "Add debt", "ru": "Долг"},
    "key.card.add_debt.tip": {
        "en": "Record a debt (amount, order, reason)",
        "ru": "Записать долг (сумма, заказ, причина)",
    },
    "key.card.mark_paid": {"en": "Debt paid", "ru": "Долг оплачен"},
    "key.card.mark_paid.tip": {
        "en": "Mark one of the unpaid debts paid (which, date, comment)",
        "ru": "Отметить один из долгов оплаченным (какой, дата, комментарий)",
    },
    "key.card.close": {"en": "Close", "ru": "Закрыть"},
    "key.card.close.tip": {"en": "Close the card", "ru": "Закрыть карточку"},
    # live calls strip
    "calls.col.state": {"en": "State", "ru": "Состояние"},
    "calls.col.operator": {"en": "Operator", "ru": "Оператор"},
    "calls.col.caller": {"en": "Caller", "ru": "Звонящий"},
    "calls.col.cid_name": {"en": "Caller ID name", "ru": "Имя АОН"},
    "calls.col.client": {"en": "Client", "ru": "Клиент"},
    "calls.col.queue": {"en": "Queue", "ru": "Очередь"},
    "calls.col.time": {"en": "Time", "ru": "Время"},
    "calls.state.ringing": {"en": "ringing", "ru": "звонит"},
    "calls.state.queued": {"en": "waiting", "ru": "ожидает"},
    "calls.state.talking": {"en": "talking", "ru": "разговор"},
    # popups
    "popup.line": {
        "en": "{state}: {caller}{queue} · {at}",
        "ru": "{state}: {caller}{queue} · {at}",
    },
    "popup.queue": {"en": "via queue {queue}", "ru": "через очередь {queue}"},
    "popup.state.ringing": {"en": "Ringing", "ru": "Звонок"},
    "popup.state.talking": {"en": "Talking", "ru": "Разговор"},
    "popup.state.missed": {"en": "Missed", "ru": "Пропущен"},
    "popup.state.ended": {"en": "Ended", "ru": "Завершён"},
    "popup.state.elsewhere": {"en": "Answered elsewhere", "ru": "Принят другим"},
    "popup.withheld": {
        "en": "The caller's number is withheld: no card, nothing is recorded for a client.",
        "ru": "Номер звонящего скрыт: карточки нет, клиент не создаётся.",
    },
    "popup.invalid": {
        "en": "«{raw}» is not a number a client can be called back on: no card.",
        "ru": "«{raw}» — не номер, по которому можно перезвонить: карточки нет.",
    },
    "popup.internal": {
        "en": "Internal call from {who}: a colleague, not a client.",
        "ru": "Внутренний звонок: {who}, коллега, не клиент.",
    },
    "popup.colleague": {"en": "colleague {who}", "ru": "коллега {who}"},
    "popup.created": {
        "en": "First call from {phone}: a new client with this number was registered."
        " Type the name.",
        "ru": "Первый звонок с номера {phone}: зарегистрирован новый клиент с этим номером."
        " Введите имя.",
    },
    "popup.not_registered": {
        "en": "First call: the caller could not be registered (no database)."
        " Type the name: saving creates the client.",
        "ru": "Первый звонок: клиента не удалось зарегистрировать (нет базы данных)."
        " Введите имя: при сохранении клиент будет создан.",
    },
    # card
    "card.title": {"en": "Client card", "ru": "Карточка клиента"},
    "card.loading": {"en": "Loading the card…", "ru": "Загрузка карточки…"},
    "card.new": {"en": "New client", "ru": "Новый клиент"},
    "popup.tabs.keys": {"en": "  ] [ other calls", "ru": "  ] [ другие звонки"},
    "popup.tabs.keys.typing": {"en": "  ctrl+n other calls", "ru": "  ctrl+n другие звонки"},
    "card.name.unnamed": {"en": "(no name yet)", "ru": "(имя не указано)"},
    "card.blacklist.banner": {
        "en": "⛔ BLACKLISTED since {since} by {by}: {reason}",
        "ru": "⛔ ЧЁРНЫЙ СПИСОК с {since}, внёс {by}: {reason}",
    },
    "card.debts.blocked": {
        "en": "ORDERS BLOCKED: {count} unpaid debts, {total}",
        "ru": "ЗАКАЗЫ ЗАБЛОКИРОВАНЫ: неоплаченных долгов {count}, на {total}",
    },
    "card.tariff.badge": {"en": "Tariff: {tariff}", "ru": "Тариф: {tariff}"},
    "card.tariff.none": {"en": "not set", "ru": "не задан"},
    "card.counters": {
        "en": "Orders: completed {completed} · false {false} · bonus {bonus} · "
        "complaints {complaints}",
        "ru": "Заказы: выполнено {completed} · ложных {false} · бонусных {bonus} · "
        "жалоб {complaints}",
    },
    "card.phones": {"en": "Phones: {phones}", "ru": "Телефоны: {phones}"},
    "card.address": {"en": "Address: {address}", "ru": "Адрес: {address}"},
    "card.entrance": {"en": "entrance {entrance}", "ru": "под. {entrance}"},
    "card.comment": {
        "en": "Comment (staff only): {comment}",
        "ru": "Комментарий (для сотрудников): {comment}",
    },
    "card.status": {
        "en": "Status: {status} · activity: {activity} · since {registered}",
        "ru": "Статус: {status} · активность: {activity} · с {registered}",
    },
    "card.status.new": {"en": "new", "ru": "новый"},
    "card.status.regular": {"en": "regular", "ru": "постоянный"},
    "card.status.vip": {"en": "VIP", "ru": "VIP"},
    "card.status.inactive": {"en": "inactive", "ru": "неактивный"},
    "card.activity.new": {"en": "new", "ru": "новый"},
    "card.activity.active": {"en": "active", "ru": "активный"},
    "card.activity.recent": {"en": "recent", "ru": "недавний"},
    "card.activity.inactive": {"en": "inactive", "ru": "неактивный"},
    "card.kind.personal": {"en": "person", "ru": "частное лицо"},
    "card.kind.corporate": {"en": "organisation", "ru": "организация"},
    "card.debts.title": {"en": "Debts", "ru": "Долги"},
    "card.debts.none": {"en": "No unpaid debts", "ru": "Неоплаченных долгов нет"},
    "card.debts.total": {
        "en": "Unpaid: {count}, total {total}",
        "ru": "Не оплачено: {count}, всего {total}",
    },
    "card.debts.col.order": {"en": "Order", "ru": "Заказ"},
    "card.debts.col.date": {"en": "Date", "ru": "Дата"},
    "card.debts.col.amount": {"en": "Amount", "ru": "Сумма"},
    "card.debts.col.reason": {"en": "Reason", "ru": "Причина"},
    "card.debt.reason.late_cancel": {"en": "late cancellation", "ru": "поздняя отмена"},
    "card.debt.reason.unpaid_order": {"en": "unpaid order", "ru": "неоплаченный заказ"},
    "card.debt.reason.manual": {"en": "other", "ru": "прочее"},
    "card.calls.title": {"en": "Last calls", "ru": "Последние звонки"},
    "card.calls.none": {"en": "No calls yet", "ru": "Звонков пока нет"},
    "card.calls.col.when": {"en": "When", "ru": "Когда"},
    "card.calls.col.direction": {"en": "Direction", "ru": "Направление"},
    "card.calls.col.result": {"en": "Result", "ru": "Итог"},
    "card.calls.col.operator": {"en": "Operator", "ru": "Оператор"},
    "card.calls.col.talk": {"en": "Talk", "ru": "Разговор"},
    "card.call.direction.inbound": {"en": "incoming", "ru": "входящий"},
    "card.call.direction.outbound": {"en": "outgoing", "ru": "исходящий"},
    "card.call.direction.internal": {"en": "internal", "ru": "внутренний"},
    "card.call.disposition.answered": {"en": "answered", "ru": "принят"},
    "card.call.disposition.missed": {"en": "missed", "ru": "пропущен"},
    "card.call.disposition.abandoned": {"en": "abandoned", "ru": "брошен"},
    "card.call.disposition.busy": {"en": "busy", "ru": "занято"},
    "card.call.disposition.failed": {"en": "failed", "ru": "не состоялся"},
    # edit mode
    "card.edit.hint": {
        "en": "Edit mode: Ctrl+S saves, Esc leaves.",
        "ru": "Редактирование: Ctrl+S — сохранить, Esc — выйти.",
    },
    "card.edit.hint.quick": {
        "en": "New caller: the main fields. F6 shows all fields, Ctrl+S saves, Esc leaves.",
        "ru": "Новый клиент: главные поля. F6 — все поля, Ctrl+S — сохранить, Esc — выйти.",
    },
    "card.edit.bad_date": {"en": "not a date (DD.MM.YYYY)", "ru": "не дата (ДД.ММ.ГГГГ)"},
    "card.edit.bad_number": {"en": "not an amount", "ru": "не сумма"},
    "card.field.phone": {"en": "Phone", "ru": "Телефон"},
    "card.field.last_name": {"en": "Last name", "ru": "Фамилия"},
    "card.field.first_name": {"en": "First name", "ru": "Имя"},
    "card.field.middle_name": {"en": "Middle name", "ru": "Отчество"},
    "card.field.kind": {"en": "Kind", "ru": "Тип"},
    "card.field.organisation": {"en": "Organisation", "ru": "Организация"},
    "card.field.city": {"en": "City", "ru": "Город"},
    "card.field.street": {"en": "Street", "ru": "Улица"},
    "card.field.house": {"en": "House", "ru": "Дом"},
    "card.field.entrance": {"en": "Entrance", "ru": "Подъезд"},
    "card.field.email": {"en": "E-mail", "ru": "Эл. почта"},
    # fields storage may refuse outside the form (a debt, the counters)
    "card.field.counters": {"en": "Counters", "ru": "Счётчики"},
    "card.field.amount": {"en": "Amount", "ru": "Сумма"},
    "card.field.reason": {"en": "Reason", "ru": "Причина"},
    "card.field.currency": {"en": "Currency", "ru": "Валюта"},
    "card.field.birthday": {"en": "Birthday", "ru": "День рождения"},
    "card.field.status": {"en": "Status", "ru": "Статус"},
    "card.field.tariff_id": {"en": "Default tariff", "ru": "Тариф по умолчанию"},
    "card.field.comment": {"en": "Comment", "ru": "Комментарий"},
    "card.field.balance": {"en": "Balance", "ru": "Баланс"},
    "card.field.bonus_balance": {"en": "Bonus balance", "ru": "Бонусный баланс"},
    "card.field.credit_limit": {"en": "Credit limit", "ru": "Кредитный лимит"},
    "card.field.discount_percent": {"en": "Discount, %", "ru": "Скидка, %"},
    "card.field.completed_orders": {"en": "Completed orders", "ru": "Выполнено заказов"},
    "card.field.false_orders": {"en": "False orders", "ru": "Ложных заказов"},
    "card.field.bonus_orders": {"en": "Bonus orders", "ru": "Бонусных заказов"},
    "card.field.complaints": {"en": "Complaints", "ru": "Жалобы"},
    "card.field.blacklist_reason": {"en": "Blacklist reason", "ru": "Причина чёрного списка"},
    "card.saved": {"en": "Saved.", "ru": "Сохранено."},
    "card.created": {"en": "Client created.", "ru": "Клиент создан."},
    "card.conflict.title": {
        "en": "{by} saved this client at {at} while you were editing. Nothing was overwritten.",
        "ru": "{by} сохранил(а) этого клиента в {at}, пока вы редактировали. Ничего не "
        "перезаписано.",
    },
    "card.conflict.field": {"en": "Field", "ru": "Поле"},
    "card.conflict.theirs": {"en": "Saved by them", "ru": "Сохранено ими"},
    "card.conflict.mine": {"en": "Yours", "ru": "Ваше"},
    "card.conflict.reload": {"en": "Reload theirs", "ru": "Загрузить их версию"},
    "card.conflict.reload.tip": {
        "en": "Drop your edit and show the saved card",
        "ru": "Отменить вашу правку и показать сохранённую карточку",
    },
    "card.conflict.back": {"en": "Keep my edit", "ru": "Оставить мою правку"},
    "card.conflict.back.tip": {
        "en": "Back to your edit; saving it then replaces theirs knowingly",
        "ru": "Вернуться к правке; её сохранение заменит их изменения осознанно",
    },
    "card.dialog.required": {"en": "Required.", "ru": "Обязательное поле."},
    "card.phone.add.title": {"en": "Add a phone for {name}", "ru": "Новый телефон: {name}"},
    "card.phone.add.label": {"en": "Number in any form", "ru": "Номер в любом виде"},
    "card.phone.added": {"en": "Phone added.", "ru": "Телефон добавлен."},
    "card.phone.remove.title": {"en": "Remove which number?", "ru": "Какой номер удалить?"},
    "card.phone.removed": {"en": "Phone removed.", "ru": "Телефон удалён."},
    "card.blacklist.title": {"en": "Blacklist {name}", "ru": "В чёрный список: {name}"},
    "card.blacklist.reason": {
        "en": "Reason (the next dispatcher reads it)",
        "ru": "Причина (её прочтёт следующий диспетчер)",
    },
    "card.blacklist.done": {"en": "Client blacklisted.", "ru": "Клиент внесён в чёрный список."},
    "card.blacklist.lift.question": {
        "en": "Take {name} off the blacklist?",
        "ru": "Снять чёрный список: {name}?",
    },
    "card.blacklist.lifted": {"en": "Blacklist lifted.", "ru": "Клиент убран из чёрного списка."},
    "card.debt.add.title": {"en": "New debt for {name}", "ru": "Новый долг: {name}"},
    "card.debt.amount": {"en": "Amount, RUB", "ru": "Сумма, ₽"},
    "card.debt.reason": {"en": "Reason", "ru": "Причина"},
    "card.debt.order_ref": {"en": "Order reference", "ru": "Номер заказа"},
    "card.debt.comment": {"en": "Comment", "ru": "Комментарий"},
    "card.debt.bad_amount": {
        "en": "Enter an amount above zero, e.g. 500.00",
        "ru": "Введите сумму больше нуля, например 500,00",
    },
    "card.debt.added": {"en": "Debt recorded.", "ru": "Долг записан."},
    "card.debt.pay.title": {
        "en": "Mark paid: {amount}, order {order} of {date} ({name})",
        "ru": "Отметить оплату: {amount}, заказ {order} от {date} ({name})",
    },
    "card.debt.paid_on": {"en": "Paid on", "ru": "Дата оплаты"},
    "card.debt.payment_comment": {
        "en": "Comment (receipt, how paid)",
        "ru": "Комментарий (чек, способ оплаты)",
    },
    "card.debt.bad_date": {
        "en": "Enter a date, e.g. 22.11.2026",
        "ru": "Введите дату, например 22.11.2026",
    },
    "card.debt.future_date": {
        "en": "The payment date cannot be in the future.",
        "ru": "Дата оплаты не может быть в будущем.",
    },
    "card.debt.paid": {"en": "Debt marked paid.", "ru": "Долг отмечен оплаченным."},
    "card.debt.none": {"en": "No unpaid debts.", "ru": "Неоплаченных долгов нет."},
    "card.debt.pick.title": {"en": "Which debt was paid?", "ru": "Какой долг оплачен?"},
    "card.debt.pick.option": {
        "en": "{amount}  of {date}  {reason}{order}",
        "ru": "{amount}  от {date}  {reason}{order}",
    },
    "card.debt.pick.order": {"en": "  order {order}", "ru": "  заказ {order}"},
    "card.leave.question": {
        "en": "The changes are not saved.",
        "ru": "Изменения не сохранены.",
    },
    "card.leave.save": {"en": "Save", "ru": "Сохранить"},
    "card.leave.discard": {"en": "Discard", "ru": "Не сохранять"},
    "card.leave.keep": {"en": "Keep editing", "ru": "Продолжить"},
    "card.edit.bad_count": {"en": "not a whole number", "ru": "не целое число"},
    "card.invalid.email": {"en": "not an e-mail address", "ru": "не адрес эл. почты"},
    "card.invalid.too_long": {
        "en": "at most {limit} characters",
        "ru": "не длиннее {limit} символов",
    },
    "card.invalid.over_100": {"en": "at most 100", "ru": "не больше 100"},
    "card.invalid.negative": {"en": "must not be negative", "ru": "не может быть меньше нуля"},
    "card.invalid.cents": {
        "en": "at most two decimal places",
        "ru": "не больше двух знаков после запятой",
    },
    "card.error.duplicate_phone": {
        "en": "{phone} already belongs to {owner} (client #{id}). A number has one owner.",
        "ru": "Номер {phone} уже принадлежит другому клиенту: {owner} (№{id}). "
        "У номера один владелец.",
    },
    "card.error.invalid_phone": {
        "en": "«{raw}» is not a phone number a client can be called on.",
        "ru": "«{raw}» — не номер телефона, по которому можно позвонить клиенту.",
    },
    "card.error.last_phone": {
        "en": "{phone} is the client's only number: add the new one first.",
        "ru": "{phone} — единственный номер клиента: сначала добавьте новый.",
    },
    "card.error.already_paid": {
        "en": "This debt was already paid ({by}, {at}).",
        "ru": "Этот долг уже оплачен ({by}, {at}).",
    },
    "card.error.invalid": {"en": "{field}: {message}", "ru": "{field}: {message}"},
    "card.error.not_found": {
        "en": "This client no longer exists.",
        "ru": "Этого клиента больше нет.",
    },
    "card.error.phone_required": {
        "en": "A new client needs a phone number.",
        "ru": "Для нового клиента нужен номер телефона.",
    },
    # click-to-call
    "c2c.title": {"en": "Call", "ru": "Звонок"},
    "c2c.pick": {"en": "Call {name}: which number?", "ru": "Звонок: {name}. Какой номер?"},
    "c2c.no_phone": {
        "en": "{name} has no phone number to call.",
        "ru": "{name}: у клиента нет номера для звонка.",
    },
    "c2c.confirm_blacklisted": {
        "en": "{name} is BLACKLISTED ({reason}). Call anyway?",
        "ru": "{name} в ЧЁРНОМ СПИСКЕ ({reason}). Всё равно позвонить?",
    },
    "c2c.call_anyway": {"en": "Call anyway", "ru": "Позвонить"},
    "c2c.started": {
        "en": "Calling {target}: pick up your phone when it rings.",
        "ru": "Звонок: {target}. Снимите трубку, когда зазвонит ваш телефон.",
    },
    "c2c.cannot_start": {
        "en": "Cannot call {target}: {reason}",
        "ru": "Звонок не начат: {target} — {reason}",
    },
    "c2c.stage.operator_ringing": {
        "en": "Your phone is ringing (call to {target}).",
        "ru": "Звонит ваш телефон (звонок: {target}).",
    },
    "c2c.stage.operator_answered": {
        "en": "You picked up; dialling {target}…",
        "ru": "Вы сняли трубку; набираем: {target}…",
    },
    "c2c.stage.client_ringing": {"en": "{target} is ringing…", "ru": "Идёт вызов: {target}…"},
    "c2c.connected": {"en": "Connected to {target}.", "ru": "Соединено: {target}."},
    "c2c.failed": {
        "en": "Call to {target} failed: {reason}.",
        "ru": "Звонок не состоялся: {target} — {reason}.",
    },
    "c2c.reason.operator_unavailable": {
        "en": "your phone is unavailable (device not registered)",
        "ru": "ваш телефон недоступен (устройство не зарегистрировано)",
    },
    "c2c.reason.operator_hung_up": {
        "en": "your phone hung up",
        "ru": "ваш телефон сбросил вызов",
    },
    "c2c.reason.operator_no_answer": {
        "en": "you did not pick up your phone",
        "ru": "вы не сняли трубку",
    },
    "c2c.reason.operator_busy": {"en": "your line is busy", "ru": "ваша линия занята"},
    "c2c.reason.congestion": {
        "en": "the network is congested",
        "ru": "сеть перегружена",
    },
    "c2c.reason.client_busy": {"en": "the client's line is busy", "ru": "у клиента занято"},
    "c2c.reason.client_no_answer": {
        "en": "the client did not answer",
        "ru": "клиент не ответил",
    },
    "c2c.reason.client_unavailable": {
        "en": "the client's number is unavailable",
        "ru": "номер клиента недоступен",
    },
    "c2c.reason.operator_hung_up_early": {
        "en": "you hung up before the client answered",
        "ru": "вы положили трубку до ответа клиента",
    },
    "c2c.reason.other": {"en": "{reason}", "ru": "{reason}"},
    # why the desk could not start a call (console.desk.ClickToCallError.code)
    "c2c.error.no_device": {
        "en": "extension {extension} is not among the operators: no phone to ring",
        "ru": "номера {extension} нет среди операторов: некуда позвонить",
    },
    "c2c.error.no_pbx": {"en": "no PBX is configured", "ru": "АТС не настроена"},
    "c2c.error.not_connected": {
        "en": "PBX {server} is not connected",
        "ru": "нет связи с АТС {server}",
    },
    "c2c.error.outcome_unknown": {
        "en": "the connection to the PBX broke while the call was being placed; your phone "
        "may still ring: check before calling again",
        "ru": "связь с АТС прервалась, пока звонок начинался; ваш телефон ещё может "
        "зазвонить: проверьте, прежде чем звонить снова",
    },
    "c2c.error.refused": {"en": "the PBX refused: {detail}", "ru": "АТС отказала: {detail}"},
    "c2c.reason.unknown": {"en": "no reason given", "ru": "причина не указана"},
}
