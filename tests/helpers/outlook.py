"""Outlook messages (.msg) for tests: compressed RTF ([MS-OXRTFCP]) written in runs of literals alone (valid LZFu:
a control byte of 0, then 8 bytes), and a message's compound file, messages attached to it nested as Outlook nests
them (`tests.helpers.cfb`)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from tests.helpers.cfb import STORAGE, Writer, properties

# the streams of a message's subject, plain, HTML and compressed RTF bodies, an attachment's file name
SUBJECT, BODY, HTML = "__substg1.0_0037001F", "__substg1.0_1000001F", "__substg1.0_10130102"
RTF, NAME = "__substg1.0_10090102", "__substg1.0_3707001F"
INITIAL_SIZE = 207  # [MS-OXRTFCP]'s initial dictionary: the first byte written goes there


def compressed_rtf(rtf: bytes, claimed: int | None = None, crc: int | None = None) -> bytes:
    """`rtf` as a PR_RTF_COMPRESSED stream of literals, ended by a reference to the write position; its header
    claiming `claimed` bytes uncompressed and checksum `crc` where given (a hostile or damaged one)."""
    body = bytearray()
    whole = len(rtf) - len(rtf) % 8
    for at in range(0, whole, 8):
        body += b"\0" + rtf[at:at + 8]
    rest = rtf[whole:]
    body += bytes([1 << len(rest)]) + rest + struct.pack(">H", ((INITIAL_SIZE + len(rtf)) % 4096) << 4)
    return header(bytes(body), len(rtf) if claimed is None else claimed, crc)


def header(body: bytes, claimed: int, crc: int | None = None, kind: bytes = b"LZFu") -> bytes:
    """A compressed RTF stream's 16-byte header over `body`, its CRC computed unless given."""
    crc = zlib.crc32(body, 0xFFFFFFFF) ^ 0xFFFFFFFF if crc is None else crc
    return struct.pack("<II4sI", len(body) + 12, claimed, kind, crc) + body


def unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


@dataclass
class Message:
    """A message's streams (name: bytes), its 32-bit properties (tag, value) and its attachments."""

    streams: dict[str, bytes]
    attachments: list[Attachment] = field(default_factory=list)
    ints: tuple[tuple[int, int], ...] = ()


@dataclass
class Attachment:
    """An attachment's streams, and the message it holds (PR_ATTACH_METHOD 5, unless `method` says another)."""

    streams: dict[str, bytes] = field(default_factory=dict)
    message: Message | None = None
    method: int | None = None


def msg_file(message: Message) -> bytes:
    """The .msg file of `message`."""
    file = Writer()
    file.children(0, entries(file, message, 32))
    return file.build()


def entries(file: Writer, message: Message, header_size: int) -> list[int]:
    """The entries of `message`'s storage, written in `file`: its properties, streams and attachments."""
    ids = [file.stream("__properties_version1.0", properties(*message.ints, header=header_size))]
    ids += [file.stream(name, data) for name, data in message.streams.items()]
    for n, attachment in enumerate(message.attachments):
        storage = file.entry(f"__attach_version1.0_#{n:08X}", STORAGE)
        method = attachment.method if attachment.method is not None else 5 if attachment.message else 1
        children = [file.stream("__properties_version1.0", properties((0x37050003, method), header=8))]
        children += [file.stream(name, data) for name, data in attachment.streams.items()]
        if attachment.message is not None:
            inner = file.entry("__substg1.0_3701000D", STORAGE)
            file.children(inner, entries(file, attachment.message, 24))
            children.append(inner)
        file.children(storage, children)
        ids.append(storage)
    return ids
