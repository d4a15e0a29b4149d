"""The characters of an old binary Word document (.doc, [MS-DOC]) deleted with changes tracked: those whose
character properties (CHPX, in the pages the PlcBteChpx lists) set sprmCFRMarkDel, shown struck through by Word and
gone once the changes are accepted.

Each page of properties is read once however often the file lists it, and the runs it gives are joined where they
overlap; the pieces hold no more bytes than the stream, all together (`rag.corpus.formats.doc_pieces`), so each piece
meets only the runs within its bytes: the work stays linear in the file.
"""

from __future__ import annotations

from bisect import bisect_left

from rag.corpus.formats.doc_pieces import Pieces, u32
from rag.corpus.formats.doc_styles import sprms

PLCFBTECHPX = 12  # the pair of FibRgFcLcb97 locating the characters' properties' bin table
_PAGE = 512
_MARK_DELETED = 0x0800  # sprmCFRMarkDel: 1 deleted (0x81: the opposite of its style's, which never deletes)
GONE = "\x00"  # what a deleted character is replaced by: a control character the reader shows as nothing


def deleted_bytes(word: bytes, plc: bytes) -> list[tuple[int, int]]:
    """The stretches (from, to) of the WordDocument stream `word` whose characters are deleted, in order and apart;
    the bin table `plc` lists the pages (a page outside the stream is none)."""
    count = (len(plc) - 4) // 8  # n + 1 byte offsets, then n page numbers
    runs: list[tuple[int, int]] = []
    seen: set[int] = set()
    for n in range(max(count, 0)):
        page = u32(plc, 4 * (count + 1) + 4 * n) & 0x3FFFFF
        if page in seen or (page + 1) * _PAGE > len(word):
            continue
        seen.add(page)
        fkp = word[page * _PAGE:(page + 1) * _PAGE]
        crun = fkp[_PAGE - 1]
        if 4 * (crun + 1) + crun > _PAGE - 1:
            continue  # more runs than a page holds: a damaged page
        for i in range(crun):
            start, end = u32(fkp, 4 * i), u32(fkp, 4 * i + 4)
            offset = 2 * fkp[4 * (crun + 1) + i]  # in words; 0: no properties of its own
            if not offset or end <= start:
                continue
            mark = sprms(fkp[offset + 1:min(offset + 1 + fkp[offset], _PAGE - 1)]).get(_MARK_DELETED)
            if mark and mark[0] & 1:
                runs.append((start, end))
    merged: list[tuple[int, int]] = []  # apart and in order, whatever the pages claim: overlapping runs joined
    for start, end in sorted(runs):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def without_deleted(text: str, pieces: Pieces, runs: list[tuple[int, int]]) -> str:
    """`text` (the characters from position 0) with each deleted character replaced by `GONE`: as long as it was, so
    that every position still names the same character."""
    starts = [start for start, _ in runs]
    gone: list[tuple[int, int]] = []  # by character position
    for piece in pieces.pieces:
        width = 1 if piece.compressed else 2
        last = piece.fc + (piece.end - piece.cp) * width
        n = max(bisect_left(starts, piece.fc) - 1, 0)
        while n < len(runs) and runs[n][0] < last:
            start, end = max(runs[n][0], piece.fc), min(runs[n][1], last)
            if start < end:
                gone.append((piece.cp + (start - piece.fc + width - 1) // width, piece.cp + (end - piece.fc) // width))
            n += 1
    parts, at = [], 0
    for start, end in sorted(gone):
        start, end = max(start, at), min(end, len(text))
        if start < end:
            parts += [text[at:start], GONE * (end - start)]
            at = end
    return "".join(parts) + text[at:]


__all__ = ["GONE", "PLCFBTECHPX", "deleted_bytes", "without_deleted"]
