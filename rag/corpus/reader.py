"""Read the documents of a corpus folder; report the files that cannot be read instead of failing.

Which files are candidates, and why one is refused without being opened, is `rag.corpus.files` (its names are
importable from here too): this module reads and parses what passes, and says why a file that does not is skipped.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rag.corpus.encoding import decode_text
from rag.corpus.files import (
    BINARY_SUFFIXES,
    FORMATS,
    MAX_FILE_BYTES,
    METADATA_FILE,
    SUFFIXES,
    VANISHED,
    corpus_files,
    read_as,
    refusal,
    refusals,
    second_name,
    shown_name,
    why_missing,
)
from rag.corpus.formats.base import Parsed, Section, heading_path
from rag.corpus.notion import NOTION_ID, row_pages, without_paged_rows
from rag.corpus.urls import FOLDER_PAGES, entry, folder_meant, folder_refusal, is_folder, page_url
from rag.sanitize import blank_controls, url_refusal
from rag.suggest import closest

# The longest document id from a path (a second document of the same id adds "-2"): well under a name's limit in
# filters and passage ids (`rag.schemas.NAME_MAX`)
SLUG_MAX = 1000
# What an entry of `sources.toml` gives its file; its other keys (a seed's provenance) are kept for people, unread
METADATA_KEYS = ("title", "url")


@dataclass
class Document:
    """One source document, parsed into sections whose lines point back into `text`."""

    doc_id: str
    source: str  # path relative to the corpus folder, with forward slashes
    title: str
    text: str
    sections: list[Section]
    url: str | None = None
    sha256: str = ""
    page_starts: list[int] | None = None  # paged formats: where each page begins in `text`
    first_page: int = 1  # the first page's number (`Parsed.first_page`)
    changes: list[str] = field(default_factory=list)  # what reading left out or changed, for the ingest report
    blocks: bool = False  # each line a block of its own (HTML, Word): none runs on to the next (`Parsed.blocks`)
    said: str | None = None  # once ingest released `text` and `sections` (`stages.cut`): the start of what it said

    def page(self, offset: int) -> int | None:
        """The page holding `offset` of `text`, numbered from `first_page`; None for a format without pages."""
        if self.page_starts is None:
            return None
        return (bisect_right(self.page_starts, offset) or 1) - 1 + self.first_page


@dataclass(frozen=True)
class Changed:
    """A file indexed with something of it left out or changed, and what."""

    source: str
    change: str


@dataclass(frozen=True)
class Skipped:
    """A file left out of the index, and why."""

    source: str
    reason: str


@dataclass
class Corpus:
    """What reading a corpus folder gave: documents, and files skipped with their reasons."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def slug(relative: str) -> str:
    """A document id from a relative path: `faq/Retours clients.md` -> `faq-retours-clients`, `Sécurité.md` ->
    `securite` (accents folded), `返品ポリシー.md` -> `返品ポリシー` (other scripts' letters kept), without the ids
    Notion's export adds to names (`Support client 3b1f.../Remboursements 8f3c....md` ->
    `support-client-remboursements`; the pages of one name in one folder told apart by `unique_ids`). At most
    `SLUG_MAX` characters: a longer one keeps its start and a hash of the whole, so that a passage of the deepest
    path (or of characters that compatibility decomposition lengthens: "ﷺ" is 18 letters) can still be named."""
    whole = _slug(NOTION_ID.sub("", relative))
    if len(whole) <= SLUG_MAX:
        return whole
    return f"{whole[:SLUG_MAX - 9].rstrip('-')}-{hashlib.sha256(whole.encode()).hexdigest()[:8]}"


def _slug(relative: str) -> str:
    stem = relative.rsplit(".", 1)[0] if "." in relative.rsplit("/", 1)[-1] else relative
    plain: list[str] = []
    for ch in unicodedata.normalize("NFKD", stem.casefold()):
        if unicodedata.category(ch)[0] == "M":
            if not (plain and plain[-1].isascii()):  # é -> e; ポ, नी and مُ keep their marks
                plain.append(ch)
        else:
            plain.append(ch if ch.isalnum() else "-")
    return re.sub(r"-+", "-", unicodedata.normalize("NFC", "".join(plain))).strip("-") or "document"


def _title_from_name(relative: str) -> str:
    """A title from the file's name, or from its folder's for a folder's own page (`billing/_index.md`: "Billing",
    not "Index"), its first letter capital, the others as written ("FAQ"); without the id Notion's export adds to a
    name (`FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b_all.csv`: "FAQ")."""
    parts = NOTION_ID.sub("", relative).split("/")
    name = parts[-1].rsplit(".", 1)[0]
    if name.casefold() in FOLDER_PAGES and len(parts) > 1:
        name = parts[-2]
    name = re.sub(r"[-_]+", " ", name.removesuffix("_all") if parts[-1] != relative.split("/")[-1] else name).strip()
    first = name.split(" ", 1)[0]  # a word written with a capital inside ("iPhone", "eBay") stays as written
    return (name if first[1:] != first[1:].lower() else name[:1].upper() + name[1:]) or relative


def _numbered(relative: str, parsed: Parsed) -> str | None:
    """The first heading of a file whose name is a number (a Confluence export's attachment, `65541.docx`; a
    scan's `0042.pdf`), which names no document; None for a file named otherwise, or without a heading."""
    if not relative.rsplit("/", 1)[-1].rsplit(".", 1)[0].isdigit():
        return None
    return next((section.heading for section in parsed.sections if section.heading), None)


def _metadata(root: Path) -> dict[str, dict[str, str]]:
    path = root / METADATA_FILE
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    return {key: value for key, value in table.items() if isinstance(value, dict)}


def read_document(root: Path, path: Path, meta: dict[str, str] | None = None, *,
                  max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse one file. Raises `ValueError` with a reason a person can act on, `OSError` if unreadable."""
    relative = path.relative_to(root).as_posix()
    reason = refusal(root, path, max_bytes)
    if reason:
        raise ValueError(reason)
    data = path.resolve().read_bytes()
    sha256, suffix = hashlib.sha256(data).hexdigest(), path.suffix.lower()
    if suffix in BINARY_SUFFIXES:
        parsed: Parsed = BINARY_SUFFIXES[suffix](data)
        text, assumed = parsed.text or "", None
    else:
        text, assumed = decode_text(data, html=suffix in (".html", ".htm"))
        del data  # not held beside its text while the parser reads it (a file of 20 MB is 20 MB more)
        parsed = SUFFIXES[suffix](text)
        if pages := row_pages(path, lambda page: refusal(root, page, max_bytes) is None):  # a Notion database's
            parsed = without_paged_rows(parsed, text, pages, shown_name(pages[0].parent.relative_to(root).as_posix()))
    if not parsed.sections:
        raise ValueError("no text found")
    meta = meta or {}
    changes: list[str] = [assumed] if assumed else []
    changes += parsed.changes
    title = str(meta.get("title") or parsed.title or _numbered(relative, parsed) or _title_from_name(relative))
    for section in parsed.sections:
        section.heading, section.parents = heading_path(section, title), ()
    text, title, blanked = _blank_controls(text, title, parsed.sections)
    if blanked:
        changes.append(f"{blanked} control characters (terminal escape sequences?) replaced by spaces")
    url = page_url(meta, parsed.url, parsed.slug)
    if url is not None and (why := url_refusal(str(url))):
        shown = repr(url) if len(str(url)) <= 80 else repr(str(url)[:80]) + "..."
        changes.append(f"url {shown} left out: {why}")
        url = None
    if refused := [(section, section.url, why) for section in parsed.sections
                   if section.url and (why := url_refusal(section.url))]:
        changes.append(f"{len(refused):,} section url(s) left out, the first {refused[0][1][:80]!r}: {refused[0][2]}")
        for section, *_ in refused:
            section.url = None
    return Document(
        doc_id=slug(relative),
        source=relative,
        title=title,
        text=text,
        sections=parsed.sections,
        url=url,
        sha256=sha256,
        page_starts=parsed.page_starts,
        first_page=parsed.first_page,
        changes=changes,
        blocks=parsed.blocks,
    )


def _blank_controls(text: str, title: str, sections: list[Section]) -> tuple[str, str, int]:
    """Text, title and sections (changed in place) with control characters replaced by spaces, and how many were
    in what is indexed (title, headings, lines, fields); offsets stay valid, as each is replaced one for one."""
    text, _ = blank_controls(text)
    title, count = blank_controls(title)
    for section in sections:
        if section.heading is not None:
            section.heading, n = blank_controls(section.heading)
            count += n
        for lines in (section.lines, section.fields):  # an FAQ entry's fields are indexed too
            for i, (cleaned, n) in enumerate(blank_controls(line.text) for line in lines):
                if n:
                    lines[i], count = replace(lines[i], text=cleaned), count + n
    return text, title, count


def unique_ids(documents: Iterable[Document], previous: Mapping[str, str] | None = None) -> list[Document]:
    """Give documents that share a slug distinct ids (`-2`, `-3`, ...). A file keeps the id `previous` (source ->
    doc_id, the published build's) gave it while that is still its slug or one of its suffixes: adding `faq.html`
    beside `faq.md` does not take `faq` from it. The others get their slug, else the next free suffix, in corpus
    order. Returns the documents whose id is not their slug."""
    bases = [(doc, slug(doc.source)) for doc in documents]
    previous = previous or {}
    taken: set[str] = set()
    rest = []
    for doc, base in bases:
        old = previous.get(doc.source)
        if old is not None and old not in taken and (old == base or _suffixed(old, base)):
            taken.add(old)
            doc.doc_id = old
        else:
            rest.append((doc, base))
    for doc, base in rest:
        new, n = base, 1
        while new in taken:
            n += 1
            new = f"{base}-{n}"
        taken.add(new)
        doc.doc_id = new
    return [doc for doc, base in bases if doc.doc_id != base]


def _suffixed(doc_id: str, base: str) -> bool:
    return doc_id.startswith(f"{base}-") and doc_id[len(base) + 1:].isdigit()


def previous_ids(manifest: Mapping[str, Any] | None) -> dict[str, str]:
    """Source -> doc_id of a published build's manifest (none before builds recorded them)."""
    files = (manifest or {}).get("corpus", {}).get("files", [])
    return {f["source"]: f["doc_id"] for f in files if "doc_id" in f and "source" in f}


def read_metadata(root: Path) -> tuple[dict[str, dict[str, str]], list[Skipped]]:
    """Titles and urls by relative path from `sources.toml`; an unreadable one is reported, not fatal."""
    try:
        return _metadata(root), []
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return {}, [Skipped(METADATA_FILE, f"unreadable metadata ({exc}); titles come from files")]


def read_file(root: Path, path: Path, meta: dict[str, str] | None = None, *,
              max_bytes: int = MAX_FILE_BYTES) -> Document | Skipped:
    """One corpus file read and parsed, or the reason it is skipped. Ids are not unique yet (`unique_ids`)."""
    relative = shown_name(path.relative_to(root).as_posix())
    try:
        return read_document(root, path, meta, max_bytes=max_bytes)
    except ValueError as exc:
        return Skipped(relative, str(exc))
    except FileNotFoundError:  # deleted or moved after `refusal` saw it
        return Skipped(relative, why_missing(path))
    except OSError as exc:
        return Skipped(relative, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a parser's error nobody foresaw: one file must not stop the ingest of all the others
        return Skipped(relative, f"cannot be parsed ({exc.__class__.__name__}: {exc})")


def read_files(root: Path, *, max_file_bytes: int = MAX_FILE_BYTES) -> Iterator[Document | Skipped]:
    """Every candidate file under `root`, read one at a time in `corpus_files` order: its document or the reason it
    is skipped (an unreadable `sources.toml` first; a file refused unopened, `refusals`, is not opened, and one that
    several names lead to is read under one of them). Ids are not unique yet (`unique_ids`)."""
    metadata, skipped = read_metadata(root)
    paths = list(corpus_files(root))
    reasons = refusals(root, paths, max_file_bytes)  # a file two names lead to is read once
    yield from skipped
    yield from unmatched(metadata, root, paths, reasons)
    for path, reason in zip(paths, reasons, strict=True):
        relative = path.relative_to(root).as_posix()
        yield Skipped(shown_name(relative), reason) if reason else read_file(root, path, entry(metadata, relative),
                                                                             max_bytes=max_file_bytes)


def is_metadata(source: str) -> bool:
    """Whether a skipped `source` is `sources.toml` or one of its entries (`unmatched`), not a file of the corpus."""
    return source == METADATA_FILE or source.startswith(f'{METADATA_FILE} ["')


def unmatched(metadata: Mapping[str, object], root: Path, paths: Sequence[Path],
              reasons: Sequence[str | None] | None = None) -> list[Skipped]:
    """The entries of `sources.toml` that name no file of the corpus (a typo, a `./` or a `\\` in the path), or a
    name its file is not read under (`reasons`, of `refusals`: a link to a file read under its own name), reported:
    else a title or a url that never shows is a mystery. So are the keys of the other entries that misspell one it
    reads (`titel`, `Title`, `URL`), which would leave the file's own title silently."""
    names = [path.relative_to(root).as_posix() for path in paths]
    listed = set(names) | {key for key in metadata if is_folder(key) and (key == "/" or any(
        name.startswith(key) for name in names))}  # a folder entry names the folders of the corpus's files
    other = {name: reason for name, reason in zip(names, reasons or [None] * len(names), strict=True)
             if second_name(reason)}
    said = []
    for key, given in metadata.items():
        if key in other:
            why = (f"names a file read under another name ({other[key]}): its title and url are not used; give them "
                   "under the name read")
        elif key not in listed and (meant := folder_meant(key, names)):
            why = (f'names the folder {meant} another way: a folder\'s entry is written ["{meant}"] (relative to the '
                   "corpus folder, with /, ending in /); its url is not used")
        elif key not in listed and is_folder(key):
            why = ("names no folder of the corpus's files: paths are relative to the corpus folder, with / "
                   '("site/"; "/" for every file); its url is not used')
        elif key not in listed:
            why = ("names no file of the corpus: paths are relative to the corpus folder, with / "
                   '("guides/retours.md"); its title and url are not used')
        elif misspelt := _misspelt_keys(given):
            why = f"{misspelt}: an entry gives its file {' and '.join(METADATA_KEYS)}, the other keys are not read"
        elif is_folder(key) and (refused := folder_refusal(given)):
            why = refused
        elif is_folder(key) and isinstance(given, Mapping) and "title" in given:
            why = "a folder's entry gives the url its files are published below: its title is not read"
        else:
            continue
        said.append(Skipped(f'{METADATA_FILE} ["{key}"]', why))
    return said


def _misspelt_keys(entry: object) -> str:
    """The keys of a `sources.toml` entry that likely mean one it reads and lacks ("unknown key 'titel' (did you
    mean `title`?)"), said in a line; "" when none does. Keys far from those (`provenance`) are kept for people."""
    keys = [str(key) for key in entry] if isinstance(entry, Mapping) else []
    said = [f"unknown key {key!r} (did you mean `{near}`?)" for key in keys if key not in METADATA_KEYS and (
        near := closest(key.casefold(), [k for k in METADATA_KEYS if k not in keys]))]
    return "; ".join(said)


def add_files(corpus: Corpus, outcomes: Iterator[Document | Skipped], *, until_a_document: bool = False) -> None:
    """Add `outcomes` (of `read_files`) to `corpus`: all of them, or up to and including the next document."""
    for outcome in outcomes:
        if isinstance(outcome, Skipped):
            corpus.skipped.append(outcome)
        else:
            corpus.documents.append(outcome)
            if until_a_document:
                return


def not_read(corpus: Corpus) -> None:
    """Each second name of a file that is not read after all (refused once opened: binary, damaged, undecodable),
    whose reason said it was read once under another name, says that name's reason instead."""
    read = {document.source for document in corpus.documents}
    why = {skipped.source: skipped.reason for skipped in corpus.skipped if not second_name(skipped.reason)}
    for i, skipped in enumerate(corpus.skipped):
        if read_as(skipped.reason, read) is None and (name := read_as(skipped.reason, why)) is not None:
            how = skipped.reason.removesuffix(": read once")
            corpus.skipped[i] = Skipped(skipped.source, f"{how}, which is not read: {why[name]}")


def read_corpus(root: Path, *, max_file_bytes: int = MAX_FILE_BYTES) -> Corpus:
    """Read every supported file under `root`. A file that cannot be read is skipped and reported."""
    corpus = Corpus()
    add_files(corpus, read_files(root, max_file_bytes=max_file_bytes))
    not_read(corpus)
    unique_ids(corpus.documents)
    return corpus


__all__ = [
    "FORMATS",
    "VANISHED",
    "Changed",
    "Corpus",
    "Document",
    "Skipped",
    "add_files",
    "corpus_files",
    "is_metadata",
    "not_read",
    "previous_ids",
    "read_corpus",
    "read_document",
    "read_file",
    "read_files",
    "read_metadata",
    "refusal",
    "shown_name",
    "slug",
    "unique_ids",
    "unmatched",
]
