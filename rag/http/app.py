"""The HTTP edge: a Litestar app over the search core. Handlers parse, call the core, format.

Errors of every kind leave as RFC 9457 problem details (`application/problem+json`), mapped in one table.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from litestar import Litestar, Request, Response, get, head, post
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader, State
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.plugins.pydantic import PydanticPlugin
from litestar.router import Router
from litestar.status_codes import HTTP_200_OK

from rag.embedding.base import load_embedder
from rag.errors import (
    ConfigError,
    IndexError_,
    IndexNotFound,
    IndexWriteFailed,
    InvalidQuery,
    ModelError,
    Overloaded,
    PassageNotFound,
    RagError,
    ReloadFailed,
)
from rag.http import metrics
from rag.http.auth import admin_key_guard, api_key_guard
from rag.http.hosts import HostCheckMiddleware, allowed_hosts
from rag.http.openapi import describe_limits, swagger_ui
from rag.http.problems import problem, responses
from rag.http.requests import BoundedRequest
from rag.index.store import Index
from rag.logs import RequestContextMiddleware, add_request_id
from rag.mcp_server import HttpTransport, build_server
from rag.schemas import (
    BatchSearchRequest,
    BatchSearchResponse,
    DocumentList,
    Health,
    Hit,
    Passage,
    SearchRequest,
    SearchResponse,
)
from rag.search.answer import answer
from rag.search.queries import estimated_tokens, make_queries
from rag.search.searcher import Query, Searcher
from rag.serving.batcher import MicroBatcher
from rag.serving.reload import Reloader, ReloadReport
from rag.serving.runtime import single_threaded_search
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
    ReloadFailed: 409,
    IndexWriteFailed: 500,  # the server writes no build; listed so that every error has its status
}
BUILD_HEADER = "Rag-Index-Build"  # the build that answered: a request is answered by one build, even during a reload
DOCUMENTS_PAGE, DOCUMENTS_PAGE_MAX = 100, 1000
_BUILD_HEADER_DOC = [ResponseHeader(name=BUILD_HEADER, description="Id of the index build that answered.",
                                    documentation_only=True)]


def _instance(request: Request) -> str:
    """The request's path: under a mount (`/mcp`), `url.path` is the mounted app's own (`/`), so the path sent."""
    raw = request.scope.get("raw_path")
    if raw and getattr(request.scope.get("route_handler"), "is_mount", False):
        return bytes(raw).decode("latin-1")
    return request.url.path


def _problem(status: int, detail: str, request: Request, headers: dict[str, str] | None = None,
             **extra: Any) -> Response:
    return problem(status, detail, _instance(request), headers=headers, **extra)


def _retry_after(exc: RagError, request: Request) -> dict[str, str] | None:
    """`Retry-After` for a 503: a second for a full queue; for a missing index, the reload watch's period."""
    if isinstance(exc, Overloaded):
        return {"Retry-After": "1"}
    poll = request.app.state.settings.reload_poll_seconds
    return {"Retry-After": str(max(1, math.ceil(poll)) if poll else 10)}


def _validation_detail(exc: ValidationException) -> tuple[int, str, list[dict[str, Any]]]:
    errors = exc.extra if isinstance(exc.extra, list) else []
    if not errors:  # the body is not JSON at all, or not an object
        return 400, f"the request body is not valid JSON for this endpoint ({exc.detail})", []
    if any(e.get("source") == "body" and e.get("key") == "data" for e in errors if isinstance(e, dict)):
        return 400, "the request body is not valid JSON: it is empty; send a JSON object", []  # no body at all
    parts = [f"{e['key'] or '(empty name)'}: {e.get('message')}" if "key" in e else
             "body: must be a JSON object with the fields in /schema/openapi.json"
             for e in errors if isinstance(e, dict)]
    return 422, "; ".join(parts) or exc.detail, errors


def problem_handler(request: Request, exc: Exception) -> Response:
    """Every error, as problem details. Unknown errors are logged and answered without internals."""
    if isinstance(exc, RagError):
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)
        return _problem(status, str(exc), request, headers=_retry_after(exc, request) if status == 503 else None)
    if isinstance(exc, ValidationException):
        status, detail, errors = _validation_detail(exc)
        return _problem(status, detail, request, errors=errors)
    if isinstance(exc, HTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 503:
            headers.setdefault("Retry-After", "1")
        return _problem(exc.status_code, _http_detail(exc, request), request, headers=headers)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _problem(500, "internal error; the server log has the details", request)


def _http_detail(exc: HTTPException, request: Request) -> str:
    """Litestar's own errors say "Not Found" and the like; say what to change instead."""
    path = request.url.path if len(request.url.path) <= 200 else request.url.path[:200] + "..."
    if exc.status_code == 400:  # the body could not be decoded at all
        return f"the request body is not valid JSON: {exc.detail}"
    if exc.status_code == 404:
        return f"no route {request.method} {path}: the routes are listed in /schema/openapi.json"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("allow", "")
        return f"{path} does not accept {request.method}; it accepts {allowed or 'other methods'}"
    if exc.status_code == 413:
        limit = request.app.state.settings.max_body_bytes
        return f"the request body is larger than {limit:,} bytes (RAG_MAX_BODY_BYTES): send fewer or shorter questions"
    return str(exc.detail)


# -- helpers the handlers share ---------------------------------------------------------------------------------


def _searcher(state: State) -> Searcher:
    searcher: Searcher | None = state.get("searcher")
    if searcher is None:
        raise IndexNotFound(state.get("not_ready", "the index is not loaded yet"))
    return searcher


def _queries(state: State, data: SearchRequest | BatchSearchRequest, questions: list[str],
             index: Index) -> list[Query]:
    return make_queries(state.settings, questions, data.k, data.mode, data.explain, index=index,
                        search_filter=data.filter)


def _response(question: str, hits: list[Hit], query: Query, searcher: Searcher, took: float) -> SearchResponse:
    return SearchResponse(question=question, passages=hits, answer=answer(hits), mode=query.mode,
                          model=searcher.model, took_ms=round(took * 1000, 2))


def _deadline(settings: Settings) -> float | None:
    return time.monotonic() + settings.request_deadline_seconds if settings.request_deadline_seconds else None


async def _submit(state: State, queries: list[Query]) -> list[list[Hit]]:
    _searcher(state)
    return await state.batcher.submit(queries, deadline=_deadline(state.settings))


async def _answers(state: State, request: Request, queries: list[Query]) -> list[list[Hit]]:
    """The hits of `queries`, within the request deadline; if the client leaves first, its questions are dropped
    from the queue (nobody computes answers nobody waits for) and the handler ends."""
    handler = asyncio.current_task()
    assert handler is not None
    gone = False

    async def cancel_when_gone() -> None:
        nonlocal gone
        # the body is read: the next message is the disconnect (or the end of the response, after this is over)
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone = True
        handler.cancel()  # the batcher drops what is left of the request

    watch = asyncio.ensure_future(cancel_when_gone())
    try:
        return await state.batcher.submit(queries, deadline=_deadline(state.settings))
    except asyncio.CancelledError:
        if not gone:
            raise
        handler.uncancel()  # an ordinary end, logged as such, not an error of the server
        raise HTTPException(status_code=499, detail="the client closed the connection before its answer") from None
    finally:
        watch.cancel()


# -- routes -----------------------------------------------------------------------------------------------------


@post("/search", status_code=HTTP_200_OK, summary="Best passages for one question",
      responses=responses(400, 401, 413, 415, 422, 503), response_headers=_BUILD_HEADER_DOC)
async def search(data: JSONBody[SearchRequest], state: State, request: Request) -> Response[SearchResponse]:
    """Return the `k` passages that best answer `question`, each with a citation (document, section, offsets)."""
    started = time.perf_counter()
    searcher = _searcher(state)
    index = searcher.index
    queries = _queries(state, data, [data.question], index)
    (hits,) = await _answers(state, request, queries)
    return Response(_response(data.question, hits, queries[0], searcher, time.perf_counter() - started),
                    headers={BUILD_HEADER: index.build_id})


@post("/search/batch", status_code=HTTP_200_OK, summary="Best passages for several questions",
      responses=responses(400, 401, 413, 415, 422, 503), response_headers=_BUILD_HEADER_DOC)
async def search_batch(data: JSONBody[BatchSearchRequest], state: State,
                       request: Request) -> Response[BatchSearchResponse]:
    """Answer each question in `questions`, in order; the whole batch shares model calls."""
    started = time.perf_counter()
    settings: Settings = state.settings
    if len(data.questions) > settings.batch_max:
        raise InvalidQuery(f"questions: at most {settings.batch_max} per batch (got {len(data.questions)})")
    searcher = _searcher(state)
    index = searcher.index
    queries = _queries(state, data, data.questions, index)
    results = await _answers(state, request, queries)
    took = time.perf_counter() - started
    return Response(BatchSearchResponse(
        results=[_response(q.question, hits, q, searcher, took) for q, hits in zip(queries, results, strict=True)],
        took_ms=round(took * 1000, 2)), headers={BUILD_HEADER: index.build_id})


@get("/passages/{passage_id:str}", summary="One passage and its citation", sync_to_thread=False,
     responses=responses(401, 404, 503))
def get_passage(passage_id: FromPath[str], state: State) -> Passage:
    """The passage with this id (ids come from search results and stay stable for an unchanged corpus)."""
    return _searcher(state).passage(passage_id)


@get("/documents", summary="The documents of the served index", sync_to_thread=False,
     responses=responses(401, 422, 503), response_headers=_BUILD_HEADER_DOC)
def list_documents(
    state: State,
    source: Annotated[str | None, QueryParameter(description="Only documents whose source path is this or lies "
                                                             "under this folder.")] = None,
    offset: Annotated[int, QueryParameter(ge=0, description="Documents to skip.")] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=DOCUMENTS_PAGE_MAX, description="Documents to list.")]
    = DOCUMENTS_PAGE,
) -> Response[DocumentList]:
    """The documents searches can return (or a `filter` can name), in corpus order, `limit` from `offset`; with
    `source`, only those whose source path is it or lies under that folder."""
    index = _searcher(state).index
    doc_ids = index.documents_under(source)
    page = [index.documents[doc_id] for doc_id in doc_ids[offset:offset + limit]]
    return Response(DocumentList(documents=page, total=len(doc_ids), offset=offset, build_id=index.build_id),
                    headers={BUILD_HEADER: index.build_id})


@post("/admin/reload", status_code=HTTP_200_OK, summary="Serve the newest index build", guards=[admin_key_guard],
      responses=responses(401, 403, 409, 503))
async def reload_index(state: State) -> ReloadReport:
    """Load the build the index folder's `current` link names and serve it: requests already received finish on
    the old build. If the new build cannot be loaded, the old one stays in service and the answer (409) says why.
    Needs an admin key."""
    reloader: Reloader = state.reloader
    return await reloader.reload()


@get("/healthz", summary="Liveness", sync_to_thread=False)
def healthz() -> Health:
    """200 while the process runs."""
    return Health(status="ok")


@head("/healthz", summary="Liveness, headers only", sync_to_thread=False, include_in_schema=False)
def healthz_head() -> None:
    """200 while the process runs (probes that send HEAD)."""


@get("/{path:str}", include_in_schema=False, sync_to_thread=False)
def schema_not_found(path: FromPath[str]) -> None:
    """A path under /schema that names no page: a problem like any other 404, not Litestar's HTML page."""
    raise NotFoundException()


@get("/readyz", summary="Readiness", sync_to_thread=False, responses=responses(503))
def readyz(state: State) -> Health:
    """200 when an index build is served and its folder is still in the index folder (`detail`, if any, says why
    a newer build was refused). Else a 503 problem whose `detail` says why and what to do: no build loaded yet,
    or the served build was removed from the index folder (by an ingest on another host) while this server could
    not move on."""
    reloader: Reloader = state.reloader
    reason = reloader.not_ready()
    if reason is not None:
        raise IndexError_(reason)
    assert reloader.searcher is not None  # `not_ready` gives a reason whenever nothing is served
    index = reloader.searcher.index
    return Health(status="ok", passages=len(index), build_id=index.build_id, detail=reloader.failure)


def load_searcher(settings: Settings) -> Searcher:
    """Load the model and the current index, and check that they belong together."""
    index = Index.load(settings.index_dir)
    embedder = load_embedder(settings)
    index.check_model(embedder.describe())
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
        single_threaded_search()  # here too: OpenBLAS takes a thread count set where it was started more reliably

        def install(active: Searcher) -> None:
            state.batcher = MicroBatcher(metrics.observe_batches(active.search), max_batch=settings.micro_batch_max,
                                         max_wait=settings.micro_batch_wait_ms / 1000, max_queue=settings.queue_max,
                                         max_cost=settings.micro_batch_max_tokens,
                                         max_queue_cost=settings.queue_max_tokens, cost=estimated_tokens,
                                         on_start=single_threaded_search)
            state.searcher = active

        state.reloader = reloader = Reloader(settings, searcher, load=lambda: load_searcher(settings),
                                             install=install)
        if searcher is not None:
            install(searcher)
        else:
            try:
                await reloader.reload()
            except IndexNotFound as exc:
                state.not_ready = str(exc)
                log.warning("not ready: %s", exc)
        watch = None
        if settings.reload_poll_seconds:
            watch = asyncio.create_task(reloader.watch(settings.reload_poll_seconds), name="rag-index-watch")
        try:
            yield
        finally:
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
            if state.get("batcher") is not None:
                state.batcher.close()

    # Without API keys the guard admits everyone: leave it out, as Litestar copies the route handler for each guard
    # call, on every request (a tenth of the event loop's time per search).
    key_guards = [api_key_guard] if settings.api_keys else []
    v1 = Router(path="/v1", route_handlers=[search, search_batch, get_passage, list_documents, reload_index],
                guards=key_guards)
    mcp = HttpTransport(build_server(settings, lambda queries: _submit(app.state, queries),
                                     lambda passage_id: _searcher(app.state).passage(passage_id),
                                     lambda: _searcher(app.state).index), settings)
    metrics.watch_index(lambda: app.state["searcher"].index if app.state.get("searcher") else None)
    metrics.watch_readiness(lambda: app.state.get("reloader") is not None and app.state.reloader.not_ready() is None)
    swagger_page, swagger_files = swagger_ui()
    hosts = allowed_hosts(settings)
    host_check = [] if hosts is None else [HostCheckMiddleware(hosts, settings.cors_origins)]
    app = Litestar(
        route_handlers=[v1, healthz, healthz_head, readyz, mcp.route(key_guards), metrics.MetricsController,
                        swagger_files],
        lifespan=[lifespan, mcp.lifespan],
        middleware=[RequestContextMiddleware(), *host_check, metrics.config().middleware],
        before_send=[add_request_id],
        request_class=BoundedRequest,
        state=State({"settings": settings}),
        exception_handlers={Exception: problem_handler},
        request_max_body_size=settings.max_body_bytes,
        plugins=[PydanticPlugin(validate_strict=True)],  # JSON types as declared: `"k": "5"`, `"explain": 1` are 422s
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="rag", version="1", path="/schema",
            # registered before the render plugins' own catch-all, which answers an HTML page
            openapi_router=Router("/schema", route_handlers=[schema_not_found], include_in_schema=False),
            description="Retrieval API: the passages of a corpus that best answer a question, with citations.",
            render_plugins=[swagger_page, JsonRenderPlugin()],
        ),
        logging_config=None,  # Litestar's records go to the root handlers, formatted as all others (rag.logs)
        debug=False,
    )
    describe_limits(app.openapi_schema, settings)
    return app


__all__ = ["create_app", "load_searcher", "problem_handler"]
