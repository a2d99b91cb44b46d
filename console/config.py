"""The console's configuration: one TOML file, loaded into frozen typed objects.

The file's shape is a published interface (deployments write it), so unknown keys are
errors, never silently ignored: a typo like `secert` must not leave a desk without a PBX.
Every problem is reported as one `ConfigError` line naming the file, the key and what was
expected. Secrets are held in `Secret`, which never prints its value.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypeVar, cast

import platformdirs

CONFIG_ENV: Final = "OPCONSOLE_CONFIG"
APP_NAME: Final = "opconsole"

DialFormat = Literal["national", "e164", "digits"]
Language = Literal["en", "ru"]
# Rows a page of a table holds: as many as the screen shows, at most a number if one is set.
PageSize = int | Literal["auto"]


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the file."""


class Secret:
    """A password that cannot leak through repr(), str(), f-strings or logging."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def default_data_dir() -> Path:
    # Absolute even when XDG_DATA_HOME is relative: the database must not follow the cwd.
    return Path(os.path.abspath(Path(platformdirs.user_data_dir(APP_NAME)).expanduser()))


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_database_url() -> str:
    return f"sqlite+aiosqlite:///{default_data_dir() / 'opconsole.db'}"


def default_journal_dir() -> Path:
    return default_data_dir() / "journal"


def default_log_dir() -> Path:
    """Where the console keeps its log (the platform's convention: ~/.local/state on Linux)."""
    return Path(os.path.abspath(Path(platformdirs.user_log_dir(APP_NAME)).expanduser()))


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = field(default_factory=default_database_url)
    # Where the desk keeps what it has not yet written to the database (console.journal).
    journal_dir: Path = field(default_factory=default_journal_dir)


@dataclass(frozen=True)
class PbxSettings:
    name: str
    host: str
    port: int = 5038
    username: str = "console"
    secret: Secret = field(default_factory=lambda: Secret(""))
    tls: bool = False
    ping_interval: float = 5.0
    tls_ca: str | None = None  # CA file for a self-signed Asterisk certificate


@dataclass(frozen=True)
class MeSettings:
    extension: str = ""


# What each operator may do (storage.models.OperatorRole, spelt out here so loading the
# config does not import the storage layer; tests/test_roles.py checks they agree).
ROLES: Final = ("dispatcher", "supervisor", "admin")


@dataclass(frozen=True)
class OperatorSettings:
    extension: str
    name: str
    device: str
    role: str = "dispatcher"


@dataclass(frozen=True)
class CliSettings:
    # Who changes made with `opconsole` commands are recorded as (they act as an admin);
    # `--as NAME` on the command line wins.
    actor: str = ""


@dataclass(frozen=True)
class PhoneSettings:
    region: str = "RU"
    dial_format: DialFormat = "national"
    outbound_context: str = "outbound"


@dataclass(frozen=True)
class UiSettings:
    language: Language = "ru"
    page_size: PageSize = "auto"
    keep_card_after_call: bool = True  # the card stays until dismissed (x) when the call ends
    ended_call_seconds: int = 180  # ...and goes by itself this long after (0: never)
    # A key pressed this recently means the dispatcher is at the keys: a ring then waits in
    # the ringing bar (F8) instead of taking the screen.
    typing_seconds: float = 3.0


@dataclass(frozen=True)
class RulesSettings:
    max_unpaid_debts: int = 1
    confirm_call_blacklisted: bool = True
    service_level_seconds: int = 20
    service_level_goal: int = 80  # percent: a service level below it is shown as a warning
    long_wait_seconds: int = 60  # a caller waiting longer is shown as a warning


@dataclass(frozen=True)
class WallboardSettings:
    """`opconsole wallboard`'s token: a bind address other than the loopback needs one.
    `token_env` names an environment variable holding it, read when the wallboard starts
    (a desk without that variable can still run every other command)."""

    token: Secret | None = None
    token_env: str = ""

    def resolve_token(self, environ: Mapping[str, str] | None = None) -> Secret | None:
        """The token, from the file or the named variable; None when neither gives one."""
        if self.token is not None:
            return self.token
        if self.token_env:
            value = (os.environ if environ is None else environ).get(self.token_env, "")
            return Secret(value) if value else None
        return None


@dataclass(frozen=True)
class PauseReason:
    """One reason a supervisor (or an operator) picks when pausing («Обед»); Asterisk keeps
    it as the member's PausedReason, so every console shows the same words."""

    name: str


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    pbx: tuple[PbxSettings, ...] = ()
    me: MeSettings = field(default_factory=MeSettings)
    operators: tuple[OperatorSettings, ...] = ()
    phone: PhoneSettings = field(default_factory=PhoneSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    rules: RulesSettings = field(default_factory=RulesSettings)
    cli: CliSettings = field(default_factory=CliSettings)
    pause_reasons: tuple[PauseReason, ...] = ()
    wallboard: WallboardSettings = field(default_factory=WallboardSettings)
    source: Path | None = None

    def operator(self, extension: str) -> OperatorSettings | None:
        return next((o for o in self.operators if o.extension == extension), None)

    @property
    def my_operator(self) -> OperatorSettings | None:
        return self.operator(self.me.extension)


# --- loading ---------------------------------------------------------------------------

T = TypeVar("T")


class _Section:
    """Reads one TOML table, remembering where it is for error messages."""

    def __init__(self, where: str, path: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where}: [{path}] must be a table")
        self.where = where
        self.path = path
        self.data: Mapping[str, Any] = data
        self.used: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, expected: str, value: object = None) -> ConfigError:
        got = "" if value is None else f", got {value!r}"
        return ConfigError(f"{self.where}: {self._key(key)}: expected {expected}{got}")

    def get(
        self,
        key: str,
        kind: type[T],
        expected: str,
        default: T | None = None,
        check: Callable[[T], bool] | None = None,
    ) -> T:
        self.used.add(key)
        if key not in self.data:
            if default is None:
                raise ConfigError(f"{self.where}: {self._key(key)}: missing, expected {expected}")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok or (check is not None and not check(cast(T, value))):
            raise self.fail(key, expected, value)
        return cast(T, value)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ConfigError(
                f"{self.where}: {self._key(unknown[0])}: unknown key "
                f"(expected one of: {', '.join(sorted(self.used))})"
            )


_NONEMPTY = "a non-empty string"


def _nonempty(value: str) -> bool:
    return bool(value.strip())


def _database(where: str, raw: object) -> DatabaseSettings:
    s = _Section(where, "database", raw)
    url = s.get(
        "url",
        str,
        "a database url (sqlite+aiosqlite:///… or postgresql+asyncpg://…)",
        default_database_url(),
    )
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise s.fail(
            "url", "a url starting sqlite+aiosqlite:// or postgresql+asyncpg://", _redact_url(url)
        )
    journal = s.get("journal_dir", str, "a directory path", "", _nonempty)
    s.finish()
    if not journal:
        return DatabaseSettings(url=url)
    return DatabaseSettings(url=url, journal_dir=Path(journal).expanduser())


def _pbx(where: str, index: int, raw: object, environ: Mapping[str, str]) -> PbxSettings:
    s = _Section(where, f"pbx[{index}]", raw)
    name = s.get("name", str, _NONEMPTY, check=_nonempty)
    host = s.get("host", str, "a host name or address", check=_nonempty)
    port = s.get("port", int, "a port number 1-65535", 5038, lambda p: 0 < p < 65536)
    username = s.get("username", str, _NONEMPTY, check=_nonempty)
    has_secret, has_env = "secret" in s.data, "secret_env" in s.data
    if has_secret == has_env:
        raise ConfigError(f"{where}: pbx[{index}]: set exactly one of secret or secret_env")
    if has_secret:
        secret = Secret(s.get("secret", str, "the AMI secret as a string"))
    else:
        var = s.get("secret_env", str, "the name of an environment variable", check=_nonempty)
        if var not in environ:
            raise ConfigError(
                f"{where}: pbx[{index}].secret_env: environment variable {var} is not set"
            )
        secret = Secret(environ[var])
    tls = s.get("tls", bool, "true or false", False)
    tls_ca = s.get("tls_ca", str, "the path of a CA certificate file", "", _nonempty) or None
    if tls_ca is not None and not Path(tls_ca).expanduser().is_file():
        raise ConfigError(f"{where}: pbx[{index}].tls_ca: no such file {tls_ca}")
    ping = s.get(
        "ping_interval", float, "seconds between keepalive Pings (> 0)", 5.0, lambda v: v > 0
    )
    s.finish()
    return PbxSettings(
        name=name,
        host=host,
        port=port,
        username=username,
        secret=secret,
        tls=tls,
        ping_interval=ping,
        tls_ca=str(Path(tls_ca).expanduser()) if tls_ca else None,
    )


def _operator(where: str, index: int, raw: object) -> OperatorSettings:
    s = _Section(where, f"operators[{index}]", raw)
    op = OperatorSettings(
        extension=s.get(
            "extension", str, 'the operator\'s extension as a string, e.g. "101"', check=_nonempty
        ),
        name=s.get("name", str, _NONEMPTY, check=_nonempty),
        device=s.get(
            "device", str, 'the device the PBX rings, e.g. "PJSIP/101"', check=lambda d: "/" in d
        ),
        role=s.get("role", str, " or ".join(ROLES), "dispatcher", lambda r: r in ROLES),
    )
    s.finish()
    return op


def _phone(where: str, raw: object) -> PhoneSettings:
    import phonenumbers

    s = _Section(where, "phone", raw)
    regions = phonenumbers.SUPPORTED_REGIONS
    phone = PhoneSettings(
        region=s.get(
            "region", str, 'a two-letter region code such as "RU"', "RU", lambda r: r in regions
        ),
        dial_format=cast(
            DialFormat,
            s.get(
                "dial_format",
                str,
                "national, e164 or digits",
                "national",
                lambda v: v in ("national", "e164", "digits"),
            ),
        ),
        outbound_context=s.get("outbound_context", str, _NONEMPTY, "outbound", _nonempty),
    )
    s.finish()
    return phone


def _ui(where: str, raw: object) -> UiSettings:
    s = _Section(where, "ui", raw)
    ui = UiSettings(
        language=cast(
            Language, s.get("language", str, "en or ru", "ru", lambda v: v in ("en", "ru"))
        ),
        page_size=_page_size(s),
        keep_card_after_call=s.get("keep_card_after_call", bool, "true or false", True),
        ended_call_seconds=s.get(
            "ended_call_seconds", int, "a whole number of seconds >= 0", 180, lambda v: v >= 0
        ),
        typing_seconds=s.get(
            "typing_seconds", float, "a number of seconds from 0 to 60", 3.0, lambda v: 0 <= v <= 60
        ),
    )
    s.finish()
    return ui


def _pause_reason(where: str, index: int, raw: object) -> PauseReason:
    s = _Section(where, f"pause_reasons[{index}]", raw)
    name = s.get(
        "name",
        str,
        'a reason on one line, up to 64 characters, e.g. "Обед"',
        check=lambda v: bool(v.strip()) and len(v) <= 64 and "\n" not in v and "\r" not in v,
    )
    s.finish()
    return PauseReason(name=name.strip())


def _page_size(s: _Section) -> PageSize:
    """`auto` (rows as the screen shows) or a whole number: the most rows a page holds."""
    expected = '"auto" or a whole number of rows from 1 to 1000'
    if isinstance(s.data.get("page_size"), str):
        return cast(PageSize, s.get("page_size", str, expected, "auto", lambda v: v == "auto"))
    return s.get("page_size", int, expected, 0, lambda v: 1 <= v <= 1000) or "auto"


def _rules(where: str, raw: object) -> RulesSettings:
    s = _Section(where, "rules", raw)
    rules = RulesSettings(
        max_unpaid_debts=s.get("max_unpaid_debts", int, "a whole number >= 0", 1, lambda v: v >= 0),
        confirm_call_blacklisted=s.get("confirm_call_blacklisted", bool, "true or false", True),
        service_level_seconds=s.get(
            "service_level_seconds", int, "seconds > 0", 20, lambda v: v > 0
        ),
        service_level_goal=s.get(
            "service_level_goal", int, "a percentage from 1 to 100", 80, lambda v: 1 <= v <= 100
        ),
        long_wait_seconds=s.get("long_wait_seconds", int, "seconds > 0", 60, lambda v: v > 0),
    )
    s.finish()
    return rules


def _cli(where: str, raw: object) -> CliSettings:
    s = _Section(where, "cli", raw)
    cli = CliSettings(actor=s.get("actor", str, "the name changes are recorded as", "").strip())
    s.finish()
    return cli


def _wallboard(where: str, raw: object) -> WallboardSettings:
    s = _Section(where, "wallboard", raw)
    if "token" in s.data and "token_env" in s.data:
        raise ConfigError(f"{where}: wallboard: set one of token or token_env, not both")
    token = s.get("token", str, "the wallboard's token, a non-empty string", "", _nonempty)
    var = s.get("token_env", str, "the name of an environment variable", "", _nonempty)
    s.finish()
    return WallboardSettings(token=Secret(token) if token else None, token_env=var.strip())


def _tables(where: str, key: str, raw: object) -> list[object]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: {key}: expected an array of tables ([[{key}]])")
    return raw


def parse_settings(
    data: Mapping[str, Any], where: str, environ: Mapping[str, str] | None = None
) -> Settings:
    env = os.environ if environ is None else environ
    top = _Section(where, "", data)
    for key in (
        "database",
        "pbx",
        "me",
        "operators",
        "phone",
        "ui",
        "rules",
        "cli",
        "pause_reasons",
        "wallboard",
    ):
        top.used.add(key)
    top.finish()
    pbx = tuple(
        _pbx(where, i, t, env) for i, t in enumerate(_tables(where, "pbx", data.get("pbx")))
    )
    names = [p.name for p in pbx]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{where}: pbx.name: {name!r} is used twice; names must differ")
    operators = tuple(
        _operator(where, i, t)
        for i, t in enumerate(_tables(where, "operators", data.get("operators")))
    )
    exts = [o.extension for o in operators]
    for ext in exts:
        if exts.count(ext) > 1:
            raise ConfigError(f"{where}: operators.extension: {ext!r} is listed twice")
    me_section = _Section(where, "me", data.get("me", {}))
    me = MeSettings(extension=me_section.get("extension", str, "an extension as a string", ""))
    me_section.finish()
    reasons = tuple(
        _pause_reason(where, i, t)
        for i, t in enumerate(_tables(where, "pause_reasons", data.get("pause_reasons")))
    )
    seen: set[str] = set()
    for reason in reasons:
        if reason.name.casefold() in seen:
            raise ConfigError(f"{where}: pause_reasons.name: {reason.name!r} is listed twice")
        seen.add(reason.name.casefold())
    return Settings(
        database=_database(where, data.get("database", {})),
        pbx=pbx,
        me=me,
        operators=operators,
        phone=_phone(where, data.get("phone", {})),
        ui=_ui(where, data.get("ui", {})),
        rules=_rules(where, data.get("rules", {})),
        cli=_cli(where, data.get("cli", {})),
        pause_reasons=reasons,
        wallboard=_wallboard(where, data.get("wallboard", {})),
    )


def resolve_config_path(
    cli_path: str | None, environ: Mapping[str, str] | None = None
) -> tuple[Path, bool]:
    """The file to read and whether the person named it (a named file must exist)."""
    env = os.environ if environ is None else environ
    if cli_path:
        return Path(cli_path).expanduser(), True
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser(), True
    return default_config_path(), False


def load_settings(
    cli_path: str | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    path, named = resolve_config_path(cli_path, environ)
    where = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if named:
            raise ConfigError(f"{where}: no such file") from None
        return Settings()
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    settings = parse_settings(data, where, environ)
    folder = Path(os.path.abspath(path)).parent
    database = DatabaseSettings(
        url=anchor_sqlite_path(settings.database.url, folder),
        # A relative journal directory is the config file's neighbour, like the database.
        journal_dir=folder / settings.database.journal_dir,
    )
    return Settings(**{**settings.__dict__, "database": database, "source": path})


def anchor_sqlite_path(url: str, folder: Path) -> str:
    """A SQLite url whose file is named absolutely: `~` expanded, a relative path taken
    from `folder` (the config file's), so every command in any cwd opens the same file.

    Other urls, in-memory SQLite and urls that do not parse come back unchanged (the
    database layer reports the latter in its own words).
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.db import sqlite_file

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url
    database = sqlite_file(parsed)
    if database is None:
        return url
    path = Path(database).expanduser()
    if not path.is_absolute():
        path = folder / path
    return parsed.set(database=os.path.abspath(path)).render_as_string(hide_password=False)


def _redact_url(url: str) -> str:
    """A database url fit for a message: the password replaced by ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@")[-1] if "@" in url else url
