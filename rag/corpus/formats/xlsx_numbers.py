"""A number of an Excel worksheet as the sheet shows it, from its cell's number format (xl/styles.xml): an .xlsx stores
a number's value ("0.1", "45672"), and its cell's style says how Excel shows it ("10%", "15/01/2025").

Read so: a date or a time (a built-in date format, or a format code writing days, months, years, hours or seconds) as
ISO 8601 ("2025-01-15", "2025-01-15 14:30", "14:30"), from its serial (days since 1899-12-30, or 1904-01-01 in a
workbook that says `date1904`; serials before 61 a day later, as Excel counts a 1900-02-29); a percentage times 100
with its "%"; a number with the decimals its format fixes ("0.00": "12.50"), its thousands separated where the format
separates them ("#,##0.00": "1,234.50"), divided by a thousand for each comma after its digits ("0.0,,": millions),
and the text its format writes around it ("12.50 €", `[$€-40C]`, `"CHF "0.00`); in scientific notation with the
decimals and exponent digits its format fixes ("0.00E+00": "1.23E+04"; "##0.0E+0", an engineer's, its exponent a
multiple of 3: "12.3E+3"); as a fraction of at most the denominator's digits its format gives, or the denominator it
fixes ("# ?/?": "1 1/4", "# ??/??": "3 14/99"... closest first, "?/8": "10/8"). A negative date or time is none in the
1900 date system (Excel shows ########: its value is read) and the time before 1904-01-01 in the 1904 one, a minus
before it ("-06:00"). The separators are the ones a format code is written with, "," and "." (Excel's in English, and
its CSV export's there), unless the format names a locale whose separators differ (`[$€-40C]`, French: "1 234,50 €",
where "5,900 €" reads as five euros ninety to a French reader; `MARKS`); without one, how a French Excel shows it is
the reader's locale, which the file does not say. The text between a number and its "%" is kept ("0\\ %": "6 %", as
French writes it). Any other number (the General format) as Excel's
General shows it, an integer without ".0", other numbers to 15 significant digits ("0.1", where the float's repr may
be 0.30000000000000004). Conditions, colours and sections other than the first (negative numbers, zero, text) are not
read; a number a format cannot show is its value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

# Excel's built-in formats by id (ECMA-376 1, 18.8.30), those that are no General number
_BUILTIN = {1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?",
            13: "# ??/??", 14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
            19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "yyyy-mm-dd h:mm", 37: "#,##0 ;(#,##0)",
            38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss",
            46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@"}
_ASIAN_DATES = {*range(27, 37), *range(50, 59)}  # the East Asian locales' built-in dates
_LITERAL = re.compile(r'"(?P<quoted>[^"]*)"|\\(?P<escaped>.)|\[\$(?P<currency>[^\]-]*)[^\]]*\]|\[[^\]]*\]|[_*].'
                      r"|(?P<placeholder>[0#?.,%Ee+\-]+(?<!-)(?:/(?:[1-9][0-9]*|[0#?]+))?)|(?P<other>.)", re.DOTALL)
_EPOCHS = (datetime(1899, 12, 30), datetime(1904, 1, 1))
# Serials before 61 (1900-03-01) in the 1900 date system: a day later than counted from its epoch, as Excel shows
# them (1 is 1900-01-01, 60 the 1900-02-29 it counts); 0, "1900-01-00", a time's date
_LEAP = datetime(1900, 3, 1)
_SHIFTED = {0: "1900-01-00", 60: "1900-02-29"}
_DAYS_MAX = 2_958_466  # 9999-12-31: past it, no date nor duration Excel shows
_DIGITS_MAX = 310  # a float's integer digits, at most (1.8e308)
# Excel's limits: a format code of 255 characters at most (a longer one, which Excel never writes, is read as General:
# its literal text would be copied into every value it formats), 30 decimals shown at most
_CODE_MAX, _DECIMALS_MAX = 255, 30
_ELAPSED = re.compile(r"\[([hms])\1*\]")  # a duration's largest unit, in brackets: [h], [mm], [ss]
_LOCALE = re.compile(r"\[\$[^\]-]*-([0-9A-Fa-f]{1,8})\]")  # a locale's id (LCID) in a currency's or locale's brackets
# The thousands and decimal separators of the locales that write numbers otherwise than English ("1,234.50"), as CLDR
# writes them with an ASCII space or apostrophe, by their id (LCID, its low 16 bits: a calendar's or digits' bits above
# them aside) where the country writes them otherwise than its language's first country: Swiss German and Italian
# "1'234.50"; Spanish of Mexico, the US, Central America, the Dominican Republic and Puerto Rico "1,234.50"; Swiss
# French, which CLDR and Windows tell otherwise, as English writes them
MARKS = {0x0807: "'.", 0x1407: "'.", 0x0810: "'.", 0x100C: ",.",
         0x080A: ",.", 0x540A: ",.", 0x100A: ",.", 0x1C0A: ",.", 0x500A: ",.", 0x180A: ",.", 0x480A: ",.",
         0x4C0A: ",.", 0x440A: ",."}
# ... and by its language otherwise (the LCID's low ten bits): every country of these writes a decimal comma (Belgian
# French, Austrian German, Portugal's and Argentina's alike), the thousands as the language's first country does
LANGUAGE_MARKS = {0x0C: " ,", 0x07: ".,", 0x0A: ".,", 0x10: ".,", 0x13: ".,", 0x16: ".,", 0x06: ".,", 0x1D: " ,",
                  0x14: " ,", 0x0B: " ,", 0x15: " ,", 0x05: " ,", 0x19: " ,"}


@dataclass(frozen=True)
class Format:
    """A number format's first section, read: `kind` "date", "time", "datetime", "percent", "number" or "general",
    or "elapsed" (a duration in its largest unit, `[h]:mm`: `prefix` that unit, h, m or s, `decimals` 1 when seconds
    follow it); the decimals it fixes (None: as many as the value has); the text it writes before and after the
    number."""

    kind: str
    decimals: int | None = None
    prefix: str = ""
    suffix: str = ""
    grouped: bool = False  # thousands separated by "," (`#,##0`)
    scale: int = 0  # thousands the number is divided by, a comma each after its digits (`0.0,,`: millions)
    exponent: str = ""  # "scientific": what its format writes after the E, its sign and digits ("+00")
    step: int = 1  # "scientific": what its exponent is a multiple of (`##0.0E+0`: 3)
    denominator: int = 0  # "fraction": the largest its digits write (`?/?`: 9), or the one it fixes (`?/8`)
    fixed: bool = False  # "fraction": its denominator fixed
    mixed: bool = False  # "fraction": a whole number before it (`# ?/?`: "1 1/4", not "5/4")
    percent: str = "%"  # "percent": what the format writes between the number and its text after, "%" or " %"
    marks: str = ",."  # the thousands and the decimal separators (a locale's, `MARKS`)


GENERAL = Format("general")


def number_format(code: str | None, builtin: int = 0) -> Format:
    """The format of a cell whose style names number format `builtin` (an id) with `code`, its format code, if the
    workbook defines one (ids of 164 and up)."""
    if code is None:
        if builtin in _ASIAN_DATES:
            return Format("date")
        code = _BUILTIN.get(builtin)
    if code is None or code.strip().casefold() in ("general", "@", "") or len(code) > _CODE_MAX:
        return GENERAL
    section = _first_section(code)
    if (elapsed := _ELAPSED.search(section.casefold())) is not None:  # 1.5 days in [h]:mm is 36:00, not 12:00
        unit = elapsed[1]
        return Format("elapsed", int(unit != "s" and "s" in section.casefold()[elapsed.end():]), unit)
    pieces = list(_LITERAL.finditer(section))
    placeholders = [m for m in pieces if m["placeholder"]]
    bare = "".join(m["other"] or "" for m in pieces).casefold()  # what is neither a literal nor a digit
    has_date = re.search("[dy]", bare) is not None or ("m" in bare and re.search("[hs]", bare) is None)
    has_time = re.search("[hs]", bare) is not None
    if has_date or has_time:  # "m" is a month, or a minute beside hours or seconds
        return Format("datetime" if has_date and has_time else "date" if has_date else "time")
    if not placeholders:
        return GENERAL
    number = "".join(m["placeholder"] for m in placeholders)
    digits = number.split(".", 1)[1] if "." in number else ""
    decimals = min(_DECIMALS_MAX, sum(1 for ch in re.split("[Ee]", digits)[0] if ch in "0#?"))
    first, last = pieces.index(placeholders[0]), pieces.index(placeholders[-1])
    prefix, suffix = _literal(pieces[:first]), _literal(pieces[last + 1:])
    if over := next((m[0] for m in placeholders if "/" in m[0]), None):  # "# ?/?": a fraction
        below = over.partition("/")[2]
        return Format("fraction", None, prefix, suffix, denominator=int(below) if below.isdecimal() else
                      10 ** len(below) - 1, fixed=below.isdecimal(), mixed=placeholders[0][0] != over)
    if (exponent := re.search("[Ee]([+-]?[0#?]*)", number)) is not None:
        whole = number[:exponent.start()].partition(".")[0]
        step = len(whole.replace(",", "")) if "#" in whole else 1  # "##0.0E+0": 12.3E+3, an engineer's notation
        return Format("scientific", decimals, prefix, suffix, exponent=exponent[1] or "+0", step=max(step, 1))
    kind = "percent" if "%" in number else "number"
    digits_only = number.replace("%", "")
    scale = 0 if re.search("[Ee]", number) else len(digits_only) - len(digits_only.rstrip(","))
    grouped = re.search("[0#?],+[0#?]", digits_only.partition(".")[0]) is not None
    sign = "%"
    if kind == "percent" and len(placeholders) > 1 and placeholders[-1][0] == "%":  # "0\ %": its space kept
        sign = _literal(pieces[pieces.index(placeholders[-2]) + 1:last]) + "%"
    locale = _LOCALE.search(section)
    lcid = int(locale[1], 16) & 0xFFFF if locale is not None else 0
    marks = MARKS.get(lcid) or LANGUAGE_MARKS.get(lcid & 0x3FF, ",.")
    return Format(kind, decimals, prefix, suffix, grouped, scale, percent=sign, marks=marks)


def _first_section(code: str) -> str:
    """A format code's first section (positive numbers), outside quotes."""
    quoted = False
    for i, ch in enumerate(code):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            return code[:i]
    return code


def _literal(pieces: list[re.Match[str]]) -> str:
    return "".join(m["quoted"] or m["escaped"] or m["currency"] or (m["other"] or "") for m in pieces)


def shown(value: str, format_: Format, date1904: bool = False, epoch: datetime | None = None) -> str:
    """A numeric cell's `value` (its `<v>`) as `format_` shows it; the value itself when it is no number. A date
    counts its days from `epoch` if given (an OpenDocument's null date: no 1900-02-29, a date before it negative)."""
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):
        return value
    if format_.kind in ("elapsed", "date", "time", "datetime"):
        if not -_DAYS_MAX < number < _DAYS_MAX:  # Excel shows ######## for what it cannot show: read the value
            return value
        if format_.kind == "elapsed":  # a negative duration, "-36:00"
            return _elapsed(number, format_.prefix, bool(format_.decimals))
        if epoch is not None:
            return _date(number, format_.kind, False, epoch) or value
        if number < 0:  # no date before 1900 (########); in the 1904 system, the time before it, a minus first
            return "-" + _date(-number, format_.kind, True) if date1904 else value
        return _date(number, format_.kind, date1904)
    if format_.kind == "scientific":
        return f"{format_.prefix}{_scientific(number, format_)}{format_.suffix}"
    if format_.kind == "fraction":
        return f"{format_.prefix}{_fraction(number, format_)}{format_.suffix}"
    if format_.kind == "percent":
        number *= 100
        if not math.isfinite(number):  # 1e308 as a percentage
            return value
    if format_.kind == "general" or format_.decimals is None:
        text = _general(number)
    else:
        digits = Context(prec=_DIGITS_MAX + format_.decimals)  # 1e308 to 2 decimals: 311 digits, past the default 28
        exact = Decimal(repr(number)).scaleb(-3 * format_.scale)
        text = str(exact.quantize(Decimal(1).scaleb(-format_.decimals), ROUND_HALF_UP, digits))
        if format_.grouped:
            whole, point, fraction = text.removeprefix("-").partition(".")
            text = f"{'-' if text.startswith('-') else ''}{int(whole):,}{point}{fraction}"
        if format_.marks != ",.":
            text = text.translate({ord(","): format_.marks[0], ord("."): format_.marks[1]})
    return f"{format_.prefix}{text}{format_.percent if format_.kind == 'percent' else ''}{format_.suffix}"


def _scientific(number: float, format_: Format) -> str:
    """`number` in scientific notation: a mantissa of `format_`'s decimals, an exponent of its digits, a multiple of
    its step, "+" before a positive one if it writes E+."""
    exact, decimals = Decimal(repr(number)) if number else Decimal(0), Decimal(1).scaleb(-(format_.decimals or 0))
    exponent = exact.adjusted() - exact.adjusted() % format_.step if number else 0
    mantissa = exact.scaleb(-exponent).quantize(decimals, ROUND_HALF_UP)
    if abs(mantissa) >= 10 ** format_.step:  # 9.999 to 2 decimals is 10.00: 1.00E+01
        exponent += format_.step
        mantissa = exact.scaleb(-exponent).quantize(decimals, ROUND_HALF_UP)
    sign = "-" if exponent < 0 else "+" if format_.exponent.startswith("+") else ""
    return f"{mantissa}E{sign}{abs(exponent):0{len(format_.exponent.lstrip('+-'))}d}"


def _fraction(number: float, format_: Format) -> str:
    """`number` as a fraction: the closest of a denominator at most `format_`'s, or of the one it fixes (its numerator
    rounded half up), after its whole part if the format writes one ("1 1/4"; a whole number alone, "2")."""
    sign, exact = "-" if number < 0 else "", abs(Fraction(repr(number)))
    whole = int(exact) if format_.mixed else 0
    rest = exact - whole
    if format_.fixed:
        numerator, denominator = int(rest * format_.denominator + Fraction(1, 2)), format_.denominator
    else:
        closest = rest.limit_denominator(format_.denominator)
        numerator, denominator = closest.numerator, closest.denominator
    if not format_.mixed:
        return f"{sign}{numerator}/{denominator}"
    if numerator == denominator:
        whole, numerator = whole + 1, 0
    if not numerator:
        return f"{sign}{whole}" if whole else "0"
    return f"{sign}{f'{whole} ' if whole else ''}{numerator}/{denominator}"


def _general(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return format(number, ".15g")


def _elapsed(days: float, unit: str, seconds: bool) -> str:
    """A duration of `days` in its largest `unit` (h, m or s), then minutes and seconds as the format shows them."""
    total = round(abs(days) * 86400)
    sign = "-" if days < 0 and total else ""
    if unit == "s":
        return f"{sign}{total}"
    if unit == "m":
        return f"{sign}{total // 60}:{total % 60:02d}"
    hours, rest = divmod(total, 3600)
    return f"{sign}{hours}:{rest // 60:02d}" + (f":{rest % 60:02d}" if seconds else "")


def _date(serial: float, kind: str, date1904: bool, epoch: datetime | None = None) -> str:
    """The date or time `serial` days after `epoch` (else Excel's: 1900's or 1904's); "" past the calendar's years."""
    try:
        moment = (epoch or _EPOCHS[date1904]) + timedelta(days=serial)
        moment = (moment + timedelta(microseconds=500_000)).replace(microsecond=0)  # to the second, as Excel rounds
    except OverflowError:
        return ""
    date, time = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S").removesuffix(":00")
    if epoch is None and not date1904 and moment < _LEAP:  # Excel's 1900 counts a 29 February, as Lotus 1-2-3 did
        day = (moment - _EPOCHS[0]).days
        date = _SHIFTED.get(day) or (moment + timedelta(days=1)).strftime("%Y-%m-%d")
    if kind == "date":
        return date
    if kind == "time":
        return time
    return date if time == "00:00" else f"{date} {time}"


__all__ = ["GENERAL", "MARKS", "Format", "number_format", "shown"]
