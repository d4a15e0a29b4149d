"""Pages office tools write when they save a document as HTML (audit 58, `tests/data/audit58/`): Word's "Page Web",
Google Docs' "Web page", LibreOffice Writer's "Document HTML". Their footnotes were read at the page's end, in its
last section ("[1] Sur justificatif de scolarité" under "6. Budget et comptes"), Word's list bullets were text ("·
les salariés en CDI"), LibreOffice's running header and footer were text ("Page 1 sur 3"), its table of contents
was text with its page numbers under a heading "Table des matières" that went on heading the text after it, and
its document was titled by its first heading (its `<title>` empty) where its Title paragraph names it."""

from rag.corpus.formats.html import parse_html
from tests.helpers.timing import grows_linearly


def _sections(page: str) -> list[tuple[str | None, list[str]]]:
    return [(s.heading, [line.text for line in s.lines]) for s in parse_html(page).sections]


_WORD = ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><meta http-equiv=Content-Type "
         "content=\"text/html; charset=windows-1252\"><title>Guide</title></head><body lang=FR><div "
         "class=WordSection1>{}</div>{}</body></html>")


def _word_note(n: int) -> str:
    return (f"<a style='mso-footnote-id:ftn{n}' href=\"#_ftn{n}\" name=\"_ftnref{n}\" title=\"\"><span "
            f"class=MsoFootnoteReference><span style='mso-special-character:footnote'><![if !supportFootnotes]>"
            f"<span class=MsoFootnoteReference>[{n}]</span><![endif]></span></span></a>")


def _word_notes(*texts: str) -> str:
    return "<div style='mso-element:footnote-list'><![if !supportFootnotes]><br clear=all><hr align=left size=1>" \
        "<![endif]>" + "".join(
            f"<div style='mso-element:footnote' id=ftn{n}><p class=MsoFootnoteText><a style='mso-footnote-id:ftn{n}' "
            f"href=\"#_ftnref{n}\" name=\"_ftn{n}\" title=\"\"><span class=MsoFootnoteReference><span "
            f"style='mso-special-character:footnote'><![if !supportFootnotes]><span class=MsoFootnoteReference>[{n}]"
            f"</span><![endif]></span></span></a> {text}<o:p></o:p></p></div>" for n, text in enumerate(texts, 1)) \
        + "</div>"


def test_a_word_page_s_footnote_is_read_after_the_paragraph_citing_it_without_its_marks():
    body = (f"<h1>Rentrée</h1><p class=MsoNormal>Une allocation de 60 € est versée en septembre{_word_note(1)}."
            f"<o:p></o:p></p><p class=MsoNormal>Elle est de 100 € pour un étudiant.</p><h1>Noël</h1>"
            f"<p class=MsoNormal>Un bon de 80 €{_word_note(2)} par salarié.</p>")
    page = _WORD.format(body, _word_notes("Sur justificatif après 16 ans.", "Versé en décembre."))
    assert _sections(page) == [
        ("Rentrée", ["Une allocation de 60 € est versée en septembre.", "Sur justificatif après 16 ans.",
                     "Elle est de 100 € pour un étudiant."]),
        ("Noël", ["Un bon de 80 € par salarié.", "Versé en décembre."])]


def test_a_note_cited_in_a_table_s_row_is_read_after_the_table():
    body = (f"<h1>Aides</h1><table class=MsoTableGrid><tr><td><p class=MsoNormal>Quotient</p></td><td><p "
            f"class=MsoNormal>Part</p></td></tr><tr><td><p class=MsoNormal>moins de 800 €{_word_note(1)}</p></td><td>"
            f"<p class=MsoNormal>70 %</p></td></tr><tr><td><p class=MsoNormal>800 € et plus</p></td><td><p "
            f"class=MsoNormal>50 %</p></td></tr></table><p class=MsoNormal>Plafond : 450 €.</p>")
    assert _sections(_WORD.format(body, _word_notes("Revenu fiscal divisé par les parts."))) == [
        ("Aides", ["Quotient | Part", "moins de 800 € | 70 %", "800 € et plus | 50 %",
                   "Revenu fiscal divisé par les parts.", "Plafond : 450 €."])]


def test_google_docs_and_libreoffice_notes_are_read_where_cited_a_mark_that_is_not_alone_kept():
    google = ('<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"></head><body '
              'class="c9 doc-content"><h1 id="h.x">Repas</h1><p class="c4"><span class="c1">Un titre-restaurant de '
              '9 €</span><sup><a href="#ftnt1" id="ftnt_ref1">[1]</a></sup><span class="c1">.</span></p><h1 '
              'id="h.y">Contacts</h1><p class="c4"><span class="c1">Paie : poste 207.</span></p><div><p class="c4">'
              '<a href="#ftnt_ref1" id="ftnt1">[1]</a><span class="c1">&nbsp;Pas en déplacement.</span></p></div>'
              '</body></html>')
    assert _sections(google) == [("Repas", ["Un titre-restaurant de 9 €.", "Pas en déplacement."]),
                                 ("Contacts", ["Paie : poste 207."])]
    libre = ('<html><head><title></title><meta name="generator" content="LibreOffice 7.6.4.1 (Linux)"/></head><body>'
             '<h1 class="western">Alerte</h1><ol><li><p>Briser la vitre du déclencheur le plus proche<a '
             'class="sdfootnoteanc" name="sdfootnote1anc" href="#sdfootnote1sym"><sup>1</sup></a> ;</p></li>'
             '<li><p>Appeler le 18 ou le 112<a class="sdfootnoteanc" name="sdfootnote2anc" href="#sdfootnote2sym">'
             '<sup>2</sup></a>.</p></li></ol><h1 class="western">Exercices</h1><p>Deux par an.</p>'
             '<div id="sdfootnote1"><p class="sdfootnote-western"><a class="sdfootnotesym" name="sdfootnote1sym" '
             'href="#sdfootnote1anc">1</a>Près de chaque sortie.</p></div><div id="sdfootnote2"><p '
             'class="sdfootnote-western"><a class="sdfootnotesym" name="sdfootnote2sym" href="#sdfootnote2anc">2</a>'
             'Depuis un poste fixe.</p></div></body></html>')
    assert _sections(libre) == [
        ("Alerte", ["Briser la vitre du déclencheur le plus proche ;", "Près de chaque sortie.",
                    "Appeler le 18 ou le 1122.", "Depuis un poste fixe."]),  # "2" could be 112's: kept
        ("Exercices", ["Deux par an."])]
    assert parse_html(libre).title == "Alerte"  # an empty <title>, no Title paragraph: the first heading


def test_a_note_of_several_paragraphs_is_read_whole_after_the_paragraph_citing_it():
    """Each tool wraps a note in a `<div>`: its paragraphs after the first follow it (they stayed under the page's last
    heading), up to the next `<div>` tag; a paragraph after a note no `<div>` wraps stays where it is."""
    word = _WORD.format(f"<h1>Repas</h1><p class=MsoNormal>Un titre-restaurant de 9 €{_word_note(1)}.</p><h1>Paie</h1>"
                        "<p class=MsoNormal>Le 28 du mois.</p>",
                        _word_notes("Pas en déplacement.</p><p class=MsoFootnoteText>Ni pendant les congés."))
    google = ('<html><body><h1>Repas</h1><p>Un titre-restaurant de 9 €<sup><a href="#ftnt1" id="ftnt_ref1">[1]</a>'
              '</sup>.</p><h1>Paie</h1><p>Le 28 du mois.</p><div><p><a href="#ftnt_ref1" id="ftnt1">[1]</a> Pas en '
              'déplacement.</p><p>Ni pendant les congés.</p></div></body></html>')
    libre = ('<html><body><h1>Repas</h1><p>Un titre-restaurant de 9 €<a name="sdfootnote1anc" href="#sdfootnote1sym">'
             '<sup>1</sup></a>.</p><h1>Paie</h1><p>Le 28 du mois.</p><div id="sdfootnote1"><p><a name="sdfootnote1sym" '
             'href="#sdfootnote1anc">1</a>Pas en déplacement.</p><p>Ni pendant les congés.</p></div></body></html>')
    for page in (word, google, libre):
        assert _sections(page) == [("Repas", ["Un titre-restaurant de 9 €.", "Pas en déplacement.",
                                              "Ni pendant les congés."]), ("Paie", ["Le 28 du mois."])]
    bare = google.replace("<div>", "").replace("</div>", "")
    assert _sections(bare) == [("Repas", ["Un titre-restaurant de 9 €.", "Pas en déplacement."]),
                               ("Paie", ["Le 28 du mois.", "Ni pendant les congés."])]
    after = google.replace("</div>", '</div><p>Document interne.</p>')  # after the note's <div>: where it stands
    assert _sections(after) == [
        ("Repas", ["Un titre-restaurant de 9 €.", "Pas en déplacement.", "Ni pendant les congés."]),
        ("Paie", ["Le 28 du mois.", "Document interne."])]
    unclosed = google.replace("</div>", '<p>Document interne.</p>')  # never closed: only the note's first paragraph
    assert _sections(unclosed) == [("Repas", ["Un titre-restaurant de 9 €.", "Pas en déplacement."]),
                                   ("Paie", ["Le 28 du mois.", "Ni pendant les congés.", "Document interne."])]
    citing = google.replace("Ni pendant les congés.</p></div>", 'Voir aussi<sup><a href="#ftnt2" id="ftnt_ref2">[2]</a>'
                            '</sup>.</p></div><div><p><a href="#ftnt_ref2" id="ftnt2">[2]</a> Le barème.</p></div>')
    assert _sections(citing) == [  # a note's paragraph citing a note stays in it, its own note after it
        ("Repas", ["Un titre-restaurant de 9 €.", "Pas en déplacement.", "Voir aussi.", "Le barème."]),
        ("Paie", ["Le 28 du mois."])]
    nested = google.replace("<p>Ni pendant", '<div align=center><p>Sauf accord.</p></div><p>Ni pendant')
    assert _sections(nested)[0][1][1:] == ["Pas en déplacement.", "Sauf accord.", "Ni pendant les congés."]


def test_links_pointing_at_each_other_but_not_a_note_s_are_left_as_they_are():
    page = ('<html><head><title>T</title></head><body><h1>A</h1><p>Voir <a name="r1" href="#n1">la suite</a> ici.'
            '</p><h1>B</h1><p>Une phrase <a name="n1" href="#r1">longue</a> entière.</p></body></html>')
    assert _sections(page) == [("A", ["Voir la suite ici."]), ("B", ["Une phrase longue entière."])]


def test_a_word_list_paragraph_is_an_item_its_bullet_left_out_its_number_kept():
    def item(mark: str, font: str, text: str) -> str:
        return (f"<p class=MsoListParagraphCxSpMiddle style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if "
                f"!supportLists]><span style='font-family:{font}'><span style='mso-list:Ignore'>{mark}<span "
                f"style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp; </span></span></span><![endif]>{text}"
                f"<o:p></o:p></p>")
    body = (f"<h1>Droits</h1>{item('·', 'Symbol', 'les salariés en CDI ;')}{item('o', 'Courier New', 'le conjoint ;')}"
            f"{item('§', 'Wingdings', 'la réponse au registre.')}{item('1.', 'Calibri', 'Créer son compte.')}"
            f"{item('b)', 'Calibri', 'Déposer les pièces.')}<p class=MsoNormal>· un point de texte.</p>")
    parsed = parse_html(_WORD.format(body, ""))
    assert [(line.text, line.item) for line in parsed.sections[0].lines] == [
        ("les salariés en CDI ;", True), ("le conjoint ;", True), ("la réponse au registre.", True),
        ("1. Créer son compte.", True), ("b) Déposer les pièces.", True), ("· un point de texte.", False)]


def test_office_title_paragraphs_title_the_document_and_their_contents_title_is_no_heading():
    libre = ('<html><head><title></title></head><body><div title="header"><p>Brennec – PR-SEC-02</p></div>'
             '<p class="title-western">Procédure incendie</p><div id="Table of Contents1"><div id="Table of '
             'Contents1_Head"><p><font size="4"><b>Table des matières</b></font></p></div><p><a '
             'href="#__RefHeading___Toc1_1">1. Objet</a>\t1</p><p><a href="#__RefHeading___Toc3_1">2. Alerte</a>\t2'
             '</p></div><p class="western">Version 4 du 12 février 2025.</p><h1 class="western"><a '
             'name="__RefHeading___Toc1_1"></a>1. Objet</h1><p class="western"><font face="Liberation Serif">Les '
             'bâtiments A et B.</font></p><div title="footer"><p>Page <sdfield type=PAGE subtype=RANDOM '
             'format=PAGE>1</sdfield> sur 3</p></div></body></html>')
    parsed = parse_html(libre)
    assert parsed.title == "Procédure incendie"
    assert _sections(libre) == [(None, ["Version 4 du 12 février 2025."]), ("1. Objet", ["Les bâtiments A et B."])]
    word = _WORD.format("<p class=MsoTitle>Guide<o:p></o:p></p><p class=MsoSubtitle>CSE de Brennec</p><p "
                        "class=MsoTocHeading>Sommaire<o:p></o:p></p><p class=MsoToc1><span class=MsoHyperlink><a "
                        "href=\"#_Toc1\">1. Qui<span style='display:none;mso-hide:screen'>1</span></a></span></p>"
                        "<h1><a name=\"_Toc1\">1. Qui</a></h1><p class=MsoNormal>Cinq élus.</p>", "")
    assert parse_html(word).title == "Guide"
    assert _sections(word) == [(None, ["CSE de Brennec"]), ("1. Qui", ["Cinq élus."])]


def test_a_word_paragraph_whose_style_the_style_sheet_sets_bold_heads_what_follows_it():
    """A template's own style ("Titre article") set bold by the page's style sheet, no `<b>` in the paragraph."""
    style = ("<style><!-- p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;font-weight:bold;}\n"
             "p.Titrearticle, li.Titrearticle, div.Titrearticle\n\t{mso-style-name:\"Titre article\";\n\t"
             "font-size:12.0pt;\n\tfont-weight:bold;}\n--></style>")
    page = ("<html><head><meta name=ProgId content=Word.Document><meta name=Generator content=\"Microsoft Word 15\">"
            f"{style}</head><body><div class=WordSection1><h1>Règlement</h1><p class=MsoNormal>Préambule.</p>"
            "<p class=Titrearticle>Article 1 – Objet</p><p class=MsoNormal>Le présent règlement s’applique.</p>"
            "<p class=Titrearticle>Article 2 – Horaires</p><p class=Titrearticle>Article 3 – Congés</p>"
            "<p class=MsoNormal>Cinq semaines.</p><p class=Titrearticle>Annexe</p></div></body></html>")
    assert [(s.heading, s.parents, [line.text for line in s.lines]) for s in parse_html(page).sections] == [
        ("Règlement", (), ["Préambule."]),
        ("Article 1 – Objet", ("Règlement",), ["Le présent règlement s’applique.", "Article 2 – Horaires"]),
        ("Article 3 – Congés", ("Règlement",), ["Cinq semaines.", "Annexe"])]
    plain = page.replace("<meta name=ProgId content=Word.Document><meta name=Generator content=\"Microsoft Word 15\">",
                         "")
    assert [s.heading for s in parse_html(plain).sections] == ["Règlement"]  # no page of Word's: no class read so


def test_a_word_page_s_comments_are_no_text():
    """Word's "Page Web" of a document under review writes each comment's mark in the text and its text at the end."""
    body = ("<h1>Mots de passe</h1><p class=MsoNormal>Au moins 14 caractères<span class=MsoCommentReference><span "
            "style='font-size:8.0pt'>&nbsp;<![if !supportAnnotations]><a class=msocomanchor id=\"_anchor_1\" "
            "href=\"#_msocom_1\" language=JavaScript name=\"_msoanchor_1\">[MG1]</a><![endif]><span "
            "style='mso-special-character:comment'>&nbsp;</span></span></span>.</p>")
    comments = ("<div style='mso-element:comment-list'><![if !supportAnnotations]><hr class=msocomoff align=left "
                "size=1 width=\"33%\"><![endif]><div style='mso-element:comment'><![if !supportAnnotations]><div "
                "id=\"_com_1\" class=msocomtxt language=JavaScript><![endif]><div><![if !supportAnnotations]><a "
                "name=\"_msocom_1\"></a><![endif]><p class=MsoCommentText>Vérifier avec la DSI.</p></div>"
                "<![if !supportAnnotations]></div><![endif]></div></div>")
    assert _sections(_WORD.format(body, comments)) == [("Mots de passe", ["Au moins 14 caractères ."])]


def test_many_notes_and_list_paragraphs_are_read_in_linear_time():
    """Each note's link is read once, each block's source within a window of its start, each note's wrapper matched
    once: a page of notes of two paragraphs cited in one paragraph, or of list paragraphs, or of links pointing
    nowhere, takes under nine times the CPU for four times the blocks."""
    def notes(n: int) -> str:
        cites = "".join(f'x<a href="#n{k}" name="r{k}">[{k}]</a> ' for k in range(n))
        wrapped = "".join(f'<div><p><a href="#r{k}" name="n{k}">[{k}]</a> Note {k}.</p><p>Suite.</p></div>'
                          for k in range(n))
        return f"<html><body><p>{cites}</p>{wrapped}</body></html>"

    def items(n: int) -> str:
        return "<html><body>" + "".join(
            "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span style='mso-list:Ignore'>·<span "
            "style='font:7.0pt \"Times New Roman\"'>&nbsp; </span></span>Texte.</p>" for _ in range(n)) \
            + "</body></html>"

    def links(n: int) -> str:
        return "<html><body><p>" + '<a href="#a" name="b">' * n + "</p></body></html>"

    for make, n in ((notes, 2500), (items, 5000), (links, 5000)):
        pages = {n: make(n), 4 * n: make(4 * n)}
        assert grows_linearly(lambda size, pages=pages: parse_html(pages[size]), n), make.__name__
