"""Bold lines that are no headings though they read as ones, in Word (.docx, .doc) and OpenDocument files without
heading styles: a letter's subject line ("Objet : ...", or a bold line over the salutation) is a line of the letter
and its title, not a section over the text after it; a caption ("Tableau 2 : tarifs 2026") names its table, not the
text after it. A contract's bold articles, chapters and numbered titles stay headings."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from rag.corpus.formats.base import Parsed
from rag.corpus.formats.blocks import Font, bold_heading_levels
from rag.corpus.formats.doc import parse_doc
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.odt import parse_fodt, parse_odt
from rag.corpus.formats.pdf import parse_pdf
from tests.helpers.odt import odt
from tests.helpers.pdfs import HEIGHT, MARGIN, Placed, make_pdf, wrap

DATA = Path(__file__).resolve().parents[1] / "data" / "doc"
READERS = {".docx": parse_docx, ".doc": parse_doc, ".fodt": parse_fodt}  # LibreOffice's, from the .fodt beside
SUBJECT = "Objet : Résiliation de votre contrat n° 12345"
RECEIVED = ("Nous accusons réception de votre demande de résiliation du contrat d'assurance habitation n° 12345, "
            "reçue le 28 février 2026.")
LETTER = ["Assurances Horizon",  # in bold 16 pt: the letter's head, no title over the addresses
          "12 rue de la Paix, 75002 Paris", "Monsieur Jean Martin",
          "4 avenue des Tilleuls, 69003 Lyon", "Paris, le 3 mars 2026", SUBJECT, "Madame, Monsieur,", RECEIVED,
          "La résiliation prendra effet le 31 mars 2026 à minuit. La part de cotisation restant à courir vous sera "
          "remboursée sous trente jours.",
          "Nous restons à votre disposition pour toute question.",  # bold too: a sentence, no title
          "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
          "Claire Durand, service clients"]
PRICE = "Le Client paie chaque mois le prix de la formule choisie, révisé chaque année au 1er janvier."
PREMIUM = "La formule Premium reste au prix de 2025 jusqu'à la fin de l'année 2026, comme annoncé en novembre."


def _sections(parsed: Parsed) -> list[tuple[str, list[str]]]:
    return [(" › ".join([*s.parents, str(s.heading)]), [line.text for line in s.lines]) for s in parsed.sections]


@pytest.mark.parametrize("suffix", READERS)
def test_a_letters_bold_subject_line_is_a_line_of_the_letter_and_its_title(suffix):
    """LibreOffice's letter, its subject line in bold over "Madame, Monsieur,": before, the subject headed the letter's
    body, and the addresses and date above it stood in a section of their own."""
    parsed = READERS[suffix]((DATA / f"courrier-resiliation{suffix}").read_bytes())
    assert _sections(parsed) == [("None", LETTER)]
    assert parsed.title == SUBJECT  # in every passage's heading path: the letter is found by its subject


def _saved(document: docx.document.Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _bold(document: docx.document.Document, text: str, size: float | None = None) -> None:
    run = document.add_paragraph().add_run(text)
    run.bold = True
    if size is not None:
        run.font.size = Pt(size)


COVER = "Vous restez couvert jusqu'au 31 mars 2026 à minuit, pour tous les sinistres déclarés avant cette date."
AVAILABLE = "Nous restons à votre disposition pour toute question"
GREETINGS = "Veuillez agréer, chère cliente, cher client, nos salutations distinguées."


def test_a_bold_line_over_a_salutation_is_the_letters_subject_and_a_title_property_comes_first():
    """Without the field's label, the salutation under it says the bold line is the subject of the letter it opens.
    The letterhead in bold 16 pt over the short lines above the subject is the letter's head, not its title over the
    addresses; a bold line right above the closing formula is the letter's last words (without a full stop, it
    headed the closing). A bold title in the letter's body still heads its text."""
    document = docx.Document()
    _bold(document, "Assurances Horizon", 16)
    document.add_paragraph("Paris, le 3 mars 2026")
    _bold(document, "Hausse de vos tarifs au 1er avril")
    for line in ("Chère cliente, cher client,", RECEIVED):
        document.add_paragraph(line)
    _bold(document, "Vos garanties jusqu'au 31 mars")
    document.add_paragraph(COVER)
    _bold(document, AVAILABLE)
    document.add_paragraph(GREETINGS)
    parsed = parse_docx(_saved(document))
    assert _sections(parsed) == [
        ("None", ["Assurances Horizon", "Paris, le 3 mars 2026", "Hausse de vos tarifs au 1er avril",
                  "Chère cliente, cher client,", RECEIVED]),
        ("Vos garanties jusqu'au 31 mars", [COVER, AVAILABLE, GREETINGS])]
    assert parsed.title == "Hausse de vos tarifs au 1er avril"
    document.core_properties.title = "Courrier tarifs"
    assert parse_docx(_saved(document)).title == "Courrier tarifs"
    body = ('<text:p text:style-name="P1">Betreff: Kündigung Ihres Vertrags</text:p>'  # labelled, no salutation
            f'<text:p>{RECEIVED}</text:p><text:p text:style-name="P1">{AVAILABLE}</text:p><text:p>{GREETINGS}</text:p>')
    bold = '<style:style style:name="P1" style:family="paragraph"><style:text-properties fo:font-weight="bold"/>' \
           '</style:style>'
    parsed = parse_odt(odt(body, automatic=bold))
    assert (_sections(parsed), parsed.title) == (
        [("None", ["Betreff: Kündigung Ihres Vertrags", RECEIVED, AVAILABLE, GREETINGS])],
        "Betreff: Kündigung Ihres Vertrags")


@pytest.mark.parametrize("suffix", READERS)
def test_a_bold_caption_over_a_table_names_the_table_and_the_contracts_articles_stay_headings(suffix):
    """"Tableau 2 : tarifs 2026" in bold over its table headed the table and the text after it, which is
    "Article 4 : Prix"'s; the articles, "CHAPITRE II - Résiliation" and "1. Objet du contrat" head their text."""
    parsed = READERS[suffix]((DATA / f"contrat-tarifs{suffix}").read_bytes())
    assert [heading for heading, _ in _sections(parsed)] == [
        "Contrat de maintenance", "Article 3 : Durée", "Article 4 : Prix", "CHAPITRE II - Résiliation",
        "1. Objet du contrat"]
    assert _sections(parsed)[2][1] == [PRICE, "Tableau 2 : tarifs 2026", "Formule | Prix mensuel",
                                       "Essentiel | 12 €", "Confort | 19 €", PREMIUM]


def test_a_bold_caption_under_a_table_or_a_figure_heads_nothing():
    document = docx.Document()
    document.add_paragraph().add_run("Effectifs").bold = True
    document.add_paragraph(PRICE)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Lyon", "42"
    for caption in ("Tableau 3 – effectifs par site", "Figure 1 : plan du réseau"):  # as large as the text
        document.add_paragraph().add_run(caption).bold = True
        document.add_paragraph(PREMIUM)
    assert _sections(parse_docx(_saved(document))) == [("Effectifs", [
        PRICE, "Lyon | 42", "Tableau 3 – effectifs par site", PREMIUM, "Figure 1 : plan du réseau", PREMIUM])]


TITLE, BOLD, PLAIN = Font(True, 16.0), Font(True, 12.0), Font(False, 12.0)
DECIDED = "Le conseil municipal, après en avoir délibéré, approuve à l'unanimité la proposition présentée."


@pytest.mark.parametrize(("lines", "levels"), [
    # minutes: an item's bold title over "Monsieur le Maire expose :", which opens it, no salutation
    ([("Procès-verbal du conseil municipal", TITLE), ("Séance du 3 mars 2026", PLAIN),
      ("1. Budget primitif 2026", BOLD), ("Monsieur le Maire expose :", PLAIN), (DECIDED, PLAIN),
      ("2. Tarifs de la cantine", BOLD), ("Madame la Présidente rappelle :", PLAIN), (DECIDED, PLAIN)],
     {0: 0, 2: 1, 5: 1}),
    # a record of decisions, each titled "Objet : ...": several subjects are no letter's, its sections' titles
    ([("Compte rendu du conseil municipal", TITLE), ("Séance du 3 mars 2026", PLAIN),
      ("Objet : Budget primitif 2026", BOLD), (DECIDED, PLAIN), ("Objet : Tarifs de la cantine", BOLD),
      (DECIDED, PLAIN)], {0: 0, 2: 1, 4: 1}),
    # a lease's parties, a report's and a newsletter's section right under their title, over a greeting
    ([("Contrat de bail", TITLE), ("Entre les soussignés", BOLD), ("Madame Claire Martin,", PLAIN),
      ("demeurant 3 rue des Lilas, 69003 Lyon, ci-après « la Bailleresse »", PLAIN), ("Article 1 : Objet", BOLD),
      (DECIDED, PLAIN), ("Article 2 : Durée", BOLD), (DECIDED, PLAIN)], {0: 0, 1: 1, 4: 1, 6: 1}),
    ([("Rapport annuel 2025", TITLE), ("Résultats", BOLD), ("Chers actionnaires,", PLAIN), (DECIDED, PLAIN),
      ("Perspectives", BOLD), (DECIDED, PLAIN)], {0: 0, 1: 1, 4: 1}),
    ([("Newsletter März 2026", TITLE), ("Neues aus dem Verein", BOLD), ("Hallo zusammen,", PLAIN),
      (DECIDED, PLAIN), ("Termine", BOLD), (DECIDED, PLAIN)], {0: 0, 1: 1, 4: 1}),
    # no letter: a bold line over a paragraph opening on a closing formula's word heads it
    ([("Rapport", TITLE), ("Salutations et protocole", BOLD),
      ("Salutations officielles : le protocole prévoit que le maire accueille les invités.", PLAIN),
      ("Suite", BOLD), (DECIDED, PLAIN)], {0: 0, 1: 1, 3: 1}),
    # an annex typed under the closing formula: its bold title heads its text, it is no signature
    ([("Objet : Proposition tarifaire 2026", BOLD), ("Madame,", PLAIN), (DECIDED, PLAIN),
      ("Veuillez agréer, Madame, l'expression de nos salutations distinguées.", PLAIN),
      ("Conditions tarifaires", BOLD), (DECIDED, PLAIN), ("Modalités de paiement", BOLD), (DECIDED, PLAIN)],
     {4: 1, 6: 1}),
    # "TABLE CI-DESSOUS" is no caption: "CI" is a word's, no roman numeral
    ([("Annual report 2025", TITLE), ("Figures of the year", BOLD), (DECIDED, PLAIN),
      ("TABLE CI-DESSOUS", BOLD), (DECIDED, PLAIN)], {0: 0, 1: 1, 3: 1}),
])
def test_bold_lines_that_only_look_like_a_letters_stay_headings(lines, levels):
    """Only a letter has a subject: one bold line in its head, labelled or over a real salutation ("Madame,
    Monsieur,", under the date, not under a bold title). Before, each of these lost its bold headings and its title."""
    assert bold_heading_levels(lines) == (levels, 0 if lines[0][0].startswith("Objet") else None)


@pytest.mark.parametrize("salutation", ["Madame la Directrice des ressources humaines,", "Dear Mr and Mrs Smith,",
                                        "Sehr geehrte Frau Professorin Dr. Schmidt,", "Dear Mr. Smith:"])
def test_a_long_salutation_makes_the_bold_line_over_it_the_subject_and_a_bold_signature_is_text(salutation):
    """A salutation of titles and names of four words or more after its greeting ("Madame", "Dear") is one; the
    signer's name in bold under the closing formula is the letter's (before: it headed the signer's role)."""
    document = docx.Document()
    document.add_paragraph("Paris, le 3 mars 2026")
    _bold(document, "Demande de congé parental")
    for line in (salutation, RECEIVED, GREETINGS):
        document.add_paragraph(line)
    _bold(document, "Claire Durand")
    document.add_paragraph("Responsable du service clients")
    parsed = parse_docx(_saved(document))
    assert (_sections(parsed), parsed.title) == ([("None", [
        "Paris, le 3 mars 2026", "Demande de congé parental", salutation, RECEIVED, GREETINGS, "Claire Durand",
        "Responsable du service clients"])], "Demande de congé parental")


MEMO = "The committee reviewed the figures for the third quarter and agreed to revise the budget before November."
MEMO_LINES = [("MEMORANDUM", 16.0, True), ("To: All staff", 10.0, False), ("From: Finance", 10.0, False),
              ("Subject: Q3 budget review", 10.0, True), (MEMO, 10.0, False), ("Background", 10.0, True),
              (MEMO, 10.0, False), ("Next steps", 10.0, True), (MEMO, 10.0, False)]
MEMO_SECTIONS = [("MEMORANDUM", ["To: All staff", "From: Finance", "Subject: Q3 budget review", MEMO]),
                 ("Background", [MEMO]), ("Next steps", [MEMO])]


def _pdf(tmp_path: Path, lines: list[tuple[str, float, bool]]) -> Parsed:
    placed: list[Placed] = []
    y = HEIGHT - 80.0
    for text, size, bold in lines:
        for line in wrap(text, 480, size, bold):
            placed.append((MARGIN, y, line, size, bold))
            y -= size * 1.3
    return parse_pdf(make_pdf(tmp_path / "letter.pdf", [placed]).read_bytes())


def test_a_memos_subject_is_text_under_its_title_in_word_and_in_a_pdf(tmp_path: Path):
    """A labelled subject with no salutation under it (a memo's) is text, and the bold title above it stays the
    title, in a .docx and a PDF alike (before: in the PDF, the title was lost and the subject headed its text)."""
    document = docx.Document()
    for text, size, bold in MEMO_LINES:
        run = document.add_paragraph().add_run(text)
        run.bold, run.font.size = bold, Pt(size)
    parsed = parse_docx(_saved(document))
    assert (_sections(parsed), parsed.title) == (MEMO_SECTIONS, "MEMORANDUM")
    parsed = _pdf(tmp_path, MEMO_LINES)
    assert (_sections(parsed), parsed.title) == (MEMO_SECTIONS, "MEMORANDUM")


def test_a_pdf_letters_subject_is_text_and_its_title_as_in_word(tmp_path: Path):
    """In a PDF whose bold lines head sections, a letter's subject is text and its title, as in a .docx; it counts as
    the heading it reads as towards the two a PDF needs to be read by its fonts (else by its title lines)."""
    lines = [("Paris, le 3 mars 2026", 10.0, False), (SUBJECT, 12.0, True), ("Madame, Monsieur,", 10.0, False),
             (RECEIVED, 10.0, False), ("Vos garanties jusqu'au 31 mars", 12.0, True), (COVER, 10.0, False),
             (GREETINGS, 10.0, False)]
    parsed = _pdf(tmp_path, lines)
    head = ["Paris, le 3 mars 2026", SUBJECT, "Madame, Monsieur,", *wrap(RECEIVED, 480, 10.0)]
    assert (_sections(parsed), parsed.title) == (
        [("None", head), ("Vos garanties jusqu'au 31 mars", [*wrap(COVER, 480, 10.0), GREETINGS])], SUBJECT)
    parsed = _pdf(tmp_path, [*lines[:4], lines[-1]])  # its subject alone: read by its title lines, still its title
    assert (_sections(parsed), parsed.title) == ([("None", [*head, GREETINGS])], SUBJECT)


def test_a_libreoffice_pdf_letter_is_titled_by_its_subject_as_its_word_files_are():
    """LibreOffice's PDF of the letter: its bold subject (and its letterhead, its last words, text of the letter too)
    is no heading the PDF is sectioned by, so it was read by its title lines and lost its title (the .docx, .doc and
    .fodt have it). Each line's offsets still point at its text."""
    parsed = parse_pdf((DATA / "courrier-resiliation.pdf").read_bytes())
    assert parsed.title == SUBJECT
    assert [heading for heading, _ in _sections(parsed)] == ["None"]
    assert all(parsed.text[line.start:line.end] == line.text for line in parsed.sections[0].lines)


RAISE = "Hausse de vos tarifs au 1er avril"
TARIFFS = ["Assurances Horizon", "12 rue de la Paix, 75002 Paris", "Madame Sophie Bernard",
           "8 place Bellecour, 69002 Lyon", "Paris, le 3 mars 2026", RAISE, "Réf. : contrat n° 67890",
           "Dossier suivi par Claire Durand", "Chère cliente,"]
SIGNED = ["Claire Durand", "Responsable du service clients"]


@pytest.mark.parametrize("suffix", [*READERS, ".pdf"])
def test_a_reference_under_the_subject_and_a_footer_under_the_signature_leave_the_letter_whole(suffix):
    """LibreOffice's letter whose bold subject stands over a reference and a handler's line, then "Chère cliente,";
    its signature in bold over the signer's role, a company's legal footer and a P.S.: before, the subject headed
    the letter's body and the signature its footer and P.S. (the title lost), in every format."""
    parsed = (READERS | {".pdf": parse_pdf})[suffix]((DATA / f"courrier-tarifs{suffix}").read_bytes())
    sections = _sections(parsed)
    assert (len(sections), sections[0][1][:len(TARIFFS)], parsed.title) == (1, TARIFFS, RAISE)
    assert SIGNED[0] in sections[0][1]
    lines = sections[0][1]
    assert lines[lines.index(SIGNED[0]):][:2] == SIGNED
    assert lines[-1].endswith("espace client, rubrique Documents.")
    assert all(parsed.text[line.start:line.end] == line.text for line in parsed.sections[0].lines)


@pytest.mark.parametrize("between", [1, 4])
def test_a_bold_line_is_a_subject_over_a_salutation_a_few_short_lines_under_it(between):
    """Up to three short lines (a reference, a date) may stand between a subject and its salutation; under more, the
    bold line is no letter's subject and heads its text. A letter's signature right over a P.S. heads nothing (in no
    letter, that bold name heads what follows it)."""
    lines = [("Paris, le 3 mars 2026", PLAIN), ("Hausse de vos tarifs", BOLD),
             *[(f"Réf. : contrat n° {n}", PLAIN) for n in range(between)], ("Chère cliente,", PLAIN),
             (DECIDED, PLAIN), ("Veuillez agréer, chère cliente, nos salutations distinguées.", PLAIN),
             ("Claire Durand", BOLD), ("P.S. : " + DECIDED, PLAIN)]
    assert bold_heading_levels(lines) == (({}, 1) if between <= 3 else ({1: 1, len(lines) - 2: 1}, None))


CONDITIONS = ("Vous trouverez ci-dessous les conditions applicables à votre contrat, qui prennent effet au premier "
              "jour du mois suivant la signature.")
HEADED = ["Assurances Horizon", "12 rue de la Paix, 75002 Paris", "Paris, le 3 mars 2026"]


def test_a_quoted_closing_in_a_pdf_memo_leaves_its_headings_and_its_subject_is_text_as_in_word(tmp_path: Path):
    """A memo in one font, its labelled subject and its headings in bold, a quoted e-mail's "Cordialement," in its
    first section: the next heading still heads its text (before: a closing anywhere made the next short lines a
    signature), and its subject is text and its title, as in its .docx (before: its title and a heading at once)."""
    quoted = "Le fournisseur nous a écrit : « merci de nous confirmer votre accord avant le 30 mars. »"
    lines = [("Direction des achats", 10.0, False), ("Note interne n° 12", 10.0, False),
             ("Objet : Renouvellement du contrat de maintenance", 10.0, True), (CONDITIONS, 10.0, False),
             ("Contexte", 10.0, True), (CONDITIONS, 10.0, False), (quoted, 10.0, False), ("Cordialement,", 10.0, False),
             ("Jean Martin, Maintenix", 10.0, False), ("Décision", 10.0, True), (CONDITIONS, 10.0, False),
             ("Calendrier", 10.0, True), (CONDITIONS, 10.0, False)]
    parsed = _pdf(tmp_path, lines)
    wrapped = wrap(CONDITIONS, 480, 10.0)
    assert (_sections(parsed), parsed.title) == (
        [("None", ["Direction des achats", "Note interne n° 12", lines[2][0], *wrapped]),
         ("Contexte", [*wrapped, *wrap(quoted, 480, 10.0), "Cordialement,", "Jean Martin, Maintenix"]),
         ("Décision", wrapped), ("Calendrier", wrapped)], lines[2][0])


FORMULA = ("Veuillez agréer, Madame, Monsieur, l'expression de nos salutations les plus respectueuses et les plus "
           "distinguées.")
FOOTER = "Assurances Horizon, société anonyme au capital de 2 000 000 euros, RCS Paris 123 456 789, entreprise régie."


@pytest.mark.parametrize(("closing", "footer"), [("Cordialement,", []), (FORMULA, []), (FORMULA, [FOOTER])])
def test_a_pdf_letters_signature_is_text_but_a_bold_annex_title_under_it_heads_its_text(tmp_path: Path, closing,
                                                                                         footer):
    """A PDF letter in one font, its closing formula (on one line, or wrapped: its last words a line of their own)
    over its signer's name in bold and role, a footer under them or none: all are text, and a bold annex's title
    under them heads its text, as in a .docx (before: the annex's title was taken for the signature's, or a wrapped
    formula signed nothing and the role headed the footer)."""
    annex = "Annexe 1 : Conditions particulières"
    lines = [*[(line, 10.0, False) for line in HEADED], ("Objet : Envoi de votre contrat", 10.0, True),
             ("Madame, Monsieur,", 10.0, False), (CONDITIONS, 10.0, False), (closing, 10.0, False),
             ("Claire Durand", 10.0, True), ("Responsable du service clients", 10.0, False),
             *[(line, 10.0, False) for line in footer], (annex, 10.0, True),
             (CONDITIONS, 10.0, False), ("Annexe 2 : Tarifs", 10.0, True), (CONDITIONS, 10.0, False)]
    parsed = _pdf(tmp_path, lines)
    wrapped = wrap(CONDITIONS, 480, 10.0)
    assert len(wrap(closing, 480, 10.0)) == (1 if closing == "Cordialement," else 2)
    assert (_sections(parsed), parsed.title) == (
        [("None", [*HEADED, lines[3][0], "Madame, Monsieur,", *wrapped, *wrap(closing, 480, 10.0), "Claire Durand",
                   "Responsable du service clients", *[line for text in footer for line in wrap(text, 480, 10.0)]]),
         (annex, wrapped), ("Annexe 2 : Tarifs", wrapped)], lines[3][0])
