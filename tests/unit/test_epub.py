"""E-books (.epub): real ones from LibreOffice (EPUB 3) and Feedbooks (EPUB 2, an XHTML DOCTYPE, an NCX), and small
ones written here for one behaviour each."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from rag.corpus.files import refusal
from rag.corpus.formats import epub
from rag.corpus.formats.base import Parsed, heading_path
from rag.corpus.formats.epub import ENCRYPTED, NO_PACKAGE, parse_epub
from rag.corpus.reader import read_document

DATA = Path(__file__).resolve().parents[1] / "data" / "epub"
XHTML = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
         '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" '
         'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title><style>p {{ color: red }}</style>'
         '<script>var x = "script";</script></head><body>{}</body></html>')
CONTAINER = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             '</rootfiles></container>')


def _book(spine: list[tuple[str, str]], files: dict[str, str], extra: str = "", guide: str = "") -> bytes:
    """An EPUB of the content documents `spine` (id, href relative to OEBPS/; `files` their bodies or other parts by
    archive path), `extra` manifest items, `guide` references."""
    nav = ' properties="nav"'
    items = "".join(f'<item id="{key}" href="{href}" media-type="application/xhtml+xml"{nav if key == "nav" else ""}/>'
                    for key, href in spine)
    refs = "".join(f'<itemref idref="{key}"/>' for key, _ in spine)
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Manuel  du four</dc:title><dc:language>fr'
           f'</dc:language></metadata><manifest>{items}{extra}</manifest><spine>{refs}</spine>'
           f'<guide>{guide}</guide></package>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/content.opf", opf)
        for name, body in files.items():
            archive.writestr(name, XHTML.format(body) if name.endswith(".xhtml") else body)
    return buffer.getvalue()


def _paths(parsed: Parsed) -> list[str | None]:
    return [heading_path(section, parsed.title or "") for section in parsed.sections]


def _texts(parsed: Parsed) -> list[str]:
    return [line.text for section in parsed.sections for line in section.lines]


def test_libreoffice_chapters_are_read_in_spine_order_under_their_titles():
    parsed = parse_epub((DATA / "libreoffice-politique-voyages.epub").read_bytes())
    assert parsed.title == "Politique voyages et notes de frais"  # dc:title
    paths = _paths(parsed)
    # LibreOffice writes its headings as <p><span class="span3">, a class its style sheet sets bold; a chapter's
    # first heading is its title (the contents say so), the bold paragraph right under it a heading too
    assert paths[1:4] == ["Avant le déplacement › Ordre de mission", "Avant le déplacement › Réservations",
                          "Transport › Train"]
    assert paths.index("Transport › Avion") < paths.index("Note de frais › Justificatifs")
    assert "Dépenses non remboursées" in paths
    assert "epub:type=\"toc\"" not in (parsed.text or "")  # the nav document is not read
    assert "Ordre de mission" not in _texts(parsed)


def test_offsets_index_the_chapters_xhtml_joined():
    parsed = parse_epub((DATA / "libreoffice-politique-voyages.epub").read_bytes())
    text = parsed.text or ""
    with zipfile.ZipFile(DATA / "libreoffice-politique-voyages.epub") as archive:
        chapters = [archive.read(f"OEBPS/sections/section000{n}.xhtml").decode() for n in range(1, 8)]
    assert text == "\n".join(chapters)
    for section in parsed.sections:
        assert section.heading_start is None or text.startswith("<p", section.heading_start)
        for line in section.lines:
            span = re.sub(r"<[^>]*>", "", text[line.start:line.end]).replace("&apos;", "'")
            assert line.text.split()[0] in span and line.text.split()[-1] in span, line


def test_an_untitled_opening_is_not_headed_by_a_generated_label():
    parsed = parse_epub((DATA / "libreoffice-support-informatique.epub").read_bytes())
    assert parsed.sections[0].heading is None  # its contents call it "Section 1", a name of no text of it
    assert _texts(parsed)[0] == "Procédure de support informatique"
    assert _paths(parsed)[1] == "Contacter le support"


def test_epub2_with_doctypes_and_an_ncx_puts_chapters_under_their_part():
    parsed = parse_epub((DATA / "feedbooks-wells-trimmed.epub").read_bytes())
    assert parsed.title == "The War of the Worlds"
    paths = _paths(parsed)
    assert "Part 1 - The Coming of the Martians › Chapter 1 The Eve of the War" in paths  # the NCX nests them
    assert "Part 1 - The Coming of the Martians › Chapter 2 The Falling Star" in paths
    assert "Food for the mind" in _texts(parsed)  # a page with an XHTML 1.1 DOCTYPE, read
    assert any(line.startswith("No one would have believed") for line in _texts(parsed))


def test_the_nav_document_and_the_guides_cover_and_contents_are_left_out():
    spine = [("cover", "cover.xhtml"), ("contents", "contents.xhtml"), ("nav", "nav.xhtml"), ("c1", "c1.xhtml")]
    files = {"OEBPS/cover.xhtml": "<p>Couverture illustrée</p>",
             "OEBPS/contents.xhtml": "<p>Sommaire détaillé</p>",
             "OEBPS/nav.xhtml": '<h1>Sommaire</h1><p>Les chapitres du manuel</p><nav epub:type="toc"><ol><li>'
                                '<a href="c1.xhtml">Mise en service</a></li></ol></nav>',
             "OEBPS/c1.xhtml": "<p>Mise en service</p><p>Branchez le four sur une prise de 16 A.</p>"}
    guide = '<reference type="cover" href="cover.xhtml"/><reference type="toc" href="contents.xhtml"/>'
    parsed = parse_epub(_book(spine, files, guide=guide))
    assert _texts(parsed) == ["Branchez le four sur une prise de 16 A."]
    assert _paths(parsed) == ["Mise en service"]  # its first line is its title in the contents: its heading
    assert parsed.title == "Manuel du four"
    assert "script" not in _texts(parsed)[0]


def test_a_nested_nav_puts_a_chapters_headings_under_its_part():
    nav = ('<nav epub:type="toc"><ol><li><span>Partie I</span><ol><li><a href="c1.xhtml#top">Nettoyage</a></li>'
           '</ol></li></ol></nav>')
    files = {"OEBPS/nav.xhtml": nav, "OEBPS/c1.xhtml": "<h1>Nettoyage</h1><h2>Pyrolyse</h2><p>Lancez-la vide.</p>"}
    parsed = parse_epub(_book([("nav", "nav.xhtml"), ("c1", "c1.xhtml")], files))
    assert _paths(parsed) == ["Partie I › Nettoyage › Pyrolyse"]


def test_a_book_in_one_file_is_not_nested_under_its_first_chapter():
    """Calibre's conversions keep a book in one XHTML file, its contents naming "#c1", "#c2": each chapter stood under
    the first ("Onboarding › Expenses")."""
    nav = ('<nav epub:type="toc"><ol><li><a href="book.xhtml#c1">Onboarding</a></li><li><a href="book.xhtml#c2">'
           'Expenses</a></li><li><a href="book.xhtml#c3">Holidays</a></li></ol></nav>')
    files = {"OEBPS/nav.xhtml": nav, "OEBPS/book.xhtml": '<h1 id="c1">Onboarding</h1><p>Badge at the desk.</p>'
             '<h1 id="c2">Expenses</h1><p>Claim within a month.</p><h1 id="c3">Holidays</h1><p>25 days.</p>'}
    parsed = parse_epub(_book([("nav", "nav.xhtml"), ("book", "book.xhtml")], files))
    assert _paths(parsed) == ["Onboarding", "Expenses", "Holidays"]


def test_a_list_of_figures_naming_a_chapter_keeps_the_chapter_under_its_part():
    nav = ('<nav epub:type="toc"><ol><li><span>Partie I</span><ol><li><a href="c1.xhtml">Nettoyage</a></li></ol></li>'
           '<li><span>Liste des figures</span><ol><li><a href="c1.xhtml#f1">Figure 1</a></li></ol></li></ol></nav>')
    files = {"OEBPS/nav.xhtml": nav, "OEBPS/c1.xhtml": "<h1>Nettoyage</h1><h2>Pyrolyse</h2><p>Lancez-la vide.</p>"}
    parsed = parse_epub(_book([("nav", "nav.xhtml"), ("c1", "c1.xhtml")], files))
    assert _paths(parsed) == ["Partie I › Nettoyage › Pyrolyse"]


def test_drm_is_refused_and_font_obfuscation_alone_is_read():
    files = {"OEBPS/c1.xhtml": "<p>Texte du chapitre.</p>"}
    encrypted = ('<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                 'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:EncryptionMethod '
                 'Algorithm="{}"/><enc:CipherData><enc:CipherReference URI="{}"/></enc:CipherData>'
                 '</enc:EncryptedData></encryption>')
    drm = {"META-INF/encryption.xml": encrypted.format("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "OEBPS/c1.xhtml"),
           "META-INF/rights.xml": "<rights/>"}
    with pytest.raises(ValueError, match=re.escape(ENCRYPTED)):
        parse_epub(_book([("c1", "c1.xhtml")], {**files, **drm}))
    font = {"META-INF/encryption.xml": encrypted.format("http://www.idpf.org/2008/embedding", "OEBPS/f.otf")}
    assert _texts(parse_epub(_book([("c1", "c1.xhtml")], {**files, **font}))) == ["Texte du chapitre."]


def test_a_spine_item_outside_the_book_is_not_followed():
    files = {"../evil.xhtml": "<p>Hors du livre</p>", "OEBPS/c1.xhtml": "<p>Dans le livre.</p>"}
    parsed = parse_epub(_book([("out", "../../evil.xhtml"), ("c1", "c1.xhtml")], files))
    assert _texts(parsed) == ["Dans le livre."]
    assert parsed.changes == ["1 spine item(s) naming a file outside the book, or none, not read"]
    assert epub.inside("OEBPS/content.opf", "../../etc/passwd") is None
    assert epub.inside("OEBPS/content.opf", "http://example.com/x.xhtml") is None
    assert epub.inside("OEBPS/content.opf", "Text/ch%201.xhtml#p2") == "OEBPS/Text/ch 1.xhtml"


def test_bounds_spine_items_and_content_bytes(monkeypatch):
    files = {f"OEBPS/c{n}.xhtml": f"<p>Chapitre numéro {n}.</p>" for n in range(3)}
    book = _book([(f"c{n}", f"c{n}.xhtml") for n in range(3)], files)
    monkeypatch.setattr(epub, "SPINE_MAX", 2)
    parsed = parse_epub(book)
    assert _texts(parsed) == ["Chapitre numéro 0.", "Chapitre numéro 1."]
    assert parsed.changes == ["only the first 2 of its 3 spine items read"]
    monkeypatch.setattr(epub, "CONTENT_MAX", 500)
    with pytest.raises(ValueError, match=re.escape("refused .epub: its chapters hold over 500 bytes")):
        parse_epub(book)


def test_damaged_books_are_refused_with_a_reason():
    with pytest.raises(ValueError, match=re.escape("damaged .epub: not a zip archive")):
        parse_epub(b"not a zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    with pytest.raises(ValueError, match=re.escape(NO_PACKAGE)):
        parse_epub(buffer.getvalue())


def test_an_epub_in_the_corpus_is_read_as_one_document(tmp_path):
    (tmp_path / "guides").mkdir()
    path = tmp_path / "guides" / "voyages.epub"
    path.write_bytes((DATA / "libreoffice-politique-voyages.epub").read_bytes())
    assert refusal(tmp_path, path) is None
    document = read_document(tmp_path, path)
    assert document.title == "Politique voyages et notes de frais"
    assert "Transport › Avion" in [section.heading for section in document.sections]


def test_style_sheets_are_read_to_a_bound_all_together(monkeypatch):
    sheets = '<item id="s1" href="a.css" media-type="text/css"/><item id="s2" href="b.css" media-type="text/css"/>'
    files = {"OEBPS/a.css": ".t1 { font-weight: bold; }", "OEBPS/b.css": ".t2 { font-weight: bold; }",
             "OEBPS/c1.xhtml": '<p>Un texte courant du chapitre.</p><p><span class="t1">Entretien</span></p>'
                               '<p>Nettoyez le joint.</p><p><span class="t2">Garantie</span></p><p>Deux ans.</p>'}
    book = _book([("c1", "c1.xhtml")], files, extra=sheets)
    assert _paths(parse_epub(book)) == [None, "Entretien", "Garantie"]  # each sheet's bold class is bold
    monkeypatch.setattr(epub, "PACKAGE_MAX", 30)  # each sheet fits, not both
    assert _paths(parse_epub(book)) == [None, "Entretien"]


def test_a_style_sheet_named_by_thousands_of_items_is_read_once(monkeypatch):
    """A manifest naming one large sheet under thousands of ids inflated it for each (a 189 KB book: minutes)."""
    files = {"OEBPS/a.css": ".t1 { font-weight: bold; }",
             "OEBPS/c1.xhtml": "<p>Un texte courant.</p><p><span class='t1'>Entretien</span></p><p>Nettoyez.</p>"}
    sheets = "".join(f'<item id="s{n}" href="a.css" media-type="text/css"/>' for n in range(3000))
    reads: list[str | None] = []
    small_part = epub.small_part
    monkeypatch.setattr(epub, "small_part", lambda archive, name: reads.append(name) or small_part(archive, name))
    assert _paths(parse_epub(_book([("c1", "c1.xhtml")], files, extra=sheets))) == [None, "Entretien"]
    assert reads.count("OEBPS/a.css") == 1


def test_a_package_document_too_large_to_read_as_a_tree_is_refused():
    padding = f"<!-- {'x' * (5 * 2**20)} -->"  # 5 MiB: a tree of some 250 MiB
    book = _book([("c1", "c1.xhtml")], {"OEBPS/c1.xhtml": "<p>Texte.</p>"}, extra=padding)
    with pytest.raises(ValueError, match=r"refused \.epub: its package document OEBPS/content\.opf holds over "
                                         r"4,194,304 bytes"):
        parse_epub(book)
