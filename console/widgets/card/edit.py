"""The card's edit mode: every field a person may change, in one form.

The form knows the values it was loaded with, so a save sends only what changed, and the
version it was loaded at, so a save over someone else's newer save is refused by storage
(EditConflict) instead of silently overwriting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from console.data import ClientKind, ClientStatus, InvalidChange, validate_changes
from console.i18n import fmt_amount, fmt_date, parse_money, tr
from console.typed_dates import parse_date
from console.wording import invalid_change

if TYPE_CHECKING:
    from console.data import ClientCard


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # text | money | count | date | kind | status | tariff


# The balance and bonuses are not here: they move only by account operations (the card's
# account key), each with who, when and why; storage refuses them in an edit.
FIELDS: tuple[Field, ...] = (
    Field("last_name", "text"),
    Field("first_name", "text"),
    Field("middle_name", "text"),
    Field("kind", "kind"),
    Field("organisation", "text"),
    Field("city", "text"),
    Field("street", "text"),
    Field("house", "text"),
    Field("entrance", "text"),
    Field("email", "text"),
    Field("birthday", "date"),
    Field("status", "status"),
    Field("tariff_id", "tariff"),
    Field("comment", "text"),
    Field("credit_limit", "money"),
    Field("discount_percent", "money"),
    Field("completed_orders", "count"),
    Field("false_orders", "count"),
    Field("bonus_orders", "count"),
    Field("complaints", "count"),
)


# What a first-time caller's card asks for while the caller is on the line: who they are
# and where they are picked up, the tariff they ask for, a note. The other fields (money,
# counters, status, e-mail...) are one key away (`show_all_fields`). Half the inputs also
# lighten the screen update that pops the card (measured: docs/performance.md, «Pop path:
# what the code avoids, and why»).
QUICK_FIELDS: frozenset[str] = frozenset(
    {"last_name", "first_name", "middle_name", "city", "street", "house", "entrance"}
    | {"tariff_id", "comment"}
)


def card_values(card: ClientCard) -> dict[str, Any]:
    """The card's editable values, as the form compares them."""
    return {f.name: getattr(card, f.name) for f in FIELDS}


def field_label(name: str) -> str:
    return tr(f"card.field.{name}")


def shown_value(field: Field, value: Any) -> str:
    """A stored value as the form shows it."""
    if value is None:
        return ""
    if field.kind == "date" and isinstance(value, date):
        return fmt_date(value)
    if field.kind == "money" and isinstance(value, Decimal):
        return fmt_amount(value)  # as the card shows it, without the currency
    return str(value)


def invalid_text(exc: InvalidChange) -> str:
    """What is wrong with a value storage refused, in words (storage gives a code)."""
    return invalid_change(exc)


class FormError(ValueError):
    """Fields whose text is not a value they can take: every one, with what is wrong."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors.items()))
        self.errors = dict(errors)

    @property
    def field(self) -> str:
        """The first bad field, in the form's order (where the cursor goes)."""
        return next(iter(self.errors))


class _Unreadable(ValueError):
    """One field's text is not a value of its kind (the message says why)."""


class CardEditForm(VerticalScroll):
    """Inputs for one client; `changes()` returns only what differs from `load()`."""

    # One line per field (compact inputs): the whole form fits a 40-line terminal, so the
    # dispatcher sees the name, the address and the tariff while the caller talks.
    DEFAULT_CSS = """
    CardEditForm { height: 1fr; padding: 0 1; }
    CardEditForm Grid { grid-size: 2; grid-columns: 20 1fr; grid-rows: 1;
                        height: auto; grid-gutter: 0 1; margin-top: 1; }
    CardEditForm Label { color: $text-muted; }
    CardEditForm Input, CardEditForm Select { background: $boost; }
    CardEditForm Input:focus, CardEditForm Select:focus { background: $primary 35%; }
    CardEditForm #new-phone-row { display: none; }
    CardEditForm .field-error { color: $text-error; text-style: bold; }
    CardEditForm.-quick .-more { display: none; }
    CardEditForm.-new #new-phone-row { display: block; }
    """

    def __init__(self, *, id: str | None = None, quick: bool = True) -> None:
        # Quick from the start: the form is mostly prepared ahead for a first-time caller,
        # and switching it to quick on the pop would restyle all its inputs (a cost
        # measured in docs/performance.md, «Pop path: what the code avoids, and why»).
        super().__init__(id=id, classes="-quick" if quick else None)
        self._original: dict[str, Any] = {}
        # The tariffs offered (the active ones and the client's own), and a tariff to show
        # that is not among them yet: they are loaded after the form opens.
        self._tariff_choices: list[tuple[int, str]] = []
        self._tariff_wanted: int | None = None
        self._phone_loaded = ""
        self._errors: dict[str, tuple[Static, Static]] = {}  # field -> its error line
        self.composed = False

    def compose(self) -> ComposeResult:
        hint = "card.edit.hint.quick" if self.quick else "card.edit.hint"
        yield Static(tr(hint), classes="card-edit-hint", id="edit-hint")
        with Grid():
            yield Label(tr("card.field.phone"), id="new-phone-row")
            yield Input(id="edit-phone", classes="-phone", compact=True)
            for field in FIELDS:
                more = "" if field.name in QUICK_FIELDS else "-more"
                yield Label(field_label(field.name), classes=more)
                yield self._widget(field).set_class(bool(more), "-more")

    def _widget(self, field: Field) -> Input | Select[str] | Select[int]:
        wid = f"edit-{field.name}"
        if field.kind == "kind":
            return Select(
                [(tr(f"card.kind.{k.value}"), k.value) for k in ClientKind],
                allow_blank=False,
                id=wid,
                compact=True,
            )
        if field.kind == "status":
            return Select(
                [(tr(f"card.status.{s.value}"), s.value) for s in ClientStatus],
                allow_blank=False,
                id=wid,
                compact=True,
            )
        if field.kind == "tariff":
            return Select[int]([], prompt=tr("card.tariff.none"), id=wid, compact=True)
        if field.kind == "count":
            return Input(type="integer", id=wid, compact=True)
        return Input(id=wid, compact=True)

    def on_mount(self) -> None:
        self.query_one("#edit-phone").display = False
        # The credit limit is a supervisor's or an admin's to change (storage refuses anyone
        # else): for others it is shown, not offered. The seat's role is fixed for the run.
        data = getattr(self.app, "data", None)
        if data is not None and not data.may():
            self.query_one("#edit-credit_limit").disabled = True
        self.composed = True  # its inputs exist: it can be filled

    def load(
        self,
        values: Mapping[str, Any],
        *,
        new_phone: str | None = None,
        quick: bool = False,
    ) -> None:
        """Fill the form; `new_phone` is shown (and required) when creating a client;
        `quick` shows only `QUICK_FIELDS` until `show_all_fields`.

        A field already showing its value is left alone: the form is reused from call to
        call, and each value set is a message and a repaint on the pop path."""
        self._set_quick(quick)
        self._original = dict(values)
        self.set_class(new_phone is not None, "-new")
        phone = self.query_one("#edit-phone", Input)
        phone.display = new_phone is not None
        self._phone_loaded = new_phone or ""
        if phone.value != (new_phone or ""):
            phone.value = new_phone or ""
        if self._errors:
            self.clear_errors()
        for field in FIELDS:
            self._put(field, values.get(field.name))

    def clear(self) -> None:
        """Blank every field, between calls: the next caller's values then change only
        the fields they have (a first-time caller: the name), on the pop path."""
        self.load({}, quick=self.quick)  # (a class change would restyle every input)

    def _put(self, field: Field, value: Any) -> None:
        """Show `value` in the field's widget."""
        widget = self.query_one(f"#edit-{field.name}")
        if isinstance(widget, Select):
            if field.kind == "tariff":
                self._tariff_wanted = None
                if value is not None and value not in {tid for tid, _ in self._tariff_choices}:
                    self._tariff_wanted, value = value, None  # shown once the tariffs are in
                target = value if value is not None else Select.NULL
            elif value is None:
                return
            else:
                target = value
            if widget.value != target:
                widget.value = target
        elif isinstance(widget, Input):
            text = shown_value(field, value)
            if widget.value != text:
                widget.value = text

    def set_tariffs(self, tariffs: list[tuple[int, str]], own: tuple[int, str] | None) -> None:
        """Offer the active tariffs and the client's `own` one (even if it was retired),
        keeping the tariff shown or still to be shown."""
        choices = list(tariffs)
        if own is not None and own[0] not in {tid for tid, _ in choices}:
            choices.append(own)
        tariff = next(f for f in FIELDS if f.kind == "tariff")
        shown = self._read(tariff)
        if choices != self._tariff_choices:
            self._tariff_choices = choices
            widget = self.query_one(f"#edit-{tariff.name}", Select)
            widget.set_options([(name, tid) for tid, name in choices])
        self._put(tariff, shown)

    @property
    def quick(self) -> bool:
        return self.has_class("-quick")

    def show_all_fields(self) -> None:
        self._set_quick(False)

    def _set_quick(self, quick: bool) -> None:
        if quick == self.quick:
            return
        self.set_class(quick, "-quick")
        hint = "card.edit.hint.quick" if quick else "card.edit.hint"
        self.query_one("#edit-hint", Static).update(tr(hint))

    def refocus(self, widget: Widget) -> None:
        """Back to where the operator was typing: their text is not selected, where the
        next key would replace it (an Input selects all on focus; on blur it does again)."""
        if isinstance(widget, Input):
            widget.select_on_focus = False
        widget.focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, Input):
            event.widget.select_on_focus = True

    def focus_field(self, name: str) -> None:
        self.query_one(f"#edit-{name}").focus()
        self.call_after_refresh(self.scroll_to_widget, self.query_one(f"#edit-{name}"))

    @property
    def new_phone(self) -> str:
        return self.query_one("#edit-phone", Input).value.strip()

    def values(self) -> dict[str, Any]:
        """Everything in the form, parsed; FormError names every field that cannot be."""
        return self._collect(check=False)

    def checked(self) -> dict[str, Any]:
        """`values()`, the changed ones also checked by storage's rules field by field:
        FormError names every bad field at once (a save would name only the first)."""
        return self._collect(check=True)

    def _collect(self, *, check: bool) -> dict[str, Any]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for field in FIELDS:
            try:
                value = values[field.name] = self._read(field)
                # (only what is changed: a stored value the rules now refuse blocks no save)
                if check and self._original.get(field.name) != value:
                    validate_changes({field.name: value})
            except _Unreadable as exc:
                errors[field.name] = str(exc)
            except InvalidChange as exc:
                errors[field.name] = invalid_text(exc)
        if errors:
            raise FormError(errors)
        return values

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Each error on a line under its field; the cursor on the first."""
        self.clear_errors()
        if any(name not in QUICK_FIELDS for name in errors):
            self.show_all_fields()
        grid = self.query_one(Grid)
        for name, message in errors.items():
            line = (Static(""), Static(message, classes="field-error"))
            self._errors[name] = line
            grid.mount(*line, after=self.query_one(f"#edit-{name}"))
        if errors:
            self.focus_field(next(iter(errors)))

    def clear_errors(self, name: str | None = None) -> None:
        for field in [name] if name is not None else list(self._errors):
            for cell in self._errors.pop(field, ()):
                cell.remove()

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("edit-")
        if name in self._errors:
            self.clear_errors(name)  # being corrected: the complaint goes

    def _read(self, field: Field) -> Any:
        widget = self.query_one(f"#edit-{field.name}")
        if isinstance(widget, Select):
            value = widget.value
            if value is Select.NULL:
                return self._tariff_wanted if field.kind == "tariff" else None
            return value
        assert isinstance(widget, Input)
        text = widget.value.strip()
        if field.kind == "date":
            parsed = parse_date(text) if text else None
            if text and parsed is None:
                raise _Unreadable(tr("card.edit.bad_date"))
            return parsed
        if field.kind == "money":
            if not text:
                return Decimal("0.00")
            amount = parse_money(text)
            if amount is None:
                raise _Unreadable(tr("card.edit.bad_number"))
            return amount
        if field.kind == "count":
            try:
                return int(text) if text else 0
            except ValueError:
                raise _Unreadable(tr("card.edit.bad_count")) from None
        return text

    def typed(self) -> bool:
        """Something was typed since the form was loaded (or it cannot even be read)."""
        try:
            changed = bool(self.changes())
        except FormError:
            return True
        return changed or self.new_phone != self._phone_loaded.strip()

    def changes(self) -> dict[str, Any]:
        """Only the fields whose value differs from what the form was loaded with."""
        return self.changes_in(self.values())

    def changes_in(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Of `values` (the form's, read), those that differ from what it was loaded with."""
        return {k: v for k, v in values.items() if self._original.get(k) != v}

    def settle(self) -> None:
        """What the form shows now is its baseline: `changes()` is what is typed from here
        on (a first-time caller's form, opened before the client exists)."""
        self._original = self.values()

    def rebase(self, values: Mapping[str, Any]) -> None:
        """The client being typed in now exists with `values`: untouched fields show them,
        typed ones stay, and `changes()` compares with them from now on."""
        for field in FIELDS:
            try:
                untouched = self._read(field) == self._original.get(field.name)
            except _Unreadable:
                untouched = False  # something half-typed: the operator's
            if untouched:
                self._put(field, values.get(field.name))
        self._original = dict(values)
