"""The config file: the documented shape loads; every mistake is one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import ConfigError, Secret, load_settings

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads_with_every_section() -> None:
    settings = load_settings(str(ROOT / "config.example.toml"), environ={})
    assert settings.database.url.startswith("sqlite+aiosqlite:///")
    assert [p.name for p in settings.pbx] == ["main"]
    assert settings.pbx[0].port == 5038 and settings.pbx[0].ping_interval == 5.0
    assert settings.me.extension == "101"
    assert settings.my_operator is not None and settings.my_operator.device == "PJSIP/101"
    assert settings.phone.dial_format == "national"
    assert settings.ui.language == "ru" and settings.ui.page_size == "auto"
    assert settings.rules.max_unpaid_debts == 1
    assert settings.rules.confirm_call_blacklisted is True
    assert settings.rules.service_level_seconds == 20
    assert [r.name for r in settings.pause_reasons] == ["Обед", "Перерыв", "Обучение"]


def test_pause_reasons_are_optional_and_trimmed(tmp_path: Path) -> None:
    assert load_settings(str(write(tmp_path, "")), environ={}).pause_reasons == ()
    path = write(tmp_path, '[[pause_reasons]]\nname = " Обед "\n')
    assert [r.name for r in load_settings(str(path), environ={}).pause_reasons] == ["Обед"]


def test_secret_from_environment_and_never_printed(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[pbx]]\nname="a"\nhost="h"\nusername="u"\nsecret_env="OPCONSOLE_AMI_SECRET"\n'
    )
    settings = load_settings(str(path), environ={"OPCONSOLE_AMI_SECRET": "s3cr3t-value"})
    assert settings.pbx[0].secret.reveal() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(settings)
    assert "s3cr3t-value" not in str(settings.pbx[0])
    assert "s3cr3t-value" not in f"{settings.pbx[0].secret}"


def test_config_env_var_and_cli_override(tmp_path: Path) -> None:
    path = write(tmp_path, '[ui]\nlanguage = "en"\n')
    assert load_settings(None, environ={"OPCONSOLE_CONFIG": str(path)}).ui.language == "en"
    other = tmp_path / "other.toml"
    other.write_text('[ui]\nlanguage = "ru"\n', encoding="utf-8")
    assert load_settings(str(other), environ={"OPCONSOLE_CONFIG": str(path)}).ui.language == "ru"


@pytest.mark.parametrize(("line", "size"), [('page_size = "auto"', "auto"), ("page_size = 30", 30)])
def test_page_size_is_auto_or_a_cap(tmp_path: Path, line: str, size: object) -> None:
    """A number still works (the most rows a page holds); `auto` fits the screen."""
    settings = load_settings(str(write(tmp_path, f"[ui]\n{line}\n")), environ={})
    assert settings.ui.page_size == size


def test_typing_seconds_is_a_number_of_seconds(tmp_path: Path) -> None:
    assert load_settings(str(write(tmp_path, "[ui]\n")), environ={}).ui.typing_seconds == 3.0
    path = write(tmp_path, "[ui]\ntyping_seconds = 1.5\n")
    assert load_settings(str(path), environ={}).ui.typing_seconds == 1.5


def test_no_config_file_at_default_location_gives_defaults() -> None:
    settings = load_settings(None, environ={})
    assert settings.pbx == () and settings.ui.page_size == "auto"
    assert settings.database.url.endswith("opconsole.db")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[ui]\npage_size = 0\n", 'ui.page_size: expected "auto" or a whole number of rows'),
        ('[ui]\npage_size = "all"\n', 'ui.page_size: expected "auto" or a whole number of rows'),
        ('[ui]\nlanguage = "de"\n', "ui.language: expected en or ru"),
        ('[phone]\ndial_format = "intl"\n', "phone.dial_format: expected national, e164 or digits"),
        ('[phone]\nregion = "XX"\n', "phone.region: expected a two-letter region code"),
        ('[rules]\nmax_unpaid_debts = "one"\n', "rules.max_unpaid_debts: expected a whole number"),
        (
            "[rules]\nconfirm_call_blacklisted = 1\n",
            "rules.confirm_call_blacklisted: expected true or false",
        ),
        ("[ui]\npagesize = 20\n", "ui.pagesize: unknown key"),
        ("[uii]\n", "uii: unknown key"),
        (
            '[[pbx]]\nname="a"\nhost="h"\nusername="u"\nsecret="x"\nport=70000\n',
            "pbx[0].port: expected a port number 1-65535",
        ),
        (
            '[[pbx]]\nname="a"\nhost="h"\nusername="u"\n',
            "pbx[0]: set exactly one of secret or secret_env",
        ),
        (
            '[[pbx]]\nname="a"\nhost="h"\nusername="u"\nsecret_env="NOPE_NOT_SET"\n',
            "pbx[0].secret_env: environment variable NOPE_NOT_SET is not set",
        ),
        (
            '[[pbx]]\nname="a"\nhost="h"\nusername="u"\nsecret="x"\nsecert="y"\n',
            "pbx[0].secert: unknown key",
        ),
        (
            '[[operators]]\nextension=101\nname="A"\ndevice="PJSIP/101"\n',
            "operators[0].extension: expected the operator's extension as a string",
        ),
        (
            '[[operators]]\nextension="101"\nname="A"\ndevice="101"\n',
            "operators[0].device: expected the device",
        ),
        (
            '[[pbx]]\nname="a"\nhost="h"\nusername="u"\nsecret="x"\ntls=true\ntls_ca="/no/ca.pem"\n',
            "pbx[0].tls_ca: no such file /no/ca.pem",
        ),
        ('[ui]\nkeep_card_after_call = "no"\n', "ui.keep_card_after_call: expected true or false"),
        ("[ui]\ntyping_seconds = -1\n", "ui.typing_seconds: expected a number of seconds"),
        ('[ui]\ntyping_seconds = "3s"\n', "ui.typing_seconds: expected a number of seconds"),
        ('[database]\nurl = "mysql://x"\n', "database.url: expected a url starting"),
        ("[ui\n", "not valid TOML"),
        ('[[pause_reasons]]\nname = ""\n', "pause_reasons[0].name: expected a reason on one line"),
        ("[[pause_reasons]]\nname = 1\n", "pause_reasons[0].name: expected a reason on one line"),
        ("[[pause_reasons]]\n", "pause_reasons[0].name: missing, expected a reason"),
        ('[[pause_reasons]]\nname = "a\\nb"\n', "pause_reasons[0].name: expected a reason"),
        ('[[pause_reasons]]\nname = "Обед"\ncode = 1\n', "pause_reasons[0].code: unknown key"),
        (
            '[[pause_reasons]]\nname = "Обед"\n[[pause_reasons]]\nname = "обед"\n',
            "pause_reasons.name: 'обед' is listed twice",
        ),
        ('pause_reasons = "Обед"\n', "pause_reasons: expected an array of tables"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), environ={})
    message = str(info.value)
    assert message.startswith(str(path) + ": ")
    assert expected in message
    assert "\n" not in message


def test_secret_value_never_in_config_errors(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[pbx]]\nname="a"\nhost="h"\nusername="u"\nsecret="hunter2"\nport="x"\n'
    )
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), environ={})
    assert "hunter2" not in str(info.value)


def test_database_password_not_echoed_in_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "mysql://user:topsecret@db/x"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), environ={})
    assert "topsecret" not in str(info.value)


def test_named_config_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(str(tmp_path / "missing.toml"), environ={})


def test_secret_type_hides_value() -> None:
    assert "abc" not in repr(Secret("abc")) and Secret("abc").reveal() == "abc"
