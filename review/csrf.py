"""Forged form posts (CSRF): every state-changing form carries a token tied to the browser's
session, and the server refuses a post without the right one.

The session is a random id in an HttpOnly, SameSite cookie; the form's token is an HMAC of it
under a secret that lives only in this server process. A page on another site can make the
browser post to the app, but it can neither read the token nor compute it, and a post that
carries no Origin or Referer at all (curl, a sandboxed frame) still needs it."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "c177_session"
FIELD = "csrf"  # the hidden form field that carries the token
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)

Next = Callable[[Request], Awaitable[Response]]


def sessions() -> Callable[[Request, Next], Awaitable[Response]]:
    """An HTTP middleware giving every browser a session id (request.state.session)."""

    async def middleware(request: Request, call_next: Next) -> Response:
        session = request.cookies.get(SESSION_COOKIE, "")
        fresh = not _SESSION_ID.fullmatch(session)
        if fresh:
            session = secrets.token_urlsafe(32)
        request.state.session = session
        response = await call_next(request)
        if fresh:
            # Lax, not Strict: opening the app from a link must keep the session its open
            # tabs' forms were made for; cross-site posts never carry a Lax cookie.
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax")
        return response

    return middleware


def csrf_token(request: Request) -> str:
    """The token this browser's forms must send back."""
    secret: bytes = request.app.state.csrf_secret
    return hmac.new(secret, request.state.session.encode(), hashlib.sha256).hexdigest()


async def require_csrf_token(request: Request) -> None:
    """A route dependency: refuse a state-changing request without this session's token."""
    if request.method in SAFE_METHODS:
        return
    given = (await request.form()).get(FIELD)
    if not isinstance(given, str) or not hmac.compare_digest(given, csrf_token(request)):
        raise HTTPException(
            403,
            "This form is not from this review page, or has expired (the server restarted): "
            "reload the page and save again.",
        )
