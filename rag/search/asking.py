"""Asking: the kinds of field a question asks for by a word that a field's name need not hold (`rag.search.fields`).

Each kind of field (a phone, a person, an e-mail address, hours, a price, a delay, a place) is named by some words
("Téléphone", "Responsable", "Horario", "Preis"), and asked for by those and by words naming none ("numéro" a phone,
"qui" a person, "cuánto" a price, "wann" hours). The product reads French, English, Spanish, German, Italian,
Portuguese and Dutch pages; the table holds each language's words, and the one analyzer of the corpus reads them all
(`fields.asked`), so a word of one language must not be a common word of another that asks for something else.

Left out so: "où" (folded, French "ou": or), "poste" (a job as often as a phone line), "frais" (what notes of expenses
are about); Dutch "wie" (who, but German "wie": how, the opening of most German questions), "duur" (Dutch
duration, and expensive), "ruimte" (a room, read "ruim": ample); Spanish "nombre" (a name, but French "nombre": a
number of days, of places), "importe" (an amount, but French "n'importe"); Spanish, Italian and Portuguese "sala" (a
room, read "sal" as "sale": leaves); Italian "capo" (a head, read "cap" as a postcode's name), "importo" (an amount,
read "import" as "importante"), "gestore" (a manager, and the telephone operator a user changes); Portuguese "local"
(a place, and an English word of every sort of question), "ligar" (to call, and to switch on a modem); German
"Leitung" (the management, and a phone line); German and Dutch "viel", "veel" (how much, and much).
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
        "es": ("encargado encargada contacto director directora jefe jefa gestor", "quién quiénes"),
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
        "es": ("horario horarios apertura cierre", "cuándo hora abierto abre"),
        "de": ("öffnungszeiten sprechzeiten geschäftszeiten uhrzeit", "wann geöffnet"),
        "it": ("orari orario apertura chiusura", "quando aperto"),
        "pt": ("horário horários abertura", "quando aberto abre"),
        "nl": ("openingstijden openingsuren", "wanneer geopend"),
    },
    {  # a price
        "fr": ("prix tarif coût montant", "combien coûte payer"),
        "en": ("price cost fee rate amount", "much"),
        "es": ("precio tarifa coste costo cuota", "cuánto cuesta cuestan pagar"),
        "de": ("preis kosten gebühr betrag", "kostet zahlen"),
        "it": ("prezzo costo tariffa", "quanto costa costano pagare"),
        "pt": ("preço custo tarifa valor mensalidade", "quanto custa pagar"),
        "nl": ("prijs kosten tarief bedrag", "kost betalen"),
    },
    {  # a delay
        "fr": ("délai durée", "temps long"),
        "en": ("delay duration", ""),
        "es": ("plazo duración", "tiempo tarda"),
        "de": ("frist dauer", "lange"),
        "it": ("tempi durata scadenza", "tempo"),
        "pt": ("prazo duração", "tempo demora"),
        "nl": ("termijn looptijd", "lang"),
    },
    {  # a place
        "fr": ("adresse lieu bureau salle emplacement localisation", "situé trouve"),
        "en": ("address location office room", "where"),
        "es": ("dirección lugar oficina ubicación", "dónde ubicado"),
        "de": ("anschrift ort standort büro raum", "wo befindet"),
        "it": ("indirizzo sede ufficio luogo", "dove trova"),
        "pt": ("endereço morada escritório", "onde"),
        "nl": ("adres locatie kantoor", "waar"),
    },
)
# What a question asks for: each kind of field, the words naming it in every language, then those asking for it.
ASKING: tuple[tuple[str, str], ...] = tuple(
    (" ".join(names for names, _ in kind.values()), " ".join(asking for _, asking in kind.values()))
    for kind in _KINDS)
__all__ = ["ASKING"]
