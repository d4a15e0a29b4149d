"""What an agent's framework reads before it calls anything: the OpenAPI document and the MCP tools' declarations,
held to their specifications (OpenAPI 3.1, the MCP tools' error rules), against an app serving no index; and the
JSON-RPC errors `rag mcp` answers over stdio to a line that is no message (`rag.mcp_stdio`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import mcp_types
import pytest
from litestar.testing import TestClient

from rag.http.app import create_app
from rag.mcp_stdio import fault_error
from rag.settings import Settings

MCP = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


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
    """The tools profile refuses an argument a tool does not take (`top_k`): its input schemas say so, as the HTTP
    API's request bodies do in the OpenAPI document. The connector's tools take what ChatGPT sends, and say nothing."""
    strict = {t["name"]: t["inputSchema"] for t in _rpc(bare, "/mcp", "tools/list", {})["result"]["tools"]}
    assert {name: schema.get("additionalProperties") for name, schema in strict.items()} == {
        "search": False, "get_passage": False, "list_documents": False}
    lenient = _rpc(bare, "/mcp/connector", "tools/list", {})["result"]["tools"]
    assert [t["inputSchema"].get("additionalProperties", True) for t in lenient] == [True, True]


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


@pytest.mark.parametrize(("line", "mid", "code", "says"), [
    ('{"jsonrpc": "2.0", "id": 5, "method": "ping", "params": [1]}', 5, -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "2.0", "id": "a", "method": 7}', "a", -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "1.0", "id": 5, "method": "ping"}', 5, -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "2.0", "id": 5, "methd": "ping"}', 5, -32600, "not a JSON-RPC message"),
    ('{"jsonrpc": "2.0", "id": 5, "error": {"code": "x"}}', None, -32600, "not a JSON-RPC message"),
    ('[{"jsonrpc": "2.0", "id": 5, "method": "ping"}]', None, -32600, "batch"),
    ('"ping"', None, -32600, "not a JSON-RPC message"),
    ("{bad json", None, -32700, "Parse error"),
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
