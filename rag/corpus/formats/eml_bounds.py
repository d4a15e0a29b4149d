"""The bounds of an e-mail's parts, checked in its bytes before the library parses it (`Budget.spend`), and where to
cut a file past them so that what comes before is read (`cut_before`).

The library checks each line against every open boundary and nests its parser per level: a file of a million
nested parts takes it hours. A file is bounded, before it is parsed, to `MULTIPARTS_MAX` multipart or attached message
parts (an upper bound: the words that declare one, counted in its bytes), `PARTS_MAX` delimiter lines of its
boundaries, and Content- headers of `HEADER_MAX` bytes; its attached messages sent encoded, once decoded, count with
it. Past the first two, the file is read up to the delimiter line before the first part over them (`cut_before`), as a
client shows a message it could not download whole, and the report says so; nothing before that line is over them
(`read_within`, for the file and for each message attached encoded).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from heapq import merge
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
MULTIPARTS_MAX = 100  # a mail client's message holds a handful; more is a hostile file
NESTED = f"e-mail of more than {MULTIPARTS_MAX} multipart or attached message parts: a hostile file?"
_BOUNDARY = re.compile(rb"boundary\s*=")  # with "message/rfc822": a part that nests others (in the lowered bytes)
_ATTACHED = re.compile(rb"message/rfc822")
HEADER_MAX = 8192  # bytes of a part's Content-* header: longer is a hostile file (the parser reads it in more than
# linear time: thousands of parameters); found before parsing, any line that begins "Content-" and its folded lines
# a line ends at CR, LF or CRLF for the library: a file of bare CRs is lines too
_CONTENT_HEADER = re.compile(rb"content-[!-9;-~]{0,64}:[^\r\n]*(?:(?:\r\n?|\n)[ \t][^\r\n]*)*")  # lowered
PARTS_MAX = 1000  # delimiter lines of the message's boundaries: the library takes 0.1 ms a part, 3 million in 20 MB
_BOUNDARY_VALUE = re.compile(rb'boundary\s*=\s*"?([^"\s;]{1,70})')  # in the lowered bytes, read in the file's
_ENCODED_VALUE = re.compile(rb'boundary\s*=3d"?([^"\s;]{1,70})')  # one in a quoted-printable message's text
_DELIMITER = re.compile(rb"--([^\s]{1,72})")  # "--" boundary, "--" after the last, where it begins a line
# The patterns above each begin with a word, so that a scan of 40 MB skips to it (case folded once, `bytes.lower`)
# and tells a line's beginning by the byte before: a pattern beginning "^" or ignoring case tried every byte (7 s).


class OverBudget(ValueError):
    """A file past the bounds of its parts: `at`, where the first word or delimiter line over them begins."""

    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.at = at


class Budget:
    """The multipart and attached message parts, and the parts, a file may still hold: its own and those of the
    messages attached to it base64-encoded, decoded (each parsed apart), together within the bounds of one file."""

    def __init__(self) -> None:
        self.multiparts, self.parts = MULTIPARTS_MAX, PARTS_MAX
        self.charged: list[int] = []  # per message parsed apart, outermost first: its count not yet given back

    def spend(self, data: bytes, lowered: bytes) -> None:
        """Charge the parts of `data` (`lowered`, in lower case) to the budget. Raises `OverBudget` past it (where),
        `ValueError` for a Content- header over `HEADER_MAX` bytes, charging nothing then (a message refused is not
        parsed: the next one attached may be read). Linear in the size of `data`."""
        self.charged.append(nesting(lowered))  # what its parts sent encoded may give back (`eml._inner`)
        if self.charged[-1] > self.multiparts:
            words = merge((found.start() for found in _BOUNDARY.finditer(lowered)),
                          (found.start() for found in _ATTACHED.finditer(lowered)))
            raise OverBudget(NESTED, next(islice(words, self.multiparts, None)))
        boundaries = {data[found.start(1):found.end(1)] for found in _BOUNDARY_VALUE.finditer(lowered)}
        count = 0
        for found in _DELIMITER.finditer(data) if boundaries else ():  # one pass over the "--" lines
            if line_start(data, found.start()) and (found[1] in boundaries or found[1][:-2] in boundaries):
                if count == self.parts:
                    raise OverBudget(f"e-mail of more than {PARTS_MAX:,} parts: a hostile file?", found.start())
                count += 1
        if any(len(header[0]) > HEADER_MAX and line_start(data, header.start())
               for header in _CONTENT_HEADER.finditer(lowered)):
            raise ValueError(f"e-mail with a Content- header of more than {HEADER_MAX:,} bytes: a hostile file?")
        self.multiparts, self.parts = self.multiparts - self.charged[-1], self.parts - count


def read_within(data: bytes, budget: Budget, parse: Callable[[bytes, Budget], T]) -> tuple[T, str]:
    """`parse(data, budget)`, which spends the budget (`Budget.spend`), and "" or, past its bounds, what was parsed
    of `data` read up to the part over them (`cut_before`; cut again where what comes before is past the other bound,
    three cuts at most) and the report's line saying where. Raises `ValueError`: the bound's where nothing before
    that part is read."""
    kept, past, charged = data, None, len(budget.charged)
    for _ in range(3):
        try:
            return parse(kept, budget), cut_report(past, len(kept))
        except OverBudget as over:
            del budget.charged[charged:]  # the file cut is charged anew
            kept, past = kept[:cut_before(kept, over)], over
        except ValueError:
            if past is None:
                raise
            raise past from None
    raise past or ValueError(NESTED)


def cut_report(past: OverBudget | None, kept: int) -> str:
    """The report's line for a file cut at byte `kept`, past the bound `past`; "" for one read whole."""
    return f"{str(past).rsplit(':', 1)[0]}: read up to its byte {kept:,}, the rest left out" if past else ""


def cut_before(data: bytes, over: OverBudget) -> int:
    """Where to cut `data`, past its bounds at `over.at`: the start of the last delimiter line (`--` and a boundary
    declared before it, in an attached message's quoted-printable text too) at or before it, so that the part over
    them is left out whole; 0 where there is none. A signature's `-- ` or an `-----Original Message-----` line is a
    part's text, no place to cut. Linear."""
    head = data[:over.at + 75]  # the delimiter line at `at` too: "--", a boundary and its closing "--"
    lowered = head.lower()  # its boundaries, a quoted-printable attached message's too ("=3D"), as it is cut in it
    boundaries = {head[found.start(1):found.end(1)]
                  for pattern in (_BOUNDARY_VALUE, _ENCODED_VALUE) for found in pattern.finditer(lowered)}
    cut = 0
    for found in _DELIMITER.finditer(head, 0, over.at + 75) if boundaries else ():
        if found.start() > over.at:
            break
        if line_start(head, found.start()) and (found[1] in boundaries or found[1][:-2] in boundaries):
            cut = found.start()
    return cut


def nesting(lowered: bytes) -> int:
    """The multipart and attached message parts `lowered`, bytes in lower case, may hold (an upper bound)."""
    return len(_BOUNDARY.findall(lowered)) + lowered.count(b"message/rfc822")


def line_start(data: bytes, at: int) -> bool:
    """Whether `at` begins a line of `data` as the library reads lines: ended by CR, LF or both."""
    return at == 0 or data[at - 1] in b"\r\n"


__all__ = ["HEADER_MAX", "MULTIPARTS_MAX", "NESTED", "PARTS_MAX", "Budget", "OverBudget", "cut_before", "line_start",
           "nesting", "read_within"]
