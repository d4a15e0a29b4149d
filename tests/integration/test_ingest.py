import logging
import shutil

import numpy as np
import pytest

from rag.corpus import reader as documents_module
from rag.errors import ConfigError, IndexError_, IndexMismatch, IngestError
from rag.index.dense import VECTORS
from rag.index.layout import current_build
from rag.index.store import Index
from rag.ingestion.changes import file_changes
from rag.ingestion.pipeline import ingest
from rag.search.fusion import auto_weight
from rag.settings import Settings
from tests.helpers.paths import unseal


def test_ingest_reload_and_manifest(fresh_settings, embedder):
    report = ingest(fresh_settings, embedder=embedder)
    assert report.documents == 2 and report.passages >= 10 and report.embedded == report.passages
    index = Index.load(fresh_settings.index_dir)
    manifest = index.manifest
    assert manifest["model"]["name"] == embedder.name and manifest["model"]["dimension"] == 384
    assert manifest["lexical"]["language"] == "fr"
    assert manifest["fusion"]["dense_weight"] == auto_weight(("multilingual",), "fr")[0]  # the model reads French
    assert manifest["corpus"]["fingerprint"] and manifest["versions"]["faiss-cpu"]
    assert {f["source"] for f in manifest["corpus"]["files"]} == {
        "sequra-faq-marchands.txt", "secu-debi-plateforme.txt"}
    assert len(index) == index.vectors.ntotal == report.passages
    files = [p for p in current_build(fresh_settings.index_dir).rglob("*") if p.is_file()]
    assert len(files) >= 5 and all(p.stat().st_mode & 0o222 == 0 for p in files)  # read-only: never written again


def test_unchanged_corpus_is_not_rebuilt_and_ids_are_stable(fresh_settings, embedder):
    first = ingest(fresh_settings, embedder=embedder)
    ids = [p.id for p in Index.load(fresh_settings.index_dir).passages]
    again = ingest(fresh_settings, embedder=embedder)
    assert again.up_to_date and again.build_id == first.build_id
    forced = ingest(fresh_settings, embedder=embedder, force=True)
    assert forced.build_id != first.build_id
    assert [p.id for p in Index.load(fresh_settings.index_dir).passages] == ids


def test_a_damaged_build_is_built_again_and_its_vectors_never_reused(fresh_settings, embedder, caplog):
    """A vector file damaged in place (same size: a flipped byte) is refused by every server; the ingest used to say
    "up to date", and --force reused the damaged vectors into the next build."""
    first = ingest(fresh_settings, embedder=embedder)
    intact = Index.load(fresh_settings.index_dir).stored_vectors().copy()
    vectors = unseal(current_build(fresh_settings.index_dir)) / VECTORS
    data = bytearray(vectors.read_bytes())
    data[-8:] = bytes(8 * [0x7F])  # the last vector's last floats: the file still loads
    vectors.write_bytes(bytes(data))
    with pytest.raises(IndexError_, match="damaged"):
        Index.load(fresh_settings.index_dir)
    with caplog.at_level(logging.WARNING):
        again = ingest(fresh_settings, embedder=embedder)
    assert not again.up_to_date and again.build_id != first.build_id
    assert again.reused == 0 and again.embedded == again.passages  # nothing taken from the damaged build
    assert any("damaged" in r.getMessage() for r in caplog.records if r.name == "rag.ingest")
    np.testing.assert_array_equal(Index.load(fresh_settings.index_dir).stored_vectors(), intact)


def test_changing_one_file_reembeds_only_its_passages(fresh_settings, embedder):
    first = ingest(fresh_settings, embedder=embedder)
    article = fresh_settings.corpus_dir / "secu-debi-plateforme.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne ligne ajoutée à la fin.\n", encoding="utf-8")
    second = ingest(fresh_settings, embedder=embedder)
    assert not second.up_to_date
    assert 1 <= second.embedded <= 2
    assert second.reused == second.passages - second.embedded
    assert second.passages == first.passages


def test_failed_ingest_leaves_the_served_index_alone(fresh_settings, embedder):
    ingest(fresh_settings, embedder=embedder)
    before = current_build(fresh_settings.index_dir)
    for path in fresh_settings.corpus_dir.iterdir():
        path.unlink()
    (fresh_settings.corpus_dir / "bad.txt").write_bytes(b"\x89PNG\x00\x01binary\x00")
    with pytest.raises(IngestError, match="no readable document"):
        ingest(fresh_settings, embedder=embedder)
    assert current_build(fresh_settings.index_dir) == before
    assert len(Index.load(fresh_settings.index_dir)) > 0


def test_a_corpus_that_lost_most_of_its_documents_is_not_published_unless_the_setting_allows(fresh_settings,
                                                                                            embedder):
    """151 documents to 1 was published and hot-reloaded by every replica (an emptied or half-mounted folder)."""
    corpus = fresh_settings.corpus_dir
    for n in range(12):
        (corpus / f"note-{n}.txt").write_text(f"Note {n}\n\nLa note numéro {n} parle du sujet {n}.\n", encoding="utf-8")
    first = ingest(fresh_settings, embedder=embedder)
    for n in range(12):
        (corpus / f"note-{n}.txt").unlink()
    with pytest.raises(IngestError, match=f"{first.documents - 12} readable documents where the served build has "
                                          f"{first.documents}: 12 would go.*RAG_MAX_DOCUMENT_LOSS=1"):
        ingest(fresh_settings, embedder=embedder)
    assert current_build(fresh_settings.index_dir).name == first.build_id
    three = fresh_settings.model_copy(update={"max_document_loss": 0.9})  # 12 of 14 gone: within 90%
    assert ingest(three, embedder=embedder).documents == first.documents - 12
    (corpus / "note-0.txt").write_text("Note 0\n\nDe retour.\n", encoding="utf-8")
    assert ingest(fresh_settings, embedder=embedder).documents == first.documents - 11  # a gain is no loss
    for n in range(1, 12):
        (corpus / f"note-{n}.txt").write_text(f"Note {n}\n\nLa note {n} revient.\n", encoding="utf-8")
    assert ingest(fresh_settings, embedder=embedder).documents == first.documents
    # other files in the same folder are a corpus chosen on purpose, however small: one the served build lacks
    for n in range(12):
        (corpus / f"note-{n}.txt").unlink()
    (corpus / "nouveau.txt").write_text("Nouveau\n\nUn document que le build servi n'a pas.\n", encoding="utf-8")
    assert ingest(fresh_settings, embedder=embedder).documents == first.documents - 11
    # another folder too
    other = fresh_settings.corpus_dir.parent / "other"
    other.mkdir()
    (other / "seul.txt").write_text("Seul\n\nUn seul document, choisi.\n", encoding="utf-8")
    assert ingest(fresh_settings.model_copy(update={"corpus_dir": other}), embedder=embedder).documents == 1


def test_bad_files_are_reported_and_skipped(fresh_settings, embedder):
    corpus = fresh_settings.corpus_dir
    (corpus / "empty.txt").write_text("")
    (corpus / "cp1251.txt").write_bytes("Проблема кодировки".encode("cp1251"))
    (corpus / "binary.md").write_bytes(b"\x00\x01\x02PNG")
    (corpus / "escape.txt").symlink_to("/etc/hostname")
    (corpus / "blob.txt").write_text("Titre\n\n" + "c" * 5000, encoding="utf-8")  # its one word is left out
    report = ingest(fresh_settings, embedder=embedder)
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert "UTF-8" in reasons["cp1251.txt"]
    assert "binary" in reasons["binary.md"]
    assert "outside the corpus" in reasons["escape.txt"]
    assert reasons["blob.txt"].startswith("no indexable text: its only words are 5,000 characters or longer")
    assert report.documents == 2 and report.files == 7
    files = Index.load(fresh_settings.index_dir).manifest["corpus"]["files"]
    assert "blob.txt" not in {entry["source"] for entry in files}


def test_index_built_with_another_model_is_refused(fresh_settings, embedder):
    ingest(fresh_settings, embedder=embedder)
    index = Index.load(fresh_settings.index_dir)
    other = {**embedder.describe(), "name": "intfloat/multilingual-e5-small", "package": None}
    with pytest.raises(IndexMismatch, match=r"re-run `rag ingest --force` with this model, or set RAG_MODEL="):
        index.check_model(other)


def test_damaged_index_is_refused(fresh_settings, embedder):
    ingest(fresh_settings, embedder=embedder)
    build = unseal(current_build(fresh_settings.index_dir))
    passages = build / "passages.jsonl"
    passages.write_text(passages.read_text(encoding="utf-8")[:-50], encoding="utf-8")
    from rag.errors import IndexError_

    with pytest.raises(IndexError_, match="damaged"):
        Index.load(fresh_settings.index_dir)


def test_searches_read_the_vectors_in_faiss_memory_without_a_copy(index, searcher):
    import faiss
    import numpy as np

    matrix = index.vectors.matrix
    assert index.vectors.kind == "flat"
    assert matrix.shape == (index.vectors.ntotal, index.vectors.d) and not matrix.flags.writeable
    faiss_memory = faiss.rev_swig_ptr(index.vectors.index.get_xb(), 1)
    assert matrix.__array_interface__["data"][0] == faiss_memory.__array_interface__["data"][0]
    np.testing.assert_array_equal(matrix, index.vectors.index.reconstruct_n(0, index.vectors.ntotal))
    # nothing the server keeps holds another array the size of the vectors
    for holder in (index, searcher, index.lexical, index.vectors):
        for name, value in vars(holder).items():
            if isinstance(value, np.ndarray) and value.size >= matrix.size:
                assert np.shares_memory(value, matrix), name


def test_reused_vectors_land_on_their_own_passages(fresh_settings, embedder):
    import numpy as np

    ingest(fresh_settings, embedder=embedder)
    article = fresh_settings.corpus_dir / "secu-debi-plateforme.txt"
    article.write_text(article.read_text(encoding="utf-8").replace("Sécu-débi", "Secu-debi", 1), encoding="utf-8")
    report = ingest(fresh_settings, embedder=embedder)
    index = Index.load(fresh_settings.index_dir)
    of_article = [p for p in index.passages if p.source == article.name]
    assert 1 <= report.embedded <= len(of_article) and report.reused == report.passages - report.embedded
    fresh = embedder.embed_passages([p.indexed_text for p in index.passages])
    np.testing.assert_allclose(index.stored_vectors(), fresh, atol=1e-5)  # every row holds its own passage's vector


def test_the_report_names_the_files_added_modified_and_removed_since_the_build_before(fresh_settings, embedder):
    """The report counted passages embedded and reused only: after files were edited and deleted under a running
    server, nothing said which."""
    first = ingest(fresh_settings, embedder=embedder)
    assert first.since is None and first.differences() == ""  # no build before
    corpus = fresh_settings.corpus_dir
    (corpus / "horaires.txt").write_text("Horaires\n\nLe service client répond du lundi au vendredi, de 9 heures à "
                                         "18 heures.\n", encoding="utf-8")
    article = corpus / "secu-debi-plateforme.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne ligne de plus.\n", encoding="utf-8")
    (corpus / "sequra-faq-marchands.txt").unlink()
    report = ingest(fresh_settings, embedder=embedder)
    assert report.since == {"added": ["horaires.txt"], "modified": ["secu-debi-plateforme.txt"],
                            "removed": ["sequra-faq-marchands.txt"], "renamed": [], "metadata": []}
    assert report.to_dict()["since"] == report.since
    assert report.differences() == ("1 added (horaires.txt); 1 modified (secu-debi-plateforme.txt); 1 removed "
                                    "(sequra-faq-marchands.txt)")
    again = ingest(fresh_settings, embedder=embedder)
    assert again.up_to_date and again.differences() == ""



def test_files_renamed_are_reported_renamed_not_added_and_removed(fresh_settings, embedder):
    """Three files given new names, their bytes unchanged, were reported as 3 added and 3 removed."""
    corpus = fresh_settings.corpus_dir
    for name, hours in (("lundi.txt", 9), ("mardi.txt", 10), ("mercredi.txt", 11)):
        (corpus / name).write_text(f"Horaires\n\nLe service client ouvre à {hours} heures ce jour-là.\n",
                                   encoding="utf-8")
    ingest(fresh_settings, embedder=embedder)
    for name in ("lundi.txt", "mardi.txt", "mercredi.txt"):
        (corpus / name).rename(corpus / f"jours-{name}")
    report = ingest(fresh_settings, embedder=embedder)
    renamed = [["lundi.txt", "jours-lundi.txt"], ["mardi.txt", "jours-mardi.txt"],
               ["mercredi.txt", "jours-mercredi.txt"]]
    assert report.since == {"added": [], "modified": [], "removed": [], "renamed": renamed, "metadata": []}
    assert report.to_dict()["since"]["renamed"] == renamed
    assert report.differences() == ("3 renamed (lundi.txt -> jours-lundi.txt, mardi.txt -> jours-mardi.txt, "
                                    "mercredi.txt -> jours-mercredi.txt)")


def test_a_rename_is_a_name_gone_and_a_name_come_with_the_same_bytes():
    before = [{"source": "a.txt", "sha256": "1"}, {"source": "b.txt", "sha256": "1"},
              {"source": "c.txt", "sha256": "2"}, {"source": "old.txt"}]
    now = [{"source": "x.txt", "sha256": "1"}, {"source": "c.txt", "sha256": "3", "title": "C"},
           {"source": "d.txt", "sha256": "2"}, {"source": "new.txt"}]
    # two files of one content, one left: the first name is paired; a file whose content is unknown is never paired
    assert file_changes(before, now) == {"added": ["d.txt", "new.txt"], "modified": ["c.txt"],
                                         "removed": ["b.txt", "old.txt"], "renamed": [["a.txt", "x.txt"]],
                                         "metadata": []}


def test_a_title_or_url_changed_in_sources_toml_is_named_since_the_build_before(fresh_settings, embedder):
    """A title changed in sources.toml made a new build ("1 embedded"), and the report named nothing; an edit that
    changes no title or URL makes a build of the same files, and the report says so."""
    ingest(fresh_settings, embedder=embedder)
    metadata = fresh_settings.corpus_dir / "sources.toml"
    text = metadata.read_text(encoding="utf-8")
    metadata.write_text(text.replace('title = "Sécu-débi : service client', 'title = "Sécu-débi, service client'),
                        encoding="utf-8")
    report = ingest(fresh_settings, embedder=embedder)
    assert report.embedded >= 1 and report.since == {"added": [], "modified": [], "removed": [], "renamed": [],
                                                     "metadata": ["secu-debi-plateforme.txt"]}
    assert report.differences() == "title or URL changed for 1 file (secu-debi-plateforme.txt)"
    metadata.write_text(metadata.read_text(encoding="utf-8").replace(
        'language = "fr"', 'url = "https://example.org/doc"\nlanguage = "fr"'), encoding="utf-8")
    report = ingest(fresh_settings, embedder=embedder)
    assert report.differences() == ("titles or URLs changed for 2 files (secu-debi-plateforme.txt, "
                                    "sequra-faq-marchands.txt)")

    metadata.write_text(metadata.read_text(encoding="utf-8") + '\n# reviewed 2026-12\n', encoding="utf-8")
    report = ingest(fresh_settings, embedder=embedder)  # a comment: the same files, built anew
    assert not report.up_to_date and report.differences() == "no file, title or URL changed"


def test_a_title_changed_is_named_against_a_build_that_recorded_no_url():
    before = [{"source": "a.txt", "sha256": "1", "title": "A"}, {"source": "b.txt", "sha256": "2", "title": "B"}]
    now = [{"source": "a.txt", "sha256": "1", "title": "A", "url": ""},
           {"source": "b.txt", "sha256": "2", "title": "B2", "url": ""}]
    assert file_changes(before, now)["metadata"] == ["b.txt"]  # a.txt: no URL recorded before, not a change

class CountingEmbedder:
    """The real embedder, counting the passages it is asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.passages = 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed_passages(self, texts, **kwargs):
        self.passages += len(texts)
        return self.inner.embed_passages(texts, **kwargs)


@pytest.fixture
def served(index, settings, tmp_path) -> Settings:
    """The session's corpus and a copy of its index folder, holding the build being served."""
    target = tmp_path / "index"
    shutil.copytree(index.path.parent.parent, target, symlinks=True)
    return settings.model_copy(update={"index_dir": target})


@pytest.mark.parametrize(("update", "message", "reads_corpus"), [
    ({"index_type": "ivfpq", "pq_m": 10}, "pq_m=10 does not divide the dimension 384: set RAG_PQ_M to a", False),
    ({"index_type": "ivfpq"}, "at least 2\\*\\*pq_bits = 256 passages to train, there are \\d+: use RAG_INDEX", True),
    ({"index_type": "ivf", "ivf_nlist": 1000}, "ivf_nlist=1000 is more than the \\d+ passages to index: lower", True),
], ids=["dimension", "pq-training", "nlist"])
def test_vector_settings_that_cannot_work_are_refused_before_embedding(served, embedder, monkeypatch, update,
                                                                      message, reads_corpus):
    settings = served.model_copy(update=update)
    before = current_build(settings.index_dir)
    counting = CountingEmbedder(embedder)
    read: list[object] = []
    real_read = documents_module.read_file
    monkeypatch.setattr(documents_module, "read_file", lambda *a, **k: read.append(a) or real_read(*a, **k))
    with pytest.raises(ConfigError, match=message):
        ingest(settings, embedder=counting, force=True)
    assert counting.passages == 0  # refused before embedding any passage
    # what the model's dimension alone rules out: once the first document is read, before the rest of the corpus
    assert len(read) == (2 if reads_corpus else 1)
    assert current_build(settings.index_dir) == before and Index.load(settings.index_dir).build_id == before.name


def test_a_document_keeps_its_id_when_a_file_of_the_same_name_arrives(fresh_settings, embedder):
    corpus = fresh_settings.corpus_dir
    (corpus / "faq.md").write_text("# FAQ\n\nLe retour est gratuit sous 30 jours.\n", encoding="utf-8")
    ingest(fresh_settings, embedder=embedder)
    before = {p.id for p in Index.load(fresh_settings.index_dir).passages if p.source == "faq.md"}
    (corpus / "faq.html").write_text("<h1>FAQ</h1><p>La livraison prend trois jours.</p>", encoding="utf-8")
    ingest(fresh_settings, embedder=embedder)
    index = Index.load(fresh_settings.index_dir)
    ids = {p.source: p.doc_id for p in index.passages if p.source.startswith("faq.")}
    assert ids == {"faq.md": "faq", "faq.html": "faq-2"}  # "faq.html" sorts first, and would have taken "faq"
    assert {p.id for p in index.passages if p.source == "faq.md"} == before  # its passages' ids too
