"""Where the chunker cuts documents: every passage `rag ingest` gives the files under some folders (the default model's
tokenizer and passage size), written as JSON, then the passages of one run not in another, to compare two versions
of the chunker on the same files.

    git worktree add --detach /tmp/old-rag BASE     # the chunker before, run by this script (not in BASE)
    PYTHONPATH=/tmp/old-rag .venv/bin/python scripts/eval/passage_cuts.py corpus tests/data -o /tmp/old.json
    PYTHONPATH=. .venv/bin/python scripts/eval/passage_cuts.py corpus tests/data -o /tmp/new.json \
        --against /tmp/old.json

Prints the number of files and passages, then for each file cut otherwise than in `--against` the passages gone
("-") and added ("+"): heading, span, first and last words.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.corpus.reader import Skipped, read_files
from rag.corpus.short_documents import join_title_lines
from rag.embedding.load import load_embedder
from rag.ingestion.stages import chunker_for
from rag.settings import Settings

Passage = list[object]  # heading, start, end, text


def passages(roots: list[Path]) -> dict[str, list[Passage]]:
    """Each readable file's passages, as `rag ingest` cuts them (its short documents' title lines joined first)."""
    settings = Settings()
    chunker = chunker_for(load_embedder(settings), settings.max_passage_tokens)
    cut: dict[str, list[Passage]] = {}
    for root in roots:
        for doc in read_files(root):
            if not isinstance(doc, Skipped):
                join_title_lines(doc, chunker)
                cut[f"{root}:{doc.source}"] = [[c.section, c.start, c.end, c.text] for c in chunker.chunk(doc)]
    return cut


def _show(sign: str, passage: Passage) -> str:
    heading, start, end, text = passage
    return f"  {sign} [{heading}] {start}-{end}: {str(text)[:60]!r} ... {str(text)[-60:]!r}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--against", type=Path, help="a JSON this script wrote, to list what moved since")
    args = parser.parse_args()
    cut = passages(args.roots)
    args.output.write_text(json.dumps(cut, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(cut)} files, {sum(map(len, cut.values()))} passages")
    if args.against is None:
        return
    before: dict[str, list[Passage]] = json.loads(args.against.read_text(encoding="utf-8"))
    for name in sorted(set(cut) | set(before)):
        old, new = before.get(name, []), cut.get(name, [])
        if old != new:
            print(f"{name}: {len(old)} -> {len(new)} passages")
            gone, added = [p for p in old if p not in new], [p for p in new if p not in old]
            print("\n".join([*(_show("-", p) for p in gone), *(_show("+", p) for p in added)]))


if __name__ == "__main__":
    main()
