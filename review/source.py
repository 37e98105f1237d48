"""The source beside a provision: its PDF page as a PNG (rendered once, then cached), or for
other formats the document text around the provision."""

from __future__ import annotations

import threading
from pathlib import Path

from corpus.downloads import cached_path
from corpus.model import sha256_file
from corpus.store import StoredDocument

RENDER_SCALE = 1.6  # ~115 dpi: legible beside the text without huge files
EXCERPT_MARGIN = 600  # characters of document text shown before and after a provision

_render_lock = threading.Lock()  # pdfium is not thread-safe
_hashes: dict[tuple[str, int, int], str] = {}  # (path, mtime, size) -> sha256


def _sha256(path: Path) -> str:
    """A file's SHA-256, remembered while it is unchanged: laws can be tens of MB."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _hashes:
        _hashes[key] = sha256_file(path)
    return _hashes[key]


def source_file(document: StoredDocument, downloads_dir: Path) -> Path | None:
    """The document's file on disk, if it is still there with the same bytes."""
    candidates = []
    if document.source.startswith(("http://", "https://")):
        candidates.append(cached_path(document.source, downloads_dir))
    elif document.source:
        candidates.append(Path(document.source))
    for path in candidates:
        # The SHA check guards against a file edited since ingestion: a stale page would mislead.
        if path.is_file() and _sha256(path) == document.sha256:
            return path
    return None


def cached_page(document: StoredDocument, page: int, cache_dir: Path) -> Path:
    return cache_dir / f"{document.sha256[:32]}-p{page}.png"


def can_show_page(
    document: StoredDocument, page: int | None, downloads_dir: Path, cache_dir: Path
) -> bool:
    """Whether `page_png` will find an image, without rendering it."""
    if document.format != "pdf" or not page:
        return False
    if cached_page(document, page, cache_dir).is_file():
        return True
    return source_file(document, downloads_dir) is not None


def page_png(
    document: StoredDocument, page: int, downloads_dir: Path, cache_dir: Path
) -> Path | None:
    """A cached PNG of one page (1-based) of a PDF document, or None if it cannot be shown."""
    if document.format != "pdf" or page < 1 or (document.page_count and page > document.page_count):
        return None
    target = cached_page(document, page, cache_dir)
    if target.is_file():
        return target
    path = source_file(document, downloads_dir)
    if path is None:
        return None
    import pypdfium2 as pdfium

    with _render_lock:
        pdf = pdfium.PdfDocument(path)
        try:
            if page > len(pdf):
                return None
            image = pdf[page - 1].render(scale=RENDER_SCALE).to_pil()
        finally:
            pdf.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    image.save(partial, format="PNG", optimize=True)
    partial.replace(target)  # never serve a half-written image from the cache
    return target


def text_excerpt(document_text: str, start: int, end: int) -> tuple[str, str, str]:
    """(before, the provision, after) from the document text, for sources without pages."""
    begin = max(0, start - EXCERPT_MARGIN)
    finish = min(len(document_text), end + EXCERPT_MARGIN)
    return document_text[begin:start], document_text[start:end], document_text[end:finish]
