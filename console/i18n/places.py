"""Addresses, companies and phone labels: the card's lines, its dialogs, and the lines of
`opconsole companies …`. Russian never declines a client's name («Адреса: Иванова Мария»)."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    # the card
    "card.addresses": {"en": "Addresses: {address}", "ru": "Адреса: {address}"},
    "card.addresses.more": {"en": "and {count} more", "ru": "и ещё {count}"},
    "card.company": {
        "en": "Company: {company} · {account} (account {balance})",
        "ru": "Компания: {company} · {account} (счёт {balance})",
    },
    "company.account.may": {
        "en": "may ride on the company's account",
        "ru": "может ездить за счёт компании",
    },
    "company.account.not": {
        "en": "may not ride on the company's account",
        "ru": "не может ездить за счёт компании",
    },
    # the card's keys
    "key.card.addresses": {"en": "Addresses", "ru": "Адреса"},
    "key.card.addresses.tip": {
        "en": "Add, change or remove the client's addresses",
        "ru": "Добавить, изменить или удалить адреса клиента",
    },
    "key.card.company": {"en": "Company", "ru": "Компания"},
    "key.card.company.tip": {
        "en": "The company the client works for, and whether its account may be used",
        "ru": "Компания клиента и можно ли ездить за её счёт",
    },
    "key.card.phone_label": {"en": "Phone label", "ru": "Чей номер"},
    "key.card.phone_label.tip": {
        "en": "Say whose number it is (wife, office…)",
        "ru": "Подписать номер: чей он (жена, офис…)",
    },
    # address labels and parts
    "address.label.home": {"en": "home", "ru": "домашний"},
    "address.label.work": {"en": "work", "ru": "рабочий"},
    "address.label.other": {"en": "other", "ru": "другой"},
    "address.label.hint": {
        "en": "home, work, other or your own",
        "ru": "домашний, рабочий, другой или свой",
    },
    "address.part.building": {"en": "bldg {value}", "ru": "корп. {value}"},
    "address.part.entrance": {"en": "entrance {value}", "ru": "под. {value}"},
    "address.part.floor": {"en": "floor {value}", "ru": "эт. {value}"},
    "address.part.apartment": {"en": "apt/office {value}", "ru": "кв./оф. {value}"},
    # the address dialog
    "address.field.label": {"en": "Label", "ru": "Метка"},
    "address.field.city": {"en": "City", "ru": "Город"},
    "address.field.street": {"en": "Street", "ru": "Улица"},
    "address.field.house": {"en": "House", "ru": "Дом"},
    "address.field.building": {"en": "Building", "ru": "Корпус"},
    "address.field.entrance": {"en": "Entrance", "ru": "Подъезд"},
    "address.field.floor": {"en": "Floor", "ru": "Этаж"},
    "address.field.apartment": {"en": "Apt / office", "ru": "Кв. / офис"},
    "address.field.comment": {"en": "Comment", "ru": "Комментарий"},
    "address.pick.title": {"en": "Addresses of {name}", "ru": "Адреса клиента: {name}"},
    "address.pick.new": {"en": "+ a new address", "ru": "+ новый адрес"},
    "address.add.title": {"en": "New address of {name}", "ru": "Новый адрес клиента: {name}"},
    "address.edit.title": {"en": "Address of {name}", "ru": "Адрес клиента: {name}"},
    "address.action.used": {"en": "An order goes here", "ru": "Заказ по этому адресу"},
    "address.counted": {"en": "Address counted for the order.", "ru": "Адрес учтён в заказе."},
    "address.action.edit": {"en": "Change it", "ru": "Изменить"},
    "address.action.remove": {"en": "Remove it", "ru": "Удалить"},
    "address.remove.question": {
        "en": "Remove the address {address}?",
        "ru": "Удалить адрес {address}?",
    },
    "address.added": {"en": "Address added.", "ru": "Адрес добавлен."},
    "address.saved": {"en": "Address saved.", "ru": "Адрес сохранён."},
    "address.removed": {"en": "Address removed.", "ru": "Адрес удалён."},
    # fields storage may name in a refusal of an address or a company
    "card.field.label": {"en": "Label", "ru": "Метка"},
    "card.field.address": {"en": "Address", "ru": "Адрес"},
    "card.field.building": {"en": "Building", "ru": "Корпус"},
    "card.field.floor": {"en": "Floor", "ru": "Этаж"},
    "card.field.apartment": {"en": "Apt / office", "ru": "Кв. / офис"},
    "card.field.name": {"en": "Company name", "ru": "Название компании"},
    "card.field.tax_id": {"en": "Tax id (INN)", "ru": "ИНН"},
    "card.field.contact_name": {"en": "Contact person", "ru": "Контактное лицо"},
    "card.field.contact_phone": {"en": "Contact phone", "ru": "Телефон для связи"},
    # the company dialogs
    "company.pick.title": {"en": "Company of {name}", "ru": "Компания клиента: {name}"},
    "company.pick.new": {"en": "+ a new company", "ru": "+ новая компания"},
    "company.pick.leave": {
        "en": "No company (leave {company})",
        "ru": "Без компании (уйти из {company})",
    },
    "company.add.title": {"en": "New company", "ru": "Новая компания"},
    "company.field.name": {"en": "Name", "ru": "Название"},
    "company.field.tax_id": {"en": "Tax id (INN)", "ru": "ИНН"},
    "company.field.contact_name": {"en": "Contact person", "ru": "Контактное лицо"},
    "company.field.contact_phone": {"en": "Contact phone", "ru": "Телефон для связи"},
    "company.field.comment": {"en": "Comment", "ru": "Комментарий"},
    "company.account.question": {
        "en": "May {name} ride on the company's account?",
        "ru": "Может ли {name} ездить за счёт компании?",
    },
    "company.linked": {"en": "Company saved.", "ru": "Компания сохранена."},
    "company.left": {"en": "No company any more.", "ru": "Клиент больше не в компании."},
    # phone labels
    "phone.label.pick": {"en": "Which number?", "ru": "Какой номер?"},
    "phone.label.title": {"en": "Whose number ({name})", "ru": "Чей номер ({name})"},
    "phone.label.label": {"en": "Label", "ru": "Подпись"},
    "phone.label.hint": {"en": "wife, office, driver…", "ru": "жена, офис, водитель…"},
    "phone.label.saved": {"en": "Label saved.", "ru": "Подпись сохранена."},
    # what a role may not do (storage.companies' refusals, worded as cli.refused)
    "cli.action.let an employee order on the company's account": {
        "en": "let an employee order on the company's account",
        "ru": "разрешать сотруднику ездить за счёт компании",
    },
    "cli.action.change a company's money": {
        "en": "change a company's money",
        "ru": "менять деньги на счёте компании",
    },
    "cli.card.address_of": {"en": "  address: {address}", "ru": "  адрес: {address}"},
    # opconsole companies …
    "cli.companies.none": {
        "en": "no companies yet: add one with opconsole companies add NAME",
        "ru": "компаний пока нет: добавьте командой opconsole companies add НАЗВАНИЕ",
    },
    "cli.companies.columns": {
        "en": "id|company|tax id|employees|balance",
        "ru": "id|компания|ИНН|сотрудников|баланс",
    },
    "cli.companies.not_found": {
        "en": "no company {name!r} (see opconsole companies list)",
        "ru": "нет компании {name!r} (список: opconsole companies list)",
    },
    "cli.companies.no_client": {
        "en": "no client with the phone {phone!r}",
        "ru": "нет клиента с телефоном {phone!r}",
    },
    "cli.companies.added": {
        "en": "company {name!r} added (id {id})",
        "ru": "компания {name!r} добавлена (id {id})",
    },
    "cli.companies.linked": {
        "en": "{client} now works for {company}; {account}",
        "ru": "{client} теперь в компании {company}; {account}",
    },
    "cli.companies.unlinked": {
        "en": "{client} no longer works for a company",
        "ru": "{client} больше не в компании",
    },
    "cli.companies.not_linked": {
        "en": "{client} works for no company",
        "ru": "{client} не состоит в компании",
    },
    "cli.companies.show": {
        "en": "{name} (id {id}) · tax id {tax_id} · contact {contact} · balance {balance}",
        "ru": "{name} (id {id}) · ИНН {tax_id} · контакт {contact} · баланс {balance}",
    },
    "cli.companies.employees": {"en": "Employees: {count}", "ru": "Сотрудников: {count}"},
    "cli.companies.employee.may": {"en": "on account", "ru": "за счёт компании"},
    "cli.companies.employee.not": {"en": "own money", "ru": "за свой счёт"},
}
