"""The wall screen (`opconsole wallboard`): its page and what the command prints."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    "wallboard.title": {"en": "Desk board", "ru": "Табло диспетчерской"},
    "wallboard.lang": {"en": "en", "ru": "ru"},
    "cli.wallboard.serving": {
        "en": "Wallboard on {url} (read-only; Ctrl+C stops it)",
        "ru": "Табло на {url} (только просмотр; Ctrl+C — остановить)",
    },
    "cli.wallboard.token_needed": {
        "en": "Open it once as {url}?token=… (the token of [wallboard] in the config)",
        "ru": "Откройте его один раз как {url}?token=… (токен из раздела [wallboard] настроек)",
    },
    "cli.wallboard.no_token": {
        "en": "the wallboard on {host} needs a token: set [wallboard] token or token_env in"
        " {config} (only 127.0.0.1, ::1 and localhost go without)",
        "ru": "табло на {host} требует токен: задайте [wallboard] token или token_env в"
        " {config} (без токена — только 127.0.0.1, ::1 и localhost)",
    },
    "cli.wallboard.token_env_unset": {
        "en": "the wallboard on {host} needs a token: environment variable {variable}"
        " ([wallboard] token_env) is not set or empty",
        "ru": "табло на {host} требует токен: переменная окружения {variable}"
        " ([wallboard] token_env) не задана или пуста",
    },
    "cli.wallboard.cannot_listen": {
        "en": "the wallboard cannot listen on {host}:{port}: {reason}",
        "ru": "табло не может принимать подключения на {host}:{port}: {reason}",
    },
    "cli.wallboard.full": {
        "en": "503: too many boards are open on this wallboard; close one and reload",
        "ru": "503: на этом табло открыто слишком много страниц; закройте одну и обновите",
    },
    "cli.wallboard.refused": {
        "en": "403: this wallboard needs its token: open it as /?token=…",
        "ru": "403: для этого табло нужен токен: откройте его как /?token=…",
    },
}
