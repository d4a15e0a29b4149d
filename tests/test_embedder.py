import numpy as np

from rag.embedder import Embedder

QUESTIONS = ["Quels documents d’identité acceptez-vous ?", "carte sejour acceptee ?",
             "Comment se désabonner d'un service facturé par SMS ou sur la facture de l'opérateur ?", "loi Châtel"]


def test_one_batch_path_gives_the_vectors_encode_gives(embedder):
    """Small batches skip `encode`'s bookkeeping; the vectors must be the ones `encode` computes."""
    model = embedder._model
    for prompt in ("", "query: "):
        expected = model.encode(QUESTIONS, prompt=prompt or None, normalize_embeddings=True, convert_to_numpy=True)
        got = embedder._forward(QUESTIONS, prompt)
        assert got.dtype == np.float32 and got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=1e-6)
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_queries_use_the_query_prompt_and_large_inputs_take_encode(embedder):
    prompted = Embedder.__new__(Embedder)
    prompted.__dict__.update(embedder.__dict__)
    prompted.query_prompt, prompted.batch_size = "query: ", 2  # four questions: more than one model call
    got = prompted.embed_queries(QUESTIONS)
    expected = embedder._model.encode(QUESTIONS, prompt="query: ", normalize_embeddings=True)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not np.allclose(got, embedder.embed_queries(QUESTIONS), atol=1e-3)  # the prompt changes the vectors
