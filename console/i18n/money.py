"""A client's money on the card: the credit-limit banner, paid debts, the operations
history and a new operation; refusals by role; `opconsole clients money`."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    # the card
    "money.card.line": {
        "en": "Balance {balance} · bonus {bonus} · credit limit {limit} · discount {discount}"
        " · rating {rating}",
        "ru": "Баланс {balance} · бонусы {bonus} · кредитный лимит {limit} · скидка {discount}"
        " · рейтинг {rating}",
    },
    "money.card.over_limit": {
        "en": "OVER CREDIT LIMIT: balance {balance}, the limit allows {limit}",
        "ru": "ПРЕВЫШЕН КРЕДИТНЫЙ ЛИМИТ: баланс {balance}, лимит допускает {limit}",
    },
    "money.paid.title": {
        "en": "Paid debts: {count}; the latest:",
        "ru": "Оплаченные долги: {count}; последние:",
    },
    "money.paid.line": {
        "en": "{at} · {amount} · order {order} · closed by {by} · {comment}",
        "ru": "{at} · {amount} · заказ {order} · закрыл(а) {by} · {comment}",
    },
    # keys
    "key.card.operations": {"en": "Account", "ru": "Счёт"},
    "key.card.operations.tip": {
        "en": "The client's account and bonus operations, and a new one",
        "ru": "Операции по счёту и бонусам клиента, новая операция",
    },
    "key.card.calls": {"en": "All calls", "ru": "Все звонки"},
    "key.card.calls.tip": {
        "en": "The client's full call history",
        "ru": "Вся история звонков клиента",
    },
    "key.history.back": {"en": "Back", "ru": "Назад"},
    "key.history.back.tip": {"en": "Back to the card", "ru": "Назад к карточке"},
    "key.money.new": {"en": "New operation", "ru": "Новая операция"},
    "key.money.new.tip": {
        "en": "Top up, debit, correct, credit or spend bonuses (supervisor or admin)",
        "ru": "Пополнить, списать, поправить, начислить или списать бонусы"
        " (старший смены или администратор)",
    },
    "key.money.close": {"en": "Close", "ru": "Закрыть"},
    "key.money.close.tip": {"en": "Back to the card", "ru": "Назад к карточке"},
    # the history dialog
    "money.history.title": {
        "en": "Account: {name} · balance {balance} · bonus {bonus}",
        "ru": "Счёт: {name} · баланс {balance} · бонусы {bonus}",
    },
    "money.filter.kind": {"en": "Operation", "ru": "Операция"},
    "money.filter.kind.all": {"en": "All operations", "ru": "Все операции"},
    "money.filter.period": {"en": "Period", "ru": "Период"},
    "money.period.all": {"en": "All time", "ru": "За всё время"},
    "money.period.today": {"en": "Today", "ru": "Сегодня"},
    "money.period.week": {"en": "Last 7 days", "ru": "За 7 дней"},
    "money.period.month": {"en": "Last 30 days", "ru": "За 30 дней"},
    "money.period.year": {"en": "Last 365 days", "ru": "За 365 дней"},
    "money.col.at": {"en": "When", "ru": "Когда"},
    "money.col.kind": {"en": "Operation", "ru": "Операция"},
    "money.col.amount": {"en": "Amount", "ru": "Сумма"},
    "money.col.comment": {"en": "Comment", "ru": "Комментарий"},
    "money.col.operator": {"en": "Operator", "ru": "Оператор"},
    "money.loading": {"en": "Loading the operations…", "ru": "Загрузка операций…"},
    "money.none": {"en": "No operations", "ru": "Операций нет"},
    "money.count": {
        "en": "Operations shown: {count}, newest first",
        "ru": "Показано операций: {count}, новые сверху",
    },
    "money.count.capped": {
        "en": "The latest {count} operations, newest first: narrow the period for older ones",
        "ru": "Последние {count} операций, новые сверху: для более ранних сузьте период",
    },
    "money.read_only": {
        "en": "Operations are made by a supervisor or an admin.",
        "ru": "Операции проводит старший смены или администратор.",
    },
    "money.kind.credit": {"en": "top-up", "ru": "пополнение"},
    "money.kind.debit": {"en": "debit", "ru": "списание"},
    "money.kind.correction": {"en": "correction", "ru": "поправка"},
    "money.kind.bonus_credit": {"en": "bonus credit", "ru": "начисление бонусов"},
    "money.kind.bonus_spend": {"en": "bonus spend", "ru": "списание бонусов"},
    # a new operation
    "money.new.title": {"en": "New operation: {name}", "ru": "Новая операция: {name}"},
    "money.new.kind": {"en": "Operation", "ru": "Операция"},
    "money.new.amount": {"en": "Amount", "ru": "Сумма"},
    "money.new.amount.hint": {
        "en": "A correction is signed: -50 takes 50 off the balance",
        "ru": "Поправка со знаком: -50 уменьшает баланс на 50",
    },
    "money.new.comment": {"en": "Comment", "ru": "Комментарий"},
    "money.new.bad_amount": {
        "en": "Type an amount greater than zero, such as 500 or 1250.50",
        "ru": "Введите сумму больше нуля, например 500 или 1250,50",
    },
    "money.new.bad_correction": {
        "en": "Type a non-zero amount, such as 500 or -500",
        "ru": "Введите ненулевую сумму, например 500 или -500",
    },
    "money.new.done": {
        "en": "Done: {kind} {amount}. Balance {balance}, bonus {bonus}",
        "ru": "Проведено: {kind} {amount}. Баланс {balance}, бонусы {bonus}",
    },
    "money.moved": {
        "en": "The card shows the new balance",
        "ru": "Карточка показывает новый баланс",
    },
    "worker.account_operations": {"en": "account operations", "ru": "операции по счёту"},
    "worker.new_account_operation": {
        "en": "new account operation",
        "ru": "новая операция по счёту",
    },
    # opconsole clients money
    "cli.money.bad_amount": {
        "en": "amount: not an amount: {amount!r} (e.g. 500 or 1250.50)",
        "ru": "сумма: это не сумма: {amount!r} (например, 500 или 1250,50)",
    },
    "cli.money.no_client": {
        "en": "no client #{id} (see opconsole clients find PHONE)",
        "ru": "нет клиента №{id} (найти: opconsole clients find ТЕЛЕФОН)",
    },
    "cli.money.done": {
        "en": "{name} (#{id}): {kind} {amount}; balance {balance}, bonus {bonus}",
        "ru": "{name} (№{id}): {kind} {amount}; баланс {balance}, бонусы {bonus}",
    },
    "cli.money.head": {
        "en": "{name} (#{id}): balance {balance}, bonus {bonus}, credit limit {limit}",
        "ru": "{name} (№{id}): баланс {balance}, бонусы {bonus}, кредитный лимит {limit}",
    },
    "cli.money.columns": {
        "en": "when|operation|amount|operator|comment",
        "ru": "когда|операция|сумма|оператор|комментарий",
    },
    "cli.money.none": {"en": "no operations yet", "ru": "операций пока нет"},
    "cli.card.money": {
        "en": "  money:    balance {balance}, bonus {bonus}, credit limit {limit};"
        " {paid} debts paid",
        "ru": "  счёт:     баланс {balance}, бонусы {bonus}, кредитный лимит {limit};"
        " оплачено долгов: {paid}",
    },
    "cli.card.over_limit": {
        "en": "  OVER THE CREDIT LIMIT",
        "ru": "  ПРЕВЫШЕН КРЕДИТНЫЙ ЛИМИТ",
    },
}
