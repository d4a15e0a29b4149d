"""The measurement scripts under scripts/ still run: each answers `--help` in a subprocess (so a broken import or a
moved name shows here, not on the day someone re-measures), the two cheap ones run for real, and none reaches into
rag's private names or edits `sys.path`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p for p in (ROOT / "scripts").rglob("*.py") if p.name not in ("__init__.py", "common.py"))
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}


def module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`python -m` of this checkout; the timeout a hang guard only (a script that loads the model and serves an
    index took 14 s beside other jobs at a load of 6: given a tenth of a core, near the 180 s this was)."""
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.mark.parametrize("script", SCRIPTS, ids=module)
def test_the_script_answers_help(script):
    done = run(module(script), "--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage:"), done.stdout[:200]


@pytest.mark.parametrize("script", [*SCRIPTS, *(ROOT / "scripts").rglob("common.py")], ids=module)
def test_the_script_uses_rag_s_public_names_only(script):
    source = script.read_text(encoding="utf-8")
    assert "sys.path" not in source
    assert not re.search(r"^\s*from rag[\w.]* import [^\n]*\b_\w+", source, re.M), "imports a private name of rag"
    assert not re.search(r"(?<!self)(?<!cls)\._[a-z]\w*", source), "reaches a private member"
    siblings = {p.stem for p in SCRIPTS} | {"common"}
    assert not re.search(rf"^\s*(?:from|import) ({'|'.join(siblings)})\b", source, re.M), "imports a sibling by path"


def test_the_request_path_script_measures_a_served_index(index, settings):
    done = run("scripts.bench.request_path", str(settings.index_dir), "tests/data/devset.jsonl", "--limit", "3",
               "--rounds", "1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "3 questions" in done.stdout and "search outside the model" in done.stdout


def test_the_request_path_script_keeps_the_questions_vectors_and_runs_the_stages_asked(index, settings, tmp_path):
    """`--vectors` writes the questions' vectors, then reads them without the model (a run under valgrind), and
    refuses a file written for other questions; `--stages` runs those stages only."""
    vectors = tmp_path / "vectors.npy"
    asked = (str(settings.index_dir), "tests/data/devset.jsonl", "--rounds", "1", "--vectors", str(vectors))
    first = run("scripts.bench.request_path", *asked, "--limit", "3")
    assert first.returncode == 0 and vectors.exists(), first.stderr[-2000:]
    again = run("scripts.bench.request_path", *asked, "--limit", "3", "--stages", "answer,response")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "response + JSON" in again.stdout and "search outside the model" not in again.stdout
    other = run("scripts.bench.request_path", *asked, "--limit", "2")
    assert other.returncode == 2 and "written for other questions" in other.stderr


def test_the_same_responses_script_writes_a_line_a_response_without_what_varies(index, settings, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text('{"question": "Quel est le délai ?"}\n{"question": "horaires"}\n', encoding="utf-8")
    out = tmp_path / "responses.txt"
    done = run("scripts.bench.same_responses", str(settings.index_dir), str(out), str(questions))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 8 and all('"took_ms":0' in line and "x-request-id" not in line for line in lines)
    # and, asked, the CPU a request costs the event loop and the process
    timed = run("scripts.bench.same_responses", str(settings.index_dir), str(out), str(questions), "--cpu", "2")
    assert timed.returncode == 0, timed.stderr[-2000:]
    assert re.search(r"event loop +min +[0-9.]+ us +median", timed.stdout), timed.stdout
    assert re.search(r"process +min +[0-9.]+ us +median", timed.stdout), timed.stdout
    assert re.search(r"full collections [0-9]+, CPU a request [0-9.]+ us", timed.stdout), timed.stdout
    assert out.read_text(encoding="utf-8").splitlines() == lines


def test_the_parse_cost_bench_reads_only_the_suffixes_asked():
    done = run("scripts.bench.parse_cost", "tests/data/rtf", "--suffixes", ".rtf", "--rounds", "1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("10 documents  median"), done.stdout  # the folder's ten .rtf files, not its README
    none = run("scripts.bench.parse_cost", "tests/data/rtf", "--suffixes", ".pdf", "--rounds", "1")
    assert none.stdout.startswith("0 documents"), none.stdout


def test_the_docx_parse_bench_runs_on_a_small_document():
    done = run("scripts.bench.docx_parse_bench", "--sections", "1", "--rounds", "1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "parse_docx" in done.stdout
