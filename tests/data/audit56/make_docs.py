"""Write audit 56's intranet documents into `docs/`: two Word documents and one OpenDocument text of Orvalis
Ingénierie, a fictional engineering firm, as an office writes them.

    PYTHONPATH=$PWD .venv/bin/python tests/data/audit56/make_docs.py

Paragraph markup in the sources (`sources/*.txt`, one block a line): `[[fn:TEXT]]` a footnote at that place,
`{+TEXT+}` a tracked insertion, `{-TEXT-}` a tracked deletion, `{>TEXT<}` a tracked move's new place and `{<TEXT>}`
its old one, `[[c:TEXT|NOTE]]` a comment NOTE anchored on TEXT. Word's files are made by python-docx, then given what
it does not write (heading numbering linked to the heading styles, footnotes, tracked changes, a table of contents,
running header and footer with page fields); the .odt is written part by part as LibreOffice writes it (outline
numbering in styles.xml, footnotes, spanned table cells, header and footer in the master page).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.shared import Pt

from tests.helpers.odt import XMLNS

HERE = Path(__file__).parent / "docs"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DATE = "2025-01-14T09:12:00Z"
_MARK = re.compile(r"\[\[fn:(?P<fn>.*?)\]\]|\{\+(?P<ins>.*?)\+\}|\{-(?P<del>.*?)-\}|\{>(?P<to>.*?)<\}"
                   r"|\{<(?P<frm>.*?)>\}|\[\[c:(?P<c>.*?)\|(?P<note>.*?)\]\]")


class Word:
    """A Word document under construction: raw paragraphs appended to python-docx's body, footnotes and comments
    collected for the parts written after saving."""

    def __init__(self, title: str, author: str) -> None:
        self.doc = docx.Document()
        self.doc.core_properties.title = title
        self.doc.core_properties.author = author
        self.doc.styles["Normal"].font.name = "Calibri"
        self.doc.styles["Normal"].font.size = Pt(11)
        self.body = self.doc.element.body
        self.footnotes: list[str] = []
        self.comments: list[str] = []
        self.change = 0

    def _id(self) -> int:
        self.change += 1
        return self.change

    def runs(self, text: str) -> str:
        out, last = [], 0
        for m in _MARK.finditer(text):
            out.append(_run(text[last:m.start()]))
            last = m.end()
            if m["fn"] is not None:
                self.footnotes.append(m["fn"])
                out.append('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/><w:vertAlign w:val="superscript"/>'
                           f'</w:rPr><w:footnoteReference w:id="{len(self.footnotes)}"/></w:r>')
            elif m["ins"] is not None:
                out.append(f'<w:ins w:id="{self._id()}" w:author="Karim Benali" w:date="{DATE}">'
                           f'{_run(m["ins"])}</w:ins>')
            elif m["del"] is not None:
                out.append(f'<w:del w:id="{self._id()}" w:author="Karim Benali" w:date="{DATE}">'
                           f'{_run(m["del"], "w:delText")}</w:del>')
            elif m["to"] is not None:
                n = self._id()
                out.append(f'<w:moveToRangeStart w:id="{n}" w:author="Karim Benali" w:date="{DATE}" w:name="move1"/>'
                           f'<w:moveTo w:id="{self._id()}" w:author="Karim Benali" w:date="{DATE}">'
                           f'{_run(m["to"])}</w:moveTo><w:moveToRangeEnd w:id="{n}"/>')
            elif m["frm"] is not None:
                n = self._id()
                out.append(f'<w:moveFromRangeStart w:id="{n}" w:author="Karim Benali" w:date="{DATE}" '
                           f'w:name="move1"/><w:moveFrom w:id="{self._id()}" w:author="Karim Benali" '
                           f'w:date="{DATE}">{_run(m["frm"])}</w:moveFrom><w:moveFromRangeEnd w:id="{n}"/>')
            else:
                self.comments.append(m["note"])
                n = len(self.comments) - 1
                out.append(f'<w:commentRangeStart w:id="{n}"/>{_run(m["c"])}<w:commentRangeEnd w:id="{n}"/>'
                           f'<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                           f'<w:commentReference w:id="{n}"/></w:r>')
        out.append(_run(text[last:]))
        return "".join(out)

    def p(self, text: str = "", style: str | None = None, num: tuple[int, int] | None = None,
          props: str = "", deleted_mark: bool = False) -> None:
        """A paragraph; `num` (numId, ilvl) a list's; `deleted_mark`: the paragraph mark itself a tracked deletion
        (the whole paragraph deleted)."""
        ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += props
        if deleted_mark:
            ppr += f'<w:rPr><w:del w:id="{self._id()}" w:author="Karim Benali" w:date="{DATE}"/></w:rPr>'
        self.body.insert(len(self.body) - 1, parse_xml(f'<w:p {W}><w:pPr>{ppr}</w:pPr>{self.runs(text)}</w:p>'))

    def table(self, rows: list[list[str]], header: bool = True) -> None:
        """A table; a cell "<" continues the cell to its left (gridSpan), "^" the cell above (vMerge)."""
        width = len(rows[0])
        grid = "".join('<w:gridCol w:w="2400"/>' for _ in range(width))
        xml = [f'<w:tbl {W}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
               f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
        for r, row in enumerate(rows):
            xml.append("<w:tr>" + ('<w:trPr><w:tblHeader/></w:trPr>' if header and r == 0 else ""))
            for c, cell in enumerate(row):
                if cell == "<":
                    continue
                span = 1
                while c + span < width and row[c + span] == "<":
                    span += 1
                below = r + 1 < len(rows) and rows[r + 1][c] == "^"
                tcpr = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
                    '<w:vMerge/>' if cell == "^" else '<w:vMerge w:val="restart"/>' if below else "")
                bold = '<w:rPr><w:b/></w:rPr>' if header and r == 0 else ""
                text = "" if cell == "^" else cell
                paragraphs = "".join(f'<w:p><w:pPr>{bold}</w:pPr>{self.runs(line).replace("<w:r>", "<w:r>" + bold)}'
                                     "</w:p>" for line in text.split("\n"))
                xml.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{paragraphs}</w:tc>")
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.body.insert(len(self.body) - 1, parse_xml("".join(xml)))

    def contents(self, entries: list[tuple[str, int, int]]) -> None:
        """A table of contents as Word inserts it: a content control of the "Table of Contents" gallery, a TOC field
        whose result is one TOC 1 or TOC 2 paragraph per heading with its page."""
        paragraphs = ['<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>Sommaire</w:t></w:r></w:p>']
        for n, (entry, level, page) in enumerate(entries):
            begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o '
                     '"1-2" \\h \\z \\u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                     if n == 0 else "")
            end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if n == len(entries) - 1 else ""
            paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/><w:tabs><w:tab w:val="right" '
                              f'w:leader="dot" w:pos="9062"/></w:tabs></w:pPr>{begin}<w:r><w:t xml:space="preserve">'
                              f'{escape(entry)}</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>{page}</w:t></w:r>{end}</w:p>')
        self.body.insert(len(self.body) - 1, parse_xml(
            f'<w:sdt {W}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
            f'</w:docPartObj></w:sdtPr><w:sdtContent>{"".join(paragraphs)}</w:sdtContent></w:sdt>'))

    def header_footer(self, header: str, footer: str) -> None:
        section = self.doc.sections[0]
        section.header.paragraphs[0].text = header
        paragraph = section.footer.paragraphs[0]._p
        paragraph.append(parse_xml(f'<w:r {W}><w:t xml:space="preserve">{escape(footer)}Page </w:t></w:r>'))
        paragraph.append(parse_xml(f'<w:fldSimple {W} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
        paragraph.append(parse_xml(f'<w:r {W}><w:t xml:space="preserve"> sur </w:t></w:r>'))
        paragraph.append(parse_xml(f'<w:fldSimple {W} w:instr=" NUMPAGES "><w:r><w:t>6</w:t></w:r></w:fldSimple>'))

    def save(self, path: Path) -> None:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        parts = {}
        with zipfile.ZipFile(buffer) as archive:
            for info in archive.infolist():
                parts[info.filename] = archive.read(info)
        if self.comments:
            comments = "".join(f'<w:comment w:id="{n}" w:author="Sophie Marchal" w:date="{DATE}" w:initials="SM">'
                               f'<w:p><w:pPr><w:pStyle w:val="CommentText"/></w:pPr><w:r><w:rPr><w:rStyle '
                               f'w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r><w:r>'
                               f'<w:t xml:space="preserve">{escape(note)}</w:t></w:r></w:p></w:comment>'
                               for n, note in enumerate(self.comments))
            _add_part(parts, "comments", f'<w:comments {W}>{comments}</w:comments>')
        if self.footnotes:
            notes = ['<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
                     '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                     '</w:r></w:p></w:footnote>']
            notes += [f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
                      f'<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r>'
                      f'<w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
                      for n, text in enumerate(self.footnotes, 1)]
            _add_part(parts, "footnotes", f'<w:footnotes {W}>{"".join(notes)}</w:footnotes>')
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in parts.items():
                archive.writestr(zipfile.ZipInfo(name, (2025, 1, 14, 9, 12, 0)), content, zipfile.ZIP_DEFLATED)


def _add_part(parts: dict[str, bytes], kind: str, xml: str) -> None:
    """Add word/KIND.xml (footnotes, comments) with its relationship and content type."""
    parts[f"word/{kind}.xml"] = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{xml}'.encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        f'<Relationship Id="rId{kind}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{kind}.xml"/></Relationships>')).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", (
        f'<Override PartName="/word/{kind}.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'wordprocessingml.{kind}+xml"/></Types>')).encode()


def _run(text: str, tag: str = "w:t") -> str:
    if not text:
        return ""
    return f'<w:r><{tag} xml:space="preserve">{escape(text)}</{tag}></w:r>'


def heading_numbering(word: Word, level0: str, level1: str) -> int:
    """A multilevel list linked to Heading 1 and Heading 2, as Word's "Define new multilevel list" writes it (the
    levels' w:pStyle, the styles' w:numPr): Heading 1 numbered `level0`, Heading 2 `level1`. Returns its numId."""
    numbering = word.doc.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="20"><w:multiLevelType w:val="multilevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
        f'<w:lvlText w:val="{level0}"/><w:lvlJc w:val="left"/></w:lvl>'
        f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/>'
        f'<w:lvlText w:val="{level1}"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')
    first_num = numbering.find(docx.oxml.ns.qn("w:num"))
    first_num.addprevious(abstract)
    numbering.append(parse_xml(f'<w:num {W} w:numId="20"><w:abstractNumId w:val="20"/></w:num>'))
    for style, level in (("Heading 1", None), ("Heading 2", 1)):
        ppr = word.doc.styles[style].element.get_or_add_pPr()
        ilvl = "" if level is None else f'<w:ilvl w:val="{level}"/>'
        ppr.insert(0, parse_xml(f'<w:numPr {W}>{ilvl}<w:numId w:val="20"/></w:numPr>'))
    return 20


def list_numbering(word: Word, text: str, shape: str = "decimal") -> int:
    """A one-level list (steps "1.", or bullets when `shape` is "bullet"), a new w:num of its own definition."""
    numbering = word.doc.part.numbering_part.element
    ident = 30 + len([n for n in numbering.iterchildren(docx.oxml.ns.qn("w:num"))])
    abstract = parse_xml(
        f'<w:abstractNum {W} w:abstractNumId="{ident}"><w:multiLevelType w:val="hybridMultilevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{shape}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>')
    numbering.find(docx.oxml.ns.qn("w:num")).addprevious(abstract)
    numbering.append(parse_xml(f'<w:num {W} w:numId="{ident}"><w:abstractNumId w:val="{ident}"/></w:num>'))
    return ident


def write_word(path: Path, source: str, *, title: str, author: str, header: str, footer: str,
               numbered: tuple[str, str] | None, toc: bool) -> None:
    """A Word document from `source`: one block a line, "# " a Title, "## " a Heading 1, "### " a Heading 2,
    "- " a bullet, "1. " a numbered step (a new list after any other block), "| " a table row (cells by " | "),
    "~ " a whole paragraph deleted (tracked), "+ " one inserted (tracked), anything else a Normal paragraph."""
    word = Word(title, author)
    word.header_footer(header, footer)
    if numbered:
        heading_numbering(word, *numbered)
    bullets = list_numbering(word, "\u2022", "bullet")
    entries, steps, rows = [], None, []
    lines = [line for line in source.strip().splitlines() if line.strip()]
    if toc:
        counters = [0, 0]
        for line in lines:
            if line.startswith(("## ", "### ")):
                level = 1 if line.startswith("## ") else 2
                counters[level - 1] += 1
                if level == 1:
                    counters[1] = 0
                label = ""
                if numbered:
                    label = (numbered[0] if level == 1 else numbered[1]).replace("%1", str(counters[0])).replace(
                        "%2", str(counters[1])) + " "
                entries.append((label + line.split(" ", 1)[1], level, 2 + len(entries) // 4))
    for n, line in enumerate(lines):
        if rows and not line.startswith("| "):
            word.table(rows)
            rows = []
        if not line.startswith("1. "):
            steps = None
        if line.startswith("# "):
            word.p(line[2:], "Title")
            if toc and n + 2 < len(lines) and lines[n + 2].startswith("## "):
                pass
        elif line.startswith("## "):
            if toc and entries:
                word.contents(entries)
                entries = []
            word.p(line[3:], "Heading1")
        elif line.startswith("### "):
            word.p(line[4:], "Heading2")
        elif line.startswith("- "):
            word.p(line[2:], "ListParagraph", num=(bullets, 0))
        elif line.startswith("1. "):
            steps = steps or list_numbering(word, "%1.")
            word.p(line[3:], "ListParagraph", num=(steps, 0))
        elif line.startswith("| "):
            rows.append([cell.strip().replace("\\n", "\n") for cell in line[2:].split(" | ")])
        elif line.startswith("~ "):
            word.p("{-" + line[2:] + "-}", deleted_mark=True)
        elif line.startswith("+ "):
            word.p("{+" + line[2:] + "+}", props=f'<w:rPr><w:ins w:id="{word._id()}" w:author="Karim Benali" '
                                                 f'w:date="{DATE}"/></w:rPr>')
        elif line.startswith("! "):
            word.p(line[2:], "Subtitle")
        else:
            word.p(line)
    if rows:
        word.table(rows)
    word.save(path)


def write_odt(path: Path, source: str, *, title: str, header: str, footer: str) -> None:
    """An .odt as LibreOffice writes it from `source` (the Word markup: "## ", "### " headings numbered by the
    outline style, no number in their text; "- " bullets; "| " table rows, "<" a cell spanned from the left;
    `[[fn:...]]` footnotes)."""
    body, rows, notes, bullets = [], [], 0, []

    def inline(text: str) -> str:
        nonlocal notes
        out, last = [], 0
        for m in re.finditer(r"\[\[fn:(.*?)\]\]", text):
            notes += 1
            out.append(escape(text[last:m.start()]))
            out.append(f'<text:note text:id="ftn{notes}" text:note-class="footnote"><text:note-citation>{notes}'
                       f'</text:note-citation><text:note-body><text:p text:style-name="Footnote">'
                       f'{escape(m[1])}</text:p></text:note-body></text:note>')
            last = m.end()
        out.append(escape(text[last:]))
        return "".join(out).replace("  ", " <text:s/>")

    def flush() -> None:
        nonlocal rows, bullets
        if bullets:
            body.append(f'<text:list xml:id="list{len(body)}" text:style-name="L1">'
                        + "".join(f'<text:list-item><text:p text:style-name="P2">{inline(b)}</text:p>'
                                  "</text:list-item>" for b in bullets) + "</text:list>")
            bullets = []
        if rows:
            width = len(rows[0])
            xml = [f'<table:table table:name="Tableau{len(body)}" table:style-name="Tableau1">'
                   f'<table:table-column table:style-name="Tableau1.A" table:number-columns-repeated="{width}"/>']
            for r, row in enumerate(rows):
                if r == 0:
                    xml.append("<table:table-header-rows>")
                xml.append("<table:table-row>")
                for c, cell in enumerate(row):
                    if cell in ("<", "^"):
                        xml.append("<table:covered-table-cell/>")
                        continue
                    span, down = 1, 1
                    while c + span < width and row[c + span] == "<":
                        span += 1
                    while r + down < len(rows) and rows[r + down][c] == "^":
                        down += 1
                    spanned = (f' table:number-columns-spanned="{span}"' if span > 1 else "") + (
                        f' table:number-rows-spanned="{down}"' if down > 1 else "")
                    style = "Table_20_Heading" if r == 0 else "Table_20_Contents"
                    xml.append(f'<table:table-cell table:style-name="Tableau1.A1" office:value-type="string"'
                               f'{spanned}><text:p text:style-name="{style}">{inline(cell)}</text:p>'
                               "</table:table-cell>")
                xml.append("</table:table-row>")
                if r == 0:
                    xml.append("</table:table-header-rows>")
            xml.append("</table:table>")
            body.append("".join(xml))
            rows = []

    for line in source.strip().splitlines():
        if not line.strip():
            continue
        if (not line.startswith("| ") and rows) or (not line.startswith("- ") and bullets):
            flush()
        if line.startswith("# "):
            body.append(f'<text:p text:style-name="Title">{inline(line[2:])}</text:p>')
        elif line.startswith("! "):
            body.append(f'<text:p text:style-name="Subtitle">{inline(line[2:])}</text:p>')
        elif line.startswith(("## ", "### ")):
            level = 1 if line.startswith("## ") else 2
            body.append(f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                        f'<text:bookmark-start text:name="__RefHeading___Toc{len(body)}"/>'
                        f'{inline(line.split(" ", 1)[1])}<text:bookmark-end text:name="__RefHeading___Toc{len(body)}"/>'
                        "</text:h>")
        elif line.startswith("- "):
            bullets.append(line[2:])
        elif line.startswith("| "):
            rows.append([cell.strip() for cell in line[2:].split(" | ")])
        else:
            body.append(f'<text:p text:style-name="P1">{inline(line)}</text:p>')
    flush()
    styles = (
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        '<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" '
        'style:next-style-name="Text_20_body" style:class="text"/>'
        '<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="text"/>'
        '<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" '
        'style:class="chapter"><style:text-properties fo:font-size="24pt" fo:font-weight="bold"/></style:style>'
        '<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Heading" '
        'style:class="chapter"/>'
        + "".join(f'<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" '
                  f'style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" '
                  f'style:default-outline-level="{n}" style:list-style-name="" style:class="text">'
                  f'<style:text-properties fo:font-size="{18 - 3 * n}pt" fo:font-weight="bold"/></style:style>'
                  for n in (1, 2))
        + '<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" '
        'style:class="extra"/><style:style style:name="Footer" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="extra"/>'
        '<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" '
        'style:class="extra"/>'
        '<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="extra"/>'
        '<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" '
        'style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties '
        'fo:font-weight="bold"/></style:style>'
        '<text:outline-style style:name="Outline">'
        '<text:outline-level-style text:level="1" style:num-suffix="." style:num-format="1">'
        '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
        '<style:list-level-label-alignment text:label-followed-by="listtab"/></style:list-level-properties>'
        '</text:outline-level-style>'
        '<text:outline-level-style text:level="2" style:num-format="1" text:display-levels="2">'
        '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
        '<style:list-level-label-alignment text:label-followed-by="listtab"/></style:list-level-properties>'
        '</text:outline-level-style>'
        + "".join(f'<text:outline-level-style text:level="{n}" style:num-format=""/>' for n in range(3, 11))
        + '</text:outline-style>'
        '<text:notes-configuration text:note-class="footnote" style:num-format="1" text:start-value="0" '
        'text:footnotes-position="page" text:start-numbering-at="document"/>')
    master = (f'<style:master-page style:name="Standard" style:page-layout-name="pm1"><style:header>'
              f'<text:p text:style-name="Header">{escape(header)}</text:p></style:header><style:footer>'
              f'<text:p text:style-name="Footer">{escape(footer)}<text:page-number text:select-page="current">1'
              f'</text:page-number> / <text:page-count>5</text:page-count></text:p></style:footer>'
              '</style:master-page>')
    automatic = ('<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Text_20_body">'
                 '<style:paragraph-properties fo:text-align="justify"/></style:style>'
                 '<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Text_20_body" '
                 'style:list-style-name="L1"/>'
                 '<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" '
                 'text:style-name="Bullet_20_Symbols" text:bullet-char="•"/></text:list-style>'
                 '<style:style style:name="Tableau1" style:family="table"/>'
                 '<style:style style:name="Tableau1.A" style:family="table-column"/>'
                 '<style:style style:name="Tableau1.A1" style:family="table-cell"/>')
    decls = ('<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Illustration"/>'
             '<text:sequence-decl text:display-outline-level="0" text:name="Table"/>'
             '<text:sequence-decl text:display-outline-level="0" text:name="Text"/></text:sequence-decls>')
    parts = {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {XMLNS} '
                       f'office:version="1.3"><office:automatic-styles>{automatic}</office:automatic-styles>'
                       f'<office:body><office:text>{decls}{"".join(body)}</office:text></office:body>'
                       "</office:document-content>",
        "styles.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {XMLNS} '
                      f'office:version="1.3"><office:styles>{styles}</office:styles><office:automatic-styles>'
                      '<style:page-layout style:name="pm1"/></office:automatic-styles>'
                      f'<office:master-styles>{master}</office:master-styles></office:document-styles>',
        "meta.xml": f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {XMLNS} office:version="1.3">'
                    "<office:meta><meta:generator>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/"
                    f"e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1</meta:generator><dc:title>{escape(title)}</dc:title>"
                    "<meta:initial-creator>Nathalie Roux</meta:initial-creator>"
                    "<meta:creation-date>2024-11-04T10:02:11</meta:creation-date></office:meta>"
                    "</office:document-meta>",
        "META-INF/manifest.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                                 '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                                 '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
                                 'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                                 + "".join(f'<manifest:file-entry manifest:full-path="{p}" manifest:media-type='
                                           '"text/xml"/>' for p in ("content.xml", "styles.xml", "meta.xml"))
                                 + "</manifest:manifest>",
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 11, 4, 10, 2, 10)), content,
                             zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)


def main() -> None:
    source = {name: (HERE.parent / "sources" / f"{name}.txt").read_text(encoding="utf-8")
              for name in ("handbook", "support", "travel")}
    HERE.mkdir(exist_ok=True)
    write_word(HERE / "Manuel du salarié 2025.docx", source["handbook"], title="Manuel du salarié",
               author="Claire Dumas",
               header="Orvalis Ingénierie — Manuel du salarié — Diffusion interne",
               footer="Direction des ressources humaines – Version 4 – janvier 2025 – ",
               numbered=("Article %1", "%1.%2"), toc=True)
    write_word(HERE / "PRO-IT-04 Support informatique v3.docx", source["support"],
               title="PRO-IT-04 Procédure de support",
               author="Karim Benali", header="PRO-IT-04 – Procédure de support informatique – v3 (projet)",
               footer="Orvalis Ingénierie – DSI – Document interne – ", numbered=None, toc=False)
    write_odt(HERE / "Politique voyages et notes de frais.odt", source["travel"],
              title="Politique voyages et notes de frais", header="Orvalis Ingénierie – Politique voyages et frais",
              footer="Direction administrative et financière – mise à jour du 1er février 2025 – page ")


if __name__ == "__main__":
    main()
