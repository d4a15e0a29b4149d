"""The MCP edge: tools `search`, `get_passage` and `list_documents` for agents, with the official `mcp` SDK (2.x,
`MCPServer`).

One server definition, two transports:

- streamable HTTP inside the API process, mounted at `/mcp` (`rag.http.mcp.HttpTransport` plugs it into the
  Litestar app, behind the same API-key guard as `/v1/*`); stateless and answering in JSON, so any worker can take
  any request and nothing has to be kept between calls;
- stdio for desktop agents (`rag mcp`), searching in the agent's own process.

The tools return compact, typed results (also as JSON text for clients that ignore structured content): the
answer snippet, then for each passage its id, a label to cite it by, its URL, where it sits in the source file,
its most relevant sentences and its text. Core errors become tool errors whose message says what to fix.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations at registration, and they use
# limits from the settings in scope there.
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, CallToolResult, Icon, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from rag.errors import RagError
from rag.index.store import Index
from rag.mcp.links import linker
from rag.mcp.requests import PlainRefusals
from rag.mcp.stdio import DRAIN_SECONDS, answering_faults, patience, stdio_streams
from rag.schemas import (
    CONTEXT_MAX,
    DOCUMENTS_PAGE_MAX,
    FILTER_VALUES_MAX,
    NAME_MAX,
    PAGE,
    PASSAGE_ID_MAX,
    TABLE_HEADER,
    WHOLE,
    WORDED,
    Citation,
    DocumentSummary,
    Hit,
    Name,
    Passage,
    SearchFilter,
)
from rag.search.answer import answer as best_answer
from rag.search.queries import MCP, make_queries
from rag.search.searcher import Found, Query, Searcher
from rag.serving.runtime import Runtime, load_searcher
from rag.settings import Settings
from rag.suggest import suggestion
from rag.version import __version__
from rag.wording import place, reworded

Search = Callable[[list[Query]], Awaitable[list[Found]]]
GetPassage = Callable[[str], Passage]
CurrentIndex = Callable[[], Index]
DOCUMENTS_PAGE = 50  # fewer than over HTTP by default: a page is read into the agent's context
# every tool of both profiles only reads the index
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

INSTRUCTIONS = (
    "Search a document collection for passages that answer a question. Call `search` with the user's question in "
    "their own words; each result has an `answer` snippet and passages with `label` (title › section) to cite. "
    "Quote passages, do not invent beyond them; when `answerable` is false, say that the documents do not answer "
    "(the passages are only the closest ones). Each result's `language` is the documents' language: when the user "
    "writes another one, search again with the question translated into it before saying the documents do not "
    "answer. Call `get_passage` to re-read one by id. `list_documents` shows what "
    "the collection holds; pass `doc_ids` or `sources` to `search` to look in some documents only."
)


class ToolPassage(BaseModel):
    """One passage, compactly."""

    id: str = Field(description="Passage id, for get_passage.")
    label: str = Field(description="Document title › section (and page, for a PDF or a presentation): what to cite.")
    url: str = Field(description="Where a person can read it, to link the citation: the document's web address "
                                 "opened at the passage (a PDF's page, a web page's words highlighted), else this "
                                 "server's page of the passage (over stdio: the source file).")
    source: str = Field(description="File and character range in its text: `file:start-end` (for a PDF: in its "
                                    "extracted text).")
    page: int | None = Field(None, description=PAGE)
    highlight: str | None = Field(None, description="The sentence or two most relevant to the question.")
    table_header: str | None = Field(None, description=TABLE_HEADER)
    text: str | None = Field(None, description="The passage text, verbatim (left out when search was asked "
                                               "`passage_text: false`).")


class ToolSearchResult(BaseModel):
    """The passages that best answer the question, best first."""

    question: str = Field(description="The question searched, as sent.")
    answerable: bool = Field(description="Whether the documents likely answer the question. When false, say you "
                                         "found no answer in them: the passages are only the closest ones.")
    answer: str | None = Field(None, description="Best snippet, verbatim from the passage whose id is answer_id; "
                                                 "when `answerable` is false, a sentence saying the documents do not "
                                                 "seem to answer.")
    answer_id: str | None = Field(None, description="Id of the passage the answer snippet comes from; when "
                                                    "`answerable` is false, of the closest passage, which does not "
                                                    "answer: do not cite it as the answer.")
    passages: list[ToolPassage] = Field(description="The passages found, best first: cite each by its label and url.")
    language: str = Field(description="The language the documents are in (ISO 639-1 code): a question in another "
                                      "language finds less and is more often said not answerable; when the user "
                                      "writes another language, search again with the question translated into "
                                      "this one.")


class ToolDocumentList(BaseModel):
    """A page of the collection's documents, in corpus order."""

    documents: list[DocumentSummary] = Field(description="This page's documents: search takes their ids as `doc_ids`.")
    total: int = Field(description="Documents matching, all pages together; ask again with a larger offset for more.")
    offset: int = Field(description="How many documents come before this page's first.")


def _source(citation: Citation) -> str:
    return f"{citation.source}:{citation.start}-{citation.end}"


def _tool_passage(hit: Hit | Passage, url: str, text: bool = True) -> ToolPassage:
    highlight = hit.highlight.text if isinstance(hit, Hit) and hit.highlight else None
    c = hit.citation
    return ToolPassage(id=hit.id, label=c.label, url=url, source=_source(c), page=c.page, highlight=highlight,
                       table_header=hit.table_header, text=hit.text if text else None)


@contextmanager
def tool_errors(settings: Settings) -> Iterator[None]:
    """Core errors raised inside as tool errors, whose message (what to fix) the model reads, the server's folders
    named by their settings."""
    try:
        yield
    except RagError as exc:
        raise ToolError(settings.without_paths(str(exc))) from exc


class PlainServer(MCPServer):
    """The SDK's server, saying what is wrong with an argument in one line per field, as the HTTP API does, instead
    of pydantic's report and its link. It takes arguments as the SDK does (`"k": "5"` read as 5, an argument it does
    not know left aside); both profiles serve a `StrictServer`."""

    strict = False
    stdin_patience: float = DRAIN_SECONDS  # how long requests under way at stdin's end may take (`rag.mcp.stdio`)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.middleware.append(PlainRefusals(lambda: [t.name for t in self._tool_manager.list_tools()]))

    def add_tool(self, fn: Callable[..., Any], name: str | None = None, title: str | None = None,
                 description: str | None = None, annotations: ToolAnnotations | None = None,
                 icons: list[Icon] | None = None, meta: dict[str, Any] | None = None,
                 structured_output: bool | None = None) -> None:
        """Register `fn` as the SDK does, its docstring dedented (`inspect.cleandoc`) as the description: the SDK
        sends a docstring's continuation lines with the method's indentation, eight spaces the agent reads."""
        if description is None and fn.__doc__:
            description = inspect.cleandoc(fn.__doc__)
        super().add_tool(fn, name=name, title=title, description=description, annotations=annotations, icons=icons,
                         meta=meta, structured_output=structured_output)

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context | None = None) -> Any:
        """Call the tool `name`; a tool this server has not is an Invalid Params error (-32602) naming the tools, as
        the protocol says (the SDK answered it with a tool result, `isError` set, that a client reads as the tool's
        own failure). Every tool error says what to fix in the same form, bad arguments and a failed search alike: a
        line naming the argument at fault, without the SDK's "Error executing tool <name>:" before a failure of the
        tool's own (a crash keeps the SDK's message, which withholds what crashed)."""
        tool = self._tool_manager.get_tool(name)
        if tool is None:
            known = ", ".join(t.name for t in self._tool_manager.list_tools())
            raise MCPError(INVALID_PARAMS, f"unknown tool {name[:100]!r}: the tools are {known}")
        self._check(name, list(tool.parameters.get("properties", {})), arguments)
        try:  # a list sent as a JSON string (some desktop clients do) is read, as the SDK reads it
            meta = tool.fn_metadata
            meta.arg_model.model_validate(meta.pre_parse_json(arguments), strict=self.strict)
        except ValidationError as exc:
            raise ToolError("; ".join(f"{place(e['loc']) or name}: {reworded(e['msg'])}"
                                      for e in exc.errors(include_url=False))) from exc
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:  # a tool's own error, which the SDK prefixes with "Error executing tool <name>: "
            if isinstance(exc, UnexpectedToolError) or not isinstance(exc.__cause__, ToolError):
                raise
            raise exc.__cause__ from exc.__cause__.__cause__

    def _check(self, name: str, taken: list[str], arguments: dict[str, Any]) -> None:
        """Refuse what a tool's schema does not allow before it is validated (nothing, here)."""

    async def run_stdio_async(self) -> None:
        """Serve over stdin and stdout as the SDK does, a line that is no JSON-RPC message answered with an error
        (`rag.mcp.stdio`) where the SDK dropped it and left its client waiting, and stdout written without a thread,
        so that a client that never reads cannot hold the server's exit."""
        async with stdio_streams() as (read, write), \
                answering_faults(read, write, self.stdin_patience) as (faults, outbox):
            lowlevel = self._lowlevel_server
            await lowlevel.run(faults, outbox, lowlevel.create_initialization_options())

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Context | None = None) -> Any:
        """A prompt this server has not (it has none) is an Invalid Params error naming it, where the SDK raises a
        ValueError that its dispatcher answers with code 0 and logs with its traceback: one error record of 1.7 KB
        for each such request, from any client."""
        if self._prompt_manager.get_prompt(name) is None:
            raise MCPError(INVALID_PARAMS, f"no prompt named {name[:100]!r}: prompts/list lists them (none here)")
        return await super().get_prompt(name, arguments, context)


class StrictServer(PlainServer):
    """A `PlainServer` whose tools refuse an argument they do not take (the SDK drops it silently: an agent that
    sends `top_k` or `mode` would never learn they did nothing) and take JSON types as declared (`"k": "5"` is an
    error, as over HTTP)."""

    strict = True

    def add_tool(self, fn: Callable[..., Any], name: str | None = None, title: str | None = None,
                 description: str | None = None, annotations: ToolAnnotations | None = None,
                 icons: list[Icon] | None = None, meta: dict[str, Any] | None = None,
                 structured_output: bool | None = None) -> None:
        """Register `fn`, its input schema saying `additionalProperties: false`: the tool refuses an argument it does
        not take, and a client that reads the schema learns it before the error teaches it."""
        super().add_tool(fn, name=name, title=title, description=description, annotations=annotations, icons=icons,
                         meta=meta, structured_output=structured_output)
        tool = self._tool_manager.get_tool(name or fn.__name__)
        assert tool is not None, "just registered"
        tool.parameters["additionalProperties"] = False

    def _check(self, name: str, taken: list[str], arguments: dict[str, Any]) -> None:
        unknown = sorted(set(arguments) - set(taken))
        if unknown:
            named = [f"{argument[:100]!r}" + (f" (did you mean `{meant}`?)" if (meant := suggestion(argument, taken))
                                              and meant not in arguments else "") for argument in unknown[:10]]
            raise ToolError(f"{name} takes no argument {', '.join(named)}{', ...' if len(unknown) > 10 else ''}; its "
                            f"arguments are {', '.join(taken)}")


def _result(model: BaseModel) -> CallToolResult:
    # the same content twice: structured for programs, compact JSON text (no indentation, no nulls) for models
    return CallToolResult(content=[TextContent(type="text", text=model.model_dump_json(exclude_none=True))],
                          structured_content=model.model_dump(mode="json"))


def build_server(settings: Settings, run_search: Search, passage: GetPassage, current: CurrentIndex) -> MCPServer:
    """The MCP server over a search function (a batch of queries -> hits per query), a passage lookup and the
    served index (`current`: raises `RagError` when none is)."""
    server: MCPServer = StrictServer("rag", title="rag: document search with citations", instructions=INSTRUCTIONS,
                                  version=__version__)

    @server.tool(annotations=READ_ONLY)
    async def search(
        question: Annotated[str, Field(description="The question, in natural language.", min_length=1,
                                       max_length=settings.question_max_chars, json_schema_extra={"pattern": WORDED})],
        k: Annotated[int, Field(description="How many passages to return.", ge=1, le=settings.k_max),
                     WHOLE] = settings.k_default,
        doc_ids: Annotated[list[Name] | None, Field(
            description="Look only in these documents (doc_id values from list_documents).", min_length=1,
            max_length=FILTER_VALUES_MAX)] = None,
        sources: Annotated[list[Name] | None, Field(
            description="Look only in documents whose source path is one of these or lies under one of these "
                        "folders (paths as list_documents shows them).", min_length=1,
            max_length=FILTER_VALUES_MAX)] = None,
        context: Annotated[list[Annotated[str, Field(max_length=settings.question_max_chars)]] | None, Field(
            description="The user's earlier messages in the conversation, oldest first (the last two are read): a "
                        "follow-up such as \"and on Saturdays?\" is searched with their subject. Leave it out when "
                        "the question stands alone.", max_length=CONTEXT_MAX)] = None,
        passage_text: Annotated[bool, Field(
            description="false: passages come without their text (id, label, url, source and highlight stay; "
                        "get_passage reads one whole): a third to a half fewer tokens.")] = True,
        ctx: Context | None = None,
    ) -> Annotated[CallToolResult, ToolSearchResult]:
        """Find the passages of the document collection that best answer `question`, best first.

        Returns `answerable` (false: the documents do not seem to answer, say so), an `answer` snippet (the best
        highlight with the whole sentences around it, verbatim) and passages with id, label (title › section) to
        cite, url, source range, highlight and text (unless `passage_text` is false).
        """
        with tool_errors(settings):
            scoped = doc_ids is not None or sources is not None
            queries = make_queries(settings, [question.strip()], k, None, index=current() if scoped else None,
                                   search_filter=SearchFilter(doc_ids=doc_ids, sources=sources) if scoped else None,
                                   wording=MCP, context=[m.strip() for m in context or ()])
            (hits,) = await run_search(queries)
            link = linker(settings, ctx, current().manifest)
        best = best_answer(hits, hits.answerable, hits.asked_in)
        return _result(ToolSearchResult(question=queries[0].question, answerable=hits.answerable,
                                        answer=best.text if best else None,
                                        answer_id=best.passage_id if best else None,
                                        passages=[_tool_passage(h, link(h), passage_text) for h in hits],
                                        language=hits.language))

    @server.tool(annotations=READ_ONLY)
    def get_passage(
        id: Annotated[str, Field(description="A passage id from search results.", max_length=PASSAGE_ID_MAX)],
        ctx: Context | None = None,
    ) -> Annotated[CallToolResult, ToolPassage]:
        """The passage with this id, with its citation (ids stay stable while the documents do not change)."""
        with tool_errors(settings):
            found = passage(id)
            return _result(_tool_passage(found, linker(settings, ctx, current().manifest)(found)))

    @server.tool(annotations=READ_ONLY)
    def list_documents(
        source: Annotated[str | None, Field(description="Only documents whose source path is this or lies under "
                                                        "this folder.", max_length=NAME_MAX)] = None,
        offset: Annotated[int, Field(description="How many documents to skip.", ge=0), WHOLE] = 0,
        limit: Annotated[int, Field(description="How many documents to list.", ge=1, le=DOCUMENTS_PAGE_MAX),
                         WHOLE] = DOCUMENTS_PAGE,
    ) -> Annotated[CallToolResult, ToolDocumentList]:
        """The documents of the collection (doc_id, title, source path, url, passage count), in corpus order."""
        with tool_errors(settings):
            index = current()
        doc_ids = index.documents_under(source)
        return _result(ToolDocumentList(documents=[index.documents[d] for d in doc_ids[offset:offset + limit]],
                                        total=len(doc_ids), offset=offset))

    return server


Build = Callable[[Settings, Search, GetPassage, CurrentIndex], MCPServer]


@asynccontextmanager
async def in_service(settings: Settings, searcher: Searcher | None, build: Build) -> AsyncIterator[MCPServer]:
    """`build`'s server for `rag mcp`, over a `Runtime` around `searcher` (None: the current build, loaded now) as
    `rag serve`'s tools are: it watches the index folder (`RAG_RELOAD_POLL_SECONDS`) and serves each build `rag
    ingest` publishes, where a desktop agent's server, kept for days, answered from the build it started with until
    restarted; started before the first ingest, its tools say to run it, and serve the build once there is one.
    Without the watch (`RAG_RELOAD_POLL_SECONDS=0`) nothing would ever load one: `IndexNotFound`, as `rag serve`."""
    if searcher is None and not settings.reload_poll_seconds:
        searcher = load_searcher(settings)
    runtime = Runtime(settings, searcher, keyed=False)
    async with runtime.running():
        yield patient(build(settings, runtime.submit, runtime.passage, runtime.index), settings)


async def run_stdio(settings: Settings, searcher: Searcher | None, build: Build) -> None:
    """Serve `build`'s tools over stdin and stdout (`rag mcp`), `in_service`."""
    async with in_service(settings, searcher, build) as server:
        await server.run_stdio_async()


def patient(server: MCPServer, settings: Settings) -> MCPServer:
    """`server`, its requests under way at stdin's end answered while one comes in a search's deadline at least
    (`rag.mcp.stdio`)."""
    if isinstance(server, PlainServer):
        server.stdin_patience = patience(settings.request_deadline_seconds)
    return server


__all__ = [
    "READ_ONLY",
    "Build",
    "CurrentIndex",
    "GetPassage",
    "PlainServer",
    "Search",
    "StrictServer",
    "ToolPassage",
    "ToolSearchResult",
    "build_server",
    "in_service",
    "patient",
    "run_stdio",
    "tool_errors",
]
