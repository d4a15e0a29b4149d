"""Write audit 58's three intranet pages into `pages/`, as office tools export a document to HTML:

    PYTHONPATH=$PWD .venv/bin/python tests/data/audit58/make_pages.py

- `Guide du CSE 2025.htm`: Word's "Enregistrer sous > Page Web" (Windows-1252, `xmlns:o`, the document's
  properties and settings in `<!--[if gte mso 9]><xml>` comments, `<div class=WordSection1>`, a Title and a Subtitle
  paragraph, a table of contents of `MsoToc1` paragraphs linking `_Toc` bookmarks with their hidden page numbers,
  headings `<h1>`/`<h2>` holding a `_Toc` bookmark, bold `MsoNormal` paragraphs as the writer's sub-headings, lists
  as `MsoListParagraphCxSp*` paragraphs whose number or Symbol/Courier New bullet sits in a `mso-list:Ignore` span
  inside `<![if !supportLists]>`, `<o:p>` marks, footnotes cited by `#_ftn1` links and written in a footnote list at
  the end, a `MsoTableGrid` table);
- `Livretdaccueildesnouveauxsalaries.html`: Google Docs' "Télécharger > Page Web (.html, zippée)", unzipped (one
  `<style>` of `.cN` classes, a Title paragraph, a table of contents of `#h.` links, `<h1 id="h.xxx">` sections
  whose sub-headings are paragraphs whose span a class sets bold and larger, `lst-kix` lists, links through
  `https://www.google.com/url?q=`, a footnote `[1]` with its text at the end, a table);
- `Procedure securite incendie.html`: LibreOffice Writer's "Enregistrer sous > Document HTML" (its `generator`
  meta, `<h1 class="western">`, `<p class="western">` with `<font>` runs, the Title paragraph as a `<p
  class="title-western">`, a table of contents section, the page header and footer as `<div title="header">` /
  `<div title="footer">` with an `<sdfield>` page number, footnotes `sdfootnote`, a table of `<p>` in cells).

The text is `content.py`'s; nothing here is read by rag's own code.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from content import ACCUEIL, CSE, INCENDIE

HERE = Path(__file__).parent / "pages"
_MARK = re.compile(r"\[\[fn:(?P<fn>.*?)\]\]|\[\[a:(?P<url>[^|]*)\|(?P<text>.*?)\]\]")


def _inline(text: str, note, link) -> str:
    """`text` escaped, its footnotes and links written by `note(number, text)` and `link(url, text)`."""
    out, at = [], 0
    for match in _MARK.finditer(text):
        out.append(html.escape(text[at:match.start()], quote=False))
        out.append(note(match["fn"]) if match["fn"] is not None else link(match["url"], match["text"]))
        at = match.end()
    out.append(html.escape(text[at:], quote=False))
    return "".join(out)


# ---------------------------------------------------------------- Word, "Page Web"

_WORD_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset=windows-1252">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<meta name=Originator content="Microsoft Word 15">
<link rel=File-List href="Guide%20du%20CSE%202025_fichiers/filelist.xml">
<title>Guide du CSE 2025</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>Maëlle Guénan</o:Author>
  <o:LastAuthor>Yann Le Floch</o:LastAuthor>
  <o:Revision>7</o:Revision>
  <o:TotalTime>184</o:TotalTime>
  <o:Created>2025-01-06T08:41:00Z</o:Created>
  <o:LastSaved>2025-01-20T16:02:00Z</o:LastSaved>
  <o:Pages>3</o:Pages>
  <o:Words>1012</o:Words>
  <o:Company>Brennec Menuiserie</o:Company>
  <o:Version>16.00</o:Version>
 </o:DocumentProperties>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:HyphenationZone>21</w:HyphenationZone>
  <w:TrackMoves>false</w:TrackMoves>
  <w:TrackFormatting/>
  <w:ValidateAgainstSchemas/>
  <w:BrowserLevel>MicrosoftInternetExplorer4</w:BrowserLevel>
 </w:WordDocument>
</xml><![endif]--><!--[if gte mso 9]><xml>
 <w:LatentStyles DefLockedState="false" DefUnhideWhenUsed="false" LatentStyleCount="376">
  <w:LsdException Locked="false" Priority="9" QFormat="true" Name="heading 1"/>
  <w:LsdException Locked="false" Priority="39" UnhideWhenUsed="true" Name="toc 1"/>
 </w:LatentStyles>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{font-family:Wingdings;
	panose-1:5 0 0 0 0 0 0 0 0 0;
	mso-font-charset:2;}
@font-face
	{font-family:"Cambria Math";}
@font-face
	{font-family:Calibri;}
 /* Style Definitions */
 p.MsoNormal, li.MsoNormal, div.MsoNormal
	{mso-style-unhide:no;
	mso-style-qformat:yes;
	margin-top:0cm;
	margin-right:0cm;
	margin-bottom:8.0pt;
	margin-left:0cm;
	line-height:107%;
	font-size:11.0pt;
	font-family:"Calibri",sans-serif;}
h1
	{mso-style-priority:9;
	mso-style-link:"Titre 1 Car";
	margin-top:12.0pt;
	page-break-after:avoid;
	mso-outline-level:1;
	font-size:16.0pt;
	color:#2F5496;
	font-weight:normal;}
h2
	{mso-style-priority:9;
	mso-style-link:"Titre 2 Car";
	mso-outline-level:2;
	font-size:13.0pt;
	color:#2F5496;
	font-weight:normal;}
p.MsoToc1, li.MsoToc1, div.MsoToc1
	{mso-style-priority:39;
	mso-style-next:Normal;
	margin-bottom:5.0pt;
	font-size:11.0pt;}
p.MsoFootnoteText, li.MsoFootnoteText, div.MsoFootnoteText
	{mso-style-link:"Note de bas de page Car";
	font-size:10.0pt;}
span.MsoFootnoteReference
	{vertical-align:super;}
p.MsoTitle, li.MsoTitle, div.MsoTitle
	{mso-style-link:"Titre Car";
	font-size:28.0pt;
	letter-spacing:-.5pt;}
p.MsoSubtitle, li.MsoSubtitle, div.MsoSubtitle
	{mso-style-link:"Sous-titre Car";
	color:#5A5A5A;
	letter-spacing:.75pt;}
p.MsoListParagraphCxSpFirst, li.MsoListParagraphCxSpFirst, div.MsoListParagraphCxSpFirst
	{mso-style-type:export-only;
	margin-left:36.0pt;
	mso-add-space:auto;}
p.MsoListParagraphCxSpMiddle, li.MsoListParagraphCxSpMiddle, div.MsoListParagraphCxSpMiddle
	{mso-style-type:export-only;
	margin-left:36.0pt;}
p.MsoListParagraphCxSpLast, li.MsoListParagraphCxSpLast, div.MsoListParagraphCxSpLast
	{mso-style-type:export-only;
	margin-left:36.0pt;
	margin-bottom:8.0pt;}
@page WordSection1
	{size:595.3pt 841.9pt;
	margin:70.85pt 70.85pt 70.85pt 70.85pt;
	mso-footnote-separator:url("Guide%20du%20CSE%202025_fichiers/header.htm") fs;}
div.WordSection1
	{page:WordSection1;}
 /* List Definitions */
 @list l0
	{mso-list-id:1081952813;
	mso-list-type:hybrid;}
@list l0:level1
	{mso-level-tab-stop:none;
	mso-level-number-position:left;
	text-indent:-18.0pt;}
@list l1
	{mso-list-id:1523547020;}
@list l1:level1
	{mso-level-number-format:bullet;
	mso-level-text:\\F0B7;
	font-family:Symbol;}
@list l1:level2
	{mso-level-number-format:bullet;
	mso-level-text:o;
	font-family:"Courier New";}
@list l2:level1
	{mso-level-number-format:bullet;
	mso-level-text:\\F0A7;
	font-family:Wingdings;}
-->
</style>
<!--[if gte mso 10]>
<style>
 /* Style Definitions */
 table.MsoNormalTable
	{mso-style-name:"Tableau Normal";
	mso-tstyle-rowband-size:0;
	mso-padding-alt:0cm 5.4pt 0cm 5.4pt;}
</style>
<![endif]--><!--[if gte mso 9]><xml>
 <o:shapedefaults v:ext="edit" spidmax="1026"/>
</xml><![endif]-->
</head>

<body lang=FR link="#0563C1" vlink="#954F72" style='tab-interval:35.4pt;word-wrap:break-word'>

<div class=WordSection1>
"""

_WORD_BULLETS = {1: ("Symbol", "·"), 2: ("\"Courier New\"", "o")}


def _word_note(notes: list[str]):
    def note(text: str) -> str:
        notes.append(text)
        n = len(notes)
        return (f"<a style='mso-footnote-id:ftn{n}' href=\"#_ftn{n}\" name=\"_ftnref{n}\" title=\"\"><span "
                f"class=MsoFootnoteReference><span style='mso-special-character:footnote'><![if !supportFootnotes]>"
                f"<span class=MsoFootnoteReference><span style='font-size:11.0pt;line-height:107%;font-family:"
                f"\"Calibri\",sans-serif;mso-ascii-theme-font:minor-latin;mso-fareast-font-family:Calibri;"
                f"mso-ansi-language:FR;mso-fareast-language:EN-US;mso-bidi-language:AR-SA'>[{n}]</span></span>"
                f"<![endif]></span></span></a>")
    return note


def _word_link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text, quote=False)}</a>'


def _word_list(items, kind: str, lid: int, level: int = 1, counter=None) -> list[tuple[int, str, str]]:
    """The items as (level, marker, text), numbers counted per level."""
    out, n = [], 0
    for item in items:
        if isinstance(item, list):
            out += _word_list(item, kind, lid, level + 1)
        else:
            n += 1
            out.append((level, f"{n}." if kind == "ol" else "", item))
    return out


def word(blocks) -> str:
    notes: list[str] = []
    note = _word_note(notes)
    body, toc, lists = [], [], 0
    heads = [(kind, text) for kind, text in blocks if kind in ("h1", "h2")]
    for number, (_kind, text) in enumerate(heads):
        page = 1 + number // 4
        toc.append(f"<p class=MsoToc1 style='tab-stops:right dotted 453.1pt'><span class=MsoHyperlink><a "
                   f"href=\"#_Toc18762{number:03d}\">{html.escape(text, quote=False)}<span style='color:windowtext;"
                   f"display:none;mso-hide:screen;text-decoration:none'>.\t</span><span style='color:windowtext;"
                   f"display:none;mso-hide:screen;text-decoration:none'>{page}</span></a></span></p>\n")
    head_no = 0
    for kind, value in blocks:
        if kind == "title":
            body.append(f"<p class=MsoTitle>{html.escape(value, quote=False)}<o:p></o:p></p>\n")
        elif kind == "subtitle":
            body.append(f"<p class=MsoSubtitle>{html.escape(value, quote=False)}<o:p></o:p></p>\n")
            body.append("<p class=MsoTocHeading>Sommaire<o:p></o:p></p>\n")
            body.append("<p class=MsoToc1 style='tab-stops:right dotted 453.1pt'><!--[if supportFields]><span "
                        "style='mso-element:field-begin'></span><span style='mso-spacerun:yes'> </span>TOC \\o "
                        "&quot;1-3&quot; \\h \\z \\u <span style='mso-element:field-separator'></span><![endif]-->"
                        "</p>\n")
            body += toc
            body.append("<p class=MsoNormal><!--[if supportFields]><span style='mso-element:field-end'></span>"
                        "<![endif]--><o:p>&nbsp;</o:p></p>\n")
        elif kind in ("h1", "h2"):
            body.append(f"<{kind}><a name=\"_Toc18762{head_no:03d}\"><span style='mso-fareast-font-family:\"Times "
                        f"New Roman\"'>{html.escape(value, quote=False)}</span></a><o:p></o:p></{kind}>\n")
            head_no += 1
        elif kind == "bold":
            body.append(f"<p class=MsoNormal style='margin-top:12.0pt;page-break-after:avoid'><b><span "
                        f"style='font-size:12.0pt;line-height:107%'>{html.escape(value, quote=False)}<o:p></o:p>"
                        f"</span></b></p>\n")
        elif kind == "p":
            body.append(f"<p class=MsoNormal>{_inline(value, note, _word_link)}<o:p></o:p></p>\n")
        elif kind in ("ol", "ul"):
            items = _word_list(value, kind, lists)
            for at, (level, marker, text) in enumerate(items):
                part = "First" if at == 0 else "Last" if at == len(items) - 1 else "Middle"
                if kind == "ol":
                    font, mark, pad = "", marker, "&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; "
                elif lists == 2:  # the last list: Wingdings' square bullet
                    font, mark, pad = "Wingdings", "§", "&nbsp; "
                else:
                    font, mark = _WORD_BULLETS[level]
                    pad = "&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; " if level == 1 else "&nbsp;&nbsp; "
                style = (f" style='font-family:{font};mso-fareast-font-family:{font};mso-bidi-font-family:{font}'"
                         if font else " style='mso-bidi-font-family:Calibri;mso-bidi-theme-font:minor-latin'")
                indent = 36.0 * level
                body.append(f"<p class=MsoListParagraphCxSp{part} style='margin-left:{indent:.1f}pt;mso-add-space:"
                            f"auto;text-indent:-18.0pt;mso-list:l{lists} level{level} lfo{lists + 1}'><![if "
                            f"!supportLists]><span{style}><span style='mso-list:Ignore'>{mark}<span style='font:7.0pt "
                            f"\"Times New Roman\"'>{pad}</span></span></span><![endif]>"
                            f"{_inline(text, note, _word_link)}<o:p></o:p></p>\n")
            lists += 1
        elif kind == "table":
            rows = []
            for r, row in enumerate(value):
                cells = "".join(
                    "<td width=302 valign=top style='width:226.55pt;border:solid windowtext 1.0pt;padding:0cm "
                    "5.4pt 0cm 5.4pt'><p class=MsoNormal style='margin-bottom:0cm;line-height:normal'>"
                    + (f"<b>{html.escape(cell, quote=False)}</b>" if r == 0 else html.escape(cell, quote=False))
                    + "<o:p></o:p></p></td>" for cell in row)
                rows.append(f" <tr style='mso-yfti-irow:{r}'>\n  {cells}\n </tr>\n")
            body.append("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:"
                        "collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>\n"
                        + "".join(rows) + "</table>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n")
    foot = ["</div>\n\n<div style='mso-element:footnote-list'><![if !supportFootnotes]><br clear=all>\n\n"
            "<hr align=left size=1 width=\"33%\">\n\n<![endif]>\n"]
    for n, text in enumerate(notes, 1):
        foot.append(f"\n<div style='mso-element:footnote' id=ftn{n}>\n\n<p class=MsoFootnoteText><a "
                    f"style='mso-footnote-id:ftn{n}' href=\"#_ftnref{n}\" name=\"_ftn{n}\" title=\"\"><span "
                    f"class=MsoFootnoteReference><span style='mso-special-character:footnote'><![if "
                    f"!supportFootnotes]><span class=MsoFootnoteReference><span style='font-size:10.0pt;"
                    f"line-height:107%'>[{n}]</span></span><![endif]></span></span></a> "
                    f"{html.escape(text, quote=False)}<o:p></o:p></p>\n\n</div>\n")
    foot.append("\n</div>\n\n</body>\n\n</html>\n")
    return _WORD_HEAD + "\n".join(body) + "".join(foot)


# ---------------------------------------------------------------- Google Docs

_GOOGLE_STYLE = (
    '@import url(https://themes.googleusercontent.com/fonts/css?kit=fpjTOVmNbO4Lz34iLyptLUXza5VhXqVC6o75Eld_V98);'
    '.lst-kix_1a2b3c-0>li:before{content:"\\0025cf   "}ul.lst-kix_1a2b3c-0{list-style-type:none}'
    'ol{margin:0;padding:0}table td,table th{padding:0}'
    '.c0{margin-left:36pt;padding-top:0pt;padding-left:0pt;padding-bottom:0pt;line-height:1.15;orphans:2;widows:2;'
    'text-align:left}'
    '.c1{color:#000000;font-weight:400;text-decoration:none;vertical-align:baseline;font-size:11pt;font-family:'
    '"Arial";font-style:normal}'
    '.c2{padding-top:0pt;padding-bottom:0pt;line-height:1.15;orphans:2;widows:2;text-align:left;height:11pt}'
    '.c3{padding-top:14pt;padding-bottom:4pt;line-height:1.15;page-break-after:avoid;orphans:2;widows:2;'
    'text-align:left}'
    '.c4{padding-top:0pt;padding-bottom:0pt;line-height:1.15;orphans:2;widows:2;text-align:left}'
    '.c5{padding-top:20pt;padding-bottom:6pt;line-height:1.15;page-break-after:avoid;orphans:2;widows:2;'
    'text-align:left}'
    '.c6{color:#1155cc;text-decoration:underline}'
    '.c7{color:#000000;font-weight:700;text-decoration:none;vertical-align:baseline;font-size:13pt;font-family:'
    '"Arial";font-style:normal}'
    '.c8{color:#000000;font-weight:400;text-decoration:none;vertical-align:baseline;font-size:20pt;font-family:'
    '"Arial";font-style:normal}'
    '.c9{background-color:#ffffff;max-width:451.4pt;padding:72pt 72pt 72pt 72pt}'
    '.c10{padding:0;margin:0}.c11{vertical-align:super}'
    '.c12{border-right-style:solid;padding:5pt 5pt 5pt 5pt;border-bottom-color:#000000;border-top-width:1pt;'
    'border-right-width:1pt;border-left-color:#000000;vertical-align:top;border-right-color:#000000;'
    'border-left-width:1pt;border-top-style:solid;border-left-style:solid;border-bottom-width:1pt;width:150pt;'
    'border-top-color:#000000;border-bottom-style:solid}'
    '.c13{margin-left:-5pt;border-spacing:0;border-collapse:collapse;margin-right:auto}'
    '.c14{color:#000000;font-weight:700;text-decoration:none;vertical-align:baseline;font-size:11pt;font-family:'
    '"Arial";font-style:normal}'
    '.c15{color:inherit;text-decoration:inherit}'
    '.title{padding-top:0pt;color:#000000;font-size:26pt;padding-bottom:3pt;font-family:"Arial";line-height:1.15;'
    'page-break-after:avoid;orphans:2;widows:2;text-align:left}'
    '.subtitle{padding-top:0pt;color:#666666;font-size:15pt;padding-bottom:16pt;font-family:"Arial";'
    'line-height:1.15;page-break-after:avoid;orphans:2;widows:2;text-align:left}'
    'li{color:#000000;font-size:11pt;font-family:"Arial"}p{margin:0;color:#000000;font-size:11pt;font-family:'
    '"Arial"}h1{padding-top:20pt;color:#000000;font-size:20pt;padding-bottom:6pt;font-family:"Arial";'
    'line-height:1.15;page-break-after:avoid;orphans:2;widows:2;text-align:left}')
_GOOGLE_IDS = ["h.gjdgxs", "h.30j0zll", "h.1fob9te", "h.3znysh7", "h.2et92p0", "h.tyjcwt", "h.3dy6vkm", "h.1t3h5sf",
               "h.4d34og8", "h.2s8eyo1", "h.17dp8vu", "h.3rdcrjn"]


def google(blocks) -> str:
    notes: list[str] = []

    def note(text: str) -> str:
        notes.append(text)
        n = len(notes)
        return f'</span><sup><a href="#ftnt{n}" id="ftnt_ref{n}">[{n}]</a></sup><span class="c1">'

    def link(url: str, text: str) -> str:
        return (f'</span><span class="c6"><a class="c15" href="{html.escape(url)}">'
                f'{html.escape(text, quote=False)}</a></span><span class="c1">')

    spacer = '<p class="c2"><span class="c1"></span></p>'
    heads = [text for kind, text in blocks if kind == "h1"]
    out = [f'<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"><style type="text/css">'
           f'{_GOOGLE_STYLE}</style></head><body class="c9 doc-content">']
    h = 0
    for kind, value in blocks:
        if kind == "title":
            out.append(f'<p class="c4 title" id="h.title"><span class="c8">{html.escape(value, quote=False)}'
                       f'</span></p>')
            out += [f'<p class="c4"><span class="c6"><a class="c15" href="#{_GOOGLE_IDS[i]}">'
                    f'{html.escape(text, quote=False)}</a></span></p>' for i, text in enumerate(heads)]
            out.append(spacer)
        elif kind == "h1":
            out.append(f'<h1 class="c5" id="{_GOOGLE_IDS[h]}"><span class="c8">{html.escape(value, quote=False)}'
                       f'</span></h1>')
            h += 1
        elif kind == "bold":
            out.append(f'<p class="c3"><span class="c7">{html.escape(value, quote=False)}</span></p>')
        elif kind == "p":
            out.append(f'<p class="c4"><span class="c1">{_inline(value, note, link)}</span></p>')
        elif kind == "ul":
            out.append('<ul class="c10 lst-kix_1a2b3c-0 start">' + "".join(
                f'<li class="c0 li-bullet-0"><span class="c1">{_inline(item, note, link)}</span></li>'
                for item in value) + '</ul>')
        elif kind == "table":
            rows = "".join("<tr class=\"c16\">" + "".join(
                f'<td class="c12" colspan="1" rowspan="1"><p class="c4"><span class="{"c14" if r == 0 else "c1"}">'
                f'{html.escape(cell, quote=False)}</span></p></td>' for cell in row) + "</tr>"
                for r, row in enumerate(value))
            out.append(f'<table class="c13"><tbody>{rows}</tbody></table>')
        if kind in ("p", "ul", "table"):
            out.append(spacer)
    out += [f'<div><p class="c4"><a href="#ftnt_ref{n}" id="ftnt{n}">[{n}]</a><span class="c1">&nbsp;'
            f'{html.escape(text, quote=False)}</span></p></div>' for n, text in enumerate(notes, 1)]
    out.append("</body></html>")
    return "".join(out)


# ---------------------------------------------------------------- LibreOffice Writer

_LIBRE_HEAD = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
<html>
<head>
	<meta http-equiv="content-type" content="text/html; charset=utf-8"/>
	<title></title>
	<meta name="generator" content="LibreOffice 7.6.4.1 (Linux)"/>
	<meta name="author" content="Gildas Morvan"/>
	<meta name="created" content="2023-03-02T10:15:42.118000000"/>
	<meta name="changedby" content="Gildas Morvan"/>
	<meta name="changed" content="2025-02-12T17:48:03.664000000"/>
	<style type="text/css">
		@page { size: 21cm 29.7cm; margin: 2cm }
		p { line-height: 115%; margin-bottom: 0.25cm; background: transparent }
		h1 { margin-bottom: 0.21cm; background: transparent; page-break-after: avoid }
		h1.western { font-family: "Liberation Sans", sans-serif; font-size: 18pt; font-weight: bold }
		h2 { margin-top: 0.35cm; margin-bottom: 0.21cm; background: transparent; page-break-after: avoid }
		h2.western { font-family: "Liberation Sans", sans-serif; font-size: 16pt; font-weight: bold }
		p.title-western { font-family: "Liberation Sans", sans-serif; font-size: 28pt; font-weight: bold; text-align: center }
		p.sdfootnote-western { margin-left: 0.6cm; text-indent: -0.6cm; margin-bottom: 0cm; font-size: 10pt; line-height: 100% }
		a.sdfootnoteanc { font-size: 57% }
		td p { orphans: 0; widows: 0; background: transparent }
	</style>
</head>
<body lang="fr-FR" link="#000080" vlink="#800000" dir="ltr"><div title="header"><p style="margin-bottom: 0cm; line-height: 100%">
<font size="2" style="font-size: 9pt">Brennec Menuiserie – PR-SEC-02 – Procédure sécurité incendie</font></p>
</div>"""  # noqa: E501


def libre(blocks) -> str:
    notes: list[str] = []

    def note(text: str) -> str:
        notes.append(text)
        n = len(notes)
        return (f'<a class="sdfootnoteanc" name="sdfootnote{n}anc" href="#sdfootnote{n}sym"><sup>{n}</sup></a>')

    def link(url: str, text: str) -> str:
        return f'<a href="{html.escape(url)}">{html.escape(text, quote=False)}</a>'

    def font(text: str) -> str:
        return f'<font face="Liberation Serif, serif"><font size="3" style="font-size: 12pt">{text}</font></font>'

    body = []
    heads = [(kind, text) for kind, text in blocks if kind in ("h1", "h2")]
    refs = [f"__RefHeading___Toc{1802 + 2 * i}_{3716571091 + i}" for i in range(len(heads))]
    h = 0
    for kind, value in blocks:
        if kind == "title":
            body.append(f'<p class="title-western"><a name="_GoBack"></a>{html.escape(value, quote=False)}</p>')
            toc = ['<div id="Table of Contents1" dir="ltr">',
                   '<div id="Table of Contents1_Head" dir="ltr"><p style="margin-top: 0.42cm; page-break-after: '
                   'avoid"><font face="Liberation Sans, sans-serif"><font size="4" style="font-size: 16pt"><b>'
                   'Table des matières</b></font></font></p></div>']
            for i, (hk, text) in enumerate(heads):
                indent = "0cm" if hk == "h1" else "0.5cm"
                toc.append(f'<p style="margin-left: {indent}; margin-bottom: 0.1cm"><a href="#{refs[i]}">'
                           f'{html.escape(text, quote=False)}</a>\t{1 + i // 4}</p>')
            toc.append('</div>')
            body += toc
        elif kind in ("h1", "h2"):
            body.append(f'<{kind} class="western"><a name="{refs[h]}"></a>{html.escape(value, quote=False)}</{kind}>')
            h += 1
        elif kind == "p":
            body.append(f'<p class="western" style="margin-bottom: 0.21cm; line-height: 115%">'
                        f'{font(_inline(value, note, link))}</p>')
        elif kind in ("ol", "ul"):
            body.append(f"<{kind}>" + "".join(
                f'\n\t<li><p style="margin-bottom: 0cm; line-height: 115%">{font(_inline(item, note, link))}</p></li>'
                for item in value) + f"\n</{kind}>")
        elif kind == "table":
            rows = []
            for r, row in enumerate(value):
                cells = "".join(
                    '\t\t<td width="33%" style="border: 1px solid #000000; padding: 0.1cm"><p class="western" '
                    'align="left">' + (f"<b>{html.escape(cell, quote=False)}</b>" if r == 0
                                        else html.escape(cell, quote=False)) + '</p>\n\t\t</td>\n' for cell in row)
                rows.append(f'\t<tr valign="top">\n{cells}\t</tr>\n')
            body.append('<table width="100%" cellpadding="4" cellspacing="0">\n\t<col width="85*"/>\n'
                        '\t<col width="85*"/>\n\t<col width="85*"/>\n' + "".join(rows) + '</table>\n'
                        '<p class="western" style="margin-bottom: 0cm; line-height: 100%"><br/>\n\n</p>')
    for n, text in enumerate(notes, 1):
        body.append(f'<div id="sdfootnote{n}"><p class="sdfootnote-western"><a class="sdfootnotesym" '
                    f'name="sdfootnote{n}sym" href="#sdfootnote{n}anc">{n}</a>{html.escape(text, quote=False)}</p>\n'
                    f'</div>')
    body.append('<div title="footer"><p align="center" style="margin-bottom: 0cm; line-height: 100%"><font size="2" '
                'style="font-size: 9pt">Page <sdfield type=PAGE subtype=RANDOM format=PAGE>1</sdfield> sur '
                '<sdfield type=DOCSTAT subtype=PAGE format=PAGE>3</sdfield></font></p>\n</div>')
    return _LIBRE_HEAD + "\n" + "\n".join(body) + "\n</body>\n</html>\n"


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "Guide du CSE 2025.htm").write_bytes(word(CSE).replace("\n", "\r\n").encode("cp1252"))
    (HERE / "Livretdaccueildesnouveauxsalaries.html").write_text(google(ACCUEIL), encoding="utf-8")
    (HERE / "Procedure securite incendie.html").write_text(libre(INCENDIE), encoding="utf-8")


if __name__ == "__main__":
    main()
