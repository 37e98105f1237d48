"""A small real store for the review app's tests: a two-page PDF law and a text law whose
provision carries hostile markup, ingested by the real pipeline step, with hand-made tags
(a fixed, known starting point for the coverage matrix)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corpus.model import DocumentMeta, Evidence, Tag
from corpus.store import Store
from flows.steps import ingest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")  # Debian's, driven by Playwright

HOSTILE = (
    'Every worker may complain. <script>window.__pwned = 1; alert("xss")</script> '
    '<img src="x" onerror="window.__pwned = 2; alert(2)"> Nothing else.'
)

PDF_PAGES = [
    [
        "HOMEWORK PROTECTION ACT",
        "",
        "Section 1. Short title",
        "This Act may be cited as the Homework Protection Act.",
        "",
        "Section 2. Interpretation",
        'In this Act, "homeworker" means a person who works in his or her',
        "home for remuneration for an employer or an intermediary.",
        "",
        "Section 3. Minimum wages",
        "Every worker shall be paid not less than the national minimum wage.",
    ],
    [
        "Section 4. Inspection",
        "An inspector may enter any premises where home work is carried out",
        "to check that homeworkers are paid as this Act requires.",
        "",
        "Section 5. Offences",
        "An employer who fails to pay the minimum wage commits an offence",
        "and is liable to a fine.",
    ],
]

TEXT_LAW = f"""WORKERS ACT

Section 1. Complaints
{HOSTILE}

Section 2. Hours of work
No employee shall work more than forty-eight hours in a week.
"""


def write_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    # invariant: the same bytes every time, so two test databases share document SHA-256s.
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines in PDF_PAGES:
        y = 780.0
        for line in lines:
            pdf.setFont("Helvetica-Bold" if line.isupper() else "Helvetica", 11)
            pdf.drawString(72, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


def tag(status: str, topics: list[str], text: str, sure: float = 0.9) -> Tag:
    """A model-like tag: probabilities for every status, spans on the word 'homework...'."""
    others = (1.0 - sure) / 3
    scores = {f"status:{s}": (sure if s == status else others) for s in STATUS_ORDER}
    scores.update({f"topic:{t}": 0.8 for t in topics})
    evidence = [
        Evidence(label=status, kind="term", text=m.group(0), start=m.start(), end=m.end())
        for m in re.finditer(r"home ?work\w*", text, re.IGNORECASE)
    ]
    return Tag(status, topics, scores, evidence, model_version="test-1")


STATUS_ORDER = ("explicit", "excludes", "general", "none")

# citation -> (status, topics, model certainty)
PDF_TAGS = {
    "s. 1": ("none", [], 0.95),
    "s. 2": ("explicit", ["definition", "scope"], 0.9),
    "s. 3": ("general", ["remuneration"], 0.55),  # the uncertain one, first in the queue
    "s. 4": ("explicit", ["inspection"], 0.85),
    "s. 5": ("general", ["remedies", "remuneration"], 0.7),
}
TEXT_TAGS = {
    "s. 1": ("general", ["remedies"], 0.8),
    "s. 2": ("general", ["working_time"], 0.9),
}


def build_store(folder: Path) -> tuple[str, dict[tuple[str, str], int]]:
    """A database in `folder`; returns its path and (document name, citation) -> provision id."""
    folder.mkdir(parents=True, exist_ok=True)
    db = str(folder / "review.sqlite")
    pdf = write_pdf(folder / "homework_act.pdf")
    text = folder / "workers_act.txt"
    text.write_text(TEXT_LAW, encoding="utf-8")
    ids: dict[tuple[str, str], int] = {}
    with Store(db) as store:
        for path, jurisdiction, tags in (
            (pdf, "Testland", PDF_TAGS),
            (text, "Hostilia", TEXT_TAGS),
        ):
            outcome = ingest(store, path, DocumentMeta(jurisdiction=jurisdiction, year=2020))
            assert outcome.status == "ingested", outcome
            made = {}
            for stored in store.provisions(document_id=outcome.document_id):
                citation = stored.provision.citation
                ids[(path.name, citation)] = stored.id
                if citation in tags:
                    status, topics, sure = tags[citation]
                    made[stored.id] = tag(status, topics, stored.provision.text, sure)
            store.save_tags(made)
    return db, ids


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_review_server(db: str, reviewer: str = "e2e") -> tuple[str, subprocess.Popen]:
    """`c177 review` in a subprocess on a free loopback port: its base URL and its process."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "C177_REVIEW_TOKEN"}
    command = [sys.executable, "-c", "from cli import app; app()", "review"]
    command += ["--db", db, "--port", str(port), "--reviewer", reviewer]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # a busy machine imports slowly
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return f"http://127.0.0.1:{port}", server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"server did not start: {server.stderr.read()}") from None
            time.sleep(0.1)


@contextmanager
def review_server(db: str, reviewer: str = "e2e") -> Iterator[str]:
    """The review server of `start_review_server` for the length of a `with` block."""
    base, server = start_review_server(db, reviewer)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
