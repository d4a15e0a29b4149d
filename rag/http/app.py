"""The HTTP edge: `create_app` assembles a Litestar app over a `Runtime` (rag.serving.runtime), its routes
(rag.http.routes), OpenAI's vector store routes (rag.http.vector_stores), the passage pages (rag.http.pages), the MCP
tools at `/mcp` and the connector profile at `/mcp/connector`, metrics, and the one error handler (rag.http.problems).

Errors of every kind are mapped in one table and leave as RFC 9457 problem details (`application/problem+json`),
except under `/v1/vector_stores`, where they take OpenAI's error shape for the OpenAI client, and under `/mcp`, where
they are JSON-RPC errors for MCP clients.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.pydantic import PydanticPlugin
from litestar.router import Router
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from rag.http import metrics, pages, routes, vector_stores
from rag.http.auth import ClientMiddleware, KeyFailures, KeyRings, api_key_guard
from rag.http.hosts import HostCheckMiddleware, HostSyntaxMiddleware, allowed_hosts
from rag.http.mcp import PREFIX as MCP_PREFIX
from rag.http.mcp import HttpTransport, mount
from rag.http.mcp import error_body as jsonrpc_error
from rag.http.openapi import describe_limits, describe_security, operation_id, swagger_ui
from rag.http.problems import error_handler
from rag.http.requests import BoundedRequest
from rag.logs import RequestContextMiddleware, add_request_id
from rag.mcp.connector import build_connector
from rag.mcp.tools import build_server
from rag.search.searcher import Searcher
from rag.serving.runtime import Runtime
from rag.settings import Settings


@asynccontextmanager
async def _serving(app: Litestar) -> AsyncIterator[None]:
    """The app's lifespan: its runtime serves while the app runs."""
    runtime: Runtime = app.state.runtime
    async with runtime.running():
        yield


def _runtime(state: State) -> Runtime:
    return state.runtime


def head_as_get(handler: ASGIApp, streamed: tuple[str, ...] = ("/mcp",)) -> ASGIApp:
    """`handler` answering HEAD on every GET route with the headers GET would send (Content-Length included) and
    no body, as HTTP asks of every server (RFC 9110, 9.3.2). Litestar routes HEAD only to handlers of its own,
    which cannot tell the length of a body they never make. Paths under `streamed` (an MCP stream stays open) keep
    Litestar's answer. The access record still says HEAD."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "HEAD" or scope["path"].startswith(streamed):
            await handler(scope, receive, send)
            return
        scope.setdefault("state", {})["method_asked"] = "HEAD"

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await handler(cast("Scope", {**scope, "method": "GET"}), receive, headers_only)

    return handle


def create_app(settings: Settings | None = None, *, searcher: Searcher | None = None) -> Litestar:
    """Assemble the app. Without `searcher`, the model and the index are loaded at start-up.

    A missing index leaves the app running but not ready (503 on `/readyz` and searches); a damaged index or a
    model mismatch stops start-up with the reason.
    """
    settings = settings or Settings()
    app_metrics = metrics.AppMetrics()
    runtime = Runtime(settings, searcher, observe=app_metrics.observe_batches)
    app_metrics.watch(runtime)
    # Without API keys the guard admits everyone: leave it out, as Litestar copies the route handler for each guard
    # call, on every request (a tenth of the event loop's time per search).
    key_guards = [api_key_guard] if settings.api_keys else []
    mcp = HttpTransport(app_metrics.count_tool_calls(
        build_server(settings, runtime.submit, runtime.passage, runtime.index), "tools"), settings, "/mcp")
    connector = HttpTransport(app_metrics.count_tool_calls(
        build_connector(settings, runtime.submit, runtime.passage, runtime.index), "connector"), settings,
        "/mcp/connector")
    swagger_page, swagger_files = swagger_ui()
    hosts = allowed_hosts(settings)
    errors = error_handler({vector_stores.PREFIX: vector_stores.error_body, MCP_PREFIX: jsonrpc_error})
    host_check = [] if hosts is None else [HostCheckMiddleware(hosts, settings.cors_origins, errors)]
    app = Litestar(
        route_handlers=[routes.api(key_guards), vector_stores.router(key_guards), pages.router(key_guards),
                        *routes.PROBES, mount([mcp, connector], key_guards), metrics.MetricsController,
                        swagger_files],
        lifespan=[_serving, mcp.lifespan, connector.lifespan],
        dependencies={"runtime": Provide(_runtime, sync_to_thread=False)},
        # metrics outside the host check: a flood of refused Hosts (421) or Origins (403) shows in them
        # a Host that is no host[:port] first: everything after reads the request's URL, which it makes unreadable
        middleware=[HostSyntaxMiddleware(), RequestContextMiddleware(), metrics.config().middleware, *host_check,
                    ClientMiddleware(bool(settings.api_keys))],
        before_send=[add_request_id],
        request_class=BoundedRequest,
        state=State({"settings": settings, "key_rings": KeyRings.from_settings(settings), "runtime": runtime,
                     "key_failures": KeyFailures(settings.max_key_failures, settings.key_failure_window_seconds),
                     "metrics": app_metrics}),
        exception_handlers={Exception: errors},
        request_max_body_size=settings.max_body_bytes,
        plugins=[PydanticPlugin(validate_strict=True)],  # JSON types as declared: `"k": "5"`, `"explain": 1` are 422s
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        openapi_config=OpenAPIConfig(
            title="rag", version="1", path="/schema", operation_id_creator=operation_id,
            use_handler_docstrings=True,  # each route's description: what it returns, for agents and generators
            # registered before the render plugins' own catch-all, which answers an HTML page
            openapi_router=Router("/schema", route_handlers=[routes.schema_not_found], include_in_schema=False),
            description="Retrieval API: the passages of a corpus that best answer a question, with citations.",
            render_plugins=[swagger_page, JsonRenderPlugin()],
        ),
        logging_config=None,  # Litestar's records go to the root handlers, formatted as all others (rag.logs)
        debug=False,
    )
    app.asgi_handler = head_as_get(app.asgi_handler)
    describe_limits(app.openapi_schema, settings)
    describe_security(app, settings)
    vector_stores.describe_routes(app.openapi_schema, settings)
    return app


__all__ = ["create_app"]
