"""The storages and streams of an OLE compound file ([MS-CFB]: an old binary Office file, .xls, .doc, an Outlook
.msg), read in time and memory linear in the file, whatever it holds: a file system in a file, of sectors (512 or
4,096 bytes) chained by a sector allocation table (the FAT, whose own sectors the DIFAT lists), a directory of
128-byte entries (a binary tree of each storage's children), small streams (under 4,096 bytes) in 64-byte mini
sectors of the root's mini stream.

Read by hand, not by a library: xlrd's reader follows a mini stream's chain without checking for a loop (a few bytes
changed make it append to a list until memory runs out) and builds the directory by a recursion that visits a child
once for each path to it (2^n steps); olefile checks that no two streams start at one sector by searching a list
(40,000 streams, 5 MB: a minute), finds an entry by scanning its storage's children, and reads a stream along a chain
that may loop, to its declared size. Here every chain and the directory tree are walked once each, an entry or sector
met twice refusing the file, and every stream read draws on one budget, the file's size: a sound file's streams share
no sector, so that what they hold is never more than the file, and streams whose chains overlap (each read whole) are
refused once they would read more.
"""

from __future__ import annotations

import struct

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE  # ENDOFCHAIN
_FREE = 0xFFFFFFFF
_NONE = 0xFFFFFFFF  # NOSTREAM: no sibling, no child
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class OleError(ValueError):
    """Raised when a compound file's structure is damaged: a chain that loops or leaves the file, a directory tree
    that meets an entry twice, streams that hold more than the file."""


class Compound:
    """An OLE compound file's FAT, directory and mini stream, read from `data` (its bytes); its entries named by path
    ("storage/stream", case aside). Raises `OleError`."""

    def __init__(self, data: bytes) -> None:
        if not data.startswith(SIGNATURE):
            raise OleError("not a compound file: no OLE signature")
        if len(data) < 512:
            raise OleError(f"cut short: {len(data):,} bytes, less than a compound file's 512-byte header")
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise OleError(f"sector size 2^{shift}, mini sector size 2^{mini_shift}: none a compound file has")
        self.size, self.mini_size = 1 << shift, 1 << mini_shift
        # sector n begins after the header, which fills the first sector: 512 bytes (version 3), 4,096 (version 4)
        self.sectors = (len(data) - self.size + self.size - 1) // self.size  # a last sector cut short still counts
        first_dir, _, self.cutoff, first_mini_fat, _, first_difat = struct.unpack_from("<IIIIII", data, 48)
        self.fat = self._fat(first_difat)
        directory = self.chain(first_dir)
        self.entries = [directory[at:at + 128] for at in range(0, len(directory) - 127, 128)]
        if not self.entries or self.entries[0][66] != _ROOT:
            raise OleError("no root entry in its directory")
        self.mini_fat = _ids(self.chain(first_mini_fat)) if first_mini_fat != _END else []
        start, length = _where(self.entries[0])
        self.mini_stream = self.chain(start, length) if start != _END else b""
        self.budget = len(data)  # bytes the streams read may hold, all together
        self.storages = self._directory()

    def _sector(self, sid: int) -> bytes:
        if sid >= self.sectors:
            raise OleError(f"sector {sid:,} past the file's {self.sectors:,}")
        return self.data[(sid + 1) * self.size:(sid + 2) * self.size]

    def _fat(self, first_difat: int) -> list[int]:
        """The FAT: the sectors the DIFAT lists (109 in the header, the rest in a chain of DIFAT sectors), joined, each
        once (a DIFAT naming one sector a million times would make a FAT of a million copies of it)."""
        listed = list(struct.unpack_from("<109I", self.data, 76))
        sid, seen = first_difat, set()
        while sid not in (_END, _FREE):
            if sid in seen:
                raise OleError("its DIFAT chain loops")
            seen.add(sid)
            *more, sid = _ids(self._sector(sid))
            listed += more
        sectors = [sid for sid in listed if sid not in (_END, _FREE)]
        if len(set(sectors)) < len(sectors):
            raise OleError("its DIFAT lists a sector of its FAT twice")
        return [entry for sid in sectors for entry in _ids(self._sector(sid))]

    def chain(self, sid: int, length: int | None = None, mini: bool = False) -> bytes:
        """The bytes of the chain of (mini) sectors from `sid`, cut to `length` if given; each sector once."""
        table, size = (self.mini_fat, self.mini_size) if mini else (self.fat, self.size)
        pieces, seen, total = [], set(), 0
        while sid != _END and (length is None or total < length):
            if sid in seen or sid >= len(table):
                raise OleError(f"a {'mini stream ' if mini else ''}chain of sectors loops or leaves its table")
            seen.add(sid)
            piece = self.mini_stream[sid * size:(sid + 1) * size] if mini else self._sector(sid)
            pieces.append(piece)
            total += len(piece)
            sid = table[sid]
        found = b"".join(pieces)
        if length is not None and len(found) < length:
            raise OleError(f"a stream of {length:,} bytes whose chain holds {len(found):,}")
        return found if length is None else found[:length]

    def _directory(self) -> dict[int, dict[str, int]]:
        """Each storage's children by name (case aside), a storage named by its entry's index (0 the root's): every
        storage's binary tree walked once, each entry met once in the whole directory."""
        storages: dict[int, dict[str, int]] = {}
        todo, seen = [0], {0}
        while todo:
            storage = todo.pop()
            children = storages.setdefault(storage, {})
            nodes = [struct.unpack_from("<I", self.entries[storage], 76)[0]]
            while nodes:
                did = nodes.pop()
                if did == _NONE:
                    continue
                if did in seen or did >= len(self.entries):
                    raise OleError("its directory tree meets an entry twice, or one it does not hold")
                seen.add(did)
                entry = self.entries[did]
                nodes += struct.unpack_from("<II", entry, 68)  # left and right siblings: the storage's other children
                if entry[66] not in (_STORAGE, _STREAM):
                    continue
                name = entry[:min(struct.unpack_from("<H", entry, 64)[0], 64)].decode("utf-16-le", "replace")
                children.setdefault(name.rstrip("\x00").casefold(), did)
                if entry[66] == _STORAGE:
                    todo.append(did)
        return storages

    def _find(self, path: str) -> int | None:
        """The index of the entry at `path` ("" the root), found from the root a part at a time."""
        did: int | None = 0
        for name in path.casefold().split("/") if path else ():
            did = self.storages.get(did, {}).get(name) if did is not None else None
        return did

    def _entry(self, path: str) -> bytes | None:
        did = self._find(path)
        return None if did is None or not path else self.entries[did]

    def is_stream(self, path: str) -> bool:
        entry = self._entry(path)
        return entry is not None and entry[66] == _STREAM

    def is_storage(self, path: str) -> bool:
        entry = self._entry(path)
        return entry is not None and entry[66] == _STORAGE

    def children(self, path: str = "") -> list[str]:
        """The names of a storage's entries (the root's by default), case folded, sorted."""
        did = self._find(path)
        return sorted(self.storages.get(did, {})) if did is not None else []

    def stream(self, path: str, most: int | None = None) -> bytes | None:
        """The stream at `path` (case aside), None if there is none or it declares more than `most` bytes. Raises
        `OleError` when it says it holds more than the streams read so far leave of the file's size."""
        entry = self._entry(path)
        if entry is None or entry[66] != _STREAM:
            return None
        start, size = _where(entry)
        if most is not None and size > most:
            return None
        if size > self.budget:
            raise OleError(f"stream {path!r} says it holds {size:,} bytes, more than the file has left")
        self.budget -= size
        return self.chain(start, size, mini=size < self.cutoff) if size else b""


def _ids(sector: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(sector) // 4}I", sector[:len(sector) // 4 * 4]))


def _where(entry: bytes) -> tuple[int, int]:
    """A directory entry's first sector and size (its high 32 bits left out, as version 3 files hold garbage there)."""
    start, size = struct.unpack_from("<II", entry, 116)
    return start, size


__all__ = ["SIGNATURE", "Compound", "OleError"]
