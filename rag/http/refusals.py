"""What the server's own bounds answer before any routing (`rag.http.server`): a complete problem response that
closes the connection, and one tally a kind of refusal (the app's refusals of wrong keys, `rag.http.auth`, among
them), logged at most once a period with how many there were."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from rag.http.problems import MEDIA_TYPE, problem_body
from rag.logs import Tally

log = logging.getLogger("rag.server")
_REASONS = {400: "Bad Request", 408: "Request Timeout", 429: "Too Many Requests",
            431: "Request Header Fields Too Large", 501: "Not Implemented", 503: "Service Unavailable"}
# uvicorn's own record of each request its parser cannot read: one warning a request, which a client sending
# garbage turns into a flood; the "malformed" tally below logs them instead, counted.
UVICORN_MALFORMED = "Invalid HTTP request received."
# A body in a transfer coding other than chunked (RFC 9112, 6.1: a 501): httptools read `gzip, chunked` as chunked,
# the app decoding the compressed bytes as JSON; h11 refused it as any malformed request, a 400 that named nothing
UNKNOWN_CODING = ("the request body is sent in a transfer coding this server does not decode (a Transfer-Encoding "
                  "other than `chunked` alone): send it uncompressed, with `Transfer-Encoding: chunked` or a "
                  "Content-Length")


def unknown_coding(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a head's `Transfer-Encoding` names any coding but `chunked` (once): `gzip, chunked`, or two headers.
    Empty list elements (`, chunked`, `chunked,`) are no coding: a recipient must accept them (RFC 9110, 5.6.1)."""
    codings = b",".join(value for name, value in headers if name == b"transfer-encoding").split(b",")
    named = [coding.strip(b" \t").lower() for coding in codings if coding.strip(b" \t")]
    return bool(named) and named != [b"chunked"]


def refusal(status: int, detail: str, retry_after: int | None = None) -> bytes:
    """A complete HTTP/1.1 problem response that closes the connection."""
    body = json.dumps(problem_body(status, detail, "")).encode()
    retry = f"retry-after: {retry_after}\r\n" if retry_after else ""
    return (f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: {MEDIA_TYPE}\r\ncontent-length: {len(body)}\r\n"
            f"{retry}connection: close\r\n\r\n").encode() + body


def _tally(message: str) -> Tally:
    return Tally(message, log)


TALLIES = {
    "connections": _tally("refused connections past RAG_MAX_CONNECTIONS (503)"),
    "idle_closed": _tally("closed idle connections (no request under way) to make room for new ones past "
                          "RAG_MAX_CONNECTIONS"),
    "client_connections": _tally("refused connections past RAG_MAX_CONNECTIONS_PER_CLIENT (429; if the address is a "
                                 "proxy's, name it in FORWARDED_ALLOW_IPS)"),
    "head_size": _tally("refused request heads (or trailer fields) over RAG_MAX_HEADER_BYTES (431)"),
    "head_time": _tally("closed connections whose request head was not complete within RAG_HEADER_TIMEOUT_SECONDS"
                        " (408)"),
    "body_time": _tally("closed connections whose request body was not complete within RAG_BODY_TIMEOUT_SECONDS "
                        "(408)"),
    "malformed": _tally("refused requests that are not valid HTTP/1.1 (400)"),
    "coding": _tally("refused request bodies in a transfer coding other than chunked (501)"),
    "send_time": _tally("dropped connections whose client did not read its response within RAG_SEND_TIMEOUT_SECONDS"),
    "key_failures": _tally("refused requests from addresses past RAG_MAX_KEY_FAILURES wrong keys within "
                           "RAG_KEY_FAILURE_WINDOW_SECONDS (429; if the address is a proxy's, name it in "
                           "FORWARDED_ALLOW_IPS)"),
}


class _Uncounted(logging.Filter):
    """Drops uvicorn's warning for each request it cannot parse: the tally logs them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != UVICORN_MALFORMED


logging.getLogger("uvicorn.error").addFilter(_Uncounted())

__all__ = ["TALLIES", "UNKNOWN_CODING", "UVICORN_MALFORMED", "refusal", "unknown_coding"]
