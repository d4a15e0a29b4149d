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
- An object that holds a key twice (`{"question": "a", "question": "b"}`) is a 400 naming the key, where the
  decoder kept the last silently (RFC 8259: what a receiver makes of it is unpredictable).
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, SerializationException
from litestar.types import Scope

from rag.http.problems import said
from rag.wording import lone_surrogate


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
            decoded = await super().json()
        except RecursionError:
            raise SerializationException("it is nested too deeply") from None
        except SerializationException as exc:
            body = await self.body()
            if (lone := lone_surrogate(body)) is not None:
                raise SerializationException(lone) from None
            why = next((why for mark, why in _NOT_UTF8 if body.startswith(mark)), None)
            if why is None and b"\x00" in body[:4]:  # JSON's first character, '{' or '[', in UTF-16 or UTF-32
                why = "it is UTF-16 or UTF-32 (zero bytes where it begins): send UTF-8"
            if why is not None:
                raise SerializationException(why) from None
            raise reworded_decoding(exc) from None
        try:
            key = duplicate_key(await self.body(), decoded)
        except RecursionError:  # the decoder that keeps every pair takes a few levels less than msgspec
            raise SerializationException("it is nested too deeply") from None
        if key is not None:
            raise said(400, twice(key))
        return decoded


# What the decoder says of a body it cannot read, and what to fix instead: it said "Number out of range - at `$[...]`"
# (a path that names no field), "Input data was truncated" and "Invalid UTF-8 encoded string" (of a body sent in
# Latin-1, whatever charset its Content-Type named). Its other messages say what is wrong and where ("JSON is
# malformed: trailing comma in object (byte 7)").
_DECODER_SAID = (("Input data was truncated", "it ends before its JSON value does (a string, object or list left "
                                              "open: a body cut short?)"),
                 ("Number out of range", "a number is out of range (beyond what a 64-bit float holds, about 1.8e308)"),
                 ("Invalid UTF-8 encoded string", "it holds bytes that are not UTF-8: JSON is sent in UTF-8 (RFC "
                                                  "8259), whatever charset the Content-Type names"))


def reworded_decoding(exc: SerializationException) -> SerializationException:
    """`exc`, the decoder's refusal of a body, with its message in the API's words where the decoder's says nothing a
    client can act on (`_DECODER_SAID`)."""
    said_ = str(exc.detail)
    return next((SerializationException(why) for start, why in _DECODER_SAID if said_.startswith(start)), exc)


def twice(key: str) -> str:
    """What to fix in a body one of whose objects holds `key` twice."""
    shown = key if len(key) <= 100 else key[:100] + "..."
    return f"the request body holds the key {shown!r} twice in one object: send each key once"


class _Twice(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict; raises `_Twice` at a key seen before in it."""
    decoded: dict[str, Any] = {}
    for key, value in pairs:
        if key in decoded:
            raise _Twice(key)
        decoded[key] = value
    return decoded


# A body larger than this is not checked: requests people write are far smaller, and a second decode of a 1 MB body
# of small objects with colons in its strings took 8 times the first's event-loop time (163 ms against 20).
CHECKED_BYTES = 64 * 1024
# one decoder: `json.loads` with a hook makes one a call, twice the time of decoding a question
_PAIRS = json.JSONDecoder(object_pairs_hook=_once)


def duplicate_key(body: bytes, decoded: Any) -> str | None:
    """The first key an object of the JSON `body` (decoded as `decoded`) holds twice, None when none does.

    Each key of an object is followed by a colon: a body with no more colons than its decoded objects hold keys
    cannot hold one twice, which is all the common case costs (a count of bytes, and a walk of the nested objects
    and lists). Only a body with more colons (some in strings, or a key twice) is decoded again, keeping every
    pair. A body over `CHECKED_BYTES` is not checked (None). Raises `RecursionError` when that decode nests too
    deep (with its hook, a few levels less than the first decode took): no key is then known to be held once."""
    if len(body) > CHECKED_BYTES:
        return None
    colons = body.count(b":")
    if colons == 0 or (isinstance(decoded, dict) and colons == len(decoded)) or colons == _keys(decoded):
        return None
    try:
        _PAIRS.decode(body.decode())
    except _Twice as found:
        return found.key
    except ValueError:  # UnicodeDecodeError is one
        pass
    return None


def _keys(decoded: Any) -> int:
    """How many keys the objects of a decoded JSON value hold, nested ones included (no recursion: a body may nest
    as deep as the decoder takes)."""
    count, pending = 0, [decoded]
    while pending:  # a decoder's own dicts and lists: `type() is`, a third of the time of isinstance and filtering
        value = pending.pop()
        if type(value) is dict:
            count += len(value)
            pending += value.values()
        elif type(value) is list:
            pending += value
    return count


__all__ = ["BoundedRequest", "duplicate_key", "is_json", "refuse_coded", "twice"]
