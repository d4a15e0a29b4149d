"""Asking a running `rag serve` instead of loading the model: what `rag search --url` calls.

The server has the model and the index loaded already: a question costs one request (milliseconds) where a local
`rag search` loads both (seconds). Standard library only (`urllib`), so the CLI's client side needs nothing more.
Errors come back as the project's own: a refused question as `InvalidQuery` (what to fix, from the server's problem
detail), a refused key or an unreachable server as `ConfigError`, a server that cannot answer now (its queue full,
no index loaded yet: its detail says which) as `Overloaded`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from rag.errors import ConfigError, InvalidQuery, Overloaded, RagError
from rag.schemas import SearchResponse

TIMEOUT_SECONDS = 60.0
LARGEST_RESPONSE = 16_000_000  # bytes read at most: a response of k passages is far smaller


def _detail(error: urllib.error.HTTPError) -> str:
    """The problem detail the server sent (RFC 9457), else its status line."""
    try:
        body = json.loads(error.read(65_536) or b"{}")
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail) if detail else f"{error.code} {error.reason}"


def _translated(error: urllib.error.HTTPError, url: str) -> RagError:
    detail = _detail(error)
    if error.code in (400, 413, 415, 422):
        return InvalidQuery(detail)
    if error.code in (401, 403):
        return ConfigError(f"the server at {url} refused the request ({detail}): set RAG_API_KEY to one of its keys")
    if error.code in (429, 503):  # a full queue, or no index loaded yet: the server says which
        return Overloaded(f"the server at {url} cannot answer now: {detail}")
    if error.code == 404 and url.endswith("/v1"):  # the OpenAI client's base URL, which ends in /v1
        return ConfigError(f"the server at {url} answered 404 ({detail}): give --url (RAG_URL) the server's address "
                           f"without /v1, {url.removesuffix('/v1')!r}: `rag search` adds the route")
    return ConfigError(f"the server at {url} answered {error.code}: {detail}")


def search(url: str, body: dict[str, Any], *, api_key: str | None = None,
           timeout: float = TIMEOUT_SECONDS) -> SearchResponse:
    """`POST {url}/v1/search` with `body` (a `SearchRequest` as JSON), parsed as the server's `SearchResponse`."""
    base = url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"the server's address (--url, or RAG_URL) must start with http:// or https://, not {url!r}")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(f"{base}/v1/search", data=json.dumps(body).encode(), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # the scheme is checked above: no file:
            payload = response.read(LARGEST_RESPONSE + 1)
    except urllib.error.HTTPError as exc:
        raise _translated(exc, base) from None
    except (urllib.error.URLError, OSError) as exc:  # refused, unknown host, timed out
        reason = getattr(exc, "reason", exc)
        raise ConfigError(f"cannot reach a rag server at {base} ({reason}): start one with `rag serve`, or leave "
                          "out --url (RAG_URL) to search the local index") from None
    if len(payload) > LARGEST_RESPONSE:
        raise ConfigError(f"the server at {base} sent more than {LARGEST_RESPONSE:,} bytes: is it a rag server?")
    try:
        return SearchResponse.model_validate_json(payload)
    except ValueError as exc:
        if lacking := _older(payload):
            raise ConfigError(f"the server at {base} runs an older rag than this client: its response lacks "
                              f"{', '.join(lacking)}; upgrade the server, or leave out --url (RAG_URL) to search the "
                              "local index") from None
        raise ConfigError(f"the server at {base} did not answer as a rag server does: {str(exc)[:200]}") from None


def _older(payload: bytes) -> list[str]:
    """The fields this client requires that a rag server's response lacks (a server older than the client: the
    question's and the documents' languages came later than the rest), or none when `payload` is not a rag server's
    response at all or lacks nothing."""
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than `json` reads (pydantic refused it too)
        return []
    if not isinstance(body, dict) or not {"question", "passages", "answerable"} <= body.keys():
        return []
    return [name for name, field in SearchResponse.model_fields.items() if field.is_required() and name not in body]


__all__ = ["search"]
