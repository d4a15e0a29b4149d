"""The HTTP routes: parse, call the runtime (`rag.serving.runtime.Runtime`, given to each handler by dependency
injection), format. Errors are raised as they come and answered by `rag.http.problems.problem_handler`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import BodyKwarg, FromPath, JSONBody, PathParameter, QueryParameter
from litestar.router import Router
from litestar.status_codes import HTTP_200_OK
from litestar.types import Guard

from rag.errors import IndexError_, InvalidQuery
from rag.http.auth import admin_key_guard
from rag.http.problems import responses
from rag.index.store import Index
from rag.schemas import (
    DOCUMENTS_PAGE_MAX,
    NAME_MAX,
    PASSAGE_ID_MAX,
    BatchSearchRequest,
    BatchSearchResponse,
    DocumentList,
    Health,
    Passage,
    SearchOptions,
    SearchRequest,
    SearchResponse,
)
from rag.search.answer import response
from rag.search.queries import make_queries
from rag.search.searcher import Found, Query, Searcher
from rag.serving.reload import ReloadReport
from rag.serving.runtime import Runtime
from rag.suggest import suggestion

BUILD_HEADER = "Rag-Index-Build"  # the build that answered: a request is answered by one build, even during a reload
DOCUMENTS_PAGE = 100
# `value` only gives the header its schema (a string) in the OpenAPI document, which a header must have to be valid
# OpenAPI; the handlers set the real value
_BUILD_HEADER_DOC = [ResponseHeader(name=BUILD_HEADER, value="20261204T120000-0a1b2c",
                                    description="Id of the index build that answered.", documentation_only=True)]


def _queries(runtime: Runtime, data: SearchOptions, questions: list[str], index: Index, *,
             field: str = "question", listed: bool = False, context: list[str] | None = None,
             contexts: list[list[str] | None] | None = None) -> list[Query]:
    return make_queries(runtime.settings, questions, data.k, data.mode, data.explain, index=index,
                        search_filter=data.filter, field=field, listed=listed, context=context or (),
                        contexts=contexts)


def _response(question: str, hits: Found, query: Query, searcher: Searcher, took: float) -> SearchResponse:
    # the model that read the question: the pinned build's, even if a reload brought another meanwhile
    model = searcher.model if query.index is None else searcher.model_of(query.index)
    return response(question, hits, hits.answerable, hits.asked_in, hits.language, mode=query.mode, model=model,
                    seconds=took)


async def answers(runtime: Runtime, request: Request, queries: list[Query]) -> list[Found]:
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
        return await runtime.submit(queries)
    except asyncio.CancelledError:
        if not gone:
            raise
        handler.uncancel()  # an ordinary end, logged as such, not an error of the server
        raise HTTPException(status_code=499, detail="the client closed the connection before its answer") from None
    finally:
        watch.cancel()


# A hook before the handler, not a guard: Litestar copies the route handler for each guard it calls, every request
# (15 us); a coroutine (a plain function would run in a worker thread). The key guards run before it, as before.
_IGNORED_QUERY = frozenset({"_", "api-version"})


async def known_query(request: Request) -> None:
    """Refuse a query parameter the route does not take, naming it, the one it likely means (`rag.suggest`) and
    those it takes (a 422, as an unknown body field gets): `?sauce=guide`, or a misspelt `?sorce=`, would otherwise
    be dropped and the whole listing answered; `POST /v1/search?k=3` answered 5 passages, the body's default. A field
    of the route's JSON body sent as a parameter is said to go in the body.
    A cache-buster (`_`, as jQuery and others add) and `api-version` (Azure's OpenAI clients) are let through.
    A parameter the route takes sent twice is a 422 too (`repeated`)."""
    unknown = sorted(set(request.query_params) - _IGNORED_QUERY)
    if not unknown:
        return
    parameters = request.route_handler.parsed_fn_signature.parameters
    taken = [definition.query or name for name, parameter in parameters.items()
             if isinstance(definition := parameter.kwarg_definition, QueryParameter)]
    unknown = [name for name in unknown if name not in taken]
    if not unknown:
        repeated(request, taken)
        return
    body = next((parameter.annotation for parameter in parameters.values()
                 if isinstance(parameter.kwarg_definition, BodyKwarg)), None)
    fields = list(getattr(body, "model_fields", ()))
    shown = [(name if len(name) <= 100 else name[:100] + "...",  # a name of 60 KB was echoed whole
              f" (did you mean `{meant}`?)" if (meant := suggestion(name, taken))
              and meant not in request.query_params else
              f" (`{meant}` is a field of the JSON body)" if (meant := suggestion(name, fields)) else "")
             for name in unknown[:10]]
    takes = f"this route takes {', '.join(taken)}" if taken else \
        "this route takes no query parameter" + ("; its fields go in the JSON body" if body is not None else "")
    raise InvalidQuery(f"unknown query parameter {', '.join(repr(name) + meant for name, meant in shown)}"
                       f"{', ...' if len(unknown) > 10 else ''}: {takes}",
                       [{"key": name, "message": f"unknown query parameter{meant}: {takes}", "source": "query"}
                        for name, meant in shown])


def repeated(request: Request, taken: Sequence[str]) -> None:
    """Refuse a query parameter of `taken` sent more than once (`?limit=1&limit=2`, or `?source=a&source=b` as
    `requests` sends a list) with a 422 naming it and its values: the last one was taken silently, so a listing of two
    folders listed the second's alone, and a refusal of the last value quoted the first ("limit: must be an integer
    (got '1')")."""
    fields = []
    for name in taken:
        values = request.query_params.getall(name, [])
        if len(values) > 1:
            sent = ", ".join(repr(v if len(v) <= 100 else v[:100] + "...") for v in values[:5])
            fields.append({"key": name, "source": "query", "message": f"sent {len(values)} times "
                           f"({sent}{', ...' if len(values) > 5 else ''}): send it once"})
    if fields:
        raise InvalidQuery("; ".join(f"{field['key']}: {field['message']}" for field in fields), fields)


@post("/search", status_code=HTTP_200_OK, summary="Best passages for one question", before_request=known_query,
      responses=responses(400, 401, 413, 415, 422, 503), response_headers=_BUILD_HEADER_DOC)
async def search(data: JSONBody[SearchRequest], runtime: NamedDependency[Runtime],
                 request: Request) -> Response[SearchResponse]:
    """Return the `k` passages that best answer `question`, best first, each with its citation (document, section,
    offsets) and highlight; `answer` is the best snippet, verbatim, with its citation. `answerable` says whether the
    documents likely answer at all: when false, the passages are only the closest ones and `answer.text` says so.
    The limits (`k`, the question's length) are the request schema's."""
    started = time.perf_counter()
    searcher = runtime.current()
    index = searcher.index
    queries = _queries(runtime, data, [data.question], index, context=data.context)
    (hits,) = await answers(runtime, request, queries)
    return Response(_response(data.question, hits, queries[0], searcher, time.perf_counter() - started),
                    headers={BUILD_HEADER: index.build_id})


@post("/search/batch", status_code=HTTP_200_OK, summary="Best passages for several questions",
      before_request=known_query, responses=responses(400, 401, 413, 415, 422, 503), response_headers=_BUILD_HEADER_DOC)
async def search_batch(data: JSONBody[BatchSearchRequest], runtime: NamedDependency[Runtime],
                       request: Request) -> Response[BatchSearchResponse]:
    """Answer each question in `questions`, in order, each result as `POST /v1/search` answers the same question
    with the same `context` (its own `answerable`); the whole batch shares model calls. An item is a string, or an
    object `{"question": ..., "context": [...]}` carrying the user's earlier messages in its conversation, as
    `POST /v1/search` takes them; a list may mix both. The limits (questions a batch, `k`, a question's and a
    context's length) are the request schema's."""
    started = time.perf_counter()
    batch_max = runtime.settings.batch_max
    if len(data.questions) > batch_max:
        raise InvalidQuery(f"questions: at most {batch_max} per batch (got {len(data.questions)})")
    searcher = runtime.current()
    index = searcher.index
    asked = [(item, None) if isinstance(item, str) else (item.question, item.context or []) for item in data.questions]
    queries = _queries(runtime, data, [question for question, _ in asked], index, field="questions", listed=True,
                       contexts=[context for _, context in asked])
    results = await answers(runtime, request, queries)
    took = time.perf_counter() - started
    return Response(BatchSearchResponse(
        results=[_response(q.question, hits, q, searcher, took) for q, hits in zip(queries, results, strict=True)],
        took_ms=round(took * 1000, 2)), headers={BUILD_HEADER: index.build_id})


@get("/passages/{passage_id:str}", summary="One passage and its citation", sync_to_thread=False,
     before_request=known_query, responses=responses(401, 404, 422, 503), response_headers=_BUILD_HEADER_DOC)
def get_passage(passage_id: Annotated[str, PathParameter(max_length=PASSAGE_ID_MAX)],
                runtime: NamedDependency[Runtime]) -> Response[Passage]:
    """The passage with this id (ids come from search results and stay stable for an unchanged corpus)."""
    searcher = runtime.current()  # one build for the passage and the header that names it, even during a reload
    index = searcher.index
    return Response(searcher.passage(passage_id, index), headers={BUILD_HEADER: index.build_id})


@get("/documents", summary="The documents of the served index", sync_to_thread=False, before_request=known_query,
     responses=responses(401, 422, 503), response_headers=_BUILD_HEADER_DOC)
def list_documents(
    runtime: NamedDependency[Runtime],
    source: Annotated[str | None, QueryParameter(description="Only documents whose source path is this or lies "
                                                             "under this folder.", max_length=NAME_MAX)] = None,
    offset: Annotated[int, QueryParameter(ge=0, description="Documents to skip.")] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=DOCUMENTS_PAGE_MAX, description="Documents to list.")]
    = DOCUMENTS_PAGE,
) -> Response[DocumentList]:
    """The documents searches can return (or a `filter` can name), in corpus order, `limit` from `offset`; with
    `source`, only those whose source path is it or lies under that folder."""
    index = runtime.index()
    doc_ids = index.documents_under(source)
    page = [index.documents[doc_id] for doc_id in doc_ids[offset:offset + limit]]
    return Response(DocumentList(documents=page, total=len(doc_ids), offset=offset, build_id=index.build_id),
                    headers={BUILD_HEADER: index.build_id})


@post("/admin/reload", status_code=HTTP_200_OK, summary="Serve the newest index build", guards=[admin_key_guard],
      responses=responses(401, 403, 409, 503))
async def reload_index(runtime: NamedDependency[Runtime]) -> ReloadReport:
    """Load the build the index folder's `current` link names and serve it: requests already received finish on
    the old build. If the new build cannot be loaded, the old one stays in service and the answer (409) says why.
    Needs an admin key."""
    assert runtime.reloader is not None  # made when the app starts, before any request
    return await runtime.reloader.reload()


@get("/healthz", summary="Liveness", sync_to_thread=False, responses=responses())
def healthz() -> Health:
    """200 while the process runs."""
    return Health(status="ok")


@get("/readyz", summary="Readiness", sync_to_thread=False, responses=responses(503))
def readyz(runtime: NamedDependency[Runtime]) -> Health:
    """200 when an index build is served and its folder is still in the index folder, with its id, passages and
    model (`detail`, if any, says why a newer build was refused). Else a 503 problem whose `detail` says why and
    what to do: no build loaded yet, or the served build was removed from the index folder (by an ingest on another
    host) while this server could not move on."""
    reloader = runtime.reloader
    assert reloader is not None  # made when the app starts, before any request
    reason = reloader.not_ready()
    if reason is not None:
        raise IndexError_(reason)
    assert reloader.searcher is not None  # `not_ready` gives a reason whenever nothing is served
    index, model = reloader.searcher.index, reloader.searcher.model_of(reloader.searcher.index)
    detail = None if reloader.failure is None else runtime.settings.without_paths(reloader.failure)
    return Health(status="ok", passages=len(index), build_id=index.build_id, model=model, detail=detail)


@get("/{path:str}", include_in_schema=False, sync_to_thread=False)
def schema_not_found(path: FromPath[str]) -> None:
    """A path under /schema that names no page: a problem like any other 404, not Litestar's HTML page."""
    raise NotFoundException()


def api(guards: Sequence[Guard]) -> Router:
    """`/v1`: the search routes, behind `guards`."""
    return Router(path="/v1", route_handlers=[search, search_batch, get_passage, list_documents, reload_index],
                  guards=list(guards))


PROBES = [healthz, readyz]

__all__ = ["BUILD_HEADER", "PROBES", "answers", "api", "known_query", "schema_not_found"]
