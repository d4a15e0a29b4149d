"""Writes the flat OpenDocument files the tests read (tests/unit/test_flat.py) and their zipped twins, each pair saved
by LibreOffice from one source: `soffice --convert-to odt` and `--convert-to fodt` (odp and fodp for a presentation),
so that a flat file must read exactly as the zipped file LibreOffice would have saved. The sources are the project's
own: the audit 56 travel policy (tests/data/audit56), and texts and a deck written with the tests' helpers
(tests/helpers/odt.py, tests/unit/test_odp.py, tests/unit/test_opendocument_charts.py) with a chart, a picture and
tracked changes added. Not run by the tests (the files are committed); run it from the repository's root with
LibreOffice installed:

    PYTHONPATH=$PWD .venv/bin/python tests/data/flat/make_flat.py
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from tests.helpers.odt import GUIDE_AUTOMATIC, GUIDE_BODY, odt
from tests.unit.test_odp import DECK, frame, page
from tests.unit.test_opendocument_charts import CHART, FRAME

HERE = Path(__file__).parent
POLICY = HERE.parents[0] / "audit56" / "docs" / "Politique voyages et notes de frais.odt"


def _png(width: int, height: int) -> bytes:
    """A grey PNG picture of `width` by `height` pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([(x * 7 + y * 3) % 256 for x in range(width)]) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _packaged(data: bytes, parts: dict[str, bytes | str] | None = None) -> bytes:
    """`data`, a zipped OpenDocument file, with `parts` added, its manifest naming every part (LibreOffice refuses a
    package holding a part its manifest does not name)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    every = {name: source.read(name) for name in source.namelist()} | (parts or {})
    mimetype = source.read("mimetype")
    kinds = {".png": "image/png", ".xml": "text/xml"}
    entries = [f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype.decode()}"/>']
    for name in every:
        if name not in ("mimetype", "META-INF/manifest.xml"):
            entries.append(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type='
                           f'"{kinds[name[name.rindex("."):]]}"/>')
    entries += [f'<manifest:file-entry manifest:full-path="{folder}/" manifest:media-type='
                '"application/vnd.oasis.opendocument.chart"/>'
                for folder in sorted({name.rpartition("/")[0] for name in every if name.startswith("Object")})]
    every["META-INF/manifest.xml"] = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                                      '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                                      + "".join(entries) + "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in every.items():
            archive.writestr(name, content, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return out.getvalue()


PICTURE = ('<draw:frame draw:name="Logo" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm">'
           '<draw:image xlink:href="Pictures/logo.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
           "</draw:frame>")
# The guide with a chart after its introduction and a picture in its heading's section
GUIDE = GUIDE_BODY.replace(
    "de la collectivité.</text:p>", f"de la collectivité.</text:p><text:p>Les litiges de l'année :{FRAME}</text:p>"
).replace("par année civile.</text:p>", f"par année civile.</text:p><text:p>{PICTURE}Le logo de la mairie.</text:p>")
# A procedure under review, its changes tracked: a word deleted and another inserted, a deletion across a paragraph's
# end, a paragraph deleted whole
_INFO = ("<office:change-info><dc:creator>Relecteur</dc:creator><dc:date>2025-01-15T10:00:00</dc:date>"
         "</office:change-info>")
CHANGES = (
    '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>' + _INFO +
    '<text:p>sept</text:p></text:deletion></text:changed-region><text:changed-region text:id="ct2"><text:insertion>'
    + _INFO + '</text:insertion></text:changed-region><text:changed-region text:id="ct3"><text:deletion>' + _INFO +
    "<text:p>par courrier.</text:p><text:p>La demande est ensuite</text:p></text:deletion></text:changed-region>"
    '<text:changed-region text:id="ct4"><text:deletion>' + _INFO + "<text:p>Le formulaire papier C-3 reste "
    "accepté.</text:p><text:p/></text:deletion></text:changed-region></text:tracked-changes>"
    '<text:h text:style-name="Heading_20_1" text:outline-level="1">Demander un congé</text:h>'
    '<text:p>Un agent pose sa demande <text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>'
    'quatorze<text:change-end text:change-id="ct2"/> jours avant son départ.</text:p>'
    '<text:p>Il l\'adresse à son responsable <text:change text:change-id="ct3"/> validée dans le logiciel.</text:p>'
    '<text:p>Le responsable répond sous huit jours.</text:p><text:change text:change-id="ct4"/>'
    "<text:p>Sans réponse, la demande est acceptée.</text:p>")
# A note of a service with no heading: its sections are opened by bold lines, larger for the first
BOLD = ('<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Standard">'
        '<style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>'
        '<style:style style:name="P3" style:family="paragraph" style:parent-style-name="Standard">'
        '<style:text-properties fo:font-weight="bold"/></style:style>')
NOTE = ('<text:p text:style-name="P2">Note de service</text:p>'
        "<text:p>Les bureaux ferment à 18 heures pendant l'été.</text:p>"
        '<text:p text:style-name="P3">Accueil du public</text:p>'
        "<text:p>L'accueil reste ouvert le matin, de 9 heures à midi.</text:p>"
        '<text:list text:style-name="Numbering_20_123"><text:list-item><text:p>Sonner à l\'entrée ;</text:p>'
        '<text:list><text:list-item><text:p>attendre l\'agent.</text:p></text:list-item></text:list></text:list-item>'
        "<text:list-item><text:p>Présenter une pièce d'identité.</text:p></text:list-item></text:list>"
        '<text:p text:style-name="P3">Courrier</text:p>'
        "<text:p>Le courrier est relevé à 11 heures.</text:p>")
# The tests' Impress deck (a cover, a hidden slide, a footer, a group, a shape, a table, a picture) with a chart's slide
_DECK = zipfile.ZipFile(io.BytesIO(DECK)).read("content.xml").decode().replace("</office:presentation>", page(
    5, frame("title", "Les litiges"), FRAME.replace('draw:style-name="fr1"', 'presentation:class="chart"'),
    frame(None, "En baisse.")) + "</office:presentation>")
SOURCES = {
    "politique.odt": POLICY.read_bytes(),
    "guide.odt": _packaged(odt(GUIDE, title="Guide des congés", automatic=GUIDE_AUTOMATIC),
                       {"Object 1/content.xml": CHART, "Pictures/logo.png": _png(64, 64)}),
    "note.odt": _packaged(odt(NOTE, automatic=BOLD)),
    "changes.odt": _packaged(odt(CHANGES, title="Procédure de congé")),
    "deck.odp": _packaged(DECK, {"content.xml": _DECK, "Object 1/content.xml": CHART,
                                 "Pictures/logo.png": _png(64, 64)}),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for name, data in SOURCES.items():
            source = folder / "source" / name
            source.parent.mkdir(exist_ok=True)
            source.write_bytes(data)
            zipped = name.rpartition(".")[2]
            for suffix in (zipped, "f" + zipped):
                out = folder / suffix
                subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                                "--convert-to", suffix, "--outdir", str(out), str(source)], check=True,
                               capture_output=True)
                shutil.copy(out / f"{source.stem}.{suffix}", HERE / f"{source.stem}.{suffix}")


if __name__ == "__main__":
    main()
