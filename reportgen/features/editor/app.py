"""The editor's HTTP side: a Starlette app on 127.0.0.1, safe by default.

- Every request carries the one-time token printed at start: the first page load brings it in the
  address and gets it back as a strict same-site cookie (pages, assets, downloads); every API call
  also sends it in a header, which another site cannot make a browser add.
- Requests naming another Host (DNS rebinding) or carrying a foreign Origin are refused.
- A strict Content-Security-Policy: scripts, styles and connections from this server only.
- Paths are confined by the Workspace; nothing writes anywhere but the content and build folders.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reportgen.errors import ReportgenError
from reportgen.features.editor.service import Conflict, Workspace

STATIC = Path(__file__).parent / "static"
COOKIE = "reportgen_token"
HEADER = "x-reportgen-token"
MAX_BODY = 8 * 1024 * 1024
"""A request body larger than this is refused: a content file is at most 4 MB."""

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


def create_app(workspace: Workspace, token: str, port: int) -> "SecurityHeaders":
    """The editor app for `workspace`, answering only to the token, on 127.0.0.1:`port`."""
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    origins = {f"http://{h}" for h in hosts}

    def token_ok(given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), token.encode())

    async def guard(request: Request, *, api: bool) -> Response | None:
        if request.headers.get("host") not in hosts:
            return PlainTextResponse("unknown host", status_code=403)
        origin = request.headers.get("origin")
        if origin is not None and origin not in origins:
            return PlainTextResponse("requests from other sites are refused", status_code=403)
        if api and not token_ok(request.headers.get(HEADER)):
            return JSONResponse({"problems": [{"message": "missing or wrong token"}]}, status_code=403)
        if not api and not token_ok(request.cookies.get(COOKIE)):
            return PlainTextResponse("Open the address `reportgen edit` printed (it holds the token).",
                                     status_code=403)
        return None

    async def body(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if len(raw) > MAX_BODY:
            raise ReportgenError.at(f"the request is larger than {MAX_BODY // 1024 // 1024} MB")
        try:
            value = json.loads(raw or b"{}")
        except ValueError:
            raise ReportgenError.at("expected JSON") from None
        if not isinstance(value, dict):
            raise ReportgenError.at("expected a JSON object")
        return value

    def api(handler):
        async def endpoint(request: Request) -> Response:
            refused = await guard(request, api=True)
            if refused is not None:
                return refused
            try:
                return JSONResponse(await handler(request))
            except Conflict as exc:
                name = request.query_params.get("name") or ""
                return JSONResponse({"conflict": True, "problems": [_problem(p) for p in exc.problems],
                                     "current": _safe_open(workspace, name)}, status_code=409)
            except ReportgenError as exc:
                return JSONResponse({"problems": [_problem(p) for p in exc.problems]}, status_code=400)
            except Exception as exc:  # a bug: say so on the page, as the command line does
                message = f"internal error: {type(exc).__name__}: {exc} (this is a reportgen bug)"
                return JSONResponse({"problems": [{"message": message}]}, status_code=500)
        return endpoint

    async def index(request: Request) -> Response:
        given = request.query_params.get("token")
        if given is not None:
            if request.headers.get("host") not in hosts or not token_ok(given):
                return PlainTextResponse("wrong token", status_code=403)
            response = RedirectResponse("/", status_code=303)  # the token leaves the address bar
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            return response
        refused = await guard(request, api=False)
        if refused is not None:
            return refused
        page = (STATIC / "index.html").read_text(encoding="utf-8").replace("{{TOKEN}}", token)
        return Response(page, media_type="text/html; charset=utf-8")

    async def files(request: Request) -> dict[str, Any]:
        from reportgen.features.authoring import kind_names

        return {"files": workspace.files(), "kinds": kind_names()}

    async def open_file(request: Request) -> dict[str, Any]:
        return workspace.open(request.query_params.get("name", ""))

    async def check(request: Request) -> dict[str, Any]:
        value = await body(request)
        return {"findings": [asdict(f) for f in workspace.check(value.get("name", ""), value.get("data"))]}

    async def preview(request: Request) -> dict[str, Any]:
        value = await body(request)
        return workspace.preview(value.get("name", ""), value.get("data"))

    async def save(request: Request) -> dict[str, Any]:
        value = await body(request)
        return workspace.save(request.query_params.get("name", ""), value.get("data"), str(value.get("digest")))

    async def keep_both(request: Request) -> dict[str, Any]:
        value = await body(request)
        return workspace.keep_both(value.get("name", ""), value.get("data"))

    async def new(request: Request) -> dict[str, Any]:
        value = await body(request)
        return workspace.new(str(value.get("kind", "")), str(value.get("name", "")))

    async def build(request: Request) -> dict[str, Any]:
        value = await body(request)
        return workspace.build(str(value.get("name", "")), bool(value.get("pdf")))

    async def redline(request: Request) -> dict[str, Any]:
        value = await body(request)
        return workspace.redline(str(value.get("name", "")), str(value.get("against", "committed")),
                                 value.get("data"))

    async def download(request: Request) -> Response:
        refused = await guard(request, api=False)
        if refused is not None:
            return refused
        try:
            path = workspace.download(request.query_params.get("name", ""))
        except ReportgenError as exc:
            return PlainTextResponse(str(exc), status_code=404)
        return FileResponse(path, filename=path.name)

    class GuardedStatic(StaticFiles):
        async def __call__(self, scope, receive, send) -> None:
            refused = await guard(Request(scope, receive), api=False)
            if refused is not None:
                await refused(scope, receive, send)
                return
            await super().__call__(scope, receive, send)

    routes = [
        Route("/", index),
        Route("/download", download),
        Route("/api/files", api(files)),
        Route("/api/file", api(open_file)),
        Route("/api/check", api(check), methods=["POST"]),
        Route("/api/preview", api(preview), methods=["POST"]),
        Route("/api/save", api(save), methods=["POST"]),
        Route("/api/keep-both", api(keep_both), methods=["POST"]),
        Route("/api/new", api(new), methods=["POST"]),
        Route("/api/build", api(build), methods=["POST"]),
        Route("/api/redline", api(redline), methods=["POST"]),
        Mount("/static", GuardedStatic(directory=STATIC)),
    ]
    return SecurityHeaders(Starlette(routes=routes))


class SecurityHeaders:
    """Every response carries the strict CSP and no caching (ASGI middleware)."""

    HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
               (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store"),
               (b"x-frame-options", b"DENY")]

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


def _problem(problem) -> dict[str, str]:
    from reportgen.features.editor.service import field_path

    return {"message": str(problem), "field": field_path(problem.path), "severity": problem.severity}


def _safe_open(workspace: Workspace, name: str) -> dict[str, Any] | None:
    try:
        return workspace.open(name)
    except ReportgenError:
        return None


def serve(workspace: Workspace, *, port: int = 0, open_browser: bool = True,
          announce=print, open_file: str | None = None) -> None:
    """Serve until Ctrl-C: bind 127.0.0.1 (a free port unless `port`), announce the address with its
    token, open the browser when there is one."""
    import secrets
    import socket
    import webbrowser

    import uvicorn

    token = secrets.token_urlsafe(24)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(64)  # listening before the address is printed: a client may connect at once
    except OSError as exc:
        raise ReportgenError.at(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    address = f"http://127.0.0.1:{port}/?token={token}"
    if open_file:  # the page opens it (the fragment survives the redirect that drops the token)
        from urllib.parse import quote

        address += f"#open={quote(open_file)}"
    app = create_app(workspace, token, port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    announce(f"reportgen editor: {address}\n(open it in a browser on this computer; Ctrl-C stops)")
    if open_browser:
        webbrowser.open(address)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then passes Ctrl-C on: that is a clean stop
        pass
    announce("reportgen editor stopped")
