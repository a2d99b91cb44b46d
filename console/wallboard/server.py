"""`opconsole wallboard`'s web server: textual-serve's per-browser sessions behind a token.

textual-serve's `Server` starts a process of the app's command for every browser that opens
its websocket and relays the terminal both ways (`Server.handle_websocket`). Its own
`serve()` runs a loop of its own and checks nobody, so this module builds the aiohttp
application itself from the Server's public parts (the websocket handler, the statics
folder) and puts a guard in front of every route: the page, the scripts and the websocket.

The page is this module's own (`PAGE`), not textual-serve's template: the websocket's
address comes from the request (so a board opened as http://10.0.0.5:8080/ connects back
there, whatever address it listens on), its font is served from textual-serve's statics
(a wall screen may have no internet), and a board whose session ended reloads by itself.
It names textual-serve's static files (js/textual.js, css/xterm.css, the Roboto Mono
font): hence the upper bound on textual-serve in pyproject.toml.

The token: a request with `?token=` equal to the configured one gets a cookie (an HMAC of
the token, never the token itself) and the page is reloaded without the token in its
address, so it is not left on the wall for all to read; later requests, the websocket
included, carry the cookie. Anything else is refused with 403 before a process starts.
The token is never logged: refusals log the path (never the query) and the peer.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import web
from textual_serve.server import Server

from console.config import Secret
from console.i18n import tr

log = logging.getLogger("opconsole.wallboard")

COOKIE: Final = "opconsole_wallboard"
LOOPBACK_NAMES: Final = ("localhost",)
# Each open page is a process of ~80 MB with its own AMI login (docs/performance.md): a
# room has a few wall screens; past this many at once a new page is turned away (503).
MAX_VIEWERS: Final = 16
# How long a board whose session ended (the server restarted, the viewer's process died)
# waits before it reloads itself: a wall screen has nobody to press «Restart».
RELOAD_AFTER_MS: Final = 10_000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost: only this machine can reach the board there."""
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cookie_value(token: Secret) -> str:
    """What the browser keeps: proves it was given the token, without being it."""
    return hmac.new(token.reveal().encode(), b"opconsole wallboard", hashlib.sha256).hexdigest()


class WallboardServer(Server):
    """The board for browsers; `token` None lets every request in (a loopback bind)."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        token: Secret | None,
        title: str,
        max_viewers: int = MAX_VIEWERS,
    ) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self._token = token
        self._cookie = cookie_value(token) if token is not None else None
        self._max_viewers = max_viewers
        self.viewers = 0  # boards open now

    async def handle_viewer(self, request: web.Request) -> web.StreamResponse:
        """One browser's board (textual-serve's websocket handler), while there is room."""
        if self.viewers >= self._max_viewers:
            log.warning("wallboard: %d boards open; turned one away", self.viewers)
            return web.Response(status=503, text=tr("cli.wallboard.full") + "\n")
        self.viewers += 1
        try:
            return await self.handle_websocket(request)
        finally:
            self.viewers -= 1

    def make_app(self) -> web.Application:
        middlewares = [self._guard] if self._token is not None else []
        app = web.Application(middlewares=middlewares)
        app.add_routes(
            [
                web.get("/", self.handle_page),
                web.get("/ws", self.handle_viewer),
                web.static("/static", self.statics_path),
            ]
        )
        return app

    async def handle_page(self, request: web.Request) -> web.Response:
        scheme = "wss" if request.secure else "ws"
        try:
            font_size = max(8, min(int(request.query.get("fontsize", "16")), 96))
        except ValueError:
            font_size = 16
        page = PAGE.format(
            lang=tr("wallboard.lang"),
            title=html.escape(self.title),
            websocket=html.escape(f"{scheme}://{request.host}/ws"),
            font_size=font_size,
            reload_ms=RELOAD_AFTER_MS,
        )
        return web.Response(text=page, content_type="text/html")

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        assert self._token is not None and self._cookie is not None
        given = request.query.get("token")
        if given is not None and hmac.compare_digest(given.encode(), self._token.reveal().encode()):
            if request.path != "/":
                return await handler(request)
            # The same page without the token in its address, with the cookie.
            kept = [(key, value) for key, value in request.query.items() if key != "token"]
            location = request.rel_url.with_query(kept)
            response = web.Response(status=303, headers={"Location": str(location)})
            response.set_cookie(COOKIE, self._cookie, httponly=True, samesite="Strict", path="/")
            return response
        if hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), self._cookie.encode()):
            return await handler(request)
        log.warning(
            "wallboard: refused %s %s from %s: no valid token",
            request.method,
            request.path,
            request.remote,
        )
        return web.Response(status=403, text=tr("cli.wallboard.refused") + "\n")


# textual-serve's page, less the web font from the internet, plus a reload when the
# session ends. textual.js reads the websocket address and font size from the terminal's
# data attributes and toggles the body's -first-byte and -closed classes.
PAGE: Final = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>
<style>
@font-face {{
  font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
}}
html, body {{ margin: 0; height: 100%; background: #0c181f; }}
#terminal {{ position: absolute; inset: 0; }}
body .textual-terminal {{ opacity: 0; transition: opacity 0.3s ease-out; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
.closed {{ display: none; position: absolute; inset: 0; align-items: center;
  justify-content: center; color: #ddd; font: 24px "Roboto Mono", monospace; z-index: 10; }}
body.-closed .closed {{ display: flex; }}
</style>
</head>
<body>
<div class="closed">&#8635;</div>
<div id="terminal" class="textual-terminal"
     data-session-websocket-url="{websocket}" data-font-size="{font_size}"></div>
<script>
new MutationObserver(function () {{
  if (document.body.classList.contains("-closed")) {{
    setTimeout(function () {{ window.location.reload(); }}, {reload_ms});
  }}
}}).observe(document.body, {{ attributes: true, attributeFilter: ["class"] }});
</script>
</body>
</html>
"""
