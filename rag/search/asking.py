"""Asking: the kinds of field a question asks for by a word that a field's name need not hold (`rag.search.fields`).

Each kind of field (a phone, a person, an e-mail address, hours, a price, a delay, a place) is named by some words
("Téléphone", "Responsable", "Horario", "Preis"), and asked for by those and by words naming none ("numéro" a phone,
"qui" a person, "combien" a price, "wann" hours). The product reads French, English, Spanish, German, Italian,
Portuguese and Dutch pages; the table holds each language's words. French and English words ask in any question;
another language's only in a question read as that language (`asking`), as stemmed and folded they are the common
words of others (Portuguese "onde", French "ondes"; German "Handy", English "handy"); the corpus's analyzer reads
them (`fields.asked`), and a word of one letter asks for nothing ("e-mail" reads "e", the Italian "è" folded).

Left out as common words of their own language: Spanish "cuándo", "quién", "cuánto" (folded, the conjunctions "cuando",
"quien", "en cuanto a"), "lugar" ("en lugar de": instead), "plazo" ("plazas": seats); Italian and Portuguese "quando",
"quanto" (conjunctions), Italian "luogo" ("in primo luogo": first); Portuguese "morada" (read "mora": lives); German
"wo" (a Dutch university too), "zahlen" (numbers); Dutch "waar" (true). Left out too: "où" (folded, French "ou": or),
"poste" (a job as often as a phone line), "frais" (what notes of expenses are about); Dutch "wie" (who, but German
"wie": how, the opening of most German questions), "duur" (Dutch duration, and expensive), "ruimte" (a room, read
"ruim": ample); Spanish "nombre" (a name, but French "nombre": a number of days, of places), "importe" (an amount, but
French "n'importe"); Spanish, Italian and Portuguese "sala" (a room, read "sal" as "sale": leaves); Italian "capo" (a
head, read "cap" as a postcode's name), "importo" (an amount, read "import" as "importante"), "gestore" (a manager, and
the telephone operator a user changes); Portuguese "local" (a place, and an English word of every sort of question),
"ligar" (to call, and to switch on a modem); German "Leitung" (the management, and a phone line); German and Dutch
"viel", "veel" (how much, and much).
"""

from __future__ import annotations

# Each kind: per language, the words naming such a field (a question holding one asks for it too), then the words
# asking for it that name none.
_KINDS: tuple[dict[str, tuple[str, str]], ...] = (
    {  # a phone
        "fr": ("téléphone tél portable mobile fax numéro", "appeler joindre"),
        "en": ("phone telephone tel cell number", "call"),
        "es": ("teléfono móvil celular fax número", "llamar"),
        "de": ("telefon telefonnummer rufnummer handy mobil fax nummer", "anrufen"),
        "it": ("telefono cellulare fax numero", "chiamare"),
        "pt": ("telefone telemóvel celular fax número", "telefonar"),
        "nl": ("telefoon telefoonnummer mobiel fax nummer", "bellen"),
    },
    {  # a person
        "fr": ("responsable contact interlocuteur référent nom manager directeur directrice chef gestionnaire "
               "correspondant", "qui"),
        "en": ("name owner head", "who whom"),
        "es": ("encargado encargada contacto director directora jefe jefa gestor", ""),
        "de": ("verantwortlich verantwortliche ansprechpartner ansprechpartnerin kontakt leiter leiterin zuständig",
               "wer wen wem"),
        "it": ("responsabile referente contatto nome direttore direttrice", "chi"),
        "pt": ("responsável contato contacto gerente diretor diretora chefe nome", "quem"),
        "nl": ("verantwoordelijke contactpersoon naam directeur hoofd beheerder", ""),
    },
    {  # an e-mail address
        "fr": ("mail e-mail email courriel électronique", "écrire"),
        "en": ("", "write"),
        "es": ("correo electrónico", "escribir"),
        "de": ("", "schreiben"),
        "it": ("elettronica pec", "scrivere"),
        "pt": ("correio eletrónico eletrônico", "escrever"),
        "nl": ("", "mailen schrijven"),
    },
    {  # hours
        "fr": ("horaires heures ouverture fermeture permanence", "quand heure ouvert fermé"),
        "en": ("hours opening", "when open"),
        "es": ("horario horarios apertura cierre", "hora abierto abre"),
        "de": ("öffnungszeiten sprechzeiten geschäftszeiten uhrzeit", "wann geöffnet"),
        "it": ("orari orario apertura chiusura", "aperto"),
        "pt": ("horário horários abertura", "aberto abre"),
        "nl": ("openingstijden openingsuren", "wanneer geopend"),
    },
    {  # a price
        "fr": ("prix tarif coût montant", "combien coûte payer"),
        "en": ("price cost fee rate amount", "much"),
        "es": ("precio tarifa coste costo cuota", "cuesta cuestan pagar"),
        "de": ("preis kosten gebühr betrag", "kostet"),
        "it": ("prezzo costo tariffa", "costa costano pagare"),
        "pt": ("preço custo tarifa valor mensalidade", "custa pagar"),
        "nl": ("prijs kosten tarief bedrag", "kost betalen"),
    },
    {  # a delay
        "fr": ("délai durée", "temps long"),
        "en": ("delay duration", ""),
        "es": ("duración", "tiempo tarda"),
        "de": ("frist dauer", "lange"),
        "it": ("tempi durata scadenza", "tempo"),
        "pt": ("prazo duração", "tempo demora"),
        "nl": ("termijn looptijd", "lang"),
    },
    {  # a place
        "fr": ("adresse lieu bureau salle emplacement localisation", "situé trouve"),
        "en": ("address location office room", "where"),
        "es": ("dirección oficina ubicación", "dónde ubicado"),
        "de": ("anschrift ort standort büro raum", "befindet"),
        "it": ("indirizzo sede ufficio", "dove trova"),
        "pt": ("endereço escritório", "onde"),
        "nl": ("adres locatie kantoor", ""),
    },
)
COMMON = ("fr", "en")  # the words every question is read with, whatever its language (as before the others came)


def asking(language: str) -> tuple[tuple[str, str], ...]:
    """What a question read as `language` (`rag.index.analyzer.question_language`) asks for: each kind of field, the
    words naming it, then those asking for it; French and English words for every question, another language's for
    its own only ("onde" is Portuguese where, and the French "ondes" of a microwave oven)."""
    languages = COMMON if language in COMMON else (*COMMON, language)
    return tuple((" ".join(kind[lang][0] for lang in languages if lang in kind),
                  " ".join(kind[lang][1] for lang in languages if lang in kind)) for kind in _KINDS)


ASKING = asking("fr")  # French and English: what any question asks for
__all__ = ["ASKING", "COMMON", "asking"]
