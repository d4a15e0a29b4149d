"""`answerable_parts` joins the parts of a split run only when they are one run's: each corpus searched once, every
part made with the join's `--wide` and `--cross-cap`; `--corpora` names only the run's corpora."""

from __future__ import annotations

import pytest

from scripts.eval.answerable_parts import chosen, joined, part

RUN = ["seed", "cnil", "audit61"]


def made(*corpora: str, wide: bool = True, cross_cap: int = 8) -> dict[str, object]:
    return part([{"corpus": c} for c in corpora], {c: {"vectors": c} for c in corpora}, wide, cross_cap)


def test_parts_that_search_each_corpus_once_join_as_one_run() -> None:
    rows, corpora = joined([made("seed", "cnil"), made("audit61")], RUN, True, 8)
    assert [r["corpus"] for r in rows] == ["seed", "cnil", "audit61"]
    assert corpora == {c: {"vectors": c} for c in RUN}


@pytest.mark.parametrize(("parts", "fault"), [
    ([made("seed", "cnil")], "missing audit61"),
    ([made("seed", "cnil"), made("cnil", "audit61")], "searched twice cnil"),
    ([made("seed", "cnil", "audit61", "piaf")], "not of this run piaf"),
    ([made("seed", "cnil"), made("audit61", cross_cap=60)], "part 2 was made with --wide True --cross-cap 60"),
    ([made("seed", "cnil", wide=False), made("audit61")], "part 1 was made with --wide False"),
    ([{"rows": [], "corpora": {c: {} for c in RUN}}], "part 1 does not say which --wide and --cross-cap"),
])
def test_parts_of_another_run_or_that_miss_or_repeat_a_corpus_are_refused(parts: list[dict[str, object]],
                                                                          fault: str) -> None:
    with pytest.raises(ValueError, match=fault):
        joined(parts, RUN, True, 8)


def test_corpora_names_only_the_run_s_corpora() -> None:
    assert chosen("seed, audit61", RUN) == ["seed", "audit61"]
    for asked in ("seed,audit6", ""):
        with pytest.raises(ValueError, match="the run's corpora are seed, cnil, audit61"):
            chosen(asked, RUN)
