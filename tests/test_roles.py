"""Roles come from the desk's config: `[[operators]] role`, dispatcher unless it says
otherwise; the seat acts with its operator's role, a seat nobody configured as a
dispatcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.actors import seat_actor
from console.config import ROLES, ConfigError, load_settings
from storage.models import OperatorRole
from storage.roles import Actor

OPERATORS = """
[me]
extension = "{me}"

[[operators]]
extension = "101"
name = "Анна"
device = "PJSIP/101"

[[operators]]
extension = "102"
name = "Ольга"
device = "PJSIP/102"
role = "supervisor"
"""


def test_config_roles_are_the_storage_roles() -> None:
    assert tuple(r.value for r in OperatorRole) == ROLES


@pytest.mark.parametrize(
    ("me", "name", "role"),
    [
        ("101", "Анна (101)", OperatorRole.DISPATCHER),
        ("102", "Ольга (102)", OperatorRole.SUPERVISOR),
        ("555", "555", OperatorRole.DISPATCHER),
    ],
)
def test_the_seat_acts_with_its_operators_role(
    tmp_path: Path, me: str, name: str, role: OperatorRole
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(OPERATORS.format(me=me), "utf-8")
    assert seat_actor(load_settings(str(path), environ={})) == Actor(name, role)


def test_an_unknown_role_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(OPERATORS.format(me="101").replace("supervisor", "boss"), "utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), environ={})
    message = str(info.value)
    assert "operators[1].role: expected dispatcher or supervisor or admin, got 'boss'" in message
    assert "\n" not in message


def test_an_actor_always_has_a_name() -> None:
    with pytest.raises(ValueError, match="needs a name"):
        Actor("  ", OperatorRole.ADMIN)
