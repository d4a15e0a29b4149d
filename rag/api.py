"""The HTTP edge: a Litestar app over the search core. Handlers parse, call the core, format.

Errors of every kind leave as RFC 9457 problem details (`application/problem+json`), mapped in one table.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.config.cors import CORSConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.params import FromPath, JSONBody
from litestar.router import Router
from litestar.status_codes import HTTP_200_OK

from rag.batcher import MicroBatcher
from rag.embedder import Embedder
from rag.errors import (
    ConfigError,
    IndexError_,
    IndexNotFound,
    InvalidQuery,
    ModelError,
    Overloaded,
    PassageNotFound,
    RagError,
)
from rag.index import Index, single_threaded_search
from rag.schemas import (
    BatchSearchRequest,
    BatchSearchResponse,
    Health,
    Hit,
    Passage,
    SearchRequest,
    SearchResponse,
)
from rag.searcher import Query, Searcher
from rag.settings import Settings

log = logging.getLogger("rag.api")

# The one table from core errors to HTTP statuses.
STATUS: dict[type[RagError], int] = {
    InvalidQuery: 422,
    PassageNotFound: 404,
    Overloaded: 503,
    IndexNotFound: 503,
    IndexError_: 503,
    ModelError: 503,
    ConfigError: 500,
}
_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           413: "Request body too large", 422: "Invalid request", 500: "Internal error", 503: "Unavailable"}


def _problem(status: int, detail: str, request: Request, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status, "detail": detail,
            "instance": request.url.path, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return Response(body, status_code=status, media_type="application/problem+json", headers=headers)


def _validation_detail(exc: ValidationException) -> tuple[int, str, list[dict[str, Any]]]:
    errors = exc.extra if isinstance(exc.extra, list) else []
    if not errors:  # the body is not JSON at all, or not an object
        return 400, f"the request body is not valid JSON for this endpoint ({exc.detail})", []
    parts = [f"{e.get('key') or 'body'}: {e.get('message')}" for e in errors if isinstance(e, dict)]
    return 422, "; ".join(parts) or exc.detail, errors


def problem_handler(request: Request, exc: Exception) -> Response:
    """Every error, as problem details. Unknown errors are logged and answered without internals."""
    if isinstance(exc, RagError):
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)
        return _problem(status, str(exc), request)
    if isinstance(exc, ValidationException):
        status, detail, errors = _validation_detail(exc)
        return _problem(status, detail, request, errors=errors)
    if isinstance(exc, HTTPException):
        detail = str(exc.detail)
        if exc.status_code == 400:  # the body could not be decoded at all
            detail = f"the request body is not valid JSON: {detail}"
        return _problem(exc.status_code, detail, request)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _problem(500, "internal error; the server log has the details", request)


def _check_key(connection: ASGIConnection, keys: list[str]) -> None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorizedException("missing API key: send `Authorization: Bearer <key>`")
    # compare against every key, in constant time, so timing tells nothing about which key is close
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(token.encode(), key.encode())
    if not matched:
        raise NotAuthorizedException("invalid API key")


# Guards are coroutines: Litestar runs a plain-function guard in a worker thread, a thread hop on every request.
async def api_key_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    settings: Settings = connection.app.state.settings
    if settings.api_keys:
        _check_key(connection, [*settings.api_keys, *settings.admin_keys])


async def admin_key_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    settings: Settings = connection.app.state.settings
    if not settings.admin_keys:
        raise NotAuthorizedException("admin routes are disabled: set RAG_ADMIN_KEYS to enable them")
    _check_key(connection, settings.admin_keys)


# -- helpers the handlers share ---------------------------------------------------------------------------------


def _searcher(state: State) -> Searcher:
    searcher: Searcher | None = state.get("searcher")
    if searcher is None:
        raise IndexNotFound(state.get("not_ready", "the index is not loaded yet"))
    return searcher


def _queries(state: State, questions: list[str], k: int | None, mode: str | None, explain: bool) -> list[Query]:
    settings: Settings = state.settings
    k = settings.k_default if k is None else k
    if k > settings.k_max:
        raise InvalidQuery(f"k: must be at most {settings.k_max} (got {k})")
    for n, question in enumerate(questions):
        where = "question" if len(questions) == 1 else f"questions[{n}]"
        if len(question) > settings.question_max_chars:
            raise InvalidQuery(f"{where}: at most {settings.question_max_chars} characters (got {len(question)})")
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in question) or "\ufffd" in question:
            raise InvalidQuery(f"{where}: contains control or replacement characters; send plain text")
        if not any(ch.isalnum() for ch in question):
            raise InvalidQuery(f"{where}: has no letter or digit to search for")
    return [Query(q, k, mode or settings.default_mode, explain) for q in questions]  # type: ignore[arg-type]


def _response(question: str, hits: list[Hit], query: Query, searcher: Searcher, took: float) -> SearchResponse:
    return SearchResponse(question=question, passages=hits, mode=query.mode, model=searcher.model,
                          took_ms=round(took * 1000, 2))


# -- routes -----------------------------------------------------------------------------------------------------


@post("/search", status_code=HTTP_200_OK, summary="Best passages for one question")
async def search(data: JSONBody[SearchRequest], state: State) -> SearchResponse:
    """Return the `k` passages that best answer `question`, each with a citation (document, section, offsets)."""
    started = time.perf_counter()
    searcher = _searcher(state)
    queries = _queries(state, [data.question], data.k, data.mode, data.explain)
    (hits,) = await state.batcher.submit(queries)
    return _response(data.question, hits, queries[0], searcher, time.perf_counter() - started)


@post("/search/batch", status_code=HTTP_200_OK, summary="Best passages for several questions")
async def search_batch(data: JSONBody[BatchSearchRequest], state: State) -> BatchSearchResponse:
    """Answer each question in `questions`, in order; the whole batch shares model calls."""
    started = time.perf_counter()
    settings: Settings = state.settings
    if len(data.questions) > settings.batch_max:
        raise InvalidQuery(f"questions: at most {settings.batch_max} per batch (got {len(data.questions)})")
    searcher = _searcher(state)
    queries = _queries(state, data.questions, data.k, data.mode, data.explain)
    results = await state.batcher.submit(queries)
    took = time.perf_counter() - started
    return BatchSearchResponse(
        results=[_response(q.question, hits, q, searcher, took) for q, hits in zip(queries, results, strict=True)],
        took_ms=round(took * 1000, 2))


@get("/passages/{passage_id:str}", summary="One passage and its citation", sync_to_thread=False)
def get_passage(passage_id: FromPath[str], state: State) -> Passage:
    """The passage with this id (ids come from search results and stay stable for an unchanged corpus)."""
    return _searcher(state).passage(passage_id)


@get("/healthz", summary="Liveness", sync_to_thread=False)
def healthz() -> Health:
    """200 while the process runs."""
    return Health(status="ok")


@get("/readyz", summary="Readiness", sync_to_thread=False)
def readyz(state: State) -> Response[Health]:
    """200 when an index is loaded and searches can be answered, else 503."""
    searcher: Searcher | None = state.get("searcher")
    if searcher is None:
        return Response(Health(status="unavailable", detail=state.get("not_ready")), status_code=503)
    return Response(Health(status="ok", passages=len(searcher.index), build_id=searcher.index.build_id))


def load_searcher(settings: Settings) -> Searcher:
    """Load the model and the current index, and check that they belong together."""
    index = Index.load(settings.index_dir)
    index.check_model(settings.model, settings.query_prompt, settings.passage_prompt)
    embedder = Embedder(settings.model, query_prompt=settings.query_prompt,
                        passage_prompt=settings.passage_prompt, device=settings.device,
                        batch_size=settings.encode_batch_size)
    weight = None if settings.dense_weight == "auto" else float(settings.dense_weight)
    return Searcher(index, embedder, candidates=settings.candidates, dense_weight=weight)


def create_app(settings: Settings | None = None, *, searcher: Searcher | None = None) -> Litestar:
    """Assemble the app. Without `searcher`, the model and the index are loaded at start-up.

    A missing index leaves the app running but not ready (503 on `/readyz` and searches); a damaged index or a
    model mismatch stops start-up with the reason.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        state = app.state
        active = searcher
        if active is None:
            try:
                active = await asyncio.to_thread(load_searcher, settings)
            except IndexNotFound as exc:
                state.not_ready = str(exc)
                log.warning("not ready: %s", exc)
        if active is not None:
            state.searcher = active
            state.batcher = MicroBatcher(active.search, max_batch=settings.micro_batch_max,
                                         max_wait=settings.micro_batch_wait_ms / 1000, max_queue=settings.queue_max,
                                         on_start=single_threaded_search)
        try:
            yield
        finally:
            if active is not None:
                state.batcher.close()

    v1 = Router(path="/v1", route_handlers=[search, search_batch, get_passage], guards=[api_key_guard])
    return Litestar(
        route_handlers=[v1, healthz, readyz],
        lifespan=[lifespan],
        state=State({"settings": settings}),
        exception_handlers={Exception: problem_handler},
        request_max_body_size=settings.max_body_bytes,
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="rag", version="1", path="/schema",
            description="Retrieval API: the passages of a corpus that best answer a question, with citations.",
            render_plugins=[SwaggerRenderPlugin(path="/"), JsonRenderPlugin()],
        ),
        debug=False,
    )


__all__ = ["create_app", "load_searcher", "problem_handler"]
