"""An attached message (message/rfc822) sent base64- or quoted-printable-encoded, as some clients send one though
RFC 2046 allows only 7bit, 8bit and binary: its bytes decoded, for the .eml reader to parse as a file's.

The library parses such a part's encoded text as the message: base64 as a message without header lines (base64 has
no colon), quoted-printable as one whose "=3D", "=C3=A9" and soft line breaks are still there, a header line the
encoding broke in two ending its headers early.
"""

from __future__ import annotations

import binascii
from email.errors import MissingHeaderBodySeparatorDefect
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from email.policy import default
from io import BytesIO

_VERBATIM = default.clone(max_line_length=0)  # header lines written as read, never folded again


def transfer_encoding(part: Message) -> str:
    """A part's Content-Transfer-Encoding, lower case, "" where it has none."""
    return str(part.get("content-transfer-encoding", "")).strip().lower()


def encoded_message(part: Message, inner: EmailMessage) -> bytes | None:
    """The decoded bytes of `inner`, the message the library parsed from the attached message `part`, where `part` is
    sent base64- or quoted-printable-encoded; None for any other (read as the library parsed it). Linear in its size.
    Raises `ValueError` for base64 that cannot be decoded."""
    encoding = transfer_encoding(part)
    if encoding == "quoted-printable":
        return binascii.a2b_qp(_source(inner))
    payload = inner.get_payload()
    if encoding != "base64" or bool(inner.keys()) or not isinstance(payload, str):
        return None
    try:  # not strict: line breaks and stray characters skipped, as the library's own decoding does
        return binascii.a2b_base64(payload.encode("ascii", errors="ignore"))
    except binascii.Error as exc:
        raise ValueError(f"damaged base64: {exc}") from exc


def _source(message: EmailMessage) -> bytes:
    """The bytes the library parsed `message` from, as it keeps them: its header lines as written, its body's text
    (a multipart's parts between its boundaries); no blank line after the headers where the file had none (a header
    line broken by the encoding ended them: the library reads the rest as the body)."""
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=_VERBATIM).flatten(message)
    data = out.getvalue()
    head = sum(len(_VERBATIM.fold_binary(name, value)) for name, value in message.raw_items())
    if any(isinstance(defect, MissingHeaderBodySeparatorDefect) for defect in message.defects):
        return data[:head] + data[head + len(_VERBATIM.linesep):]
    return data


__all__ = ["encoded_message", "transfer_encoding"]
