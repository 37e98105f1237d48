"""Who may talk to the review app.

Without a token the app is reachable from this machine only: `serve` refuses other bind
addresses, and the Host header must name a loopback address (so that a web page cannot reach
it through DNS rebinding). With a token, every request must carry it. Form posts from other
origins are refused either way (a page elsewhere must not submit reviews), and every form
carries a CSRF token (review/csrf.py).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from corpus.errors import BindRefused
from review.csrf import SAFE_METHODS

TOKEN_COOKIE = "c177_token"


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: str | None) -> None:
    if not token and not is_loopback(host):
        raise BindRefused(
            f"refusing to serve reviews on {host} without a token: anyone on the network could "
            "read and change them. Use --token T (or C177_REVIEW_TOKEN), or bind 127.0.0.1."
        )


def _host_name(host_header: str) -> str:
    return urlsplit(f"//{host_header}").hostname or ""


def _token_matches(given: str | None, token: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode(), token.encode())


def _same_origin(request: Request, host: str) -> bool:
    """False if the Origin (or, without one, the Referer) names another site. `Origin: null`
    (a sandboxed frame, a file: page, a redirect from elsewhere) is another site too. Without
    either header the CSRF token decides (review/csrf.py)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    return source is None or urlsplit(source).netloc == host


Next = Callable[[Request], Awaitable[Response]]


def guard(token: str | None) -> Callable[[Request, Next], Awaitable[Response]]:
    """An HTTP middleware enforcing the rules above."""

    async def middleware(request: Request, call_next: Next) -> Response:
        host = request.headers.get("host", "")
        if request.method not in SAFE_METHODS and not _same_origin(request, host):
            return PlainTextResponse("cross-origin form posts are refused", status_code=403)
        if not token:
            name = _host_name(host)
            if not is_loopback(name):
                return PlainTextResponse(f"unexpected Host {host!r}", status_code=403)
            return await call_next(request)
        header = request.headers.get("authorization", "")
        bearer = header[7:].strip() if header.lower().startswith("bearer ") else None
        from_query = request.query_params.get("token")
        if _token_matches(from_query, token):
            # Trade the token in the URL for a cookie, and drop it from the address bar.
            rest = urlencode(
                [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            )
            response = RedirectResponse(
                request.url.path + (f"?{rest}" if rest else ""), status_code=303
            )
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
        if _token_matches(bearer, token) or _token_matches(
            request.cookies.get(TOKEN_COOKIE), token
        ):
            return await call_next(request)
        return PlainTextResponse(
            "401: this review app needs its token (Authorization: Bearer T, or ?token=T once)",
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    return middleware
