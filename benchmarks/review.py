"""Review app latency at scale: the provision page and the queue page, p50 and p95.

    python -m benchmarks.review SOURCE_DB [--provisions 100000] [--requests 200]   # prints JSON

Builds a store of about `--provisions` provisions by repeating the documents of SOURCE_DB (a
store a benchmark run filled) with distinct hashes, their provisions and tags, through the
store's own API; then asks the review app (in process, through its ASGI interface) for random
provision pages, queue pages and filtered queue pages, and times each request.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from corpus.labels import DocumentFormat
from corpus.model import DocumentMeta, ExtractedDocument, Line
from corpus.store import Store


def grow(source_db: str, target_db: Path, provisions: int) -> int:
    """Copies of the source's documents (provisions and tags) until `provisions` are stored."""
    with Store(source_db) as source, Store(target_db) as target:
        laws = []
        for document in source.documents():
            stored = source.provisions(document_id=document.id)
            if stored and all(p.tag for p in stored):
                laws.append((document, source.document_text(document.id), stored))
        if not laws:
            raise SystemExit(f"{source_db}: no tagged documents to repeat")
        written = copy = 0
        while written < provisions:
            copy += 1
            for document, text, stored in laws:
                sha256 = hashlib.sha256(f"{document.sha256} copy {copy}".encode()).hexdigest()
                meta = DocumentMeta(document.jurisdiction, document.language, document.title,
                                    document.year, f"{document.source}#copy{copy}")  # fmt: skip
                extracted = ExtractedDocument(
                    Path(f"{Path(document.name).stem}__copy{copy:04d}{Path(document.name).suffix}"),
                    cast(DocumentFormat, document.format),
                    [Line(line) for line in text.split("\n")],
                    document.page_count,
                )
                document_id = target.save_document(
                    sha256, meta, extracted, document.language,
                    [p.provision for p in stored], document.extractor_version,
                )  # fmt: skip
                ids = target.provision_ids(document_id)
                target.save_tags({i: p.tag for i, p in zip(ids, stored, strict=True) if p.tag})
                written += len(stored)
                if written >= provisions:
                    break
    return written


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "requests": len(ordered),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * p95, 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


def latencies(db: Path, requests: int, seed: int = 177) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from review.app import create_app
    from review.pages import LIST_LIMIT

    with Store(db) as store:
        ids, total = store.queue()
        jurisdictions = sorted({d.jurisdiction for d in store.documents()})
    chooser = random.Random(seed)
    pages = max(1, -(-total // LIST_LIMIT))
    targets = {
        "provision page": lambda: f"/provisions/{chooser.choice(ids)}",
        "queue page": lambda: f"/provisions?page={chooser.randint(1, pages)}",
        "provision page in a filtered queue": lambda: (
            f"/provisions/{chooser.choice(ids)}?jurisdiction={chooser.choice(jurisdictions)}"
            "&reviewed=no"
        ),
        "queue page, filtered by status": lambda: "/provisions?status=general&page=2",
    }
    out: dict[str, Any] = {"provisions": total}
    app = create_app(str(db), token=None, reviewer="bench")
    with TestClient(app, base_url="http://127.0.0.1") as client:  # a loopback Host
        for name, target in targets.items():
            client.get(target())  # warm-up: templates compiled, SQLite pages cached
            seconds = []
            for _ in range(requests):
                url = target()
                started = time.perf_counter()
                response = client.get(url)
                seconds.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}: {response.status_code}")
            out[name] = _percentiles(seconds)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_db")
    parser.add_argument("--provisions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", type=Path, help="keep the grown store here (default: temporary)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="c177-review-bench-") as work:
        db = args.db or Path(work) / "review.sqlite"
        started = time.perf_counter()
        stored = grow(args.source_db, db, args.provisions) if not db.exists() else None
        result = {"grow_s": round(time.perf_counter() - started, 1), "written": stored}
        result.update(latencies(db, args.requests))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
