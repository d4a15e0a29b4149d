"""Knowledge bases as teams export them from their tools, read as the tool shows them (audit 49,
`tests/data/audit49`): a Google Docs export was titled by its first heading and served its table of contents as the
second passage for "Quelle longueur minimale pour un mot de passe ?"; a Confluence page was titled "Espace RH : Congés
payés" with its "Créé par ..." line, its table of contents and its attachments' types as text; an Obsidian vault's
answers read "> [!tip]- When not to roll back" and "![[deploy-pipeline.png]]"; a Notion database came twice (its
view and `_all.csv`), titled "Faq 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b all", and its pages' `---` dividers were lines."""

import pytest

from rag.corpus.formats.html import parse_html
from rag.corpus.formats.markdown import parse_markdown
from rag.corpus.reader import Document, Skipped, read_files, unique_ids
from tests.unit.test_markdown import _sections


def _html(page: str) -> tuple[str | None, list[tuple[str | None, list[str]]]]:
    parsed = parse_html(page)
    return parsed.title, [(s.heading, [line.text for line in s.lines]) for s in parsed.sections]


def test_a_google_docs_export_is_titled_by_its_title_paragraph_without_contents_or_comments():
    page = ('<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"><style type="text/css">'
            '.c3{font-weight:700}</style></head><body class="c9 doc-content">'
            '<p class="c4 title" id="h.title"><span class="c8">Charte informatique</span></p>'
            '<p class="c2"><span class="c1"></span></p>'
            '<p class="c4"><span class="c6"><a class="c6" href="#h.gjdgxs">Mots de passe</a></span></p>'
            '<p class="c4"><span class="c6"><a class="c6" href="#h.30j0zll">Postes de travail</a></span></p>'
            '<h1 class="c5" id="h.gjdgxs"><span class="c8">Mots de passe</span></h1>'
            '<p class="c4"><span class="c1">Au moins 12 caractères.</span></p>'
            '<h1 class="c5" id="h.30j0zll"><span class="c8">Postes de travail</span></h1>'
            '<p class="c4"><span class="c1">Logiciels sur le portail GLPI</span><sup><a href="#cmnt1" id="cmnt_ref1">'
            '[a]</a></sup><span class="c1">. Voir <a href="#h.gjdgxs">Mots de passe</a>.</span></p>'
            '<p class="c4"><a href="#ftnt_ref1" id="ftnt1">[1]</a><span class="c1"> Poste 4242.</span></p>'
            '<div class="c17"><p class="c4"><a href="#cmnt_ref1" id="cmnt1">[a]</a><span class="c1">On garde GLPI ?'
            '</span></p></div></body></html>')
    assert _html(page) == ("Charte informatique", [
        ("Mots de passe", ["Au moins 12 caractères."]),
        ("Postes de travail", ["Logiciels sur le portail GLPI. Voir Mots de passe.", "[1] Poste 4242."])])
    # elsewhere, a paragraph of class "title" is not the document's title but a heading (Bulma's headings are
    # `<p class="title">`, `rag.corpus.formats.html_outline`), and a link that works a tab is a line
    other = ('<html><head><title>Offres</title></head><body><p class="title">Offre Pro</p><ul><li>'
             '<a href="#pro" data-toggle="tab">Tarifs Pro</a></li></ul></body></html>')
    assert _html(other) == ("Offres", [("Offre Pro", ["Tarifs Pro"])])


def test_a_confluence_export_page_keeps_its_content_without_the_space_s_name_byline_contents_or_attachments():
    page = ('<html><head><title>Espace RH : Congés payés</title></head><body><div id="page"><div id="main">'
            '<div id="main-header"><div id="breadcrumb-section"><ol id="breadcrumbs"><li class="first"><span>'
            '<a href="index.html">Espace RH</a></span></li></ol></div><h1 id="title-heading" class="pagetitle">'
            '<span id="title-text"> Espace RH : Congés payés </span></h1></div><div id="content" class="view">'
            '<div class="page-metadata">Créé par <span class="author"> Claire Martin</span>, dernière modification '
            'par <span class="editor"> Julien Petit</span> le 03 mai 2024</div>'
            '<div id="main-content" class="wiki-content group"><div class="toc-macro rbtoc1718">'
            '<ul class="toc-indentation"><li><span class="toc-outline">1</span><a href="#CP-Acquisition">'
            'Acquisition</a></li><li><span class="toc-outline">2</span><a href="#CP-Report">Report</a></li></ul></div>'
            '<h2 id="CP-Acquisition">Acquisition</h2><p>Chaque salarié acquiert 2,08 jours ouvrés par mois de '
            'travail effectif, soit 25 jours ouvrés par an, du 1er juin au 31 mai.</p><h2 id="CP-Report">Report</h2>'
            '<p>Cinq jours au plus peuvent être reportés sur la période suivante avec l\'accord du manager.</p>'
            '<div class="confluence-information-macro confluence-information-macro-note"><p class="title">Été</p>'
            '<div class="confluence-information-macro-body"><p>Demandes avant le 31 mars.</p></div></div></div>'
            '<div class="pageSection group"><div class="pageSectionHeader"><h2 id="attachments" '
            'class="pageSectionTitle">Pièces jointes:</h2></div><div class="greybox" align="left">'
            '<a href="attachments/65540/65541.docx">formulaire-conges.docx</a> (application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document)<br/></div></div></div></div><div id="footer" '
            'role="contentinfo"><section class="footer-body"><p>Document généré par Confluence le 12 juin 2024 14:02'
            '</p></section></div></div></body></html>')
    title, sections = _html(page)
    assert title == "Congés payés"
    assert sections == [
        ("Acquisition", ["Chaque salarié acquiert 2,08 jours ouvrés par mois de travail effectif, soit 25 jours "
                         "ouvrés par an, du 1er juin au 31 mai."]),
        ("Report", ["Cinq jours au plus peuvent être reportés sur la période suivante avec l'accord du manager."]),
        ("Été", ["Demandes avant le 31 mars."])]  # the note's title heads it, under "Report"
    assert {s.parents for s in parse_html(page).sections} == {("Congés payés",), ("Congés payés", "Report")}
    # a page that is not Confluence's keeps a title with " : " whole
    assert _html("<html><head><title>FAQ : retours</title></head><body><h1>FAQ : retours</h1><p>Oui.</p>"
                 "</body></html>")[0] == "FAQ : retours"


def test_obsidian_callouts_comments_embeds_and_navigation_read_as_obsidian_shows_them():
    note = ("# Deployments\n\nWe deploy from `main`.\n\n> [!warning] Freeze\n> Only hotfixes ship.\n\n"
            "> [!tip]- When not to roll back\n> Restore the snapshot.\n\n> [!NOTE]\n> Batch calls count once.\n\n"
            "%% TODO: migrations %%\n\n![[deploy-pipeline.png]]\n\n![[Code review#Checks]]\n\n- [[Code review]]\n"
            "- [[On-call/Incident response|how we handle incidents]]\n\n"
            "[Remboursements](Support%20client%203b1f/Remboursements%208f3c.md)\n\n"
            "![Capture remboursement.png](Remboursements%208f3c/Capture_remboursement.png)\n\n"
            "![Refund dialog](img/refund.png)\n\n[Statut du service](https://status.example.com)\n")
    assert _sections(note) == [("Deployments", [
        "We deploy from `main`.", "Freeze", "Only hotfixes ship.", "When not to roll back", "Restore the snapshot.",
        "Batch calls count once.", "Refund dialog", "[Statut du service](https://status.example.com)"])]


def _read(text: str) -> list[str]:
    """Each section's lines as a passage joins them (`Line.follows`), each piece checked at its offsets."""
    sections = parse_markdown(text).sections
    for line in (line for section in sections for line in section.lines):
        assert text[line.start:line.end] == line.text, line
    return ["".join(("\n" if line.follows is None else line.follows) + line.text for line in s.lines)[1:]
            for s in sections]


def test_a_link_to_another_page_of_the_export_reads_as_its_text_and_a_link_out_stays_whole():
    page = ("# Retours\n\nPour l'étranger, voir [Retours internationaux](Livraison%20et%20retours%205d2e/Retours"
            "%20internationaux%207a1b.md).\nVoir aussi [[Rollbacks#How to roll back|rollback steps]] et ([[Délais]]) "
            "![[schema.png]] ici.\nStatut sur [status](https://status.example.com), code `[x](y.md)`.\n\n"
            "Les prix sont dans\n[Tarifs 2024](Tarifs%202024.md)\n\n[Notes](Notes.md)\nsont à jour.\n\n"
            "[Annexe](Annexe.md)\n")
    # a link alone on a line of a paragraph that goes on is its text; alone in its paragraph, navigation
    assert _read(page) == ["Pour l'étranger, voir Retours internationaux.\nVoir aussi rollback steps et (Délais) ici."
                           "\nStatut sur [status](https://status.example.com), code `[x](y.md)`.\nLes prix sont dans"
                           "\nTarifs 2024\nNotes\nsont à jour."]


def test_a_thematic_break_is_no_line_and_a_dash_underline_still_makes_a_heading():
    page = "# Retours\n\nSous 30 jours.\n\n---\n\nAdresse : Lyon.\n\n* * *\n\n___\n\nDélais\n---\n\n14 jours.\n"
    assert _sections(page) == [("Retours", ["Sous 30 jours.", "Adresse : Lyon."]), ("Délais", ["14 jours."])]


def test_a_notion_export_reads_each_database_once_and_titles_it_without_notion_s_id(tmp_path):
    base = tmp_path / "Support client 3b1f9e2a7c4d4e5f8a9b0c1d2e3f4a5b"
    base.mkdir()
    rows = "Question,Catégorie\nComment suivre mon colis ?,Livraison\n"
    (base / "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b.csv").write_text(rows, encoding="utf-8")
    (base / "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b_all.csv").write_text(rows, encoding="utf-8")
    (base / "Notes 1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d.txt").write_text("Rien de neuf.\n", encoding="utf-8")
    (tmp_path / "tarifs.csv").write_text("Offre,Prix\nPro,10 €\n", encoding="utf-8")  # no twin: read
    (tmp_path / "tarifs_all.csv").write_text("Offre,Prix\nPro,10 €\n", encoding="utf-8")
    outcomes = list(read_files(tmp_path))
    titles = sorted(o.title for o in outcomes if isinstance(o, Document))
    assert titles == ["FAQ", "Notes", "Tarifs", "Tarifs all"]
    [skipped] = [o for o in outcomes if isinstance(o, Skipped)]
    assert skipped.source.endswith("FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b.csv")
    assert "current view" in skipped.reason and "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b_all.csv" in skipped.reason


def test_notion_s_own_timestamps_under_a_title_are_no_text_and_the_team_s_properties_are():
    page = ("# Remboursements\n\nTags: facturation\nCreated: 12 mars 2024 10:14\nOwner: Léa Girard\n"
            "Last edited time: March 28, 2024 4:42 PM\n\nSous 14 jours.\n\nCreated: à la demande du client.\n")
    assert _sections(page) == [("Remboursements", [
        "Tags: facturation", "Owner: Léa Girard", "Sous 14 jours.", "Created: à la demande du client."])]


def test_the_templates_of_an_obsidian_vault_are_refused_with_their_reason(tmp_path):
    vault = tmp_path / "Handbook"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "Templates").mkdir()
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    (vault / "Templates" / "Incident postmortem.md").write_text("# {{title}}\n\n## Timeline\n- {{time}}\n",
                                                               encoding="utf-8")
    (vault / "Deployments.md").write_text("# Deployments\n\nMonday to Thursday.\n", encoding="utf-8")
    (tmp_path / "Templates").mkdir()  # outside the vault: a folder of that name is read
    (tmp_path / "Templates" / "lettre.md").write_text("# Lettre type\n\nMadame, Monsieur,\n", encoding="utf-8")
    outcomes = list(read_files(tmp_path))
    assert sorted(o.title for o in outcomes if isinstance(o, Document)) == ["Deployments", "Lettre type"]
    [skipped] = [o for o in outcomes if isinstance(o, Skipped)]
    assert skipped.source == "Handbook/Templates/Incident postmortem.md"
    assert "Obsidian template" in skipped.reason and ".obsidian/templates.json" in skipped.reason


def test_a_file_named_by_a_number_is_titled_by_its_first_heading(tmp_path):
    """Confluence exports a page's attachments as `attachments/<page id>/<attachment id>.docx`: the form was titled
    "65541"."""
    docx = pytest.importorskip("docx")
    folder = tmp_path / "attachments" / "65540"
    folder.mkdir(parents=True)
    for name in ("65541.docx", "formulaire.docx"):
        document = docx.Document()
        document.add_heading("Formulaire de demande de congés", 1)
        document.add_paragraph("Dates demandées : du ____ au ____.")
        document.save(folder / name)
    titles = {o.source: o.title for o in read_files(tmp_path) if isinstance(o, Document)}
    assert titles == {"attachments/65540/65541.docx": "Formulaire de demande de congés",
                      "attachments/65540/formulaire.docx": "Formulaire"}


def test_a_google_docs_paragraph_set_bold_by_its_class_heads_what_follows_as_a_bold_question_does():
    """Google Docs writes bold as a class of its style sheet (`.c3{font-weight:700}`), never `<strong>`: an FAQ's
    bold questions were lines of text, their answers under the document's last heading."""
    page = ('<html><head><style type="text/css">.c1{color:#000000;font-weight:400}.c3{color:#000000;'
            'font-weight:700;font-size:11pt}</style></head><body class="c9 doc-content">'
            '<h1 id="h.a"><span class="c1">Paiement</span></h1>'
            '<p class="c4"><span class="c3">Puis-je payer par chèque ?</span></p>'
            '<p class="c4"><span class="c1">Non, par carte ou virement.</span></p>'
            '<p class="c4"><span class="c3">Important : </span><span class="c1">aucun paiement en espèces.</span></p>'
            '</body></html>')
    assert _html(page)[1] == [("Puis-je payer par chèque ?", [
        "Non, par carte ou virement.", "Important : aucun paiement en espèces."])]
    assert [s.parents for s in parse_html(page).sections] == [("Paiement",)]
    # a page that is not Google Docs' keeps its classes unread
    other = page.replace(' class="c9 doc-content"', "")
    assert _html(other)[1][0][0] == "Paiement"


def test_an_obsidian_comment_over_several_lines_is_no_text_but_in_code():
    note = ("# Rollbacks\n\n%%\nTODO: the migration case.\nAsk Omar.\n%%\n\nRun `make rollback`.\n\n"
            "%% draft: not reviewed\nstill hidden %%\n\n```\n%%\nkept as code\n```\n")
    assert _sections(note) == [("Rollbacks", ["Run `make rollback`.", "```", "%%", "kept as code", "```"])]


def test_a_notion_page_s_document_id_leaves_notion_s_ids_out_and_two_pages_of_one_name_stay_apart(tmp_path):
    """`notion-support-client-3b1f9e2a7c4d4e5f8a9b0c1d2e3f4a5b-faq-9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b-comment-suivre-
    mon-colis-1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d` was an id in every citation, passage id and MCP result."""
    space = tmp_path / "Support client 3b1f9e2a7c4d4e5f8a9b0c1d2e3f4a5b"
    (space / "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b").mkdir(parents=True)
    (space / "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b" / "Comment suivre mon colis  1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d.md"
     ).write_text("# Comment suivre mon colis ?\n\nPar le lien de suivi.\n", encoding="utf-8")
    for page_id in ("5e6f7a8b9c0d4e1f2a3b4c5d6e7f8a9b", "7a1b2c3d4e5f4a6b8c9d0e1f2a3b4c5d"):
        (space / f"Notes {page_id}.md").write_text(f"# Notes\n\nPage {page_id[:4]}.\n", encoding="utf-8")
    (space / "FAQ 9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b_all.csv").write_text(  # a row without its page: read
        "Question\nComment suivre mon colis ?\nOù est ma facture ?\n", encoding="utf-8")
    docs = [o for o in read_files(tmp_path) if isinstance(o, Document)]
    unique_ids(docs)
    assert sorted(d.doc_id for d in docs) == ["support-client-faq-all", "support-client-faq-comment-suivre-mon-colis",
                                              "support-client-notes", "support-client-notes-2"]


def test_a_confluence_expand_macro_s_label_heads_what_it_holds_as_a_summary_does():
    """Confluence's FAQ pages put each answer in an expand macro under its question; the question was a line of
    text, the answer cited under the page's heading."""
    def expand(n: int, label: str, body: str) -> str:
        return (f'<div id="expander-{n}" class="expand-container"><div id="expander-control-{n}" '
                f'class="expand-control"><span class="expand-control-icon icon">&nbsp;</span>'
                f'<span class="expand-control-text">{label}</span></div><div id="expander-content-{n}" '
                f'class="expand-content"><div class="panel"><p>{body}</p></div></div></div>')
    page = ('<html><head><title>FAQ</title></head><body><h2>Congés</h2>'
            + expand(1, "Puis-je reporter mes congés ?", "Cinq jours au plus.")
            + expand(2, "Et en cas de maladie ?", "Tout est reporté.")
            + '<p>Voir aussi Lucca.</p></body></html>')
    parsed = parse_html(page)
    assert [(s.heading, s.parents, [line.text for line in s.lines]) for s in parsed.sections] == [
        ("Puis-je reporter mes congés ?", ("Congés",), ["Cinq jours au plus."]),
        ("Et en cas de maladie ?", ("Congés",), ["Tout est reporté."]),
        ("Congés", (), ["Voir aussi Lucca."])]


def test_a_line_of_a_megabyte_of_link_or_code_markup_never_closed_is_read_in_linear_time():
    """Review of a55ceae: the link pattern's parts took `[`, so that each `[[` (or `[a](<`) scanned the rest of the
    line (a line of 10,000 `[[` took 10 s, time quadratic in its length), and the code span pattern `(`+).*?\\1`
    took hours on a line of backticks. A Markdown file may hold a line of megabytes: each reads in 0.1 s to 0.6 s of
    this thread's CPU time, a clock other jobs do not move (the wall clock read 3.2 s for one on a loaded machine)."""
    import time

    n = 1_000_000
    for line in ("[[" * (n // 2), "![[a#" * (n // 5), "[[a|" * (n // 4), "[a](<" * (n // 5), "`" * n,
                 "`x` [a](b.md) " * (n // 14), "".join("`" * k + "x" for k in range(1, 1400))):
        started = time.thread_time()
        parse_markdown(f"# T\n\n{line}\n")
        assert time.thread_time() - started < 3.0, line[:10]


def test_a_link_to_an_anchor_never_closed_leaves_the_text_after_it_read():
    """Review of a55ceae: a line all in links to the page's anchors is a table of contents, but a `<a href="#top">`
    never closed (a hand-written page's) made every block after it such a line: the whole page was left out."""
    page = ('<html><head><title>Retours</title></head><body><p><a href="#top">Haut de page</p>'
            '<p>Les retours sont gratuits sous 30 jours.</p><p>Le remboursement suit sous 14 jours.</p></body></html>')
    assert _html(page)[1] == [(None, ["Les retours sont gratuits sous 30 jours.",
                                      "Le remboursement suit sous 14 jours."])]


def test_a_page_of_a_megabyte_of_body_tags_never_closed_is_read_in_linear_time():
    """Review of a55ceae: the pattern that tells a Google Docs export (`<body ... class="doc-content">`) scanned
    from each `<body` to the next `>`: 40 KB of `<body ` took 1.8 s, a megabyte would take a quarter of an hour.
    It now stops at the next `<`: the megabyte reads in about 0.5 s of this thread's CPU time."""
    import time

    for unit in ("<body ", ' class="a '):
        started = time.thread_time()
        parse_html("<html><body><p>" + unit * (1_000_000 // len(unit)) + "</p></body></html>")
        assert time.thread_time() - started < 5.0, unit


def test_a_product_s_metadata_table_is_read_where_confluence_s_byline_is_not():
    """Review of a55ceae: "metadata" named furniture by any class holding the word, so that a product page's
    `<div class="metadata">` (its specifications) and a `<dl class="product-metadata">` were left out, measured as
    a sidebar. Only Confluence's byline class, `page-metadata`, is furniture."""
    prose = "<p>" + "Un portable reconditionné, garanti deux ans, livré en trois jours partout en Europe. " * 8 + "</p>"
    for specs in ('<div class="metadata"><table><tr><td>Poids</td><td>1,2 kg</td></tr></table></div>',
                  '<dl class="product-metadata"><dt>Poids</dt><dd>1,2 kg</dd></dl>'):
        page = f"<html><head><title>X1</title></head><body><h1>X1</h1>{prose}{specs}</body></html>"
        assert any("1,2 kg" in line for _, lines in _html(page)[1] for line in lines), specs
    byline = '<div class="page-metadata">Créé par Claire Martin le 3 mai 2024</div>'
    page = f"<html><head><title>X1</title></head><body><h1>X1</h1>{byline}{prose}</body></html>"
    assert not any("Claire" in line for _, lines in _html(page)[1] for line in lines)


def test_an_image_a_link_holds_is_one_link_not_brackets_left_around_a_missing_image():
    """Review of audit 49's links: `[![Logo](logo.png)](page.md)` (a README's badge, a linked logo) was read as the
    pieces "[" and "](page.md)", the image cut out of the link around it. A link to the corpus holding an image shows
    nothing here, as an image does; one out of the corpus stays whole, as a link out does."""
    assert _read("# T\n\nVoir [![Logo](logo.png)](page.md) ici, ou [![a](a.png \"t\")](<b c.md>) et [lien](p.md).\n"
                 "[![Build](https://ci.example.com/b.svg)](https://ci.example.com/job)\n") == [
        "Voir ici, ou et lien.\n[![Build](https://ci.example.com/b.svg)](https://ci.example.com/job)"]


def test_a_block_all_in_one_link_to_an_anchor_is_text_when_it_reads_as_a_sentence_or_a_row():
    """Review of audit 49's tables of contents: a paragraph, footnote or table row all in links to the page's anchors
    was left out as a table of contents' entry, though it said what the page says."""
    page = ('<html><head><title>Remboursements</title></head><body><p><a href="#delais">Délais</a></p>'
            '<h2 id="delais">Délais</h2><p><a href="#r">Les remboursements sont versés sous 14 jours.</a></p>'
            '<table><tr><td><a href="#pro">Pro</a></td><td><a href="#pro">49 EUR</a></td></tr></table>'
            '<p><a href="#fn1">[1] Source : le rapport annuel de 2023.</a></p></body></html>')
    assert _html(page)[1] == [("Délais", ["Les remboursements sont versés sous 14 jours.", "Pro | 49 EUR",
                                           "[1] Source : le rapport annuel de 2023."])]


def test_a_title_from_a_file_name_keeps_a_word_written_with_a_capital_inside():
    """Review of audit 49: a title from a file name keeps its capitals since ("FAQ", not "Faq"), but its first letter
    was raised whatever the word: "iPhone-setup.md" was titled "IPhone setup"."""
    from rag.corpus.reader import _title_from_name

    assert [_title_from_name(name) for name in ("iPhone-setup.md", "eBay_vendeurs.md", "README.md", "faq_retours.md",
                                                "guides/_index.md")] == [
        "iPhone setup", "eBay vendeurs", "README", "Faq retours", "Guides"]


def test_an_escaped_bracket_opens_no_link():
    """Review of audit 49: `\\[text\\](page.md)`, written so that Markdown shows the brackets, was read as a link: the
    pieces "Not a link: \\" and "text\\"."""
    assert _read("# T\n\nNot a link: \\[text\\](page.md), but [this](p.md) is.\n") == [
        "Not a link: \\[text\\](page.md), but this is."]
