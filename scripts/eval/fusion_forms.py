"""How the two sides are combined, and how the dense side is scored, measured on the audits' sets and the visible
ones, in process as the server searches (`scripts.eval.audit_sweep`'s scoring: hybrid, 10 hits; vectors cached as
for the other sweeps).

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.fusion_forms [--sets a,b] [--variants a,b] [-o FILE]

Prints one JSON line per set and variant, then a Markdown table (a row per variant, a column per set). Variants
(docs/EVALUATION.md, "How the two sides are combined"), each replacing one step of the hybrid ranking:

- `default`: `rag.search.fusion.fuse`, the convex mix of min-max scaled cosines and max-scaled BM25, dense weight 0.7;
- `z`, `z<w>`: both sides as z-scores over the question's candidates (dense weight 0.7, or `w`);
- `minmax2`: BM25 min-max scaled too;
- `borda`: both sides by rank, 1 - (rank - 1) / candidates (a passage without BM25 score gets nothing from it);
- `peak<a>`: the dense weight moved per question by `a` times how much more the dense side's first candidate leads
  its second than the lexical side's does (on their scaled scores), within [0.1, 0.9];
- `top<k>`: cosines scaled from the `k`-th best candidate's instead of the last's (a reference rank that does not
  depend on how many candidates there are);
- `nbr<b>`: each candidate's cosine mixed with the best cosine of its section (`b` its share);
- `untitled`: a document's introduction (a passage outside any section, in a document that has sections) scored
  without a heading vector, the title it would take standing for the whole document.

Sets: those of `audit_sweep` and audit 42's and 43's pages, with their off-topic questions.

The variants `lexfloor<f>`, `floors`, `kinds` and `kinds_mean` of docs/EVALUATION.md's table replaced the searcher's
private ranking step, which a script here may not reach (tests/system/test_scripts.py): they ran with this script as
of commit c6bd409 (`git show c6bd409:scripts/eval/fusion_forms.py`), and are not kept here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import scripts.eval.audit_sweep as audit_sweep
from rag.index.headings import Headings
from rag.ingestion.stages import section_numbers
from scripts.eval.audit_sweep import DATA, Combine, fused_by, targets

SECTIONS: dict[str, np.ndarray] = {}  # the current set's section number of each row, for `nbr`

def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    if hi - lo <= 1e-9:
        return np.ones_like(x) if hi > 0 else np.zeros_like(x)
    return (x - lo) / (hi - lo)


def _maxscaled(x: np.ndarray) -> np.ndarray:
    top = float(x.max())
    return x / top if top > 0 else np.zeros_like(x)


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (float(x.std()) + 1e-9)


def _lead(x: np.ndarray) -> float:
    """The first score's lead over the second, on scores scaled to [0, 1] by their maximum."""
    if len(x) < 2:
        return 0.0
    two = np.sort(x)[-2:]
    return float(two[1] - two[0])


def _borda(x: np.ndarray) -> np.ndarray:
    order = np.argsort(-x, kind="stable")
    out = np.empty(len(x))
    out[order] = 1.0 - np.arange(len(x)) / max(len(x), 1)
    return out


def default(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
    return w * _minmax(d) + (1 - w) * _maxscaled(lx)


def z(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
    return w * _z(d) + (1 - w) * _z(lx)


def z_at(weight: float) -> Combine:
    def combine(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
        return z(candidates, d, lx, weight)
    return combine


def minmax2(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
    return w * _minmax(d) + (1 - w) * _minmax(lx)


def borda(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
    return w * _borda(d) + (1 - w) * np.where(lx > 0, _borda(lx), 0.0)


def peak(a: float) -> Combine:
    def combine(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
        dn, ln = _minmax(d), _maxscaled(lx)
        wq = min(0.9, max(0.1, w + a * (_lead(dn) - _lead(ln))))
        return wq * dn + (1 - wq) * ln
    return combine


def neighbours(share: float) -> Combine:
    def combine(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
        sections = SECTIONS["rows"][candidates]
        best = np.full(int(sections.max()) + 1, -np.inf)
        np.maximum.at(best, sections, d)
        mixed = (1 - share) * d + share * best[sections]
        return w * _minmax(mixed) + (1 - w) * _maxscaled(lx)
    return combine


def top_k(k: int) -> Combine:
    def combine(candidates: np.ndarray, d: np.ndarray, lx: np.ndarray, w: float) -> np.ndarray:
        ordered = np.sort(d)[::-1]
        ref = float(ordered[min(k, len(ordered)) - 1])
        spread = float(ordered[0]) - ref
        dn = (d - ref) / spread if spread > 1e-9 else _minmax(d)
        return w * dn + (1 - w) * _maxscaled(lx)
    return combine


INDEX: dict[str, Any] = {}  # the current set's index, for `untitled`


@contextlib.contextmanager
def untitled_intro() -> Iterator[None]:
    """A passage outside any section of a document that has sections (its introduction) scores without a heading
    vector: its heading would be the document's title, which stands for every section of the document, so the
    introduction came first for any question on the document."""
    index = INDEX["index"]
    original = index.headings
    if original is None:
        yield
        return
    sectioned = {c.doc_id for c in index.passages if c.section}
    rows = [r for r, c in enumerate(index.passages) if not c.section and c.doc_id in sectioned]
    of_row = original.of_row.copy()
    of_row[rows] = len(original.vectors)
    zero = np.zeros((1, original.vectors.shape[1]), dtype=original.vectors.dtype)
    index.headings = Headings(np.vstack([original.vectors, zero]), of_row)
    try:
        yield
    finally:
        index.headings = original


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "default": contextlib.nullcontext,
    "z": lambda: fused_by(z),
    **{f"z{w:g}": (lambda w=w: fused_by(z_at(w))) for w in (0.6, 0.65, 0.75, 0.8)},
    "minmax2": lambda: fused_by(minmax2),
    "borda": lambda: fused_by(borda),
    **{f"peak{a:g}": (lambda a=a: fused_by(peak(a))) for a in (0.25, 0.5)},
    **{f"top{k}": (lambda k=k: fused_by(top_k(k))) for k in (10, 20)},
    **{f"nbr{b:g}": (lambda b=b: fused_by(neighbours(b))) for b in (0.1, 0.2, 0.3)},
    "untitled": untitled_intro,
}


def all_targets(datasets: Path) -> dict[str, tuple[Path, Path]]:
    out = targets(datasets)
    for audit in ("audit42", "audit43"):
        pages = DATA / audit / "pages"
        out[f"{audit}_help"] = (DATA / audit / "help_questions.jsonl", pages)
        out[f"{audit}_off"] = (DATA / audit / "off_topic.jsonl", pages)
    return out


def cell(row: dict[str, Any]) -> str:
    """A set's figures for the table: R@1 / R@5 / MRR@10 where it names documents, answer R@1 and snippet where
    it has answers, else (off-topic) the share said answerable; to the 4 decimals `score` keeps (rounding them again
    to 3 would round twice)."""
    if "ans@1" not in row and "R@1" not in row:
        return f"{row['answerable']:.4f}"
    parts = [f"{row[k]:.4f}" for k in ("R@1", "R@5", "MRR") if k in row]
    parts += [f"{row[k]:.4f}" for k in ("ans@1", "snippet") if k in row]
    return " / ".join(parts)


def table(report: dict[str, dict[str, Any]]) -> str:
    """Markdown: a row per variant, a column per set."""
    variants = list(dict.fromkeys(v for rows in report.values() for v in rows))
    lines = ["| variant | " + " | ".join(report) + " |", "|---" * (len(report) + 1) + "|"]
    for v in variants:
        lines.append(f"| {v} | " + " | ".join(cell(report[s][v]) if v in report[s] else "-" for s in report) + " |")
    return "\n".join(lines)


def prepare(data: dict[str, Any]) -> None:
    """What the variants read of the set about to run: its sections (`nbr`) and its index (`untitled`)."""
    SECTIONS["rows"] = np.asarray(section_numbers(data["index"].passages))
    INDEX["index"] = data["index"]


def main() -> None:
    print(table(audit_sweep.main(VARIANTS, all_targets, __doc__, prepare)))

if __name__ == "__main__":
    main()
