"""What the batching tests share: the questions they ask, and the check that an answer given in a batch is the
answer given alone."""

from __future__ import annotations

import json

import pytest

from tests.helpers.paths import DEVSET


def devset_questions() -> list[str]:
    """The dev set's questions, in its order."""
    with DEVSET.open(encoding="utf-8") as handle:
        return [json.loads(line)["question"] for line in handle]


def same_answer(got: list[dict], alone: list, question: str) -> None:
    """Assert that `got` (passages as JSON) is `alone` (the hits of the question asked alone)."""
    assert len(got) == len(alone), question
    for hit, expected in zip(got, alone, strict=True):
        # a batch pads questions to a common length: scores may move in the last float bits, so two passages with
        # near-equal scores may swap, but a request never receives another question's passages
        assert hit["id"] == expected.id or abs(hit["score"] - expected.score) < 1e-4, question
        assert hit["score"] == pytest.approx(expected.score, abs=1e-4), question
