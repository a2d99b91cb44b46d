"""The desk's companies without a caller: a search field (name or tax id, as typed) over
the list, and a new company. Dismisses with the chosen (or created) company's id, or None
on Escape; the client base then opens its card (`console.screens.company`).

A desk has hundreds of companies, not millions: the list is read once when the dialog
opens and filtered here as one types, with no query per key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.data import DomainError
from console.i18n import fmt_money, fmt_number, tr
from console.i18n.bindings import localize_bindings
from console.widgets.card.places import CompanyDialog
from console.widgets.footer import ConsoleFooter

if TYPE_CHECKING:
    from console.data import CompanyRow, ConsoleData

NEW: str = "new"


@dataclass
class CompaniesLoaded(Message):
    """Every company by name."""

    rows: list[CompanyRow]


def matches(row: CompanyRow, text: str) -> bool:
    """A name containing what was typed (any case, ё as е), or a tax id starting with it."""
    wanted = " ".join(text.split()).casefold().replace("ё", "е")
    if not wanted:
        return True
    return wanted in row.name.casefold().replace("ё", "е") or row.tax_id.startswith(wanted)


def option_text(row: CompanyRow) -> str:
    return tr(
        "companies.option",
        name=row.name,
        tax_id=row.tax_id or "—",
        balance=fmt_money(row.balance),
        count=fmt_number(row.employees),
    )


class CompaniesDialog(ModalScreen[int | None]):
    """Find a company by name or tax id; Enter opens it."""

    CSS_PATH = "../styles/client_base.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel", tooltip="key.cancel.tip", id="companies.cancel"),
    ]

    def __init__(self, data: ConsoleData) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self)
        self._data = data
        self.rows: list[CompanyRow] = []
        self.shown: list[CompanyRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body"):
            yield Static(tr("companies.title"), classes="dialog-title")
            yield Input(placeholder=tr("companies.placeholder"), id="pick-query", compact=True)
            yield OptionList(id="pick-hits")
            yield Static(tr("company.loading"), id="pick-line")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self.query_one("#pick-query", Input).focus()
        self._load()

    @work(exclusive=True, group="companies", exit_on_error=False, description="companies")
    async def _load(self) -> None:
        self.post_message(CompaniesLoaded(await self._data.companies()))

    @on(CompaniesLoaded)
    def _loaded(self, message: CompaniesLoaded) -> None:
        self.rows = message.rows
        self._show(self.query_one("#pick-query", Input).value)

    @on(Input.Changed, "#pick-query")
    def _typed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, text: str) -> None:
        self.shown = [r for r in self.rows if matches(r, text)]
        hits = self.query_one("#pick-hits", OptionList)
        hits.clear_options()
        hits.add_options([Option(Text(option_text(r)), id=str(r.id)) for r in self.shown])
        hits.add_option(Option(tr("companies.new"), id=NEW))
        hits.highlighted = 0
        line = tr("companies.count", shown=fmt_number(len(self.shown)), count=len(self.rows))
        self.query_one("#pick-line", Static).update(line)

    @on(Input.Submitted, "#pick-query")
    def _submitted(self) -> None:
        if len(self.shown) == 1:  # one found: Enter opens it
            self.dismiss(self.shown[0].id)
        else:
            self.query_one("#pick-hits", OptionList).focus()

    @on(OptionList.OptionSelected, "#pick-hits")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW:
            self._create()
        elif event.option.id is not None:
            self.dismiss(int(event.option.id))

    @work(group="card-ask", exit_on_error=False, description="new company")
    async def _create(self) -> None:
        values = await self.app.push_screen_wait(CompanyDialog(tr("company.add.title")))
        if values is None:
            return
        try:
            company_id = await self._data.create_company(values)
        except DomainError as exc:
            from console.screens.company import company_refusal

            self.notify(company_refusal(exc), severity="error", timeout=8, markup=False)
            return
        self.notify(tr("companies.created", name=values["name"]), markup=False)
        self.dismiss(company_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
