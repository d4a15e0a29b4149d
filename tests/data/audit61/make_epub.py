"""Writes pages/livret_accueil.epub from sources/livret_accueil.html as Sigil or Calibre lay out an EPUB 2 book: one
XHTML file a chapter (the source cut before each <h1>), each with XHTML 1.1's DOCTYPE, the OPF package (Dublin Core
title and language, manifest, spine), the NCX table of contents, and a cover page of the title alone.

    python tests/data/audit61/make_epub.py
"""

import re
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
DOCTYPE = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
           '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n')
TITLE = "Livret d'accueil des nouveaux collaborateurs"


def page(title: str, body: str) -> str:
    return (DOCTYPE + '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr"><head><title>' + title
            + '</title><link href="../Styles/style.css" rel="stylesheet" type="text/css"/></head><body>\n'
            + body + "\n</body></html>\n")


source = (HERE / "sources" / "livret_accueil.html").read_text(encoding="utf-8")
body = source.split("<body>", 1)[1].split("</body>", 1)[0]
chapters = [piece for piece in re.split(r"(?=<h1)", body) if piece.strip()]
chapters = [re.sub(r'<h1 style="[^"]*">', "<h1>", chapter).strip() for chapter in chapters]
names = [re.search(r"<h1>(.*?)</h1>", chapter)[1] for chapter in chapters]
files = [("Text/cover.xhtml", page(TITLE, f'<div class="titre"><p class="titre">{TITLE}</p><p>Vernet Logistique, '
                                           "édition 2022</p></div>"))]
files += [(f"Text/chapitre{number:02}.xhtml", page(name, chapter))
          for number, (name, chapter) in enumerate(zip(names, chapters, strict=True), 1)]
manifest = "".join(f'<item id="c{number}" href="{name}" media-type="application/xhtml+xml"/>'
                   for number, (name, _) in enumerate(files))
spine = "".join(f'<itemref idref="c{number}"/>' for number in range(len(files)))
opf = ('<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="id" '
       'version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">'
       f'<dc:title>{TITLE}</dc:title><dc:language>fr</dc:language><dc:creator>Ressources humaines</dc:creator>'
       '<dc:identifier id="id">urn:uuid:6f1d7c52-9a4e-4b8e-a3f3-0c2d1e5b7a61</dc:identifier></metadata>'
       f'<manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
       f'<item id="css" href="Styles/style.css" media-type="text/css"/>{manifest}</manifest>'
       f'<spine toc="ncx">{spine}</spine></package>\n')
points = "".join(f'<navPoint id="n{number}" playOrder="{number}"><navLabel><text>{name}</text></navLabel>'
                 f'<content src="Text/chapitre{number:02}.xhtml"/></navPoint>' for number, name in enumerate(names, 1))
ncx = ('<?xml version="1.0" encoding="utf-8"?>\n<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
       '<head><meta name="dtb:uid" content="urn:uuid:6f1d7c52-9a4e-4b8e-a3f3-0c2d1e5b7a61"/></head>'
       f'<docTitle><text>{TITLE}</text></docTitle><navMap>{points}</navMap></ncx>\n')
container = ('<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             "</rootfiles></container>\n")
with zipfile.ZipFile(HERE / "pages" / "livret_accueil.epub", "w") as book:
    book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
    book.writestr("META-INF/container.xml", container, compress_type=zipfile.ZIP_DEFLATED)
    book.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
    book.writestr("OEBPS/toc.ncx", ncx, compress_type=zipfile.ZIP_DEFLATED)
    book.writestr("OEBPS/Styles/style.css", "p.titre { font-size: 2em; }\n", compress_type=zipfile.ZIP_DEFLATED)
    for name, text in files:
        book.writestr(f"OEBPS/{name}", text, compress_type=zipfile.ZIP_DEFLATED)
