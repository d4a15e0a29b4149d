"""A loaded, verified index build: its passages in vector order, the dense and BM25 indexes, the heading and
sentence-window vectors, the accent table, the manifest, and the catalogue of its documents.

Loading checks the files against the manifest's checksums and the counts against each other, and holds a lease on
the build folder (`rag.index.locks`) for as long as the `Index` lives, so that pruning never deletes it underneath.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import IndexError_, IndexMismatch, IndexNotFound
from rag.index import accents
from rag.index.analyzer import Analyzer
from rag.index.dense import DenseIndex
from rag.index.headings import Headings
from rag.index.layout import FORMAT_VERSION, LEXICAL, MANIFEST, PASSAGES, current_build, damage, link_fault
from rag.index.lexical import LexicalIndex
from rag.index.locks import Lease
from rag.index.manifest import shape_error
from rag.index.windows import Windows
from rag.passage import Chunk
from rag.schemas import DocumentSummary

# Heading or window vectors scanned for each question at most, of each kind (`Index.extra_scores`); the default of
# `RAG_EXTRA_SCAN_MAX`: the scan then costs about what the model's encoding of a question does (docs/SCALE.md).
EXTRA_SCAN_MAX = 20_000


@dataclass(frozen=True, slots=True)
class Extras:
    """One question's cosines with a build's extra vectors, where they were all scored: every heading's
    (`rag.index.headings`) and the best window's of each passage that has windows (`rag.index.windows`, in
    `Windows.rows` order); None where the build has none, or more than were scanned (`Index.extra_scores`): those
    score the rows asked for only, from `vector`, the question's."""

    headings: np.ndarray | None
    windows: np.ndarray | None
    vector: np.ndarray | None = None
    scan_max: int | None = None  # the limit they were made with: a filter's own extra vectors are scanned up to it


def _best(rows: np.ndarray, scores: np.ndarray, n: int) -> np.ndarray:
    """The `n` of `rows` that score best (ties: the lower row)."""
    return rows[np.lexsort((rows, -scores))[:n]].astype(np.int64)


@dataclass
class Index:
    """A loaded, verified build: passages in vector order, the dense index and the BM25 index.

    `manifest` is the build's manifest as written (`rag.index.manifest`), checked for the shape readers rely on; an
    index built in memory has no stamp (`Manifest.to_json()`) and the build id "memory".
    """

    path: Path
    manifest: dict[str, Any]
    passages: list[Chunk]
    vectors: DenseIndex
    lexical: LexicalIndex
    lease: Lease | None = field(default=None, repr=False, compare=False)
    headings: Headings | None = field(default=None, repr=False, compare=False)  # None: a build from before them
    windows: Windows | None = field(default=None, repr=False, compare=False)  # None: before them, or none made
    accents: dict[str, str] | None = field(default=None, repr=False, compare=False)  # None: a build from before it

    def __post_init__(self) -> None:
        self.rows = {chunk.id: row for row, chunk in enumerate(self.passages)}
        if self.headings is not None:
            self.headings.weigh(self.passages)
        # Each row's document, as a number in corpus order: the rows of a filter are one pass of numpy over them.
        numbers: dict[str, int] = {}
        self.row_documents = np.fromiter((numbers.setdefault(chunk.doc_id, len(numbers)) for chunk in self.passages),
                                         dtype=np.int32, count=len(self.passages))
        self._document_numbers = numbers
        counts = np.bincount(self.row_documents, minlength=len(numbers))
        self.documents: dict[str, DocumentSummary] = {}  # in corpus order
        first_rows = np.unique(self.row_documents, return_index=True)[1]  # numbers ascend with rows: corpus order
        for (doc_id, number), row in zip(numbers.items(), first_rows, strict=True):
            first = self.passages[int(row)]
            self.documents[doc_id] = DocumentSummary(doc_id=doc_id, title=first.title, source=first.source,
                                                     url=first.url, passages=int(counts[number]))
        # Document ids under each source path and each folder of one: built here, with the rest, when the index is
        # loaded (off the event loop), not by the first request that filters.
        by_path: dict[str, list[str]] = {}
        for doc_id, document in self.documents.items():
            parts = unicodedata.normalize("NFC", document.source).split("/")
            for depth in range(1, len(parts) + 1):
                by_path.setdefault("/".join(parts[:depth]), []).append(doc_id)
        self._by_path = {path: tuple(ids) for path, ids in by_path.items()}

    def documents_under(self, path: str | None) -> tuple[str, ...]:
        """Ids of the documents whose source is `path` or lies under the folder `path` (None, or the corpus folder
        itself, "", "/" or "./": all), in corpus order; both read in NFC, so that "é" as one code point or as "e"
        and an accent (macOS's file names) meet."""
        path = None if path is None else unicodedata.normalize("NFC", path.strip("/").removeprefix("./"))
        if path in (None, "", "."):  # an agent fills an optional argument with "": it listed no document at all
            return tuple(self.documents)
        return self._by_path.get(path, ())

    def rows_of(self, doc_ids: Iterable[str]) -> np.ndarray:
        """The sorted rows of the passages of `doc_ids` (ids of documents of this index)."""
        admitted = np.zeros(len(self._document_numbers), dtype=bool)
        admitted[[self._document_numbers[doc_id] for doc_id in doc_ids]] = True
        return np.flatnonzero(admitted[self.row_documents])

    @property
    def build_id(self) -> str:
        return str(self.manifest["build_id"])

    @property
    def model(self) -> dict[str, Any]:
        return dict(self.manifest["model"])

    def __len__(self) -> int:
        return len(self.passages)

    def embedded_question(self, question: str) -> str:
        """What the model embeds of a question: in lower case if typed in capitals, and accents the corpus always
        writes put back (`rag.index.accents`)."""
        question = accents.unshouted(question)
        return accents.restore(question, self.accents) if self.accents else question

    def extra_scores(self, vector: np.ndarray, scan_max: int | None = None) -> Extras | None:
        """One question's `Extras` (matrix-vector products: the same to the byte whatever the batch); None for a
        build with neither headings nor windows. A kind of extra vectors with more than `scan_max` vectors (None:
        no limit) is not scanned: its vectors then re-score the candidates found otherwise, and find passages only
        within a filter that holds at most `scan_max` of them (`extra_rows`)."""
        if self.headings is None and self.windows is None:
            return None
        headings = windows = None
        if self.headings is not None and (scan_max is None or len(self.headings.vectors) <= scan_max):
            headings = self.headings.scores(vector)
        if self.windows is not None and (scan_max is None or len(self.windows) <= scan_max):
            windows = self.windows.passage_scores(vector)
        scanned = (headings is not None or self.headings is None) and (windows is not None or self.windows is None)
        return Extras(headings, windows, None if scanned else vector, scan_max)

    def extra_rows(self, extras: Extras, n: int, within: np.ndarray | None) -> np.ndarray:
        """Rows found by their extra vectors: about `n` under the best headings and the `n` with the best windows
        (among `within`, sorted rows, when given), sorted and distinct. A kind that was not scanned finds none,
        except within a filter whose passages hold at most `extras.scan_max` vectors of it: those are all scored."""
        found = [np.zeros(0, dtype=np.int64)]
        if self.headings is not None and extras.headings is not None:
            found.append(self.headings.best_rows(extras.headings, n, within).astype(np.int64))
        if self.windows is not None and extras.windows is not None:
            found.append(self.windows.best_rows(extras.windows, n, within))
        vector, limit = extras.vector, extras.scan_max
        if within is None or vector is None:
            return np.unique(np.concatenate(found))

        def fits(count: int) -> bool:
            return limit is None or count <= limit

        if self.headings is not None and extras.headings is None and fits(self.headings.count_of(within)):
            found.append(_best(within, self.headings.rescore(within, vector), n))
        if self.windows is not None and extras.windows is None and fits(self.windows.count_of(within)):
            best = self.windows.scan_rows(within, vector)
            has = np.isfinite(best)
            found.append(_best(within[has], best[has], n))
        return np.unique(np.concatenate(found))

    def dense_scores(self, rows: np.ndarray, vector: np.ndarray, extras: Extras | None = None) -> np.ndarray:
        """The dense score of `rows` for one question vector: the best of each passage's cosine, its heading's
        (`rag.index.headings`) and its best window's (`rag.index.windows`); `extras` when already computed."""
        scores = self.vectors.vectors_for(rows) @ vector
        if extras is None:
            extras = self.extra_scores(vector)
            if extras is None:
                return scores
        if self.headings is not None:
            scores = np.maximum(scores, extras.headings[self.headings.of_row[rows]] if extras.headings is not None
                                else self.headings.rescore(rows, vector))
        if self.windows is not None:
            if extras.windows is not None:
                scores = np.maximum(scores, self.windows.scores_of(rows, extras.windows))
            else:
                scores = np.maximum(scores, self.windows.rescore(rows, vector))
        return scores

    def heading_scores(self, rows: np.ndarray, extras: Extras) -> np.ndarray:
        """The cosine of the heading of each of `rows` (a build with headings): from the scan, else computed for
        these rows (each row's the same whatever rows come with it); the whole cosine, a heading worded as a
        question not discounted (`Headings.weigh`): whether a question asks what its heading asks is read on it."""
        headings = self.headings
        assert headings is not None
        if extras.headings is not None:
            scores = extras.headings[headings.of_row[rows]]
        elif extras.vector is None:
            raise ValueError("extras without the question's vector: make them with Index.extra_scores")
        else:
            scores = headings.rescore(rows, extras.vector)
        return scores if headings.scale is None else scores / headings.scale[headings.of_row[rows]]

    def stored_vectors(self) -> np.ndarray:
        """A copy of all exact vectors, in passage order (for reuse by the next ingest), whatever the index kind."""
        return self.vectors.all_vectors()

    @classmethod
    def load(cls, index_dir: Path, *, verify: bool = True) -> Index:
        """Load the current build. Raises `IndexNotFound` or `IndexError_` with what to do about it."""
        build = current_build(index_dir)
        if build is None:
            raise IndexNotFound(f"no index in {index_dir}: run `rag ingest` first")
        try:
            return cls.load_build(build, verify=verify)
        except IndexError_ as exc:  # "run `rag ingest`" would not do: say what is in the way, and how to clear it
            if (fault := link_fault(index_dir)) is None:
                raise
            raise IndexError_(fault) from exc

    @classmethod
    def load_build(cls, build: Path, *, verify: bool = True) -> Index:
        """Load one build folder, holding a lease on it for as long as the returned `Index` lives."""
        try:
            lease = Lease(build)
        except BlockingIOError as exc:
            raise IndexError_(f"index build {build} is being written or removed: try again") from exc
        except OSError as exc:
            raise IndexError_(f"index build {build} cannot be opened ({exc}): run `rag ingest`") from exc
        try:
            manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexError_(f"index build {build} has no readable manifest ({exc}): run `rag ingest`") from exc
        version = manifest.get("format_version") if isinstance(manifest, dict) else 1  # not a dict: the shape says
        if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
            newer = isinstance(version, int) and version > FORMAT_VERSION
            raise IndexMismatch(f"index build {build} has format {version}, this rag reads formats 1 to "
                                f"{FORMAT_VERSION}: " + ("it was written by a newer rag: upgrade this one, or "
                                                         "rebuild the index with it (`rag ingest --force`)"
                                                         if newer else "run `rag ingest --force`"))
        if (wrong := shape_error(manifest)) is not None:
            raise IndexError_(f"index build {build} has a manifest of the wrong shape ({wrong}): "
                              "run `rag ingest --force`")
        if verify and (wrong := damage(build, manifest)) is not None:
            raise IndexError_(f"{wrong}: run `rag ingest --force`")
        try:
            vectors = DenseIndex.load(build, manifest.get("faiss"))
            passages = []
            with (build / PASSAGES).open(encoding="utf-8") as handle:
                for line in handle:
                    passages.append(Chunk(**json.loads(line)))
            analyzer = Analyzer(manifest["lexical"]["language"])
            lexical = LexicalIndex.load(build / LEXICAL, analyzer)
            headings = Headings.load(build)
            windows = Windows.load(build)
            table = accents.load(build)
        except (OSError, RuntimeError, ValueError, TypeError, KeyError) as exc:
            raise IndexError_(f"index build {build} cannot be read ({exc}): run `rag ingest --force`") from exc
        sizes = {"vectors": vectors.ntotal, "passages": len(passages), "lexical": len(lexical),
                 "manifest": manifest["counts"]["passages"]}
        if headings is not None:
            sizes["headings"] = len(headings.of_row)
        if len(set(sizes.values())) != 1:
            raise IndexError_(f"index build {build} is inconsistent ({sizes}): run `rag ingest --force`")
        if vectors.d != manifest["model"]["dimension"]:
            raise IndexError_(f"index build {build}: vectors have dimension {vectors.d}, manifest says "
                              f"{manifest['model']['dimension']}: run `rag ingest --force`")
        if headings is not None and len(headings.of_row) and (
                headings.vectors.shape[1] != vectors.d or not 0 <= headings.of_row.min() <= headings.of_row.max()
                < len(headings.vectors)):
            raise IndexError_(f"index build {build}: heading vectors do not match their passages: "
                              "run `rag ingest --force`")
        if windows is not None and len(windows) and (
                windows.vectors.shape[1] != vectors.d or not 0 <= windows.rows[0] <= windows.rows[-1] < len(passages)):
            raise IndexError_(f"index build {build}: window vectors do not match their passages: "
                              "run `rag ingest --force`")
        return cls(build, manifest, passages, vectors, lexical, lease, headings, windows, table)

    def check_model(self, served: dict[str, Any]) -> None:
        """Refuse to serve with another model, model package or prompt than the index was built with: `served` is
        the serving model's `Embedder.describe()`."""
        built = self.model
        if built["name"] != served["name"] or built.get("package") != served.get("package"):
            def named(model: dict[str, Any]) -> str:
                return repr(model["name"]) + (f" ({model['package']})" if model.get("package") else "")

            raise IndexMismatch(
                f"the index was built with model {named(built)} but the configured model (RAG_MODEL) is "
                f"{named(served)}: "
                f"re-run `rag ingest --force` with this model, or set RAG_MODEL={built['name']}")
        for kind in ("passage", "query"):
            key = f"{kind}_prompt"
            if built.get(key, "") != served.get(key, ""):
                raise IndexMismatch(
                    f"the index was built with {kind} prompt {built.get(key, '')!r}, the configured one is "
                    f"{served.get(key, '')!r}: set RAG_{key.upper()} accordingly or re-run `rag ingest --force`")


__all__ = ["Extras", "Index"]
