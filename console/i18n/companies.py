"""A company's own screen and the companies list: its record, its account, its employees.
Russian never declines a client's or a company's name («Компания: ООО Ромашка»)."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    "company.title": {"en": "Company", "ru": "Компания"},
    "company.head": {"en": "{name} · tax id {tax_id}", "ru": "{name} · ИНН {tax_id}"},
    "company.head.contact": {"en": "Contact: {contact}", "ru": "Контакт: {contact}"},
    "company.head.comment": {"en": "Comment: {comment}", "ru": "Комментарий: {comment}"},
    "company.balance": {"en": "Company account: {balance}", "ru": "Счёт компании: {balance}"},
    "company.balance.negative": {
        "en": "Company account: {balance} — IN DEBT",
        "ru": "Счёт компании: {balance} — В МИНУСЕ",
    },
    "card.company.negative": {
        "en": "Company: {company} · {account} (account {balance}, IN DEBT)",
        "ru": "Компания: {company} · {account} (счёт {balance}, В МИНУСЕ)",
    },
    "company.caller": {"en": "{name}: {account}", "ru": "{name}: {account}"},
    "company.caller.gone": {
        "en": "{name} does not work for this company",
        "ru": "{name}: не сотрудник этой компании",
    },
    "company.employees": {"en": "Employees: {count}", "ru": "Сотрудники: {count}"},
    "company.employees.none": {
        "en": "No employees yet.",
        "ru": "Сотрудников пока нет.",
    },
    "company.col.name": {"en": "Employee", "ru": "Сотрудник"},
    "company.col.phones": {"en": "Phones (whose)", "ru": "Телефоны (чьи)"},
    "company.col.account": {"en": "On account", "ru": "За счёт компании"},
    "company.account.yes": {"en": "yes", "ru": "да"},
    "company.account.no": {"en": "no", "ru": "нет"},
    "company.operations": {
        "en": "Latest account operations: {count}",
        "ru": "Последние операции по счёту: {count}",
    },
    "company.operations.none": {
        "en": "No operations on the company's account yet.",
        "ru": "Операций по счёту компании ещё не было.",
    },
    "company.loading": {"en": "Loading…", "ru": "Загрузка…"},
    "company.gone": {"en": "This company no longer exists.", "ru": "Этой компании больше нет."},
    "company.read_only": {
        "en": "Money and the account's use are a supervisor's or an admin's.",
        "ru": "Деньги и право ездить за счёт компании — у старшего смены или администратора.",
    },
    # keys
    "company.key.open": {"en": "Card", "ru": "Карточка"},
    "company.key.open.tip": {
        "en": "Open the employee's client card",
        "ru": "Открыть карточку сотрудника",
    },
    "company.key.money": {"en": "Operation", "ru": "Операция"},
    "company.key.money.tip": {
        "en": "Top up, debit or correct the company's account (a supervisor or an admin)",
        "ru": "Пополнить, списать или поправить счёт компании (старший смены или администратор)",
    },
    "company.key.account": {"en": "On account", "ru": "За счёт"},
    "company.key.account.tip": {
        "en": "Allow or forbid the employee to ride on the company's account (a supervisor or"
        " an admin)",
        "ru": "Разрешить или запретить сотруднику ездить за счёт компании (старший смены или"
        " администратор)",
    },
    "company.key.edit": {"en": "Edit", "ru": "Изменить"},
    "company.key.edit.tip": {
        "en": "Change the company's name, tax id, contact or comment",
        "ru": "Изменить название, ИНН, контакт или комментарий компании",
    },
    "company.key.link": {"en": "+ employee", "ru": "+ сотрудник"},
    "company.key.link.tip": {
        "en": "Find a client and make them an employee of this company",
        "ru": "Найти клиента и сделать его сотрудником этой компании",
    },
    "company.key.unlink": {"en": "Remove", "ru": "Убрать"},
    "company.key.unlink.tip": {
        "en": "The client no longer works for this company",
        "ru": "Клиент больше не работает в этой компании",
    },
    "company.key.close": {"en": "Back", "ru": "Назад"},
    "company.key.close.tip": {"en": "Back to where you were", "ru": "Вернуться назад"},
    # what the keys ask and say
    "company.money.title": {
        "en": "Company account operation: {name}",
        "ru": "Операция по счёту компании: {name}",
    },
    "company.money.done": {
        "en": "{kind} {amount}: the company's account is {balance}",
        "ru": "{kind} {amount}: на счёте компании {balance}",
    },
    "company.edit.title": {"en": "Company: {name}", "ru": "Компания: {name}"},
    "company.saved": {"en": "Company saved.", "ru": "Данные компании сохранены."},
    "company.link.title": {
        "en": "A new employee of {name}",
        "ru": "Новый сотрудник компании: {name}",
    },
    "company.linked.employee": {
        "en": "{name} works for {company} now.",
        "ru": "{name}: теперь сотрудник компании {company}.",
    },
    "company.unlink.question": {
        "en": "{name} no longer works for {company}?",
        "ru": "{name}: убрать из сотрудников компании {company}?",
    },
    "company.unlinked": {
        "en": "{name} no longer works for {company}.",
        "ru": "{name}: больше не сотрудник компании {company}.",
    },
    "company.account.allowed": {
        "en": "{name} may ride on the company's account now.",
        "ru": "{name}: теперь может ездить за счёт компании.",
    },
    "company.account.forbidden": {
        "en": "{name} may no longer ride on the company's account.",
        "ru": "{name}: больше не может ездить за счёт компании.",
    },
    # what a failed job was doing
    "worker.companies": {"en": "companies", "ru": "список компаний"},
    "worker.load_company": {"en": "load company", "ru": "загрузка компании"},
    "worker.change_company": {"en": "change company", "ru": "изменение компании"},
    "worker.new_company": {"en": "new company", "ru": "новая компания"},
    # the companies list
    "companies.title": {"en": "Companies", "ru": "Компании"},
    "companies.placeholder": {
        "en": "Name or tax id…",
        "ru": "Название или ИНН…",
    },
    "companies.option": {
        "en": "{name} · tax id {tax_id} · {balance} · employees: {count}",
        "ru": "{name} · ИНН {tax_id} · {balance} · сотрудников: {count}",
    },
    "companies.new": {"en": "+ a new company", "ru": "+ новая компания"},
    "companies.count": {
        "en": "Companies: {shown} of {count}. Enter opens one.",
        "ru": "Компаний: {shown} из {count}. Enter — открыть.",
    },
    "companies.created": {"en": "Company {name} created.", "ru": "Компания {name} создана."},
    "clients.key.companies": {"en": "Companies", "ru": "Компании"},
    "clients.tip.companies": {
        "en": "Companies: find one by name or tax id, open its card",
        "ru": "Компании: найти по названию или ИНН, открыть карточку компании",
    },
}
