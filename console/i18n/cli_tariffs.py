"""Lines of `opconsole tariffs …` and of the commands that say who makes a change."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    "cli.actor.missing": {
        "en": "say who makes this change: --as NAME, or actor in the [cli] section of the config",
        "ru": "укажите, кто вносит изменение: --as ИМЯ или actor в разделе [cli] конфигурации",
    },
    "cli.refused": {
        "en": "{actor} ({role}) may not {action}: only {allowed}",
        "ru": "{actor} ({role}): нет права — {action}; можно только: {allowed}",
    },
    "cli.invalid": {
        "en": "{field}: {message}",
        "ru": "{field}: {message}",
    },
    "cli.tariffs.not_found": {
        "en": "no tariff {name!r} (see opconsole tariffs list)",
        "ru": "нет тарифа {name!r} (список: opconsole tariffs list)",
    },
    "cli.tariffs.none": {
        "en": "no tariffs yet: add one with opconsole tariffs add NAME",
        "ru": "тарифов пока нет: добавьте командой opconsole tariffs add НАЗВАНИЕ",
    },
    # The column titles of `tariffs list`, separated by |.
    "cli.tariffs.columns": {
        "en": "id|tariff|clients|state",
        "ru": "id|тариф|клиентов|состояние",
    },
    "cli.tariffs.offered": {"en": "offered", "ru": "предлагается"},
    "cli.tariffs.retired_state": {"en": "retired", "ru": "в архиве"},
    "cli.tariffs.added": {
        "en": "tariff {name} added (id {id})",
        "ru": "тариф {name} добавлен (id {id})",
    },
    "cli.tariffs.renamed": {
        "en": "tariff {old} is now {new}; its {clients} clients keep it",
        "ru": "тариф {old} теперь называется {new}; у его клиентов ({clients}) он остаётся",
    },
    "cli.tariffs.retired": {
        "en": "tariff {name} retired: its {clients} clients keep it, it is offered no more",
        "ru": "тариф {name} в архиве: у клиентов ({clients}) остаётся, новым не предлагается",
    },
    "cli.tariffs.restored": {
        "en": "tariff {name} is offered again",
        "ru": "тариф {name} снова предлагается",
    },
    # The actions storage refuses by role (storage.roles.require_role's `action`).
    "cli.action.manage tariffs": {"en": "manage tariffs", "ru": "управлять тарифами"},
    "cli.action.change a client's money": {
        "en": "change a client's money",
        "ru": "менять счёт и бонусы клиента",
    },
    "cli.action.change the credit limit": {
        "en": "change the credit limit",
        "ru": "менять кредитный лимит",
    },
    "cli.action.lift a blacklist": {
        "en": "lift a blacklist",
        "ru": "снимать клиента с чёрного списка",
    },
    "cli.action.close a debt": {"en": "close a debt", "ru": "закрывать долги"},
    "cli.action.import clients": {"en": "import clients", "ru": "импортировать клиентов"},
    "cli.role.dispatcher": {"en": "dispatcher", "ru": "диспетчер"},
    "cli.role.supervisor": {"en": "supervisor", "ru": "старший смены"},
    "cli.role.admin": {"en": "admin", "ru": "администратор"},
}
