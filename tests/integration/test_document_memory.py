"""A document whose parts hold more elements or text than a document may hold (`rag.corpus.formats.archive`'s
ELEMENTS_MAX, CHARACTERS_MAX) is refused within a small memory limit: they are counted as its parts inflate, before
python-docx (lxml) or ElementTree reads a part as a whole tree. Each parse runs in a subprocess whose address space is
limited (RLIMIT_AS) to what it had once its modules were imported and the file read, plus 96 MiB: a part read whole
(3,600,000 elements in a 120 KB .docx took 1.2 GiB; 200,000,000 characters in a 200 KB one, 961 MiB) runs out of
memory there, and says so as "damaged"."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.helpers.memory import limited_parse
from tests.helpers.odt import odt

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
IMPORTS = """
import docx
from rag.corpus.formats.docx import parse_docx
from rag.corpus.formats.odt import parse_odt
"""


def word_paragraphs(count: int, text: str = "x") -> bytes:
    """A .docx of `count` paragraphs of one run each (`text`), three elements a paragraph, and nothing else it
    needs."""
    body = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" * count
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-'
                         'types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                         'relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.'
                         'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                         "</Relationships>")
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    return out.getvalue()


@pytest.mark.parametrize("name", ["many.docx", "many.odt"])
def test_a_document_of_millions_of_elements_is_refused_within_a_small_memory_limit(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(word_paragraphs(1_200_000) if name.endswith(".docx")
                     else odt("<text:p><text:span>x</text:span></text:p>" * 1_200_000))
    refusal = limited_parse(path, IMPORTS, '(parse_docx if sys.argv[1].endswith(".docx") else parse_odt)')
    assert refusal.startswith(f"refused {path.suffix}: its XML holds over 2,000,000 elements"), refusal


@pytest.mark.parametrize("name", ["long.docx", "long.odt"])
def test_a_document_of_more_text_than_a_document_may_hold_is_refused_within_a_small_memory_limit(tmp_path, name):
    """60,000,000 characters (a few hundred kilobytes of zip) in 12 paragraphs: lxml holds a text node of at most
    10 MB, so a .docx's are 5,000,000 characters each."""
    paragraph = "mot " * 1_250_000
    path = tmp_path / name
    path.write_bytes(word_paragraphs(12, paragraph) if name.endswith(".docx")
                     else odt(f"<text:p>{paragraph}</text:p>" * 12))
    refusal = limited_parse(path, IMPORTS, '(parse_docx if sys.argv[1].endswith(".docx") else parse_odt)')
    assert refusal.startswith(f"refused {path.suffix}: its XML holds over 50,000,000 characters of text"), refusal


def test_a_document_of_white_space_alone_is_refused_within_a_small_memory_limit(tmp_path):
    """White space is no text (`CHARACTERS_MAX` counts a run of it as one), but it counts toward a bound of its own
    (`RAW_CHARACTERS_MAX`): 110,000,000 spaces between two paragraphs are refused before the tree is built."""
    path = tmp_path / "spaces.odt"
    path.write_bytes(odt("<text:p>Un paragraphe.</text:p>" + " " * 110_000_000 + "<text:p>Un autre.</text:p>"))
    refusal = limited_parse(path, IMPORTS, "parse_odt")
    assert refusal.startswith("refused .odt: its XML holds over 100,000,000 characters, white space included"), refusal
