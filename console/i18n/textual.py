"""Textual's own words the operator sees: the command palette, its system commands, the
keys panel, and the descriptions of the keys of Textual's widgets.

Each entry's English text is exactly what Textual 8.2.8 writes, so `textual_key` finds the
entry for a text Textual made (`console.i18n.bindings` swaps them in). A Textual upgrade
that rewords one leaves that text in English, and the Russian screen test shows it.
"""

from __future__ import annotations

from console.i18n import Catalog

CATALOG: Catalog = {
    # the command palette
    "textual.palette.placeholder": {"en": "Search for commands…", "ru": "Поиск команды…"},
    "textual.palette.no_matches": {"en": "No matches found", "ru": "Ничего не найдено"},
    "textual.palette.themes": {"en": "Search for themes…", "ru": "Поиск темы…"},
    # system commands (App.get_system_commands)
    "textual.cmd.theme": {"en": "Theme", "ru": "Тема"},
    "textual.cmd.theme.help": {"en": "Change the current theme", "ru": "Сменить цветовую тему"},
    "textual.cmd.quit": {"en": "Quit", "ru": "Выход"},
    "textual.cmd.quit.help": {
        "en": "Quit the application as soon as possible",
        "ru": "Закрыть консоль",
    },
    "textual.cmd.keys": {"en": "Keys", "ru": "Клавиши"},
    "textual.cmd.keys.hide": {
        "en": "Hide the keys and widget help panel",
        "ru": "Скрыть панель клавиш и подсказок",
    },
    "textual.cmd.keys.show": {
        "en": "Show help for the focused widget and a summary of available keys",
        "ru": "Показать подсказку и все клавиши, действующие здесь",
    },
    "textual.cmd.minimize": {"en": "Minimize", "ru": "Свернуть"},
    "textual.cmd.minimize.help": {
        "en": "Minimize the widget and restore to normal size",
        "ru": "Вернуть обычный размер",
    },
    "textual.cmd.maximize": {"en": "Maximize", "ru": "Развернуть"},
    "textual.cmd.maximize.help": {
        "en": "Maximize the focused widget",
        "ru": "Развернуть текущую область на весь экран",
    },
    "textual.cmd.screenshot": {"en": "Screenshot", "ru": "Снимок экрана"},
    "textual.cmd.screenshot.help": {
        "en": "Save an SVG 'screenshot' of the current screen",
        "ru": "Сохранить снимок экрана в файл SVG",
    },
    "textual.screenshot.saved": {
        "en": "Screenshot saved to {path}",
        "ru": "Снимок экрана сохранён: {path}",
    },
    "textual.screenshot.failed": {
        "en": "Failed to save screenshot",
        "ru": "Не удалось сохранить снимок экрана",
    },
    "textual.quit.title": {"en": "Do you want to quit?", "ru": "Закрыть консоль?"},
    "textual.quit.hint": {
        "en": "Press [b]{keys}[/b] to quit the app",
        "ru": "Чтобы выйти, нажмите [b]{keys}[/b]",
    },
    # key descriptions: App, Screen, scrolling
    "textual.key.palette": {"en": "palette", "ru": "Команды"},
    "textual.key.quit.tip": {
        "en": "Quit the app and return to the command prompt.",
        "ru": "Закрыть консоль и вернуться в командную строку.",
    },
    "textual.key.focus_next": {"en": "Focus Next", "ru": "Следующее поле"},
    "textual.key.focus_previous": {"en": "Focus Previous", "ru": "Предыдущее поле"},
    "textual.key.copy": {"en": "Copy selected text", "ru": "Копировать выделенное"},
    "textual.key.scroll_up": {"en": "Scroll Up", "ru": "Прокрутить вверх"},
    "textual.key.scroll_down": {"en": "Scroll Down", "ru": "Прокрутить вниз"},
    "textual.key.scroll_left": {"en": "Scroll Left", "ru": "Прокрутить влево"},
    "textual.key.scroll_right": {"en": "Scroll Right", "ru": "Прокрутить вправо"},
    "textual.key.scroll_home": {"en": "Scroll Home", "ru": "В начало"},
    "textual.key.scroll_end": {"en": "Scroll End", "ru": "В конец"},
    "textual.key.page_up_cap": {"en": "Page Up", "ru": "Страница вверх"},
    "textual.key.page_down_cap": {"en": "Page Down", "ru": "Страница вниз"},
    "textual.key.page_left": {"en": "Page Left", "ru": "Страница влево"},
    "textual.key.page_right": {"en": "Page Right", "ru": "Страница вправо"},
    # the command palette's keys
    "textual.key.palette.exit": {
        "en": "Exit the command palette",
        "ru": "Закрыть список команд",
    },
    "textual.key.palette.next": {"en": "Next command", "ru": "Следующая команда"},
    "textual.key.palette.previous": {"en": "Previous command", "ru": "Предыдущая команда"},
    "textual.key.next_page": {"en": "Next page", "ru": "Следующая страница"},
    "textual.key.previous_page": {"en": "Previous page", "ru": "Предыдущая страница"},
    "textual.key.go_top": {"en": "Go to top", "ru": "В начало"},
    "textual.key.go_bottom": {"en": "Go to bottom", "ru": "В конец"},
    # tables and lists
    "textual.key.select": {"en": "Select", "ru": "Выбрать"},
    "textual.key.cursor_up": {"en": "Cursor up", "ru": "Вверх"},
    "textual.key.cursor_down": {"en": "Cursor down", "ru": "Вниз"},
    "textual.key.cursor_left": {"en": "Cursor left", "ru": "Влево"},
    "textual.key.cursor_right": {"en": "Cursor right", "ru": "Вправо"},
    "textual.key.page_up": {"en": "Page up", "ru": "Страница вверх"},
    "textual.key.page_down": {"en": "Page down", "ru": "Страница вниз"},
    "textual.key.top": {"en": "Top", "ru": "Первая строка"},
    "textual.key.bottom": {"en": "Bottom", "ru": "Последняя строка"},
    "textual.key.home": {"en": "Home", "ru": "В начало строки"},
    "textual.key.end": {"en": "End", "ru": "В конец строки"},
    "textual.key.up": {"en": "Up", "ru": "Вверх"},
    "textual.key.down": {"en": "Down", "ru": "Вниз"},
    "textual.key.first": {"en": "First", "ru": "Первый"},
    "textual.key.last": {"en": "Last", "ru": "Последний"},
    "textual.key.show_menu": {"en": "Show menu", "ru": "Открыть список"},
    "textual.key.dismiss_menu": {"en": "Dismiss menu", "ru": "Закрыть список"},
    "textual.key.press": {"en": "Press button", "ru": "Нажать кнопку"},
    "textual.key.toggle": {"en": "Toggle", "ru": "Переключить"},
    "textual.key.next_option": {"en": "Next option", "ru": "Следующий вариант"},
    "textual.key.previous_option": {"en": "Previous option", "ru": "Предыдущий вариант"},
    "textual.key.next_tab": {"en": "Next tab", "ru": "Следующая вкладка"},
    "textual.key.previous_tab": {"en": "Previous tab", "ru": "Предыдущая вкладка"},
    # text inputs
    "textual.input.group": {"en": "Input", "ru": "Поле ввода"},
    "textual.input.left": {"en": "Move cursor left", "ru": "Курсор влево"},
    "textual.input.left_select": {
        "en": "Move cursor left and select",
        "ru": "Курсор влево с выделением",
    },
    "textual.input.left_word": {"en": "Move cursor left a word", "ru": "На слово влево"},
    "textual.input.left_word_select": {
        "en": "Move cursor left a word and select",
        "ru": "На слово влево с выделением",
    },
    "textual.input.right": {
        "en": "Move cursor right or accept the completion suggestion",
        "ru": "Курсор вправо или принять подсказку",
    },
    "textual.input.right_select": {
        "en": "Move cursor right and select",
        "ru": "Курсор вправо с выделением",
    },
    "textual.input.right_word": {"en": "Move cursor right a word", "ru": "На слово вправо"},
    "textual.input.right_word_select": {
        "en": "Move cursor right a word and select",
        "ru": "На слово вправо с выделением",
    },
    "textual.input.backspace": {"en": "Delete character left", "ru": "Удалить символ слева"},
    "textual.input.select_all": {"en": "Select all", "ru": "Выделить всё"},
    "textual.input.start": {"en": "Go to start", "ru": "В начало"},
    "textual.input.end": {"en": "Go to end", "ru": "В конец"},
    "textual.input.select_start": {"en": "Select line start", "ru": "Выделить до начала"},
    "textual.input.select_end": {"en": "Select line end", "ru": "Выделить до конца"},
    "textual.input.delete": {"en": "Delete character right", "ru": "Удалить символ справа"},
    "textual.input.submit": {"en": "Submit", "ru": "Ввод"},
    "textual.input.delete_word_left": {
        "en": "Delete left to start of word",
        "ru": "Удалить слово слева",
    },
    "textual.input.delete_all_left": {"en": "Delete all to the left", "ru": "Удалить всё слева"},
    "textual.input.delete_word_right": {
        "en": "Delete right to start of word",
        "ru": "Удалить слово справа",
    },
    "textual.input.delete_all_right": {
        "en": "Delete all to the right",
        "ru": "Удалить всё справа",
    },
    "textual.input.cut": {"en": "Cut selected text", "ru": "Вырезать выделенное"},
    "textual.input.paste": {
        "en": "Paste text from the clipboard",
        "ru": "Вставить из буфера обмена",
    },
}


_BY_ENGLISH = {texts["en"]: key for key, texts in CATALOG.items()}


def textual_key(english: str) -> str | None:
    """The catalog key of a text Textual wrote in English, or None if it is not Textual's."""
    return _BY_ENGLISH.get(english)
