"""The MCP connector profile: exactly two read-only tools, `search(query)` and `fetch(id)`, in the shape ChatGPT
connectors and deep research accept, over the same index as the tools of `rag.mcp.tools`.

- `search` returns `{"results": [{"id", "title", "url"}]}`: the best passages, at most `CONNECTOR_RESULTS`;
- `fetch` returns `{"id", "title", "text", "url", "metadata"}`: one passage and where it comes from.

Each result is declared by an output schema and sent twice, as `structuredContent` and as the same JSON in one text
item, since several clients read only one of them. Whether the documents likely answer (`answerable`) rides in the
result's `_meta` (`rag/answerable`): the contract's `results` object has that one key.

`url` is a link a person can open (`rag.mcp.links`): the document's own URL when the corpus declares one, else this
server's page of the passage, else, over stdio, the source file.
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations at registration.
import json
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, Field

from rag.mcp.links import linker
from rag.mcp.tools import READ_ONLY, CurrentIndex, GetPassage, Search, StrictServer, tool_errors
from rag.schemas import CITED_SPAN, PAGE, PASSAGE_ID_MAX, TABLE_HEADER, WORDED
from rag.search.queries import make_queries
from rag.settings import Settings
from rag.version import __version__

CONNECTOR_RESULTS = 10  # results of one search: enough to choose from, few enough to fetch
ANSWERABLE_META = "rag/answerable"

class SearchResult(BaseModel):
    """One passage found."""

    id: str = Field(description="Passage id, for fetch.")
    title: str = Field(description="Document title › section (and page, for a PDF or a presentation): what to cite.")
    url: str = Field(description="Where a person can read it: the document's web address opened at the passage (a "
                                 "PDF's page, a web page's words highlighted), else this server's page of the "
                                 "passage.")


class SearchResults(BaseModel):
    """The passages that best match the query, best first."""

    results: list[SearchResult]


class FetchMetadata(BaseModel):
    """Where the passage comes from, precisely enough to check it."""

    doc_id: str = Field(description="Id of the document.")
    document: str = Field(description="Title of the document.")
    source: str = Field(description="Path of the source file in the corpus.")
    section: str | None = Field(None, description="Heading the passage sits under, after the headings above it.")
    page: int | None = Field(None, description=PAGE)
    start: int = Field(description=CITED_SPAN)
    end: int = Field(description="Offset just past the end of that span, `source_text[start:end]`.")
    language: str = Field(description="The language the documents are in (ISO 639-1 code): `search` finds most "
                                      "with queries in it.")


class FetchedPassage(BaseModel):
    """One passage, whole."""

    id: str
    title: str = Field(description="Document title › section (and page): what to cite.")
    text: str = Field(description="The passage text, verbatim.")
    table_header: str | None = Field(None, description=TABLE_HEADER)
    url: str = Field(description="Where a person can read it.")
    metadata: FetchMetadata


def _twin(model: BaseModel, meta: dict[str, object] | None = None) -> CallToolResult:
    # one JSON value twice: structured, and as the text of the one content item (no nulls, compact)
    data = model.model_dump(mode="json", exclude_none=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data, meta=meta)


INSTRUCTIONS = (
    "Search a document collection. `search` takes a question or keywords and returns passages (id, title, url), "
    "best first; `fetch` returns one passage's full text by id. Quote passages and cite their title and url; do not "
    "state what they do not say."
)


def build_connector(settings: Settings, run_search: Search, passage: GetPassage, current: CurrentIndex) -> MCPServer:
    """The connector server over a search function (a batch of queries -> hits per query), a passage lookup and the
    served index (`current`, whose manifest says where its source files are)."""
    # strict as the tools profile: the contract is `query` and `id` alone, which ChatGPT sends, and an argument it
    # does not take is refused naming the one meant ("did you mean `query`?"), where it was dropped silently
    server: MCPServer = StrictServer("rag-connector", title="rag: document search (search and fetch)",
                                     instructions=INSTRUCTIONS, version=__version__)
    limit = min(CONNECTOR_RESULTS, settings.k_max)

    @server.tool(annotations=READ_ONLY)
    async def search(
        query: Annotated[str, Field(description="A question or keywords, best in the documents' language (fetch's "
                                                       "metadata.language), else the user's.", min_length=1,
                                    max_length=settings.question_max_chars, json_schema_extra={"pattern": WORDED})],
        ctx: Context,
    ) -> Annotated[CallToolResult, SearchResults]:
        """Search the document collection for the passages that best match `query`.

        Returns up to 10 results, best first, each with an `id` to pass to `fetch`, a `title` (document title ›
        section) and a `url` to cite.
        """
        with tool_errors(settings):
            queries = make_queries(settings, [query.strip()], limit, None, field="query")
            (hits,) = await run_search(queries)
            link = linker(settings, ctx, current().manifest)
        results = [SearchResult(id=h.id, title=h.citation.label, url=link(h)) for h in hits]
        return _twin(SearchResults(results=results), {ANSWERABLE_META: hits.answerable})

    @server.tool(annotations=READ_ONLY)
    def fetch(
        id: Annotated[str, Field(description="A result id from search.", max_length=PASSAGE_ID_MAX)],
        ctx: Context,
    ) -> Annotated[CallToolResult, FetchedPassage]:
        """The full text of one search result, with its title, url and where it comes from (document, source file,
        section, page, character offsets)."""
        with tool_errors(settings):
            found = passage(id)
            index = current()
            link = linker(settings, ctx, index.manifest)
        c = found.citation
        return _twin(FetchedPassage(
            id=found.id, title=c.label, text=found.text, table_header=found.table_header,
            url=link(found),
            metadata=FetchMetadata(doc_id=c.doc_id, document=c.title, source=c.source, section=c.section,
                                   page=c.page, start=c.start, end=c.end, language=index.lexical.analyzer.language)))

    return server


__all__ = ["CONNECTOR_RESULTS", "FetchedPassage", "SearchResults", "build_connector"]
