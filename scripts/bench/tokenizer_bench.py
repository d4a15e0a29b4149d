"""The bundled model's tokenizer: segmenting word by word (cached) against whole texts, same ids, how much faster.

    HF_HUB_OFFLINE=1 python -m scripts.bench.tokenizer_bench [--datasets ../shared/datasets] [--rounds 3]

Reads every passage of piaf, cnil_faq_dev and en_stackfaq and, as ingest tokenizes them, each passage whole and each
of its sentences (`rag.passage.sentences`: chunking and sentence windows count them). Checks that
`E5Tokenizer.content` (each word's best segmentation, cached) gives the ids of the best segmentation of the whole
normalised text (`E5Tokenizer.segment`, what the tokenizer did before), then times both over the same texts,
alternated (`--rounds`; a fresh tokenizer, so an empty cache, each round). Prints texts/s and the ratio (medians).
Exits 1 if any text's ids differ.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from rag.embedding.bundled import converted_model
from rag.embedding.e5_convert import TOKENIZER_FILE
from rag.embedding.e5_tokenizer import E5Tokenizer
from rag.passage import sentences
from rag.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SETS = ("piaf", "cnil_faq_dev", "en_stackfaq")


def texts_of(datasets: Path) -> list[str]:
    out: list[str] = []
    for name in SETS:
        with (datasets / name / "passages.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    text = json.loads(line)["text"]
                    out += [text, *sentences(text)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    folder, _ = converted_model(Settings().model_cache)
    texts = texts_of(args.datasets)
    tokenizer = E5Tokenizer(folder / TOKENIZER_FILE)
    differ = [t for t in texts if tokenizer.content(t) != list(tokenizer.segment(tokenizer.normalize(t)))]
    print(f"{len(texts)} texts ({sum(map(len, texts)):,} characters): {len(differ)} with other ids", flush=True)
    whole, words = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for t in texts:
            tokenizer.segment(tokenizer.normalize(t))
        whole.append(len(texts) / (time.perf_counter() - started))
        fresh = E5Tokenizer(folder / TOKENIZER_FILE)
        started = time.perf_counter()
        for t in texts:
            fresh.content(t)
        words.append(len(texts) / (time.perf_counter() - started))
    a, b = statistics.median(whole), statistics.median(words)
    print(f"whole texts: {a:.0f} texts/s; word by word, cached: {b:.0f} texts/s; ratio {b / a:.1f} "
          f"(medians of {args.rounds} rounds)")
    for t in differ[:5]:
        print("differs:", t[:120], file=sys.stderr)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
