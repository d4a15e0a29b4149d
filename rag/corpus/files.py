"""Which files of a corpus folder are read, and why one is not: the listing of candidate files and the checks made
without opening a file (its format, size and kind, where its link leads).

Every file of the folder is a candidate (hidden ones, Office's `~$` owner files and `sources.toml` aside): one in a
format rag does not read is refused with a reason, like a file that cannot be read, so that nothing is left out
unseen. Reading what passes is `rag.corpus.reader`'s.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Container, Iterator, Sequence
from pathlib import Path

from rag.corpus.formats.asciidoc import parse_asciidoc
from rag.corpus.formats.csv import parse_csv, parse_tsv
from rag.corpus.formats.doc import parse_doc
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.eml import parse_eml
from rag.corpus.formats.epub import parse_epub
from rag.corpus.formats.html import parse_html
from rag.corpus.formats.json import parse_json, parse_jsonl
from rag.corpus.formats.markdown import parse_markdown
from rag.corpus.formats.mbox import parse_mbox
from rag.corpus.formats.msg import parse_msg
from rag.corpus.formats.odp import parse_fodp, parse_odp
from rag.corpus.formats.ods import parse_fods, parse_ods
from rag.corpus.formats.odt import parse_fodt, parse_odt
from rag.corpus.formats.pdf import parse_pdf
from rag.corpus.formats.pptx import OLD_POWERPOINT, parse_pptx
from rag.corpus.formats.rst import parse_rst
from rag.corpus.formats.rtf import parse_rtf
from rag.corpus.formats.text import parse_text
from rag.corpus.formats.xls import parse_xls
from rag.corpus.formats.xlsx import parse_xlsx
from rag.corpus.notion import DATABASE
from rag.index.locks import LOCK_FILE

# The formats rag reads, by file suffix, with their parsers: a file of another suffix is refused unopened.
# `.mdx`: Docusaurus' and Starlight's Markdown with components, read as Markdown (`formats.markdown_sites`).
# `.ndjson`: JSON Lines under its other name. `.rest`: reStructuredText under its other name.
SUFFIXES = {".txt": parse_text, ".text": parse_text, ".md": parse_markdown, ".markdown": parse_markdown,
            ".mdx": parse_markdown, ".rst": parse_rst, ".rest": parse_rst, ".html": parse_html, ".htm": parse_html,
            ".csv": parse_csv, ".tsv": parse_tsv, ".json": parse_json, ".jsonl": parse_jsonl, ".ndjson": parse_jsonl,
            ".adoc": parse_asciidoc, ".asciidoc": parse_asciidoc, ".asc": parse_asciidoc}
# parsed from the file's bytes, not from decoded text
# Word's, Excel's and PowerPoint's templates and files with macros (never run) hold the same parts as a .docx, .xlsx
# or .pptx, and a slide show (.ppsx) a .pptx's; an old binary Word template (.dot) an old binary document's (.doc). An
# old binary .xls is read by xlrd, and a file named .xls that is an HTML or a delimited text (a web application's
# "export to Excel") by its own reader (`formats.xls`). An .rtf is 7-bit text whose bytes name their own code page; an
# .eml's parts name theirs, as do an .mbox's messages; an Outlook .msg is an OLE compound file; an .epub is a zip of
# XHTML pages. A flat OpenDocument text, spreadsheet or presentation (.fodt, .fods, .fodp) is one XML document holding
# a zipped one's parts.
BINARY_SUFFIXES = {".pdf": parse_pdf, ".docx": parse_docx, ".docm": parse_docx, ".dotx": parse_docx,
                   ".dotm": parse_docx, ".doc": parse_doc, ".dot": parse_doc, ".odt": parse_odt, ".fodt": parse_fodt,
                   ".xlsx": parse_xlsx, ".xlsm": parse_xlsx, ".xltx": parse_xlsx, ".xltm": parse_xlsx,
                   ".xls": parse_xls, ".ods": parse_ods, ".fods": parse_fods, ".pptx": parse_pptx,
                   ".ppsx": parse_pptx, ".pptm": parse_pptx, ".potx": parse_pptx, ".potm": parse_pptx,
                   ".odp": parse_odp, ".fodp": parse_fodp, ".rtf": parse_rtf, ".eml": parse_eml, ".msg": parse_msg,
                   ".epub": parse_epub, ".mbox": parse_mbox}
FORMATS = ", ".join([*SUFFIXES, *BINARY_SUFFIXES])  # what a refusal says rag reads: every suffix it does
# Formats rag does not read, with what to do instead of the generic "unsupported format".
CONVERT = {".ppt": OLD_POWERPOINT}
METADATA_FILE = "sources.toml"
MAX_FILE_BYTES = 20_000_000  # the default of `Settings.max_file_bytes`
SAME_FILE = "same file as "  # the reason a second name of a file is not read begins so (`second_name`)
VANISHED = "file vanished while the corpus was being read (deleted or moved during the ingest)"


def _readable(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES or path.suffix.lower() in BINARY_SUFFIXES


def corpus_files(root: Path) -> Iterator[Path]:
    """Candidate files under `root`, in a stable order (hidden files and folders, `~$` owner files and `sources.toml`
    left out); files in formats rag does not read too, links to folders (not followed) and folders that cannot be
    listed, for `refusal` to report."""
    found: list[Path] = []

    def unlisted(error: OSError) -> None:
        if error.filename is not None and Path(error.filename) != root:
            found.append(Path(error.filename))

    for folder, dirs, files in os.walk(root, onerror=unlisted):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        indexes = {d for d in dirs if _holds_index(here / d)}
        found.extend(here / d for d in dirs if d in indexes or (here / d).is_symlink())
        dirs[:] = [d for d in dirs if d not in indexes]
        for name in files:
            path = here / name
            if name.startswith((".", "~$")) or path.relative_to(root).as_posix() == METADATA_FILE:
                continue  # "~$": the owner file Word keeps beside a document while it is open, not a document
            found.append(path)  # pipes, devices and links too: `refusal` reports them instead of leaving them out
    yield from sorted(found)


def _holds_index(folder: Path) -> bool:
    """Whether `folder` is an index folder (it holds the ingest lock): an index inside the corpus folder is not
    corpus, or each ingest would read the build the one before wrote."""
    try:
        return (folder / LOCK_FILE).is_file() and not folder.is_symlink()
    except OSError:
        return False


def shown_name(relative: str) -> str:
    """A relative path as reports and the manifest can hold it: a name whose bytes are not UTF-8 (read by Python as
    lone surrogates) with those bytes written as escapes (`caf\\xe9.md`)."""
    return relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def why_missing(path: Path) -> str:
    """Why a file found in the corpus folder is not there to read: a link to nothing, or a file deleted or moved since
    the folder was listed."""
    if path.is_symlink():
        return "symbolic link to a file that does not exist"
    return VANISHED


def refusal(root: Path, path: Path, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """Why `path` must not be read, found without opening it (a pipe would block, a device never end); None if
    it may be read."""
    if shown_name(relative := path.relative_to(root).as_posix()) != relative:
        return "file name that is not UTF-8 (bytes of another encoding, shown escaped): rename it to read it"
    try:
        return _refusal(root, path, max_bytes)
    except OSError as exc:  # a folder on the way that cannot be searched (no `x` permission), a file gone meanwhile
        return f"cannot be looked at: {exc.strerror or exc} (check the permissions of its folder)"


def _refusal(root: Path, path: Path, max_bytes: int) -> str | None:
    if path.is_dir():
        if _holds_index(path):
            return "an index folder (it holds .ingest.lock): an index is not corpus"
        return ("symbolic link to a folder: not followed (copy the folder into the corpus instead)" if path.is_symlink()
                else "folder that cannot be read (permissions)")
    if not _readable(path):
        kind = path.suffix.lower() or "(no file suffix)"
        return CONVERT.get(kind) or f"unsupported format {kind}; rag reads {FORMATS}"
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return why_missing(path)
    except (RuntimeError, OSError) as exc:  # Python 3.11 reports a loop of links as RuntimeError
        return f"symbolic link that cannot be followed ({exc.__class__.__name__}: a loop?)"
    if not resolved.is_relative_to(root.resolve()):
        return "symbolic link leading outside the corpus folder"
    try:
        info = resolved.stat()
    except FileNotFoundError:
        return why_missing(path)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a pipe, a device or a folder)"
    size = info.st_size
    if size == 0:
        return "empty file"
    if size > max_bytes:
        return f"file too large ({size:,} bytes; the limit is {max_bytes:,}, RAG_MAX_FILE_BYTES)"
    return None


def refusals(root: Path, paths: Sequence[Path], max_bytes: int = MAX_FILE_BYTES) -> list[str | None]:
    """Why each of `paths` (a listing of `root`, `corpus_files`) must not be read, None for those that may: `refusal`,
    and the rule only the whole listing can apply, that a file is read once whatever number of names lead to it.

    Of the paths `refusal` lets through that name one file (symbolic links to it, in a chain or not, or hard links:
    one device and inode), the one read is the one that is not a symbolic link if there is one, else the first
    listed; each other is refused with a reason that names it. Otherwise the file would be indexed twice, each copy
    cited and taking a result. A link to a file refused for its own reason (too large) keeps that reason; a link to a
    file that is not listed (in a hidden folder) is its only name here, and is read."""
    reasons = [refusal(root, path, max_bytes) for path in paths]
    names: dict[object, list[int]] = {}
    for i, (path, reason) in enumerate(zip(paths, reasons, strict=True)):
        if reason is None and (file := _identity(path)) is not None:
            names.setdefault(file, []).append(i)
    for same in names.values():
        kept = next((i for i in same if not paths[i].is_symlink()), same[0])
        for i in same:
            if i != kept:
                reasons[i] = _read_once(root, paths[i], paths[kept])
    read = {path for path, reason in zip(paths, reasons, strict=True) if reason is None}
    for i, path in enumerate(paths):
        if path in read and (view := DATABASE.fullmatch(path.name)) and not view["every"] and \
                (every := path.with_name(f"{view['database']}_all.csv")) in read:
            reasons[i] = (f"Notion's export of a database's current view: every row of it is in "
                          f"{shown_name(every.relative_to(root).as_posix())}, read instead")
    for i, path in enumerate(paths):  # the folder's scripts and images too: one reason, one line of the report
        if (reasons[i] is None or not _readable(path)) and (page := _saved_with(root, path)) is not None:
            reasons[i] = (f"saved by a browser with {shown_name(page.relative_to(root).as_posix())} (\"Web page, "
                          f"complete\": the page's scripts, styles, images and framed widgets), not a page")
    vaults: dict[Path, Path | None] = {}
    for i, path in enumerate(paths):
        if reasons[i] is None and (templates := _templates_folder(root, path.parent, vaults)) is not None and \
                path.is_relative_to(templates):
            reasons[i] = (f"an Obsidian template (in {shown_name(templates.relative_to(root).as_posix())}, the "
                          f"templates folder its vault's .obsidian/templates.json names): a note's mould, not a note")
    return reasons


def _saved_with(root: Path, path: Path) -> Path | None:
    """The page a browser saved `path` with, None if none: a browser saving a page whole ("Web page, complete":
    Chrome, Edge, Firefox) writes `Name.html` and, beside it, `Name_files/` holding what the page loads, the frames
    of a chat widget or a tag manager among them (`saved_resource.html`, "Une question ? Discutons"), which are not
    the page's text."""
    for folder in path.parents:
        if folder == root or not folder.is_relative_to(root):
            return None
        if folder.name.endswith("_files") and folder.name != "_files":
            for suffix in (".html", ".htm"):
                if (page := folder.with_name(folder.name[:-len("_files")] + suffix)).is_file():
                    return page
    return None


def _templates_folder(root: Path, folder: Path, vaults: dict[Path, Path | None]) -> Path | None:
    """The templates folder of the Obsidian vault `folder` stands in, below `root` (the folder its
    `.obsidian/templates.json` names, Obsidian's Templates plugin's), None if none; `vaults` remembers each folder's."""
    if folder in vaults:
        return vaults[folder]
    found: Path | None = None
    try:
        named = json.loads((folder / ".obsidian" / "templates.json").read_text(encoding="utf-8")).get("folder")
        if isinstance(named, str) and named.strip("/ "):
            found = folder / named.strip("/ ")
    except (OSError, ValueError, AttributeError):  # no vault here, or a settings file that cannot be read
        if folder != root and folder.is_relative_to(root):
            found = _templates_folder(root, folder.parent, vaults)
    vaults[folder] = found
    return found


def _identity(path: Path) -> object | None:
    """The file `path` leads to, whatever the name or link: its device and inode, which hard links share (its
    resolved path where the file system gives no inode); None if it is gone (reading it will say so)."""
    try:
        info = path.stat()
        return (info.st_dev, info.st_ino) if info.st_ino else path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def _read_once(root: Path, path: Path, kept: Path) -> str:
    """Why `path` is not read: it leads to the file `kept` names, which is read instead."""
    name = shown_name(kept.relative_to(root).as_posix())
    target = path.resolve()
    if not path.is_symlink():
        how = "a hard link to it: one file under two names"
    elif target == kept.resolve() and not kept.is_symlink():
        how = "a symbolic link to it"
    else:
        inside = shown_name(target.relative_to(root.resolve()).as_posix()) if target.is_relative_to(
            root.resolve()) else str(target)
        how = (f"both are symbolic links to {inside}" if target == kept.resolve()
               else f"a symbolic link to {inside}, the same file under another name")
    return f"{SAME_FILE}{name} ({how}): read once"


def second_name(reason: str | None) -> bool:
    """Whether `reason` (of `refusals`) refuses a path because the file it leads to is read under another name."""
    return reason is not None and reason.startswith(SAME_FILE)


def read_as(reason: str | None, names: Container[str]) -> str | None:
    """The name of `names` that `reason` (of `refusals`) says the file is read under, if it refuses a second name of
    a file and `names` holds that name (the documents read: a file refused once opened, binary or damaged, is read
    under no name, though its other names took `_read_once`'s reason)."""
    if not second_name(reason):
        return None
    named = str(reason)[len(SAME_FILE):]  # "<name read> (<how>): read once"; a name may hold " (" itself
    return next((named[:at] for at in range(len(named)) if named.startswith(" (", at) and named[:at] in names), None)


__all__ = [
    "BINARY_SUFFIXES",
    "FORMATS",
    "MAX_FILE_BYTES",
    "METADATA_FILE",
    "SUFFIXES",
    "VANISHED",
    "corpus_files",
    "read_as",
    "refusal",
    "refusals",
    "second_name",
    "shown_name",
    "why_missing",
]
