"""The card's addresses, company and phone labels: the dialogs and the actions that use
them (`console.widgets.card.actions` style: ask, then name one write).

- `a` — addresses: pick one to count for an order (the most used come first on the card),
  edit or remove, or add a new one (`AddressDialog`).
- `o` — company: the company's own screen (`console.screens.company`) when the client has
  one; otherwise pick an existing one or create one, then whether the client may order on
  the company's account (storage refuses a dispatcher that, in words).
- `l` — a phone's label: whose number it is («жена», «офис»).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Input, Label

from console.i18n import tr
from console.screens.call_picker import CallPickerScreen, PickScreen
from console.screens.confirm import ConfirmScreen
from console.widgets.card.actions import Change
from console.widgets.card.dialogs import TextPrompt, _Dialog
from console.wording import address_label_code, address_line, label_word

if TYPE_CHECKING:
    from console.app import ConsoleApp
    from console.data import Address, ClientCard

# The address form's fields, in order (storage's names).
ADDRESS_INPUTS = (
    "label",
    "city",
    "street",
    "house",
    "building",
    "entrance",
    "floor",
    "apartment",
    "comment",
)


class AddressDialog(_Dialog[dict[str, str]]):
    """One address: every field on one line each, so it fits a 24-line terminal."""

    DEFAULT_CSS = """
    AddressDialog .dialog-body { width: 72; }
    AddressDialog #address-grid { grid-size: 2; grid-columns: 16 1fr; grid-rows: 1;
                                  height: auto; grid-gutter: 0 1; }
    AddressDialog #address-grid Input { background: $boost; }
    AddressDialog #address-grid Input:focus { background: $primary 35%; }
    AddressDialog #address-grid Label { color: $text-muted; }
    """

    def __init__(self, title: str, values: dict[str, str] | None = None, city: str = "") -> None:
        super().__init__(title)
        self._values = dict(values or {})
        if not self._values:
            self._values = {"label": "home", "city": city}

    def fields(self) -> ComposeResult:
        with Grid(id="address-grid"):
            for name in ADDRESS_INPUTS:
                value = self._values.get(name, "")
                if name == "label":
                    value = label_word(value)
                yield Label(tr(f"address.field.{name}"))
                placeholder = tr("address.label.hint") if name == "label" else ""
                yield Input(value, id=f"address-{name}", compact=True, placeholder=placeholder)

    def on_mount(self) -> None:
        self.query_one("#address-street", Input).focus()

    def result(self) -> dict[str, str] | str:
        values = {
            name: self.query_one(f"#address-{name}", Input).value.strip() for name in ADDRESS_INPUTS
        }
        values["label"] = address_label_code(values["label"])
        if not any(values[f] for f in ("city", "street", "house")):
            return tr("invalid.address_empty")
        return values


class CompanyDialog(_Dialog[dict[str, str]]):
    """A company's record: its name, tax id and contact (the name is required); empty for
    a new one, filled with `values` to edit one."""

    DEFAULT_CSS = """
    CompanyDialog #company-grid { grid-size: 2; grid-columns: 18 1fr; grid-rows: 1;
                                  height: auto; grid-gutter: 0 1; }
    CompanyDialog #company-grid Input { background: $boost; }
    CompanyDialog #company-grid Input:focus { background: $primary 35%; }
    CompanyDialog #company-grid Label { color: $text-muted; }
    """

    FIELDS = ("name", "tax_id", "contact_name", "contact_phone", "comment")

    def __init__(self, title: str, values: dict[str, str] | None = None) -> None:
        super().__init__(title)
        self._values = values or {}

    def fields(self) -> ComposeResult:
        with Grid(id="company-grid"):
            for name in self.FIELDS:
                yield Label(tr(f"company.field.{name}"))
                yield Input(self._values.get(name, ""), id=f"company-{name}", compact=True)

    def on_mount(self) -> None:
        self.query_one("#company-name", Input).focus()

    def result(self) -> dict[str, str] | str:
        values = {n: self.query_one(f"#company-{n}", Input).value.strip() for n in self.FIELDS}
        if not values["name"]:
            return tr("invalid.company_name_required")
        return values


async def manage_addresses(app: ConsoleApp, card: ClientCard) -> Change | None:
    """Pick an address (then edit or remove it) or add a new one."""
    name = card.name or "—"
    chosen: Address | None = None
    if card.addresses:
        options = [(str(a.id), address_line(a)) for a in card.addresses]
        options.append(("new", tr("address.pick.new")))
        picked = await app.push_screen_wait(
            PickScreen(tr("address.pick.title", name=name), options)
        )
        if picked is None:
            return None
        chosen = next((a for a in card.addresses if str(a.id) == picked), None)
    if chosen is None:
        values = await app.push_screen_wait(
            AddressDialog(tr("address.add.title", name=name), city=card.city)
        )
        if values is None:
            return None
        return Change(lambda data: data.add_address(card.id, values), tr("address.added"))
    address = chosen
    what = await app.push_screen_wait(
        PickScreen(
            address_line(address),
            [
                ("used", tr("address.action.used")),
                ("edit", tr("address.action.edit")),
                ("remove", tr("address.action.remove")),
            ],
        )
    )
    if what == "used":  # an order goes to or from it: the most used come first
        return Change(lambda data: data.use_address(address.id), tr("address.counted"))
    if what == "remove":
        if not await app.push_screen_wait(
            ConfirmScreen(tr("address.remove.question", address=address_line(address)))
        ):
            return None
        return Change(lambda data: data.remove_address(address.id), tr("address.removed"))
    if what != "edit":
        return None
    edited = await app.push_screen_wait(
        AddressDialog(tr("address.edit.title", name=name), address.values())
    )
    if edited is None:
        return None
    return Change(lambda data: data.update_address(address.id, edited), tr("address.saved"))


async def open_company(app: ConsoleApp, card: ClientCard) -> Change | None:
    """The client's company screen (its balance, its employees, whether this caller may
    ride on its account); a client without one chooses or creates one. Once something
    changed there, the card reloads."""
    if card.company is None:
        return await choose_company(app, card)
    from console.screens.company import CompanyScreen

    screen = CompanyScreen(app.data, card.company.id, client_id=card.id)
    if not await app.push_screen_wait(screen):
        return None
    return Change(_nothing, "")


async def _nothing(_data: Any) -> None:
    """The company screen made its writes itself: only the card is left to reload."""


async def choose_company(app: ConsoleApp, card: ClientCard) -> Change | None:
    """The client's company: an existing one, a new one, or none; then the account."""
    name = card.name or "—"
    companies = await app.data.companies()
    options: list[tuple[str, str]] = [(str(c.id), c.name) for c in companies]
    options.append(("new", tr("company.pick.new")))
    if card.company is not None:
        options.append(("none", tr("company.pick.leave", company=card.company.name)))
    picked = await app.push_screen_wait(PickScreen(tr("company.pick.title", name=name), options))
    if picked is None:
        return None
    if picked == "none":
        return Change(lambda data: data.unlink_company(card.id), tr("company.left"))
    new: dict[str, Any] | None = None
    company_id: int | None = None
    if picked == "new":
        new = await app.push_screen_wait(CompanyDialog(tr("company.add.title")))
        if new is None:
            return None
    else:
        company_id = int(picked)
    allowed = await app.push_screen_wait(ConfirmScreen(tr("company.account.question", name=name)))

    async def write(data: Any) -> None:
        await data.link_company(card.id, company_id, new, may_order_on_account=bool(allowed))

    return Change(write, tr("company.linked"))


async def label_phone(app: ConsoleApp, card: ClientCard) -> Change | None:
    """Whose number it is: pick the phone (when there are several), type the label."""
    if not card.phones:
        return None
    e164: str | None = card.phones[0].e164
    if len(card.phones) > 1:
        e164 = await app.push_screen_wait(
            CallPickerScreen(tr("phone.label.pick"), [(p.e164, p.label) for p in card.phones])
        )
    phone = next((p for p in card.phones if p.e164 == e164), None)
    if phone is None:
        return None
    label = await app.push_screen_wait(
        TextPrompt(
            tr("phone.label.title", name=card.name or "—"),
            tr("phone.label.label"),
            value=phone.label,
            required=False,
            placeholder=tr("phone.label.hint"),
        )
    )
    if label is None:
        return None
    number = phone.e164
    return Change(
        lambda data: data.set_phone_label(card.id, number, label), tr("phone.label.saved")
    )
