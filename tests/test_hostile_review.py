"""Hostile pages and visitors against the review app: forged reviews (CSRF), oversized searches,
a server that must stop on SIGTERM; and hostile review files for `c177 reviews import`."""

from __future__ import annotations

import http.server
import io
import json
import re
import shutil
import signal
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from review_store import CHROMIUM, build_store, review_server, start_review_server

from corpus.errors import SearchRefused
from corpus.store import Store
from corpus.store.queries import MAX_SEARCH_WORDS
from review.app import create_app
from review.csrf import SESSION_COOKIE
from review.reviews_io import export_reviews

BASE = "http://127.0.0.1:8177"
PDF = "homework_act.pdf"


@pytest.fixture
def pid(template: tuple[Path, dict]) -> int:
    return template[1][PDF, "s. 3"]


def web(db: str) -> TestClient:
    return TestClient(create_app(db, None, "ann"), base_url=BASE)


def form_token(client: TestClient, provision_id: int) -> str:
    page = client.get(f"/provisions/{provision_id}").text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def reviews(db: str, provision_id: int) -> list:
    with Store(db) as store:
        return store.review_history(provision_id)


DECISION = {"action": "save", "status": "none", "reviewer": "mallory", "replaces": ""}


# ---- forged reviews ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "null"},  # a sandboxed iframe on any page the reviewer opens
        {},  # curl, or a client that sends neither Origin nor Referer
        {"referer": "http://evil.example/page"},
    ],
    ids=["origin-null", "no-origin", "foreign-referer"],
)
def test_a_post_without_this_sessions_token_is_refused(db: str, pid: int, headers: dict) -> None:
    answer = web(db).post(f"/provisions/{pid}/review", data=DECISION, headers=headers)
    assert answer.status_code == 403
    assert reviews(db, pid) == []


def test_another_sessions_token_is_refused_and_the_own_one_accepted(db: str, pid: int) -> None:
    mallory, ann = web(db), web(db)
    stolen = form_token(mallory, pid)
    assert form_token(ann, pid) != stolen  # per session
    refused = ann.post(f"/provisions/{pid}/review", data={**DECISION, "csrf": stolen})
    assert refused.status_code == 403 and "reload the page" in refused.text
    assert reviews(db, pid) == []
    saved = ann.post(
        f"/provisions/{pid}/review",
        data={**DECISION, "reviewer": "ann", "csrf": form_token(ann, pid)},
        headers={"origin": BASE, "referer": f"{BASE}/provisions/{pid}"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert [r.reviewer for r in reviews(db, pid)] == ["ann"]


def test_the_session_cookie_is_httponly_and_samesite(db: str) -> None:
    cookie = web(db).get("/").headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()


# ---- bounded work per request ----------------------------------------------------------------


def test_a_huge_search_is_refused_at_once(db: str) -> None:
    words = " ".join(f"word{n}" for n in range(2_000))  # 50 s before the fix
    answer = web(db).get("/provisions", params={"q": words})
    assert answer.status_code == 400 and f"at most {MAX_SEARCH_WORDS} words" in answer.text
    assert web(db).get("/provisions", params={"q": "minimum wage"}).status_code == 200


def test_a_search_running_too_long_is_stopped(db: str) -> None:
    with Store(db) as store:
        assert store.search("minimum wage")
        with pytest.raises(SearchRefused, match="was stopped"):
            store.search("minimum wage", seconds=0)
        assert store.search("minimum wage")  # the connection is usable again


@pytest.mark.slow
def test_the_server_stops_on_sigterm_during_a_huge_search(db: str) -> None:
    base, server = start_review_server(db)
    query = urllib.parse.urlencode({"q": " ".join(f"w{n}" for n in range(30_000))})
    threading.Thread(
        target=lambda: urllib.request.urlopen(f"{base}/provisions?{query}", timeout=600).read(),
        daemon=True,
    ).start()
    time.sleep(1)  # the search under way (before the fix it ran for many minutes)
    server.send_signal(signal.SIGTERM)
    try:  # stopped, by its own hand (0) or by re-raising the signal once shut down (uvicorn)
        assert server.wait(timeout=60) in (0, -signal.SIGTERM)
    finally:
        server.kill()


# ---- a forged post from a real page in a real browser ---------------------------------------


@pytest.fixture
def evil_site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """Another origin (another loopback port) serving whatever page a test writes."""
    folder = tmp_path / "evil"
    folder.mkdir()
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=folder)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_a_sandboxed_frame_on_another_site_cannot_post_a_review(db, pid, evil_site) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    from scripts.screenshot_review import CHROMIUM_ARGS

    folder, evil = evil_site
    with review_server(db) as base, sync_api.sync_playwright() as playwright:
        fields = "".join(
            f"<input name={name} value={value or 'x'}>" for name, value in DECISION.items()
        )
        attack = (
            f"<form method=post action={base}/provisions/{pid}/review>{fields}</form>"
            "<script>document.forms[0].submit()</script>"
        )
        (folder / "index.html").write_text(
            f'<iframe sandbox="allow-scripts allow-forms" srcdoc="{attack}"></iframe>',
            encoding="utf-8",
        )
        # A sandboxed frame runs in a process of its own, whose requests Playwright may miss.
        in_one_process = "--disable-features=IsolateSandboxedIframes"
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, in_one_process]
        )
        try:
            page = browser.new_page()
            page.goto(f"{base}/provisions/{pid}")  # the reviewer has the app open ...
            with page.expect_request(lambda r: r.method == "POST", timeout=60_000) as posted:
                page.goto(evil)  # ... and visits another page
            assert posted.value.headers["origin"] == "null"
            page.wait_for_timeout(1000)  # time for the server to answer it
        finally:
            browser.close()
    assert reviews(db, pid) == []


# ---- reviews import ---------------------------------------------------------------------------


def test_reviews_import_refuses_bad_records_and_then_imports_nothing(
    c177, template: tuple[Path, dict], tmp_path: Path
) -> None:
    source, ids = build_store(tmp_path / "source")
    with Store(source) as store:
        store.add_review(ids[PDF, "s. 3"], "ann", "explicit", ["remuneration"], "fine")
        store.add_review(ids[PDF, "s. 4"], "ann", "general", [], "fine too")
        out = io.StringIO()
        export_reviews(store, out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    hostile = [
        dict(first, at=123),
        dict(first, citation=["s. 3"]),
        dict(first, note={"a": 1}),
        dict(first, at="zzzz"),
        dict(first, reviewer="   "),
        dict(first, note="x" * 50_000),
        dict(first, occurrence="1"),
    ]
    target = tmp_path / "target.sqlite"
    shutil.copy(template[0], target)
    jsonl = tmp_path / "reviews.jsonl"
    lines = [json.dumps(r) for r in (first, *hostile, second)]
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = c177("reviews", "import", str(jsonl), "--db", str(target))
    assert result.exit_code == 1 and "Traceback" not in result.output
    refused = re.findall(r"reviews\.jsonl line (\d+)", result.output)
    assert refused == [str(n) for n in range(2, 2 + len(hostile))]
    assert "nothing imported" in result.output
    with Store(target) as store:
        assert store.reviews_in_force() == {}  # not even the good lines before the bad ones

    jsonl.write_text(f"{lines[0]}\n{lines[-1]}\n", encoding="utf-8")
    result = c177("reviews", "import", str(jsonl), "--db", str(target))
    assert result.exit_code == 0 and "imported 2" in result.output, result.output
