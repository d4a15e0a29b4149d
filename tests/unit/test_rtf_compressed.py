"""Outlook's compressed RTF ([MS-OXRTFCP]) decompressed: the specification's two examples, stored ("MELA") and
literal-only streams, a damaged checksum, and hostile streams (a claimed size of 4 GB, references before the
start, a stream of references that expands 8.5 times) bounded."""

from __future__ import annotations

import struct

import pytest

from rag.corpus.formats.rtf_compressed import decompressed
from tests.helpers.outlook import INITIAL_SIZE, compressed_rtf, header
from tests.helpers.timing import grows_linearly

# [MS-OXRTFCP] 3.1.1 and 3.1.2's examples (the second's references overlap the bytes they write), as the
# `compressed_rtf` package's tests (MIT, delimitry/compressed_rtf, tests/tests.py) hold them
HELLO = (b"-\x00\x00\x00+\x00\x00\x00LZFu\xf1\xc5\xc7\xa7\x03\x00\n\x00rcpg125B2\n\xf3 hel\t\x00 bw\x05\xb0ld}\n"
         b"\x80\x0f\xa0")
REPEATED = b"\x1a\x00\x00\x00\x1c\x00\x00\x00LZFu\xe2\xd4KQA\x00\x04 WXYZ\rn}\x01\x0e\xb0"


def test_the_specification_s_examples_decompress():
    assert decompressed(HELLO, 10**6) == b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"
    assert decompressed(REPEATED, 10**6) == b"{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}"


def test_stored_and_literal_only_streams_decompress_past_the_4096_byte_dictionary():
    rtf = b"{\\rtf1\\ansi " + "Délai de livraison : 48 heures. ".encode("cp1252") * 300 + b"}"
    assert decompressed(compressed_rtf(rtf), 10**6) == rtf
    assert decompressed(header(rtf, len(rtf), 0, b"MELA"), 10**6) == rtf


def test_a_damaged_stream_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="checksum does not match"):
        decompressed(compressed_rtf(b"{\\rtf1 Bonjour}", crc=1234), 10**6)
    with pytest.raises(ValueError, match="neither LZFu nor MELA"):
        decompressed(header(b"{\\rtf1}", 7, 0, b"ABCD"), 10**6)
    with pytest.raises(ValueError, match="16-byte header"):
        decompressed(b"LZFu", 10**6)
    with pytest.raises(ValueError, match="cut inside a reference"):
        decompressed(header(b"\x01\x00", 10), 10**6)


def test_a_reference_before_the_start_is_refused():
    """The dictionary holds 207 bytes at first: a reference 300 bytes on points at bytes never written."""
    with pytest.raises(ValueError, match="not written yet"):
        decompressed(header(b"\x01" + struct.pack(">H", 300 << 4 | 15), 17), 10**6)


def _expanding(runs: int, claimed: int) -> bytes:
    """`runs` control bytes of 8 references each, every one repeating the last byte written 17 times."""
    body, written = bytearray(b"\x00{\\rtf1 x"), INITIAL_SIZE + 8
    for _ in range(runs):
        body.append(0xFF)
        for _ in range(8):
            body += struct.pack(">H", ((written - 1) % 4096) << 4 | 15)
            written += 17
    return header(bytes(body), claimed)


def test_a_claimed_4_gb_is_never_allocated_and_the_output_stops_at_its_bound():
    assert decompressed(compressed_rtf(b"{\\rtf1 Bonjour}", claimed=0xFFFFFFFF), 10**6) == b"{\\rtf1 Bonjour}"
    out = decompressed(_expanding(1000, 0xFFFFFFFF), 50_000)
    assert len(out) == 50_000 and out.endswith(b"x" * 1000)
    assert len(decompressed(_expanding(1000, 3000), 10**6)) == 3000  # nor past what it claims

    def expanded(size: int) -> None:
        assert len(decompressed(_expanding(size, 0xFFFFFFFF), 10**9)) == 8 + size * 136

    assert grows_linearly(expanded, 5000)
