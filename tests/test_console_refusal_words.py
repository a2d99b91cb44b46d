"""A value storage refuses is explained in the interface language: storage hands over a
code and its details, the console words them («Скидка, %: не больше 100»)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import Any

import pytest

from console.data import database_error
from console.widgets.card.saving import explain
from storage.clients import validate_changes
from storage.db import StorageError
from storage.errors import InvalidChange


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"email": "anna-at-example"}, "Эл. почта: это не адрес эл. почты"),
        ({"discount_percent": "150"}, "Скидка, %: не больше 100"),
        ({"credit_limit": "1.005"}, "Кредитный лимит: не больше двух знаков после запятой"),
        (
            {"balance": "100"},
            "Баланс: меняется только операциями по счёту (пополнение, списание, поправка)",
        ),
        ({"completed_orders": -1}, "Выполнено заказов: нужно целое число от 0"),
        ({"city": "М" * 500}, "Город: не длиннее 100 символов"),
    ],
)
@pytest.mark.usefixtures("russian")
def test_a_refused_value_is_explained_in_russian(changes: dict[str, Any], said: str) -> None:
    with pytest.raises(InvalidChange) as caught:
        validate_changes(changes)
    assert explain(caught.value) == said


def test_the_english_message_stays_for_logs_and_the_command_line() -> None:
    with pytest.raises(InvalidChange) as caught:
        validate_changes({"discount_percent": Decimal("150")})
    assert str(caught.value) == "discount_percent: at most 100"


@pytest.mark.usefixtures("russian")
def test_a_database_problem_is_said_in_russian() -> None:
    """The driver's own line stays; what kind of problem it is comes in words."""
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert database_error(readonly) == (
        "база данных доступна только для чтения: attempt to write a readonly database"
    )
    gone = StorageError("cannot reach …", kind="unreachable", detail="Connection refused")
    assert database_error(gone) == "сервер базы данных недоступен: Connection refused"
