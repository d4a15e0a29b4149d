"""A shop's knowledge base as its support team keeps it (audit 52, `tests/data/audit52`): help centre articles saved
from a browser as whole pages. The chat widget's frame the browser saved beside an article (`Name_files/
saved_resource.html`, "Une question ? Discutons") was a document, first for "are your seeds organic?"; the
article's "Articles associés" and "Commentaires" were sections, a user's comment the answer to "retour d'un arrosoir
c'est gratuit ?"."""

from rag.corpus.formats.csv import parse_csv
from rag.corpus.formats.json import parse_json
from rag.corpus.reader import Document, Skipped, read_files
from rag.ingestion.report import IngestReport
from tests.unit.test_tool_exports import _html


def test_what_a_browser_saves_beside_a_page_is_refused_and_the_page_is_read(tmp_path):
    (tmp_path / "aide").mkdir()
    (tmp_path / "aide" / "Livraison.html").write_text(
        "<html><head><title>Livraison</title></head><body><h1>Livraison</h1><p>Colissimo : 5,90 €.</p></body></html>",
        encoding="utf-8")
    resources = tmp_path / "aide" / "Livraison_files"
    (resources / "frames").mkdir(parents=True)
    (resources / "saved_resource.html").write_text(
        "<html><body><button>Une question ? Discutons</button></body></html>", encoding="utf-8")
    (resources / "frames" / "ns.htm").write_text("<html><body><p>Tag manager</p></body></html>", encoding="utf-8")
    for asset in ("gtm.js", "style.css", "logo.png"):  # what the page loads: one reason with the frames
        (resources / asset).write_bytes(b"x")
    # a folder of that name beside no page, and one named "_files" alone, are read
    (tmp_path / "Archives_files").mkdir()
    (tmp_path / "Archives_files" / "notes.txt").write_text("Notes de la réunion.\n", encoding="utf-8")
    (tmp_path / "_files").mkdir()
    (tmp_path / "_files" / "a.txt").write_text("Un texte.\n", encoding="utf-8")
    (tmp_path / ".html").write_text("<p>Caché.</p>", encoding="utf-8")
    outcomes = list(read_files(tmp_path))
    assert sorted(o.source for o in outcomes if isinstance(o, Document)) == [
        "Archives_files/notes.txt", "_files/a.txt", "aide/Livraison.html"]
    skipped = {o.source: o.reason for o in outcomes if isinstance(o, Skipped)}
    assert sorted(skipped) == ["aide/Livraison_files/frames/ns.htm", "aide/Livraison_files/gtm.js",
                               "aide/Livraison_files/logo.png", "aide/Livraison_files/saved_resource.html",
                               "aide/Livraison_files/style.css"]
    assert all(reason.startswith("saved by a browser with aide/Livraison.html") for reason in skipped.values())
    # ... so the report gives the folder one line, not one "unsupported format" line a file
    report = IngestReport(index_dir="index", skipped=[Skipped(source, reason) for source, reason in skipped.items()])
    assert len(report.skipped_lines()) == 1 and report.skipped_lines()[0].startswith("skipped 5 files: saved by")


def test_a_zendesk_article_is_read_without_its_author_attachments_related_articles_comments_or_votes():
    body = "Un article ne vous convient pas ? Renvoyez-le dans son emballage, avec son bon de retour. " * 4
    page = ('<html><head><title>Retours – Centre d\'aide</title></head><body><main role="main"><div class="container">'
            '<article id="main-content" class="article"><header class="article-header"><h1 class="article-title">'
            'Retours</h1><div class="article-author"><div class="article-meta"><span>Julien</span><ul '
            'class="meta-group"><li class="meta-data"><time>il y a 6 mois</time></li><li class="meta-data">Mise à '
            'jour</li></ul></div></div><a class="article-subscribe" href="/s">Suivre</a></header>'
            '<section class="article-info"><div class="article-content"><div class="article-body">'
            f'<p>{body}Vous disposez de 30 jours.</p><h2>Remboursement</h2>'
            '<p>Nous remboursons sous 14 jours.</p></div><div class="article-attachments"><ul class="attachments"><li>'
            '<a href="/a.pdf">grille.pdf</a><div class="attachment-meta">214 Ko</div></li></ul></div></div>'
            '<div class="article-relatives"><section class="related-articles"><h2>Articles associés</h2><ul><li>'
            '<a href="/1">Garantie reprise</a></li><li><a href="/2">Livraison</a></li></ul></section></div></section>'
            '<div class="article-votes"><h2>Cet article vous a-t-il été utile ?</h2><button>Oui</button><button>Non'
            '</button><small>Utilisateurs qui ont trouvé cela utile : 97 sur 140</small></div>'
            '<div class="article-more-questions">Vous avez d\'autres questions ? <a href="/r">Envoyer une demande</a>'
            '</div><div class="article-return-to-top"><a href="#top">Retour en haut</a></div>'
            '<div class="article-comments"><section class="comments"><h2>Commentaires</h2><ul><li><p>J\'ai renvoyé un '
            'arrosoir il y a trois semaines, toujours rien.</p></li></ul><p>Veuillez vous connecter pour laisser un '
            'commentaire.</p></section></div></article></div></main></body></html>')
    assert _html(page)[1] == [("Retours", [f"{body}Vous disposez de 30 jours."]),
                              ("Remboursement", ["Nous remboursons sous 14 jours."])]
    # elsewhere, an element whose class holds those words and others is read
    other = ('<html><head><title>Blog</title></head><body><h1>Blog</h1><div class="article-comments-intro"><p>'
             'Nos lecteurs nous écrivent souvent au sujet de la garantie de deux ans.</p></div></body></html>')
    assert _html(other)[1] == [("Blog", ["Nos lecteurs nous écrivent souvent au sujet de la garantie de deux ans."])]


def test_a_zendesk_theme_s_related_articles_in_sections_are_left_out():
    """Audit 57: an older Copenhagen theme sets the lists in a `<section class="article-relatives">`, and Zendesk's
    helper writes `<section class="related-articles">`: a section is never furniture by its name, so "Related
    articles" and its links were a section of the article."""
    body = "Yearly plans can be refunded in full within 14 days of the payment, to the original card. " * 3
    page = ('<html><head><title>Refunds</title></head><body><main role="main"><article class="article"><h1>Refunds'
            f'</h1><section class="article-info"><div class="article-body"><p>{body}</p></div></section>'
            '<section class="article-relatives"><div data-recent-articles=""></div><section class="related-articles">'
            '<h2>Related articles</h2><ul><li><a href="/1">Exporting all your data</a></li></ul></section></section>'
            '</article></main></body></html>')
    assert _html(page)[1] == [("Refunds", [body.strip()])]
    alone = page.replace('<section class="article-relatives">', '<section>')
    assert _html(alone)[1] == [("Refunds", [body.strip()])]  # the helper's own section, in a theme's plain one


def test_an_intercom_article_is_read_without_its_trail_related_articles_or_reaction_picker():
    """Audit 57: Intercom's help centre (React) names its trail only for its tests (`data-testid="breadcrumbs"`), its
    related articles in a snake-case class (`related_articles`) and its "Did this answer your question?" in an
    `intercom-reaction-picker`: all three were text of the article, the trail its first section."""
    body = "Passwords must be at least 12 characters long, and we check new ones against known breaches. " * 3
    page = ('<html><head><title>Account security</title></head><body><div class="mb-6 flex" '
            'data-testid="breadcrumbs"><a href="/en/">All Collections</a><div class="mx-2"><svg></svg></div>'
            '<a href="/en/collections/1">Your account</a><div>Account security</div></div>'
            f'<div class="article"><h1>Account security</h1><h2>Passwords</h2><p>{body}</p>'
            '<section class="jsx-6272 related_articles my-6"><div class="text-xl font-bold">Related Articles</div>'
            '<section class="flex"><a href="/en/articles/2" data-testid="article-link"><span>How do I delete my '
            'account?</span></a></section></section></div><div class="intercom-reaction-picker mt-6">'
            '<div class="intercom-reaction-prompt">Did this answer your question?</div><button class="intercom-'
            'reaction" aria-label="Neutral Reaction"><span>😐</span></button></div></body></html>')
    assert _html(page)[1] == [("Passwords", [body.strip()])]
    # a test id naming content is read
    named = page.replace('data-testid="breadcrumbs"', 'data-testid="article-body"')
    assert _html(named)[1][0][1][0].startswith("All Collections")


def test_an_faq_export_s_draft_rows_are_left_out_and_counted_as_a_json_export_s_are():
    """A chatbot's FAQ export kept its unpublished entry ("Livrez-vous le dimanche ?", `statut` "brouillon"), which
    answered the off-topic question "Vous livrez le dimanche ?" as if published."""
    faq = ("intent_id;categorie;question;reponse;statut\r\n"
           "frais;Livraison;Combien coûte la livraison ?;3,90 € en point relais.;publié\r\n"
           "dimanche;Livraison;Livrez-vous le dimanche ?;Oui, à Lyon, pour 7,90 €.;Brouillon\r\n"
           "retour;Retours;Comment retourner un article ?;Depuis Mon compte.;publié\r\n")
    parsed = parse_csv(faq)
    assert [s.heading for s in parsed.sections] == ["Combien coûte la livraison ?", "Comment retourner un article ?"]
    assert parsed.changes == ["1 row left out, flagged as drafts (a status column reading draft or brouillon; not "
                              "published) (the first: row 3)"]
    # a table that is no FAQ keeps its rows, whatever its status column says
    assert len(parse_csv("document;status\r\ncontrat;brouillon\r\nfacture;envoyée\r\n").sections) == 2
    # a JSON export's state in a word of its key, in French
    records = parse_json('[{"title": "Dimanche ?", "body": "Oui.", "post_status": "draft"}, '
                         '{"title": "Samedi ?", "body": "Oui.", "statut": "brouillon"}, '
                         '{"title": "Lundi ?", "body": "Oui.", "statut": "publié"}]')
    assert [s.heading for s in records.sections] == ["Lundi ?"]
