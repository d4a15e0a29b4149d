"""A Word document's charts (`rag.corpus.formats.docx_charts`): a report's chart gave no text, its title, series
and figures living in a part of their own (word/charts/chart1.xml)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from rag.corpus.formats.docx import parse_docx
from tests.helpers.odt import zipped

_CHART_NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"')
CHART = (f"<c:chartSpace {_CHART_NS}><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Litiges par transporteur</a:t>"
         "</a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:barChart>" + "".join(
             f"<c:ser><c:tx><c:v>{year}</c:v></c:tx><c:cat><c:strLit><c:pt idx=\"0\"><c:v>Colissimo</c:v></c:pt>"
             f"<c:pt idx=\"1\"><c:v>Chronopost</c:v></c:pt></c:strLit></c:cat><c:val><c:numLit><c:formatCode>General"
             f"</c:formatCode><c:pt idx=\"0\"><c:v>{first}</c:v></c:pt><c:pt idx=\"1\"><c:v>{second}</c:v></c:pt>"
             "</c:numLit></c:val></c:ser>" for year, first, second in (("2024", 42, 12), ("2025", 35, 9)))
         + "</c:barChart></c:plotArea></c:chart></c:chartSpace>")
_FRAME = ('<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
          'wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
          '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://'
          'schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/'
          'officeDocument/2006/relationships" r:id="rIdChart1"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
          '</w:r></w:p>')


def _report(frames: int = 1, chart: str = CHART, frame: str = _FRAME) -> bytes:
    """A report: a heading, a paragraph, then `frames` times `frame` (a paragraph showing the chart part), then a
    paragraph."""
    document = docx.Document()
    document.add_heading("Bilan des litiges", 1)
    document.add_paragraph("Les litiges ont baissé en 2025.")
    document.add_paragraph("MARK")
    document.add_paragraph("Voir la procédure de réclamation.")
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        parts: dict[str, str | bytes] = {info.filename: archive.read(info) for info in archive.infolist()}
    body = str(parts["word/document.xml"], "utf-8")
    marked = body.index("MARK")
    start, end = body.rindex("<w:p>", 0, marked), body.index("</w:p>", marked) + len("</w:p>")
    parts["word/document.xml"] = body[:start] + frame * frames + body[end:]
    parts["word/charts/chart1.xml"] = chart
    parts["word/_rels/document.xml.rels"] = str(parts["word/_rels/document.xml.rels"], "utf-8").replace(
        "</Relationships>", '<Relationship Id="rIdChart1" Type="http://schemas.openxmlformats.org/officeDocument/'
                            '2006/relationships/chart" Target="charts/chart1.xml"/></Relationships>')
    parts["[Content_Types].xml"] = str(parts["[Content_Types].xml"], "utf-8").replace(
        "</Types>", '<Override PartName="/word/charts/chart1.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.drawingml.chart+xml"/></Types>')
    return zipped(parts, zipfile.ZIP_DEFLATED)


def _lines(data: bytes) -> list[tuple[str | None, list[str]]]:
    return [(s.heading, [line.text for line in s.lines]) for s in parse_docx(data).sections]


def test_a_chart_s_title_series_and_values_follow_the_paragraph_showing_it():
    assert _lines(_report()) == [("Bilan des litiges", [
        "Les litiges ont baissé en 2025.", "Litiges par transporteur", "2024", "2025",
        "Colissimo | 2024: 42 | 2025: 35", "Chronopost | 2024: 12 | 2025: 9", "Voir la procédure de réclamation."])]


def test_a_chart_part_shown_many_times_is_read_once_a_damaged_one_left_out_one_declaring_entities_refused():
    lines = _lines(_report(frames=5000))[0][1]
    assert lines.count("Colissimo | 2024: 42 | 2025: 35") == 1
    assert _lines(_report(chart=CHART[:-5])) == [("Bilan des litiges", [
        "Les litiges ont baissé en 2025.", "Voir la procédure de réclamation."])]  # the text as before charts were
    with pytest.raises(ValueError, match="DOCTYPE with declarations"):
        parse_docx(_report(chart='<!DOCTYPE c [<!ENTITY a "aaaa">]>' + CHART))


def test_a_chart_in_a_table_s_cell_follows_the_table_one_deleted_or_in_a_text_box_is_not_read():
    run = _FRAME.removeprefix("<w:p>").removesuffix("</w:p>")
    cell = (f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Figure 1</w:t></w:r></w:p></w:tc><w:tc>{_FRAME}</w:tc></w:tr>"
            "</w:tbl>")
    assert _lines(_report(frame=cell))[0][1][1:4] == ["Figure 1", "Litiges par transporteur", "2024"]
    deleted = f'<w:p><w:del w:id="1" w:author="A" w:date="2025-01-01T00:00:00Z">{run}</w:del></w:p>'
    boxed = (f'<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>{_FRAME}'
             "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>")
    for frame in (deleted, boxed):
        assert _lines(_report(frame=frame)) == [("Bilan des litiges", [
            "Les litiges ont baissé en 2025.", "Voir la procédure de réclamation."])]
