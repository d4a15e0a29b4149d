"""Both MCP profiles in process, through the SDK's client over its in-memory transport: what an agent reads of the
tools, and the links the connector gives without a server to link to (as over stdio)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.settings import Settings
from tests.helpers.mcp import stdio_connector, stdio_server

QUESTION = "Quels documents d’identité acceptez-vous ?"


def call(server: MCPServer, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The structured result of one tool call."""

    async def main() -> dict[str, Any]:
        async with Client(server) as client:
            result = await client.call_tool(tool, arguments)
            assert not result.is_error, result.content
            assert result.structured_content is not None
            return result.structured_content

    return anyio.run(main)


def test_connector_links_to_the_folder_the_build_was_read_from_when_no_corpus_folder_is_set(
        searcher, settings, tmp_path, monkeypatch):
    """`rag mcp --profile connector --index DIR` started from another folder, without RAG_CORPUS_DIR: the default
    `corpus` would be a folder of the agent's, where the files are not."""
    monkeypatch.chdir(tmp_path)
    unset = Settings(index_dir=settings.index_dir)
    assert "corpus_dir" not in unset.model_fields_set
    server = stdio_connector(unset, searcher)
    found = call(server, "search", {"query": QUESTION})["results"]
    fetched = call(server, "fetch", {"id": found[0]["id"]})
    for url in [r["url"] for r in found] + [fetched["url"]]:
        link = urlsplit(url)
        assert link.scheme == "file" and Path(unquote(link.path)).is_file(), url
        assert Path(unquote(link.path)).parent == settings.corpus_dir.resolve()
    # a folder set explicitly wins, even one the build was not read from
    other = call(stdio_connector(Settings(index_dir=settings.index_dir, corpus_dir=tmp_path), searcher), "fetch",
                 {"id": found[0]["id"]})
    assert Path(unquote(urlsplit(other["url"]).path)).parent == tmp_path.resolve()


def test_the_tools_profile_links_every_passage_it_returns(searcher, settings, client):
    """An agent citing a passage needs a link: the tools profile gave `url` only for a document with a URL of its
    own (none on the seed corpus: every passage came without one), where the connector links the same passage to the
    server's page of it, or over stdio to its source file. Both profiles now give the same links."""
    server = stdio_server(settings, searcher)  # over stdio (in memory): no server to link to, the source files
    found = call(server, "search", {"question": QUESTION, "k": 3})["passages"]
    fetched = call(server, "get_passage", {"id": found[0]["id"]})
    connector = call(stdio_connector(settings, searcher), "search", {"query": QUESTION})["results"]
    assert [p["url"] for p in found] == [r["url"] for r in connector[:3]]
    for url in [p["url"] for p in found] + [fetched["url"]]:
        link = urlsplit(url)
        assert link.scheme == "file" and Path(unquote(link.path)).is_file(), url
    # over HTTP, the server's page of the passage, which answers
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "search", "arguments": {"question": QUESTION, "k": 3}}}
    answered = client.post("/mcp", json=body, headers={"accept": "application/json, text/event-stream"})
    passages = answered.json()["result"]["structuredContent"]["passages"]
    for passage in passages:
        assert passage["url"] == f"http://127.0.0.1/passages/{passage['id']}"
        assert client.get(passage["url"], headers={"accept": "text/html"}).status_code == 200


def test_a_build_records_its_corpus_folder_absolute(fresh_settings, embedder, monkeypatch):
    """Given relative, as `corpus` is by default: the connector links under it from any folder."""
    monkeypatch.chdir(fresh_settings.corpus_dir.parent)
    relative = Settings(corpus_dir=Path("corpus"), index_dir=Path("index"))
    ingest(relative, embedder=embedder)
    assert Index.load(relative.index_dir).manifest["corpus"]["path"] == str(fresh_settings.corpus_dir)


def test_tool_descriptions_read_as_plain_text_in_both_profiles(searcher, settings):
    """A docstring's continuation lines, indented as the code is, were sent as they stand: eight spaces an agent
    read before every line."""

    async def main() -> dict[str, str]:
        described = {}
        for server in (stdio_server(settings, searcher), stdio_connector(settings, searcher)):
            async with Client(server) as client:
                described |= {f"{server.name}.{t.name}": t.description or "" for t in (await client.list_tools()).tools}
        return described

    described = anyio.run(main)
    assert {"rag.search", "rag.list_documents", "rag-connector.fetch"} <= set(described)
    for name, text in described.items():
        assert text and text == text.strip(), name
        assert not any(line.startswith(" ") for line in text.splitlines()), (name, text)


def test_every_field_of_the_tools_results_is_described(searcher, settings):
    """An agent reads a result's fields by their schema: `question` and `passages` of `search` had no description
    (agent audit 52). Every property of each tool's output schema, its nested objects' too, says what it is."""

    async def main() -> dict[str, dict]:
        async with Client(stdio_server(settings, searcher)) as client:
            return {t.name: t.output_schema or {} for t in (await client.list_tools()).tools}

    schemas = anyio.run(main)
    assert {"search", "get_passage", "list_documents"} <= set(schemas)
    bare = [f"{tool}: {owner}.{name}" for tool, schema in schemas.items()
            for owner, body in [("result", schema), *schema.get("$defs", {}).items()]
            for name, prop in body.get("properties", {}).items() if not prop.get("description")]
    assert bare == []


def test_list_documents_pages_up_to_what_the_http_listing_does(searcher, settings, client):
    """1,000 documents a page over both edges (the MCP tool stopped at 500)."""
    server = stdio_server(settings, searcher)
    listed = call(server, "list_documents", {"limit": 1000})
    assert listed["total"] == len(listed["documents"]) == 2
    assert client.get("/v1/documents", params={"limit": 1000}).status_code == 200

    async def over() -> str:
        async with Client(server) as client:
            result = await client.call_tool("list_documents", {"limit": 1001})
            assert result.is_error
            return result.content[0].text if result.content[0].type == "text" else ""

    assert "limit: must be at most 1000" in anyio.run(over)
    assert client.get("/v1/documents", params={"limit": 1001}).status_code == 422


@pytest.mark.parametrize(("profile", "tool", "arguments", "said"), [
    ("tools", "search", {"question": "horaires ?", "top_k": 3}, "search takes no argument 'top_k' (did you mean `k`?)"),
    ("tools", "search", {"question": "horaires ?", "contexte": ["a"]},
     "search takes no argument 'contexte' (did you mean `context`?)"),
    ("tools", "search", {"query": "horaires ?"}, "search takes no argument 'query' (did you mean `question`?)"),
    ("tools", "search", {"question": "horaires ?", "sauce": 1},
     "search takes no argument 'sauce'; its arguments are question, k"),
    # the argument it likely means is given too: nothing to rename
    ("tools", "search", {"question": "horaires ?", "query": "horaires ?"},
     "search takes no argument 'query'; its arguments are"),
    ("tools", "get_passage", {"passage_id": "x"},
     "get_passage takes no argument 'passage_id' (did you mean `id`?); its arguments are id"),
    # the connector too, where an unknown argument was dropped and `question` was "query: required"
    ("connector", "search", {"query": "carte", "k": 3, "bogus": 1},
     "search takes no argument 'bogus', 'k'; its arguments are query"),
    ("connector", "search", {"question": "carte"},
     "search takes no argument 'question' (did you mean `query`?); its arguments are query"),
    ("connector", "fetch", {"passage_id": "x"}, "fetch takes no argument 'passage_id' (did you mean `id`?)"),
])
def test_an_argument_a_tool_does_not_take_is_said_with_the_one_meant(searcher, settings, profile, tool, arguments,
                                                                     said):
    """As over HTTP (`rag.suggest`): another API's name for an argument, or a misspelling, names the argument meant,
    in both profiles."""
    server = (stdio_server if profile == "tools" else stdio_connector)(settings, searcher)

    async def main() -> tuple[str, dict[str, Any]]:
        async with Client(server) as client:
            result = await client.call_tool(tool, arguments)
            assert result.is_error
            schema = next(t for t in (await client.list_tools()).tools if t.name == tool).input_schema
            return (result.content[0].text if result.content[0].type == "text" else ""), schema

    text, schema = anyio.run(main)
    assert said in text
    assert schema["additionalProperties"] is False  # the schema says so before the error does


def test_an_item_of_a_list_argument_is_named_as_http_names_it(searcher, settings, client):
    """The tools said `doc_ids.0` where HTTP says `filter.doc_ids[0]`: an agent that also reads the API, or a person
    reading both logs, saw two spellings of one place."""
    server = stdio_server(settings, searcher)

    async def main() -> str:
        async with Client(server) as client:
            result = await client.call_tool("search", {"question": "horaires ?", "doc_ids": [1], "context": ["a", 2]})
            assert result.is_error and result.content[0].type == "text"
            return result.content[0].text

    assert anyio.run(main) == "doc_ids[0]: must be a JSON string; context[1]: must be a JSON string"
    over_http = client.post("/v1/search", json={"question": "horaires ?", "filter": {"doc_ids": [1]}}).json()
    assert over_http["detail"] == "filter.doc_ids[0]: must be a JSON string"


def test_a_tool_names_ten_unknown_arguments_at_most_each_cut_to_100_characters(searcher, settings):
    arguments: dict[str, Any] = {"question": "horaires ?", **{f"a{i:02}" + "x" * 200: 1 for i in range(12)}}

    async def main() -> str:
        async with Client(stdio_server(settings, searcher)) as client:
            result = await client.call_tool("search", arguments)
            return result.content[0].text if result.content[0].type == "text" else ""

    named = ", ".join(f"'a{i:02}{'x' * 97}'" for i in range(10))
    assert f"search takes no argument {named}, ...; its arguments are" in anyio.run(main)


def test_search_without_passage_text_keeps_what_cites_and_costs_half(searcher, settings):
    """An agent that reads results into its context pays for every passage's text (1,100 to 1,500 tokens for five, the
    agent audit of stop 47); `passage_text: false` leaves the texts out, and keeps what it cites and quotes by."""
    server = stdio_server(settings, searcher)
    whole = call(server, "search", {"question": QUESTION, "k": 5})
    lean = call(server, "search", {"question": QUESTION, "k": 5, "passage_text": False})
    assert all(p["text"] for p in whole["passages"]) and all(p["text"] is None for p in lean["passages"])
    for key in ("question", "answerable", "answer", "answer_id"):
        assert lean[key] == whole[key]
    assert [{**p, "text": None} for p in whole["passages"]] == lean["passages"]
    # the seed corpus's passages are short, their highlights most of them: 2,989 characters against 4,504
    assert len(json.dumps(lean, ensure_ascii=False)) < 0.75 * len(json.dumps(whole, ensure_ascii=False))
    assert call(server, "get_passage", {"id": lean["passages"][0]["id"]})["text"] == whole["passages"][0]["text"]


def test_search_says_the_documents_language_and_the_instructions_say_to_search_in_it(searcher, settings):
    """An agent asking a French collection in English (its user's language, as the instructions said) found less and
    was told "not answerable" for most questions the collection answers (piaf's in English: 89%, in French: 3%;
    scripts.eval.languages_audit), with nothing saying the documents were French: it could not know to ask again
    in French."""
    server = stdio_server(settings, searcher)
    assert call(server, "search", {"question": "Which identity documents do you accept?"})["language"] == "fr"
    assert "`language` is the documents' language" in (server.instructions or "")

    async def described() -> str:
        async with Client(server) as client:
            tool = next(t for t in (await client.list_tools()).tools if t.name == "search")
            return str(tool.output_schema["properties"]["language"]["description"])

    assert "translated into this one" in anyio.run(described)


def test_the_connector_says_the_documents_language_and_asks_for_queries_in_it(searcher, settings):
    """The connector described `query` as "in the user's language": an agent over French documents searched them in
    English, which finds less (piaf's questions in English R@1 0.64 against 0.81 in French), and nothing it read
    said the documents were French."""
    server = stdio_connector(settings, searcher)
    found = call(server, "search", {"query": "Which identity documents do you accept?"})["results"]
    assert call(server, "fetch", {"id": found[0]["id"]})["metadata"]["language"] == "fr"

    async def described() -> str:
        async with Client(server) as client:
            tool = next(t for t in (await client.list_tools()).tools if t.name == "search")
            return str(tool.input_schema["properties"]["query"]["description"])

    assert "best in the documents' language" in anyio.run(described)


def test_a_count_sent_as_a_number_without_fraction_is_taken(searcher, settings):
    """`5.0` is an integer to JSON Schema, and Gemini's function calls send every number so: the tools answered
    "k: must be an integer", which the model could not fix. A fraction, or a count sent as a string, is refused."""
    server = stdio_server(settings, searcher)
    assert len(call(server, "search", {"question": QUESTION, "k": 2.0})["passages"]) == 2
    assert len(call(server, "list_documents", {"offset": 1.0, "limit": 1.0})["documents"]) == 1

    async def refused(arguments: dict[str, Any]) -> str:
        async with Client(server) as client:
            result = await client.call_tool("search", arguments)
            assert result.is_error
            return result.content[0].text if result.content[0].type == "text" else ""

    for k in (2.5, "2", True):
        assert anyio.run(refused, {"question": QUESTION, "k": k}) == "k: must be an integer"

    async def schemas() -> dict[str, dict[str, Any]]:
        async with Client(server) as client:
            return {t.name: t.input_schema["properties"] for t in (await client.list_tools()).tools}

    listed = anyio.run(schemas)  # the bounds stay JSON Schema's (pydantic said `ge` and `le` with the reading first)
    assert (listed["search"]["k"]["minimum"], listed["search"]["k"]["maximum"]) == (1, settings.k_max)
    assert listed["list_documents"]["offset"]["minimum"] == 0 and listed["list_documents"]["limit"]["maximum"] == 1000
    assert not {"ge", "le"} & {key for props in listed.values() for p in props.values() for key in p}


@pytest.mark.parametrize("root", ["", "/", "./"])
def test_list_documents_of_the_corpus_folder_itself_lists_them_all(searcher, settings, root):
    """Models fill an optional string argument with "": `list_documents(source="")` answered no document, total 0, and
    the agent concluded the collection was empty."""
    listed = call(stdio_server(settings, searcher), "list_documents", {"source": root})
    assert listed["total"] == len(listed["documents"]) == 2
