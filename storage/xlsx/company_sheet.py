"""The companies sheet of a client export, read back by an import.

A client export with its companies (`export_clients(company_words=…)`) has a second sheet:
each company's name, tax id, contact, comment, the balance of its account and its
employees' count. An import finds that sheet by its header (any language the caller's
`ImportWords.company_headers` knows, and the usual names: «ИНН», «Название»), checks every
row with the client rows (a bad cell refuses the whole file, named as «Companies: Tax id»),
and writes the companies before the clients' own company column is applied, so an
employee's company arrives with its record and its money rather than as a bare name:

- a company the desk has not is created with the row's record; a balance becomes one
  correction of its account (`storage.companies.correct_company_balance`: money moves only
  through operations, and the importer's role is checked as for any money);
- a company the desk has (the same name, any case) is updated only when the import updates
  existing records: the fields the row fills, and its balance brought to the row's by one
  correction; otherwise it is left as it is.

The employees' count is derived (from the client rows' company column), never read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.companies import (
    COMPANY_FIELDS,
    correct_company_balance,
    create_company,
    update_company,
    validate_company,
)
from storage.errors import InvalidChange
from storage.models import Company
from storage.roles import Actor
from storage.xlsx.headers import COMPANY_SYNONYMS, header_index, normalize_header
from storage.xlsx.report import ImportReport, RowError
from storage.xlsx.validation import _amount, _Bad, cell_text

SOURCE = "xlsx import"
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class ParsedCompany:
    row: int
    fields: dict[str, str]  # checked record fields the row fills
    balance: Decimal | None  # None: the cell is empty


def company_layout(
    values: Sequence[Any], own: Mapping[str, Sequence[str]]
) -> dict[int, str] | None:
    """Column index -> company field, when this header row is a companies sheet's (a
    name and a tax id or a balance); None otherwise."""
    index = header_index(own, COMPANY_SYNONYMS)
    found = {
        i: index[normalize_header(v)] for i, v in enumerate(values) if normalize_header(v) in index
    }
    fields = set(found.values())
    if "name" in fields and fields & {"tax_id", "balance"}:
        return found
    return None


def find_company_rows(
    sheets: Iterator[tuple[str, Iterator[tuple[int, tuple[Any, ...]]]]],
    own: Mapping[str, Sequence[str]],
) -> tuple[str, dict[int, str], dict[int, str], Iterator[tuple[int, tuple[Any, ...]]]] | None:
    """The first sheet with a companies header among `sheets` (title, rows): its title,
    its layout, its header texts and the rows after the header."""
    for title, rows in sheets:
        for seen, (_number, values) in enumerate(rows):
            layout = company_layout(values, own)
            if layout is not None:
                headers = {i: cell_text(values[i]) for i in layout}
                return title, layout, headers, rows
            if seen + 1 >= HEADER_SEARCH_ROWS:
                break
    return None


def parse_companies(
    title: str,
    layout: dict[int, str],
    headers: dict[int, str],
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    report: ImportReport,
) -> list[ParsedCompany]:
    """Every row checked; a bad cell is an error of the report (the file is refused)."""
    parsed: list[ParsedCompany] = []
    for number, values in rows:
        cells = {field: values[i] if i < len(values) else None for i, field in layout.items()}
        if not any(cell_text(v) for v in cells.values()):
            continue
        column = {field: f"{title}: {headers[i]}" for i, field in layout.items()}
        record = {f: cell_text(cells[f]) for f in COMPANY_FIELDS if f in cells}
        try:
            fields = validate_company({f: v for f, v in record.items() if v or f == "name"})
        except InvalidChange as exc:
            code = {"not_tax_id": "bad_tax_id", "company_name_required": "no_company_name"}.get(
                exc.code, "too_long"
            )
            detail = str(exc.params.get("limit", ""))
            report.add_error(
                RowError(number, column[exc.field], record.get(exc.field, ""), code, detail)  # type: ignore[arg-type]
            )
            continue
        balance: Decimal | None = None
        if "balance" in cells and cell_text(cells["balance"]):
            try:
                balance = _amount(cells["balance"], True, None)
            except _Bad as bad:
                report.add_error(
                    RowError(number, column["balance"], cell_text(cells["balance"]), bad.code)
                )
                continue
        parsed.append(ParsedCompany(number, fields, balance))
    return parsed


async def apply_companies(
    session: AsyncSession,
    parsed: Sequence[ParsedCompany],
    *,
    actor: Actor,
    at: datetime,
    update_existing: bool,
) -> None:
    """Create the companies the desk has not, update those it has (when asked), each
    audited; balances through one correction each."""
    have = {
        name.casefold(): cid
        for cid, name in (await session.execute(select(Company.id, Company.name))).all()
    }
    for company in parsed:
        key = company.fields["name"].casefold()
        company_id = have.get(key)
        if company_id is None:
            made = await create_company(session, company.fields, actor=actor, at=at)
            company_id = have[key] = made.id
        elif update_existing:
            await update_company(session, company_id, company.fields, actor=actor, at=at)
        else:
            continue
        if company.balance is not None:
            await correct_company_balance(
                session, company_id, company.balance, actor=actor, comment=SOURCE, at=at
            )
