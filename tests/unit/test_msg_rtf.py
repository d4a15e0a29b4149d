"""Outlook messages (.msg) whose body is kept only as compressed RTF: the HTML it encapsulates read as an HTML body
is ([MS-OXRTFEX]: a real Outlook message's, and one written here), the plain text it encapsulates as a plain one,
native RTF through the RTF reader; an HTML or plain body first, as before; damaged and hostile RTF bounded."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

import rag.corpus.formats.msg as msg
from rag.corpus.formats.msg import parse_msg
from rag.corpus.formats.ole import Compound
from rag.corpus.formats.rtf_encapsulated import deencapsulated, encapsulation
from tests.helpers.outlook import (
    BODY,
    HTML,
    RTF,
    SUBJECT,
    Attachment,
    Message,
    compressed_rtf,
    msg_file,
    unicode,
)
from tests.helpers.timing import grows_linearly

OUTER = Path(__file__).resolve().parents[1] / "data" / "msg" / "msg-parser-outer.msg"  # Outlook's (its README)

REPLY = (rb"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}{\f1\fswiss\fcharset204 Arial Cyr;}}"
         b"\r\n" rb"{\*\htmltag19 <html>}{\*\htmltag50 <body>}\htmlrtf \lang1036 \htmlrtf0 "
         rb"{\*\htmltag64 <h2>}\htmlrtf {\b \htmlrtf0 Livraison \'e0 domicile\htmlrtf }\htmlrtf0 {\*\htmltag72 </h2>}"
         rb"{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 Votre commande n\'b0 4512 arrive jeudi{\*\htmltag84 &nbsp;}"
         rb"\htmlrtf \'a0\htmlrtf0 ; le transporteur appelle avant\u8239 ?.\htmlrtf\par}\htmlrtf0 {\*\htmltag72 </p>}"
         rb"{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 {\f1 \'cf\'f0\'e8\'e2\'e5\'f2} \{ok\}\htmlrtf\par}\htmlrtf0 "
         rb"{\*\htmltag72 </p>}{\*\mhtmltag84 <img src=cid:plan.png>}"
         rb"{\*\htmltag96 <div style='border:none;border-top:solid #E1E1E1 1.0pt'>}{\*\htmltag64 <p>}\htmlrtf {"
         rb"\htmlrtf0 {\*\htmltag84 <b>}De :{\*\htmltag92 </b>} Claire Girard{\*\htmltag116 <br>}"
         rb"\htmlrtf\line\htmlrtf0 "
         rb"{\*\htmltag84 <b>}Envoy\'e9 :{\*\htmltag92 </b>} lundi 10 novembre 2025{\*\htmltag116 <br>}"
         rb"{\*\htmltag84 <b>}\'c0 :{\*\htmltag92 </b>} Service client{\*\htmltag116 <br>}"
         rb"{\*\htmltag84 <b>}Objet :{\*\htmltag92 </b>} Livraison\htmlrtf\par}\htmlrtf0 {\*\htmltag72 </p>}"
         rb"{\*\htmltag104 </div>}"
         rb"{\*\htmltag64 <blockquote>}\htmlrtf {\htmlrtf0 Ma commande devait arriver vendredi.\htmlrtf\par}"
         rb"\htmlrtf0 {\*\htmltag72 </blockquote>}{\*\htmltag58 </body>}{\*\htmltag27 </html>}}")


def _lines(data: bytes) -> list[str]:
    return [line.text for section in parse_msg(data).sections for line in section.lines]


def _rtf_only(rtf: bytes, **streams: bytes) -> bytes:
    return msg_file(Message({SUBJECT: unicode("RE: Livraison"), RTF: compressed_rtf(rtf), **streams}))


def test_the_html_an_rtf_body_encapsulates_is_copied_out_without_what_only_the_rtf_shows():
    assert encapsulation(REPLY) == "html"
    html = deencapsulated(REPLY)
    assert "<h2>Livraison à domicile</h2>" in html and "plan.png" not in html and "\\lang" not in html
    assert "<p>Votre commande n° 4512 arrive jeudi&nbsp;; le transporteur appelle avant\u202f.</p>" in html
    assert "<p>Привет {ok}</p>" in html  # the font's \fcharset204: Windows-1251


def test_an_rtf_only_message_is_read_as_the_html_it_encapsulates_its_quote_left_out():
    parsed = parse_msg(_rtf_only(REPLY))
    assert parsed.title == "Livraison"
    assert [(section.heading, [line.text for line in section.lines]) for section in parsed.sections] == [
        ("Livraison à domicile", ["Votre commande n° 4512 arrive jeudi ; le transporteur appelle avant .",
                                  "Привет {ok}"])]


def test_a_real_outlook_message_s_rtf_body_is_read():
    """msg-parser's outer.msg, written by Outlook: its body kept alone, the HTML its RTF encapsulates read."""
    real = Compound(OUTER.read_bytes()).stream("__substg1.0_10090102")
    assert real is not None and real[8:12] == b"LZFu"
    data = msg_file(Message({SUBJECT: unicode("outer subject"), RTF: real}))
    assert _lines(data) == ["Outer body"]


def test_the_text_an_rtf_body_encapsulates_is_read_as_a_plain_body():
    rtf = (rb"{\rtf1\ansi\ansicpg1252\fromtext \deff0{\fonttbl{\f0\fmodern Courier New;}}\f0\fs20 "
           rb"Le colis part demain.\par\htmlrtf {\b \htmlrtf0 Suivi : 8R123\htmlrtf }\htmlrtf0\par"
           rb"\par Bien cordialement,\par -- \par Service client\par}")
    assert encapsulation(rtf) == "text"
    # its signature left out
    assert _lines(_rtf_only(rtf)) == ["Le colis part demain.", "Suivi : 8R123", "Bien cordialement,"]


def test_native_rtf_is_read_by_the_rtf_reader_its_quote_left_out():
    rtf = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}\pard Voici les tarifs :\par"
           rb"\trowd\cellx2000\cellx4000 Colis\cell 6,90 \'80\cell\row\pard"
           rb"\par -----Original Message-----\par From: Claire Girard\par Sent: lundi\par Subject: Tarifs\par"
           rb"Quels sont vos tarifs ?\par}")
    assert encapsulation(rtf) is None
    assert _lines(_rtf_only(rtf)) == ["Voici les tarifs :", "Colis | 6,90 €"]


def test_an_html_or_plain_body_stays_first_and_rtf_reads_after_an_html_body_of_pictures_alone():
    rtf = compressed_rtf(rb"{\rtf1\ansi Le texte riche.\par}")
    plain = msg_file(Message({BODY: unicode("Le texte brut."), RTF: rtf}))
    assert _lines(plain) == ["Le texte brut."]
    html = msg_file(Message({HTML: b"<html><body><p>Le texte HTML.</p></body></html>", RTF: rtf}))
    assert _lines(html) == ["Le texte HTML."]
    pictures = msg_file(Message({HTML: b'<html><body><img src="cid:plan.png"></body></html>', RTF: rtf}))
    assert _lines(pictures) == ["Le texte riche."]


def test_a_damaged_rtf_body_is_refused_with_its_reason():
    with pytest.raises(ValueError, match="damaged compressed RTF body: its checksum does not match"):
        parse_msg(msg_file(Message({RTF: compressed_rtf(rb"{\rtf1 Bonjour\par}", crc=7)})))
    with pytest.raises(ValueError, match="damaged compressed RTF body: it does not begin with"):
        parse_msg(msg_file(Message({RTF: compressed_rtf(b"Bonjour")})))


def test_rtf_over_the_reader_s_budget_is_read_to_it_and_said(monkeypatch):
    monkeypatch.setattr(msg, "RTF_MAX_BYTES", 40)
    parsed = parse_msg(_rtf_only(rb"{\rtf1\ansi Premier paragraphe.\par Second paragraphe, au-del\'e0.\par}"))
    assert [line.text for section in parsed.sections for line in section.lines] == ["Premier paragraphe.", "Seco"]
    assert "its rich-text body read to its first 40 bytes" in parsed.changes


def test_the_message_s_rich_text_is_read_before_its_attached_messages_spend_the_budget(monkeypatch):
    """Its body first on the file's budget; an attached message past it named with the reason, never "damaged"."""
    monkeypatch.setattr(msg, "RTF_MAX_BYTES", 60)
    inner = Message({SUBJECT: unicode("Annexe"),
                     RTF: compressed_rtf(rb"{\rtf1\ansi Un texte joint assez long pour tout prendre.\par}")})
    outer = Message({SUBJECT: unicode("Dossier"), RTF: compressed_rtf(rb"{\rtf1\ansi Le dossier.\par}")},
                    [Attachment(message=inner), Attachment(message=inner)])
    parsed = parse_msg(msg_file(outer))
    assert parsed.sections[0].lines[0].text == "Le dossier."
    assert parsed.changes[0] == f"1 attachment(s) not read: message: Annexe ({msg.SPENT})"


def _nested(size: int) -> bytes:
    return (rb"{\rtf1\ansi\fromhtml1 {\*\htmltag64 <p>}" + b"{" * size + b"Texte" + b"}" * size +
            rb"{\*\htmltag72 </p>}}")


def test_rtf_of_a_million_groups_is_read_in_linear_time_and_bounded_memory():
    def nested(size: int) -> None:
        assert deencapsulated(_nested(size)) == "<p>Texte</p>"

    def groups(size: int) -> None:
        html = deencapsulated(rb"{\rtf1\ansi\fromhtml1 " + rb"{\*\htmltag64 <p>}x{\*\htmltag72 </p>}" * size + b"}")
        assert len(html) == 8 * size

    nested(1_000_000)
    rtf = _nested(200_000)
    tracemalloc.start()
    try:
        assert deencapsulated(rtf) == "<p>Texte</p>"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * len(rtf)  # the text decoded, and groups nested past DEPTH_MAX kept as a count, not a stack
    assert grows_linearly(nested, 20_000) and grows_linearly(groups, 5_000)
