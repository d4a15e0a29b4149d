"""`rag ingest --engine ray` publishes the local engine's artifact: a Ray instance on this machine (2 CPUs), started
once for the module, ingests the same corpus as the local engine, and the two builds are compared file by file."""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag.cli import main
from rag.embedding.base import Embedder
from rag.embedding.load import ModelSpec
from rag.embedding.names import AUTO_MODEL, BUNDLED_MODEL, ENGLISH_MODEL
from rag.errors import ConfigError, ModelError
from rag.index.layout import LEXICAL, current_build
from rag.index.store import Index
from rag.index.vector_options import VectorOptions
from rag.ingestion import ray as distributed
from rag.ingestion.pipeline import IngestReport, ingest
from rag.settings import Settings
from tests.helpers.paths import CORPUS

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
    """The seed corpus, plus files whose slugs collide, a file that cannot be read and two more names of a file (a
    symbolic and a hard link): ids depend on all of them."""
    shutil.copytree(CORPUS, target)
    # sorts before sequra-faq-marchands.txt, takes its id: the .txt becomes sequra-faq-marchands-2 after reading
    (target / "sequra-faq-marchands.md").write_text(
        "# Marchands\n\n## Délais de paiement\n\nLes marchands sont payés sous trois jours ouvrés.\n", encoding="utf-8")
    # sorts before secu-debi-plateforme.txt but is skipped, so it takes no id
    (target / "secu-debi-plateforme.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    # two more names of the .md, each skipped: the file is read once, under its own name, on either engine
    (target / "latest.md").symlink_to("sequra-faq-marchands.md")
    os.link(target / "sequra-faq-marchands.md", target / "vendeurs.md")
    return target


SECRET = "key-that-must-stay-on-the-driver"


@pytest.fixture(scope="module")
def builds(ray_session: None, embedder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same corpus ingested by each engine into its own index folder; on Ray, what the actors were given."""
    corpus = _corpus(tmp_path_factory.mktemp("ray") / "corpus")
    local = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("local-index"), api_keys=[SECRET])
    on_ray = local.model_copy(update={"index_dir": tmp_path_factory.mktemp("ray-index"), "ingest_engine": "ray"})
    given: list[dict[str, Any]] = []
    map_batches = ray.data.Dataset.map_batches

    def recording(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        given.append(kwargs.get("fn_constructor_kwargs") or {})
        return map_batches(self, fn, *args, **kwargs)

    def no_model_here(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the Ray driver loaded a model")

    reports = {"local": ingest(local, embedder=embedder)}
    patch = pytest.MonkeyPatch()
    patch.setattr(distributed, "DOCUMENTS_PER_BATCH", 1)  # one document per actor call: both actors take a share
    patch.setattr(distributed, "PASSAGES_PER_BATCH", 4)  # passages put back in order from many batches
    patch.setattr(ray.data.Dataset, "map_batches", recording)
    patch.setattr(Embedder, "__init__", no_model_here)  # in this process only: the actors are other processes
    try:
        reports["ray"] = ingest(on_ray)
    finally:
        patch.undo()
    return {"settings": {"local": local, "ray": on_ray}, "reports": reports, "actors_given": given,
            "index": {name: Index.load(s.index_dir) for name, s in {"local": local, "ray": on_ray}.items()}}


def test_ray_engine_publishes_the_local_engines_artifact(builds):
    local, on_ray = builds["index"]["local"], builds["index"]["ray"]
    assert [p.to_record() for p in on_ray.passages] == [p.to_record() for p in local.passages]
    ids = [p.id for p in on_ray.passages]
    assert len(set(ids)) == len(ids) and any(i.startswith("sequra-faq-marchands-2-") for i in ids)
    assert any(i.startswith("secu-debi-plateforme-") and not i.startswith("secu-debi-plateforme-2") for i in ids)
    np.testing.assert_allclose(on_ray.stored_vectors(), local.stored_vectors(), atol=1e-5)
    assert local.windows is not None and on_ray.windows is not None and len(local.windows)
    np.testing.assert_array_equal(on_ray.windows.spans, local.windows.spans)  # made where chunked, alike
    np.testing.assert_allclose(on_ray.windows.vectors, local.windows.vectors, atol=1e-5)
    assert on_ray.accents == local.accents and local.accents
    lexical = sorted(p.relative_to(local.path) for p in (local.path / LEXICAL).rglob("*") if p.is_file())
    assert lexical == sorted(p.relative_to(on_ray.path) for p in (on_ray.path / LEXICAL).rglob("*") if p.is_file())
    for name in lexical:
        assert (on_ray.path / name).read_bytes() == (local.path / name).read_bytes(), name

    def comparable(manifest: dict[str, Any]) -> dict[str, Any]:
        files = {name: entry for name, entry in manifest["files"].items() if name != "vectors.faiss"}
        faiss = {k: v for k, v in manifest["faiss"].items() if k != "build_seconds"}  # a timing: differs per run
        return {**{k: v for k, v in manifest.items() if k not in PER_BUILD}, "files": files, "faiss": faiss}

    assert comparable(on_ray.manifest) == comparable(local.manifest)
    assert (local.manifest["engine"], on_ray.manifest["engine"]) == ("local", "ray")


def test_ray_engine_reports_and_skips_bad_files(builds):
    local, on_ray = builds["reports"]["local"], builds["reports"]["ray"]
    assert on_ray.skipped == local.skipped
    assert [(s.source, s.reason) for s in on_ray.skipped] == [
        ("latest.md", "same file as sequra-faq-marchands.md (a symbolic link to it): read once"),
        ("secu-debi-plateforme.htm", "binary file (NUL bytes)"),
        ("vendeurs.md",
         "same file as sequra-faq-marchands.md (a hard link to it: one file under two names): read once")]
    assert (on_ray.files, on_ray.documents, on_ray.passages) == (local.files, local.documents, local.passages) == (
        6, 3, len(builds["index"]["ray"]))
    assert on_ray.embedded == on_ray.passages and on_ray.model_seconds == 0  # the driver loads no model


def test_ray_actors_are_given_the_model_spec_not_the_settings(builds):
    given = builds["actors_given"]
    assert len(given) == 4  # the chunking stage, the embedding stage for passages, their headings, their windows
    # an actor a CPU: one text a call; RAG_MODEL=auto: the model the French corpus gets, chosen on the driver
    spec = replace(ModelSpec.from_settings(builds["settings"]["ray"]), name=BUNDLED_MODEL, workers=1)
    assert builds["settings"]["ray"].model == AUTO_MODEL and all(kwargs["model"] == spec for kwargs in given)
    for kwargs in given:
        assert not any(isinstance(value, Settings) for value in kwargs.values())
        assert SECRET.encode() not in pickle.dumps(kwargs)


def test_ray_engine_gives_an_english_corpus_the_english_model_before_chunking_it(ray_session, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, topic in enumerate(("account", "password", "mail")):
        (corpus / f"{topic}.md").write_text(f"# Your {topic}\n\nYou can change your {topic} from the settings page: "
                                            "open the tab at the top, then click the button at the bottom and "
                                            f"confirm it with the code we send you ({n}).\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", ingest_engine="ray")
    ingest(settings, actors=1)
    index = Index.load(settings.index_dir)
    assert index.model["name"] == ENGLISH_MODEL and index.manifest["lexical"]["language"] == "en"
    local = Settings(corpus_dir=corpus, index_dir=tmp_path / "local")
    ingest(local)
    assert [p.to_record() for p in index.passages] == [p.to_record() for p in Index.load(local.index_dir).passages]


def test_ray_reingest_skips_an_unchanged_corpus_and_reuses_unchanged_passages(builds, embedder):
    settings = builds["settings"]["ray"]
    again = ingest(settings)
    assert again.up_to_date and again.build_id == builds["reports"]["ray"].build_id
    article = settings.corpus_dir / "secu-debi-plateforme.txt"
    before = article.read_text(encoding="utf-8")
    try:
        article.write_text(before.replace("Sécu-débi", "Secu-debi", 1), encoding="utf-8")
        report: IngestReport = ingest(settings, actors=1)
    finally:
        article.write_text(before, encoding="utf-8")
    assert not report.up_to_date and 1 <= report.embedded < report.passages
    assert report.reused == report.passages - report.embedded
    index = Index.load(settings.index_dir)
    fresh = embedder.embed_passages([p.indexed_text for p in index.passages])
    np.testing.assert_allclose(index.stored_vectors(), fresh, atol=1e-5)  # each reused row: its own vector


def test_a_failure_inside_the_pipeline_is_reported_and_the_served_index_kept(builds, tmp_path):
    settings = builds["settings"]["ray"].model_copy(update={"model": str(tmp_path / "no-such-model")})
    before = current_build(settings.index_dir)
    with pytest.raises(ModelError, match="no-such-model"):  # raised by the actors, translated back
        ingest(settings, force=True, actors=1)
    assert current_build(settings.index_dir) == before


def test_vector_settings_that_need_more_passages_are_refused_before_embedding(builds, monkeypatch):
    settings = builds["settings"]["ray"].model_copy(update={"index_type": "ivfpq"})
    before = current_build(settings.index_dir)
    embedded: list[int] = []
    monkeypatch.setattr(distributed, "_embed", lambda ray, texts, *args: embedded.append(len(texts)))
    with pytest.raises(ConfigError, match="needs at least 2\\*\\*pq_bits = 256 passages to train, there are"):
        ingest(settings, actors=1)  # chunked on Ray, refused by the driver once the passages are counted
    assert embedded == [] and current_build(settings.index_dir) == before


def test_the_stage_actors_refuse_what_their_model_rules_out():
    """The actors' own classes, run here: a Ray actor that raises in `__init__` is translated back as
    `test_a_failure_inside_the_pipeline_is_reported_and_the_served_index_kept` shows."""
    spec = ModelSpec.from_settings(Settings())
    with pytest.raises(ConfigError, match="set RAG_PQ_M to a divisor of 384"):  # before chunking anything
        distributed.ChunkStage(spec, None, VectorOptions(kind="ivfpq", pq_m=10))
    chunking = distributed.ChunkStage(spec, None, VectorOptions(kind="ivfpq"))
    described = json.loads(chunking.description)
    assert described["dimension"] == 384
    with pytest.raises(ModelError, match="install the same model files on every node"):
        distributed.EmbedStage(spec, {**described, "max_tokens": described["max_tokens"] // 2})
    vectors = distributed.EmbedStage(spec, described)({"position": np.arange(2), "text": np.array(["a", "b"])})
    assert vectors["vector"].shape == (2, 384)


def test_the_ray_engine_takes_no_model_object(builds, embedder):
    with pytest.raises(ConfigError, match="actors load their own"):
        ingest(builds["settings"]["ray"], embedder=embedder)


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

