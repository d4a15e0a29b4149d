"""What `rag ingest` says while it embeds, where no one watches a terminal: a cron job's or a pod's log."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from rag.cli import main
from rag.embedding import base
from rag.embedding.base import Meter
from tests.helpers.paths import ROOT


def test_a_meter_off_a_terminal_says_a_line_at_most_every_interval_and_one_at_the_end(monkeypatch, capsys):
    """A bar's carriage returns make one endless line of a log file: off a terminal, whole lines, spaced out."""
    now = [0.0]
    monkeypatch.setattr(base.time, "monotonic", lambda: now[0])
    meter = Meter(4_080)  # started at 0 s
    for at, done in ((10, 1_000), (31, 1_000), (35, 1_000), (61, 1_080)):  # quiet, a line, quiet, a line
        now[0] = at
        meter.update(done)
    now[0] = 70
    meter.close()  # the last line
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["embedding: 2,000 of 4,080 texts (49%), 31 s", "embedding: 4,080 of 4,080 texts (100%), 61 s",
                     "embedding: 4,080 of 4,080 texts (100%), 70 s"]


def test_a_short_run_off_a_terminal_says_nothing(capsys):
    meter = Meter(3)
    meter.update(3)
    meter.close()
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("quiet", [False, True])
def test_an_ingest_whose_stderr_is_no_terminal_says_how_far_its_embedding_is(tmp_path, monkeypatch, capsys, quiet):
    """An ingest run by cron, a Kubernetes Job or Compose (stderr a pipe or a file) printed nothing for its whole run
    (117 s for 2,700 files in the operator audit of stop 47, hours for a large corpus): the bar showed on a terminal
    only. Off a terminal it now prints a line every 30 s (here every time), unless --quiet."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    monkeypatch.setattr(base, "PROGRESS_LINE_SECONDS", 0.0)
    argv = ["ingest", str(corpus), "--index", str(tmp_path / "index")] + (["--quiet"] if quiet else [])
    assert main(argv) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("embedding: ")]
    if quiet:
        assert lines == []
    else:
        assert lines and all(" texts (" in line for line in lines)
        assert any(re.match(r"embedding: (\d+) of \1 texts \(100%\)", line) for line in lines), lines


def test_a_sentence_transformers_model_off_a_terminal_says_how_far_its_embedding_is(minilm, monkeypatch, capsys):
    """all-MiniLM-L6-v2 (an English corpus's model) embedded a whole ingest in one call of sentence-transformers'
    `encode`, whose bar is its only progress: off a terminal it said nothing. It now embeds batch by batch, as
    `encode` does (longest first), with the same lines as the bundled model, and the same vectors as `encode`."""
    monkeypatch.setattr(base, "PROGRESS_LINE_SECONDS", 0.0)
    texts = [f"Passage {i}: " + "returns are accepted within thirty days " * (i % 7 + 1) for i in range(70)]
    vectors = minilm.embed_passages(texts, progress=True)
    lines = [line.rpartition(",")[0] for line in capsys.readouterr().err.splitlines()]  # the seconds vary
    assert lines[:3] == ["embedding: 32 of 70 texts (45%)", "embedding: 64 of 70 texts (91%)",
                         "embedding: 70 of 70 texts (100%)"]
    expected = minilm._model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    np.testing.assert_allclose(minilm.embed_passages(texts), vectors, atol=1e-6)  # quiet: the same batches
