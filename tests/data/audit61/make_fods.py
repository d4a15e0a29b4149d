"""Writes sources/annuaire.fods (LibreOffice Calc's flat file) from the two CSV sources, one sheet each, with the
prices in euros and the discounts in percent as number formats (what `make.sh` then saves as an Excel 97 .xls).

    python tests/data/audit61/make_fods.py
"""

import csv
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent / "sources"
NS = {"office": "office:1.0", "table": "table:1.0", "text": "text:1.0", "style": "style:1.0", "number": "datastyle:1.0",
      "fo": "xsl-fo-compatible:1.0"}
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document '
        + " ".join(f'xmlns:{name}="urn:oasis:names:tc:opendocument:xmlns:{urn}"' for name, urn in NS.items())
        + ' office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">\n'
        '<office:meta><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">Annuaire et tarifs du siège</dc:title>'
        "</office:meta>\n<office:automatic-styles>\n"
        '<number:currency-style style:name="N1"><number:number number:decimal-places="0" '
        'number:min-integer-digits="1"/><number:text> </number:text><number:currency-symbol number:language="fr" '
        'number:country="FR">€</number:currency-symbol></number:currency-style>\n'
        '<number:percentage-style style:name="N2"><number:number number:decimal-places="0" '
        'number:min-integer-digits="1"/><number:text> %</number:text></number:percentage-style>\n'
        '<style:style style:name="euro" style:family="table-cell" style:data-style-name="N1"/>\n'
        '<style:style style:name="pct" style:family="table-cell" style:data-style-name="N2"/>\n'
        "</office:automatic-styles>\n<office:body><office:spreadsheet>\n")


def cell(value: str) -> str:
    if value.endswith("%"):
        number = float(value[:-1]) / 100
        return (f'<table:table-cell table:style-name="pct" office:value-type="percentage" office:value="{number}">'
                f"<text:p>{value[:-1]} %</text:p></table:table-cell>")
    if value.isdigit():
        return (f'<table:table-cell table:style-name="euro" office:value-type="currency" office:currency="EUR" '
                f'office:value="{value}"><text:p>{value} €</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def sheet(name: str, path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    body = "".join("<table:table-row>" + "".join(cell(value) for value in row) + "</table:table-row>"
                   for row in rows)
    return f'<table:table table:name="{escape(name)}">{body}</table:table>'


(HERE / "annuaire.fods").write_text(
    HEAD + sheet("Annuaire des services", HERE / "annuaire_support.csv")
    + sheet("Tarifs transport", HERE / "tarifs_transport.csv")
    + "</office:spreadsheet></office:body></office:document>\n", encoding="utf-8")
