"""A number of an OpenDocument chart as the chart shows it (`rag.corpus.formats.opendocument_charts`): its object's
local table keeps raw numbers (`office:value="0.42"`), and the format shown lives in a data style the series' (or the
axis') automatic style names (`style:style style:family="chart" style:data-style-name="N11"`), one of the object's
`office:automatic-styles` or of its styles.xml. A data style is read into the format Excel's number formats are read
into (`rag.corpus.formats.xlsx_numbers.Format`) and shown by the same code: a `number:percentage-style` times 100
with the text it writes ("42 %"), a `number:number-style` with its decimals (`number:decimal-places`) and its
thousands grouped (`number:grouping`), a `number:currency-style` with its symbol where the style places it ("12.50
€"), a `number:scientific-number` or a `number:fraction` as Excel's are, a `number:date-style` or `number:time-style`
as ISO 8601 ("2024-01-01", "14:30"; a time that does not wrap at 24 hours, `number:truncate-on-overflow="false"`, a
duration, "36:00") from its serial, days since the object's `table:null-date` (1899-12-30 unless it says otherwise;
Calc's count, without Excel's 1900-02-29). A style that conditions others (`style:map`, how LibreOffice writes a
format's sections: "value()>=0" applies the positive numbers' style) is followed to the style whose condition the
value meets, at most `_HOPS_MAX` styles along a chain and `_MAPS_MAX` conditions each; a negative number shown by a
style whose conditions it fails (a negative numbers' section) is shown without its sign, which the section writes
itself. A number without a data style, or naming one the object does not define (a boolean's, a text's), is shown as
Calc's General format shows it: an integer without ".0", others to 15 significant digits ("0.3", where the float's
repr is 0.30000000000000004). The text around a number is at most `_TEXT_MAX` characters, its decimals at most 30,
whatever the style declares."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime
from xml.etree import ElementTree

from rag.corpus.formats.xlsx_numbers import GENERAL, Format, shown

_ODF = "urn:oasis:names:tc:opendocument:xmlns:"
_OFFICE, _STYLE, _TABLE = (f"{{{_ODF}{name}:1.0}}" for name in ("office", "style", "table"))
_NUMBER = f"{{{_ODF}datastyle:1.0}}"
_STYLES = {f"{_NUMBER}{name}-style" for name in ("number", "percentage", "currency", "date", "time")}
_DATE_PARTS = {f"{_NUMBER}{name}" for name in ("year", "month", "day", "day-of-week", "era", "quarter",
                                               "week-of-year")}
_TIME_PARTS = {f"{_NUMBER}{name}" for name in ("hours", "minutes", "seconds", "am-pm")}
_TEXTS = {f"{_NUMBER}text", f"{_NUMBER}currency-symbol"}
_NUMBERS = {f"{_NUMBER}{name}" for name in ("number", "scientific-number", "fraction")}
_NULL_DATE = datetime(1899, 12, 30)  # ODF's default table:null-date, Calc's
_TEXT_MAX = 40  # characters of a style's text before, or after, its number: copied into every value it shows
_DECIMALS_MAX, _DIGITS_MAX = 30, 9
_HOPS_MAX, _MAPS_MAX = 4, 3  # styles followed along conditions (LibreOffice writes one hop), conditions read in each
_CONDITION_MAX = 64
# a map's condition, "value()>=0": an operator and a number (read on a bounded condition, no nested repeats)
_CONDITION = re.compile(r"value\(\)\s*(>=|<=|!=|=|<|>)\s*(-?[0-9]{1,15}(?:\.[0-9]{1,15})?)")
_TESTS = {">=": float.__ge__, "<=": float.__le__, "!=": float.__ne__, "=": float.__eq__, "<": float.__lt__,
          ">": float.__gt__}


def _count(element: ElementTree.Element, name: str, most: int = _DECIMALS_MAX) -> int | None:
    value = element.get(f"{_NUMBER}{name}", "")
    if not value.isdecimal():
        return None
    return min(int(value), most) if len(value) <= _DIGITS_MAX else most  # a thousand digits not converted


def _format(style: ElementTree.Element) -> Format:
    """A data style's format: its number's (or date's, time's) kind, decimals and grouping, the text it writes
    before and after it."""
    children = list(style)
    if style.tag in (f"{_NUMBER}date-style", f"{_NUMBER}time-style"):
        date, time = (any(child.tag in parts for child in children) for parts in (_DATE_PARTS, _TIME_PARTS))
        if style.tag == f"{_NUMBER}time-style" and style.get(f"{_NUMBER}truncate-on-overflow") == "false":
            return Format("elapsed", int(any(c.tag == f"{_NUMBER}seconds" for c in children)), "h")
        return Format("datetime" if date and time else "time" if time else "date")
    at = next((n for n, child in enumerate(children) if child.tag in _NUMBERS), None)
    if at is None:
        return GENERAL
    texts = ["".join(c.itertext()) if c.tag in _TEXTS else "" for c in children]
    prefix, suffix = "".join(texts[:at])[-_TEXT_MAX:], "".join(texts[at + 1:])[:_TEXT_MAX]
    number = children[at]
    decimals = _count(number, "decimal-places")
    if number.tag == f"{_NUMBER}scientific-number":
        digits = _count(number, "min-exponent-digits", _DIGITS_MAX) or 1
        return Format("scientific", decimals or 0, prefix, suffix, exponent="+" + "0" * digits)
    if number.tag == f"{_NUMBER}fraction":
        fixed = _count(number, "denominator-value", _DIGITS_MAX * 10**8)
        digits = _count(number, "min-denominator-digits", _DIGITS_MAX) or 1
        return Format("fraction", None, prefix, suffix, denominator=fixed or 10 ** digits - 1, fixed=bool(fixed),
                      mixed=_count(number, "min-integer-digits") is not None)
    return Format("number", decimals, prefix, suffix, number.get(f"{_NUMBER}grouping") == "true")


class DataStyles:
    """The data styles of a chart object's parts (its content.xml's root, its styles.xml's), the data style each of
    its chart styles names, and its null date; `shown` shows a number as one of them does."""

    def __init__(self, *roots: ElementTree.Element | None) -> None:
        self._formats: dict[str, tuple[Format, bool]] = {}  # a data style's format, whether it is a percentage's
        self._maps: dict[str, list[tuple[str, float, str]]] = {}  # its conditions: operator, number, style applied
        self._data: dict[str, str] = {}  # a chart style's name: its data style's
        self.epoch = _NULL_DATE
        for root in roots:
            if root is None:
                continue
            for holder in (root.find(f"{_OFFICE}automatic-styles"), root.find(f"{_OFFICE}styles")):
                for style in () if holder is None else holder:
                    self._read(style)
            null = root.find(f"{_OFFICE}body/{_OFFICE}chart/{_TABLE}calculation-settings/{_TABLE}null-date")
            if null is not None:
                with suppress(ValueError):  # a null date that is no date: the default's
                    self.epoch = datetime.fromisoformat(null.get(f"{_TABLE}date-value", "")[:10])

    def _read(self, style: ElementTree.Element) -> None:
        name = style.get(f"{_STYLE}name", "")
        if style.tag == f"{_STYLE}style":
            if (data := style.get(f"{_STYLE}data-style-name")) is not None:
                self._data.setdefault(name, data)
        elif style.tag in _STYLES and name not in self._formats:
            self._formats[name] = _format(style), style.tag == f"{_NUMBER}percentage-style"
            self._maps[name] = [(m[1], float(m[2]), applied)
                                for element in style.findall(f"{_STYLE}map")[:_MAPS_MAX]
                                if (m := _CONDITION.fullmatch(element.get(f"{_STYLE}condition", "")[:_CONDITION_MAX]
                                                              .replace(" ", "")))
                                and (applied := element.get(f"{_STYLE}apply-style-name"))]

    def data_style(self, chart_style: str | None) -> str | None:
        """The data style chart style `chart_style` names, if the object defines it."""
        data = self._data.get(chart_style or "")
        return data if data in self._formats else None

    def shown(self, value: str, data_style: str | None) -> str:
        """A number `value` as data style `data_style` shows it (Calc's General without one); `value` itself when it
        is no number."""
        try:
            number = float(value)
        except ValueError:
            return value
        name, conditioned = data_style, False
        for _ in range(_HOPS_MAX):  # a chain of conditions, each style at most `_MAPS_MAX` of them
            applied = next((to for op, than, to in self._maps.get(name or "", ()) if _TESTS[op](number, than)), None)
            conditioned = conditioned or bool(self._maps.get(name or ""))
            if applied is None or applied not in self._formats or applied == name:
                break
            name, conditioned = applied, False
        format_, percent = self._formats.get(name or "", (GENERAL, False))
        if conditioned and number < 0 and format_.kind not in ("date", "time", "datetime", "elapsed"):
            value, number = repr(-number), -number  # a negative numbers' section writes its own sign
        if percent:
            value = repr(number * 100)
        return " ".join(shown(value, format_, epoch=self.epoch).split())


__all__ = ["DataStyles"]
