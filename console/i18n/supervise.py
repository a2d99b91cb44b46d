"""Strings of the supervisor's actions on the board (pause, log in/out, listen in, pickup),
their dialogs and refusals, and the seat warning at start."""

from __future__ import annotations

from typing import Final

from console.i18n import Catalog

CATALOG: Final[Catalog] = {
    # the seat
    "me.not_operator.title": {"en": "This seat", "ru": "Это рабочее место"},
    "me.not_operator": {
        "en": "Extension {extension} of [me] is not one of [[operators]]: no phone to ring,"
        " no role. Add it to the config.",
        "ru": "Номер {extension} из [me] не указан в [[operators]]: нет телефона для вызова"
        " и нет роли. Добавьте его в конфигурацию.",
    },
    # operator states from the queues
    "board.state.paused": {"en": "paused", "ru": "пауза"},
    "board.state.logged_out": {"en": "logged out", "ru": "не в очереди"},
    "board.state.unavailable": {"en": "unreachable", "ru": "недоступен"},
    "board.ops.col.paused": {"en": "Paused today", "ru": "Пауза сег."},
    "board.ops.paused_since": {"en": "{reason} since {time}", "ru": "{reason} с {time}"},
    "board.ops.no_reason": {"en": "no reason", "ru": "без причины"},
    "board.ops.listened": {"en": "Listening: {who} → {whom}", "ru": "Слушает: {who} → {whom}"},
    "board.ops.whispered": {
        "en": "Whispering: {who} → {whom}",
        "ru": "Подсказывает: {who} → {whom}",
    },
    "board.ops.barged": {"en": "Barged in: {who} → {whom}", "ru": "В разговоре: {who} → {whom}"},
    "board.ops.queues": {"en": "queues: {queues}", "ru": "очереди: {queues}"},
    # the queues panel
    "board.queues.col.queue": {"en": "Queue", "ru": "Очередь"},
    "board.queues.col.waiting": {"en": "Waiting", "ru": "Ожидают"},
    "board.queues.col.longest": {"en": "Longest wait", "ru": "Дольше всех"},
    "board.queues.col.answered": {"en": "Answered", "ru": "Принято"},
    "board.queues.col.unanswered": {"en": "Not answered", "ru": "Без ответа"},
    "board.queues.col.service_level": {"en": "Service level", "ru": "Уровень сервиса"},
    # keys
    "board.key.pause": {"en": "Pause", "ru": "Пауза"},
    "board.tip.pause": {
        "en": "Pause the selected operator (a reason; one queue or all)",
        "ru": "Поставить выбранного оператора на паузу (причина; одна очередь или все)",
    },
    "board.key.unpause": {"en": "Unpause", "ru": "Снять паузу"},
    "board.tip.unpause": {
        "en": "End the selected operator's pause in every queue",
        "ru": "Снять паузу выбранного оператора во всех очередях",
    },
    "board.key.login": {"en": "Queues", "ru": "Очереди"},
    "board.tip.login": {
        "en": "Log the selected operator in to or out of a queue",
        "ru": "Ввести выбранного оператора в очередь или вывести из неё",
    },
    "board.key.listen": {"en": "Listen", "ru": "Слушать"},
    "board.tip.listen": {
        "en": "Listen to the selected operator's call on your phone",
        "ru": "Слушать разговор выбранного оператора со своего телефона",
    },
    "board.key.whisper": {"en": "Whisper", "ru": "Подсказать"},
    "board.tip.whisper": {
        "en": "Talk to the selected operator only, during the call",
        "ru": "Говорить только оператору во время его разговора",
    },
    "board.key.barge": {"en": "Barge in", "ru": "Вмешаться"},
    "board.tip.barge": {
        "en": "Join the selected operator's call: both parties hear you",
        "ru": "Войти в разговор выбранного оператора: вас слышат оба",
    },
    # the pause dialog
    "pause.title": {"en": "Pause: {operator}", "ru": "Пауза: {operator}"},
    "pause.reason": {"en": "Reason", "ru": "Причина"},
    "pause.typed": {"en": "Or type a reason", "ru": "Или введите причину"},
    "pause.where": {"en": "Where", "ru": "Где"},
    "pause.all": {"en": "In every queue", "ru": "Во всех очередях"},
    "pause.one": {"en": "Only in {queue}", "ru": "Только в очереди {queue}"},
    "pause.ok": {"en": "Pause", "ru": "Пауза"},
    # the queues dialog
    "queues.title": {"en": "Queues: {operator}", "ru": "Очереди: {operator}"},
    "queues.about": {
        "en": "Enter logs in to the queue, or out of it when logged in.",
        "ru": "Enter вводит в очередь или выводит из неё, если оператор уже в ней.",
    },
    "queues.in": {"en": "{queue}: in the queue", "ru": "{queue}: в очереди"},
    "queues.in_static": {
        "en": "{queue}: in the queue (queues.conf)",
        "ru": "{queue}: в очереди (queues.conf)",
    },
    "queues.out": {"en": "{queue}: not in the queue", "ru": "{queue}: не в очереди"},
    "queues.none": {
        "en": "The PBX has told of no queues yet.",
        "ru": "АТС ещё не сообщила ни об одной очереди.",
    },
    # what was done
    "supervise.paused": {
        "en": "{operator}: paused ({reason})",
        "ru": "{operator}: пауза ({reason})",
    },
    "supervise.unpaused": {"en": "{operator}: pause ended", "ru": "{operator}: пауза снята"},
    "supervise.logged_in": {
        "en": "{operator}: logged in to {queue}",
        "ru": "{operator}: введён в очередь {queue}",
    },
    "supervise.logged_out": {
        "en": "{operator}: logged out of {queue}",
        "ru": "{operator}: выведен из очереди {queue}",
    },
    "supervise.spy.listen": {
        "en": "Your phone rings: pick it up to listen to {operator}",
        "ru": "Звонит ваш телефон: снимите трубку, чтобы слушать. Оператор: {operator}",
    },
    "supervise.spy.whisper": {
        "en": "Your phone rings: pick it up to whisper to {operator}",
        "ru": "Звонит ваш телефон: снимите трубку, чтобы подсказывать. Оператор: {operator}",
    },
    "supervise.spy.barge": {
        "en": "Your phone rings: pick it up to join {operator}'s call",
        "ru": "Звонит ваш телефон: снимите трубку, чтобы войти в разговор. Оператор: {operator}",
    },
    "supervise.spy.label": {"en": "Listen-in {operator}", "ru": "Прослушка {operator}"},
    "supervise.no_call": {
        "en": "{operator} is not on a call: nothing to listen to",
        "ru": "{operator} сейчас не разговаривает: слушать нечего",
    },
    "supervise.no_operator": {
        "en": "Select an operator first",
        "ru": "Сначала выберите оператора",
    },
    "supervise.title": {"en": "Supervisor", "ru": "Супервизор"},
    # refusals
    "supervise.error.not_allowed": {
        "en": "{name} ({role}) may not do this: only a supervisor or an admin may",
        "ru": "{name} ({role}): это может только старший смены или администратор",
    },
    "supervise.error.no_me": {
        "en": "Extension {extension} of [me] is not in [[operators]]: no phone, no role",
        "ru": "Номер {extension} из [me] не указан в [[operators]]: нет телефона и роли",
    },
    "supervise.error.no_device": {
        "en": "{device} is no operator's phone",
        "ru": "{device} — не телефон оператора",
    },
    "supervise.error.no_pbx": {"en": "No PBX is configured", "ru": "АТС не настроена"},
    "supervise.error.not_connected": {
        "en": "PBX {server} is not connected",
        "ru": "Нет связи с АТС {server}",
    },
    "supervise.error.outcome_unknown": {
        "en": "The link to the PBX failed while sending: your phone may ring — check before"
        " trying again",
        "ru": "Связь с АТС прервалась при отправке: ваш телефон может зазвонить — проверьте,"
        " прежде чем повторять",
    },
    "supervise.refused.not_dynamic": {
        "en": "The operator is written in queues.conf: they can only be paused",
        "ru": "Оператор записан в queues.conf: его можно только поставить на паузу",
    },
    "supervise.refused.permission": {
        "en": "The PBX refused: the AMI user lacks write class «{klass}» (manager.conf)",
        "ru": "АТС отказала: у пользователя AMI нет класса записи «{klass}» (manager.conf)",
    },
    "supervise.refused.already": {
        "en": "The operator is already in that queue",
        "ru": "Оператор уже в этой очереди",
    },
    "supervise.refused.not_member": {
        "en": "The operator is not in that queue",
        "ru": "Оператора нет в этой очереди",
    },
    "supervise.refused.no_queue": {
        "en": "The PBX has no such queue",
        "ru": "На АТС нет такой очереди",
    },
    "supervise.refused.other": {
        "en": "The PBX refused: {message}",
        "ru": "АТС отказала: {message}",
    },
    "supervise.refused.link": {
        "en": "No answer from the PBX: {detail}",
        "ru": "Нет ответа от АТС: {detail}",
    },
    # a listen-in or pickup of mine that never got going
    "supervise.kind.listen": {"en": "Listen", "ru": "Прослушка"},
    "supervise.kind.whisper": {"en": "Whisper", "ru": "Подсказка"},
    "supervise.kind.barge": {"en": "Barge in", "ru": "Вмешательство"},
    "supervise.kind.pickup": {"en": "Pickup", "ru": "Перехват"},
    "supervise.not_started.no_answer": {
        "en": "Did not start: your phone did not answer",
        "ru": "Не началось: ваш телефон не ответил",
    },
    "supervise.not_started.busy": {
        "en": "Did not start: your phone is busy",
        "ru": "Не началось: ваш телефон занят",
    },
    "supervise.not_started.nothing": {
        "en": "Did not start: the call is over or no longer rings",
        "ru": "Не началось: звонок уже закончился или больше не звонит",
    },
    # pickup on the dispatcher screen
    "dispatcher.key.pickup": {"en": "Pick up", "ru": "Перехват"},
    "dispatcher.tip.pickup": {
        "en": "Take a call ringing at a colleague's phone",
        "ru": "Взять звонок, который звонит у коллеги",
    },
    "pickup.title": {"en": "Pick up whose call?", "ru": "Чей звонок перехватить?"},
    "pickup.row": {"en": "{operator}: {caller}", "ru": "{operator}: {caller}"},
    "pickup.none": {
        "en": "No call is ringing at a colleague's phone",
        "ru": "Ни у кого из коллег сейчас не звонит телефон",
    },
    "pickup.ringing": {
        "en": "Your phone rings: pick it up to take the call from {operator}",
        "ru": "Звонит ваш телефон: снимите трубку, — перехват звонка. Оператор: {operator}",
    },
    "pickup.label": {"en": "Pickup {operator}", "ru": "Перехват {operator}"},
    # workers
    "worker.supervise": {"en": "supervisor action", "ru": "действие супервизора"},
    "worker.pickup": {"en": "pickup", "ru": "перехват звонка"},
}
