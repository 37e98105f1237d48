"""Fetching laws listed by URL in a manifest: retried with back-off, checked, and cached."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from corpus.errors import DownloadError

MAX_BYTES = 200 * 1024 * 1024  # the largest labour code we expect is a few tens of MB
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
    name = Path(urlparse(url).path).name or "download"
    return cache_dir / hashlib.sha256(url.encode()).hexdigest()[:16] / name


def fetch(url: str, cache_dir: Path, attempts: int = 4, backoff: float = 1.0) -> Path:
    """Download `url` into the cache once; later calls reuse the cached file."""
    target = cached_path(url, cache_dir)
    if target.is_file():
        return target
    last_error = ""
    for attempt in range(attempts):
        try:
            return _download(url, target)
        except httpx.HTTPStatusError as error:
            last_error = f"HTTP {error.response.status_code}"
            if error.response.status_code < 500 and error.response.status_code != 429:
                break  # a client error will not mend itself
        except httpx.TransportError as error:
            last_error = str(error) or type(error).__name__
        if attempt + 1 < attempts:
            time.sleep(backoff * 2**attempt)
    raise DownloadError(f"{url}: download failed ({last_error})")


def _download(url: str, target: Path) -> Path:
    with httpx.stream("GET", url, follow_redirects=True, timeout=60) as response:
        response.raise_for_status()
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
