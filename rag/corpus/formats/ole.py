"""An OLE compound file (Outlook's .msg, Word 97's .doc: a small file system of storages and streams, [MS-CFB]) opened
for reading through `olefile`, in time and memory linear in the file whatever it declares.

olefile is the reference parser, but three of its ways are quadratic or unbounded on a hostile file, which this
wrapper closes:
- opening it checks that no two streams start at one sector by searching a list of the sectors seen (40,000 streams,
  5 MB: a minute): here a set;
- finding an entry by its path scans its storage's children one by one (a thousand lookups in a storage of 20,000
  entries: minutes): here the storage's dictionary;
- a stream is read to its declared size along its sector chain, which may loop, so that streams naming a few sectors
  each read back megabytes: here every stream read draws on one budget, the file's size (a sound file's streams
  share no sector, so that what they hold is never more than the file), and one read past it is refused.
A file whose sector chains or directory are incorrect is refused (olefile's `DEFECT_INCORRECT`: by default it reads
a truncated file on with what it finds).
"""

from __future__ import annotations

import struct
from io import BytesIO

import olefile

DAMAGED_ERRORS = (OSError, ValueError, IndexError, KeyError, struct.error, RecursionError)  # what olefile raises
OVERDRAWN = "its streams hold more than the file: a damaged or hostile file"


class _Reader(olefile.OleFileIO):
    """olefile's reader with its check that no two streams start at one sector made linear (a set per allocation
    table, where olefile 0.47 keeps a list)."""

    def __init__(self, data: bytes) -> None:
        self._starts: dict[bool, set[int]] = {False: set(), True: set()}  # before olefile's opening uses it
        super().__init__(BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)

    def _check_duplicate_stream(self, first_sect: int, minifat: bool = False) -> None:
        if first_sect in self._starts[minifat]:
            self._raise_defect(olefile.DEFECT_INCORRECT, "Stream referenced twice")
        self._starts[minifat].add(first_sect)


class Compound:
    """A compound file's entries by path ("storage/stream", as olefile names them, case-insensitive) and streams.
    Raises `ValueError` (`DAMAGED_ERRORS` of olefile's, translated by the caller) on a file it cannot open."""

    def __init__(self, data: bytes) -> None:
        self.ole = _Reader(data)
        self.budget = len(data)  # bytes all the streams read may hold together

    def entry(self, path: str) -> olefile.OleDirectoryEntry | None:
        """The entry at `path`, None if there is none."""
        node = self.ole.root
        for name in path.split("/"):
            node = node.kids_dict.get(name.lower())
            if node is None:
                return None
        return node

    def is_stream(self, path: str) -> bool:
        entry = self.entry(path)
        return entry is not None and entry.entry_type == olefile.STGTY_STREAM

    def is_storage(self, path: str) -> bool:
        entry = self.entry(path)
        return entry is not None and entry.entry_type == olefile.STGTY_STORAGE

    def children(self, path: str = "") -> list[str]:
        """The names of a storage's entries (the root's by default), as written, sorted."""
        node = self.entry(path) if path else self.ole.root
        return sorted(kid.name for kid in node.kids) if node is not None else []

    def stream(self, path: str, most: int | None = None) -> bytes | None:
        """A stream's bytes; None when it is missing or declares more than `most` bytes. Raises `OSError` when it
        would take the streams read past the file's size (`OVERDRAWN`)."""
        entry = self.entry(path)
        if entry is None or entry.entry_type != olefile.STGTY_STREAM or (most is not None and entry.size > most):
            return None
        if entry.size > self.budget:
            raise OSError(OVERDRAWN)
        self.budget -= entry.size
        with self.ole._open(entry.isectStart, entry.size) as stream:  # what `openstream` does once it found it
            return bytes(stream.read())

    def close(self) -> None:
        self.ole.close()


__all__ = ["DAMAGED_ERRORS", "OVERDRAWN", "Compound"]
