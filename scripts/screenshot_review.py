"""Screenshot of the provision view for the README (needs the dev extra's playwright and
Debian's chromium; no browser download):

    .venv/bin/python -m scripts.screenshot_review --db c177.sqlite --out docs/review-provision.png
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from pathlib import Path

from corpus.store import Store, StoredProvision
from review.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pick(provisions: list[StoredProvision]) -> StoredProvision:
    """A telling example: a PDF provision naming homeworkers, with evidence spans and topics."""

    def interest(p: StoredProvision) -> tuple:
        spans = sum(1 for e in (p.tag.evidence if p.tag else []) if e.start is not None)
        return (
            p.document.format == "pdf" and p.provision.page_start is not None,
            p.status == "explicit",
            min(spans, 3),
            min(len(p.topics), 3),
            -abs(len(p.provision.text) - 500),  # fits the viewport
        )

    return max(provisions, key=interest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="c177.sqlite")
    parser.add_argument("--out", type=Path, default=Path("docs/review-provision.png"))
    parser.add_argument("--provision", type=int, help="provision id (default: a telling one)")
    parser.add_argument("--reviewer", default="reviewer")
    args = parser.parse_args()

    import uvicorn
    from playwright.sync_api import sync_playwright

    with Store(args.db) as store:
        chosen = args.provision or pick(store.provisions()).id
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(args.db, None, args.reviewer), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/provisions/{chosen}")
            page.wait_for_load_state("networkidle")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    print(f"wrote {args.out} (provision {chosen})")


if __name__ == "__main__":
    main()
