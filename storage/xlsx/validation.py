"""One spreadsheet row → one compact, checked `ParsedClient`, or errors naming the cell.

Pure and synchronous (no database): the importer runs it in a worker thread as rows stream
out of openpyxl, keeping only these small tuples. Unknown tariffs are not invented
silently: the report lists each once and the file is refused unless the import was asked
to create them (`create_tariffs`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, NamedTuple

from openpyxl.utils.datetime import from_excel

from storage.models import Client, ClientAddress, ClientKind, Tariff
from storage.phones import NumberKind, classify_number
from storage.phones_fast import normalize_fast
from storage.xlsx.headers import ADDRESS_PARTS, ADDRESS_SEPARATOR, normalize_header
from storage.xlsx.labels import Spellings
from storage.xlsx.reader import Layout
from storage.xlsx.report import ImportReport, RowError, RowErrorCode
from storage.xlsx.spill import IntMap


class ParsedClient(NamedTuple):
    """A valid row. None means "not given": an update leaves that field as it is."""

    row: int
    phones: tuple[str, ...]  # E.164, unique within the file
    raw_phones: tuple[str, ...]  # as written in the file, same order
    phone_columns: tuple[str, ...]  # the header of each phone's column, same order
    kind: str | None
    last_name: str | None
    first_name: str | None
    middle_name: str | None
    organisation: str | None
    email: str | None
    city: str | None
    street: str | None
    house: str | None
    entrance: str | None
    birthday: date | None
    comment: str | None
    tariff_id: int | None
    blacklisted: bool | None
    blacklist_reason: str | None
    status: str | None
    registered_at: datetime | None
    credit_limit: Decimal | None = None
    discount_percent: Decimal | None = None
    rating: Decimal | None = None
    # Not client columns: written through their own rules after the clients (`extras`).
    balance: Decimal | None = None
    bonus_balance: Decimal | None = None
    company: str | None = None
    company_account: bool | None = None
    phone_labels: tuple[str, ...] | None = None  # one per phone of the row, same order
    addresses: tuple[tuple[str, ...], ...] | None = None  # `headers.ADDRESS_PARTS` each

    def values(self) -> dict[str, Any]:
        """The client fields this row gives (phones, row number and extras excluded)."""
        fields = self._fields[_FIRST_FIELD:_FIRST_EXTRA]
        return {
            name: value
            for name, value in zip(fields, self[_FIRST_FIELD:_FIRST_EXTRA], strict=True)
            if value is not None
        }

    def extras(self) -> dict[str, Any]:
        """What the row gives that is not a client column: money, company, phone labels,
        addresses."""
        fields = self._fields[_FIRST_EXTRA:]
        return {
            name: value
            for name, value in zip(fields, self[_FIRST_EXTRA:], strict=True)
            if value is not None
        }


_FIRST_FIELD: Final = ParsedClient._fields.index("kind")
_FIRST_EXTRA: Final = ParsedClient._fields.index("balance")
# Money and percentages: (may be negative, upper bound).
_AMOUNTS: Final[dict[str, tuple[bool, Decimal | None]]] = {
    "balance": (True, None),
    "bonus_balance": (False, None),
    "credit_limit": (False, None),
    "discount_percent": (False, Decimal(100)),
    "rating": (False, None),
}
_ADDRESS_LIMITS: Final[dict[str, int | None]] = {
    part: getattr(ClientAddress.__table__.c[part].type, "length", None) for part in ADDRESS_PARTS
}
TEXT_FIELDS: Final = (
    "last_name",
    "first_name",
    "middle_name",
    "organisation",
    "city",
    "street",
    "house",
    "entrance",
    "comment",
    "blacklist_reason",
)
_MAX_LENGTH: Final[dict[str, int]] = {
    name: length
    for name in (*TEXT_FIELDS, "email")
    if isinstance(length := getattr(Client.__table__.c[name].type, "length", None), int)
}
_PHONE_SPLIT: Final = re.compile(r"[,;\n\r]+")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_LEGAL_FORM: Final = re.compile(
    r"^(ооо|оао|зао|пао|ао|нко|гуп|муп|фгуп|llc|ltd|inc|gmbh)\b|[«\"]", re.IGNORECASE
)
_DATE_FORMATS: Final = ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%y")
_DATETIME_FORMATS: Final = (
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    *_DATE_FORMATS,
)


class _Bad(Exception):
    def __init__(self, code: RowErrorCode, detail: str = "") -> None:
        self.code = code
        self.detail = detail


def cell_text(value: Any) -> str:
    """A cell as text: numbers typed into phone cells lose their ".0", dates read ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _amount(value: Any, negative: bool, top: Decimal | None) -> Decimal:
    """Money or a percentage from a number cell or text («1 200,50»): exact, two places."""
    if isinstance(value, bool):
        raise _Bad("bad_amount", str(value))
    if isinstance(value, float):
        text = repr(value)
    else:
        text = cell_text(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except ArithmeticError:
        raise _Bad("bad_amount", cell_text(value)) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01"), ROUND_HALF_UP):
        raise _Bad("bad_amount", cell_text(value))
    if (amount < 0 and not negative) or (top is not None and amount > top):
        raise _Bad("bad_amount", cell_text(value))
    return amount.quantize(Decimal("0.01"))


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:
            raise _Bad("bad_date")
        moment = from_excel(value)
        return moment.date() if isinstance(moment, datetime) else moment
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _Bad("bad_date")


def _parse_moment(value: Any, tz: tzinfo | None) -> datetime:
    """A wall-clock time in the desk's zone (as exported) → an aware UTC datetime."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:
            raise _Bad("bad_date")
        converted = from_excel(value)
        if not isinstance(converted, datetime):
            raise _Bad("bad_date")
        moment = converted
    else:
        text = str(value).strip()
        for fmt in _DATETIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise _Bad("bad_date")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz) if tz is not None else moment.astimezone()
    return moment.astimezone(UTC)


TARIFF_NAME_LIMIT: Final = Tariff.__table__.c["name"].type.length  # type: ignore[attr-defined]


class RowParser:
    """Checks rows of one file against its layout; remembers phones already seen."""

    def __init__(
        self,
        layout: Layout,
        tariffs: Mapping[str, int],
        report: ImportReport,
        spellings: Spellings,
        *,
        region: str,
        tz: tzinfo | None = None,
        today: date | None = None,
    ) -> None:
        self.layout = layout
        self.report = report
        self.spellings = spellings
        self.region = region
        self.tz = tz
        self.today = today or date.today()
        self._now = datetime.now(UTC) + timedelta(days=1)
        self._tariffs = {normalize_header(name): tid for name, tid in tariffs.items()}
        self.unknown_tariffs: dict[int, str] = {}  # stand-in id -> the tariff as first written
        # Every phone of the file so far (E.164 digits as an int) -> the first row with it.
        self.seen_phones = IntMap(4096)
        self._splits_names = not (
            {"last_name", "first_name", "middle_name", "organisation"} & set(layout.fields)
        )

    def parse(self, number: int, values: tuple[Any, ...]) -> ParsedClient | None:
        """The checked row; None when it is blank or bad (errors go to the report)."""
        if not any(v is not None and str(v).strip() for v in values):
            return None
        self.report.rows += 1
        errors_before = self.report.error_count
        got: dict[str, Any] = {}
        for key, index in self.layout.fields.items():
            raw = values[index] if index < len(values) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                got[key] = self._field(key, raw)
            except _Bad as bad:
                self._error(number, index, cell_text(raw), bad.code, bad.detail)
        phones, raws, columns = self._phones(number, values)
        self._names(got)
        named = any(got.get(k) for k in ("last_name", "first_name", "middle_name", "organisation"))
        if not phones and self.report.error_count == errors_before:
            # A client nobody can call and no call can pop: refused with its row number.
            first = self.layout.phone_columns[0] if self.layout.phone_columns else 0
            self._error(number, first, "", "no_phone" if named else "empty_client")
        if self.report.error_count != errors_before:
            return None
        return ParsedClient(
            row=number,
            phones=phones,
            raw_phones=raws,
            phone_columns=columns,
            kind=got.get("kind"),
            last_name=got.get("last_name"),
            first_name=got.get("first_name"),
            middle_name=got.get("middle_name"),
            organisation=got.get("organisation"),
            email=got.get("email"),
            city=got.get("city"),
            street=got.get("street"),
            house=got.get("house"),
            entrance=got.get("entrance"),
            birthday=got.get("birthday"),
            comment=got.get("comment"),
            tariff_id=got.get("tariff"),
            blacklisted=got.get("blacklisted"),
            blacklist_reason=got.get("blacklist_reason"),
            status=got.get("status"),
            registered_at=got.get("registered_at"),
            credit_limit=got.get("credit_limit"),
            discount_percent=got.get("discount_percent"),
            rating=got.get("rating"),
            balance=got.get("balance"),
            bonus_balance=got.get("bonus_balance"),
            company=got.get("company"),
            company_account=got.get("company_account"),
            phone_labels=got.get("phone_labels"),
            addresses=got.get("addresses"),
        )

    def _error(
        self, row: int, index: int, value: str, code: RowErrorCode, detail: str = ""
    ) -> None:
        self.report.add_error(RowError(row, self.layout.header(index), value, code, detail))

    def _field(self, key: str, raw: Any) -> Any:
        if key in TEXT_FIELDS or key in ("name", "address"):
            text = cell_text(raw)
            limit = _MAX_LENGTH.get(key)
            if limit is not None and len(text) > limit:
                raise _Bad("too_long", str(limit))
            return text
        if key == "email":
            text = cell_text(raw)
            if not _EMAIL.fullmatch(text):
                raise _Bad("bad_email")
            if len(text) > _MAX_LENGTH["email"]:
                raise _Bad("too_long", str(_MAX_LENGTH["email"]))
            return text
        if key == "birthday":
            day = _parse_date(raw)
            if not date(1900, 1, 1) <= day <= self.today:
                raise _Bad("date_range")
            return day
        if key == "registered_at":
            moment = _parse_moment(raw, self.tz)
            if not datetime(1990, 1, 1, tzinfo=UTC) <= moment <= self._now:
                raise _Bad("date_range")
            return moment
        if key in _AMOUNTS:
            return _amount(raw, *_AMOUNTS[key])
        if key == "company":
            text = " ".join(cell_text(raw).split())
            if len(text) > 200:
                raise _Bad("too_long", "200")
            return text
        if key == "company_account":
            code = self.spellings.code_for("bool", cell_text(raw))
            if code is None:
                raise _Bad("bad_choice", "bool")
            return code == "yes"
        if key == "phone_labels":
            labels = tuple(" ".join(line.split()) for line in cell_text(raw).split("\n"))
            if any(len(label) > 100 for label in labels):
                raise _Bad("too_long", "100")
            return labels
        if key == "addresses":
            return tuple(
                self._address(line) for line in cell_text(raw).splitlines() if line.strip()
            )
        if key == "tariff":
            name = " ".join(cell_text(raw).split())
            if len(name) > TARIFF_NAME_LIMIT:
                raise _Bad("too_long", str(TARIFF_NAME_LIMIT))
            tariff_id = self._tariffs.get(normalize_header(name))
            if tariff_id is None:
                # Listed once in the report, not an error per row; the row carries a
                # stand-in id (negative) the importer swaps for the created tariff's.
                tariff_id = -(len(self._tariffs) + 1)
                self._tariffs[normalize_header(name)] = tariff_id
                self.unknown_tariffs[tariff_id] = name
            if tariff_id < 0:
                first = self.unknown_tariffs[tariff_id]
                self.report.unknown_tariffs[first] = self.report.unknown_tariffs.get(first, 0) + 1
            return tariff_id
        group = {"blacklisted": "bool", "status": "status", "kind": "kind"}.get(key)
        if group is not None:
            code = self.spellings.code_for(group, cell_text(raw))
            if code is None:
                raise _Bad("bad_choice", group)
            return code == "yes" if group == "bool" else code
        return None  # derived columns (activity, orders, debt): recognised, not imported

    def _address(self, line: str) -> tuple[str, ...]:
        parts = [part.strip() for part in line.split(ADDRESS_SEPARATOR.strip())]
        if len(parts) > len(ADDRESS_PARTS):
            raise _Bad("bad_address", line.strip()[:60])
        parts += [""] * (len(ADDRESS_PARTS) - len(parts))
        label = parts[0]
        parts[0] = self.spellings.code_for("address_label", label) or label
        for part, text in zip(ADDRESS_PARTS, parts, strict=True):
            limit = _ADDRESS_LIMITS[part]
            if isinstance(limit, int) and len(text) > limit:
                raise _Bad("too_long", str(limit))
        if not any(parts[1:4]):  # city, street or house
            raise _Bad("bad_address", line.strip()[:60])
        return tuple(parts)

    def _names(self, got: dict[str, Any]) -> None:
        """Fill the split name fields from a single "ФИО"/"Client" column when that is all."""
        full = got.pop("name", None)
        address = got.pop("address", None)
        if address and "street" not in self.layout.fields:
            got["street"] = address[: _MAX_LENGTH["street"]]
        if not full or not self._splits_names:
            return
        if got.get("kind") == ClientKind.CORPORATE or _LEGAL_FORM.search(full):
            got["organisation"] = full[: _MAX_LENGTH["organisation"]]
            got.setdefault("kind", ClientKind.CORPORATE.value)
            return
        parts = full.split()
        got["last_name"] = parts[0][: _MAX_LENGTH["last_name"]]
        if len(parts) > 1:
            got["first_name"] = parts[1][: _MAX_LENGTH["first_name"]]
        if len(parts) > 2:
            got["middle_name"] = " ".join(parts[2:])[: _MAX_LENGTH["middle_name"]]

    def _phones(
        self, number: int, values: tuple[Any, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        phones: list[str] = []
        raws: list[str] = []
        columns: list[str] = []
        for index in self.layout.phone_columns:
            raw = values[index] if index < len(values) else None
            if raw is None:
                continue
            for part in _PHONE_SPLIT.split(cell_text(raw)):
                text = part.strip()
                if not text:
                    continue
                e164 = normalize_fast(text, self.region)
                if e164 is None:
                    kind = classify_number(text, self.region).kind
                    code: RowErrorCode = (
                        "invalid_phone" if kind is NumberKind.INVALID else "not_client_phone"
                    )
                    self._error(number, index, text, code)
                    continue
                if e164 in phones:
                    continue  # the same number twice in one row (e.g. two formats)
                first = self.seen_phones.setdefault(int(e164[1:]), number)
                if first != number:
                    self._error(number, index, text, "duplicate_in_file", str(first))
                    continue
                phones.append(e164)
                raws.append(text[:64])
                columns.append(self.layout.header(index))
        return tuple(phones), tuple(raws), tuple(columns)
