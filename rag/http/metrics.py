"""Prometheus metrics, served at `/metrics` by Litestar's Prometheus plugin (over `prometheus_client`).

The plugin's middleware counts requests and times them by method, route template and status, and counts those
under way by method and route template (they have no status yet):

    rag_requests_total, rag_request_duration_seconds, rag_requests_error_total; rag_requests_in_progress

Every label takes a bounded set of values: a route template, never a raw path; a method of RFC 9110 or PATCH, any
other `_OTHER` (as OpenTelemetry's HTTP conventions say), since a mounted app (`/mcp`) is handed whatever method
the HTTP parser accepts, and h11 accepts any token: one time series per made-up method, for ever.

and this module adds what only `rag` knows:

    rag_encode_batch_size          histogram: questions embedded together (the micro-batcher's batches)
    rag_index_passages             gauge: passages in the index being served
    rag_index_build_seconds        gauge: how long the served index took to build
    rag_index_built_timestamp_seconds   gauge: when it was built (Unix time)
    rag_ready                      gauge: 1 when `/readyz` answers 200, else 0 (no index, or the served build's
                                   folder is gone from the index folder; the log and `/readyz` say which)
    rag_reload_failed              gauge: 1 while the build the `current` link names was refused (damaged, another
                                   model) and an older one is served, or none could be; else 0 (`/readyz`'s detail
                                   says why, and `/readyz` itself still answers 200 when an older build is served)
    rag_model_info{model}          gauge: 1, labelled with the model that reads the questions (none before a build
                                   is served; under `RAG_MODEL=auto`, the served build's, which a reload may change)
    rag_queue_questions, rag_queue_tokens   gauges: questions waiting to be searched, and their estimated tokens
    rag_mcp_tool_calls_total{profile,tool,outcome}   counter: MCP tool calls (`tools/call`) by profile (`tools` at
                                   `/mcp`, `connector` at `/mcp/connector`), tool (one the profile serves, any
                                   other name `_OTHER`) and outcome: `ok`, `error` (the tool answered with an error
                                   result: no index, a failed search, an argument it refused) or `refused` (a
                                   JSON-RPC error: an unknown tool, malformed params): an MCP request answers HTTP
                                   200 whatever its outcome, so `rag_requests_total` cannot tell failing agents apart
    rag_refusals_total{reason}     counter: what the server refused or dropped since it started: connections
                                   (`connections`, `idle_closed`, `client_connections`, `head_size`, `head_time`,
                                   `body_time`, `malformed`, `coding`, `send_time`: `rag.http.refusals`), requests
                                   from addresses that sent too many wrong keys (`key_failures`: `rag.http.auth`)
                                   and searches
                                   (`queue_full`, `queue_tokens`, `client_share`, `deadline`, `too_much_work`,
                                   `deadline_missed`: `rag.serving.batcher`)

The plugin keeps its request metrics in `prometheus_client`'s default registry (one per process, whatever the
apps); the metrics below belong to one app (`AppMetrics`, made by `create_app` and kept on `app.state.metrics`),
each in a registry of its own that reads that app's runtime, and `/metrics` serves both registries.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import anyio
from litestar import Request, get
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController, PrometheusMiddleware
from litestar.response import Response
from litestar.types import Scope
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from rag.http.refusals import TALLIES
from rag.index.store import Index
from rag.search.conversation import context_text
from rag.search.searcher import Query
from rag.serving.runtime import Runtime

R = TypeVar("R")
# The methods a `method` label names as they are; any other is `_OTHER`.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})


class ToolCalls:
    """An MCP server middleware counting its `tools/call` requests by tool and outcome (`rag_mcp_tool_calls_total`):
    a tool the server lists by its name, any other `_OTHER`, so that made-up names add no time series."""

    def __init__(self, server: MCPServer, counter: Counter, profile: str) -> None:
        self._server, self._counter, self._profile = server, counter, profile
        self._names: frozenset[str] | None = None

    async def __call__(self, ctx: ServerRequestContext, call_next: CallNext) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        if self._names is None:
            self._names = frozenset(tool.name for tool in await self._server.list_tools())
        name = (ctx.params or {}).get("name")
        tool = name if isinstance(name, str) and name in self._names else "_OTHER"
        try:
            result = await call_next(ctx)
        except Exception:
            self._counter.labels(self._profile, tool, "refused").inc()
            raise
        failed = result.get("isError") if isinstance(result, dict) else getattr(result, "isError", False)
        self._counter.labels(self._profile, tool, "error" if failed else "ok").inc()
        return result


def _built_at(index: Index) -> float:
    stamp = index.manifest.get("built_at")
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return float("nan")


class AppMetrics:
    """What only `rag` knows, for one app: its model calls' batch sizes, and gauges read from its runtime at each
    scrape (so that they follow index reloads)."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.encode_batch_size = Histogram(
            "rag_encode_batch_size", "Questions embedded together (one micro-batch).",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256), registry=registry)
        self.index_passages = Gauge("rag_index_passages", "Passages in the index being served (NaN: no index loaded).",
                                    registry=registry)
        self.index_build_seconds = Gauge(
            "rag_index_build_seconds", "Seconds the served index took to build (NaN: unknown).", registry=registry)
        self.index_built = Gauge("rag_index_built_timestamp_seconds",
                                 "When the served index was built, Unix time (NaN: unknown).", registry=registry)
        self.ready = Gauge("rag_ready", "1 when /readyz answers 200, else 0: no index served, or its build folder is "
                                        "gone.", registry=registry)
        self.reload_failed = Gauge(
            "rag_reload_failed", "1 while the build the current link names was refused (damaged, another model): an "
                                 "older one is served, or none; /readyz's detail says why. Else 0.", registry=registry)
        self.queue_questions = Gauge("rag_queue_questions", "Questions waiting to be searched.", registry=registry)
        self.queue_tokens = Gauge("rag_queue_tokens", "Estimated tokens of the questions waiting.", registry=registry)
        self.tool_calls = Counter("rag_mcp_tool_calls", "MCP tool calls by profile, tool and outcome (ok, error: "
                                                        "an error result, refused: a JSON-RPC error).",
                                  ["profile", "tool", "outcome"], registry=registry)
        self._runtime: Runtime | None = None
        self.rendering = anyio.Lock()  # one scrape rendered at a time: a client scraping in a loop takes one thread
        registry.register(self)  # rag_refusals_total, read at each scrape (`collect`)

    def observe_batches(self, search: Callable[[Sequence[Query]], R]) -> Callable[[Sequence[Query]], R]:
        """`search` (a batch function for the micro-batcher), recording how many questions each call embeds."""
        histogram = self.encode_batch_size

        def observed(queries: Sequence[Query]) -> R:
            # every mode's question is embedded (`answerable` reads both retrievers), and a conversation's earlier
            # messages with it (`Searcher.embed`)
            encoded = len(queries) + sum(bool(context_text(q.context)) for q in queries)
            if encoded:
                histogram.observe(encoded)
            return search(queries)

        return observed

    def count_tool_calls(self, server: MCPServer, profile: str) -> MCPServer:
        """`server`, its tool calls counted in `rag_mcp_tool_calls_total` under `profile`."""
        server.middleware.append(ToolCalls(server, self.tool_calls, profile))
        return server

    def watch(self, runtime: Runtime) -> None:
        """Read the index and readiness gauges from `runtime` at each scrape."""

        def read(value: Callable[[Index], float]) -> Callable[[], float]:
            def get() -> float:
                searcher = runtime.searcher
                return float("nan") if searcher is None else value(searcher.index)
            return get

        self.index_passages.set_function(read(lambda index: float(len(index))))
        self.index_build_seconds.set_function(
            read(lambda index: float(index.manifest.get("build_seconds", float("nan")))))
        self.index_built.set_function(read(_built_at))
        self.ready.set_function(lambda: float(runtime.ready()))
        self.reload_failed.set_function(
            lambda: float(runtime.reloader is not None and runtime.reloader.failure is not None))
        self.queue_questions.set_function(lambda: float(_pending(runtime)[0]))
        self.queue_tokens.set_function(lambda: float(_pending(runtime)[1]))
        self._runtime = runtime

    def describe(self) -> list[CounterMetricFamily | GaugeMetricFamily]:
        return [CounterMetricFamily("rag_refusals", _REFUSALS, labels=["reason"]),
                GaugeMetricFamily("rag_model_info", _MODEL, labels=["model"])]

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        """`rag_refusals_total`: the server's refusals (this process's) and this app's queue's, by reason; and
        `rag_model_info`, the model served."""
        searcher = self._runtime.searcher if self._runtime is not None else None
        model = GaugeMetricFamily("rag_model_info", _MODEL, labels=["model"])
        if searcher is not None:
            model.add_metric([searcher.model_of(searcher.index)], 1)
        yield model
        family = CounterMetricFamily("rag_refusals", _REFUSALS, labels=["reason"])
        for reason, tally in TALLIES.items():
            family.add_metric([reason], tally.total)
        batcher = self._runtime.batcher if self._runtime is not None else None
        for reason in QUEUE_REFUSALS:
            family.add_metric([reason], batcher.refused[reason] if batcher is not None else 0)
        yield family


_REFUSALS = "Requests and connections refused or dropped since the process started, by reason."
_MODEL = "1, labelled with the embedding model that reads the questions (RAG_MODEL=auto: the served build's)."
# every reason the queue counts (`MicroBatcher.refused`), listed so that each series exists from the start
QUEUE_REFUSALS = ("queue_full", "queue_tokens", "client_share", "deadline", "too_much_work", "deadline_missed")


def _pending(runtime: Runtime) -> tuple[int, int]:
    return runtime.batcher.pending if runtime.batcher is not None else (0, 0)


class RouteMetrics(PrometheusMiddleware):
    """The plugin's middleware, labelling a mounted app (`/mcp`) by its mount path (the plugin gives it ""), a HEAD
    served as GET (`rag.http.app.head_as_get`) as HEAD, a method outside `KNOWN_METHODS` as `_OTHER`, and requests
    in progress without a status."""

    def _get_default_labels(self, request: Any) -> dict[str, str | int | float]:
        labels = super()._get_default_labels(request)
        # No status yet: the plugin adds the response's once it is sent, after it has counted the request out of
        # `rag_requests_in_progress`, which it made with these labels (else every request under way is a "200").
        del labels["status_code"]
        scope: Scope = request.scope
        handler = scope.get("route_handler")
        if getattr(handler, "is_mount", False):
            labels["path"] = next(iter(handler.paths))
        asked = scope.get("state", {}).get("method_asked")
        if asked:
            labels["method"] = asked
        if scope["type"] == "http" and labels["method"] not in KNOWN_METHODS:
            labels["method"] = "_OTHER"
        return labels


def config() -> PrometheusConfig:
    """Request metrics labelled by route template (`/v1/passages/{passage_id}`), never by raw path: a path
    per passage id would make one time series per id."""
    return PrometheusConfig(app_name="rag", prefix="rag", group_path=True, middleware_class=RouteMetrics)


class MetricsController(PrometheusController):
    """`GET /metrics`: Prometheus text format, the process's request metrics and the app's own."""

    path = "/metrics"
    include_in_schema = False

    @get()
    async def get(self, request: Request) -> Response:
        """Rendered in a worker thread, one scrape at a time: a few ms to tens of ms of pure Python a scrape (more
        with every route and status seen), which on the event loop every other request waited for, each time."""
        own: AppMetrics = request.app.state.metrics
        async with own.rendering:
            body = await anyio.to_thread.run_sync(lambda: generate_latest(REGISTRY) + generate_latest(own.registry))
        return Response(body, status_code=200, headers={"Content-Type": CONTENT_TYPE_LATEST})


__all__ = ["KNOWN_METHODS", "AppMetrics", "MetricsController", "ToolCalls", "config"]
