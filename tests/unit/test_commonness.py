"""How common a question's unknown words are in their language (`rag.index.commonness`, wordfreq's lists)."""

import pytest

from rag.index.analyzer import Analyzer
from rag.index.commonness import COMMON_ZIPF, family_zipf, rare_share


def term(word: str, language: str = "fr") -> str:
    (only,) = Analyzer(language).terms(word)
    return only


def test_a_word_weighs_as_its_family_as_the_index_reads_it():
    zipf = family_zipf("fr")
    # a conjugated form, rare on its own, is as common as its verb; typed without accents, as with them
    assert zipf[term("bloquez")] >= COMMON_ZIPF and term("bloquez") == term("bloquer")
    assert term("ecrire") == term("écrire") and zipf[term("ecrire")] >= COMMON_ZIPF
    assert zipf[term("samedi")] >= COMMON_ZIPF
    # names and jargon are rare or not in the list at all
    assert zipf.get(term("woocommerce"), 0.0) < COMMON_ZIPF and zipf.get(term("novabanque"), 0.0) == 0.0
    assert family_zipf("en")[term("opening", "en")] >= COMMON_ZIPF
    assert family_zipf("no") and family_zipf("no") is family_zipf("no")  # Bokmål's list; built once a process


def test_rare_share_counts_the_unknown_words_rare_in_the_language():
    question = [term(w) for w in ("ouvert", "samedi", "woocommerce", "paiement")]
    assert rare_share(question, [term("ouvert"), term("woocommerce")], "fr") == pytest.approx(1 / 4)
    assert rare_share(question, [term("ouvert")], "fr") == 0.0
    assert rare_share(question + question, [term("woocommerce")] * 2, "fr") == pytest.approx(1 / 4)  # distinct
    assert rare_share([], [], "fr") == 0.0


def test_without_a_list_every_unknown_word_counts_as_rare():
    # Esperanto: an analyzer, no word list: the share of unknown words, as before the split
    assert family_zipf("eo") == {}
    assert rare_share(["sabat", "malferm", "vend"], ["sabat", "malferm"], "eo") == pytest.approx(2 / 3)
