"""What the `opconsole` sub-commands print for people (console/cli/), in the desk's language
(`[ui] language`). `--json` documents, `--help` and the recorder's service log stay in
English: they are read by programs and administrators, not at the desk, and `--help` is
shown before any config is read."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    # pbx-sim and demo
    "cli.sim.listening": {
        "en": "AMI simulator on {host}:{port} (user {username})",
        "ru": "Симулятор AMI на {host}:{port} (пользователь {username})",
    },
    "cli.sim.cannot_listen": {
        "en": "the PBX simulator cannot listen on {host}:{port}: {reason}",
        "ru": "симулятор АТС не может принимать подключения на {host}:{port}: {reason}",
    },
    "cli.sim.bad_port": {
        "en": "--port {port}: expected a port number 0-65535 (0: any free port)",
        "ru": "--port {port}: нужен номер порта от 0 до 65535 (0 — любой свободный)",
    },
    "cli.sim.bad_rate": {
        "en": "--rate {rate}: expected calls per minute, 0 or more (0: no calls)",
        "ru": "--rate {rate}: нужно число звонков в минуту, 0 или больше (0 — без звонков)",
    },
    # progress bars on a terminal
    "cli.progress.exporting": {"en": "exporting", "ru": "выгрузка"},
    "cli.progress.importing": {"en": "importing", "ru": "загрузка"},
    "cli.progress.seeding": {"en": "seeding", "ru": "заполнение"},
    # db seed
    "cli.seed.negative": {
        "en": "--clients {clients}: expected 0 or more",
        "ru": "--clients {clients}: нужно число 0 или больше",
    },
    "cli.seed.not_empty": {
        "en": "the database already has {existing} clients: seed an empty database or pass"
        " --append",
        "ru": "в базе данных уже есть клиенты ({existing}): заполняйте пустую базу или"
        " добавьте --append",
    },
    "cli.seed.done": {
        "en": "seeded {clients} clients ({phones} phones, {debts} debts, {calls} calls)"
        " in {seconds} s",
        "ru": "добавлено клиентов: {clients} (телефонов: {phones}, долгов: {debts},"
        " звонков: {calls}) за {seconds} с",
    },
    # db
    "cli.db.revision": {
        "en": "database {url} is at revision {revision}",
        "ru": "база данных {url}: версия схемы {revision}",
    },
    # clients find
    "cli.find.not_a_phone": {
        "en": "no client: {phone} is not a client phone ({kind})",
        "ru": "клиента нет: {phone} не телефон клиента ({kind})",
    },
    "cli.find.none": {
        "en": "no client with phone {phone}",
        "ru": "нет клиента с телефоном {phone}",
    },
    "cli.card.head": {
        "en": "{name}  (client {id}, {status}, {activity})",
        "ru": "{name}  (клиент {id}, {status}, {activity})",
    },
    "cli.card.blacklisted": {"en": "  BLACKLISTED: {reason}", "ru": "  ЧЁРНЫЙ СПИСОК: {reason}"},
    "cli.card.phones": {"en": "  phones:   {phones}", "ru": "  телефоны: {phones}"},
    "cli.card.city": {"en": "  city:     {city}", "ru": "  город:    {city}"},
    "cli.card.address": {"en": "  address:  {address}", "ru": "  адрес:    {address}"},
    "cli.card.tariff": {"en": "  tariff:   {tariff}", "ru": "  тариф:    {tariff}"},
    "cli.card.comment": {"en": "  comment:  {comment}", "ru": "  коммент.: {comment}"},
    "cli.card.unpaid": {
        "en": "  unpaid:   {total} ({count} debts)",
        "ru": "  долг:     {total} (долгов: {count})",
    },
    "cli.card.blocked": {"en": "  ORDERS BLOCKED", "ru": "  ЗАКАЗЫ ЗАПРЕЩЕНЫ"},
    "cli.card.orders": {
        "en": "  orders:   {completed} completed, {false} false, {complaints} complaints",
        "ru": "  заказы:   выполнено {completed}, ложных {false}, жалоб {complaints}",
    },
    "cli.card.since": {"en": "  since:    {registered}", "ru": "  с:        {registered}"},
    # calls list
    "cli.call.line": {
        "en": "{started}  {direction:<9} {disposition:<9} {number:<16} {who:<10} "
        "wait {wait:>5.1f}s talk {talk:>6.1f}s  {name}",
        "ru": "{started}  {direction:<9} {disposition:<9} {number:<16} {who:<10} "
        "ожид. {wait:>5.1f} с разг. {talk:>6.1f} с  {name}",
    },
    # pbx, demo
    "cli.record.no_pbx": {
        "en": "no [[pbx]] in the config: nothing to record",
        "ru": "в конфигурации нет [[pbx]]: записывать нечего",
    },
    "cli.sim.no_capture": {"en": "{file}: no such capture file", "ru": "{file}: нет такой записи"},
    # the console's log file (console/session_log.py)
    "cli.console.log_warnings": {
        "en": "this session's warnings and errors are in {path}",
        "ru": "предупреждения и ошибки этого сеанса — в {path}",
    },
    "cli.console.no_log": {
        "en": "cannot write the console's log {path}: {error}; starting without it",
        "ru": "не удаётся писать лог консоли {path}: {error}; консоль запускается без него",
    },
    "cli.demo.no_pbx": {
        "en": "demo needs a [[pbx]] table for the simulator to listen on",
        "ru": "для демо нужна таблица [[pbx]]: на её адресе слушает симулятор",
    },
}
