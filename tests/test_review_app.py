"""The review app through FastAPI's TestClient, on a real store (tests/review_store.py)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from review_store import HOSTILE, build_store

from corpus.errors import BindRefused
from corpus.model import Tag
from corpus.store import Store
from reports.matrix import COVERAGE_COLOURS, build_matrix
from review.app import create_app, serve
from review.auth import check_bind, is_loopback
from review.reviews_io import export_reviews, import_reviews
from review.views import uncertainty

PDF, TEXT = "homework_act.pdf", "workers_act.txt"


class ReviewClient(TestClient):
    """A browser on the review app: its form posts carry the CSRF token of its pages."""

    def post(self, url: str, data: dict | None = None, **kwargs) -> Response:
        if data is not None and "csrf" not in data:
            page = self.get("/provisions/1").text  # any page with the review form
            found = re.search(r'name="csrf" value="([^"]*)"', page)
            data = {**data, "csrf": found.group(1) if found else ""}
        return super().post(url, data=data, **kwargs)


def client(db: str, token: str | None = None, reviewer: str = "ann") -> ReviewClient:
    # The app only answers loopback Host names when it has no token.
    return ReviewClient(create_app(db, token, reviewer), base_url="http://127.0.0.1:8177")


def coverage_of(db: str, jurisdiction: str, topic: str) -> str:
    with Store(db) as store:
        return build_matrix(store.provisions()).cell(jurisdiction, topic).coverage


# ---- pages ------------------------------------------------------------------------------------


def test_matrix_shows_cells_coloured_like_the_exports(db: str) -> None:
    web = client(db)
    page = web.get("/")
    assert page.status_code == 200
    assert 'data-jurisdiction="Testland" data-topic="remuneration" data-coverage="via_scope"' in (
        page.text
    )
    assert "/cell?jurisdiction=Testland&amp;topic=remuneration" in page.text
    css = web.get("/coverage.css").text
    for coverage, colour in COVERAGE_COLOURS.items():
        assert f".cov-{coverage} {{ background: {colour};" in css
        assert f"cov-{coverage}" in page.text  # the legend shows every coverage


def test_cell_lists_its_evidence(db: str, ids: dict) -> None:
    page = client(db).get("/cell", params={"jurisdiction": "Testland", "topic": "remuneration"})
    assert page.status_code == 200
    assert (
        f"/provisions/{ids[PDF, 's. 3']}?jurisdiction=Testland&amp;topic=remuneration" in page.text
    )
    assert f"/provisions/{ids[PDF, 's. 2']}?" in page.text  # brings homeworkers in
    assert (
        client(db).get("/cell", params={"jurisdiction": "Nowhere", "topic": "scope"}).status_code
        == 404
    )


def test_list_filters_and_orders_by_uncertainty(db: str, ids: dict) -> None:
    web = client(db)
    page = web.get("/provisions").text
    assert "least sure decision" in page
    # s. 3 (status 55 % sure) comes before s. 5 (70 %) and s. 1 (95 %), their topics 80 % sure
    # (absent topics score 0: sure they are not there).
    positions = [page.index(f'href="/provisions/{ids[PDF, c]}?') for c in ("s. 3", "s. 5", "s. 1")]
    assert positions == sorted(positions)

    def listed(**params: str) -> set[int]:
        text = web.get("/provisions", params=params).text
        return {i for i in ids.values() if f'href="/provisions/{i}?' in text}

    assert listed(jurisdiction="Hostilia") == {ids[TEXT, "s. 1"], ids[TEXT, "s. 2"]}
    assert listed(document=TEXT) == {ids[TEXT, "s. 1"], ids[TEXT, "s. 2"]}
    assert listed(topic="remuneration") == {ids[PDF, "s. 3"], ids[PDF, "s. 5"]}
    assert listed(status="explicit") == {ids[PDF, "s. 2"], ids[PDF, "s. 4"]}
    assert listed(reviewed="yes") == set()
    assert listed(reviewed="no") == set(ids.values())
    assert listed(q="inspector premises") == {ids[PDF, "s. 4"]}
    assert "FTS5 rank" in web.get("/provisions", params={"q": "wage"}).text


def test_provision_page_shows_text_spans_scores_and_source_page(db: str, ids: dict) -> None:
    web = client(db)
    pid = ids[PDF, "s. 2"]
    page = web.get(f"/provisions/{pid}").text
    assert "s. 2</span>" in page and "Testland" in page
    assert '<mark class="ev ev-explicit" title="explicit">homeworker</mark>' in page
    assert 'value="definition" data-key="a" checked' in page  # the model's topics, pre-checked
    assert "0.90" in page  # the model's probability for its status
    image = web.get(f"/documents/{_document_id(db, pid)}/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert f'src="/documents/{_document_id(db, pid)}/pages/1.png"' in page
    assert "Keys" in page and "accept the labels in force" in page


def test_text_source_shows_the_document_around_the_provision(db: str, ids: dict) -> None:
    page = client(db).get(f"/provisions/{ids[TEXT, 's. 2']}").text
    assert '<div class="excerpt">' in page and '<mark class="here">' in page
    assert "/pages/" not in page


def test_hostile_law_text_and_notes_are_escaped(db: str, ids: dict) -> None:
    web = client(db)
    pid = ids[TEXT, "s. 1"]
    page = web.get(f"/provisions/{pid}").text
    assert "<script>window" not in page and '<img src="x"' not in page
    assert "&lt;script&gt;window.__pwned = 1;" in page
    assert "&lt;img src=&#34;x&#34; onerror=" in page
    for url in (
        "/provisions",
        "/provisions?q=complain",
        "/cell?jurisdiction=Hostilia&topic=remedies",
    ):
        assert "<script>window" not in web.get(url).text
    web.post(
        f"/provisions/{pid}/review",
        data={"status": "general", "topics": ["remedies"], "note": HOSTILE, "reviewer": "<b>x</b>"},
    )
    page = web.get(f"/provisions/{pid}").text
    assert "<script>window" not in page and "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "script-src 'self'" in web.get("/").headers["content-security-policy"]


def _document_id(db: str, provision_id: int) -> int:
    with Store(db) as store:
        return store.provision(provision_id).document.id


# ---- decisions --------------------------------------------------------------------------------


def test_correction_is_stored_signed_and_changes_the_matrix(db: str, ids: dict) -> None:
    web = client(db)
    pid = ids[PDF, "s. 3"]
    assert coverage_of(db, "Testland", "remuneration") == "via_scope"
    cell = 'data-jurisdiction="Testland" data-topic="remuneration" data-coverage="{}"'
    assert cell.format("via_scope") in web.get("/").text  # the app now keeps its matrix
    answer = web.post(
        f"/provisions/{pid}/review",
        data={
            "status": "explicit",
            "topics": ["remuneration", "equal_treatment"],
            "note": "homework act",
            "reviewer": "Bea",
            "replaces": "",
            "back": "jurisdiction=Testland",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/provisions/")  # on to the next one
    assert "jurisdiction=Testland" in answer.headers["location"]
    assert "c177_reviewer=Bea" in answer.headers["set-cookie"]
    with Store(db) as store:
        (review,) = store.review_history(pid)
    assert (review.reviewer, review.status_after, review.topics_after) == (
        "Bea",
        "explicit",
        ["equal_treatment", "remuneration"],
    )
    assert (review.status_before, review.replaces) == ("general", None)
    assert coverage_of(db, "Testland", "remuneration") == "explicit"
    assert cell.format("explicit") in web.get("/").text  # its kept row was rebuilt
    page = web.get(f"/provisions/{pid}").text
    assert "Bea" in page and "homework act" in page  # history
    assert f'name="replaces" value="{review.id}"' in page
    assert 'value="Bea"' in page  # reviewer name remembered


def test_accept_confirms_the_labels_in_force(db: str, ids: dict) -> None:
    pid = ids[PDF, "s. 4"]
    answer = client(db).post(
        f"/provisions/{pid}/review", data={"action": "accept", "reviewer": "ann"}
    )
    assert answer.status_code == 200
    with Store(db) as store:
        (review,) = store.review_history(pid)
    assert (review.status_after, review.topics_after) == ("explicit", ["inspection"])


def test_a_decision_needs_a_name_and_a_valid_status(db: str, ids: dict) -> None:
    web = client(db, reviewer="")
    pid = ids[PDF, "s. 3"]
    unsigned = web.post(f"/provisions/{pid}/review", data={"status": "general"})
    assert unsigned.status_code == 400 and "Type your name" in unsigned.text
    wrong = web.post(f"/provisions/{pid}/review", data={"status": "maybe", "reviewer": "x"})
    assert wrong.status_code == 400
    with Store(db) as store:
        assert store.review_history(pid) == []


def test_concurrent_reviews_conflict_and_nothing_is_lost(db: str, ids: dict) -> None:
    pid = ids[PDF, "s. 5"]
    ann, bea = client(db, reviewer="ann"), client(db, reviewer="bea")
    # Both load the page while no review is in force (replaces = "").
    assert 'name="replaces" value=""' in ann.get(f"/provisions/{pid}").text
    assert 'name="replaces" value=""' in bea.get(f"/provisions/{pid}").text
    first = ann.post(
        f"/provisions/{pid}/review",
        data={"status": "explicit", "topics": ["remedies"], "reviewer": "ann", "replaces": ""},
    )
    assert first.status_code == 200
    second = bea.post(
        f"/provisions/{pid}/review",
        data={
            "status": "none",
            "topics": [],
            "note": "bea thinks otherwise",
            "reviewer": "bea",
            "replaces": "",
        },
    )
    assert second.status_code == 409
    assert "ann saved a decision" in second.text and "bea thinks otherwise" in second.text
    with Store(db) as store:
        (theirs,) = store.review_history(pid)
    assert theirs.reviewer == "ann"
    # Bea, having seen Ann's decision, saves hers over it deliberately.
    assert f'name="replaces" value="{theirs.id}"' in second.text
    third = bea.post(
        f"/provisions/{pid}/review",
        data={"status": "none", "reviewer": "bea", "replaces": str(theirs.id)},
    )
    assert third.status_code == 200
    with Store(db) as store:
        assert [r.reviewer for r in store.review_history(pid)] == ["ann", "bea"]


# ---- access -----------------------------------------------------------------------------------


def test_token_is_required_on_every_request(db: str) -> None:
    web = client(db, token="s3cret")
    for url in ("/", "/provisions", "/static/review.css", "/documents/1/pages/1.png"):
        assert web.get(url).status_code == 401
    assert web.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert web.get("/", params={"token": "wrong"}).status_code == 401
    assert web.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    answer = web.get(
        "/provisions", params={"token": "s3cret", "status": "general"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/provisions?status=general"
    assert web.get("/provisions").status_code == 200  # the cookie now carries it
    assert web.post("/provisions/1/review", data={}).status_code != 401


def test_without_token_only_loopback_hosts_and_same_origin_posts(db: str, ids: dict) -> None:
    web = client(db)
    assert web.get("/", headers={"host": "evil.example"}).status_code == 403
    assert web.get("/", headers={"host": "localhost:8177"}).status_code == 200
    forged = web.post(
        f"/provisions/{ids[PDF, 's. 3']}/review",
        data={"status": "none", "reviewer": "x"},
        headers={"origin": "https://evil.example"},
    )
    assert forged.status_code == 403


def test_non_loopback_bind_is_refused_without_a_token(db: str, c177) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    check_bind("127.0.0.1", None)
    check_bind("0.0.0.0", "s3cret")
    with pytest.raises(BindRefused, match="without a token"):
        serve(db, host="0.0.0.0")
    result = c177("review", "--db", db, "--host", "0.0.0.0", env={"C177_REVIEW_TOKEN": None})
    assert result.exit_code == 2
    assert "refusing to serve reviews on 0.0.0.0 without a token" in result.output


# ---- JSONL export and import ------------------------------------------------------------------


def test_reviews_move_between_databases(db: str, ids: dict, tmp_path: Path) -> None:
    with Store(db) as store:
        first = store.add_review(ids[PDF, "s. 3"], "ann", "explicit", ["remuneration"], "a")
        store.add_review(ids[PDF, "s. 3"], "bea", "general", ["remuneration"], "b", first.id)
        store.add_review(ids[TEXT, "s. 1"], "ann", "none", [], HOSTILE)
        out = io.StringIO()
        assert export_reviews(store, out) == 3
    lines = out.getvalue().splitlines()
    record = json.loads(lines[0])
    assert {"document_sha256", "citation", "occurrence", "text_sha"} <= set(record)
    assert "text" not in record  # the law's words stay in the database

    other, other_ids = build_store(tmp_path / "other")  # same files, another database
    stray = dict(record, document_sha256="0" * 64)
    with Store(other) as store:
        refused = import_reviews(store, [*lines, json.dumps(stray), "{not json"])
        assert (refused.imported, refused.invalid) == (0, ["input line 5: not JSON (Expecting"
                                                           " property name enclosed in double"
                                                           " quotes)"])  # fmt: skip
        report = import_reviews(store, [*lines, json.dumps(stray)])
        assert (report.imported, report.duplicates) == (3, 0)
        assert len(report.missing) == 1 and report.invalid == []
        again = import_reviews(store, lines)
        assert (again.imported, again.duplicates) == (0, 3)
        history = store.review_history(other_ids[PDF, "s. 3"])
        assert [r.reviewer for r in history] == ["ann", "bea"]
        assert store.provision(other_ids[PDF, "s. 3"]).status == "general"


def test_import_never_puts_an_older_review_over_a_newer_one(db: str, ids: dict) -> None:
    pid = ids[PDF, "s. 1"]
    with Store(db) as store:
        store.add_review(pid, "ann", "general", [], at="2030-01-01T00:00:00+00:00")
        out = io.StringIO()
        export_reviews(store, out)
    record = json.loads(out.getvalue())
    older = json.dumps(dict(record, reviewer="old", at="2001-01-01T00:00:00+00:00", status="none"))
    with Store(db) as store:
        report = import_reviews(store, [older])
        assert report.imported == 0 and len(report.superseded) == 1
        assert store.provision(pid).review.reviewer == "ann"


def test_reviews_cli_export_and_import(db: str, ids: dict, tmp_path: Path, c177) -> None:
    with Store(db) as store:
        store.add_review(ids[PDF, "s. 2"], "ann", "explicit", ["definition"])
    out = tmp_path / "out" / "reviews.jsonl"
    exported = c177("reviews", "export", "--db", db, "--out", str(out))
    assert exported.exit_code == 0, exported.output
    assert "wrote 1 reviews" in exported.output
    imported = c177("reviews", "import", str(out), "--db", db)
    assert imported.exit_code == 0, imported.output
    assert "imported 0, already present 1" in imported.output


def test_accepting_stale_labels_is_a_conflict_showing_what_was_accepted(db: str, ids: dict) -> None:
    pid = ids[PDF, "s. 3"]
    with Store(db) as store:
        store.add_review(pid, "bea", "explicit", ["remuneration"], "bea was first")
    stale = client(db).post(
        f"/provisions/{pid}/review",
        data={
            "action": "accept",
            "reviewer": "ann",
            "replaces": "",
            "shown_status": "general",
            "shown_topics": "remuneration",
        },
    )
    assert stale.status_code == 409
    mine = stale.text[stale.text.index('id="mine"') :]
    assert "<b>general</b>" in mine and "bea was first" in stale.text


def test_an_unsure_topic_makes_a_provision_uncertain() -> None:
    def provision(topic_score: float, given: bool) -> SimpleNamespace:
        scores = {"status:general": 0.95, "status:none": 0.05, "topic:remuneration": topic_score}
        topics = ["remuneration"] if given else []
        return SimpleNamespace(tag=Tag("general", topics, scores, []))

    # status 95 % sure either way; the topic left out at 48 % is 52 % sure
    assert uncertainty(provision(0.48, given=False)) == 0.48
    assert uncertainty(provision(0.99, given=True)) == 0.05
    # a tuned threshold below 0.5 gave the topic at 40 %: that decision is 40 % sure
    assert uncertainty(provision(0.40, given=True)) == 0.6
    assert uncertainty(SimpleNamespace(tag=None)) == 1.0


def test_the_queue_is_paged_in_sql_in_the_order_and_filters_of_the_labels_in_force(
    db: str, ids: dict
) -> None:
    from review.views import Filters, neighbours, queue

    with Store(db) as store:
        provisions = store.provisions()
        first = provisions[0]
        store.add_review(first.id, "ann", "excludes", ["maternity"])
        provisions = store.provisions()
        decisive = {d.provision_id for d in store.decisive_provisions()}
        # decisive provisions first, then the most uncertain
        expected = [
            p.id
            for p in sorted(provisions, key=lambda p: (p.id not in decisive, -uncertainty(p), p.id))
        ]
        for filters in (
            Filters(),
            Filters(status="excludes"),
            Filters(topic="maternity"),
            Filters(reviewed="no"),
            Filters(jurisdiction=first.document.jurisdiction, reviewed="yes"),
        ):
            kept = [i for i in expected if filters.keeps(next(p for p in provisions if p.id == i))]
            page, total = queue(store, filters, limit=2, offset=1)
            assert ([p.id for p in page], total) == (kept[1:3], len(kept))
            for position, current in enumerate(kept, start=1):
                previous = kept[position - 2] if position > 1 else None
                following = kept[position] if position < len(kept) else None
                assert neighbours(store, filters, current) == (
                    previous, following, position, len(kept)
                )  # fmt: skip
        assert first.id in [p.id for p in queue(store, Filters(status="excludes"))[0]]
    page_two = client(db).get("/provisions", params={"page": 2})
    assert page_two.status_code == 200 and "Nothing matches" in page_two.text


def test_a_change_raises_the_revision_of_its_jurisdiction_alone(db: str, ids: dict) -> None:
    # what lets the app rebuild only the matrix rows that changed
    with Store(db) as store:
        before = store.revisions()
        assert set(before) == {"Testland", "Hostilia"}
        pid = ids[PDF, "s. 3"]
        store.add_review(pid, "ann", "explicit", ["remuneration"], "")
        after = store.revisions()
        assert after["Testland"] > before["Testland"]
        assert after["Hostilia"] == before["Hostilia"]
        tag = store.provision(ids[TEXT, "s. 1"]).tag
        assert tag is not None
        store.save_tags({ids[TEXT, "s. 1"]: tag})  # tagged again
        assert store.revisions()["Hostilia"] > after["Hostilia"]
