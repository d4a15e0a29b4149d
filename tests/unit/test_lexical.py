"""The lexical index: section score, passage share within a section, word pairs, saving and loading."""

import shutil

import numpy as np
import pytest

from rag.index.analyzer import Analyzer
from rag.index.lexical import LexicalIndex, pairs
from rag.search.answerable import unknown_share

# One article section split into two passages, then a section of one passage.
TEXTS = ["Le remboursement est effectué sous cinq jours ouvrés.",
         "La carte de séjour est acceptée pour vérifier l'identité.",
         "La livraison prend trois jours."]
SECTIONS = [0, 0, 1]
HEADINGS = ["FAQ › Paiements", "FAQ › Paiements", "FAQ › Livraison"]


@pytest.fixture(scope="module")
def fr() -> Analyzer:
    return Analyzer("fr")


@pytest.fixture
def lexical(fr: Analyzer) -> LexicalIndex:
    return LexicalIndex.build(TEXTS, fr, k1=1.2, b=0.75, sections=SECTIONS, headings=HEADINGS)


def test_pairs_join_adjacent_terms():
    assert pairs(["cart", "cred", "visa"]) == ["cart cred", "cred visa"]
    assert pairs(["cart"]) == []


def test_the_passage_holding_the_words_leads_its_section(lexical):
    lexical.passage_share = 0.0
    section_only = lexical.scores("remboursement carte de séjour")
    assert section_only[0] == section_only[1] > 0  # both passages carry their section's score
    lexical.passage_share = 0.75
    shared = lexical.scores("carte de séjour")
    assert shared[1] > shared[0] > 0  # the passage with the words first; the other keeps a quarter and more
    assert shared[2] == 0


def test_the_best_passage_keeps_the_section_score(lexical):
    question = "carte de séjour livraison"
    shared = lexical.scores(question)
    lexical.passage_share = 0.0
    section_only = lexical.scores(question)
    assert shared[1] == pytest.approx(section_only[1])
    assert shared[2] == pytest.approx(section_only[2])  # a section of one passage is unaffected
    assert shared[0] < section_only[0]


def test_words_together_beat_words_apart(fr):
    # the same words, once adjacent and once apart: only the word pairs tell them apart
    texts = ["Nous acceptons les cartes de crédit et les virements bancaires.",
             "Nous acceptons les cartes, les virements et le crédit bancaire."]
    lexical = LexicalIndex.build(texts, fr, k1=1.2, b=0.75)
    lexical.pair_weight = 0.0
    apart = lexical.scores("cartes de crédit")
    assert apart[0] == pytest.approx(apart[1])
    lexical.pair_weight = 0.5
    together = lexical.scores("cartes de crédit")
    assert together[0] > together[1] == pytest.approx(apart[1])


def test_misspelt_words_form_pairs_after_correction(fr):
    texts = ["Nous acceptons les cartes de crédit et les virements bancaires.",
             "Nous acceptons les cartes, les virements et le crédit bancaire."]
    lexical = LexicalIndex.build(texts, fr, k1=1.2, b=0.75)
    scores = lexical.scores("cartes de credti")  # swapped letters, corrected to "cred" before pairing
    assert scores[0] > scores[1] > 0


def test_the_padding_term_is_never_a_question_term(fr):
    # bm25s keeps "" in the vocabulary: last and without postings, or with the postings of empty documents
    for texts in (TEXTS, [*TEXTS, ""]):
        lexical = LexicalIndex.build(texts, fr, k1=1.2, b=0.75)
        assert "" in lexical._sections.vocab
        words = staticmethod(lambda text: [("", ""), ("cartes", "cart")])
        lexical.analyzer = type("Padding", (), {"question_words": words,
                                                "parts": staticmethod(lambda word, holds: None)})()
        assert lexical.query_terms("?") == ["cart"]
        assert set(lexical.term_weights("?")) == {"cart"}
        assert lexical.scores("?")[1] > 0


def test_save_and_load_score_the_same(lexical, fr, tmp_path):
    lexical.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, fr)
    for question in ("carte de séjour", "rembourssement jours", "livraison"):
        assert np.array_equal(loaded.scores(question), lexical.scores(question))


def test_an_index_saved_by_layout_1_loads_with_section_scores_only(lexical, fr, tmp_path):
    lexical.save(tmp_path)
    for part in ("passages", "section-pairs", "passage-pairs"):
        shutil.rmtree(tmp_path / part)  # what layout 1 wrote: the section index and unit_of_row.npy
    old = LexicalIndex.load(tmp_path, fr)
    lexical.passage_share, lexical.pair_weight = 0.0, 0.0
    assert np.array_equal(old.scores("carte de séjour"), lexical.scores("carte de séjour"))


def test_sections_must_be_consecutive(fr):
    with pytest.raises(ValueError, match="consecutively"):
        LexicalIndex.build(TEXTS, fr, k1=1.2, b=0.75, sections=[0, 1, 0])
    with pytest.raises(ValueError, match="consecutively"):
        LexicalIndex.build(TEXTS, fr, k1=1.2, b=0.75, sections=[0, 1])


def test_holds_word_reads_a_word_as_the_index_does(lexical: LexicalIndex):
    # inflected and unaccented forms of an indexed word are held; stopwords and absent words are not
    assert lexical.holds_word("remboursements") and lexical.holds_word("sejour")
    assert not lexical.holds_word("la") and not lexical.holds_word("the")


def test_a_german_compound_finds_the_section_that_writes_it_apart():
    de = Analyzer("de")
    texts = ["Sie können Ihr Konto jederzeit kostenlos kündigen.", "Die Karte sperren Sie in der App."]
    lexical = LexicalIndex.build(texts, de, k1=1.2, b=0.75, sections=[0, 1], headings=["Konto", "Karte"])
    assert lexical.query_terms("Kontokündigung kostenlos?") == ["konto", "kundig", "kostenlos"]
    scores = lexical.scores("Kontokuendigung")
    assert scores[0] > 0 and scores[1] == 0


def test_a_split_compound_hides_no_unknown_word_of_the_question():
    de = Analyzer("de")
    lexical = LexicalIndex.build(["Sie können Ihr Konto jederzeit kostenlos kündigen."], de, k1=1.2, b=0.75)
    # "Hausratversicherung" is in no passage: the same share unknown whether "Kontokündigung" is written apart or not
    for question in ("Kontokündigung Hausratversicherung?", "Konto kündigen Hausratversicherung?"):
        analysed, weights = lexical.analysed_terms(question), lexical.term_weights(question)
        assert unknown_share(analysed, weights) == pytest.approx(1 / 3) and lexical.unseen_weight(question) > 0
    # every word held, one of them as two parts: nothing unseen
    assert lexical.analysed_terms("Kontokündigung kostenlos?") == ["konto", "kundig", "kostenlos"]
    assert lexical.unseen_weight("Kontokündigung kostenlos?") == 0.0
