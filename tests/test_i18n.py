"""The catalogs are complete: every key in both languages with the same placeholders, and
every key the code asks for exists (an unknown key would show on screen as itself).
"""

from __future__ import annotations

import ast
import importlib
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.i18n import CATALOG_MODULES, LANGUAGES, catalog, tr

CONSOLE = Path(__file__).resolve().parents[1] / "console"


def placeholders(text: str) -> set[str]:
    return {field for _lit, field, _spec, _conv in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("key", sorted(catalog()))
def test_every_key_has_text_in_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = catalog()[key]
    assert set(texts) == set(LANGUAGES), f"{key}: languages {sorted(texts)}"
    for language in LANGUAGES:
        assert texts[language].strip(), f"{key}: empty {language} text"
    assert placeholders(texts["en"]) == placeholders(texts["ru"]), key


def test_every_catalog_module_is_registered() -> None:
    """A catalog file left out of CATALOG_MODULES would leave its keys untranslated."""
    found = {
        f"console.i18n.{path.stem}"
        for path in (CONSOLE / "i18n").glob("*.py")
        if hasattr(importlib.import_module(f"console.i18n.{path.stem}"), "CATALOG")
    }
    assert found == set(CATALOG_MODULES)


def _calls(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if called == name:
                yield node


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(CONSOLE.rglob("*.py")):
        if path.parent.name != "i18n":
            yield str(path.relative_to(CONSOLE.parent)), ast.parse(path.read_text("utf-8"))


def _used_keys() -> Iterator[tuple[str, str, bool]]:
    """(where, key or key prefix, whether it is a prefix) for every `tr(...)` in console/,
    and every binding description or tooltip written as a catalog key («key.…»)."""
    for where, tree in _sources():
        for call in _calls(tree, "tr"):
            if not call.args:
                continue
            arg = call.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield where, arg.value, False
            elif isinstance(arg, ast.JoinedStr) and arg.values:
                head = arg.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    yield where, head.value, True
        for call in _calls(tree, "Binding"):
            texts = [*call.args[2:3], *(k.value for k in call.keywords if k.arg == "tooltip")]
            texts += [k.value for k in call.keywords if k.arg == "description"]
            for node in texts:
                value = node.value if isinstance(node, ast.Constant) else None
                if isinstance(value, str) and value.startswith("key."):
                    yield where, value, False


def test_every_key_the_code_uses_is_in_the_catalog() -> None:
    keys = catalog()
    used = list(_used_keys())
    assert len(used) > 100  # the scan found the code's keys (not an empty walk)
    missing = [
        f"{where}: {key}{'…' if prefix else ''}"
        for where, key, prefix in used
        if (not any(k.startswith(key) for k in keys) if prefix else key not in keys)
    ]
    assert missing == []


def test_an_unknown_key_shows_as_itself_rather_than_crashing() -> None:
    assert tr("no.such.key") == "no.such.key"


def test_every_worker_description_has_words() -> None:
    """A failed job is named in the error the operator reads («Не удалось: сохранение
    клиента — …»): each worker's (English) description has a «worker.*» entry."""
    worded = {texts["en"] for key, texts in catalog().items() if key.startswith("worker.")}
    described = [
        (where, keyword.value.value)
        for where, tree in _sources()
        for name in ("work", "run_worker")
        for call in _calls(tree, name)
        for keyword in call.keywords
        if keyword.arg == "description"
        and isinstance(keyword.value, ast.Constant)
        and isinstance(keyword.value.value, str)
    ]
    assert len(described) > 10
    assert [f"{where}: {text}" for where, text in described if text not in worded] == []
