"""A small writer of OLE compound files ([MS-CFB] version 3, 512-byte sectors, or version 4, 4,096-byte ones), for
tests that need files no Office application writes: hostile ones (thousands of entries, sector chains that loop)
around a reader's bounds."""

from __future__ import annotations

import struct

END, FREE, FAT_SECTOR, DIFAT_SECTOR, NO_ENTRY = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5


class Writer:
    """Entries and sectors, written by `build`; streams under 4,096 bytes go to the mini stream, as the format asks."""

    def __init__(self, size: int = 512) -> None:
        self.size = size  # bytes a sector: 512 (version 3) or 4,096 (version 4)
        self.sectors: list[bytes] = []
        self.fat: dict[int, int] = {}  # a sector: the next in its chain
        self.mini = bytearray()
        self.minifat: list[int] = []
        self.entries: list[dict[str, int | str]] = []
        self.entry("Root Entry", ROOT)

    def sector(self, data: bytes = b"", next_sector: int = END) -> int:
        """One sector holding `data`, chained to `next_sector` (itself, for a loop)."""
        self.sectors.append(data.ljust(self.size, b"\0"))
        self.fat[len(self.sectors) - 1] = next_sector
        return len(self.sectors) - 1

    def _chain(self, data: bytes) -> int:
        first = len(self.sectors)
        count = max(1, (len(data) + self.size - 1) // self.size)
        for i in range(count):
            self.sector(data[i * self.size:(i + 1) * self.size], first + i + 1 if i < count - 1 else END)
        return first

    def entry(self, name: str, kind: int, start: int = END, size: int = 0) -> int:
        self.entries.append({"name": name, "kind": kind, "left": NO_ENTRY, "right": NO_ENTRY, "child": NO_ENTRY,
                             "start": start, "size": size})
        return len(self.entries) - 1

    def stream(self, name: str, data: bytes) -> int:
        if len(data) >= 4096:
            return self.entry(name, STREAM, self._chain(data), len(data))
        first = len(self.minifat)
        count = max(1, (len(data) + 63) // 64)
        for i in range(count):
            self.mini += data[i * 64:(i + 1) * 64].ljust(64, b"\0")
            self.minifat.append(first + i + 1 if i < count - 1 else END)
        return self.entry(name, STREAM, first if data else END, len(data))

    def children(self, parent: int, ids: list[int]) -> None:
        """`ids` the children of `parent`, as a balanced tree (the format keeps a storage's entries in one)."""
        def tree(part: list[int]) -> int:
            if not part:
                return NO_ENTRY
            middle = len(part) // 2
            self.entries[part[middle]]["left"] = tree(part[:middle])
            self.entries[part[middle]]["right"] = tree(part[middle + 1:])
            return part[middle]

        self.entries[parent]["child"] = tree(ids)

    def build(self) -> bytes:
        root = self.entries[0]
        if self.mini:
            root["start"], root["size"] = self._chain(bytes(self.mini)), len(self.mini)
            minifat = struct.pack(f"<{len(self.minifat)}I", *self.minifat)
            minifat_start, minifat_count = self._chain(minifat), (len(minifat) + self.size - 1) // self.size
        else:
            minifat_start, minifat_count = END, 0
        directory = b"".join(_entry(entry) for entry in self.entries)
        directory_start = self._chain(directory + b"\0" * (-len(directory) % self.size))
        fats = difats = 0
        ids = self.size // 4  # sector numbers a sector holds
        while True:  # the allocation table's own sectors, and those listing them past the header's 109
            needed = (len(self.sectors) + fats + difats + ids - 1) // ids
            needed_difats = max(0, (needed - 109 + ids - 2) // (ids - 1))
            if (needed, needed_difats) == (fats, difats):
                break
            fats, difats = needed, needed_difats
        fat_sectors = list(range(len(self.sectors), len(self.sectors) + fats))
        difat_sectors = list(range(len(self.sectors) + fats, len(self.sectors) + fats + difats))
        table = [FREE] * (fats * ids)
        for at, next_sector in self.fat.items():
            table[at] = next_sector
        for at in fat_sectors:
            table[at] = FAT_SECTOR
        for at in difat_sectors:
            table[at] = DIFAT_SECTOR
        difat = b""
        rest = fat_sectors[109:]
        for i, _ in enumerate(difat_sectors):
            listed = rest[i * (ids - 1):(i + 1) * (ids - 1)]
            difat += struct.pack(f"<{ids}I", *listed, *[FREE] * (ids - 1 - len(listed)),
                                 difat_sectors[i + 1] if i + 1 < len(difat_sectors) else END)
        header = bytearray(self.size)  # the header fills the first sector
        header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        struct.pack_into("<HHHHH", header, 24, 0x3E, 3 if self.size == 512 else 4, 0xFFFE, self.size.bit_length() - 1,
                         6)
        struct.pack_into("<9I", header, 40, 0, fats, directory_start, 0, 4096, minifat_start, minifat_count,
                         difat_sectors[0] if difat_sectors else END, difats)
        struct.pack_into("<109I", header, 76, *fat_sectors[:109], *[FREE] * (109 - min(109, fats)))
        return bytes(header) + b"".join(self.sectors) + struct.pack(f"<{len(table)}I", *table) + difat


def _entry(entry: dict[str, int | str]) -> bytes:
    name = str(entry["name"]).encode("utf-16-le") + b"\0\0"
    return struct.pack("<64sHBBIII16sIQQIII", name, len(name), entry["kind"], 1, entry["left"], entry["right"],
                       entry["child"], b"\0" * 16, 0, 0, 0, entry["start"], int(entry["size"]) & 0xFFFFFFFF, 0)


def properties(*values: tuple[int, int], header: int = 32) -> bytes:
    """A message's fixed-size properties stream ([MS-OXMSG]): `header` bytes, then each (tag, 32-bit value)."""
    return b"\0" * header + b"".join(struct.pack("<IIQ", tag, 6, value) for tag, value in values)
