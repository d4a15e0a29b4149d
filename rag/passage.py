"""The passage record and its ids: made by chunking (`rag.corpus.chunking`), stored by the index (`passages.jsonl`,
one record per line in vector order), cited by search.

It stands on the ground floor so that the index and search read passages without reaching into the corpus readers.
The class keeps the name `Chunk`: `Passage` is the API's model (`rag.schemas.Passage`, named in the OpenAPI
document), which a search builds from this record with its citation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace

# The version of `sentence_breaks`' rule: a build's sentence windows number the sentences it cut (`rag.index.windows`),
# which another rule numbers otherwise (2: full stops after abbreviations and before lowercase words cut nothing).
SENTENCE_RULE = 2
# Where a long line may be cut into sentences: after . ! ? … ; and the spaces that follow, before more text, or after a
# full stop of Chinese or Japanese (。！？), which needs no space. A full stop cuts only where it ends a sentence
# (`sentence_breaks`).
SENTENCE_BREAK = re.compile(r"(?<=[.!?…;])\s+(?=\S)|(?<=[。！？])\s*(?=\S)")
# Words before a dot that end no sentence (besides initials, "J. K."), compared casefolded: French, English, Spanish
# and German abbreviations ("Mme Martin", "p. ej. la tarjeta", "bzw. die Karte"; "z. B." is two initials). Not "etc.",
# "usw.", which end more sentences than they continue ("…, etc. Le client…"), nor "J.-C." ("206 av. J.-C. C'est…").
ABBREVIATIONS = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "mr", "mrs", "ms", "jr", "sr", "av", "apr", "env",
    "cf", "pp", "art", "ex", "fig", "vs", "resp", "e.g", "i.e",
    "sra", "srta", "ud", "uds", "vd", "vds", "ej", "aprox", "admón", "dña", "dto",
    "bzw", "evtl", "ggf", "inkl", "exkl", "str", "bzgl", "vgl", "zzgl", "geb", "hr", "fr"})
# ... and those that abbreviate only before a number ("no. 5", "Nr. 12", "Tel. 01 ..."; "No. I can say" ends one)
BEFORE_NUMBER = frozenset({"no", "n°", "nr", "vol", "abs", "núm", "pág", "tel", "tfno", "ca"})
# After a number, a unit, which may end a sentence ("de 9 h à 18 h.", "Il mesure 2 m. Le reste", "10 ms. The")
_UNITS = frozenset({"m", "mm", "ms", "cm", "km", "min", "h", "s", "g", "kg", "l", "ml"})
# What may open a sentence before its first letter: quotes, brackets, spaces, Spanish ¿ ¡, German „.
_OPENING = "«\"“‘'([ \u00a0\u202f¿¡„"
# A line that is an item of a list or a row of a table, not prose: a bullet, a number and its dot, a bar.
ITEM = re.compile(r"\s*(?:[•·▪◦*\-–—|]|\d{1,3}[.)]\s)")
CELL_SEPARATOR = " | "  # between the cells of a table row, which is one line (Word, HTML, OpenDocument)
# A passage's table rows headed by the header row its table has in an earlier passage (`Chunk.header`).
ABOVE = -1
# A Markdown code fence, which opens or closes a code block: three backticks or tildes or more.
_FENCE = re.compile(r"\s*(`{3,}|~{3,})")
# A line that ends a sentence: . ! ? … ; (or 。！？) then closing quotes or brackets (a colon announces what follows).
_ENDS_SENTENCE = re.compile(r"[.!?…;。！？][\"'»”)\]」』]*\s*$")


def ends_sentence(line: str) -> bool:
    """Whether a line ends where its sentence does: else a hard-wrapped or PDF line continues it on the next."""
    return _ENDS_SENTENCE.search(line) is not None


def fence_end(lines: list[str], first: int) -> int | None:
    """The index of the line that closes the code block `lines[first]` opens (a fence of its character at least as
    long, alone on its line; the last line when none does), or None when that line opens none."""
    opening = _FENCE.match(lines[first]) if first < len(lines) else None
    if opening is None:
        return None
    char, length = opening.group(1)[0], len(opening.group(1))
    closing = (i for i in range(first + 1, len(lines)) if len(fence := lines[i].strip()) >= length and
               fence == char * len(fence))
    return next(closing, len(lines) - 1)


def is_abbreviation(line: str, cursor: int, dot: int) -> bool:
    """Whether the dot at `line[dot]` ends an abbreviation or an initial, not a sentence: the word before it (back to
    `cursor` at most) is one of `ABBREVIATIONS`, one of `BEFORE_NUMBER` before a number, or a single letter ("J. K.",
    "z. B.", "c. 1150"); not a unit after a number, which may end a sentence ("de 9 h à 18 h."), nor a contraction's
    end ("you can't. The")."""
    start = dot
    while start > cursor and (line[start - 1].isalnum() or line[start - 1] in "°.-"):
        start -= 1
    word = line[start:dot].casefold()
    if start > 0 and line[start - 1] in "'’":
        return False
    if start >= 2 and line[start - 1].isspace() and line[start - 2].isdigit() and (
            len(word) == 1 or word in _UNITS):  # "18 h", "18\u00a0h"
        return False
    if word in BEFORE_NUMBER:
        after = dot + 1
        while after < len(line) and line[after].isspace():
            after += 1
        return after < len(line) and line[after].isdigit()
    return (len(word) == 1 and word.isalpha()) or word in ABBREVIATIONS


def starts_sentence(line: str, at: int) -> bool:
    """Whether `line` from `at` opens a sentence: after any quotes, brackets and spaces, a capital, a digit or a
    letter of a script without case (Korean, Arabic, Hebrew...), not a lowercase letter nor punctuation."""
    while at < len(line) and line[at] in _OPENING:
        at += 1
    return at < len(line) and (line[at].isdigit() or (line[at].isalpha() and not line[at].islower()))


def sentence_breaks(line: str) -> Iterator[re.Match[str]]:
    """The `SENTENCE_BREAK`s of one line where a sentence ends: after a full stop, only before a sentence's opening
    and not after an abbreviation ("p. ej. la tarjeta", "M. Dupont" stay whole); after ! ? … ; as they stand."""
    cursor = 0
    for match in SENTENCE_BREAK.finditer(line):
        dot = match.start() - 1
        if line[dot] == "." and (not starts_sentence(line, match.end()) or is_abbreviation(line, cursor, dot)):
            continue
        yield match
        cursor = match.end()


def is_row(line: str) -> bool:
    """Whether `line` reads as a table row: cells joined by `CELL_SEPARATOR`, or a Markdown row."""
    body = line.strip()
    return CELL_SEPARATOR in body or (body.startswith("|") and body.endswith("|") and len(body) > 1)


def is_separator(line: str) -> bool:
    """Whether `line` is a Markdown table's separator row (`|---|:--:|`), under its header row."""
    body = line.strip()
    return "-" in body and "|" in body and not body.strip("|-: \t")


def table_heads(lines: list[str], header: bool = False, *, items: list[bool] | None = None,
                opens: list[bool] | None = None) -> list[int | None]:
    """For each of `lines`, the index of the line that heads its table: a table is a run of two rows or more, and
    its first row heads it (itself included); None for a line outside a table (not a row, or a row with no row next
    to it). With `header` (a passage that goes on with a table whose header row is in an earlier passage,
    `Chunk.header`), the rows the lines open on, one or more, are that table's, headed by `ABOVE`.

    Rows are consecutive lines outside code blocks. A Markdown table (rows within bars) has its separator row
    below its header (`is_separator`), else its lines are no table ("| a | b |" lines of ASCII art); a separator
    row starts a new table, headed by the row above it, as does a row the reader says opens a table (`opens`, the
    chunker's: back to back HTML or Word tables). With `items` (the chunker's: which lines the reader read as list
    items or table rows), a line of cells joined by `CELL_SEPARATOR` is a row only if the reader read one: a
    paragraph "Accueil | Produits | Contact" is none."""
    out: list[int | None] = [None] * len(lines)
    if not any("|" in line for line in lines):  # no row (every row holds a bar): most passages
        return out
    rows = [is_row(line) and (items is None or items[n] or line.lstrip().startswith("|"))
            for n, line in enumerate(lines)]
    n = 0
    while n < len(lines):  # a code block's lines are no rows
        end = fence_end(lines, n) if "`" in lines[n] or "~" in lines[n] else None
        if end is not None:
            rows[n:end + 1] = [False] * (end + 1 - n)
            n = end
        n += 1

    def starts(k: int) -> bool:  # a row that opens a table of its own, within a run of rows
        return bool(opens and opens[k]) or (k + 1 < len(lines) and rows[k + 1] and is_separator(lines[k + 1]))

    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and rows[i] and rows[j + 1] and not starts(j + 1):
            j += 1
        above = header and i == 0 and rows[0]
        markdown = rows[i] and lines[i].lstrip().startswith("|")
        if above or (j > i and (not markdown or is_separator(lines[i + 1]))):
            out[i:j + 1] = [ABOVE if above else i] * (j + 1 - i)
        i = j + 1
    return out


def sentences(text: str) -> list[str]:
    """The sentences of a text: each line, cut as the chunker cuts a line too long for a passage."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in `text` of each of its `sentences`: a window's sentences (`rag.index.windows`) found in it."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        base = pos + len(line) - len(line.lstrip())
        cursor = 0
        for match in sentence_breaks(stripped):
            out.append((base + cursor, base + match.start()))
            cursor = match.end()
        if cursor < len(stripped):
            out.append((base + cursor, base + len(stripped)))
        pos += len(line)
    return out


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage: its text, what is embedded, and its place in the source."""

    id: str
    doc_id: str
    title: str
    source: str
    section: str | None
    url: str | None
    start: int
    end: int
    text: str
    page: int | None = None  # page where the passage starts, as the document numbers it (`rag.schemas.PAGE`)
    last_page: int | None = None  # where it ends, when on a later page than `page`; else None
    # the header row of the table whose rows the passage opens on, when that row is in an earlier passage (a long
    # table cut by chunking): embedded and indexed before the text, and shown above a row the answer quotes; not
    # in the text, whose span it is not in
    header: str | None = None
    # an FAQ entry's other fields, "Name : value" lines (`rag.corpus.formats.base.Section.fields`: a spreadsheet
    # row's id, paraphrases, state, date): embedded and indexed before the text, so that they find the entry, and
    # never quoted; not in the text, whose span holds the question and the answer only
    fields: str | None = None

    @property
    def context(self) -> str:
        """The heading path embedded and indexed with the text: document title, then section."""
        return f"{self.title} › {self.section}" if self.section else self.title

    @property
    def prefix(self) -> str:
        """What is embedded and indexed before the text: the heading path, an FAQ entry's other fields (`fields`),
        and the header row of the table the passage goes on with (`header`), so that its rows are read with the
        names of their columns."""
        return "\n".join(part for part in (self.context, self.fields, self.header) if part is not None)

    @property
    def indexed_text(self) -> str:
        """What the retrievers see: heading path (and an entry's fields, a table's header row: `prefix`), then the
        passage text."""
        return f"{self.prefix}\n{self.text}"

    def to_record(self) -> dict[str, object]:
        """The passage store's record. `page` only when there is one, `last_page` only for a passage over several
        pages, `header` only for a passage that goes on with a table, `fields` only for an FAQ entry that has some:
        records stay as an older rag reads them where they can (a record without them loads as None; a build with
        pages is written in format 2, with page ranges in format 3, with headers in format 4, with fields in format
        5, `rag.index.layout.build_format`)."""
        record: dict[str, object] = {"id": self.id, "doc_id": self.doc_id, "title": self.title,
                                     "source": self.source, "section": self.section, "url": self.url,
                                     "start": self.start, "end": self.end, "text": self.text}
        if self.page is not None:
            record["page"] = self.page
        if self.last_page is not None:  # format 3
            record["last_page"] = self.last_page
        if self.header is not None:  # format 4
            record["header"] = self.header
        if self.fields is not None:  # format 5
            record["fields"] = self.fields
        return record


def reuse_text(text: str) -> str:
    """What the reuse key of a vector made from `text` hashes (`rag.ingestion.stages.embed_key`, a heading's, a
    window's): the text itself when it is composed (NFC), else the text marked apart. The bundled model reads a
    decomposed text (a letter, then its accent: macOS, some PDFs) as composed since stop 47; a vector stored before
    for such a text was made from other tokens, and is not reused. A composed text keeps its key, and its vector."""
    return text if unicodedata.is_normalized("NFC", text) else "decomposed\x00" + text


def reuse_digest(text: str) -> str:
    """The hash a reuse key is made of (a passage's, a heading's, a window's): sha256 of `reuse_text(text)`, in hex.
    A key holds no text: a re-ingest holds every key of the build before at once."""
    return hashlib.sha256(reuse_text(text).encode("utf-8", "surrogatepass")).hexdigest()


def with_doc_id(chunks: list[Chunk], doc_id: str) -> list[Chunk]:
    """The passages of one document moved under another document id, with the ids `rag.corpus.chunking.Chunker`
    gives them there (for a document renamed by `rag.corpus.reader.unique_ids` after it was chunked)."""
    return with_ids([replace(chunk, doc_id=doc_id) for chunk in chunks])


def with_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Passages with their ids, from the document id and a hash of section and text: stable while the passage
    itself is unchanged. The k-th copy of a passage gets the suffix `-k`; each hash remembers its next suffix, so
    that n copies cost O(n), not O(n²) (a document of 100,000 identical paragraphs)."""
    out, seen, next_suffix = [], set(), dict[str, int]()
    for chunk in chunks:
        digest = hashlib.sha1(f"{chunk.section}\x00{chunk.text}".encode()).hexdigest()[:10]
        base = pid = f"{chunk.doc_id}-{digest}"
        n = next_suffix.get(base, 2)
        while pid in seen:
            pid = f"{base}-{n}"
            n += 1
        next_suffix[base] = n
        seen.add(pid)
        out.append(replace(chunk, id=pid))
    return out


__all__ = ["ABBREVIATIONS", "ABOVE", "BEFORE_NUMBER", "CELL_SEPARATOR", "SENTENCE_BREAK", "SENTENCE_RULE", "Chunk",
           "fence_end", "is_abbreviation", "is_row", "is_separator", "reuse_digest", "reuse_text", "sentence_breaks",
           "sentences", "starts_sentence", "table_heads", "with_doc_id", "with_ids"]
