"""Strings of a call ringing while the dispatcher works elsewhere, and of the call tabs."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    # The bar over every screen and dialog: a call rings here, its card one key away.
    "ringing.line": {
        "en": "☎ {state}: {caller}{client}{queue} · {since}",
        "ru": "☎ {state}: {caller}{client}{queue} · {since}",
    },
    "ringing.waiting": {"en": "waiting {time}", "ru": "ждёт {time}"},
    "ringing.since": {"en": "rang {time} ago", "ru": "звонок {time} назад"},
    "ringing.client": {"en": " · {name}", "ru": " · {name}"},
    "ringing.queue": {"en": " · queue {queue}", "ru": " · очередь {queue}"},
    "ringing.more": {"en": "+{count} more · ", "ru": "ещё {count} · "},
    "ringing.go": {"en": "F8 card · ", "ru": "F8 карточка · "},
    "ringing.back": {
        "en": "F8 back to where you were",
        "ru": "F8 вернуться туда, где вы были",
    },
    # F8 in the footer, the keys panel and the palette: shown only while it acts
    "key.ringing": {"en": "Call card", "ru": "Карточка звонка"},
    "key.ringing.tip": {
        "en": "Show the card of the call at your phone; F8 again: back to where you were",
        "ru": "Показать карточку звонка у вас; F8 ещё раз: вернуться, где вы были",
    },
    "key.ringing.back": {"en": "Back", "ru": "Назад"},
    "key.ringing.back.tip": {
        "en": "Back to where you were before F8: screen, dialog, field and text",
        "ru": "Вернуться туда, где вы были до F8: экран, окно, поле и текст",
    },
    # call tabs
    "key.popup.dismiss_ended": {"en": "Clear ended", "ru": "Убрать завершённые"},
    "key.popup.dismiss_ended.tip": {
        "en": "Dismiss the cards of every ended call",
        "ru": "Убрать карточки всех завершённых звонков",
    },
    "popup.live_kept": {
        "en": "The call is still on: its card stays until the call ends",
        "ru": "Звонок ещё идёт: карточка останется до его конца",
    },
    "popup.tabs.keys.ended": {"en": "  X clear ended", "ru": "  X убрать завершённые"},
    "popup.tabs.more_left": {"en": "«+{count}", "ru": "«+{count}"},
    "popup.tabs.more_right": {"en": "+{count}»", "ru": "+{count}»"},
}
