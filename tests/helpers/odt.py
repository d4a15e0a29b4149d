"""OpenDocument texts made in the tests themselves: an .odt's bytes from a fragment of body XML, with named styles
as LibreOffice writes them and a title in meta.xml; and a small guide for a public administration's agents."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Container
from pathlib import Path

TEXT = "application/vnd.oasis.opendocument.text"
_ODF = "urn:oasis:names:tc:opendocument:xmlns"
XMLNS = " ".join(
    [f'xmlns:{prefix}="{_ODF}:{name}:1.0"' for prefix, name in (
        ("office", "office"), ("style", "style"), ("text", "text"), ("table", "table"), ("draw", "drawing"),
        ("fo", "xsl-fo-compatible"), ("meta", "meta"), ("svg", "svg-compatible"), ("form", "form"),
        ("presentation", "presentation"))]
    + ['xmlns:dc="http://purl.org/dc/elements/1.1/"', 'xmlns:xlink="http://www.w3.org/1999/xlink"'])
# The named styles of styles.xml the tests use, as LibreOffice writes them ("Heading 1" named "Heading_20_1", its
# outline level on it), and two list styles: bullets, and numbers followed by "."
STYLES = (
    '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
    '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" '
    'style:parent-style-name="Standard"/>'
    '<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"/>'
    + "".join(f'<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" style:family="paragraph" '
              f'style:parent-style-name="Heading" style:default-outline-level="{n}"/>' for n in (1, 2, 3))
    + '<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading"/>'
    '<text:list-style style:name="Bullets">'
    + "".join(f'<text:list-level-style-bullet text:level="{n}" text:bullet-char="•"/>' for n in (1, 2, 3))
    + '</text:list-style><text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">'
    + "".join(f'<text:list-level-style-number text:level="{n}" style:num-suffix="." style:num-format="1"/>'
              for n in (1, 2, 3))
    + "</text:list-style>")


def odt(body: str, *, title: str | None = None, styles: str = "", automatic: str = "", mimetype: str | None = TEXT,
        manifest: str = "", leave_out: Container[str] = (), body_element: str = "office:text",
        generator: str = "tests") -> bytes:
    """An .odt's bytes: `body` inside office:text (or `body_element`), `automatic` among content.xml's automatic
    styles, `styles` among styles.xml's after `STYLES`, `title` as meta.xml's dc:title (none if None), `manifest`
    inside the manifest's entry for content.xml (encryption data), the parts named in `leave_out` not written,
    `generator` as meta.xml's meta:generator."""
    entry = f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest}' \
            "</manifest:file-entry>"
    parts = {
        "mimetype": mimetype,
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {XMLNS} office:version="1.3">'
                       f"<office:automatic-styles>{automatic}</office:automatic-styles>"
                       f"<office:body><{body_element}>{body}</{body_element}></office:body></office:document-content>",
        "styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {XMLNS} office:version="1.3">'
                      f"<office:styles>{STYLES}{styles}</office:styles></office:document-styles>",
        "meta.xml": f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {XMLNS}><office:meta>'
                    f"<meta:generator>{generator}</meta:generator>"
                    f"{'' if title is None else f'<dc:title>{title}</dc:title>'}"
                    "</office:meta></office:document-meta>",
        "META-INF/manifest.xml": '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                                 f'"{_ODF}:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:'
                                 f'full-path="/" manifest:media-type="{mimetype}"/>{entry}</manifest:manifest>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if content is not None and name not in leave_out:  # the mimetype first and stored, as ODF wants it
                archive.writestr(name, content, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()



def zipped(parts: dict[str, str | bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip archive's bytes holding `parts`, by name, in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


SAVINGS = ("Le compte épargne-temps est alimenté chaque année par les jours de congés annuels non pris, dans la "
           "limite de dix jours, sur demande de l'agent avant le 31 décembre.")
GUIDE_BODY = (
    '<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Illustration"/>'
    "</text:sequence-decls>"
    '<text:p text:style-name="Title">Guide des congés des agents</text:p>'
    '<text:p text:style-name="Text_20_body">Ce guide présente les congés des agents de la collectivité.</text:p>'
    '<text:h text:style-name="Heading_20_1" text:outline-level="1">Congés annuels</text:h>'
    '<text:p text:style-name="P1">Chaque agent a droit à vingt-cinq jours ouvrés de congés annuels<text:note '
    'text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>'
    "Décret n° 84-972 du 26 octobre 1984.</text:p></text:note-body></text:note> par année civile.</text:p>"
    '<text:list text:style-name="Bullets"><text:list-item><text:p>deux jours de fractionnement ;</text:p>'
    "</text:list-item><text:list-item><text:p>un jour de solidarité travaillé.</text:p></text:list-item></text:list>"
    '<table:table table:name="Tableau1"><table:table-column table:number-columns-repeated="2"/>'
    "<table:table-header-rows><table:table-row><table:table-cell><text:p>Congé</text:p></table:table-cell>"
    "<table:table-cell><text:p>Jours</text:p></table:table-cell></table:table-row></table:table-header-rows>"
    "<table:table-row><table:table-cell><text:p>Annuel</text:p></table:table-cell><table:table-cell><text:p>25"
    "</text:p></table:table-cell></table:table-row></table:table>"
    '<text:h text:style-name="Heading_20_1" text:outline-level="1">Compte épargne-temps</text:h>'
    '<text:h text:style-name="Heading_20_2" text:outline-level="2">Alimentation du compte</text:h>'
    f'<text:p text:style-name="Text_20_body">{SAVINGS}</text:p>')
GUIDE_AUTOMATIC = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Text_20_body"/>'


def make_guide(path: Path, *, title: str | None = "Guide des congés") -> Path:
    """A small guide: a Title paragraph, an introduction, a Heading 1 section with a footnote, a list and a table,
    and a Heading 1 over a Heading 2 section."""
    path.write_bytes(odt(GUIDE_BODY, title=title, automatic=GUIDE_AUTOMATIC))
    return path
