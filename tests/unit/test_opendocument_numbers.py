"""An OpenDocument chart's numbers as the chart shows them (`rag.corpus.formats.opendocument_numbers`): the object's
local table keeps raw numbers, its series' (or axis') chart style names the data style showing them; a chart of
"42 %" read "0.42", a date "45292", Calc's values to 15 digits."""

from __future__ import annotations

from xml.etree import ElementTree

from rag.corpus.formats.odt import parse_odt
from rag.corpus.formats.opendocument_charts import chart_lines
from tests.helpers.odt import odt
from tests.helpers.timing import grows_linearly
from tests.unit.test_opendocument_charts import FRAME, _with_parts, chart_object

_NUMBER = ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
# data styles as LibreOffice writes them (a French locale's: "42 %" with a no-break space, "1 234,50 €" in Calc; the
# decimal and thousands separators are read as the xlsx path writes them, "." and ",")
PERCENT = ('<number:percentage-style style:name="N11"><number:number number:decimal-places="0" '
           'number:min-decimal-places="0" number:min-integer-digits="1"/><number:text>\u00a0%</number:text>'
           "</number:percentage-style>")
DECIMALS = ('<number:number-style style:name="N4"><number:number number:decimal-places="2" '
            'number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/>'
            "</number:number-style>")
CURRENCY = ('<number:currency-style style:name="N122P0" style:volatile="true"><number:number number:decimal-places="2"'
            ' number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/><number:text> '
            '</number:text><number:currency-symbol number:language="fr" number:country="FR">€</number:currency-symbol>'
            '</number:currency-style><number:currency-style style:name="N122"><style:text-properties fo:color='
            '"#ff0000"/><number:text>-</number:text><number:number number:decimal-places="2" number:min-decimal-places='
            '"2" number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text><number:currency-'
            'symbol number:language="fr" number:country="FR">€</number:currency-symbol><style:map style:condition='
            '"value()&gt;=0" style:apply-style-name="N122P0"/></number:currency-style>')
DATE = ('<number:date-style style:name="N37" number:automatic-order="true"><number:day number:style="long"/>'
        '<number:text>/</number:text><number:month number:style="long"/><number:text>/</number:text><number:year '
        'number:style="long"/></number:date-style>')


def _chart(styles: str, series: dict[str, str], rows: list[tuple[str, list[str]]],
           axis: str | None = None) -> ElementTree.Element:
    return ElementTree.fromstring(_source(styles, series, rows, axis))


def _source(styles: str, series: dict[str, str], rows: list[tuple[str, list[str]]], axis: str | None = None) -> str:
    """`chart_object`'s chart, its automatic styles `styles` and chart styles naming data styles: the series' (ch6,
    ch7, ...: `series` by style name), the axes' (ch5) if `axis` names one."""
    chart_styles = "".join(f'<style:style style:name="{name}" style:family="chart" style:data-style-name="{data}">'
                           '<style:chart-properties chart:link-data-style-to-source="false"/></style:style>'
                           for name, data in {**series, **({} if axis is None else {"ch5": axis})}.items())
    content = chart_object("Taux de litiges", ["2024", "2025"][:len(rows[0][1])], rows).replace(
        "<office:automatic-styles/>", f"<office:automatic-styles>{styles}{chart_styles}</office:automatic-styles>")
    return content.replace(' office:version="1.3"', f'{_NUMBER} office:version="1.3"')


def _rows(root: ElementTree.Element) -> list[str]:
    return [text for text, _ in chart_lines(root) if " | " in text]  # a category's row


def test_a_series_data_style_shows_its_numbers_percent_decimals_currency():
    rows = [("Colissimo", ["0.42", "0.355"]), ("Chronopost", ["1234.5", "-1234.5"])]
    assert _rows(_chart(PERCENT + DECIMALS, {"ch6": "N11", "ch7": "N4"}, rows)) == [
        "Colissimo | 2024: 42 % | 2025: 0.36", "Chronopost | 2024: 123450 % | 2025: -1,234.50"]
    # LibreOffice's sections: the style named is the negative numbers' (its own "-"), the positive one by condition
    assert _rows(_chart(CURRENCY, {"ch6": "N122"}, [("Colissimo", ["1234.5"]), ("Chronopost", ["-12"])])) == [
        "Colissimo | 1,234.50 €", "Chronopost | -12.00 €"]


def test_the_axis_data_style_shows_a_series_without_one_and_dates_count_from_the_null_date():
    rows = [("Colissimo", ["45292", "45658.5"])]
    time = DATE.replace("</number:date-style>", '<number:text> </number:text><number:hours number:style="long"/>'
                        '<number:text>:</number:text><number:minutes number:style="long"/></number:date-style>')
    assert _rows(_chart(time, {}, rows, axis="N37")) == ["Colissimo | 2024: 2024-01-01 | 2025: 2025-01-01 12:00"]
    null = ("<office:chart><table:calculation-settings><table:null-date table:date-value="
            '"1904-01-01"/></table:calculation-settings>')
    dated = _source(DATE, {"ch6": "N37"}, [("Colissimo", ["0"])])
    assert _rows(ElementTree.fromstring(dated.replace("<office:chart>", null))) == ["Colissimo | 1904-01-01"]


def test_data_styles_of_the_object_s_styles_xml_are_read_in_an_odt():
    styles = (f'<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              f'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"{_NUMBER}><office:styles>{PERCENT}'
              "</office:styles></office:document-styles>")
    content = _source("", {"ch6": "N11"}, [("Colissimo", ["0.42"])])
    data = _with_parts(odt(f"<text:p>Bilan{FRAME}</text:p>"),
                       {"Object 1/content.xml": content, "Object 1/styles.xml": styles})
    assert [line.text for section in parse_odt(data).sections for line in section.lines][-1] == "Colissimo | 42 %"
    broken = _with_parts(data, {"Object 1/styles.xml": "<a><b></a>"})  # read as the table keeps the number
    assert [line.text for section in parse_odt(broken).sections for line in section.lines][-1] == "Colissimo | 0.42"


def test_no_data_style_or_an_unknown_one_shows_numbers_as_calc_s_general_format():
    rows = [("Colissimo", ["42", "0.30000000000000004"]), ("Chronopost", ["19.098593171027442", "-0.1"])]
    general = ["Colissimo | 2024: 42 | 2025: 0.3", "Chronopost | 2024: 19.0985931710274 | 2025: -0.1"]
    assert _rows(_chart("", {}, rows)) == general
    boolean = '<number:boolean-style style:name="N99"><number:boolean/></number:boolean-style>'
    assert _rows(_chart(boolean, {"ch6": "N99", "ch7": "N404"}, rows, axis="N12")) == general


def test_hostile_data_styles_are_bounded_a_chain_of_conditions_huge_decimals_long_texts():
    chain = "".join(f'<number:number-style style:name="C{n}"><number:number number:decimal-places="{n}"/>'
                    f'<style:map style:condition="value()&gt;=0" style:apply-style-name="C{n + 1}"/>'
                    "</number:number-style>" for n in range(1000))  # ...and C0 → C1 → ... → C999
    assert _rows(_chart(chain, {"ch6": "C0"}, [("Colissimo", ["1.5"])])) == ["Colissimo | 1.5000"]  # 4 hops
    loop = chain.replace('apply-style-name="C1"', 'apply-style-name="C0"')  # a style conditioning itself
    assert _rows(_chart(loop, {"ch6": "C0"}, [("Colissimo", ["1.5"])])) == ["Colissimo | 2"]
    huge = DECIMALS.replace('number:decimal-places="2"', 'number:decimal-places="999999999999"').replace(
        "</number:number-style>", f"<number:text>{'x' * 100_000}</number:text></number:number-style>")
    assert _rows(_chart(huge, {"ch6": "N4"}, [("Colissimo", ["1.5"])])) == [f"Colissimo | 1.5{'0' * 29}{'x' * 40}"]
    assert _rows(_chart(DATE, {"ch6": "N37"}, [("Colissimo", ["1e300"]), ("Chronopost", ["-800000"])])) == [
        "Colissimo | 1e300", "Chronopost | -800000"]  # no date: the number


def test_a_scatter_chart_s_x_values_are_shown_by_the_x_axis_data_style():
    cells = "".join(f'<table:table-row><table:table-cell office:value-type="float" office:value="{x}"><text:p>{x}'
                    f'</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="{y}">'
                    f"<text:p>{y}</text:p></table:table-cell></table:table-row>"
                    for x, y in ((45292, 0.5), (45293, 0.25)))
    header = ("<table:table-row><table:table-cell><text:p>Date</text:p></table:table-cell><table:table-cell>"
              "<text:p>Taux</text:p></table:table-cell></table:table-row>")
    content = (f'<office:document-content {_NUMBER[1:]} xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
               ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:'
               'opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0">'
               f'<office:automatic-styles>{DATE}{PERCENT}<style:style style:name="ch2" style:family="chart" '
               'style:data-style-name="N37"/><style:style style:name="ch3" style:family="chart" '
               'style:data-style-name="N11"/></office:automatic-styles><office:body><office:chart><chart:chart '
               'chart:class="chart:scatter"><chart:plot-area><chart:axis chart:dimension="x" chart:name="primary-x" '
               'chart:style-name="ch2"/><chart:axis chart:dimension="y" chart:name="primary-y" chart:style-name="ch3"/>'
               '<chart:series chart:values-cell-range-address="local-table.$B$2:.$B$3"><chart:domain '
               'table:cell-range-address="local-table.$A$2:.$A$3"/></chart:series></chart:plot-area>'
               f'<table:table table:name="local-table">{header}{cells}</table:table></chart:chart></office:chart>'
               "</office:body></office:document-content>")
    assert [text for text, _ in chart_lines(ElementTree.fromstring(content))] == [
        "Taux", "2024-01-01 → 50 %", "2024-01-02 → 25 %"]


def test_numbers_shown_by_chained_data_styles_cost_linear_time():
    chain = "".join(f'<number:number-style style:name="C{n}"><number:number number:decimal-places="2"/>'
                    + "".join(f'<style:map style:condition="value()&lt;-{k}" style:apply-style-name="C{n + 1}"/>'
                              for k in range(100))
                    + "</number:number-style>" for n in range(100))  # a hundred conditions each, none met

    def chart(n: int) -> ElementTree.Element:
        return _chart(chain, {"ch6": "C0", "ch7": "C0"}, [(f"r{k}", [str(k), str(k)]) for k in range(n)])

    charts = {n: chart(n) for n in (1000, 4000)}
    assert _rows(charts[1000])[1] == "r1 | 2024: 1.00 | 2025: 1.00"
    assert grows_linearly(lambda n: chart_lines(charts[n]), 1000)
