"""What an agent's framework reads before it calls anything: the OpenAPI document and the MCP tools' declarations,
held to their specifications (OpenAPI 3.1, the MCP tools' error rules), against an app serving no index; the
JSON-RPC errors `rag mcp` answers over stdio to a line that is no message (`rag.mcp.stdio`); and those both MCP
transports answer to a request the SDK refuses (`rag.mcp.requests`): over HTTP against that app, over a connection as
`rag mcp` serves one (the SDK's loop, fed messages as its stdio transport feeds them) against servers whose index is
missing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import mcp_types
import pytest
from litestar.testing import TestClient
from mcp.server.mcpserver import MCPServer
from mcp.shared.message import SessionMessage

import rag
from rag.corpus.reader import SLUG_MAX
from rag.errors import IndexNotFound
from rag.http.app import create_app
from rag.mcp.connector import build_connector
from rag.mcp.stdio import PENDING_FAULTS, answering_faults, fault_error
from rag.mcp.tools import build_server
from rag.schemas import NAME_MAX, PASSAGE_ID_MAX
from rag.search.searcher import Found, Query
from rag.settings import Settings

MCP = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}
TOOLS = {"/mcp": "search, get_passage, list_documents", "/mcp/connector": "search, fetch"}


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    empty: Path = tmp_path_factory.mktemp("no-index")
    with TestClient(create_app(Settings(corpus_dir=empty, index_dir=empty, reload_poll_seconds=0)),
                    base_url="http://127.0.0.1") as c:
        yield c


def _rpc(client: TestClient, path: str, method: str, params: dict) -> dict:
    r = client.post(path, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, headers=MCP)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_response_header_the_openapi_document_declares_has_a_schema(bare):
    """OpenAPI 3.1 requires a Header Object to have `schema` or `content`: `Rag-Index-Build` had neither, so the
    document failed validation (openapi-spec-validator) and strict client generators refused it."""
    paths = bare.get("/schema/openapi.json").json()["paths"]
    headers = {(path, method, status, name): header
               for path, item in paths.items() for method, operation in item.items()
               for status, response in operation["responses"].items()
               for name, header in (response.get("headers") or {}).items()}
    assert ("/v1/search", "post", "200", "Rag-Index-Build") in headers
    assert {where: h for where, h in headers.items() if "schema" not in h and "content" not in h} == {}
    assert headers["/v1/search", "post", "200", "Rag-Index-Build"]["schema"] == {"type": "string"}


@pytest.mark.parametrize(("path", "tools"), [("/mcp", "search, get_passage, list_documents"),
                                             ("/mcp/connector", "search, fetch")])
def test_an_unknown_tool_is_a_json_rpc_invalid_params_error_naming_the_tools(bare, path, tools):
    """The protocol answers a call of a tool the server has not with a JSON-RPC error (-32602), not a tool result:
    the SDK answered `isError` with "Unknown tool: nope", which a client takes for the tool's own failure."""
    answered = _rpc(bare, path, "tools/call", {"name": "nope", "arguments": {}})
    assert "result" not in answered, answered
    assert answered["error"]["code"] == -32602
    assert answered["error"]["message"] == f"unknown tool 'nope': the tools are {tools}"


def test_the_tools_input_schemas_say_they_take_no_other_argument(bare):
    """Both profiles refuse an argument a tool does not take (`top_k`, the connector's `question`): their input
    schemas say so, as the HTTP API's request bodies do in the OpenAPI document."""
    said = {}
    for path in ("/mcp", "/mcp/connector"):
        said |= {f"{path} {t['name']}": t["inputSchema"].get("additionalProperties")
                 for t in _rpc(bare, path, "tools/list", {})["result"]["tools"]}
    assert said == {"/mcp search": False, "/mcp get_passage": False, "/mcp list_documents": False,
                    "/mcp/connector search": False, "/mcp/connector fetch": False}


def test_every_route_of_the_openapi_document_says_what_it_returns(bare):
    """Litestar leaves an operation's description empty unless told to take the handler's docstring: an agent reading
    the document had a summary of a few words and no word of `answerable`."""
    paths = bare.get("/schema/openapi.json").json()["paths"]
    described = {(method, path): operation.get("description", "")
                 for path, item in paths.items() for method, operation in item.items()}
    assert [where for where, description in described.items() if len(description) < 20] == []
    # a paragraph is one line, as a tool's description shows it (the docstrings are wrapped at 120 columns)
    assert [where for where, description in described.items() if re.search(r"\S\n\S", description)] == []
    assert "`answerable`" in described["post", "/v1/search"] and "closest" in described["post", "/v1/search"]
    assert "`answerable`" in described["post", "/v1/search/batch"]


def test_the_search_tools_output_schema_tells_answer_id_from_a_citation_of_an_answer(bare):
    """When `answerable` is false, `answer` is the no-answer sentence and `answer_id` still names the closest
    passage: its description said only "the passage the answer snippet comes from", which an agent cites."""
    tools = {t["name"]: t for t in _rpc(bare, "/mcp", "tools/list", {})["result"]["tools"]}
    said = tools["search"]["outputSchema"]["properties"]["answer_id"]["description"]
    assert "`answerable` is false" in said and "closest passage" in said


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_the_servers_say_which_release_of_rag_they_are(bare, path):
    """`serverInfo.version` is the implementation's version (MCP's `Implementation`), what an agent's logs show and
    a bug report quotes: both profiles said "1", whatever the release."""
    info = _rpc(bare, path, "initialize", INITIALIZE)["result"]["serverInfo"]
    assert info["version"] == rag.__version__ and info["name"] in ("rag", "rag-connector")


def test_the_schemas_say_null_in_json_s_words_never_python_s(bare):
    """A description is read by people writing clients in any language, and by models: "None: no passage" and
    "None for a format without pages" named Python's value, where the body holds JSON's null."""
    documents = {"openapi": bare.get("/schema/openapi.json").json()}
    for path in TOOLS:
        documents[path] = _rpc(bare, path, "tools/list", {})["result"]["tools"]
    said = [text for text in _descriptions(documents) if re.search(r"\b(None|True|False)\b", text)]
    assert not said, said


def _descriptions(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                yield value
            else:
                yield from _descriptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _descriptions(value)


def test_every_question_a_schema_declares_holds_more_than_spaces(bare):
    """The server refuses a question of spaces alone everywhere (`/v1/search`, a batch's item, the vector-store
    `query`, the MCP `search` tools): the schemas an agent or a generated client reads say so at each place, where
    the vector-store `query` and both MCP `search` tools took "   " by their schemas (`rag.schemas.WORDED`)."""
    openapi = bare.get("/schema/openapi.json").json()["components"]["schemas"]
    batch = openapi["BatchSearchRequest"]["properties"]["questions"]["items"]["oneOf"]
    query = openapi["StoreSearchRequest"]["properties"]["query"]["oneOf"]
    places = {"SearchRequest.question": openapi["SearchRequest"]["properties"]["question"],
              "BatchQuestion.question": openapi["BatchQuestion"]["properties"]["question"],
              "questions[i]": next(o for o in batch if o.get("type") == "string"),
              "query": next(o for o in query if o.get("type") == "string"),
              "query[i]": next(o for o in query if o.get("type") == "array")["items"]}
    for path, field in (("/mcp", "question"), ("/mcp/connector", "query")):
        tools = {t["name"]: t for t in _rpc(bare, path, "tools/list", {})["result"]["tools"]}
        places[f"{path} search.{field}"] = tools["search"]["inputSchema"]["properties"][field]
    for place, schema in places.items():
        assert schema.get("minLength") == 1 and schema.get("pattern") == r"\S", (place, schema)
        assert re.search(schema["pattern"], "   ") is None and re.search(schema["pattern"], " carte ")


@pytest.mark.parametrize(("line", "mid", "code", "says"), [
    ('{"jsonrpc": "2.0", "id": 5, "method": "ping", "params": [1]}', 5, -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "2.0", "id": "a", "method": 7}', "a", -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "1.0", "id": 5, "method": "ping"}', 5, -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "2.0", "id": 5, "methd": "ping"}', 5, -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "2.0", "id": 5, "error": {"code": "x"}}', None, -32600, "not a JSON-RPC message"),
    ('[{"jsonrpc": "2.0", "id": 5, "method": "ping"}]', None, -32600, "batch"),
    ('"ping"', None, -32600, "not a JSON-RPC message"),
    ("{bad json", None, -32700, "Parse error"),
    # the SDK said "unexpected end of hex escape at line 1 column 105", which sent a client looking for a cut escape;
    # Python's decoder reads the line: its id, where null left an SDK's client waiting for the answer to request 5
    ('{"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "search", "arguments": '
     '{"question": "carte \\ud83d"}}}', 5, -32700, "Parse error: a string holds a lone UTF-16 surrogate escape"),
])
def test_stdio_answers_a_line_that_is_no_message_with_its_own_id_and_fault(line, mid, code, says):
    """Over stdio a request the SDK cannot read is answered with its own id, so that the client waiting for it gets
    it: the id was read from the first validation error's input, which for `"params": [1]` is the list [1] (answered
    with a null id, as "a batch"), and a broken response, whose id is the server's, is answered with a null one."""
    with pytest.raises(ValueError) as caught:
        mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    answer = fault_error(caught.value)
    assert (answer.id, answer.error.code) == (mid, code)
    assert says in answer.error.message
    if code == -32700:  # a line with a lone surrogate escape is one JSON object: not told to send one
        assert ("surrogate" in says) != answer.error.message.endswith("send one JSON object a line")


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
def test_a_lone_surrogate_escape_over_http_is_a_parse_error_that_says_so(bare, path):
    """A JS client cutting a question in the middle of an emoji sends `"\\ud83d"` alone: the SDK answered "Parse error:
    unexpected end of hex escape at line 1 column 116", where `/v1/search` says what it is."""
    body = '{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "search", "arguments": ' \
           '{"question": "carte \\ud83d", "query": "carte \\ud83d"}}}'
    r = bare.post(path, content=body, headers=MCP)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == -32700 and "lone UTF-16 surrogate escape" in error["message"], error
    assert r.json()["id"] == 1  # the client's SDK matches the answer to its request by id (null: it waited)
    paired = body.replace("\\ud83d", "\\ud83d\\ude00")  # a pair is an emoji, searched as any question
    assert "surrogate" not in bare.post(path, content=paired, headers=MCP).text


def _missing() -> Any:
    raise IndexNotFound("no index in RAG_INDEX_DIR: run `rag ingest` first")


async def _search(queries: list[Query]) -> list[Found]:
    return _missing()


def server(path: str) -> MCPServer:
    """The server `rag mcp` serves for the profile HTTP serves at `path`, over no index."""
    build = build_server if path == "/mcp" else build_connector
    return build(Settings(), _search, lambda _: _missing(), _missing)


def over_stdio(served: MCPServer, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answers of `served` to `messages`, sent in order on one connection as `rag mcp` serves one, by id."""

    async def main() -> list[dict[str, Any]]:
        to_server, read = anyio.create_memory_object_stream[SessionMessage | Exception](len(messages))
        write, from_server = anyio.create_memory_object_stream[SessionMessage](len(messages))
        for message in messages:
            to_server.send_nowait(SessionMessage(mcp_types.jsonrpc_message_adapter.validate_python(message)))
        answers = []
        lowlevel = served._lowlevel_server
        async with to_server, read, write, from_server, answering_faults(read, write) as (faults, outbox), \
                anyio.create_task_group() as tasks:
            tasks.start_soon(lowlevel.run, faults, outbox, lowlevel.create_initialization_options())
            with anyio.fail_after(120):  # a hang guard only
                while len(answers) < sum("id" in m for m in messages):
                    answers.append((await from_server.receive()).message.model_dump(mode="json", exclude_none=True))
            tasks.cancel_scope.cancel()
        return sorted(answers, key=lambda a: str(a["id"]))

    return anyio.run(main)


def _request(mid: int, method: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": mid, "method": method, "params": params}


def test_a_request_before_initialize_is_told_to_send_initialize_first():
    """The SDK answered "Invalid request parameters", which sent a client developer to check the params it sent."""
    answered = over_stdio(server("/mcp"), [_request(1, "tools/list", {}), _request(2, "ping", {}),
                                           _request(3, "initialize", INITIALIZE), _request(4, "tools/list", {})])
    assert answered[0]["error"] == {"code": -32602, "message": "send initialize first (then notifications/initialized):"
                                    " until then this server answers only initialize and ping, not tools/list"}
    assert [("result" in a) for a in answered[1:]] == [True, True, True]


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
@pytest.mark.parametrize(("params", "says"), [
    ({"arguments": {}}, "tools/call needs params.name, the name of a tool: one of {tools}"),
    (None, 'tools/call needs params {{"name": a tool ({tools}), "arguments": {{...}}}}'),
    ({"name": 5}, "params.name: must be a JSON string, the name of a tool: one of {tools}"),
    ({"name": "search", "arguments": [1]},
     "params.arguments must be a JSON object (the tool's arguments by name, as its inputSchema declares them)"),
])
def test_a_tool_call_of_another_shape_says_what_to_send_over_both_transports(bare, path, params, says):
    """`tools/call` without a name, or with arguments that are no object, got the SDK's bare "Invalid request
    parameters" over stdio and HTTP alike."""
    expected = {"code": -32602, "message": says.format(tools=TOOLS[path])}
    assert _rpc(bare, path, "tools/call", params)["error"] == expected
    stdio = over_stdio(server(path), [_request(0, "initialize", INITIALIZE), _request(1, "tools/call", params)])
    assert stdio[1]["error"] == expected


@pytest.mark.parametrize("path", ["/mcp", "/mcp/connector"])
@pytest.mark.parametrize("method", ["tools/list", "prompts/list", "resources/list", "resources/templates/list"])
def test_a_list_request_with_a_cursor_is_refused_as_the_protocol_says(bare, path, method):
    """These lists come in one page without `nextCursor`, so any cursor is unknown; MCP answers an invalid cursor
    with -32602, where the SDK ignored it and answered the first page, as if the cursor were one it had given."""
    expected = {"code": -32602, "message": f"unknown cursor 'bogus': {method} lists everything in one page and gives "
                                           f"no nextCursor; send it without a cursor"}
    assert _rpc(bare, path, method, {"cursor": "bogus"})["error"] == expected
    stdio = over_stdio(server(path), [_request(0, "initialize", INITIALIZE), _request(1, method, {"cursor": "bogus"}),
                                      _request(2, method, {})])
    assert stdio[1]["error"] == expected and "result" in stdio[2]


@pytest.mark.parametrize(("path", "tool", "arguments", "says"), [
    ("/mcp", "get_passage", {"id": "x"}, "no index in RAG_INDEX_DIR: run `rag ingest` first"),
    ("/mcp", "search", {"question": "ok", "k": 99}, "k: must be at most 50"),
    ("/mcp/connector", "fetch", {"id": "x"}, "no index in RAG_INDEX_DIR: run `rag ingest` first"),
    ("/mcp/connector", "search", {"query": ""}, "query: must not be empty"),
])
def test_tool_errors_say_what_to_fix_in_one_form(bare, path, tool, arguments, says):
    """Bad arguments said "k: ..." and a failure of the tool's own "Error executing tool get_passage: ...", the SDK's
    prefix, which names what failed, not what to fix: both now say only the latter, over both transports."""
    call = {"name": tool, "arguments": arguments}
    answered = _rpc(bare, path, "tools/call", call)["result"]
    assert answered["isError"] and answered["content"] == [{"type": "text", "text": says}]
    stdio = over_stdio(server(path), [_request(0, "initialize", INITIALIZE), _request(1, "tools/call", call)])
    assert stdio[1]["result"]["content"] == answered["content"]


def test_passage_ids_and_source_paths_are_bounded_alike_over_mcp_and_http(bare):
    """The tools' input schemas declared no maxLength for a passage id or `list_documents.source`, and neither edge
    bounded them: both now refuse what no id or path of the index can be, at the bounds the filter's names have, which
    every path of a Linux corpus meets (a 1,211-character path's passage could not be fetched at a bound of 1,000)."""
    schemas = {t["name"]: t["inputSchema"]["properties"]
               for t in _rpc(bare, "/mcp", "tools/list", {})["result"]["tools"]}
    fetch = {t["name"]: t["inputSchema"]["properties"]
             for t in _rpc(bare, "/mcp/connector", "tools/list", {})["result"]["tools"]}["fetch"]
    paths = bare.get("/schema/openapi.json").json()["paths"]
    http_id = paths["/v1/passages/{passage_id}"]["get"]["parameters"][0]["schema"]["maxLength"]
    http_source = next(p for p in paths["/v1/documents"]["get"]["parameters"] if p["name"] == "source")
    sources = schemas["search"]["sources"]["anyOf"][0]["items"]["maxLength"]
    assert schemas["get_passage"]["id"]["maxLength"] == fetch["id"]["maxLength"] == http_id == PASSAGE_ID_MAX
    assert schemas["list_documents"]["source"]["anyOf"][0]["maxLength"] == sources == NAME_MAX >= 4095
    assert http_source["schema"]["maxLength"] == NAME_MAX  # beside its oneOf: it bounds the string, null passes
    assert PASSAGE_ID_MAX > SLUG_MAX + 20  # a document id, its "-k", "-" and 10 hex digits, and a copy's "-k"
    deep = "/".join(["d" * 250] * 16) + ".md"  # 4,035 characters: a path Linux holds
    listed = _rpc(bare, "/mcp", "tools/call", {"name": "list_documents", "arguments": {"source": deep}})["result"]
    # taken (this app serves no index: that is what each says, not the path's length)
    assert "no index" in listed["content"][0]["text"]
    assert bare.get("/v1/documents", params={"source": deep}).status_code == 503
    for path, tool, arguments, says in [
            ("/mcp", "get_passage", {"id": "a" * (PASSAGE_ID_MAX + 1)},
             f"id: at most {PASSAGE_ID_MAX} characters"),
            ("/mcp/connector", "fetch", {"id": "a" * (PASSAGE_ID_MAX + 1)},
             f"id: at most {PASSAGE_ID_MAX} characters"),
            ("/mcp", "list_documents", {"source": "a" * (NAME_MAX + 1)},
             f"source: at most {NAME_MAX} characters")]:
        answered = _rpc(bare, path, "tools/call", {"name": tool, "arguments": arguments})["result"]
        assert answered["isError"] and answered["content"][0]["text"] == says
    too_long = {"/v1/passages/" + "a" * (PASSAGE_ID_MAX + 1): ("passage_id", PASSAGE_ID_MAX),
                "/v1/documents?source=" + "a" * (NAME_MAX + 1): ("source", NAME_MAX),
                "/v1/passages/" + "a" * 20_000: ("passage_id", PASSAGE_ID_MAX)}
    for url, (name, most) in too_long.items():  # in the same words as over MCP
        r = bare.get(url)
        assert r.status_code == 422 and r.json()["detail"].startswith(f"{name}: at most {most} characters"), r.text
        assert len(r.content) < 2000  # an absurd id is not echoed back in full


def test_stdio_reads_on_while_a_client_reads_no_answer_to_its_malformed_lines(caplog):
    """The answer to a malformed line was written by the reader of stdin: a client writing such lines without reading
    filled the stdout pipe, and the server stopped reading (its own writes then blocked too). The reader now goes on,
    past `PENDING_FAULTS` waiting answers leaves such lines unanswered with a warning, and a request is answered."""
    lines = [ValueError("not JSON")] * (PENDING_FAULTS + 10)
    ping = SessionMessage(mcp_types.jsonrpc_message_adapter.validate_python(_request(7, "ping", {})))

    async def main() -> list[dict[str, Any]]:
        to_server, read = anyio.create_memory_object_stream[SessionMessage | Exception](len(lines) + 1)
        write, from_server = anyio.create_memory_object_stream[SessionMessage](0)  # a pipe nobody reads
        for line in lines:
            to_server.send_nowait(line)
        to_server.send_nowait(ping)
        lowlevel = server("/mcp")._lowlevel_server
        async with to_server, read, write, from_server, answering_faults(read, write) as (faults, outbox), \
                anyio.create_task_group() as tasks:
            tasks.start_soon(lowlevel.run, faults, outbox, lowlevel.create_initialization_options())
            with anyio.fail_after(120):  # a hang guard only
                while to_server.statistics().current_buffer_used:  # every line read, no answer yet
                    await anyio.sleep(0.01)
                answers = []
                while not any(a.get("id") == 7 for a in answers):
                    answers.append((await from_server.receive()).message.model_dump(mode="json", exclude_none=True))
            tasks.cancel_scope.cancel()
        return answers

    answers = anyio.run(main)
    assert answers[-1] == {"jsonrpc": "2.0", "id": 7, "result": {}}
    assert len(answers) - 1 <= PENDING_FAULTS + 1  # those waiting, and the one being written
    assert "malformed lines on stdin left unanswered" in caplog.text


def test_stdio_answers_in_line_order_and_writes_every_answer_before_it_ends():
    """The answers to malformed lines waited on a task of their own, behind the answers to the requests read after
    them (an answer with a null id can be told from another only by its place), and stdin's end dropped those still
    waiting: 200 such lines at the end got some 110 answers though the client read them all."""
    items: list[SessionMessage | Exception] = []
    for i in range(1, 31):
        items += [ValueError("not JSON"), SessionMessage(mcp_types.jsonrpc_message_adapter.validate_python(
            _request(i, "ping", {})))]
    items += [ValueError("not JSON")] * 200

    async def main() -> list[dict[str, Any]]:
        to_server, read = anyio.create_memory_object_stream[SessionMessage | Exception](len(items))
        write, from_server = anyio.create_memory_object_stream[SessionMessage](0)
        for item in items:
            to_server.send_nowait(item)
        to_server.close()  # stdin ends after the last line
        lowlevel = server("/mcp")._lowlevel_server
        answers = []
        async with read, from_server, anyio.create_task_group() as tasks:

            async def serve() -> None:
                async with answering_faults(read, write) as (faults, outbox):
                    await lowlevel.run(faults, outbox, lowlevel.create_initialization_options())

            tasks.start_soon(serve)
            with anyio.fail_after(120):  # a hang guard only
                async for answer in from_server:  # to the end: the server closes its side once all is written
                    answers.append(answer.message.model_dump(mode="json", exclude_none=True))
                    await anyio.sleep(0.001)  # as the SDK writes a line to stdout: in a thread, letting others run
        return answers

    ids = [a.get("id") for a in anyio.run(main)]
    assert sorted(i for i in ids if i is not None) == list(range(1, 31)) and ids.count(None) == 230
    # the answer to the i-th ping comes after those to the i lines before it (a later line's may come before it:
    # the server answers a request while it reads on)
    assert all(ids[:ids.index(i)].count(None) >= i for i in range(1, 31)), ids


def test_a_list_notification_with_a_cursor_is_dropped_quietly(caplog):
    """A notification is never answered; the cursor's refusal, raised for one too, was logged by the SDK as a crash of
    a notification handler, traceback and all, once a message: a log a client could fill."""
    notification = {"jsonrpc": "2.0", "method": "tools/list", "params": {"cursor": "bogus"}}
    messages = [_request(0, "initialize", INITIALIZE), notification, _request(1, "ping", {})]
    answered = over_stdio(server("/mcp"), messages)
    assert [a["id"] for a in answered] == [0, 1]
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []


def test_the_openapi_document_says_the_server_s_own_k_default(tmp_path):
    """It said "(default 5)" whatever RAG_K_DEFAULT, beside the server's own RAG_K_MAX: a client that leaves `k` out
    got 8 passages where the document it was generated from promised 5."""
    settings = Settings(corpus_dir=tmp_path, index_dir=tmp_path, reload_poll_seconds=0, k_default=8, k_max=20)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    for name in ("SearchRequest", "BatchSearchRequest"):
        k = schemas[name]["properties"]["k"]
        assert "(default 8)" in k["description"] and k["maximum"] == 20, (name, k)
