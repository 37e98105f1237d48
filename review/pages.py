"""The review app's pages: matrix -> cell -> provision, the provision list and search, and the
review form's target. Every page opens its own Store (SQLite connections are cheap; one
shared connection would interleave transactions across request threads)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from corpus.decisive import KIND_WORDS
from corpus.errors import ReviewConflict
from corpus.labels import COVERAGES, STATUSES, TOPIC_IDS, TOPICS
from corpus.store import Store, StoredProvision
from corpus.store.queries import MAX_SEARCH_CHARS
from reports.matrix import (
    COVERAGE_CODES,
    COVERAGE_COLOURS,
    COVERAGE_NAMES,
    COVERAGE_TEXT_COLOURS,
    UNKNOWN_JURISDICTION,
    build_matrix,
)
from review import views
from review.csrf import csrf_token, require_csrf_token
from review.source import can_show_page, page_png, text_excerpt

HERE = Path(__file__).parent
REVIEWER_COOKIE = "c177_reviewer"
MAX_PAGES_SHOWN = 3  # a provision spanning more pages shows its first three
LIST_LIMIT = 100

# Keyboard: 1-4 choose a status, "t" then a letter toggles a topic (letters follow TOPICS order).
STATUS_KEYS = {status: str(number) for number, status in enumerate(STATUSES, start=1)}
TOPIC_KEYS = dict(zip(TOPIC_IDS, "abcdefghijklmnopqrs", strict=True))

environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
environment.globals.update(
    STATUSES=STATUSES,
    TOPICS=TOPICS,
    TOPIC_KEYS=TOPIC_KEYS,
    STATUS_KEYS=STATUS_KEYS,
    COVERAGES=COVERAGES,
    COVERAGE_NOTES=COVERAGE_NAMES,
    COVERAGE_CODES=COVERAGE_CODES,
    uncertainty=views.uncertainty,
    KIND_WORDS=KIND_WORDS,
    MAX_SEARCH_CHARS=MAX_SEARCH_CHARS,
)
templates = Jinja2Templates(env=environment)
router = APIRouter(dependencies=[Depends(require_csrf_token)])


def open_store(request: Request) -> Iterator[Store]:
    store = Store(request.app.state.db)
    try:
        yield store
    finally:
        store.close()


StoreDep = Annotated[Store, Depends(open_store)]


def reviewer_name(request: Request) -> str:
    return request.cookies.get(REVIEWER_COOKIE) or request.app.state.default_reviewer


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("reviewer", reviewer_name(request))
    context.setdefault("csrf_token", csrf_token(request))
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def find(store: Store, provision_id: int) -> StoredProvision:
    try:
        return store.provision(provision_id)
    except KeyError as error:
        raise HTTPException(404, f"no provision {provision_id}") from error


# ---- matrix ---------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def matrix_page(request: Request, store: StoreDep) -> HTMLResponse:
    page = request.app.state.matrix_rows.page(store)
    return render(
        request, "matrix.html", matrix=page.matrix, total=page.provisions, reviewed=page.reviewed
    )


@router.get("/coverage.css")
def coverage_css() -> Response:
    """The matrix colours as a stylesheet: the CSP forbids inline styles, and the colours
    must stay those of the exports (COVERAGE_COLOURS)."""
    rules = [
        f".cov-{name} {{ background: {colour}; color: {COVERAGE_TEXT_COLOURS[name]}; }}"
        for name, colour in COVERAGE_COLOURS.items()
    ]
    return Response("\n".join(rules) + "\n", media_type="text/css")


@router.get("/cell", response_class=HTMLResponse)
def cell_page(request: Request, store: StoreDep, jurisdiction: str, topic: str) -> HTMLResponse:
    filters = views.Filters(jurisdiction=jurisdiction, topic=topic)
    # a cell depends on its jurisdiction's laws alone
    matrix = build_matrix(
        store.provisions(jurisdiction=filters.narrowing()["jurisdiction"]),
        store.decisive_provisions(),
    )
    if topic not in TOPICS or jurisdiction not in matrix.jurisdictions:
        raise HTTPException(404, "no such cell")
    return render(request, "cell.html", cell=matrix.cell(jurisdiction, topic), filters=filters)


# ---- provision list and search --------------------------------------------------------------


@router.get("/provisions", response_class=HTMLResponse)
def provision_list(request: Request, store: StoreDep, page: int = 1) -> HTMLResponse:
    filters = views.Filters.from_query(request.query_params)
    page = max(page, 1)
    shown, total = views.queue(store, filters, LIST_LIMIT, (page - 1) * LIST_LIMIT)
    names = store.current_names()  # (jurisdiction, document name), from an index
    return render(
        request,
        "list.html",
        filters=filters,
        provisions=shown,
        decisive=views.decisive_by_id(store, [p.id for p in shown]),
        total=total,
        page=page,
        pages=max(1, -(-total // LIST_LIMIT)),
        limit=LIST_LIMIT,
        jurisdictions=sorted({j or UNKNOWN_JURISDICTION for j, _ in names}),
        documents=sorted({name for _, name in names}),
        ordering=views.SEARCH_ORDERING_NOTE if filters.q else views.ORDERING_NOTE,
    )


# ---- one provision --------------------------------------------------------------------------


def provision_context(
    request: Request, store: Store, stored: StoredProvision, filters: views.Filters
) -> dict[str, Any]:
    provision, document = stored.provision, stored.document
    previous, following, position, queue_size = views.neighbours(store, filters, stored.id)
    state = request.app.state
    pages: list[int] = []
    if provision.page_start:
        last = min(
            provision.page_end or provision.page_start, provision.page_start + MAX_PAGES_SHOWN - 1
        )
        pages = [
            n
            for n in range(provision.page_start, last + 1)
            if can_show_page(document, n, state.downloads_dir, state.cache_dir)
        ]
    excerpt = None
    if not pages:
        excerpt = text_excerpt(
            store.document_text(document.id), provision.char_start, provision.char_end
        )
    saved = request.query_params.get("saved", "")
    saved_other = saved.isdigit() and int(saved) != stored.id
    return {
        "stored": stored,
        "provision": provision,
        "document": document,
        "tag": stored.tag,
        "text": views.highlight(views.reflow(provision.text), views.evidence_spans(stored)),
        "uncertainty": views.uncertainty(stored),
        "decisive": views.decisive_by_id(store, [stored.id]).get(stored.id),
        "pages": pages,
        "excerpt": excerpt,
        "history": list(reversed(store.review_history(stored.id))),
        "filters": filters,
        "previous": previous,
        "next": following,
        "position": position,
        "queue_size": queue_size,
        "saved": next(iter(store.provisions(ids=[int(saved)])), None) if saved_other else None,
        "saved_here": saved == str(stored.id),
        "form": {
            "status": stored.status,
            "topics": stored.topics,
            "note": "",
            "replaces": stored.review.id if stored.review else "",
        },
        "error": "",
    }


@router.get("/provisions/{provision_id}", response_class=HTMLResponse)
def provision_page(request: Request, store: StoreDep, provision_id: int) -> HTMLResponse:
    stored = find(store, provision_id)
    filters = views.Filters.from_query(request.query_params)
    return render(request, "provision.html", **provision_context(request, store, stored, filters))


@router.post("/provisions/{provision_id}/review", response_class=HTMLResponse)
def save_review(
    request: Request,
    store: StoreDep,
    provision_id: int,
    action: Annotated[str, Form()] = "save",
    status: Annotated[str, Form()] = "",
    topics: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form()] = "",
    reviewer: Annotated[str, Form()] = "",
    replaces: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    shown_status: Annotated[str, Form()] = "",
    shown_topics: Annotated[str, Form()] = "",
) -> Response:
    stored = find(store, provision_id)
    filters = views.Filters.from_query(dict(parse_qsl(back)))
    chosen_topics = sorted(set(topics or []))
    if action == "accept":
        # Accept: confirm the labels in force as the page showed them (the model's, or the
        # last review's); a conflict then shows exactly what this reviewer accepted.
        if shown_status:
            status, chosen_topics = shown_status, sorted(filter(None, shown_topics.split(",")))
        else:
            status, chosen_topics = stored.status or "", sorted(stored.topics)
    reviewer = reviewer.strip()[:80]
    replaces_id = int(replaces) if replaces.isdigit() else None
    if problem := _form_problem(action, reviewer, status, chosen_topics):
        context = provision_context(request, store, stored, filters)
        context["form"] = {
            "status": status,
            "topics": chosen_topics,
            "note": note,
            "replaces": replaces,
        }
        context["error"] = problem
        return render(request, "provision.html", status_code=400, reviewer=reviewer, **context)
    following = views.neighbours(store, filters, provision_id)[1]  # before saving: it may move
    try:
        store.add_review(provision_id, reviewer, status, chosen_topics, note, replaces=replaces_id)
    except ReviewConflict as conflict:
        return render(
            request,
            "conflict.html",
            status_code=409,
            reviewer=reviewer,
            stored=stored,
            theirs=conflict.current,
            mine={"status": status, "topics": chosen_topics, "note": note},
            filters=filters,
        )
    target = following or provision_id
    query = "&".join(part for part in (filters.query(), f"saved={provision_id}") if part)
    response = RedirectResponse(f"/provisions/{target}?{query}", status_code=303)
    response.set_cookie(
        REVIEWER_COOKIE, reviewer, max_age=365 * 86400, samesite="lax", httponly=True
    )
    return response


def _form_problem(action: str, reviewer: str, status: str, topics: list[str]) -> str:
    """What keeps a review from being saved ("" when nothing does)."""
    if not reviewer:
        return "Type your name (reviewer) before saving: every decision is signed."
    if status not in STATUSES:
        return "Choose a status (1-4)." if action != "accept" else "Nothing to accept: untagged."
    if not set(topics) <= set(TOPICS):
        return "Unknown topic."
    return ""


@router.get("/documents/{document_id}/pages/{page}.png")
def page_image(request: Request, store: StoreDep, document_id: int, page: int) -> FileResponse:
    try:
        document = store.document_by_id(document_id)
    except KeyError as error:
        raise HTTPException(404, "no such document") from error
    state = request.app.state
    path = page_png(document, page, state.downloads_dir, state.cache_dir)
    if path is None:
        raise HTTPException(404, "page not available")
    return FileResponse(
        path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"}
    )
