"""The review web app: a local FastAPI site over one c177 database.

`create_app` builds it (tests use it with TestClient); `serve` runs it with uvicorn after
checking the bind address (see review/auth.py)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from corpus.config import load_settings
from corpus.errors import SearchRefused
from corpus.store import Store, database_path
from review.auth import check_bind, guard
from review.csrf import sessions
from review.matrix_rows import MatrixRows
from review.pages import router

HERE = Path(__file__).parent

# Defence in depth behind Jinja2's escaping: no inline script or style can run, ever.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # A ?token= must never leak to another site through a Referer; same-origin posts keep
    # their true Origin (with "no-referrer" a browser sends `Origin: null`, which is refused).
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(db: str, token: str | None, reviewer: str = "") -> FastAPI:
    """The review app over the database `db` (a path or sqlite:///PATH).

    `token`: if set, every request must carry it. `reviewer`: the default reviewer name
    (a name typed into the page is remembered in a cookie and wins)."""
    settings = load_settings()
    app = FastAPI(title="c177 review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db = db
    app.state.matrix_rows = MatrixRows()
    app.state.default_reviewer = reviewer or settings.reviewer
    app.state.downloads_dir = Path(settings.downloads_dir)
    app.state.cache_dir = database_path(db).resolve().parent / ".c177-cache" / "pages"
    app.state.csrf_secret = secrets.token_bytes(32)  # forms made before a restart expire
    Store(db).close()  # create or migrate the database now, not in the first request

    app.middleware("http")(sessions())
    # Nothing but the security headers (outermost, so 401s get them too) runs before the guard.
    app.middleware("http")(guard(token))

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(SearchRefused)
    async def search_refused(request: Request, error: SearchRefused) -> Response:
        return PlainTextResponse(str(error), status_code=400)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    return app


def serve(
    db: str,
    host: str = "127.0.0.1",
    port: int = 8177,
    token: str | None = None,
    reviewer: str = "",
) -> None:
    """Run the review app until interrupted. Raises BindRefused for a non-loopback `host`
    without a token."""
    import uvicorn

    check_bind(host, token)
    app = create_app(db, token, reviewer)
    # On SIGTERM or Ctrl-C, requests still running get a few seconds, then the server stops.
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
