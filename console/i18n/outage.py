"""The database outage as people read it: the status bar, a card, a refused save."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    "outage.db.down": {"en": "DB: down since {since}", "ru": "БД: нет связи с {since}"},
    # «— 5 звонков ждут записи»: Russian needs three forms (1, 2–4, 5+); English two.
    "outage.waiting.one": {
        "en": "{count} call waiting to be written",
        "ru": "{count} звонок ждёт записи",
    },
    "outage.waiting.few": {
        "en": "{count} calls waiting to be written",
        "ru": "{count} звонка ждут записи",
    },
    "outage.waiting.many": {
        "en": "{count} calls waiting to be written",
        "ru": "{count} звонков ждут записи",
    },
    "outage.db.back_writing": {
        "en": "DB: back since {since} — writing what waited",
        "ru": "БД: снова на связи с {since} — записываются ждавшие",
    },
    "outage.db.back": {
        "en": "DB: back since {since} — every call written",
        "ru": "БД: снова на связи с {since} — все звонки записаны",
    },
    "outage.held": {
        "en": "{count} refused by the database (see the log)",
        "ru": "не принято базой: {count} (см. лог)",
    },
    "outage.card.unreachable": {
        "en": "The database is unreachable: this card cannot be loaded now.",
        "ru": "База данных недоступна: карточку сейчас не загрузить.",
    },
    "outage.save.refused": {
        "en": "Not saved: the database is unreachable. What you typed stays in the form —"
        " save again when the database is back.",
        "ru": "Не сохранено: база данных недоступна. Введённое осталось в форме —"
        " сохраните снова, когда база вернётся.",
    },
}
