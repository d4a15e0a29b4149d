"""What a slide holds besides its shapes' text, and what its parts are called: the speaker notes' heading in the deck's
language, a chart's title, series and categories, an equation's text."""

from __future__ import annotations

from rag.corpus.formats.odp import parse_odp
from rag.corpus.formats.pptx import parse_pptx
from tests.unit.test_odp import frame, odp, page
from tests.unit.test_pptx import pptx, shape

_TITLE = 'type="title"'
_NOTES = 'type="body" idx="1"'


def _paths(sections: list) -> list[tuple[tuple[str, ...], str | None]]:
    return [(s.parents, s.heading) for s in sections]


def test_speaker_notes_are_headed_by_their_name_in_the_deck_s_language():
    """A German deck's notes stood under "Lieferzeiten › Notes", English in a German citation; PowerPoint and Impress
    call them "Notizen". A deck whose language cannot be told (a few words) keeps "Notes"."""
    german = (shape("Lieferzeiten", placeholder=_TITLE)
              + shape("Die Lieferung dauert in der Regel drei bis fünf Werktage, und sie ist ab einem Bestellwert "
                      "von 50 Euro für alle Kunden in Deutschland kostenlos.", placeholder='idx="1"'),
              shape("Sagen Sie den Kunden, dass sie die Sendung mit der Nummer aus der E-Mail verfolgen können, "
                    "wenn sie nach dem Stand ihrer Bestellung fragen.", placeholder=_NOTES))
    assert _paths(parse_pptx(pptx(german, title="Schulung")).sections) == [
        ((), "Lieferzeiten"), (("Lieferzeiten",), "Notizen")]
    short = (shape("Délais", placeholder=_TITLE) + shape("Sous 5 jours."), shape("Rappel.", placeholder=_NOTES))
    assert _paths(parse_pptx(pptx(short, title="Formation")).sections) == [((), "Délais"), (("Délais",), "Notes")]
    italian = page(1, frame("title", "Resi"), frame(None, "Il cliente può restituire il prodotto entro trenta giorni "
                                                   "dalla consegna, senza dover indicare il motivo del reso."),
                   notes=frame("notes", "Ricordate ai clienti che le spese di spedizione del reso sono a carico "
                                        "nostro quando il prodotto è difettoso."))
    assert _paths(parse_odp(odp(italian, title="Formazione")).sections) == [((), "Resi"), (("Resi",), "Note")]
