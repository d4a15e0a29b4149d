"""An OpenDocument text's or presentation's charts (`rag.corpus.formats.opendocument_charts`): a chart is an object
of its own (`Object 1/content.xml`), its title, series and figures in its local table; the document's body shows
only a frame naming it, and an .odt or .odp said nothing of it."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from rag.corpus.formats.odp import parse_odp
from rag.corpus.formats.odt import parse_odt
from rag.corpus.formats.opendocument_charts import chart_lines
from tests.helpers.odt import XMLNS, odt, zipped
from tests.helpers.timing import grows_linearly
from tests.unit.test_odp import frame, odp, page

_CHART_NS = (XMLNS + ' xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0"'
             ' xmlns:chartooo="http://openoffice.org/2010/chart"')


def _cell(text: str, value: str | None = None) -> str:
    if value is None:
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    return (f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{text}</text:p>'
            "</table:table-cell>")


def chart_object(title: str, series: list[str], rows: list[tuple[str, list[str]]], axis: str = "") -> str:
    """A chart object's content.xml as LibreOffice writes a chart of Writer or Impress: its title, a legend, a plot
    area whose x axis names the categories (column A of its local table) and a series per column (B, C, ...), its
    name in row 1, its values below; the local table with a header column and a header row."""
    last = len(rows) + 1
    columns = "BCDEFGH"
    plotted = "".join(
        f'<chart:series chart:style-name="ch{6 + n}" chart:values-cell-range-address="local-table.${columns[n]}$2:'
        f'.${columns[n]}${last}" chart:label-cell-address="local-table.${columns[n]}$1" chart:class="chart:bar">'
        f'<chart:data-point chart:repeated="{len(rows)}"/></chart:series>' for n in range(len(series)))
    header = "<table:table-cell><text:p/></table:table-cell>" + "".join(_cell(name) for name in series)
    body = "".join("<table:table-row>" + _cell(label) + "".join(_cell(v, v) for v in values) + "</table:table-row>"
                   for label, values in rows)
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_CHART_NS} office:version="1.3">'
            "<office:automatic-styles/><office:body><office:chart>"
            '<chart:chart svg:width="16cm" svg:height="9cm" xlink:href=".." xlink:type="simple" chart:class="chart:bar"'
            ' chart:style-name="ch1"><chart:title svg:x="5.5cm" svg:y="0.2cm" chart:style-name="ch2">'
            f'<text:p>{title}</text:p></chart:title><chart:legend chart:legend-position="end" svg:x="14cm" svg:y="4cm"'
            ' style:legend-expansion="high" chart:style-name="ch3"/>'
            '<chart:plot-area chart:style-name="ch4" table:cell-range-address="local-table.$A$1:'
            f'.${columns[len(series) - 1]}${last}" chart:data-source-has-labels="both" svg:x="0.3cm" svg:y="1.2cm" '
            'svg:width="13cm" svg:height="7.5cm"><chartooo:coordinate-region svg:x="1cm" svg:y="1.4cm" '
            'svg:width="12cm" svg:height="7cm"/>'
            '<chart:axis chart:dimension="x" chart:name="primary-x" chart:style-name="ch5">'
            f'<chart:categories table:cell-range-address="local-table.$A$2:.$A${last}"/></chart:axis>'
            f'<chart:axis chart:dimension="y" chart:name="primary-y" chart:style-name="ch5">{axis}'
            '<chart:grid chart:style-name="ch5" chart:class="major"/></chart:axis>'
            f'{plotted}<chart:wall chart:style-name="ch5"/><chart:floor chart:style-name="ch5"/></chart:plot-area>'
            '<table:table table:name="local-table"><table:table-header-columns><table:table-column/>'
            f'</table:table-header-columns><table:table-columns><table:table-column table:number-columns-repeated='
            f'"{len(series)}"/></table:table-columns><table:table-header-rows><table:table-row>{header}'
            f"</table:table-row></table:table-header-rows><table:table-rows>{body}</table:table-rows></table:table>"
            "</chart:chart></office:chart></office:body></office:document-content>")


CHART = chart_object("Litiges par transporteur", ["2024", "2025"],
                     [("Colissimo", ["42", "35"]), ("Chronopost", ["12", "9"])],
                     axis='<chart:title svg:x="0.2cm" svg:y="4cm" chart:style-name="ch5"><text:p>Nombre de litiges'
                          "</text:p></chart:title>")
ROWS = [("Litiges par transporteur", False), ("Nombre de litiges", False), ("2024", True), ("2025", True),
        ("Colissimo | 2024: 42 | 2025: 35", True), ("Chronopost | 2024: 12 | 2025: 9", True)]
# Writer's frame for a chart anchored to a character of its paragraph, its picture kept for other readers
FRAME = ('<draw:frame draw:style-name="fr1" draw:name="Object1" text:anchor-type="char" svg:width="16cm" '
         'svg:height="9cm" draw:z-index="0"><draw:object xlink:href="./Object 1" xlink:type="simple" '
         'xlink:show="embed" xlink:actuate="onLoad"/><draw:image xlink:href="./ObjectReplacements/Object 1" '
         'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame>')


def _with_parts(data: bytes, parts: dict[str, str | bytes]) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return zipped({**{name: archive.read(name) for name in archive.namelist()}, **parts})


def _report(*frames: str, parts: dict[str, str | bytes] | None = None) -> bytes:
    body = ("<text:h text:outline-level=\"1\">Bilan des litiges</text:h><text:p>Les litiges ont baissé.</text:p>"
            f"<text:p>{''.join(frames)}</text:p><text:p>Voir la procédure.</text:p>")
    return _with_parts(odt(body), {"Object 1/content.xml": CHART} if parts is None else parts)


def _lines(data: bytes) -> list[tuple[str, bool]]:
    return [(line.text, line.item) for section in parse_odt(data).sections for line in section.lines]


def test_a_writer_chart_s_title_series_and_values_follow_the_paragraph_showing_it():
    assert _lines(_report(FRAME)) == [("Les litiges ont baissé.", False), *ROWS, ("Voir la procédure.", False)]
    anchored = _with_parts(odt(f"<text:p>Avant.</text:p>{FRAME}<text:p>Après.</text:p>"),
                           {"Object 1/content.xml": CHART})  # a frame anchored to the page, in its place
    assert _lines(anchored) == [("Avant.", False), *ROWS, ("Après.", False)]
    celled = _with_parts(odt(f"<table:table><table:table-row><table:table-cell><text:p>Bilan{FRAME}</text:p>"
                             "</table:table-cell><table:table-cell><text:p>2025</text:p></table:table-cell>"
                             "</table:table-row></table:table><text:p>Après.</text:p>"),
                         {"Object 1/content.xml": CHART})  # in a table's cell: after the table, as Word's
    assert _lines(celled) == [("Bilan | 2025", True), *ROWS, ("Après.", False)]
    # Insert › Caption: Writer puts the chart's frame in a frame's text box, beside its caption's text
    caption = 'Figure <text:sequence text:name="Illustration">1</text:sequence>: Litiges'
    captioned = _with_parts(odt(f'<text:p>Avant.<draw:frame draw:name="Frame1"><draw:text-box><text:p text:style-name='
                                f'"Illustration">{FRAME}{caption}</text:p></draw:text-box></draw:frame></text:p>'),
                            {"Object 1/content.xml": CHART})
    assert _lines(captioned) == [("Avant.", False), *ROWS]


def test_an_impress_chart_is_read_in_the_slide_s_reading_order():
    chart = FRAME.replace('draw:style-name="fr1"', 'presentation:class="chart"')
    deck = odp(page(1, frame("title", "Bilan"), frame("subtitle", "Service client")),
               page(2, frame("title", "Les litiges"), chart, frame(None, "En baisse.")))
    parsed = parse_odp(_with_parts(deck, {"Object 1/content.xml": CHART}))
    assert [(line.text, line.item) for line in parsed.sections[-1].lines] == [*ROWS, ("En baisse.", False)]


def test_a_chart_object_named_twice_missing_damaged_or_outside_the_package_is_read_once_or_not_at_all():
    """A small file naming one object a thousand times would give its text as many times; a missing or damaged
    object, or one naming the document itself or a part outside the package, leaves the document read as before."""
    assert _lines(_report(FRAME * 1000)) == _lines(_report(FRAME))
    before = [("Les litiges ont baissé.", False), ("Voir la procédure.", False)]
    for parts in ({}, {"Object 1/content.xml": b"\x89PNG not XML"}, {"Object 1/content.xml": "<a><b></a>"},
                  {"Object 1/content.xml": odt("<text:p>Une formule</text:p>")}):
        assert _lines(_report(FRAME, parts=parts)) == before
    for href in (".", "..", "../Object 1", "/Object 1", ""):
        assert _lines(_report(FRAME.replace('"./Object 1"', f'"{href}"'))) == before


def test_a_spreadsheet_s_chart_finds_its_columns_by_the_ranges_its_local_table_marks_and_rows_series_are_read():
    """A chart drawn from a sheet names the sheet's ranges; its local table's copy marks where each starts. A
    series in a row (values across columns) takes its categories from the first row."""
    marked = CHART.replace("local-table.$B$2:.$B$3", "Feuille1.B2:Feuille1.B3").replace(
        "<text:p>42</text:p>", "<text:p>42</text:p><draw:g><svg:desc>Feuille1.B2:Feuille1.B3</svg:desc></draw:g>")
    assert chart_lines(ElementTree.fromstring(marked))[-2:] == [("Colissimo | 2024: 42 | 2025: 35", True),
                                                                ("Chronopost | 2024: 12 | 2025: 9", True)]
    rows = CHART.replace("local-table.$B$2:.$B$3", "local-table.$B$2:.$C$2").replace(
        "local-table.$B$1", "local-table.$A$2").replace("local-table.$C$2:.$C$3", "local-table.$B$3:.$C$3").replace(
        "local-table.$C$1", "local-table.$A$3").replace("local-table.$A$2:.$A$3", "local-table.$B$1:.$C$1")
    assert chart_lines(ElementTree.fromstring(rows))[2:] == [
        ("Colissimo", True), ("Chronopost", True), ("2024 | Colissimo: 42 | Chronopost: 12", True),
        ("2025 | Colissimo: 35 | Chronopost: 9", True)]


def _letters(column: int) -> str:
    """A column's letters from its index (0 "A", 26 "AA")."""
    letters, column = "", column + 1
    while column:
        column, left = divmod(column - 1, 26)
        letters = chr(65 + left) + letters
    return letters


def test_a_chart_s_table_is_read_once_in_linear_time_whatever_its_ranges_declare():
    """A range declaring ten million rows, a row or a cell repeated a billion times: the cells there are are read,
    once each; many series over distinct columns of few cells cost their cells, not series times rows, and the
    categories' long address is read once, not once a series."""
    huge = CHART.replace(".$B$3", ".$B$9999999").replace(
        "<table:table-row>", '<table:table-row table:number-rows-repeated="1000000000">', 1)
    assert [text for text, _ in chart_lines(ElementTree.fromstring(huge))][:4] == [
        "Litiges par transporteur", "Nombre de litiges", "2024", "2025"]

    def wide(n: int) -> ElementTree.Element:
        letters = [_letters(k) for k in range(1, n)]  # the columns B, C, ...
        series = "".join(f'<chart:series chart:values-cell-range-address="local-table.${c}$2:.${c}$99999"/>'
                         for c in letters)
        cells = "".join(_cell(str(k), str(k)) for k in range(n))
        rows = "".join(f"<table:table-row>{_cell(f'r{r}')}</table:table-row>" for r in range(n))
        return ElementTree.fromstring(
            f"<office:document-content {_CHART_NS}><office:body><office:chart><chart:chart><chart:plot-area>"
            f'<chart:axis chart:dimension="x"><chart:categories table:cell-range-address="{"x" * 400 * n}"/>'
            f"</chart:axis>{series}"
            f'</chart:plot-area><table:table table:name="local-table"><table:table-row>{cells}</table:table-row>'
            f"<table:table-row>{_cell('x')}{cells[len(_cell('0', '0')):]}</table:table-row>{rows}</table:table>"
            "</chart:chart></office:chart></office:body></office:document-content>")

    charts = {n: wide(n) for n in (1000, 4000)}
    assert len(chart_lines(charts[1000])) == 1000  # each series' name, then the one row with values
    assert grows_linearly(lambda n: chart_lines(charts[n]), 1000)


def _scatter(series: str, rows: str, kind: str = "chart:scatter") -> ElementTree.Element:
    return ElementTree.fromstring(
        f'<office:document-content {_CHART_NS}><office:body><office:chart><chart:chart chart:class="{kind}">'
        '<chart:plot-area><chart:axis chart:dimension="x" chart:name="primary-x"><chart:title><text:p>Délai (jours)'
        '</text:p></chart:title></chart:axis><chart:axis chart:dimension="y" chart:name="primary-y"/>'
        f'{series}</chart:plot-area><table:table table:name="local-table"><table:table-header-rows><table:table-row>'
        f'<table:table-cell/>{_cell("X")}{_cell("Lyon")}{_cell("Lille")}</table:table-row></table:table-header-rows>'
        f"<table:table-rows>{rows}</table:table-rows></table:table></chart:chart></office:chart></office:body>"
        "</office:document-content>")


def test_a_scatter_chart_s_points_are_rows_x_to_y_a_bubble_chart_s_sizes_no_values():
    """A scatter chart's series has its x values in a domain (`chart:domain`): read as categories, its rows said
    "1 | Lyon: 4.5" of a point at x 2. A bubble chart's values are its bubbles' sizes: not read as values."""
    series = "".join(
        f'<chart:series chart:values-cell-range-address="local-table.${c}$2:.${c}$3" chart:label-cell-address='
        f'"local-table.${c}$1" chart:class="chart:scatter"><chart:domain table:cell-range-address='
        '"local-table.$B$2:.$B$3"/><chart:data-point chart:repeated="2"/></chart:series>' for c in "CD")
    rows = "".join(f"<table:table-row>{_cell(str(n + 1))}{_cell(x, x)}{_cell(y, y)}{_cell(z, z)}</table:table-row>"
                   for n, (x, y, z) in enumerate((("2", "4.5", "4.4"), ("5", "4.1", "4"))))
    assert chart_lines(_scatter(series, rows)) == [
        ("Délai (jours)", False), ("Lyon", True), ("Lille", True), ("Lyon | 2 → 4.5", True), ("Lyon | 5 → 4.1", True),
        ("Lille | 2 → 4.4", True), ("Lille | 5 → 4", True)]
    assert chart_lines(_scatter(series.replace("chart:scatter", "chart:bubble"), rows, "chart:bubble")) == [
        ("Délai (jours)", False), ("Lyon", True), ("Lille", True)]

    def shared(n: int) -> ElementTree.Element:  # n series sharing an x column of n rows, each y of one cell
        plotted = "".join(f'<chart:series chart:values-cell-range-address="local-table.${_letters(k)}$2:'
                          f'.${_letters(k)}${n + 2}"><chart:domain table:cell-range-address='
                          f'"local-table.$B$1:.$B${n + k}"/></chart:series>' for k in range(2, n))
        cells = "".join(f"<table:table-row>{_cell('x')}{_cell(str(r), str(r))}</table:table-row>" for r in range(n))
        return _scatter(plotted, cells + f"<table:table-row>{''.join(_cell(str(k)) for k in range(n))}"
                                         "</table:table-row>")

    charts = {n: shared(n) for n in (1000, 4000)}
    assert len(chart_lines(charts[1000])) == 1 + 2 + 998  # the axis title, the two series named, a point each
    assert grows_linearly(lambda n: chart_lines(charts[n]), 1000)


def test_scatter_series_sharing_the_first_series_x_values_and_a_bubble_chart_s_points_are_read():
    """LibreOffice writes a domain once, for the first of the series sharing it (SchXMLExport's
    `lcl_exportDomainForThisSequence`): a second series without one plots against the first's x values, not
    against the table's first column. A bubble series' first domain is its y values, its second its x; its values
    are the bubbles' sizes. A value's x is the one at its position along the domain, wherever that starts."""
    rows = "".join(f"<table:table-row>{_cell(str(n + 1))}{_cell(x, x)}{_cell(y, y)}{_cell(z, z)}</table:table-row>"
                   for n, (x, y, z) in enumerate((("2", "4.5", "4.4"), ("5", "4.1", "4"))))

    def series(column: str, domains: str, kind: str = "chart:scatter") -> str:
        return (f'<chart:series chart:values-cell-range-address="local-table.${column}$2:.${column}$3" '
                f'chart:label-cell-address="local-table.${column}$1" chart:class="{kind}">'
                + "".join(f'<chart:domain table:cell-range-address="local-table.${c}$2:.${c}${end}"/>'
                          for c, end in domains) + "</chart:series>")

    shared = series("C", [("B", 3)]) + series("D", [])
    assert chart_lines(_scatter(shared, rows))[3:] == [
        ("Lyon | 2 → 4.5", True), ("Lyon | 5 → 4.1", True), ("Lille | 2 → 4.4", True), ("Lille | 5 → 4", True)]
    bubble = series("D", [("C", 3), ("B", 3)], "chart:bubble")  # sizes in D, y in C, x in B
    assert chart_lines(_scatter(bubble, rows, "chart:bubble"))[1:] == [
        ("Lille", True), ("2 → 4.5 (4.4)", True), ("5 → 4.1 (4)", True)]
    shifted = rows + f"<table:table-row>{_cell('3')}{_cell('9', '9')}</table:table-row>"
    assert chart_lines(_scatter(series("C", [("B", 4)]).replace("$B$2", "$B$3"), shifted))[2:] == [
        ("5 → 4.5", True), ("9 → 4.1", True)]  # the first y against the domain's first x, wherever it starts


def test_a_long_text_many_scatter_series_share_as_their_x_is_not_copied_into_each_s_points():
    """Series name their x values by reference (their `chart:domain`, or the first series'): a long text there,
    shared by thousands of series, would be copied into every point of each (megabytes of input, gigabytes of
    lines). An x of over a hundred characters is no number a chart plots: those points are left out."""
    def chart(n: int) -> ElementTree.Element:
        plotted = "".join(f'<chart:series chart:values-cell-range-address="local-table.${_letters(k)}$2:'
                          f'.${_letters(k)}$11" chart:class="chart:scatter">'
                          + '<chart:domain table:cell-range-address="local-table.$B$2:.$B$11"/>'
                          + "</chart:series>" for k in range(2, n + 2))
        cells = "".join(f"<table:table-row>{_cell('r')}{_cell('x' * 20_000)}"
                        + "<table:table-cell><text:p>1</text:p></table:table-cell>" * n + "</table:table-row>"
                        for _ in range(10))
        return _scatter(plotted, cells)

    for n in (100, 400):
        assert sum(len(text) for text, _ in chart_lines(chart(n))) < 100 * n
