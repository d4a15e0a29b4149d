"""OpenAI's vector store routes over the served index, in OpenAI's request, response and error shapes, so that the
official `openai` client (`client.vector_stores.list()`, `.retrieve(id)`, `.search(...)`) works as it is.

The served index is the one vector store (`rag.search.vector_store`: its id, its attributes, the filters); a search
is `/v1/search`'s, queued in the same runtime within the same bounds. Errors under `/v1/vector_stores` are
`{"error": {"message", "type", "param", "code"}}` bodies (`error_body`), chosen by path in the app's one handler.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Literal

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPI, Parameter, Schema
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.router import Router
from litestar.status_codes import HTTP_200_OK
from litestar.types import Guard
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from rag.corpus.files import second_name
from rag.corpus.reader import is_metadata
from rag.errors import InvalidQuery
from rag.http.problems import Failure, responses
from rag.http.routes import BUILD_HEADER, answers, known_query
from rag.index.store import Index
from rag.schemas import WHOLE, WORDED, Hit, Question
from rag.search import vector_store
from rag.search.queries import make_queries
from rag.search.vector_store import Filter
from rag.serving.runtime import Runtime
from rag.settings import Settings
from rag.wording import shown_count

PREFIX = "/v1/vector_stores"
RESULTS_MAX = 50  # OpenAI's bound on `max_num_results`


class RankingOptions(BaseModel):
    """How to rank: `score_threshold` drops results that score less; `ranker` is accepted and changes nothing."""

    model_config = ConfigDict(extra="forbid")

    ranker: Literal["none", "auto", "default-2024-11-15"] | None = Field(
        None, description="Accepted for compatibility; rag has one ranking (hybrid fusion), whatever is asked.")
    score_threshold: float | None = Field(None, ge=0, le=1, description="Keep results scoring at least this.")


class StoreSearchRequest(BaseModel):
    """Body of `POST /v1/vector_stores/{vector_store_id}/search` (OpenAI's `vector_store_search_params`)."""

    model_config = ConfigDict(extra="forbid")

    # tagged, so that an error's location reads "query" or "query.list.1", not pydantic's names for the two types
    query: Annotated[Annotated[Question, Tag("str")] | Annotated[list[Question], Field(min_length=1), Tag("list")],
                     Discriminator(lambda value: "list" if isinstance(value, list) else "str")] = Field(
        description="A question, or several: each is searched, and the results merged, a passage keeping its best "
                    "score.")
    max_num_results: Annotated[int, Field(ge=1, le=RESULTS_MAX), WHOLE] = Field(
        10, description="Most results to return.")
    filters: Filter | None = Field(None, description="Only passages whose attributes pass this filter.")
    ranking_options: RankingOptions | None = None
    rewrite_query: bool = Field(False, description="Accepted; rag rewrites no query, beyond reading chat shorthand "
                                                   "as the words it stands for (`search_query` shows the query as "
                                                   "sent).")


class Content(BaseModel):
    type: Literal["text"] = "text"
    text: str = Field(description="The passage text.")


class StoreSearchResult(BaseModel):
    """One passage, as a vector store result."""

    file_id: str = Field(description="The passage's document id (`citation.doc_id`).")
    filename: str = Field(description="The source path of its document (`citation.source`).")
    score: float = Field(ge=0, le=1, description="The fused score of `/v1/search`, in [0, 1], relative to this "
                                                 "query's candidates: it orders results, it does not say whether "
                                                 "the documents answer.")
    attributes: dict[str, str | int] = Field(description="passage_id, title, section, page, start, end and url; "
                                                          "those the passage has.")
    content: list[Content]


class StoreSearchPage(BaseModel):
    """The results of a vector store search (OpenAI's `vector_store.search_results.page`)."""

    object: Literal["vector_store.search_results.page"] = "vector_store.search_results.page"
    search_query: list[str] = Field(description="The queries searched, as received (whitespace trimmed).")
    data: list[StoreSearchResult] = Field(description="Best first.")
    has_more: bool = Field(False, description="Always false: one page holds every result.")
    next_page: str | None = Field(None, description="Always null.")


class FileCounts(BaseModel):
    in_progress: int = 0
    completed: int = Field(description="Documents in the served build.")
    failed: int = Field(description="Files of the corpus the build skipped (unreadable, unsupported); not a second "
                                    "name of a file read (a link to it), nor an entry of sources.toml.")
    cancelled: int = 0
    total: int


class VectorStore(BaseModel):
    """The served index as OpenAI's `VectorStore` object."""

    id: str = Field(description="`vs_` and the index folder's name: the same across builds, reloads and restarts.")
    object: Literal["vector_store"] = "vector_store"
    created_at: int = Field(description="When the served build was made (Unix seconds).")
    name: str = Field(description="The index folder's name.")
    usage_bytes: int = Field(description="Size of the served build's files.")
    file_counts: FileCounts
    status: Literal["completed"] = "completed"
    last_active_at: int | None = None
    metadata: dict[str, str] = Field(description="build_id and model of the served build.")
    expires_after: None = None
    expires_at: None = None


class VectorStoreList(BaseModel):
    object: Literal["list"] = "list"
    data: list[VectorStore]
    first_id: str | None
    last_id: str | None
    has_more: bool = False


class ErrorDetail(BaseModel):
    message: str = Field(description="What went wrong and what to change.")
    type: str = Field(description="invalid_request_error (4xx) or server_error (5xx).")
    param: str | None = Field(None, description="The request field at fault, when one is.")
    code: str | None = Field(None, description="invalid_api_key, not_found, request_too_large or unavailable.")


class ErrorBody(BaseModel):
    """An error, in OpenAI's shape."""

    error: ErrorDetail


_CODES = {401: "invalid_api_key", 404: "not_found", 413: "request_too_large", 503: "unavailable"}
_TAGS = re.compile(r"\.(?:comparison|compound|str|list)\b")  # the unions' tags, in pydantic's error locations


def _param(said: Failure) -> str | None:
    """The field at fault: the first refused field of a 422, schema's or rule's (none for the body itself, as
    OpenAI says it)."""
    key = said.errors[0].get("key") if said.errors else None
    return _TAGS.sub("", str(key))[:200] if key and key != "body" else None


def error_body(request: Request, said: Failure) -> Response[ErrorBody]:
    """An error under `/v1/vector_stores`, in OpenAI's shape (`rag.http.problems.error_handler` calls it)."""
    kind = "server_error" if said.status >= 500 else "invalid_request_error"
    param = _param(said)
    body = ErrorBody(error=ErrorDetail(message=_TAGS.sub("", said.detail), type=kind, param=param,
                                       code=_CODES.get(said.status)))
    return Response(body, status_code=said.status, media_type="application/json", headers=said.headers or None)


def _errors(*statuses: int) -> dict[int, ResponseSpec]:
    return responses(*statuses, body=ErrorBody, media_type="application/json", said="`error.message`")


def _the_store(runtime: Runtime, vector_store_id: str) -> Index:
    """The served index, if `vector_store_id` names it; else a 404 naming the one there is."""
    served = vector_store.store_id(runtime.settings.index_dir)
    if vector_store_id != served:
        shown = vector_store_id if len(vector_store_id) <= 100 else vector_store_id[:100] + "..."
        raise NotFoundException(f"no vector store with id {shown!r}: this server serves one, {served!r} "
                                "(GET /v1/vector_stores lists it)")
    return runtime.index()


def describe(index: Index, settings: Settings) -> VectorStore:
    """The `VectorStore` object of the served index."""
    manifest = index.manifest
    try:
        created = int(datetime.fromisoformat(manifest.get("built_at", "")).timestamp())
    except ValueError:  # an index built in memory has no stamp
        created = 0
    # a failure is a file whose text is not indexed: not a second name of a file read under another (a link to it),
    # nor a sources.toml entry, which is no file (the ingest report counts its files so too)
    skipped = sum(not is_metadata(str(entry.get("source"))) and not second_name(entry.get("reason"))
                  for entry in manifest.get("corpus", {}).get("skipped", []))
    return VectorStore(
        id=vector_store.store_id(settings.index_dir), created_at=created,
        name=vector_store.store_name(settings.index_dir),
        usage_bytes=sum(int(entry["bytes"]) for entry in manifest.get("files", {}).values()),
        file_counts=FileCounts(completed=len(index.documents), failed=skipped,
                               total=len(index.documents) + skipped),
        metadata={"build_id": index.build_id, "model": str(index.model.get("name", ""))})


@get("", summary="The vector stores (OpenAI-compatible): the served index", sync_to_thread=False,
     before_request=known_query, responses=_errors(400, 401, 422, 503))
def list_stores(
    runtime: NamedDependency[Runtime],
    limit: Annotated[int, QueryParameter(ge=1, le=100, description="Most stores to list.")] = 20,
    order: Annotated[Literal["asc", "desc"], QueryParameter(description="By creation time.")] = "desc",
    after: Annotated[str | None, QueryParameter(description="List the stores after this id: there are none.")]
    = None,
    before: Annotated[str | None, QueryParameter(description="List the stores before this id: there are none.")]
    = None,
) -> VectorStoreList:
    """The one vector store this server serves (a cursor, `after` or `before`, lists none: nothing comes after or
    before the only one)."""
    stores = [] if after or before else [describe(runtime.index(), runtime.settings)]
    return VectorStoreList(data=stores, first_id=stores[0].id if stores else None,
                           last_id=stores[-1].id if stores else None)


@get("/{vector_store_id:str}", summary="One vector store (OpenAI-compatible)", sync_to_thread=False,
     before_request=known_query, responses=_errors(400, 401, 404, 422, 503))
def retrieve_store(vector_store_id: FromPath[str], runtime: NamedDependency[Runtime]) -> VectorStore:
    """The served index as a vector store; any other id is a 404."""
    return describe(_the_store(runtime, vector_store_id), runtime.settings)


@post("/{vector_store_id:str}/search", status_code=HTTP_200_OK, summary="Search a vector store (OpenAI-compatible)",
      before_request=known_query, responses=_errors(400, 401, 404, 413, 415, 422, 503))
async def search_store(vector_store_id: FromPath[str], data: JSONBody[StoreSearchRequest],
                       runtime: NamedDependency[Runtime], request: Request) -> Response[StoreSearchPage]:
    """The passages that best answer `query`, as OpenAI's vector store results: `file_id` the document id,
    `filename` its source path, `attributes` the rest of the citation. `filters` on `file_id`, `filename`, `title`
    and `url` pick documents before the search; on `passage_id`, `section`, `page`, `start` and `end` they are
    checked on the best `RAG_CANDIDATES` passages (at least `max_num_results`), so fewer may come back."""
    index = _the_store(runtime, vector_store_id)
    settings = runtime.settings
    questions = [data.query] if isinstance(data.query, str) else data.query
    if len(questions) > settings.batch_max:
        raise InvalidQuery(f"query: at most {settings.batch_max} questions (got {len(questions)})")
    # left out: OpenAI's default of 10, within this server's RAG_K_MAX
    k = data.max_num_results if "max_num_results" in data.model_fields_set else min(10, settings.k_max)
    if k > settings.k_max:
        raise InvalidQuery(f"max_num_results: at most {settings.k_max} on this server (got {shown_count(k)})")
    queries = make_queries(settings, questions, k, None, field="query", listed=not isinstance(data.query, str),
                           index=index)
    # in a worker thread: a filter on titles or URLs reads every document, which the event loop must not wait for
    scoped = await asyncio.to_thread(vector_store.scope, data.filters, index, k, settings.candidates)
    if scoped.empty:
        return _page(questions, [], index)
    found = await answers(runtime, request, [replace(q, within=scoped.within, k=scoped.k) for q in queries])
    threshold = data.ranking_options.score_threshold if data.ranking_options else None
    return _page(questions, vector_store.merged(found, k, scoped.passes, threshold or 0.0), index)


def _page(questions: list[str], hits: list[Hit], index: Index) -> Response[StoreSearchPage]:
    results = [StoreSearchResult(file_id=hit.citation.doc_id, filename=hit.citation.source,
                                 score=min(1.0, max(0.0, hit.score)), attributes=vector_store.attributes(hit),
                                 content=[Content(text=hit.text)]) for hit in hits]
    return Response(StoreSearchPage(search_query=questions, data=results), headers={BUILD_HEADER: index.build_id})


def router(guards: Sequence[Guard]) -> Router:
    """`/v1/vector_stores`, behind `guards`."""
    return Router(path=PREFIX, route_handlers=[list_stores, retrieve_store, search_store], guards=list(guards))


def describe_routes(openapi: OpenAPI, settings: Settings) -> None:
    """Tell the OpenAPI document what the models cannot: the one store id, the settings' limits on `query` (and that
    it holds more than spaces), that
    the bodies refuse unknown fields, and the lower bound of `score_threshold` (Litestar drops a bound of 0)."""
    served = vector_store.store_id(settings.index_dir)
    for path, item in (openapi.paths or {}).items():
        if not path.startswith(PREFIX + "/{"):
            continue
        for operation in (item.get, item.post):
            for parameter in (operation.parameters or []) if operation else []:
                if isinstance(parameter, Parameter) and parameter.name == "vector_store_id" and \
                        isinstance(parameter.schema, Schema):
                    parameter.schema.enum = [served]
    schemas = openapi.components.schemas if openapi.components else {}
    for name in ("StoreSearchRequest", "RankingOptions", "Comparison", "Compound"):
        if isinstance(schemas.get(name), Schema):
            schemas[name].additional_properties = False
    body, ranking = schemas.get("StoreSearchRequest"), schemas.get("RankingOptions")
    query = body.properties.get("query") if isinstance(body, Schema) and body.properties else None
    for choice in (query.one_of or []) if isinstance(query, Schema) else []:
        # a query holds a word, as a question does (Litestar drops the model's own bounds)
        if isinstance(choice, Schema) and isinstance(choice.items, Schema):
            choice.min_items, choice.max_items = 1, settings.batch_max
            choice.items.min_length, choice.items.max_length = 1, settings.question_max_chars
            choice.items.pattern = WORDED
        elif isinstance(choice, Schema):
            choice.min_length, choice.max_length, choice.pattern = 1, settings.question_max_chars, WORDED
    most = body.properties.get("max_num_results") if isinstance(body, Schema) and body.properties else None
    if isinstance(most, Schema):
        most.maximum = min(RESULTS_MAX, settings.k_max)
    threshold = ranking.properties.get("score_threshold") if isinstance(ranking, Schema) and ranking.properties \
        else None
    if isinstance(threshold, Schema):
        threshold.minimum = 0


__all__ = ["PREFIX", "StoreSearchPage", "StoreSearchRequest", "VectorStore", "describe_routes", "error_body",
           "router"]
