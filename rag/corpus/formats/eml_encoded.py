"""An attached message (message/rfc822) sent base64- or quoted-printable-encoded, as some clients send one though
RFC 2046 allows only 7bit, 8bit and binary: kept as its encoded text when the file is parsed (`POLICY`), its bytes
decoded, for the .eml reader to parse as a file's.

The library would parse such a part's encoded text as the message, losing lines of it for good: base64 as a message
without header lines, quoted-printable with its soft line breaks still there, a header line the encoding broke in two
ending its headers early or dropped (a break before a colon: a line ":00:00" has no header name).
"""

from __future__ import annotations

import binascii
from email.message import EmailMessage, Message
from email.policy import default

_ENCODINGS = ("base64", "quoted-printable")


def transfer_encoding(part: Message) -> str:
    """A part's Content-Transfer-Encoding, lower case, "" where it has none."""
    return str(part.get("content-transfer-encoding", "")).strip().lower()


class _Message(EmailMessage):
    """A message whose part of type message/* sent encoded keeps its encoded text as its payload: the library's
    parser descends into a part whose main type is "message", read here as "application" for such a part."""

    def get_content_maintype(self) -> str:
        maintype = super().get_content_maintype()
        return "application" if maintype == "message" and transfer_encoding(self) in _ENCODINGS else maintype


POLICY = default.clone(message_factory=_Message)  # the library's default, encoded attached messages kept encoded


def encoded_text(part: Message) -> str | None:
    """The encoded text of `part`, an attached message sent base64- or quoted-printable-encoded, parsed with `POLICY`
    (a byte outside ASCII as its charset or U+FFFD reads it); None for any other."""
    payload = part.get_payload()
    return payload if transfer_encoding(part) in _ENCODINGS and isinstance(payload, str) else None


def raw_payload(part: Message) -> bytes:
    """The payload of `part`, not a multipart, as its bytes are in the file: the library keeps them as text, a byte
    outside ASCII as a lone surrogate, which `get_payload()` reads as the part's declared charset (U+FFFD for one it
    cannot, UTF-7 making words of what has none)."""
    payload = getattr(part, "_payload", None)
    return payload.encode("utf-8", errors="surrogateescape") if isinstance(payload, str) else b""


def decoded(part: Message, text: str) -> bytes:
    """`text`, the `encoded_text` of `part`, decoded (quoted-printable from the bytes as in the file: an 8-bit byte
    among them kept; a message labelled base64 but sent unencoded, its bytes as in the file, not `text`). Linear in
    its size. Raises `ValueError` for base64 that cannot be decoded."""
    if transfer_encoding(part) == "quoted-printable":
        data = part.get_payload(decode=True)
        return data if isinstance(data, bytes) else b""
    if ":" in text[:1000].lstrip().split("\n", 1)[0]:  # a header line labelled base64: base64 has no colon
        return raw_payload(part)
    try:  # not strict: line breaks and stray characters skipped, as the library's own decoding does
        return binascii.a2b_base64(text.encode("ascii", errors="ignore"))
    except binascii.Error as exc:
        raise ValueError(f"damaged base64: {exc}") from exc


__all__ = ["POLICY", "decoded", "encoded_text", "raw_payload", "transfer_encoding"]
