"""Which language a word a corpus holds is held in (`rag.index.held`), and the question language read with it."""

from rag.index.analyzer import Analyzer, question_language
from rag.index.held import SAMPLE, HeldWords
from rag.index.lexical import LexicalIndex
from rag.passage import Chunk

# A French tea shop's pages ("thé": folded, "the"), and a team wiki's French and English pages side by side.
TEA = ["Notre thé vert bio vient du Japon, il est cueilli au printemps et nous le livrons en France sous trois jours "
       "dans une boîte en métal qui le garde frais pendant des mois.",
       "Le thé noir de notre maison est servi avec du lait ou nature, selon les goûts de chacun, et nous le vendons "
       "en sachets ou en vrac dans toutes nos boutiques de la ville."]
FRENCH = ["Les congés payés sont acquis à raison de deux jours et demi par mois de travail effectif, et les demandes "
          "de congés d'été sont à déposer avant le 31 mars auprès de votre responsable.",
          "Le télétravail est possible deux jours par semaine depuis votre domicile, et une indemnité de trente euros "
          "par mois est versée avec le salaire pour couvrir les frais."]
ENGLISH = ["The app listens on localhost:8080 when you run it locally, and the database it reads is started by the "
           "compose file in the repository, which does not start the app itself.",
           "Deploys to production happen from Monday to Thursday, and a pull request needs two approvals before the "
           "change can be merged, which reviewers should give within one working day."]


def lexical(texts: list[str]) -> LexicalIndex:
    return LexicalIndex.build(texts, Analyzer("fr"), k1=1.2, b=0.75)


def held(texts: list[str]) -> HeldWords:
    passages = [Chunk(f"p{i}", f"d{i}", "Page", f"d{i}.md", None, None, 0, len(t), t) for i, t in enumerate(texts)]
    return HeldWords(lexical(texts), passages)


def test_a_word_held_by_passages_of_the_corpus_s_language_is_its_own():
    tea = held(TEA)
    assert tea("the", "en")  # "thé", in French pages
    assert question_language("Thé vert", "fr", known=tea) == "fr"


def test_a_word_held_by_passages_of_another_language_is_that_language_s():
    """An English page beside French ones holds every English function word: left out as the corpus's, they made
    every English question of the wiki French (its wording, its dense weight, which rule decides)."""
    question = "Which port does the app listen on locally?"
    index = lexical(FRENCH + ENGLISH)
    assert all(map(index.holds_word, ("which", "does", "the")))
    # read as before, every word the index holds the corpus's: French
    assert question_language(question, "fr", known=lambda word, language: index.holds_word(word)) == "fr"
    wiki = held(FRENCH + ENGLISH)
    assert not wiki("which", "en") and not wiki("the", "en") and not wiki("does", "en")
    assert wiki("the", "de")  # held, by passages not in German: the corpus's own word for a German question
    assert question_language(question, "fr", known=wiki) == "en"
    assert question_language("Quand déposer les congés d'été ?", "fr", known=wiki) == "fr"


def test_a_word_the_corpus_lacks_or_whose_passages_do_not_tell_stays_as_it_was():
    short = held(["The app", "Thé vert"])  # too short to tell their language: the corpus's, as before
    assert short("the", "en") and short("app", "en")
    assert not held(FRENCH)("which", "en")  # not held at all
    assert not held(FRENCH)("le", "en")  # a stopword: no term


def test_the_passages_read_are_spread_over_those_holding_the_word():
    many = held(ENGLISH * SAMPLE + TEA * (SAMPLE // 2))
    assert many("the", "fr") and not many("the", "en")  # two thirds English, wherever they sit
    assert held(TEA * SAMPLE + ENGLISH * (SAMPLE // 2))("the", "en")



def test_a_word_the_question_writes_with_diacritics_is_no_word_of_a_language_that_writes_none():
    """A French tea shop with English pages: its English pages hold "the" more than its French pages "thé", so "the"
    counts for English; but "thé vert ?" writes it "thé", which English never writes: the question stays French
    (its wording, its dense weight). "the green tea" is English."""
    shop = held(TEA + ENGLISH * 2)  # "the": 2 French passages, 4 English ones
    assert not shop("the", "en")
    assert question_language("thé vert ?", "fr", known=shop) == "fr"
    assert question_language("Thé vert", "fr", known=shop) == "fr"
    assert question_language("the green tea", "fr", known=shop) == "en"
    assert question_language("Which port does the app listen on? (thé)", "fr", known=shop) == "en"
