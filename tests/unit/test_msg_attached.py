"""Outlook messages (.msg) with messages attached (PR_ATTACH_METHOD 5): each read after the message's body under its
subject, as a mailbox's messages are, its own attachments named; nesting bounded (`DEPTH_MAX`), a directory that
loops refused, and many attached messages read in linear time."""

from __future__ import annotations

import pytest

from rag.corpus.formats.msg import DEPTH_MAX, parse_msg
from rag.corpus.formats.ole import Compound
from tests.helpers.cfb import STORAGE, Writer, properties
from tests.helpers.outlook import (
    BODY,
    HTML,
    NAME,
    RTF,
    SUBJECT,
    Attachment,
    Message,
    compressed_rtf,
    entries,
    msg_file,
    unicode,
)
from tests.helpers.timing import grows_linearly


def _message(subject: str, body: str, *attachments: Attachment) -> Message:
    return Message({SUBJECT: unicode(subject), BODY: unicode(body)}, list(attachments))


def _headed(data: bytes) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(section.heading, section.parents, [line.text for line in section.lines])
            for section in parse_msg(data).sections]


def test_an_attached_message_is_read_under_its_subject_and_its_own_attachments_named():
    html = b"<html><body><h2>Retours</h2><p>Sous 30 jours, dans l'emballage d'origine.</p></body></html>"
    inner = Message({SUBJECT: unicode("TR: Conditions de retour"), HTML: html},
                    [Attachment({NAME: unicode("formulaire-retour.pdf")})])
    outer = _message("Votre demande", "Voici les conditions, en pièce jointe.",
                     Attachment({NAME: unicode("facture.pdf")}), Attachment({NAME: unicode("Conditions.msg")}, inner))
    data = msg_file(outer)
    assert _headed(data) == [(None, (), ["Voici les conditions, en pièce jointe."]),
                             ("Retours", ("Conditions de retour",), ["Sous 30 jours, dans l'emballage d'origine."])]
    parsed = parse_msg(data)
    assert parsed.changes == ["1 attachment(s) not read: facture.pdf",
                              "Conditions de retour: 1 attachment(s) not read: formulaire-retour.pdf"]
    # offsets index the bodies joined (an HTML body's, its source: its lines' elements)
    assert all(line.text in parsed.text[line.start:line.end] for section in parsed.sections for line in section.lines)


def test_a_message_without_a_body_is_read_from_the_message_it_attaches_one_with_rtf_alone_too():
    inner = Message({SUBJECT: unicode("Planning"), RTF: compressed_rtf(rb"{\rtf1\ansi Livraison le jeudi.\par}")})
    outer = Message({SUBJECT: unicode("TR: Planning")}, [Attachment(message=inner)])
    assert _headed(msg_file(outer)) == [("Planning", (), ["Livraison le jeudi."])]


def test_an_attached_message_without_text_or_an_ole_object_is_named_not_read():
    empty = Message({SUBJECT: unicode("Photo")})
    ole = Message({SUBJECT: unicode("Feuille")})  # an embedded OLE object (PR_ATTACH_METHOD 6) is a storage too
    outer = _message("Vacances", "Les photos suivent.", Attachment(message=empty), Attachment(message=ole, method=6))
    parsed = parse_msg(msg_file(outer))
    assert [line.text for section in parsed.sections for line in section.lines] == ["Les photos suivent."]
    assert parsed.changes == ["2 attachment(s) not read: message: Photo (no text found), message: Feuille"]


def test_messages_nested_deeper_than_the_bound_are_named_not_read():
    message = _message("niveau 20", "texte 20")
    for level in range(19, -1, -1):
        message = _message(f"niveau {level}", f"texte {level}", Attachment(message=message))
    parsed = parse_msg(msg_file(message))
    assert [line.text for section in parsed.sections for line in section.lines] == \
        [f"texte {level}" for level in range(DEPTH_MAX + 1)]
    assert parsed.sections[-1].parents == tuple(f"niveau {level}" for level in range(1, DEPTH_MAX))
    assert parsed.changes[-1].endswith(f"1 attachment(s) not read: message: niveau {DEPTH_MAX + 1}")


def test_an_attached_message_whose_storage_holds_its_own_ancestor_is_refused():
    """A directory whose attached message lists the attachment that holds it: met twice, never read in a loop."""
    file = Writer()
    ids = [file.stream("__properties_version1.0", properties()), file.stream(BODY, unicode("Bonjour"))]
    attachment = file.entry("__attach_version1.0_#00000000", STORAGE)
    inner = file.entry("__substg1.0_3701000D", STORAGE)
    file.children(inner, [file.stream("__properties_version1.0", properties(header=24)), attachment])
    file.children(attachment, [file.stream("__properties_version1.0", properties((0x37050003, 5), header=8)), inner])
    file.children(0, [*ids, attachment])
    with pytest.raises(ValueError, match="damaged Outlook message: its directory tree meets an entry twice"):
        parse_msg(file.build())


def test_many_attached_messages_are_read_in_linear_time():
    def attached(size: int) -> None:
        outer = _message("Relances", "Voici les relances.",
                         *(Attachment(message=_message(f"Relance {n}", f"Texte {n}")) for n in range(size)))
        file = Writer()
        file.children(0, entries(file, outer, 32))
        assert len(parse_msg(file.build()).sections) == size + 1

    assert grows_linearly(attached, 100)


def test_attached_messages_of_long_subjects_are_read_within_the_file_s_budget():
    """Every stream read draws on the file's size: an attached message's subject is read once, by its reading."""
    subject = "Relance " + "n° 4512, " * 430  # 7,800 bytes in UTF-16: under NAME_BYTES, read
    outer = _message("Relances", "Voici les relances.",
                     *(Attachment(message=_message(f"{subject}{n}", f"Texte {n}")) for n in range(50)))
    assert len(parse_msg(msg_file(outer)).sections) == 51


def test_attached_messages_without_text_are_named_within_the_file_s_budget():
    """One without text is named by the subject its reading read: a second read drew on the file's size again."""
    subject = "Relance " + "n° 4512, " * 430  # 7,800 bytes in UTF-16: under NAME_BYTES, read
    outer = _message("Relances", "Voici les relances.",
                     *(Attachment(message=_message(f"{subject}{n}", "  ")) for n in range(5)))
    parsed = parse_msg(msg_file(outer))
    assert parsed.changes[0].startswith("5 attachment(s) not read: message: Relance n° 4512")


def test_each_stream_is_read_once(monkeypatch):
    """Every path, an attached message read or named, a rich-text body, reads a stream once: each read draws on the
    file's size."""
    read: list[str] = []
    stream = Compound.stream

    def counted(self: Compound, path: str, most: int | None = None) -> bytes | None:
        read.append(path.casefold())
        return stream(self, path, most)

    monkeypatch.setattr(Compound, "stream", counted)
    outer = Message({SUBJECT: unicode("Dossier"), RTF: compressed_rtf(rb"{\rtf1\ansi Le dossier.\par}")},
                    [Attachment(message=_message("Vide", "  ")), Attachment(message=_message("Plein", "Texte")),
                     Attachment({NAME: unicode("plan.pdf")})])
    parse_msg(msg_file(outer))
    assert read and len(read) == len(set(read))
