"""`rag mcp`'s end of stdin: the requests already read are computed and answered before the server stops (the SDK's
server cancelled them, answering "Connection closed", so that `printf ... | rag mcp` lost its searches' answers)."""

from __future__ import annotations

import anyio
import mcp_types
from mcp.shared.message import SessionMessage

from rag.mcp.stdio import answering_faults
from rag.mcp.tools import PlainServer

HANG = 120  # seconds: a guard against a hang only


def _line(message: dict) -> SessionMessage:
    return SessionMessage(mcp_types.jsonrpc_message_adapter.validate_python(message))


def _served(lines: list[dict], wait: float, seconds: float) -> list[dict]:
    """What a server whose tool `slow` takes `seconds` writes for `lines`, sent at once and stdin closed after
    them; its tool `queued` takes `seconds` too, one call at a time (a search in the worker thread)."""
    server = PlainServer("test")
    one_at_a_time = anyio.Lock()

    @server.tool()
    async def slow(n: int) -> str:
        await anyio.sleep(seconds)
        return f"done {n}"

    @server.tool()
    async def queued() -> str:
        async with one_at_a_time:
            await anyio.sleep(seconds)
        return "done"

    answers: list[dict] = []

    async def main() -> None:
        client_send, read = anyio.create_memory_object_stream[SessionMessage](100)
        write, client_receive = anyio.create_memory_object_stream[SessionMessage](100)
        async with client_send:
            for line in lines:
                await client_send.send(_line(line))
        with anyio.fail_after(HANG):
            async with answering_faults(read, write, wait) as (faults, outbox):
                lowlevel = server._lowlevel_server
                await lowlevel.run(faults, outbox, lowlevel.create_initialization_options())
            async with client_receive:
                answers.extend([item.message.model_dump(mode="json", exclude_unset=True)
                                async for item in client_receive])

    anyio.run(main)
    return answers


LINES = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "slow", "arguments": {"n": 5}}},
    {"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "slow", "arguments": {"n": 4}}},
    {"jsonrpc": "2.0", "id": 6, "method": "ping"}]


def test_requests_under_way_at_stdins_end_are_answered():
    answers = _served(LINES, wait=10, seconds=0.5)
    by_id = {a["id"]: a for a in answers}
    assert sorted(by_id) == [1, 4, 5, 6], answers
    assert by_id[5]["result"]["content"][0]["text"] == "done 5", by_id[5]
    assert by_id[4]["result"]["content"][0]["text"] == "done 4", by_id[4]


def test_the_wait_at_stdins_end_is_bounded():
    """A request that outlasts the wait is cancelled, answered "Connection closed", and the server stops."""
    answers = _served(LINES, wait=0.2, seconds=20)
    by_id = {a["id"]: a for a in answers}
    assert by_id[5]["error"]["message"] == "Connection closed", answers


def test_a_request_the_client_cancelled_is_not_waited_for():
    cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5}}
    lines = [*LINES[:3], cancel]
    answers = _served(lines, wait=600, seconds=600)  # a wait for it would outlast fail_after(HANG)
    assert [a["id"] for a in answers] == [1], answers


def test_the_wait_at_stdins_end_goes_on_while_answers_come():
    """Requests computed one after the other take longer in all than the wait, each answered within it: the wait is
    for the next answer, not for all of them (a thousand piped searches had the last ones cancelled). Each answer
    comes 0.25 s after the one before, the wait 3 s: a loaded machine's pauses have 2.75 s of room (a wait of 1.2 s
    for answers 0.3 s apart left 0.9 s); the sleeps make the whole last at least 4 s, past the wait."""
    calls = [{"jsonrpc": "2.0", "id": 10 + n, "method": "tools/call", "params": {"name": "queued", "arguments": {}}}
             for n in range(16)]
    answers = _served([*LINES[:2], *calls], wait=3.0, seconds=0.25)  # 4 s in all
    assert sorted(a["id"] for a in answers if "result" in a) == [1, *range(10, 26)], answers


def test_a_request_id_reused_in_flight_is_waited_for_as_often_as_it_was_sent():
    """A client that (wrongly) reuses the id of a search under way for a ping: the ping's answer does not end the wait
    for the search."""
    lines = [*LINES[:2], {"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "slow",
                                                                                          "arguments": {"n": 9}}},
             {"jsonrpc": "2.0", "id": 9, "method": "ping"}]
    answers = _served(lines, wait=10, seconds=0.5)
    nines = [a for a in answers if a.get("id") == 9]
    assert len(nines) == 2 and any(a.get("result", {}).get("content", [{}])[0].get("text") == "done 9"
                                   for a in nines), answers
