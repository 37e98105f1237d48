"""Fetching laws listed by URL in a manifest: retried with back-off, checked, and cached."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from corpus.errors import DownloadError

MAX_BYTES = 200 * 1024 * 1024  # the largest labour code we expect is a few tens of MB
MAX_REDIRECTS = 5
ACCEPTED_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/html",
    "text/plain",
    "text/markdown",
    "application/json",
    "application/octet-stream",  # many portals serve PDFs as this; the reader sniffs the bytes
)


def cached_path(url: str, cache_dir: Path) -> Path:
    name = Path(urlsplit(url).path).name
    if name in ("", ".", ".."):  # "https://host/a/.." names no file
        name = "download"
    return cache_dir / hashlib.sha256(url.encode()).hexdigest()[:16] / name


def check_url(url: str, allow_private: bool = False) -> None:
    """Refuse a URL a manifest must not make us fetch: any scheme but http(s), and, unless
    `allow_private`, a host with a private, loopback, link-local or otherwise non-public
    address (a manifest from elsewhere must not reach this machine or its network)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DownloadError(f"{url}: only http and https URLs are fetched")
    if allow_private:
        return
    try:
        found = socket.getaddrinfo(parts.hostname, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DownloadError(f"{url}: unknown host {parts.hostname}") from error
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise DownloadError(
                f"{url}: {parts.hostname} is a private, loopback or link-local address"
                f" ({address}); give --allow-private-urls to fetch it"
            )


def fetch(
    url: str, cache_dir: Path, allow_private: bool = False, attempts: int = 4, backoff: float = 1.0
) -> Path:
    """Download `url` into the cache once; later calls reuse the cached file. Every failure
    raises DownloadError naming the URL."""
    target = cached_path(url, cache_dir)
    if target.is_file():
        return target
    last_error = ""
    for attempt in range(attempts):
        try:
            return _download(url, target, allow_private)
        except httpx.HTTPStatusError as error:
            last_error = f"HTTP {error.response.status_code}"
            if error.response.status_code < 500 and error.response.status_code != 429:
                break  # a client error will not mend itself
        except httpx.TransportError as error:
            last_error = str(error) or type(error).__name__
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
            raise DownloadError(f"{url}: download failed ({error})") from error
        if attempt + 1 < attempts:
            time.sleep(backoff * 2**attempt)
    raise DownloadError(f"{url}: download failed ({last_error})")


def _download(url: str, target: Path, allow_private: bool) -> Path:
    # Redirects are followed here, not by httpx, so that every hop is checked like the first.
    with httpx.Client(follow_redirects=False, timeout=60) as client:
        location = url
        for _ in range(MAX_REDIRECTS + 1):
            check_url(location, allow_private)
            with client.stream("GET", location) as response:
                if response.is_redirect:
                    location = urljoin(location, response.headers["location"])
                    continue
                response.raise_for_status()
                return _save(url, response, target)
    raise DownloadError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _save(url: str, response: httpx.Response, target: Path) -> Path:
    """Write a response's body to `target`, checking its type and size as it comes."""
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and content_type not in ACCEPTED_TYPES:
        raise DownloadError(f"{url}: unexpected content type {content_type!r}")
    declared = int(response.headers.get("content-length") or 0)
    if declared > MAX_BYTES:
        raise DownloadError(f"{url}: too large ({declared} bytes)")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    size = 0
    with open(partial, "wb") as handle:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BYTES:
                partial.unlink(missing_ok=True)
                raise DownloadError(f"{url}: larger than {MAX_BYTES} bytes")
            handle.write(chunk)
    # Renamed only when complete, so an interrupted download is never mistaken for a cached one.
    partial.replace(target)
    return target
