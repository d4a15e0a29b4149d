"""Mailboxes (.mbox): one written by the standard library's `mailbox.mbox` from tests/data/eml's messages
(tests/data/mbox/make_mbox.py), and small ones written here for one behaviour each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.corpus.files import refusal
from rag.corpus.formats import mbox
from rag.corpus.formats.base import Parsed, heading_path
from rag.corpus.formats.mbox import NOT_MBOX, messages, parse_mbox
from rag.corpus.reader import read_document

DATA = Path(__file__).resolve().parents[1] / "data"
BOX = DATA / "mbox" / "boutique.mbox"


def _message(subject: str, body: str) -> bytes:
    return (f"From: <support@boutique.example>\nSubject: {subject}\nDate: Tue, 11 Mar 2025 09:00:00 +0100\n"
            f"Content-Type: text/plain; charset=\"UTF-8\"\n\n{body}\n").encode()


def _paths(parsed: Parsed) -> list[str | None]:
    return [heading_path(section, "Boutique") for section in parsed.sections]


def _texts(parsed: Parsed) -> list[str]:
    return [line.text for section in parsed.sections for line in section.lines]


def test_each_message_is_an_entry_under_its_subject_in_the_files_order():
    parsed = parse_mbox(BOX.read_bytes())
    assert _paths(parsed) == ["Remboursement d'une commande annulée", "Réinitialiser le mot de passe",
                              "Délai de rétractation", "Horaires d'ouverture du magasin"]
    assert parsed.title is None  # the file's name is the document's
    # each read as its .eml is: Outlook's quoted message and Thunderbird's quote and signature left out
    assert not any("Objet" in line or line.startswith(">") for line in _texts(parsed))


def test_offsets_index_the_messages_bodies_joined():
    parsed = parse_mbox(BOX.read_bytes())
    text = parsed.text or ""
    for section in parsed.sections:
        for line in section.lines:
            shown = re.sub(r"<[^>]*>|&#?\w+;", "", text[line.start:line.end])
            assert line.text.split()[0] in shown and line.text.split()[-1] in shown, line


def test_a_quoted_from_line_is_unquoted_and_no_separator():
    parsed = parse_mbox(BOX.read_bytes())
    assert "From the 1st of April, it also opens on Sundays from 10 am to 1 pm." in _texts(parsed)
    # a body line beginning "From " that no header line follows is text, not a message of its own (an unquoted one)
    data = b"From a@b Tue Mar 11 09:00:00 2025\n" + _message("Horaires", "Ouvert.\n\nFrom Monday on, closed.\nFin.")
    assert len(messages(data)) == 1
    quoted = messages(b"From x\n" + _message("A", ">>From here.\n>From there."))[0]
    assert quoted.endswith(b">From here.\nFrom there.\n")


def test_a_message_that_cannot_be_read_is_reported_and_the_others_read():
    parsed = parse_mbox(BOX.read_bytes())
    assert parsed.changes[0] == "1 message(s) not read: message 5 (no text found)"
    assert parsed.changes[1].startswith("1 message(s) with attachments not read: Remboursement d'une commande "
                                        "annulée: 1 attachment(s) not read: conditions-remboursement.pdf")


def test_bounds_the_number_of_messages(monkeypatch):
    data = b"".join(b"From x\n" + _message(f"Sujet {n}", f"Texte du message {n}.") + b"\n" for n in range(3))
    monkeypatch.setattr(mbox, "MESSAGES_MAX", 2)
    parsed = parse_mbox(data)
    assert _texts(parsed) == ["Texte du message 0.", "Texte du message 1."]
    assert parsed.changes == ["only the first 2 of its 3 messages read"]


def test_a_file_that_is_no_mailbox_is_refused():
    with pytest.raises(ValueError, match=re.escape(NOT_MBOX)):
        parse_mbox(_message("Sujet", "Un .eml renommé."))
    with pytest.raises(ValueError, match="no message with text found"):
        parse_mbox(b"From x\n" + _message("Vide", ""))


def test_a_mailbox_in_the_corpus_is_read_as_one_document_named_by_its_file(tmp_path):
    path = tmp_path / "Boutique.mbox"
    path.write_bytes(BOX.read_bytes())
    assert refusal(tmp_path, path) is None
    document = read_document(tmp_path, path)
    assert document.title == "Boutique"
    assert [section.heading for section in document.sections][-1] == "Horaires d'ouverture du magasin"


def test_gmail_takeouts_and_thunderbirds_separators_crlf_lines_too():
    takeout = (b"From 1790000000000000000@xxx Wed Mar 12 10:00:00 +0000 2025\r\nX-GM-THRID: 1790000000000000000\r\n"
               b"X-Gmail-Labels: Bo\xc3\xaete de r\xc3\xa9ception\r\n" + _message("Carte cadeau", "Valable un an.")
               .replace(b"\n", b"\r\n"))
    thunderbird = (b"From - Wed Mar 12 10:05:00 2025\r\nX-Mozilla-Status: 0001\r\nX-Mozilla-Status2: 00000000\r\n"
                   + _message("Re: Retrait en magasin", "Sous deux heures.").replace(b"\n", b"\r\n"))
    parsed = parse_mbox(takeout + b"\r\n" + thunderbird)
    assert _paths(parsed) == ["Carte cadeau", "Retrait en magasin"]
    assert _texts(parsed) == ["Valable un an.", "Sous deux heures."]


def test_a_message_the_library_cannot_parse_is_left_out_and_the_others_kept():
    ok = b"From a@b Sat Jan  1 00:00:00 2022\nSubject: Budget\n\nThe budget is approved.\n\n"
    bad = (b"From a@b Sat Jan  1 00:00:00 2022\nSubject: Notes\nContent-Type: multipart/mixed; boundary=\"B\"\n\n"
           b"--B\nContent-Type: text/plain\n\nSee attached.\n--B\nContent-Type: text/plain\n"
           b"Content-Disposition: attachment; filename*\n\nx\n--B--\n")
    parsed = parse_mbox(ok + bad)
    assert "The budget is approved." in parsed.text
    assert any("1 message(s) not read" in change for change in parsed.changes)


def test_a_from_line_in_a_body_does_not_split_the_message_and_a_byte_order_mark_is_no_obstacle():
    box = (b"\xef\xbb\xbfFrom a@b Sat Jan  1 00:00:00 2022\nSubject: Memo\n\nHello team,\nFrom the desk of the CEO:\n"
           b"Note: the budget is approved.\n\nFrom c@d Sun Jan  2 00:00:00 2022\nSubject: Reply\n\nThanks.\n")
    assert [len(message) > 0 for message in messages(box)] == [True, True]
    parsed = parse_mbox(box)
    assert "Note: the budget is approved." in parsed.text and not parsed.changes


def test_dated_separators_without_a_blank_line_still_part_messages():
    """Exporters that write no blank line between messages (Roundcube's download, older mblaze): the separator's date
    tells it apart from a body's "From " line."""
    box = (b"From a@b Sat Jan  1 00:00:00 2022\nSubject: Un\n\nPremier.\nFrom c@d Sun Jan  2 10:00:00 2022\n"
           b"Subject: Deux\n\nSecond.\nFrom 123@xxx Tue Mar 11 01:31:25 +0000 2025\nSubject: Trois\n\nTroisieme.\n")
    assert len(messages(box)) == 3
