"""Help pages printed to PDF from a browser (audit 60, `tests/data/audit60`): the browser's running lines (the date,
the page's title, its URL, "2/3") and what the site fixes on screen (a sticky menu, a cookie banner, a chat button),
printed over every page, are no text of the page."""

from __future__ import annotations

from pathlib import Path

from rag.corpus.reader import read_document
from tests.helpers.pdfs import HEIGHT, Placed, make_pdf, wrap

BODY = ("Vous devez restituer la box et le décodeur TV dans les 30 jours qui suivent la date d'effet de la "
        "résiliation, avec leurs câbles et la télécommande. Conservez la preuve de dépôt jusqu'au remboursement. ")
BANNER = ("Néotel et ses partenaires utilisent des cookies pour mesurer l'audience du site, personnaliser les contenus "
          "et vous proposer des offres adaptées, que vous pouvez accepter, refuser ou paramétrer à tout moment.")
TITLE_AND_URL = "Résilier votre box Internet | Assistance Néotel https://assistance.neotel.fr/box-internet/resilier-ma-box"


def _page(n: int, total: int, paragraphs: list[str], fixed: float = 9) -> list[Placed]:
    """A page as a browser prints it: the site's text in 11 pt, then what the site fixes on screen (a menu at the top,
    a cookie banner of two long lines and its buttons at the bottom) in `fixed` pt, then the browser's running lines
    in 8 pt (Firefox: the title and the URL at the top, "n sur N" and the date and time at the bottom), all drawn after
    the page's text."""
    placed: list[Placed] = []
    y = HEIGHT - 80
    for paragraph in paragraphs:
        for line in wrap(paragraph, 420, 11):
            placed.append((84, y, line, 11))
            y -= 14
        y -= 6
    placed.append((84, HEIGHT - 50, "Néotel   Offres   Box Internet   Mobile   Espace client", fixed, True))
    placed += [(84, 60 - 11 * k, line, fixed) for k, line in enumerate(wrap(BANNER, 420, fixed))]
    placed += [(84, 38, "Tout accepter   Tout refuser   Paramétrer mes choix", fixed),
               (36, HEIGHT - 22, TITLE_AND_URL, 8), (36, 18, f"{n} sur {total}", 8), (480, 18, "07/12/2026 10:32", 8)]
    return placed


def _text(path: Path) -> str:
    doc = read_document(path.parent, path)
    return "\n".join(line.text for section in doc.sections for line in section.lines)


def test_blocks_in_small_type_at_the_same_edge_of_every_page_are_left_out(tmp_path):
    """A cookie banner of long lines, a menu and the browser's title-and-URL line stood in the passages, glued to the
    text of each page's foot ("... restituer la box ... Néotel et ses partenaires utilisent des cookies ..."): longer
    than a running line may be (80 characters), or deeper than four lines from the page's edge."""
    pages = [_page(n, 2, [f"Paragraphe {n}. " + BODY * 2, BODY]) for n in (1, 2)]
    kept = _text(make_pdf(tmp_path / "resilier.pdf", pages))
    assert kept.count("Vous devez restituer") == 6  # the body's own sentences, repeated on both pages, stay
    for furniture in ("cookies", "Tout accepter", "Espace client", "https://", "sur 2"):
        assert furniture not in kept


def test_a_block_repeated_on_every_page_in_the_body_s_size_stays(tmp_path):
    """The same lines at the foot of every page in the text's own size are the text's (a notice repeated under each
    part of a document): only smaller type marks what a browser prints over the page."""
    pages = [_page(n, 2, [f"Partie {n}. " + BODY], fixed=11) for n in (1, 2)]
    kept = " ".join(_text(make_pdf(tmp_path / "notice.pdf", pages)).split())
    assert kept.count("utilisent des cookies pour mesurer") == 2 and "https://" not in kept


def _chrome(url: str, small_print: list[str]) -> list[list[Placed]]:
    """Two pages as Chrome prints a help page, its running lines first (the date and the title at the top, `url` and
    "n/2" at the bottom, in 8 pt; no running line without `url`): the site's menu and breadcrumb in 9 pt, the
    article's title in 18 pt bold, its text in 11 pt, then `small_print` in 9 pt (the site's footer)."""
    pages: list[list[Placed]] = []
    for n in (1, 2):
        placed: list[Placed] = [(28, HEIGHT - 20, "07/12/2026 10:32", 8), (240, HEIGHT - 20, "Résilier votre box", 8),
                                (28, 16, url, 8), (550, 16, f"{n}/2", 8)] if url else []
        y = HEIGHT - 80
        if n == 1:
            placed += [(84, y, "Offres   Box Internet   Mobile   Assistance", 9),
                       (84, y - 14, "Accueil › Assistance › Résilier ma box", 9),
                       (84, y - 40, "Résilier ma box", 18, True)]
            y -= 62
        for line in wrap(f"Partie {n}. " + BODY * 3, 420, 11):
            placed.append((84, y, line, 11))
            y -= 14
        placed += [(84, y - 14 * (k + 1), line, 9) for k, line in enumerate(small_print if n == 2 else [])]
        pages.append(placed)
    return pages


def test_a_printed_site_s_menu_and_footer_in_small_type_are_left_out_other_pdfs_keep_their_small_print(tmp_path):
    """A site's menu and breadcrumb over the article's title, its "was this helpful" line and footer links under its
    text, printed by a browser in smaller type, were indexed with the article: "Articles liés : Obtenir mon RIO"
    answered "comment j'obtiens mon RIO ?" before the article did. A PDF whose running lines hold no URL is no printed
    web page, and keeps its small print (a guide's notice at its end)."""
    footer = ["Cet article vous a-t-il été utile ?   Oui   Non",
              "Articles liés : Obtenir mon RIO · Restituer mon matériel",
              "Nous contacter   Plan du site   Mentions légales   © Néotel 2025"]
    printed = read_document(tmp_path, make_pdf(tmp_path / "page.pdf", _chrome("https://neotel.fr/resilier", footer)))
    kept = "\n".join(line.text for section in printed.sections for line in section.lines)
    assert [section.heading for section in printed.sections] == ["Résilier ma box"]
    assert kept.startswith("Partie 1.") and kept.endswith("jusqu'au remboursement.")
    guide = read_document(tmp_path, make_pdf(tmp_path / "guide.pdf", _chrome("", footer)))
    kept = "\n".join(line.text for section in guide.sections for line in section.lines)
    assert "Offres   Box Internet" in kept or "Offres Box Internet" in kept
    assert "© Néotel 2025" in kept


def test_a_printed_page_without_a_title_is_named_by_the_title_its_browser_printed(tmp_path):
    """A print that declares no /Title and has no heading was named after its file ("T"); Chrome prints the page's
    title beside the date in its header, Firefox beside the URL: that title names it, the date, time, URL and page
    count aside. A PDF whose running lines hold no URL is no printed page: its header names nothing so."""
    lines = [(84, HEIGHT - 80 - 14 * k, line, 11) for k, line in enumerate(wrap(BODY * 3, 420, 11))]
    chrome = [[(28, HEIGHT - 20, "07/12/2026 10:32", 8), (240, HEIGHT - 20, "Résilier votre box | Néotel", 8),
               (28, 16, "https://neotel.fr/resilier", 8), (550, 16, f"{n}/2", 8), *lines] for n in (1, 2)]
    firefox = [[*lines, (36, HEIGHT - 22, "Résilier votre box | Néotel", 8), (400, HEIGHT - 22, "https://neo.fr", 8),
                (36, 18, f"{n} sur 2", 8), (480, 18, "07/12/2026 10:32", 8)] for n in (1, 2)]
    for name, pages in (("chrome", chrome), ("firefox", firefox)):
        assert read_document(tmp_path, make_pdf(tmp_path / "t.pdf", pages)).title == "Résilier votre box | Néotel", name
    letter = [[(28, HEIGHT - 20, "07/12/2026 10:32", 8), (240, HEIGHT - 20, "Compte rendu", 8), *lines] for _ in (1, 2)]
    assert read_document(tmp_path, make_pdf(tmp_path / "t.pdf", letter)).title == "T"


def test_fixed_blocks_and_site_furniture_are_found_in_time_linear_in_the_pages():
    """3,000 pages of 40 lines, each ending on the same block of six lines in small type (deeper than any running
    line), with a URL and a date and time among them: one look per line and depth, not a page against every other."""
    import time

    from rag.corpus.formats.base import Line
    from rag.corpus.formats.blocks import Font
    from rag.corpus.formats.pdf_fonts import Runs
    from rag.corpus.formats.pdf_furniture import fixed_blocks, site_furniture

    pages, text, small = 3000, Font(False, 11.0), Font(False, 8.0)
    block = [f"Bandeau fixé, ligne {k}, https://neotel.fr/resilier le 07/12/2026 10:32 " * 2 for k in range(6)]
    lines: list[Line] = []
    page_starts: list[int] = []
    fonts: list[Runs] = []
    offset = 0
    for n in range(pages):
        page_starts.append(offset)
        runs = Runs()
        at = 0
        for line, font in [(f"Page {n}, ligne {i} du texte.", text) for i in range(34)] + \
                [(line, small) for line in block]:
            lines.append(Line(line, offset + at, offset + at + len(line)))
            at += len(line) + 1
            runs.ends += [at - 1, at]
            runs.fonts += [font, None]
        fonts.append(runs)
        offset += at + 1
    started = time.thread_time()
    kept, left_out = fixed_blocks(lines, page_starts, fonts, set())
    kept = site_furniture(kept, page_starts, fonts, left_out)
    assert time.thread_time() - started < 10
    assert len(kept) == pages * 34 and not any("Bandeau" in line.text for line in kept)


NOTES = ["(1) Remise de 10 euros par mois pendant 12 mois pour toute souscription avant le 31 mars 2025.",
         "Service client : 3900 (appel gratuit), du lundi au samedi de 8 h à 20 h."]
LEGAL = ["Néotel SA au capital de 12 000 000 euros, RCS Paris 123 456 789, siège social : 12 rue de la Paix,",
         "75002 Paris. Document non contractuel, tarifs en vigueur au 1er mars 2025, sous réserve d'erreurs."]


def _brochure(tmp_path: Path, printed: str = "") -> tuple[str, str | None]:
    """A two-page price guide, no browser's print: its footer gives its site's URL and "page n sur 2" in 8 pt (its
    header `printed`, a date and time, as a browser's would); its text in 11 pt, with no heading; footnotes in 8 pt
    under the text of its last page; its publisher's legal notice in 7 pt at the foot of every page. Its text and its
    title."""
    dated: list[Placed] = [(36, HEIGHT - 20, printed, 8)] if printed else []
    pages = [[*dated, (36, 18, f"Néotel SA – https://www.neotel.fr – page {n} sur 2", 8),
              *[(84, HEIGHT - 80 - 14 * k, line, 11) for k, line in enumerate(wrap(f"Partie {n}. " + BODY, 420, 11))],
              *[(84, 200 - 12 * k, line, 8) for k, line in enumerate(NOTES if n == 2 else [])],
              *[(84, 60 - 10 * k, line, 7) for k, line in enumerate(LEGAL)]] for n in (1, 2)]
    doc = read_document(tmp_path, make_pdf(tmp_path / "tarifs.pdf", pages))
    return " ".join(" ".join(line.text for section in doc.sections for line in section.lines).split()), doc.title


def test_a_pdf_whose_footer_gives_its_site_s_url_keeps_its_small_print_after_its_text(tmp_path):
    """A brochure's footnote and a contract's general terms in small type after its last line of text were left out
    as a site's footer once a running line held a URL: a browser's print also dates its running lines to the minute."""
    kept, _ = _brochure(tmp_path)
    assert "(1) Remise de 10 euros" in kept and "Service client : 3900" in kept
    assert "(1) Remise de 10 euros" not in _brochure(tmp_path, "07/12/2026 10:32")[0]


def test_a_legal_notice_in_small_type_on_every_page_of_a_pdf_not_printed_by_a_browser_stays(tmp_path):
    """The publisher's notice repeated in 7 pt at the foot of every page ("Néotel SA au capital de ..., RCS Paris")
    was left out as what a site fixes on screen: only a browser's print has such blocks."""
    kept, _ = _brochure(tmp_path)
    assert kept.count("RCS Paris 123 456 789") == 2
    assert "RCS Paris" not in _brochure(tmp_path, "07/12/2026 10:32")[0]


def test_a_pdf_not_printed_by_a_browser_is_not_named_after_its_footer(tmp_path):
    """A PDF with no /Title and no title line whose footer holds a URL was named after what was left of its footer
    ("Néotel SA – – page # sur #"): it keeps its file's name, as a page count is never a printed title."""
    assert _brochure(tmp_path)[1] == "Tarifs"
    assert _brochure(tmp_path, "07/12/2026 10:32")[1] == "Tarifs"


ONE_PAGE = """@browser {browser}
@pdftitle {pdftitle}
@header Faire opposition | Banque Aurore
@url https://www.banque-aurore.fr/aide/opposition
@date 07/12/2026 10:47
@fixed Besoin d'aide ? Discutez avec Léa, notre assistante
@small Banque Aurore   Particuliers   Professionnels   Espace client
@small Accueil > Aide et contact > Carte bancaire
@title Faire opposition sur sa carte
En cas de perte ou de vol de votre carte, faites opposition immédiatement au 09 69 32 15 15, 24 h/24 et 7 j/7. \
Depuis l'application, ouvrez la rubrique « Cartes » puis touchez « Faire opposition » et choisissez le motif.
# Après l'opposition
Une nouvelle carte vous est envoyée sous 5 jours ouvrés à votre adresse postale, avec un nouveau numéro ; votre code \
confidentiel est consultable dans l'application. En attendant, payez avec la carte virtuelle. L'opposition est gratuite.
@small Ces réponses vous ont-elles aidé ?   Oui   Non
@small Mentions légales   Cookies   © Banque Aurore 2026
"""


def _one_page(tmp_path: Path, browser: str, pdftitle: str = "") -> tuple[str, str | None, int]:
    """A help page printed alone on one page by `browser`, laid out as audit 60's `make_pdf.py` lays its pages out:
    its text, title and number of pages."""
    from tests.data.audit60.make_pdf import build

    source = tmp_path / f"{browser}.txt"
    source.write_text(ONE_PAGE.format(browser=browser, pdftitle=pdftitle), encoding="utf-8")
    pages, title = build(source)
    doc = read_document(tmp_path, make_pdf(tmp_path / f"{browser}.pdf", pages, title=title))
    return " ".join(_text(tmp_path / f"{browser}.pdf").split()), doc.title, len(pages)


def test_a_page_printed_alone_loses_its_browser_s_running_lines_and_its_site_s_furniture(tmp_path):
    """A print of one page repeats nothing: the browser's date and URL, "1/1", the site's menu, its footer and its
    chat button stood in the text ("07/12/2026 10:47 Faire opposition ... Banque Aurore Particuliers ..."). Its
    running lines still open or end on a date with its time, an address alone and the count of one page, at its
    edges: Chrome's (drawn first) and Firefox's (drawn last) both."""
    for browser, pdftitle in (("chrome", "Faire opposition | Banque Aurore"), ("firefox", "")):
        kept, title, pages = _one_page(tmp_path, browser, pdftitle)
        assert pages == 1
        assert kept.startswith("En cas de perte") and kept.endswith("L'opposition est gratuite."), (browser, kept)
        for furniture in ("10:47", "https://", "1/1", "1 sur 1", "Particuliers", "Léa", "Mentions légales"):
            assert furniture not in kept, (browser, furniture)
        assert title in ("Faire opposition | Banque Aurore", "Faire opposition sur sa carte"), (browser, title)


def test_a_page_printed_alone_without_a_title_is_named_by_its_printed_title(tmp_path):
    """A one-page print with no /Title and no title line is named by the title its browser printed beside the URL
    (Firefox), as a print of several pages is."""
    source = tmp_path / "firefox.txt"
    source.write_text(ONE_PAGE.format(browser="firefox", pdftitle="").replace("@title", "@small"), encoding="utf-8")
    from tests.data.audit60.make_pdf import build

    pages, _ = build(source)
    assert read_document(tmp_path, make_pdf(tmp_path / "f.pdf", pages)).title == "Faire opposition | Banque Aurore"


def test_a_one_page_letter_dated_at_its_top_with_its_site_at_its_foot_stays_whole(tmp_path):
    """A one-page letter dated to the minute at its top and giving its site's address at its foot, without a page
    count of one page, is no browser's print: its lines and its small print stay."""
    lines = [(36, HEIGHT - 20, "07/12/2026 10:47", 8), (84, HEIGHT - 80, "Objet : votre opposition", 11),
             *[(84, HEIGHT - 100 - 14 * k, line, 11) for k, line in enumerate(wrap(BODY, 420, 11))],
             (84, 120, "Mentions légales : Banque Aurore SA, RCS Lyon 380 112 457", 8),
             (36, 16, "https://www.banque-aurore.fr", 8)]
    kept = " ".join(_text(make_pdf(tmp_path / "lettre.pdf", [lines])).split())
    assert "07/12/2026 10:47" in kept and "RCS Lyon" in kept and "https://www.banque-aurore.fr" in kept


def _small_lines_amid_text(tmp_path: Path, browser: str, small: list[str]) -> tuple[str, str]:
    """`small` lines in small type printed between the one-page FAQ's last answer and a line in the text's size: the
    text kept of the page `browser` printed, and of the same page with no date in its running lines (no browser's
    print: a letter)."""
    source = tmp_path / f"{browser}.txt"
    source.write_text(ONE_PAGE.format(browser=browser, pdftitle="Faire opposition").replace(
        "@small Ces réponses", "".join(f"@small {line}\n" for line in small) + "@small Ces réponses").replace(
        "@small Mentions légales", "Une question ? Appelez le 09 69 32 15 00.\n@small Mentions légales"),
        encoding="utf-8")
    from tests.data.audit60.make_pdf import build

    pages, title = build(source)
    kept = " ".join(_text(make_pdf(tmp_path / f"{browser}.pdf", pages, title=title)).split())
    letter = [[line for line in pages[0] if "10:47" not in line[2]]]  # no date: no browser's print
    return kept, _text(make_pdf(tmp_path / "lettre.pdf", letter))


def test_a_feedback_poll_between_two_lines_of_a_printed_page_s_text_is_left_out(tmp_path):
    """The site's "Ces réponses vous ont-elles aidé ? Oui Non" in small type, printed between the FAQ's last answer and
    a line in the text's size, stood in the last answer's passage: only the site's furniture before and after the
    text was left out. A note in small type there stays ("Voir aussi ... ?" is no poll), as does a PDF no browser
    printed."""
    kept, letter = _small_lines_amid_text(tmp_path, "chrome", ["Tarif en vigueur au 1er janvier : quelle carte "
                                                               "choisir ? Voir nos offres"])
    assert "Ces réponses vous ont-elles aidé" not in kept and kept.endswith("Appelez le 09 69 32 15 00."), kept
    assert "quelle carte choisir ? Voir nos offres" in kept
    assert "Ces réponses vous ont-elles aidé" in letter


def test_a_row_of_share_buttons_between_two_lines_of_a_printed_page_s_text_is_left_out(tmp_path):
    """The site's "Partager cette page Facebook LinkedIn E-mail" in small type, printed between the FAQ's last answer
    and a line in the text's size, stood in the last answer's passage (audit 60's bank page). A note in small type
    naming a network among other words stays ("Suivez-nous sur notre page Facebook"), as does a PDF no browser
    printed."""
    kept, letter = _small_lines_amid_text(tmp_path, "firefox", ["Suivez-nous sur notre page Facebook",
                                                                "Partager cette page   Facebook   LinkedIn   E-mail"])
    assert "Partager cette page" not in kept and kept.endswith("Appelez le 09 69 32 15 00."), kept
    assert "Suivez-nous sur notre page Facebook" in kept
    assert "Partager cette page" in letter
