"""Lines the command line prints (`opconsole pbx-sim`, `opconsole demo`, database paths)."""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
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
}
