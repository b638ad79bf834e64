"""``dispatches review OUT_DIR``: the archivist's review loop as a local web app.

See the page, correct the value, keep the correction. The queue lists what needs review
first; a document's page shows the page image with the boxes of each field's words beside
the text as read, with every field editable (corrections go to the dataset's
``corrections`` table through ``DatasetStore.add_correction`` and win in every view and
export, across re-runs).

Safety, since documents are untrusted input and the app writes to the dataset:
- every value is escaped by Jinja2's autoescape (document text included);
- it answers only to the host names it was started for (no DNS rebinding), and every form
  carries a token only its own pages know (no cross-site request from another tab);
- page images come only from ``OUT_DIR/readings/<64-hex id>/page-<n>.jpg``.

The dataset is opened for each request and closed after it, so a run can load while the app
is open (DuckDB lets one process write a file at a time).
"""
from __future__ import annotations

import secrets
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from pipeline.corrections import (CorrectionValueError, UnknownFieldError, display_date,
                                  parse_value)
from pipeline.extract.reading import page_image_path
from pipeline.load import CorrectionError, DatasetLockedError, DatasetStore, open_store
from pipeline.report.highlight import render_highlighted
from pipeline.review.document import document_view, field_views
from pipeline.review.labels import (
    LANGUAGES, doc_type_name, language, mark_name, t,
)
from pipeline.review.queue import review_queue

TEMPLATES = Path(__file__).with_name("templates")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class ReviewConfig:
    run_dir: Path
    target: str               # DuckDB file or postgresql:// URL
    reviewer: str             # default name for corrections
    lang: str = "vi"
    lock_timeout: float = 5.0  # a run holding DuckDB: answer "busy" after this long


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))  # autoescape on for .html
    env = templates.env
    env.filters.update(date=display_date)
    env.globals.update(doc_type_name=doc_type_name, mark_name=mark_name, t=t,
                       languages=LANGUAGES)
    return templates


def create_app(config: ReviewConfig, allowed_hosts: tuple[str, ...] = LOCAL_HOSTS) -> FastAPI:
    app = FastAPI(title="dispatches review", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    templates = _templates()
    token = secrets.token_urlsafe(24)  # forms of this app instance only

    @contextmanager
    def dataset(read_only: bool = True) -> Iterator[DatasetStore]:
        try:
            store = open_store(config.target, read_only=read_only,
                               lock_timeout=config.lock_timeout)
        except DatasetLockedError as exc:
            raise HTTPException(503, str(exc)) from exc
        try:
            yield store
        finally:
            store.close()

    def lang_of(request: Request) -> str:
        return language(request.query_params.get("lang") or request.cookies.get("lang")
                        or config.lang)

    def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        lang = lang_of(request)
        response = templates.TemplateResponse(request, name, {
            "lang": lang, "token": token, "other_lang": "en" if lang == "vi" else "vi",
            "reviewer": request.cookies.get("reviewer") or config.reviewer, **context},
            status_code=status)
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie("lang", lang, samesite="strict", httponly=True)
        return response

    @app.exception_handler(StarletteHTTPException)  # also the router's own 404/405
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return page(request, "error.html", exc.status_code, message=str(exc.detail),
                    code=exc.status_code)

    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request, q: str = "") -> HTMLResponse:
        with dataset() as store:
            rows = review_queue(store, q)
        return page(request, "queue.html", rows=rows, q=q,
                    to_review=sum(r.to_review for r in rows))

    def neighbours(store: DatasetStore, doc_id: str) -> tuple[str | None, str | None]:
        ids = [r.doc_id for r in review_queue(store)]
        if doc_id not in ids:
            return None, None
        i = ids.index(doc_id)
        return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)

    def document_page(request: Request, doc_id: str, status: int = 200,
                      errors: dict[str, str] | None = None, typed: dict[str, str] | None = None):
        with dataset() as store:
            extracted = store.extracted_record(doc_id)
            if extracted is None:
                raise HTTPException(404, f"{t(lang_of(request), 'not_found')}: {doc_id}")
            corrections = store.corrections([doc_id])
            prev_id, next_id = neighbours(store, doc_id)
        view = document_view(extracted, corrections, config.run_dir,
                             lambda n: f"/pages/{doc_id}/{n}.jpg")
        highlighted = Markup(render_highlighted(  # escapes the text itself
            view.reading.text, {k: p.model_dump() for k, p in view.record.provenance.items()})
            if view.reading else "")
        return page(request, "document.html", status, view=view, prev_id=prev_id,
                    highlighted=highlighted,
                    next_id=next_id, errors=errors or {}, typed=typed or {},
                    saved=request.query_params.get("saved"))

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str) -> HTMLResponse:
        return document_page(request, doc_id)

    async def form(request: Request) -> dict[str, str]:
        body = (await request.body()).decode("utf-8", "replace")
        fields = urllib.parse.parse_qs(body, keep_blank_values=True)
        data = {k: v[-1] for k, v in fields.items()}
        if not secrets.compare_digest(data.get("token", ""), token):
            raise HTTPException(403, t(lang_of(request), "forbidden"))
        return data

    @app.post("/doc/{doc_id}/field")
    async def correct(request: Request, doc_id: str) -> Response:
        data = await form(request)
        name, who = data.get("field", ""), (data.get("who") or "").strip()
        who = who or request.cookies.get("reviewer") or config.reviewer
        try:
            if data.get("action") == "accept":
                value = None  # confirmed as read: the extracted value, looked up below
            else:
                value = parse_value(name, data.get("value", ""))
        except CorrectionValueError as exc:
            message = t(lang_of(request), exc.code)
            return document_page(request, doc_id, 400, {name: message},
                                 {name: data.get("value", "")})
        except UnknownFieldError as exc:
            raise HTTPException(400, str(exc)) from exc
        with dataset(read_only=False) as store:
            try:
                if data.get("action") == "accept":
                    value = shown_value(store, doc_id, name)
                store.add_correction(doc_id, name, value, who)
            except CorrectionError as exc:
                raise HTTPException(400, str(exc)) from exc
        target = f"/doc/{doc_id}?saved={urllib.parse.quote(name)}#f-{urllib.parse.quote(name)}"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie("reviewer", who, samesite="strict", httponly=True)
        return response

    @app.get("/pages/{doc_id}/{page_file}")
    def page_image(doc_id: str, page_file: str) -> FileResponse:
        number = page_file.removesuffix(".jpg")
        path = (page_image_path(config.run_dir, doc_id, int(number))
                if page_file.endswith(".jpg") and number.isdigit() else None)
        if path is None:
            raise HTTPException(404, "no such page image")
        return FileResponse(path, media_type="image/jpeg")

    return app


def shown_value(store: DatasetStore, doc_id: str, name: str):
    """The value the page shows now: what "correct as shown" confirms."""
    extracted = store.extracted_record(doc_id)
    if extracted is None:
        raise CorrectionError(f"no document {doc_id}")
    _, views = field_views(extracted, store.corrections([doc_id]))
    shown = {v.name: v.value for v in views}
    if name not in shown:
        raise CorrectionError(f"{extracted.source.path} has no {name}")
    return shown[name]
