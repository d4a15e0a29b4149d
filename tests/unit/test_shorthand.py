"""Chat shorthand written out before a question is searched (`rag.search.shorthand`)."""

from rag.search.shorthand import SHORTHAND, written_out


def _holds_nothing(word: str) -> bool:
    return False


def test_shorthand_is_written_out_in_the_corpus_language():
    assert written_out("tous les combien changer son MDP ?", "fr", _holds_nothing) == \
        "tous les combien changer son mot de passe ?"
    assert written_out("bjr, le sav est ouvert le samedi ? mrc", "fr", _holds_nothing) == \
        "bonjour, le service après-vente est ouvert le samedi ? merci"
    assert written_out("l'appli plante", "fr", _holds_nothing) == "l'application plante"
    assert written_out("forgot my pwd pls", "en", _holds_nothing) == "forgot my password please"


def test_a_word_the_index_holds_is_searched_as_typed():
    """A corpus that writes "SAV" or "RIB" itself matches them as they are."""
    assert written_out("sav ouvert le samedi ? rdv possible ?", "fr", lambda word: word.lower() == "sav") == \
        "sav ouvert le samedi ? rendez-vous possible ?"


def test_only_whole_words_of_the_question_language_table_are_written_out():
    assert written_out("cbd, mdp_reset, rdv2", "fr", _holds_nothing) == "cbd, mdp_reset, rdv2"
    assert written_out("mdp oublié", "en", _holds_nothing) == "mdp oublié"  # French shorthand, English corpus
    assert written_out("mdp oublié", "de", _holds_nothing) == "mdp oublié"  # no table
    assert written_out("", "fr", _holds_nothing) == ""


def test_no_shorthand_is_a_word_of_its_language():
    """The tables hold shorthand only: a word of the language ("tel", "hr" for human resources) would change the
    question's meaning when the corpus does not hold it; and only shorthand of words that carry a subject ("qqch"
    written out matched passages by "chose")."""
    for language, table in SHORTHAND.items():
        assert all(key == key.lower() and " " not in key for key in table), language
        assert not {"tel", "pas", "hr", "cmd", "qqch", "bcp", "u"} & set(table), language


def test_a_capitalised_word_inside_the_question_is_a_name():
    assert written_out("la troisième dynastie d'Ur", "en", _holds_nothing) == "la troisième dynastie d'Ur"
    assert written_out("Mdp oublié, MDP bloqué", "fr", _holds_nothing) == "mot de passe oublié, mot de passe bloqué"


def test_the_index_is_asked_once_a_word():
    asked: list[str] = []

    def holds(word: str) -> bool:
        asked.append(word)
        return False

    assert written_out("mdp " * 10_000 + "MDP rdv", "fr", holds).count("mot de passe") == 10_001
    assert asked == ["mdp", "rdv"]
    # a sentence's opening is looked for a few characters back, whatever the question's length
    assert written_out("Mdp. " * 20_000, "fr", holds).count("mot de passe") == 20_000


def test_an_english_acronym_is_searched_as_typed_and_a_sentence_s_first_word_is_written_out():
    """The review's cases: "Does it contain MSG?" was searched as "message", and "Bonjour. Mdp oublié" as typed."""
    assert written_out("Does it contain MSG? AMT rate", "en", _holds_nothing) == "Does it contain MSG? AMT rate"
    assert written_out("forgot my PWD", "en", _holds_nothing) == "forgot my PWD"
    assert written_out("paiement par CB", "fr", _holds_nothing) == "paiement par carte bancaire"
    assert written_out("Bonjour. Mdp oublié ! Rdv annulé", "fr", _holds_nothing) == \
        "Bonjour. mot de passe oublié ! rendez-vous annulé"
