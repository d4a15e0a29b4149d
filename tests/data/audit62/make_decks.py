"""Writes sources/*.fodp, the three decks of sources/decks.json as LibreOffice Impress's flat files (what `make.sh`
then saves as .pptx or .odp), and sources/tarifs_commissions_2027.fods, the price list and commission grid (saved as
.xlsx). Every deck as people make one:
a title slide, an agenda, slides whose title is the topic and whose body is bullets at two levels, a table, a
picture under a title alone, speaker notes, a footer and the slide's number on each slide, "Questions ?" to close.

    python3 tests/data/audit62/make_decks.py
"""

import json
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent / "sources"
NS = {"office": "office:1.0", "style": "style:1.0", "text": "text:1.0", "table": "table:1.0", "draw": "drawing:1.0",
      "fo": "xsl-fo-compatible:1.0", "svg": "svg-compatible:1.0", "presentation": "presentation:1.0",
      "number": "datastyle:1.0"}
# the slide's photo: a grey PNG of 16 by 9 pixels
PHOTO = "iVBORw0KGgoAAAANSUhEUgAAABAAAAAJCAAAAAAeQfPuAAAAD0lEQVR4nGNoQAMMg0QAAIXUSAEMc2GTAAAAAElFTkSuQmCC"
XMLNS = (" ".join(f'xmlns:{name}="urn:oasis:names:tc:opendocument:xmlns:{urn}"' for name, urn in NS.items())
         + ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink"')


def frame(kind: str, inner: str, y: float = 0.6, height: float = 2.5) -> str:
    return (f'<draw:frame presentation:style-name="pr1" presentation:class="{kind}" svg:x="1.4cm" svg:y="{y}cm" '
            f'svg:width="25.2cm" svg:height="{height}cm"><draw:text-box>{inner}</draw:text-box></draw:frame>')


def paragraphs(*lines: str) -> str:
    return "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)


def bullets(items: list) -> str:
    """A list of bullets; an item followed by a list holds that list as its sub-bullets."""
    out = []
    for item in items:
        if isinstance(item, list):
            out[-1] = out[-1].replace("</text:list-item>", bullets(item) + "</text:list-item>")
        else:
            out.append(f"<text:list-item><text:p>{escape(item)}</text:p></text:list-item>")
    return "<text:list>" + "".join(out) + "</text:list>"


def table(rows: list[tuple[str, ...]]) -> str:
    body = "".join("<table:table-row>" + "".join(f"<table:table-cell><text:p>{escape(value)}</text:p>"
                                                 "</table:table-cell>" for value in row) + "</table:table-row>"
                   for row in rows)
    return ('<draw:frame draw:style-name="gr1" svg:x="1.4cm" svg:y="4cm" svg:width="25.2cm" svg:height="8cm">'
            f'<table:table><table:table-column table:number-columns-repeated="{len(rows[0])}"/>{body}</table:table>'
            "</draw:frame>")


def picture() -> str:
    return ('<draw:frame draw:style-name="gr1" svg:x="4cm" svg:y="3.5cm" svg:width="20cm" svg:height="11.25cm">'
            f"<draw:image><office:binary-data>{PHOTO}</office:binary-data></draw:image></draw:frame>")


def slide(n: int, title: str, body: str = "", notes: str = "", layout: str = "AL1T1") -> str:
    """One slide: its title, its body (shapes' XML), its speaker notes."""
    note = (f'<presentation:notes draw:style-name="dp1"><draw:page-thumbnail svg:x="2cm" svg:y="2cm" '
            f'svg:width="16cm" svg:height="9cm" draw:page-number="{n}" presentation:class="page"/>'
            + frame("notes", paragraphs(*notes.split("\n")), 12, 10) + "</presentation:notes>") if notes else ""
    return (f'<draw:page draw:name="page{n}" draw:style-name="dp1" draw:master-page-name="Standard" '
            f'presentation:presentation-page-layout-name="{layout}" presentation:use-footer-name="ftr1">'
            + frame("title", paragraphs(title)) + body + note + "</draw:page>")


def deck(title: str, footer: str, slides: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document {XMLNS} office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.presentation">\n'
            f"<office:meta><dc:title>{escape(title)}</dc:title><dc:language>fr-FR</dc:language></office:meta>\n"
            '<office:styles><style:default-style style:family="graphic"><style:text-properties fo:language="fr" '
            'fo:country="FR"/></style:default-style></office:styles>\n<office:automatic-styles>'
            '<style:page-layout style:name="PM1"><style:page-layout-properties fo:page-width="28cm" '
            'fo:page-height="15.75cm" style:print-orientation="landscape"/></style:page-layout>'
            '<style:style style:name="dp1" style:family="drawing-page"><style:drawing-page-properties '
            'presentation:display-footer="true" presentation:display-page-number="true"/></style:style>'
            '<style:style style:name="pr1" style:family="presentation"><style:text-properties fo:language="fr" '
            'fo:country="FR"/></style:style><style:style style:name="gr1" style:family="graphic">'
            '<style:text-properties fo:language="fr" fo:country="FR"/></style:style>'
            "</office:automatic-styles>\n<office:master-styles>"
            '<style:master-page style:name="Standard" style:page-layout-name="PM1">'
            '<draw:frame presentation:class="footer" svg:x="9.5cm" svg:y="14.4cm" svg:width="9cm" '
            'svg:height="1cm"><draw:text-box><text:p><presentation:footer/></text:p></draw:text-box></draw:frame>'
            '<draw:frame presentation:class="page-number" svg:x="20cm" svg:y="14.4cm" svg:width="6.5cm" '
            'svg:height="1cm"><draw:text-box><text:p><text:page-number>&lt;number&gt;</text:page-number></text:p>'
            "</draw:text-box></draw:frame></style:master-page></office:master-styles>\n"
            f'<office:body><office:presentation><presentation:footer-decl presentation:name="ftr1">'
            f"{escape(footer)}</presentation:footer-decl>\n" + "\n".join(slides)
            + "\n</office:presentation></office:body></office:document>\n")


def cover(title: str, subtitle: str) -> str:
    return ('<draw:page draw:name="page1" draw:style-name="dp1" draw:master-page-name="Standard" '
            'presentation:presentation-page-layout-name="AL1T0">'
            + frame("title", paragraphs(title), 4, 3) + frame("subtitle", paragraphs(subtitle), 8, 3) + "</draw:page>")


def outline(items: list) -> str:
    return frame("outline", bullets(items), 3.6, 10)


def page(n: int, content: dict) -> str:
    """Slide `n` from its entry in decks.json: its title, then its bullets, table, picture or subtitle, its notes."""
    if n == 1:
        return cover(content["title"], content["subtitle"])
    body = (outline(content["bullets"]) if "bullets" in content else table(content["table"]) if "table" in content
            else picture() if "picture" in content
            else frame("subtitle", paragraphs(content["subtitle"]), 8, 2) if "subtitle" in content else "")
    return slide(n, content["title"], body, content.get("notes", ""), "AL1T1" if "bullets" in content else "AL1T19")


def cell(value: str, across: int = 1, down: int = 1) -> str:
    span = (f' table:number-columns-spanned="{across}"' if across > 1 else "") + (
        f' table:number-rows-spanned="{down}"' if down > 1 else "")
    covered = "<table:covered-table-cell/>" * (across - 1)
    if value.endswith(" €") and value[:-2].replace(" ", "").isdigit():
        number = value[:-2].replace(" ", "")
        return (f'<table:table-cell table:style-name="euro" office:value-type="currency" office:currency="EUR" '
                f'office:value="{number}"{span}><text:p>{value}</text:p></table:table-cell>{covered}')
    if value.endswith(" %"):
        number = float(value[:-2]) / 100
        return (f'<table:table-cell table:style-name="pct" office:value-type="percentage" office:value="{number}"'
                f"{span}><text:p>{value}</text:p></table:table-cell>{covered}")
    if not value:
        return "<table:table-cell/>"
    return (f'<table:table-cell office:value-type="string"{span}><text:p>{escape(value)}</text:p>'
            f"</table:table-cell>{covered}")


def row(*cells: str) -> str:
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def sheet(name: str, rows: list[str]) -> str:
    return f'<table:table table:name="{escape(name)}">' + "".join(rows) + "</table:table>"


COVERED = "<table:covered-table-cell/>"
PRICES = sheet("Tarifs 2027", [
    row(cell("Grille tarifaire 2027 — prix hors taxes", 5)),
    row(cell("Modèle", 1, 2), cell("Prix d'achat HT", 1, 2), cell("Location mensuelle HT", 2),
        cell("Contrat Sérénité par an", 1, 2)),
    row(COVERED, COVERED, cell("36 mois"), cell("60 mois"), COVERED),
    *(row(*(cell(value) for value in line)) for line in (
        ("Solo Compact", "1 290 €", "49 €", "35 €", "180 €"), ("Solo", "1 890 €", "69 €", "49 €", "220 €"),
        ("Duo S", "2 490 €", "89 €", "65 €", "260 €"), ("Duo M", "3 690 €", "129 €", "95 €", "340 €"),
        ("Duo XL", "5 900 €", "199 €", "149 €", "480 €"))),
    row(cell("Sérénité Plus : contrat Sérénité majoré de 60 %, livraison et installation offertes", 5)),
])
COMMISSIONS = sheet("Commissions", [
    row(cell("Grille de commissions des commerciaux 2027", 4)),
    row(cell("Type de vente", 1, 2), cell("Taux de commission", 2), cell("Prime", 1, 2)),
    row(COVERED, cell("Nouveau client"), cell("Client existant"), COVERED),
    *(row(*(cell(value) for value in line)) for line in (
        ("Vente de machine", "8 %", "5 %", ""), ("Location sur 36 mois", "6 %", "4 %", ""),
        ("Location sur 60 mois", "7 %", "4 %", ""), ("Contrat Sérénité", "10 %", "3 %", ""),
        ("Objectif trimestriel atteint", "", "", "1 500 €"))),
    row(cell("Commission versée sur la paie du mois qui suit la livraison", 4)),
])
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document {XMLNS} office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">\n'
            "<office:meta><dc:title>Tarifs et commissions 2027</dc:title></office:meta>\n<office:automatic-styles>"
            '<number:currency-style style:name="N1"><number:number number:decimal-places="0" '
            'number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text>'
            '<number:currency-symbol number:language="fr" number:country="FR">€</number:currency-symbol>'
            '</number:currency-style><number:percentage-style style:name="N2"><number:number '
            'number:decimal-places="0" number:min-integer-digits="1"/><number:text> %</number:text>'
            '</number:percentage-style>'
            '<style:style style:name="euro" style:family="table-cell" style:data-style-name="N1"/>'
            '<style:style style:name="pct" style:family="table-cell" style:data-style-name="N2"/>'
            "</office:automatic-styles>\n<office:body><office:spreadsheet>\n" + PRICES + "\n" + COMMISSIONS
            + "\n</office:spreadsheet></office:body></office:document>\n")

DECKS = json.loads((HERE / "decks.json").read_text(encoding="utf-8"))
for name, content in DECKS.items():
    slides = [page(n, entry) for n, entry in enumerate(content["slides"], 1)]
    (HERE / f"{name}.fodp").write_text(deck(content["title"], content["footer"], slides), encoding="utf-8")
(HERE / "tarifs_commissions_2027.fods").write_text(WORKBOOK, encoding="utf-8")
