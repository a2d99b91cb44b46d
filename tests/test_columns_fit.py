"""How a table's columns share a terminal's width (`console.widgets.columns`): whole
columns go, least needed first, rather than every column losing its last letters."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from console.widgets.columns import (
    ColumnSpec,
    FittedTable,
    clip,
    fit_columns,
    fit_parts,
    page_rows,
)
from tests.screen_text import screen_lines

COLUMNS = (
    ColumnSpec("name", "Имя", shrink_to=12),
    ColumnSpec("phone", "Телефон"),
    ColumnSpec("city", "Город", drop=2),
    ColumnSpec("registered", "Регистрация", drop=3),
    ColumnSpec("queue", "Очередь", drop=1),
)
NATURAL = {"name": 26, "phone": 16, "city": 15, "registered": 10, "queue": 0}


def total(widths: dict[str, int]) -> int:
    return sum(w + 2 for w in widths.values())


def test_wide_every_column_at_its_widest_cell_and_no_header_cut() -> None:
    widths = fit_columns(COLUMNS, NATURAL, 200)
    assert widths == {"name": 26, "phone": 16, "city": 15, "registered": 11, "queue": 7}


def test_narrow_drops_empty_then_least_needed_columns_whole() -> None:
    widths = fit_columns(COLUMNS, NATURAL, 60)
    assert list(widths) == ["name", "phone", "city"]  # «Очередь» empty, «Регистрация» next
    assert widths["city"] == 15 and widths["phone"] == 16  # what stays is never cut
    assert widths["name"] == 60 - 2 * 3 - 16 - 15  # the name takes what is left


def test_very_narrow_shortens_only_what_may_shrink_and_keeps_the_essentials() -> None:
    widths = fit_columns(COLUMNS, NATURAL, 34)
    assert list(widths) == ["name", "phone"]
    assert widths["phone"] == 16 and 12 <= widths["name"] < 26
    assert total(widths) <= 34


def test_clip_cuts_at_a_word_with_an_ellipsis() -> None:
    assert clip(Text("Абрамова Александра Константиновна"), 22).plain == "Абрамова Александра…"
    assert clip(Text("Петров Пётр"), 20).plain == "Петров Пётр"
    assert clip(Text("Константинопольская"), 10).plain == "Константи…"


def test_a_page_is_what_the_table_shows_capped_by_the_setting() -> None:
    assert page_rows("auto", 41) == 41
    assert page_rows(20, 41) == 20
    assert page_rows(50, 16) == 16
    assert page_rows("auto", 0) == 20  # not laid out yet


def test_a_status_line_keeps_the_parts_that_fit_whole() -> None:
    parts = ["Страница 1 из 318", "клиентов: 5 085", "строки 1–16", "сортировка: Имя ▲"]
    assert fit_parts(parts, 200) == " · ".join(parts)
    assert fit_parts(parts, 50) == "Страница 1 из 318 · клиентов: 5 085 · строки 1–16"


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield FittedTable(id="t")


def rows(seconds: int) -> dict[str, dict[str, Text]]:
    """Three callers waiting; the second's wait ticks."""
    return {
        f"c{n}": {"caller": Text(f"+7 916 000-00-0{n}"), "waiting": Text(f"0:{seconds + n:02d}")}
        for n in range(3)
    }


async def test_a_ticking_cell_shows_its_new_value_on_both_paths(
    library_shortcuts: bool,
) -> None:
    """The table puts a changed cell in by itself (DataTable's caches, `textual-cells`) or
    through `update_cell` (switched off): the screen shows the same either way."""
    app = OneTable()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(FittedTable)
        assert table._own_cells is library_shortcuts
        table.set_columns([ColumnSpec("caller", "Caller"), ColumnSpec("waiting", "Wait")])
        table.show(rows(10))
        await pilot.pause()
        before = screen_lines(app.export_screenshot())
        assert " +7 916 000-00-01  0:11" in before[2]
        table.show(rows(20))
        table.update_cell_of("c0", "caller", Text("+7 916 999-99-99"))
        await pilot.pause()
        after = screen_lines(app.export_screenshot())
    assert after[1].startswith(" +7 916 999-99-99  0:20")
    assert after[2].startswith(" +7 916 000-00-01  0:21")
    assert after[3].startswith(" +7 916 000-00-02  0:22")
