"""The wall screen: the supervisor's board, read-only, served to browsers.

`opconsole wallboard` (`server.py`) is an aiohttp server built on textual-serve: every
browser that opens the page gets a process of its own, `python -m console.wallboard`
(`viewer.py`), running `WallboardApp` (`app.py`): the board and nothing else, following
the desk through a `WatchDesk` (`desk.py`) that reads the PBXes and never writes.
"""
