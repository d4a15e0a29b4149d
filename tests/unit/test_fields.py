"""A row read as fields (a directory's, a price list's: "Name : value" lines): the highlight is the field the
question asks for, not the line where one of its words stands inside an e-mail address."""

from __future__ import annotations

import pytest

from rag.index.analyzer import Analyzer
from rag.search import fields
from rag.search.snippets import Highlighter

# a directory's row as the spreadsheet readers write it: its first cell ("Achats") heads it, no line of it
ROW = ("Responsable : Jeanne Martin\n"
       "Téléphone : 01 40 00 12 12\n"
       "Horaires : 8 h 30 - 17 h\n"
       "Adresse électronique : achats@exemple.fr")
FRENCH = Analyzer("fr")


def shown(text: str, question: str | None, weights: dict[str, float], analyzer: Analyzer = FRENCH) -> str:
    """The highlight the searcher serves for `question` (its indexed terms weighted by `weights`; None: no field
    asked for)."""
    asked = frozenset() if question is None else fields.asked(question, analyzer)
    lexical, drawn = Highlighter(analyzer).both(text, weights, None, asked=asked)
    assert lexical is not None and drawn is not None
    return drawn.text


@pytest.mark.parametrize(("line", "name"), [
    ("Téléphone : poste 2210", "Téléphone"),
    ("**Téléphone** : 01 40 00 12 12", "Téléphone"),
    ("**Amount:** Two months of rent", "Amount"),
    ("Tél. : 01 40 00 12 12", "Tél."),
    ("Remise au-delà de 10 palettes : 8 %", "Remise au-delà de 10 palettes"),
    ("https://exemple.fr/contact", None),  # a scheme's colon has no space after it
    ("Ouvert de 9:30 à 18:00", None),
    ("Pour toute question sur une commande passée en ligne sur notre site : écrivez-nous", None),  # a sentence
    ("Une question ? Réponse : oui", None),
    ("12 rue des Lilas : au fond de la cour", None),  # a name starts with a letter
])
def test_a_field_is_a_line_opening_on_a_short_name_and_a_colon(line, name):
    assert fields.name(line) == name


def test_a_word_of_the_question_inside_an_address_weighs_less_than_a_field_s_own_word():
    """"achat" names the row (its heading) and stands in no line but inside the address: the manager's field,
    which holds "responsable", is the highlight, where the rarer word inside the address won (the field's name
    left aside here: the address alone)."""
    weights = {"respons": 1.3, "achat": 2.1}
    assert shown(ROW, None, weights) == "Responsable : Jeanne Martin"
    # asked for nothing else, the address's word still finds its line
    assert shown(ROW, None, {"achat": 2.1}) == "Adresse électronique : achats@exemple.fr"
    # a word the sentence holds outside the address too weighs whole; a web address's words are an address's too
    for sentence, only in [("Écrivez au service des achats : achats@exemple.fr.", "exemple fr"),
                           ("Écrivez à achats@exemple.fr.", "achats exemple fr"),
                           ("Le formulaire est sur https://exemple.fr/achats/devis.", "https exemple fr achats devis")]:
        assert fields.addressed(sentence, frozenset(FRENCH.terms(sentence)), FRENCH) == frozenset(FRENCH.terms(only))


@pytest.mark.parametrize("row", [ROW, "Adresse électronique : achats@exemple.fr\nHoraires : 8 h 30 - 17 h"])
def test_a_sentence_whose_only_question_word_is_inside_an_address_is_not_added_to_the_field(row):
    """"horaires des achats": the hours line holds "horaires", the address line next to it "achats" only inside
    the address; the highlight is the hours alone, either way round (it took the address too, as a second
    sentence bringing a word of its own). The words' own window, which chooses the passage, still pairs them."""
    weights = {"horair": 1.2, "achat": 2.1}
    question = "horaires des achats"
    assert shown(row, question, weights) == "Horaires : 8 h 30 - 17 h"
    lexical, _ = Highlighter(FRENCH).both(row, weights, None, asked=fields.asked(question, FRENCH))
    assert lexical is not None and lexical.score == 3.3 and "@" in lexical.text and "Horaires" in lexical.text


@pytest.mark.parametrize("text", [
    "La mairie est ouverte du lundi au vendredi de 9 h à 17 h. Pour toute demande : contact@mairie-dijon.fr.",
    "La mairie est ouverte du lundi au vendredi. Tout est sur www.horaires-mairie.fr.",
])
def test_prose_keeps_the_sentence_after_it_whose_question_word_is_inside_an_address(text):
    """"comment contacter la mairie ?": the address is how, in prose; only a field's row is quoted without the
    address field after it (it lost its second sentence, read as a row's e-mail)."""
    weights = {"contact": 1.0, "mair": 1.3, "horair": 1.6}
    asked = fields.asked("comment contacter la mairie ?", FRENCH)
    _, drawn = Highlighter(FRENCH).both(text, weights, None, asked=asked)
    assert drawn is not None and drawn.text == text


@pytest.mark.parametrize(("question", "field"), [
    ("numéro des achats", "Téléphone : 01 40 00 12 12"),  # "numéro" is in no line: it asks for a phone
    ("NUMERO DES ACHATS", "Téléphone : 01 40 00 12 12"),
    ("qui gère les achats ?", "Responsable : Jeanne Martin"),
    ("horaire des achats", "Horaires : 8 h 30 - 17 h"),
    ("à quelle heure joindre les achats ?", "Téléphone : 01 40 00 12 12"),  # asks a phone and hours: the first
    ("mail des achats", "Adresse électronique : achats@exemple.fr"),
])
def test_a_question_naming_what_it_asks_for_gets_the_field_so_named(question, field):
    """A word of the question in a field's name, or one asking for such a name, accents and case aside: the
    field it asks for is the highlight, ahead of the address that holds the row's word."""
    assert shown(ROW, question, {"achat": 2.1}) == field


def test_an_english_row_answers_who_with_its_manager_and_the_words_still_choose_the_passage():
    english = Analyzer("en")
    row = "Manager: Tom Reed\nPhone: 555 0134\nEmail: billing@example.com"
    weights = {"bill": 2.0}
    assert shown(row, "who handles billing?", weights, english) == "Manager: Tom Reed"
    assert shown(row, "billing phone number", weights, english) == "Phone: 555 0134"
    # the score the answer's passage is chosen by is the question's words' alone, where they stand
    lexical, _ = Highlighter(english).both(row, weights, None, asked=fields.asked("who handles billing?", english))
    assert lexical is not None and lexical.score == 2.0 and lexical.text.startswith("Email")


# a directory's row in each other language the product reads (tests/data/languages), the service it is about (its
# heading, in no line but inside the address), and questions asking for a field by a word that names none
ROWS = {
    "es": ("Responsable: Lucía Gómez\nTeléfono: 912 345 678\nHorario: de 9 h a 14 h\n"
           "Correo electrónico: compras@ejemplo.es", "compras",
           [("¿con qué encargado hablo de compras?", "Responsable: Lucía Gómez"),
            ("¿a qué hora abre compras?", "Horario: de 9 h a 14 h"), ("llamar a compras", "Teléfono: 912 345 678")]),
    "de": ("Ansprechpartner: Jonas Weber\nTelefon: 030 555 0120\nÖffnungszeiten: Mo-Fr 8-16 Uhr\n"
           "E-Mail: einkauf@beispiel.de", "Einkauf",
           [("Wer macht den Einkauf?", "Ansprechpartner: Jonas Weber"),
            ("wann hat der Einkauf offen", "Öffnungszeiten: Mo-Fr 8-16 Uhr"),
            ("Einkauf anrufen", "Telefon: 030 555 0120")]),
    "it": ("Referente: Giulia Rossi\nTelefono: 02 1234 5678\nOrari: 9-13\nPEC: acquisti@pec.esempio.it", "acquisti",
           [("chi segue gli acquisti?", "Referente: Giulia Rossi"),
            ("gli acquisti sono aperti il sabato?", "Orari: 9-13"),
            ("chiamare gli acquisti", "Telefono: 02 1234 5678")]),
    "pt": ("Responsável: Ana Costa\nTelefone: 21 123 4567\nHorário: das 9h às 17h\nE-mail: compras@exemplo.pt",
           "compras",
           [("quem cuida das compras?", "Responsável: Ana Costa"),
            ("quando abre o setor de compras?", "Horário: das 9h às 17h"),
            ("telefonar para compras", "Telefone: 21 123 4567")]),
    "nl": ("Contactpersoon: Eva de Vries\nTelefoon: 020 123 4567\nOpeningstijden: 9.00-17.00 uur\n"
           "Adres: Damrak 1, Amsterdam\nE-mail: inkoop@voorbeeld.nl", "inkoop",
           [("wanneer is inkoop geopend?", "Openingstijden: 9.00-17.00 uur"),
            ("inkoop bellen", "Telefoon: 020 123 4567"),
            ("op welke locatie zit inkoop?", "Adres: Damrak 1, Amsterdam")]),
}


@pytest.mark.parametrize("language", sorted(ROWS))
def test_a_question_in_another_language_asks_for_its_field_by_its_own_words(language):
    """"encargado", "Wer…?", "chi…?", "quem…?" a person, "hora", "wann", "aperti", "wanneer" hours, "llamar",
    "anrufen", "chiamare", "telefonar", "bellen" a phone, "locatie" a place: read by the corpus's analyzer, as French
    and English words are, each the field it asks for, where the address holding the service's name was quoted."""
    analyzer = Analyzer(language)
    row, service, asked = ROWS[language]
    weights = dict.fromkeys(analyzer.terms(service), 2.1)
    assert "@" in shown(row, None, weights, analyzer)  # asked for nothing, the address holds the service's word
    for question, field in asked:
        assert shown(row, question, weights, analyzer) == field, question


def test_a_word_of_one_language_asks_nothing_of_another_it_means_something_else_in():
    """German "wie" (how) opens most German questions: the Dutch "wie" (who) is no word of the table, nor Spanish
    "nombre" (a name, French "nombre": a number) nor "sala" (a room, read "sal" as Spanish "sale")."""
    assert fields.asked("Wie kann ich den Vertrag kündigen?", Analyzer("de")) == frozenset()
    assert fields.asked("quel nombre de jours de congé ?", FRENCH) == frozenset()
    assert fields.asked("¿cuándo sale mi pedido?", Analyzer("es")) == fields.asked("¿cuándo?", Analyzer("es"))


@pytest.mark.parametrize(("language", "question"), [
    ("fr", "les ondes du wifi sont-elles dangereuses ?"),  # Portuguese "onde" (where) is no word of a French question
    ("fr", "le micro-ondes est-il fourni ?"),
    ("en", "is there a handy way to export my data?"),  # German "Handy" (a mobile phone)
    ("it", "il conto è chiuso?"),  # "è" folds to "e", the "e" of "e-mail": no word of one letter
    ("pt", "é e não é"),
    ("es", "¿qué pasa cuando vence mi tarjeta?"),  # "cuándo" folded is the conjunction "cuando": left out
    ("es", "¿quedan plazas libres?"),  # "plazas" (seats) read "plaz" as "plazo" (a delay): left out
    ("it", "in primo luogo devo registrarmi?"),  # "in primo luogo": first of all
    ("pt", "funciona tanto online quanto presencial?"),
    ("de", "Wie kann ich Zahlen in Excel formatieren?"),  # "zahlen" (to pay), and numbers
    ("nl", "is het waar dat ik kan opzeggen?"),  # "waar" (where), and true
])
def test_a_word_asks_only_in_its_own_language_and_only_where_it_is_no_common_word(language, question):
    """A language's own words ask for a field only of a question read as that language (French and English words
    of any), none of one letter, and none that is also a common word of the language it asks in."""
    assert fields.asked(question, Analyzer(language)) == frozenset()


def test_an_italian_question_whose_verb_is_e_asks_for_no_e_mail():
    """"chi è il referente…?": "è" folded is "e", and "e-mail" was read as "e" and "mail": the PEC line was quoted."""
    analyzer = Analyzer("it")
    row, service, _ = ROWS["it"]
    weights = dict.fromkeys(analyzer.terms(service), 2.1)
    assert shown(row, "chi è il referente degli acquisti?", weights, analyzer) == "Referente: Giulia Rossi"


def test_a_line_that_names_no_field_is_never_asked_for():
    """Without a field, the question's words alone choose, as before."""
    text = "Le standard répond de 9 h à 18 h.\nComposez le 01 40 00 12 12 depuis un poste fixe."
    assert [fields.named(line, FRENCH) for line in text.splitlines()] == [frozenset(), frozenset()]
    assert shown(text, "numéro du standard", {"standard": 1.0}) == "Le standard répond de 9 h à 18 h."
