"""A zipped document's archive (.docx, .odt: zip archives of XML parts), checked before any part is read whole: a zip
bomb (a small file of gigabytes) and a directory that lies about its parts' sizes are refused in bounded memory.
"""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

# Most a document may hold once unzipped: Word's and OpenDocument's XML compresses ten to twenty times, so a 20 MB
# file (RAG_MAX_FILE_BYTES) of text stays under it, and a zip bomb is refused before anything is inflated.
UNZIPPED_MAX_BYTES = 512 * 2**20


def not_a_zip(kind: str) -> str:
    """The reason a file of suffix `kind` (".docx") that is no zip archive is refused."""
    return f"damaged {kind}: not a zip archive"


def damaged(kind: str, exc: BaseException) -> str:
    """The reason a file of suffix `kind` is refused when a library reading it raised `exc`."""
    return f"damaged {kind}, cannot be parsed ({exc.__class__.__name__}: {exc})"


def _too_large(size: str) -> str:
    return (f"expands to {size} once unzipped, over the {UNZIPPED_MAX_BYTES:,} rag reads (a damaged or hostile "
            "file? a document this large: split it)")


def check_archive(data: bytes, kind: str) -> None:
    """Refuse `data`, a file of suffix `kind` (".docx", ".odt"), with a `ValueError` saying why, unless it is a zip
    archive whose parts, all together, hold at most `UNZIPPED_MAX_BYTES` and each exactly the size its directory
    declares: then reading a part whole is bounded by that size.

    The declared sizes are checked first, before anything is inflated; then every part is inflated in bounded steps
    (`_check_inflated_sizes`), as a directory may understate them.
    """
    if not zipfile.is_zipfile(BytesIO(data)):
        raise ValueError(not_a_zip(kind))
    try:
        unzipped = sum(part.file_size for part in zipfile.ZipFile(BytesIO(data)).infolist())
    except Exception as exc:  # BadZipFile, NotImplementedError (a version field out of range), ...
        raise ValueError(damaged(kind, exc)) from exc
    if unzipped > UNZIPPED_MAX_BYTES:  # a parser reads every part it needs into memory, and builds a tree of each
        raise ValueError(_too_large(f"{unzipped:,} bytes"))
    _check_inflated_sizes(data, kind)


def _check_inflated_sizes(data: bytes, kind: str) -> None:
    """Inflate every part in bounded steps and refuse the file unless each holds exactly the size its zip directory
    declares, all within `UNZIPPED_MAX_BYTES`.

    The sizes of the directory are what the guard before trusts, and zipfile too: it reads a part by inflating up to
    2 GiB in one call, then cuts it to the declared size, so a part that declares 1 KB but inflates to gigabytes
    costs gigabytes of memory before anything can object. Here a part is read 64 KiB at a time, up to what the
    remaining allowance permits whatever its declared size; once the sizes are known to be true, a parser's reads
    are bounded by them.
    """
    allowance = UNZIPPED_MAX_BYTES
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise ValueError(f"damaged {kind}: part {info.filename} is compressed in a way {kind} files "
                                     f"never use (method {info.compress_type})")
                declared, info.file_size = info.file_size, allowance + 1  # read what it holds, not what it says
                inflated = 0
                try:
                    with archive.open(info) as part:
                        while chunk := part.read(1 << 16):
                            inflated += len(chunk)
                            if inflated > allowance:
                                raise ValueError(_too_large(f"more than {UNZIPPED_MAX_BYTES:,} bytes"))
                except zipfile.BadZipFile:  # a CRC that fails: say why, when the size already does
                    if inflated == declared:
                        raise
                if inflated != declared:
                    raise ValueError(f"damaged {kind}: part {info.filename} inflates to {inflated:,} bytes, its zip "
                                     f"directory says {declared:,}")
                allowance -= inflated
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ValueError(damaged(kind, exc)) from exc


__all__ = ["UNZIPPED_MAX_BYTES", "check_archive", "damaged", "not_a_zip"]
