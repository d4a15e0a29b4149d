"""The MCP requests the SDK refuses with a bare "Invalid request parameters" (-32602), answered with what to fix.

The SDK gives that one message, with empty data, to a request sent before `initialize` (over stdio) and to `params`
of another shape than the method's (`tools/call` without `name`, `arguments` that are no object): a client developer
learns nothing from it. `PlainRefusals` is a server middleware, so it sees every request of both transports, stdio
and HTTP, and refuses with the same code a message that says what to send instead.

It also refuses a list request's cursor, which the SDK ignored, answering the first page: this server lists in one
page and gives no `nextCursor`, so every cursor is unknown, and MCP answers an invalid cursor with -32602.
"""

from __future__ import annotations

from collections.abc import Callable

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS
from pydantic import ValidationError

from rag.wording import reworded

# What the SDK's gate before `initialize` raises (mcp.server.runner): it says it in the words of its params
# validation, and no other MCPError of the runner has them
SDK_REFUSAL = "Invalid request parameters"
OBJECT_TYPES = frozenset({"dict_type", "model_type", "model_attributes_type"})
LISTS = frozenset({"tools/list", "prompts/list", "resources/list", "resources/templates/list"})


def said(method: str, exc: ValidationError, tools: list[str]) -> str:
    """What is wrong with a `method` request's params, one clause a field, as `exc` (the SDK's validation of them)
    tells it; for `tools/call`, the tools a name may name."""
    clauses = []
    for error in exc.errors(include_url=False):
        loc = error["loc"][1:] if error["loc"][:1] == ("params",) else error["loc"]  # the SDK validates the request
        where = "params" + "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in loc)
        if error["type"] == "missing":
            clause = f"{method} needs {where}"
        elif error["type"] in OBJECT_TYPES:
            clause = f"{where} must be a JSON object"
        else:
            clause = f"{where}: {reworded(error['msg'])}"
        if method == "tools/call" and loc == ("name",):
            clause += f", the name of a tool: one of {', '.join(tools)}"
        if method == "tools/call" and loc == ():  # no params at all
            clause += f' {{"name": a tool ({", ".join(tools)}), "arguments": {{...}}}}'
        if method == "tools/call" and loc[:1] == ("arguments",):
            clause += " (the tool's arguments by name, as its inputSchema declares them)"
        clauses.append(clause)
    return "; ".join(dict.fromkeys(clauses))[:500]


class PlainRefusals:
    """A server middleware answering the SDK's bare -32602 refusals with what to fix, and a list request's cursor with
    -32602 too; `tools` names the tools."""

    def __init__(self, tools: Callable[[], list[str]]) -> None:
        self._tools = tools

    async def __call__(self, ctx: ServerRequestContext, call_next: CallNext) -> HandlerResult:
        try:
            result = await call_next(ctx)
        except ValidationError as exc:
            raise MCPError(INVALID_PARAMS, said(ctx.method, exc, self._tools())) from None
        except MCPError as exc:
            if exc.error.code != INVALID_PARAMS or exc.error.message != SDK_REFUSAL:
                raise
            raise MCPError(INVALID_PARAMS, f"send initialize first (then notifications/initialized): until then this "
                                           f"server answers only initialize and ping, not {ctx.method[:100]}") from None
        # refused once the SDK has taken the request, so that its own refusals (before `initialize`) come first; a
        # notification is never answered (the SDK would log the refusal as a crash of a notification handler)
        listed = ctx.method in LISTS and ctx.request_id is not None
        cursor = (ctx.params or {}).get("cursor") if listed else None
        if cursor is not None:
            raise MCPError(INVALID_PARAMS, f"unknown cursor {str(cursor)[:100]!r}: {ctx.method} lists everything in "
                                           f"one page and gives no nextCursor; send it without a cursor")
        return result


__all__ = ["PlainRefusals", "said"]
