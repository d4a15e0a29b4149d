"""Prometheus metrics, served at `/metrics` by Litestar's Prometheus plugin (over `prometheus_client`).

The plugin's middleware counts requests and times them by method, route template and status:

    rag_requests_total, rag_request_duration_seconds, rag_requests_in_progress, rag_requests_error_total

and this module adds what only `rag` knows:

    rag_encode_batch_size          histogram: questions embedded per model call (the micro-batcher's batches)
    rag_index_passages             gauge: passages in the index being served
    rag_index_build_seconds        gauge: how long the served index took to build
    rag_index_built_timestamp_seconds   gauge: when it was built (Unix time)
    rag_ready                      gauge: 1 when `/readyz` answers 200, else 0 (no index, or the served build's
                                   folder is gone from the index folder; the log and `/readyz` say which)

`prometheus_client` keeps metrics in one registry per process (the plugin uses the default one), so the metrics
below are module-level, and the index gauges read whichever app called `watch_index` last: one app per process,
as `rag serve` runs it.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from litestar.plugins.prometheus import PrometheusConfig, PrometheusController, PrometheusMiddleware
from litestar.types import Scope
from prometheus_client import Gauge, Histogram

from rag.index.store import Index
from rag.search.searcher import Query

R = TypeVar("R")

ENCODE_BATCH_SIZE = Histogram(
    "rag_encode_batch_size", "Questions embedded in one model call (one micro-batch).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256))
INDEX_PASSAGES = Gauge("rag_index_passages", "Passages in the index being served (NaN: no index loaded).")
INDEX_BUILD_SECONDS = Gauge("rag_index_build_seconds", "Seconds the served index took to build (NaN: unknown).")
INDEX_BUILT = Gauge("rag_index_built_timestamp_seconds", "When the served index was built, Unix time (NaN: unknown).")
READY = Gauge("rag_ready", "1 when /readyz answers 200, else 0: no index served, or its build folder is gone.")


def observe_batches(search: Callable[[Sequence[Query]], R]) -> Callable[[Sequence[Query]], R]:
    """`search` (a batch function for the micro-batcher), recording how many questions each call embeds."""

    def observed(queries: Sequence[Query]) -> R:
        encoded = sum(q.mode != "lexical" for q in queries)  # lexical-only questions skip the model
        if encoded:
            ENCODE_BATCH_SIZE.observe(encoded)
        return search(queries)

    return observed


def _built_at(index: Index) -> float:
    stamp = index.manifest.get("built_at")
    try:
        return float(calendar.timegm(time.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        return float("nan")


def watch_index(current: Callable[[], Index | None]) -> None:
    """Read the index gauges from `current()` at each scrape, so that they follow index reloads."""

    def read(value: Callable[[Index], float]) -> Callable[[], float]:
        def get() -> float:
            index = current()
            return float("nan") if index is None else value(index)
        return get

    INDEX_PASSAGES.set_function(read(lambda index: float(len(index))))
    INDEX_BUILD_SECONDS.set_function(read(lambda index: float(index.manifest.get("build_seconds", float("nan")))))
    INDEX_BUILT.set_function(read(_built_at))


def watch_readiness(ready: Callable[[], bool]) -> None:
    """Read the readiness gauge from `ready()` at each scrape."""
    READY.set_function(lambda: float(ready()))


class RouteMetrics(PrometheusMiddleware):
    """The plugin's middleware, labelling a mounted app (`/mcp`) by its mount path (the plugin gives it "")."""

    def _get_default_labels(self, request: Any) -> dict[str, str | int | float]:
        labels = super()._get_default_labels(request)
        scope: Scope = request.scope
        handler = scope.get("route_handler")
        if getattr(handler, "is_mount", False):
            labels["path"] = next(iter(handler.paths))
        return labels


def config() -> PrometheusConfig:
    """Request metrics labelled by route template (`/v1/passages/{passage_id}`), never by raw path: a path
    per passage id would make one time series per id."""
    return PrometheusConfig(app_name="rag", prefix="rag", group_path=True, middleware_class=RouteMetrics)


class MetricsController(PrometheusController):
    """`GET /metrics`: Prometheus text format."""

    path = "/metrics"
    include_in_schema = False


__all__ = ["ENCODE_BATCH_SIZE", "INDEX_BUILD_SECONDS", "INDEX_BUILT", "INDEX_PASSAGES", "READY", "MetricsController",
           "config", "observe_batches", "watch_index", "watch_readiness"]
