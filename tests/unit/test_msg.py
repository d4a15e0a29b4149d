"""Outlook messages (.msg) reading: the subject the title, the HTML or plain body the text as an .eml's is read (a
reply's quote left out, a forward kept), 8-bit properties in the message's code page, attachments reported, and
files that are no message, or a damaged one, refused with a reason."""

from __future__ import annotations

from pathlib import Path

import olefile
import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS, refusal
from rag.corpus.formats.eml import NO_BODY, NOT_EML
from rag.corpus.formats.msg import DAMAGED, NOT_MSG, _Message, parse_msg

DATA = Path(__file__).resolve().parents[1] / "data"


def _file(name: str) -> bytes:
    return (DATA / "msg" / name).read_bytes()


def _lines(data: bytes) -> list[str]:
    return [line.text for section in parse_msg(data).sections for line in section.lines]


def test_msg_is_a_format_rag_reads():
    assert BINARY_SUFFIXES[".msg"] is parse_msg
    assert ".msg" in FORMATS.split(", ")
    assert refusal(DATA / "msg", DATA / "msg" / "reponse-retard-livraison.msg") is None


def test_an_html_reply_is_read_without_its_quote_under_its_subject():
    parsed = parse_msg(_file("reponse-retard-livraison.msg"))
    lines = _lines(_file("reponse-retard-livraison.msg"))
    assert parsed.title == "Retard de livraison de la commande 4512"  # "RE: " left out
    assert any(line.startswith("Pour être remboursée des frais de port") and "6,90 €" in line for line in lines)
    assert "Elle sera expédiée le 14 novembre et livrée sous 48 heures ouvrées." in parsed.text
    # the HTML body is read, not the shorter plain one beside it; the quoted message and its header block are not
    assert not any("devait arriver vendredi" in line or "claire.girard@" in line or "Objet" in line for line in lines)
    assert parsed.changes == ["1 attachment(s) not read: bon-de-retour.pdf"]


def test_8_bit_properties_are_read_in_the_messages_code_page_and_a_forward_is_kept():
    parsed = parse_msg(_file("transfert-procedure-ansi.msg"))
    lines = _lines(_file("transfert-procedure-ansi.msg"))
    assert parsed.title == "Procédure de remboursement"
    assert ("Les remboursements de plus de 500 € sont validés par le responsable du service client avant d’être "
            "versés.") in lines
    assert not any("Message d'origine" in line or line.startswith("De :") for line in lines)


def test_a_real_outlook_message_names_its_attached_message():
    parsed = parse_msg(_file("msg-parser-outer.msg"))
    assert (parsed.title, _lines(_file("msg-parser-outer.msg"))) == ("outer subject", ["Outer body"])
    assert parsed.changes == ["1 attachment(s) not read: message: test"]  # its own body is not the message's


def test_a_message_without_a_body_holds_no_text():
    with pytest.raises(ValueError, match=NO_BODY):
        parse_msg(_file("sans-texte.msg"))


def test_a_mime_message_named_msg_is_read_as_an_eml():
    parsed = parse_msg((DATA / "eml" / "latin1-qp.eml").read_bytes())
    assert parsed.sections and parsed.title
    with pytest.raises(ValueError, match="not an e-mail"):
        parse_msg(b"Ceci est un simple fichier texte.")
    assert NOT_EML.startswith("not an e-mail")


def test_another_ole_file_and_a_damaged_one_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="not an Outlook message"):
        parse_msg((DATA / "audit61" / "pages" / "teletravail.doc").read_bytes())
    assert NOT_MSG.startswith("not an Outlook message")
    data = _file("msg-parser-outer.msg")
    with pytest.raises(ValueError, match=DAMAGED):
        parse_msg(data[:3000])


def test_a_stream_declaring_more_than_the_file_holds_is_not_read():
    class Ole:  # a directory entry's size, as a hostile file may declare it (olefile then reads its chain that far)
        def get_type(self, path: str) -> int:
            return olefile.STGTY_STREAM

        def get_size(self, path: str) -> int:
            return 2**32 - 1

        def openstream(self, path: str) -> None:
            raise AssertionError("read")

    assert _Message(Ole(), 6144).stream("__substg1.0_1000001F") is None  # type: ignore[arg-type]
