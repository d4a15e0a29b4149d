"""`rag ingest --engine ray` publishes the local engine's artifact: a Ray instance on this machine (2 CPUs), started
once for the module, ingests the same corpus as the local engine, and the two builds are compared file by file."""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag import distributed
from rag.cli import main
from rag.errors import ModelError
from rag.index import LEXICAL, Index, current_build
from rag.ingest import IngestReport, ingest
from rag.settings import Settings
from tests.conftest import CORPUS

ray = pytest.importorskip("ray", reason="the Ray extra is not installed: pip install -e '.[ray]'")

# Differ between two builds of one corpus whatever the engine: when and how fast it was built, and the bytes of the
# vectors file (float noise: passages meet in other batches). Vectors are compared by value instead.
PER_BUILD = {"engine", "build_id", "built_at", "build_seconds"}


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    yield
    ray.shutdown()


def _corpus(target: Path) -> Path:
    """The seed corpus, plus files whose slugs collide and a file that cannot be read: ids depend on all of them."""
    shutil.copytree(CORPUS, target)
    # sorts before sequra-faq-marchands.txt, takes its id: the .txt becomes sequra-faq-marchands-2 after reading
    (target / "sequra-faq-marchands.md").write_text(
        "# Marchands\n\n## Délais de paiement\n\nLes marchands sont payés sous trois jours ouvrés.\n", encoding="utf-8")
    # sorts before secu-debi-plateforme.txt but is skipped, so it takes no id
    (target / "secu-debi-plateforme.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    return target


@pytest.fixture(scope="module")
def builds(ray_session: None, embedder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same corpus ingested by each engine into its own index folder."""
    corpus = _corpus(tmp_path_factory.mktemp("ray") / "corpus")
    local = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("local-index"))
    on_ray = local.model_copy(update={"index_dir": tmp_path_factory.mktemp("ray-index"), "ingest_engine": "ray"})
    patch = pytest.MonkeyPatch()
    patch.setattr(distributed, "DOCUMENTS_PER_BATCH", 1)  # one document per actor call: both actors take a share
    try:
        reports = {"local": ingest(local, embedder=embedder), "ray": ingest(on_ray, embedder=embedder)}
    finally:
        patch.undo()
    return {"settings": {"local": local, "ray": on_ray}, "reports": reports,
            "index": {name: Index.load(s.index_dir) for name, s in {"local": local, "ray": on_ray}.items()}}


def test_ray_engine_publishes_the_local_engines_artifact(builds):
    local, on_ray = builds["index"]["local"], builds["index"]["ray"]
    assert [p.to_record() for p in on_ray.passages] == [p.to_record() for p in local.passages]
    ids = [p.id for p in on_ray.passages]
    assert len(set(ids)) == len(ids) and any(i.startswith("sequra-faq-marchands-2-") for i in ids)
    assert any(i.startswith("secu-debi-plateforme-") and not i.startswith("secu-debi-plateforme-2") for i in ids)
    np.testing.assert_allclose(on_ray.stored_vectors(), local.stored_vectors(), atol=1e-5)
    lexical = sorted(p.relative_to(local.path) for p in (local.path / LEXICAL).rglob("*") if p.is_file())
    assert lexical == sorted(p.relative_to(on_ray.path) for p in (on_ray.path / LEXICAL).rglob("*") if p.is_file())
    for name in lexical:
        assert (on_ray.path / name).read_bytes() == (local.path / name).read_bytes(), name

    def comparable(manifest: dict[str, Any]) -> dict[str, Any]:
        files = {name: entry for name, entry in manifest["files"].items() if name != "vectors.faiss"}
        return {**{k: v for k, v in manifest.items() if k not in PER_BUILD}, "files": files}

    assert comparable(on_ray.manifest) == comparable(local.manifest)
    assert (local.manifest["engine"], on_ray.manifest["engine"]) == ("local", "ray")


def test_ray_engine_reports_and_skips_bad_files(builds):
    local, on_ray = builds["reports"]["local"], builds["reports"]["ray"]
    assert on_ray.skipped == local.skipped
    assert [(s.source, s.reason) for s in on_ray.skipped] == [("secu-debi-plateforme.htm", "binary file (NUL bytes)")]
    assert (on_ray.files, on_ray.documents, on_ray.passages) == (local.files, local.documents, local.passages) == (
        4, 3, len(builds["index"]["ray"]))
    assert on_ray.embedded == on_ray.passages and on_ray.model_seconds == 0  # the driver used the given model


def test_ray_reingest_skips_an_unchanged_corpus_and_reuses_unchanged_passages(builds, embedder):
    settings = builds["settings"]["ray"]
    again = ingest(settings, embedder=embedder)
    assert again.up_to_date and again.build_id == builds["reports"]["ray"].build_id
    article = settings.corpus_dir / "secu-debi-plateforme.txt"
    before = article.read_text(encoding="utf-8")
    try:
        article.write_text(before.replace("Sécu-débi", "Secu-debi", 1), encoding="utf-8")
        report: IngestReport = ingest(settings, embedder=embedder, actors=1)
    finally:
        article.write_text(before, encoding="utf-8")
    assert not report.up_to_date and 1 <= report.embedded < report.passages
    assert report.reused == report.passages - report.embedded
    index = Index.load(settings.index_dir)
    fresh = embedder.embed_passages([p.indexed_text for p in index.passages])
    np.testing.assert_allclose(index.stored_vectors(), fresh, atol=1e-5)  # each reused row: its own vector


def test_a_failure_inside_the_pipeline_is_reported_and_the_served_index_kept(builds, embedder, tmp_path):
    settings = builds["settings"]["ray"].model_copy(update={"model": str(tmp_path / "no-such-model")})
    before = current_build(settings.index_dir)
    with pytest.raises(ModelError, match="no-such-model"):  # raised by the actors, translated back
        ingest(settings, embedder=embedder, force=True, actors=1)
    assert current_build(settings.index_dir) == before


def test_without_the_extra_the_engine_says_how_to_install_it(fresh_settings, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError, as when not installed
    code = main(["ingest", str(fresh_settings.corpus_dir), "--index", str(fresh_settings.index_dir),
                 "--engine", "ray"])
    assert code == 6
    assert "pip install 'rag[ray]'" in capsys.readouterr().err
    assert current_build(fresh_settings.index_dir) is None


def test_ray_options_need_the_ray_engine(fresh_settings, capsys):
    code = main(["ingest", str(fresh_settings.corpus_dir), "--index", str(fresh_settings.index_dir),
                 "--address", "auto"])
    assert code == 6 and "--engine ray" in capsys.readouterr().err

