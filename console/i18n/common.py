"""Strings shared by every screen: buttons, modes, the status bar, errors."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    "common.yes": {"en": "Yes", "ru": "Да"},
    "common.no": {"en": "No", "ru": "Нет"},
    "common.ok": {"en": "OK", "ru": "ОК"},
    "common.cancel": {"en": "Cancel", "ru": "Отмена"},
    "key.yes": {"en": "Yes", "ru": "Да"},
    "key.yes.tip": {"en": "Answer yes", "ru": "Ответить «да»"},
    "key.no": {"en": "No", "ru": "Нет"},
    "key.no.tip": {"en": "Answer no and close", "ru": "Ответить «нет» и закрыть"},
    "key.ok": {"en": "OK", "ru": "ОК"},
    "key.ok.tip": {"en": "Accept what is typed", "ru": "Принять введённое"},
    "key.cancel": {"en": "Cancel", "ru": "Отмена"},
    "key.cancel.tip": {"en": "Close without changes", "ru": "Закрыть без изменений"},
    # modes
    "mode.dispatcher": {"en": "Dispatcher", "ru": "Диспетчер"},
    "mode.clients": {"en": "Clients", "ru": "Клиенты"},
    "mode.supervisor": {"en": "Supervisor", "ru": "Супервизор"},
    "mode.history": {"en": "History", "ru": "История"},
    "key.mode.dispatcher": {"en": "Dispatcher", "ru": "Диспетчер"},
    "key.mode.dispatcher.tip": {
        "en": "Live calls and the caller's card",
        "ru": "Текущие звонки и карточка звонящего",
    },
    "key.mode.clients": {"en": "Clients", "ru": "Клиенты"},
    "key.mode.clients.tip": {
        "en": "The client base: search, filters, cards",
        "ru": "База клиентов: поиск, фильтры, карточки",
    },
    "key.mode.supervisor": {"en": "Supervisor", "ru": "Супервизор"},
    "key.mode.supervisor.tip": {
        "en": "Waiting calls, operators and today's figures",
        "ru": "Ожидающие звонки, операторы и показатели за сегодня",
    },
    "key.palette": {"en": "Commands", "ru": "Команды"},
    "key.palette.tip": {
        "en": "Every action of this screen by name",
        "ru": "Все действия этого экрана по названию",
    },
    "key.mode.history": {"en": "History", "ru": "История"},
    "key.mode.history.tip": {
        "en": "Call history and missed calls",
        "ru": "История звонков и пропущенные",
    },
    "palette.mode": {"en": "Go to: {mode}", "ru": "Перейти: {mode}"},
    "palette.mode.help": {"en": "Switch screen", "ru": "Сменить экран"},
    # status bar
    "status.pbx": {
        "en": "PBX {server}: {state} since {since}",
        "ru": "АТС {server}: {state} с {since}",
    },
    "status.pbx.connecting": {"en": "connecting", "ru": "подключение"},
    "status.pbx.up": {"en": "up", "ru": "на связи"},
    "status.pbx.down": {"en": "down", "ru": "нет связи"},
    "status.pbx.login_refused": {"en": "login refused", "ru": "вход отклонён"},
    "status.pbx.none": {"en": "No PBX configured", "ru": "АТС не настроена"},
    "status.pbx.title": {"en": "PBX connection", "ru": "Связь с АТС"},
    "status.pbx.lost": {
        "en": "Lost the connection to PBX {server} at {since} ({detail}). Calls are not "
        "shown until it is back; reconnecting.",
        "ru": "Потеряна связь с АТС {server} в {since} ({detail}). Звонки не видны, пока "
        "связь не вернётся; переподключаемся.",
    },
    "status.pbx.back": {
        "en": "PBX {server} is connected again (since {since}).",
        "ru": "Связь с АТС {server} восстановлена (с {since}).",
    },
    "status.pbx.connected": {
        "en": "Connected to PBX {server} (since {since}).",
        "ru": "Связь с АТС {server} установлена (с {since}).",
    },
    "status.pbx.unreachable": {"en": "unreachable", "ru": "недоступна"},
    "status.pbx.cannot_reach": {
        "en": "Cannot connect to PBX {server}: {detail}. Calls are not shown until it "
        "answers; retrying.",
        "ru": "Не удаётся подключиться к АТС {server}: {detail}. Звонки не видны, пока АТС "
        "не ответит; пробуем снова.",
    },
    "status.pbx.refused": {
        "en": "PBX {server} refused the login: check the AMI user and secret in the config.",
        "ru": "АТС {server} отклонила вход: проверьте пользователя и пароль AMI в настройках.",
    },
    # why a link is not up (pbx.connection_state.LinkProblem) and the error underneath
    "link.problem.cannot_connect": {
        "en": "cannot connect: {cause}",
        "ru": "не удаётся подключиться: {cause}",
    },
    "link.problem.login_failed": {
        "en": "login failed: {cause}",
        "ru": "вход не удался: {cause}",
    },
    "link.problem.login_refused": {
        "en": "login refused (check username/secret)",
        "ru": "вход отклонён (проверьте пользователя и пароль)",
    },
    "link.problem.resync_failed": {
        "en": "live calls not read: {cause}",
        "ru": "текущие звонки не прочитаны: {cause}",
    },
    "link.problem.closed": {
        "en": "the PBX closed the connection",
        "ru": "АТС закрыла соединение",
    },
    "link.problem.keepalive": {
        "en": "the PBX stopped answering",
        "ru": "АТС перестала отвечать",
    },
    "link.cause.ECONNREFUSED": {
        "en": "connection refused: the PBX is not running, or the port is wrong",
        "ru": "в соединении отказано: АТС не запущена или порт не тот",
    },
    "link.cause.timeout": {"en": "no answer", "ru": "нет ответа"},
    "link.cause.ETIMEDOUT": {"en": "no answer", "ru": "нет ответа"},
    "link.cause.EHOSTUNREACH": {"en": "host unreachable", "ru": "узел недоступен"},
    "link.cause.ENETUNREACH": {"en": "network unreachable", "ru": "сеть недоступна"},
    "link.cause.ECONNRESET": {"en": "connection reset", "ru": "соединение сброшено"},
    "link.cause.ECONNABORTED": {"en": "connection aborted", "ru": "соединение прервано"},
    "link.cause.EADDRNOTAVAIL": {"en": "address not available", "ru": "адрес недоступен"},
    "link.cause.name_unknown": {"en": "host name not found", "ru": "имя узла не найдено"},
    "status.db": {"en": "Database", "ru": "База данных"},
    "status.db.checking": {"en": "DB: checking", "ru": "БД: проверка"},
    "status.db.ok": {"en": "DB: ok", "ru": "БД: в порядке"},
    "status.db.down": {"en": "DB: unavailable ({detail})", "ru": "БД: недоступна ({detail})"},
    "status.db.down_plain": {"en": "DB: unavailable", "ru": "БД: недоступна"},
    "status.db.lost": {
        "en": "The database is not answering ({detail}). Cards cannot load or save.",
        "ru": "База данных не отвечает ({detail}). Карточки не загружаются и не сохраняются.",
    },
    "status.db.back": {
        "en": "The database is answering again.",
        "ru": "База данных снова отвечает.",
    },
    # a caller the PBX gave no number for (console.wording.caller_number)
    "caller.hidden": {"en": "number withheld", "ru": "номер скрыт"},
    "caller.unknown": {"en": "number unknown", "ru": "номер неизвестен"},
    # a value storage refused (storage.errors.InvalidChange.code)
    "invalid.expected_text": {"en": "must be text", "ru": "нужен текст"},
    "invalid.too_long": {
        "en": "at most {limit} characters",
        "ru": "не длиннее {limit} символов",
    },
    "invalid.not_email": {
        "en": "not an e-mail address",
        "ru": "это не адрес эл. почты",
    },
    "invalid.expected_tariff": {
        "en": "pick a tariff from the list",
        "ru": "выберите тариф из списка",
    },
    "invalid.no_tariff": {"en": "no such tariff", "ru": "такого тарифа нет"},
    "invalid.tariff_inactive": {
        "en": "this tariff is no longer offered",
        "ru": "этот тариф больше не действует",
    },
    "invalid.negative": {"en": "must not be negative", "ru": "не может быть меньше нуля"},
    "invalid.not_positive": {"en": "must be greater than zero", "ru": "должна быть больше нуля"},
    "invalid.above_limit": {"en": "at most {limit}", "ru": "не больше {limit}"},
    "invalid.expected_count": {
        "en": "a whole number, 0 or more",
        "ru": "нужно целое число от 0",
    },
    "invalid.not_editable": {"en": "cannot be changed here", "ru": "здесь не изменяется"},
    "invalid.by_operations": {
        "en": "changes only through account operations (top-up, debit, correction)",
        "ru": "меняется только операциями по счёту (пополнение, списание, поправка)",
    },
    "invalid.one_of": {"en": "pick one from the list", "ru": "выберите значение из списка"},
    "invalid.expected_date": {
        "en": "a date such as 2026-11-22",
        "ru": "нужна дата, например 22.11.2026",
    },
    "invalid.expected_amount": {
        "en": "an amount such as 1250.50",
        "ru": "нужна сумма, например 1250,50",
    },
    "invalid.not_number": {"en": "not a number: {value}", "ru": "это не число: {value}"},
    "invalid.two_places": {
        "en": "at most two digits after the point",
        "ru": "не больше двух знаков после запятой",
    },
    "invalid.reason_required": {
        "en": "a reason is required to blacklist",
        "ru": "для чёрного списка нужна причина",
    },
    "invalid.nothing_to_add": {"en": "nothing to add", "ru": "нечего добавлять"},
    "invalid.below_zero": {
        "en": "a counter would go below zero",
        "ru": "счётчик стал бы меньше нуля",
    },
    "invalid.zero_correction": {
        "en": "a correction must not be zero",
        "ru": "поправка не может быть нулевой",
    },
    "invalid.few_bonuses": {
        "en": "only {have} bonuses to spend, not {spend}",
        "ru": "бонусов только {have}, а не {spend}",
    },
    "invalid.name_required": {"en": "a name is required", "ru": "нужно название"},
    "invalid.tariff_exists": {
        "en": "tariff «{name}» already exists",
        "ru": "тариф «{name}» уже есть",
    },
    "invalid.tariff_retired_exists": {
        "en": "tariff «{name}» already exists (retired)",
        "ru": "тариф «{name}» уже есть (снят с продажи)",
    },
    "invalid.address_empty": {
        "en": "an address needs a city, a street or a house",
        "ru": "в адресе нужен город, улица или дом",
    },
    "invalid.company_name_required": {
        "en": "a company needs a name",
        "ru": "у компании должно быть название",
    },
    "invalid.company_exists": {
        "en": "company «{name}» already exists",
        "ru": "компания «{name}» уже есть",
    },
    "invalid.not_tax_id": {
        "en": "a tax id (INN) is 10 or 12 digits",
        "ru": "ИНН — это 10 или 12 цифр",
    },
    "invalid.currency": {
        "en": "a three-letter currency code such as RUB",
        "ru": "нужен трёхбуквенный код валюты, например RUB",
    },
    # what a failed worker was doing (its description, console.wording.worker_words)
    "worker.desk_pbx_connections": {"en": "desk: PBX connections", "ru": "связь с АТС"},
    "worker.desk_events": {"en": "desk events", "ru": "события АТС"},
    "worker.database_check": {"en": "database check", "ru": "проверка базы данных"},
    "worker.export_to_excel": {"en": "export to Excel", "ru": "выгрузка в Excel"},
    "worker.import_from_excel": {"en": "import from Excel", "ru": "загрузка из Excel"},
    "worker.client_name_for_the_strip": {
        "en": "client name for the strip",
        "ru": "имя клиента в списке звонков",
    },
    "worker.missed_calls": {"en": "missed calls", "ru": "пропущенные звонки"},
    "worker.call_history": {"en": "call history", "ru": "история звонков"},
    "worker.call_back": {"en": "call back", "ru": "обратный звонок"},
    "worker.client_page": {"en": "client page", "ru": "страница клиентов"},
    "worker.client_count": {"en": "client count", "ru": "число клиентов"},
    "worker.client_filter_lists": {"en": "client filter lists", "ru": "списки фильтров"},
    "worker.click_to_call": {"en": "click-to-call", "ru": "звонок клиенту"},
    "worker.desk_feed": {"en": "desk feed", "ru": "события АТС"},
    "worker.caller_names": {"en": "caller names", "ru": "имена звонящих"},
    "worker.todays_figures": {"en": "today's figures", "ru": "показатели за сегодня"},
    "worker.load_client_card": {"en": "load client card", "ru": "загрузка карточки"},
    "worker.edit_form_ahead": {"en": "edit form, ahead", "ru": "подготовка формы"},
    "worker.edit_form": {"en": "edit form", "ru": "форма редактирования"},
    "worker.load_tariffs": {"en": "load tariffs", "ru": "загрузка тарифов"},
    "worker.save_client": {"en": "save client", "ru": "сохранение клиента"},
    "worker.create_client": {"en": "create client", "ru": "создание клиента"},
    "worker.change_client": {"en": "change client", "ru": "изменение клиента"},
    "worker.leave_the_form": {"en": "leave the form", "ru": "выход из формы"},
    "worker.card_action": {"en": "card action", "ru": "действие с карточкой"},
    # a database problem (storage.db.error_kind), then the driver's own line
    "db.error.read_only": {
        "en": "the database is read-only: {detail}",
        "ru": "база данных доступна только для чтения: {detail}",
    },
    "db.error.corrupt": {
        "en": "the database file is damaged or not a database: {detail}",
        "ru": "файл базы данных повреждён или это не база данных: {detail}",
    },
    "db.error.cannot_open": {
        "en": "cannot open the database file: {detail}",
        "ru": "не удаётся открыть файл базы данных: {detail}",
    },
    "db.error.unreachable": {
        "en": "the database server cannot be reached: {detail}",
        "ru": "сервер базы данных недоступен: {detail}",
    },
    "db.error.refused": {
        "en": "the database refused the connection: {detail}",
        "ru": "база данных отказала в подключении: {detail}",
    },
    "db.error.error": {"en": "database error: {detail}", "ru": "ошибка базы данных: {detail}"},
    # errors
    "error.worker": {"en": "{what} failed: {error}", "ru": "Не удалось: {what} — {error}"},
    "error.desk": {
        "en": "The PBX link stopped ({what}): {error}. Restart the console.",
        "ru": "Связь с АТС остановилась ({what}): {error}. Перезапустите консоль.",
    },
}
