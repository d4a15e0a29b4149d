"""How much memory a whole `rag ingest` takes of a large JSON Lines file or Markdown folder, embedding included.

    HF_HUB_OFFLINE=1 nice .venv/bin/python -m scripts.bench.ingest_memory --records 20000 [--markdown] [--rss]
        [--model]

Writes `--records` records shaped as `scripts.bench.json_records` makes them (one JSON Lines file, or with
`--markdown` a Markdown file a record) in a temporary folder, then ingests it with `rag.ingest` into a fresh index
folder, as `rag ingest` does: read, cut, embed the passages, their headings and sentence windows, build the lexical
index, write the build. Prints the peak of memory Python allocated during the ingest (tracemalloc, numpy's arrays
included; the model loaded before) and what it still held after, and the same for each stage (`rag.ingestion.stages`'s
`cut` and `embed_chunks`, `rag.ingestion.pipeline`'s `index_parts` and `publish`, each wrapped: what was held when it
started, its peak, what was held when it returned); with `--rss`, without tracemalloc (whose own bookkeeping takes
memory), the process's peak resident memory before and after the ingest (`ru_maxrss`).

THE MODEL IS A STAND-IN by default: the bundled model's tokenizer cuts the passages and windows (the same passages
and windows as a real ingest, made by the same code), but each vector is made from a hash of its text instead of by
the model, which would take hours on a small machine (some 100,000 texts for 20,000 records). Like the bundled
model, the stand-in returns one array of vectors for all the texts it is given at once. What the model itself holds
(its weights, the activations of one text at a time) is the same whatever the corpus, and in the RSS figure of both
the ingests compared. `--model` embeds with the bundled model instead (slow). The real model's path through the same
code is run by the tests (tests/integration/test_ingest.py and the others that ingest).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
import tracemalloc
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag import Settings, ingest, load_embedder
from rag.embedding.base import Embedder
from rag.ingestion import pipeline, stages
from scripts.bench.json_records import records


class StandIn(Embedder):
    """The bundled model's tokenizer and description; vectors from a hash of each text (unit length, deterministic)."""

    def __init__(self, model: Embedder) -> None:
        super().__init__()
        self.model = model
        self.name, self.dimension, self.max_tokens = model.name, model.dimension, model.max_tokens
        self.languages = model.languages
        self.query_prompt, self.passage_prompt = model.query_prompt, model.passage_prompt
        self.texts = 0  # how many texts it embedded

    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        return self.model.count_tokens(texts, passage=passage)

    def _encode(self, texts: list[str], *, query: bool, **_: object) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)  # as the bundled model: one array for all
        for i, text in enumerate(texts):
            vector = np.random.default_rng(zlib.crc32(text.encode("utf-8", "surrogatepass"))).standard_normal(
                self.dimension)
            out[i] = vector / np.linalg.norm(vector)
        self.texts += len(texts)
        return out

    def describe(self) -> dict[str, object]:
        return self.model.describe()


class Stages:
    """Each stage of an ingest wrapped: tracemalloc's figures around it, and the peak of the whole ingest."""

    WRAPPED = ((stages, "cut"), (stages, "embed_chunks"), (pipeline, "index_parts"), (pipeline, "publish"))

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int, int]] = []  # stage, held when it started, its peak, held after
        self.peak = 0
        for module, name in self.WRAPPED:
            setattr(module, name, self._wrapped(name, getattr(module, name)))

    def _wrapped(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            if not tracemalloc.is_tracing():
                return function(*args, **kwargs)
            start, before = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            out = function(*args, **kwargs)
            held, peak = tracemalloc.get_traced_memory()
            self.peak = max(self.peak, before, peak)
            self.rows.append((name, start, peak, held))
            return out
        return run


def write_corpus(folder: Path, count: int, *, markdown: bool) -> int:
    """`count` records in `folder` (one JSON Lines file, or a Markdown file each); their size in bytes."""
    text = records(count)
    if markdown:
        for n, line in enumerate(text.splitlines()):
            record = json.loads(line)
            (folder / f"{n}.md").write_text(f"# {record['title']}\n\n{record['text']}\n", encoding="utf-8")
    else:
        (folder / "kb.jsonl").write_text(text, encoding="utf-8")
    return sum(file.stat().st_size for file in folder.iterdir())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--markdown", action="store_true", help="a Markdown file a record, not one JSON Lines file")
    parser.add_argument("--rss", action="store_true", help="peak resident memory, without tracemalloc")
    parser.add_argument("--model", action="store_true", help="embed with the bundled model, not the stand-in (slow)")
    args = parser.parse_args()
    model = load_embedder(Settings())
    embedder = model if args.model else StandIn(model)
    with tempfile.TemporaryDirectory() as work:
        corpus, index = Path(work) / "corpus", Path(work) / "index"
        corpus.mkdir()
        warm = Path(work) / "warm-up"
        warm.mkdir()
        with multiprocessing.get_context("spawn").Pool(1) as pool:  # its memory is not this process's peak
            size = pool.apply(write_corpus, (corpus, args.records), {"markdown": args.markdown})
            pool.apply(write_corpus, (warm, 20), {"markdown": args.markdown})
        settings = Settings(corpus_dir=corpus, index_dir=index, max_file_bytes=max(size, 10_000_000))
        # an ingest of a few records first: the modules an ingest imports are not counted
        ingest(Settings(corpus_dir=warm, index_dir=Path(work) / "warm-index"), embedder=embedder)
        if isinstance(embedder, StandIn):
            embedder.texts = 0
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        wrapped = Stages()
        if not args.rss:
            tracemalloc.start()
        started = time.perf_counter()
        report = ingest(settings, embedder=embedder)
        seconds = time.perf_counter() - started
        held, peak = tracemalloc.get_traced_memory() if not args.rss else (0, 0)
        peak = max(peak, wrapped.peak)  # the peak since the last stage's start, or a stage's
        tracemalloc.stop()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        written = {p.name: p.stat().st_size for p in (index / "current").resolve().iterdir()
                   if p.suffix in (".npy", ".faiss")}
    kind = "Markdown files" if args.markdown else "a JSON Lines file"
    texts = f", {embedder.texts:,} texts embedded" if isinstance(embedder, StandIn) else ""
    files = ", ".join(f"{name} {length / 1e6:.0f}" for name, length in sorted(written.items()))
    print(f"{args.records:,} records, {kind} of {size / 1e6:.1f} MB: {report.passages:,} passages{texts}; "
          f"vectors written {sum(written.values()) / 1e6:.0f} MB ({files}); {seconds:.0f} s")
    if args.rss:
        print(f"peak resident memory: {before / 1e6:.0f} MB before the ingest (model loaded), {after / 1e6:.0f} MB "
              f"after: {(after - before) / 1e6:.0f} MB more for the ingest")
    else:
        print(f"ingest, peak of memory Python allocated: {peak / 1e6:.0f} MB ({peak / size:.1f} times the corpus); "
              f"held once done {held / 1e6:.0f} MB")
        print("\n| stage | held at its start, MB | its peak, MB | held after, MB |\n|---|---:|---:|---:|")
        for name, start, top, after in wrapped.rows:
            print(f"| {name} | {start / 1e6:,.0f} | {top / 1e6:,.0f} | {after / 1e6:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
