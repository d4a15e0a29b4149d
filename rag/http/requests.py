"""The request class of the HTTP edge: what Litestar's own does, with a body decoder that refuses more cleanly.

- A body whose `Content-Type` names something else than JSON (`text/plain`, a form) is a 415: Litestar would decode
  it as JSON all the same, and a web page may send those to any origin without a CORS preflight. A body with no
  `Content-Type` is read as JSON, as scripts often send it (`requests.post(url, data=...)`): a page that sends one
  across origins says its `Origin`, which `rag.http.hosts` refuses.
- JSON nested deeper than the decoder's recursion limit (about 990 levels with msgspec) is a malformed body (400),
  as any other JSON that cannot be decoded, and not a RecursionError (500).
- A string holding a lone UTF-16 surrogate escape (`"\\ud800"`, no Unicode character) is a 400 that says so, where
  msgspec says "Input data was truncated".
- A body sent compressed (`Content-Encoding: gzip`, any coding but `identity`) is a 415 that says to send it as it
  is, where it was read as JSON all the same: "invalid character (byte 0)". So is one in UTF-16 or UTF-32, or with
  a byte order mark in front (a 400 that names it), where JSON is UTF-8 (RFC 8259).
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, SerializationException
from litestar.types import Scope


def is_json(media_type: str) -> bool:
    """Whether a `Content-Type` (without its parameters) names JSON: `application/json` or `application/*+json`."""
    kind = media_type.strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def refuse_coded(scope: Scope) -> None:
    """Raise a 415 when the request's headers say its body is compressed (`Content-Encoding` other than `identity`):
    this server reads bodies as they are."""
    coding = ",".join(value.decode("latin-1") for name, value in scope.get("headers", ())
                      if name == b"content-encoding").strip().lower()
    if coding and coding != "identity":
        raise HTTPException(status_code=415, headers={"Accept-Encoding": "identity"},
                            detail=f"the request body must be sent uncompressed (got Content-Encoding: "
                                   f"{coding[:100]}): leave out the Content-Encoding header and the compression")


# a byte order mark, and the encoding it names: JSON is UTF-8, without one (RFC 8259)
_NOT_UTF8 = ((b"\xef\xbb\xbf", "it starts with a byte order mark (EF BB BF): send UTF-8 without one"),
             (b"\xff\xfe", "it is UTF-16 or UTF-32 (a byte order mark, FF FE): send UTF-8"),
             (b"\xfe\xff", "it is UTF-16 (a byte order mark, FE FF): send UTF-8"),
             (b"\x00\x00\xfe\xff", "it is UTF-32 (a byte order mark, 00 00 FE FF): send UTF-8"))


class BoundedRequest(Request[Any, Any, Any]):
    """A request whose JSON body must say it is JSON, and cannot fail to decode with a 500."""

    async def json(self) -> Any:
        media_type, _ = self.content_type
        if media_type and not is_json(media_type):
            shown = media_type[:100]
            raise HTTPException(status_code=415, detail=f"the request body must be JSON, sent with "
                                                        f"`Content-Type: application/json` (got {shown})")
        refuse_coded(self.scope)
        try:
            return await super().json()
        except RecursionError:
            raise SerializationException("it is nested too deeply") from None
        except SerializationException:
            body = await self.body()
            if _holds_lone_surrogate(body):
                raise SerializationException("a string holds a lone UTF-16 surrogate escape (\\ud800 to \\udfff "
                                             "without its pair), which is no Unicode character: send the character "
                                             "itself, or its pair of escapes") from None
            said = next((said for mark, said in _NOT_UTF8 if body.startswith(mark)), None)
            if said is None and b"\x00" in body[:4]:  # JSON's first character, '{' or '[', in UTF-16 or UTF-32
                said = "it is UTF-16 or UTF-32 (zero bytes where it begins): send UTF-8"
            if said is not None:
                raise SerializationException(said) from None
            raise


def _holds_lone_surrogate(body: bytes) -> bool:
    """Whether `body` is JSON but for a lone surrogate escape, which Python's decoder takes and msgspec's refuses
    (saying the input is truncated)."""
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        return False
    try:
        json.dumps(decoded, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


__all__ = ["BoundedRequest", "is_json", "refuse_coded"]
