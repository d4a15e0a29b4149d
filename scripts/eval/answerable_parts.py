"""`answerable_cv`'s run split across processes, for shared cores: each part searches some of the corpora, then the
parts are joined into the cache that `answerable_cv --reuse` (and `answerable_near`, for the wide run) reads.

    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_parts --wide --cross-cap 8 --cache /tmp/cvA \\
        --corpora seed,cnil --part /tmp/partA.pkl
    HF_HUB_OFFLINE=1 .venv/bin/python -m scripts.eval.answerable_parts --wide --cross-cap 8 --merge /tmp/part?.pkl

A part keeps the `--wide` and `--cross-cap` it was made with, since both change which questions each corpus is asked;
the join refuses parts made with others than its own, and parts that leave a corpus out or search one twice.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scripts.eval.answerable_cv import CROSS_CAP, collect, rows_path, searched
from scripts.eval.common import data_arguments


def chosen(corpora: str, valid: Sequence[str]) -> list[str]:
    """The corpora `--corpora` names (comma-separated); ValueError naming the run's corpora for any other name."""
    names = [n.strip() for n in corpora.split(",") if n.strip()]
    unknown = [n for n in names if n not in valid]
    if unknown or not names:
        raise ValueError(f"unknown corpora: {', '.join(unknown) or '(none named)'}; the run's corpora are "
                         f"{', '.join(valid)}")
    return names


def part(rows: list[dict[str, Any]], corpora: dict[str, Any], wide: bool, cross_cap: int) -> dict[str, Any]:
    """One part as `--part` keeps it: its searches, with the settings that chose which questions were asked."""
    return {"wide": wide, "cross_cap": cross_cap, "rows": rows, "corpora": corpora}


def joined(parts: Sequence[dict[str, Any]], valid: Sequence[str], wide: bool,
           cross_cap: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The parts' searches as one run's (rows, corpora). ValueError when a part was made with another `--wide` or
    `--cross-cap` than this run's, or when the parts do not search each of `valid` exactly once."""
    for i, p in enumerate(parts, 1):
        if not isinstance(p, dict) or "wide" not in p or "cross_cap" not in p:
            raise ValueError(f"part {i} does not say which --wide and --cross-cap made it: make it again")
        if (p["wide"], p["cross_cap"]) != (wide, cross_cap):
            raise ValueError(f"part {i} was made with --wide {p['wide']} --cross-cap {p['cross_cap']}, "
                             f"this join with --wide {wide} --cross-cap {cross_cap}")
    names = [name for p in parts for name in p["corpora"]]
    faults = {"searched twice": sorted({n for n in names if names.count(n) > 1}),
              "missing": [n for n in valid if n not in names],
              "not of this run": sorted(set(names) - set(valid))}
    if any(faults.values()):
        raise ValueError("the parts must search each corpus of the run once: " +
                         "; ".join(f"{what} {', '.join(found)}" for what, found in faults.items() if found))
    return [r for p in parts for r in p["rows"]], {k: v for p in parts for k, v in p["corpora"].items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data_arguments(ap)
    ap.add_argument("--wide", action="store_true", help="answerable_cv's wide run")
    ap.add_argument("--cross-cap", type=int, default=CROSS_CAP, help="questions of a set asked of another corpus")
    ap.add_argument("--corpora", help="the corpora of this part (comma-separated), searched and kept in --part")
    ap.add_argument("--part", type=Path, help="where --corpora keeps its searches")
    ap.add_argument("--merge", type=Path, nargs="+", help="the parts to join into --cache")
    args = ap.parse_args()
    valid = searched(args.datasets, args.wide)
    if (args.corpora is None) == (args.merge is None):
        ap.error("either --corpora (with --part) or --merge")
    if args.corpora is not None and args.part is None:
        ap.error("--corpora needs --part, the file that keeps this part's searches for --merge")
    try:
        only = chosen(args.corpora, valid) if args.corpora is not None else []
        run = None if args.merge is None else joined([pickle.loads(p.read_bytes()) for p in args.merge], valid,
                                                     args.wide, args.cross_cap)
    except ValueError as e:
        ap.error(str(e))
    if run is not None:
        rows_path(args.cache, args.wide).write_bytes(pickle.dumps(run))
        return
    rows, corpora = collect(args.datasets, args.cache, args.wide, args.cross_cap, only)
    args.part.write_bytes(pickle.dumps(part(rows, corpora, args.wide, args.cross_cap)))


if __name__ == "__main__":
    main()
