"""Saved e-mails (.eml, and a mailbox's messages) with messages attached (message/rfc822: a forward "as attachment",
Outlook's and Gmail's): each read after the body under its subject, as an Outlook message's are, its body as the
outer one's, its own attachments named; nesting bounded (`DEPTH_MAX`, the .msg reader's), offsets in the decoded
bodies joined, many attached messages read in linear time."""

from __future__ import annotations

import base64
import quopri

from rag.corpus.formats.eml import DEPTH_MAX, parse_eml
from rag.corpus.formats.mbox import parse_mbox
from tests.helpers.timing import grows_linearly


def _message(subject: str, body: str, *parts: str, content_type: str = "text/plain; charset=utf-8",
             encoding: str = "8bit", boundary: str = "b") -> str:
    """A message of `body`, its `parts` (each a MIME part, headers and body) attached after it."""
    head = f"From: <support@boutique.example>\nSubject: {subject}\nMIME-Version: 1.0\n"
    text = f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n{body}\n"
    if not parts:
        return head + text
    return (f"{head}Content-Type: multipart/mixed; boundary={boundary}\n\n--{boundary}\n{text}"
            + "".join(f"--{boundary}\n{part}\n" for part in parts) + f"--{boundary}--\n")


def _attached(message: str) -> str:
    return f"Content-Type: message/rfc822\nContent-Disposition: attachment\n\n{message}"


def _headed(data: bytes) -> list[tuple[str | None, tuple[str, ...], list[str]]]:
    return [(section.heading, section.parents, [line.text for line in section.lines])
            for section in parse_eml(data).sections]


def test_an_attached_message_with_attachments_is_read_under_its_subject_and_they_are_named():
    html = "<html><body><h2>Retours</h2><p>Sous 30 jours, dans l'emballage d'origine.</p></body></html>"
    inner = _message("TR: Conditions de retour", html, "Content-Type: application/pdf; name=formulaire-retour.pdf\n"
                     "Content-Disposition: attachment; filename=formulaire-retour.pdf\n\nJVBERi0=",
                     content_type="text/html; charset=utf-8", boundary="c")
    outer = _message("Votre demande", "Voici les conditions, en pièce jointe.",
                     "Content-Type: application/pdf\nContent-Disposition: attachment; filename=facture.pdf\n\nJVBE",
                     _attached(inner))
    parsed = parse_eml(outer.encode())
    assert _headed(outer.encode()) == [
        (None, (), ["Voici les conditions, en pièce jointe."]),
        ("Retours", ("Conditions de retour",), ["Sous 30 jours, dans l'emballage d'origine."])]
    assert parsed.changes == ["1 attachment(s) not read: facture.pdf",
                              "Conditions de retour: 1 attachment(s) not read: formulaire-retour.pdf"]


def test_an_attached_messages_body_is_read_as_the_outer_ones_its_quote_cut():
    reply = _message("RE: Délai", "Quatorze jours.\n\nLe 3 mars, Paul <p@x.example> a écrit :\n> Quel délai ?\n")
    parsed = parse_eml(_message("Pour info", "Ci-joint.", _attached(reply)).encode())
    assert [(section.heading, [line.text for line in section.lines]) for section in parsed.sections] == \
        [(None, ["Ci-joint."]), ("Délai", ["Quatorze jours."])]


def test_offsets_index_the_decoded_bodies_joined_quoted_printable_and_base64_ones_too():
    """As an .eml's body, an attached message's is cited in its decoded text (`parsed.text`), never in the file's
    encoded bytes: the bodies, the outer one's then the attached ones', joined by a line break."""
    plain = "Le délai de rétractation est de quatorze jours.\nIl court dès la livraison.\n"
    qp = quopri.encodestring(plain.encode()).decode()
    html = "<html><body><p>Remboursé sous 14 jours, à réception du colis.</p></body></html>"
    b64 = base64.encodebytes(html.encode()).decode()
    outer = _message("Rappels", "=C3=80 lire.", _attached(_message("Délai", qp, encoding="quoted-printable")),
                     _attached(_message("Remboursement", b64, content_type="text/html; charset=utf-8",
                                        encoding="base64")), encoding="quoted-printable")
    parsed = parse_eml(outer.encode())
    text = parsed.text or ""
    lines = [line for section in parsed.sections for line in section.lines]
    assert [line.text for line in lines] == ["À lire.", "Le délai de rétractation est de quatorze jours.",
                                             "Il court dès la livraison.",
                                             "Remboursé sous 14 jours, à réception du colis."]
    assert all(text[line.start:line.end] == line.text for line in lines[:3])
    assert lines[3].text in text[lines[3].start:lines[3].end]  # an HTML line indexes its element in the source
    assert text.startswith("À lire.\n") and plain in text and html in text


def test_an_attached_message_without_text_or_header_lines_is_named_not_read():
    empty = _message("Photo", "", "Content-Type: image/png\nContent-Disposition: attachment; filename=a.png\n\niVBO",
                     boundary="c")
    garbage = "Content-Type: message/rfc822\nContent-Disposition: attachment; filename=transfert.eml\n\nnot a mail\n"
    parsed = parse_eml(_message("Vacances", "Les photos suivent.", _attached(empty), garbage).encode())
    assert [line.text for section in parsed.sections for line in section.lines] == ["Les photos suivent."]
    assert parsed.changes == ["2 attachment(s) not read: message: Photo (no text found), transfert.eml"]


def test_a_message_without_a_body_is_read_from_the_message_it_attaches():
    outer = _message("TR: Planning", "", _attached(_message("Planning", "Livraison le jeudi.")))
    assert _headed(outer.encode()) == [("Planning", (), ["Livraison le jeudi."])]


def test_messages_nested_deeper_than_the_bound_are_named_not_read():
    message = _message("niveau 20", "texte 20")
    for level in range(19, -1, -1):
        message = _message(f"niveau {level}", f"texte {level}", _attached(message), boundary=f"b{level}")
    parsed = parse_eml(message.encode())
    assert [line.text for section in parsed.sections for line in section.lines] == \
        [f"texte {level}" for level in range(DEPTH_MAX + 1)]
    assert parsed.sections[-1].parents == tuple(f"niveau {level}" for level in range(1, DEPTH_MAX))
    assert parsed.changes[-1].endswith(f"1 attachment(s) not read: message: niveau {DEPTH_MAX + 1}")


def test_many_attached_messages_are_read_in_linear_time():
    def attached(size: int) -> None:
        outer = _message("Relances", "Voici les relances.",
                         *(_attached(_message(f"Relance {n}", f"Texte {n}. " * 200)) for n in range(size)))
        assert len(parse_eml(outer.encode()).sections) == size + 1

    assert grows_linearly(attached, 20)


def test_a_mailboxs_messages_with_attached_messages_are_each_read_under_their_subject():
    first = _message("Procédures", "Les deux procédures.", _attached(_message("Retour", "Ouvrez la commande.")))
    second = _message("Horaires", "Ouvert de 9 h à 18 h.")
    box = f"From a@x Tue Mar 11 09:00:00 2025\n{first}\nFrom b@x Tue Mar 11 10:00:00 2025\n{second}\n".encode()
    parsed = parse_mbox(box)
    assert [(section.heading, section.parents, [line.text for line in section.lines])
            for section in parsed.sections] == [("Procédures", (), ["Les deux procédures."]),
                                                ("Retour", ("Procédures",), ["Ouvrez la commande."]),
                                                ("Horaires", (), ["Ouvert de 9 h à 18 h."])]
    text = parsed.text or ""
    assert all(text[line.start:line.end] == line.text for section in parsed.sections for line in section.lines)


def _encoded(message: str, filename: str = "transfert.eml") -> str:
    """An attached message as some clients send one: base64-encoded, though RFC 2046 allows only 7bit, 8bit, binary."""
    return (f"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; "
            f"filename={filename}\n\n{base64.encodebytes(message.encode()).decode()}")


def test_an_attached_message_sent_base64_encoded_is_read_as_a_plain_one():
    inner = _message("TR: Conditions de retour", "Sous 30 jours, à réception du colis.")
    parsed = parse_eml(_message("Votre demande", "Voici les conditions.", _encoded(inner)).encode())
    assert [(section.heading, [line.text for line in section.lines]) for section in parsed.sections] == \
        [(None, ["Voici les conditions."]), ("Conditions de retour", ["Sous 30 jours, à réception du colis."])]
    assert parsed.changes == []
    text = parsed.text or ""
    assert all(text[line.start:line.end] == line.text for section in parsed.sections for line in section.lines)


def test_an_attached_message_labelled_base64_but_sent_unencoded_is_read_as_sent():
    unencoded = _encoded("").replace("\n\n", "\n\n" + _message("Retour", "Sous 30 jours."), 1)
    assert _headed(_message("Votre demande", "Voici.", unencoded).encode()) == \
        [(None, (), ["Voici."]), ("Retour", (), ["Sous 30 jours."])]


def test_an_encoded_attached_message_is_bounded_as_a_file_is():
    """Its decoded bytes were never seen by the checks run on the file: they are run on them, and past the bounds it
    is read up to the part over them, as a file and a quoted-printable message are, the report saying so (before: a
    base64 one was refused whole, "piege.eml (e-mail of more than 100 ...)"); nesting stays `DEPTH_MAX` deep; one
    whose bytes are no message is named, with why."""
    hostile = _message("Piège", "x", *(_attached(_message(f"m{n}", "y")) for n in range(150)))
    parsed = parse_eml(_message("Boîte", "Lisez.", _encoded(hostile, "piege.eml"), _encoded("not a mail")).encode())
    assert [section.heading for section in parsed.sections] == [None, "Piège", *(f"m{n}" for n in range(96))]
    assert [line.text for section in parsed.sections for line in section.lines] == ["Lisez.", "x"] + ["y"] * 96
    assert parsed.changes[0].startswith("1 attachment(s) not read: transfert.eml (not an e-mail: it does not begin")
    cut = len(hostile[:hostile.index("Subject: m96\n")].rsplit("--b\n", 1)[0].encode())
    assert parsed.changes[1:] == [f"Piège: e-mail of more than 100 multipart or attached message parts: read up to its "
                                  f"byte {cut:,}, the rest left out"]
    message = _message("niveau 20", "texte 20")
    for level in range(19, -1, -1):
        message = _message(f"niveau {level}", f"texte {level}", _encoded(message), boundary=f"b{level}")
    assert [line.text for section in parse_eml(message.encode()).sections for line in section.lines] == \
        [f"texte {level}" for level in range(DEPTH_MAX + 1)]


def test_encoded_attached_messages_parts_count_together_with_the_files():
    """Each within the bounds alone, together over them: the file's parts are bounded as a plain file's are, the
    message past them read up to the part over them (90 such of 990 parts each took the library minutes)."""
    part = "Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=p.bin\n\nz"
    inner = [_encoded(_message(f"m{n}", f"texte {n}", *([part] * 400)), f"m{n}.eml") for n in range(3)]
    parsed = parse_eml(_message("Boîte", "Lisez.", *inner).encode())
    assert [section.heading for section in parsed.sections] == [None, "m0", "m1", "m2"]
    assert parsed.changes[-1].startswith("m2: e-mail of more than 1,000 parts: read up to its byte ")


def _quoted(message: str) -> str:
    """An attached message sent quoted-printable-encoded: its "=" as "=3D", lines over 76 characters broken by a
    soft "=" line break, a header line's too."""
    return ("Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\nContent-Disposition: "
            f"attachment; filename=transfert.eml\n\n{quopri.encodestring(message.encode()).decode()}")


def test_an_attached_message_sent_quoted_printable_is_read_decoded():
    """Its header lines, its parts' boundaries and its body decoded first, not read as written ("=3D", "=C3=A0"); a
    header line the encoding broke in two does not end the headers."""
    received = "Received: from mail.boutique.example (mail.boutique.example [192.0.2.10]) by mx.client.example\n"
    inner = (received + "From: <support@boutique.example>\nSubject: =?utf-8?q?D=C3=A9lai?= de livraison\n"
             'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="=_alt"\n\n--=_alt\n'
             "Content-Type: text/plain; charset=utf-8\n\nLivraison sous 48 heures, à réception.\n--=_alt--\n")
    for newline in ("\n", "\r\n"):
        data = _message("Pour info", "Voir.", _quoted(inner)).replace("\n", newline).encode()
        assert _headed(data) == [(None, (), ["Voir."]),
                                 ("Délai de livraison", (), ["Livraison sous 48 heures, à réception."])]


def test_a_quoted_printable_messages_header_line_broken_before_a_colon_is_kept():
    """The encoder's soft line break right before a colon ("10=" then ":00:00"): the library, parsing the encoded
    text as a message, dropped the line ":00:00 ..." (no header name), and decoding then glued the next header line,
    Content-Type, to the Received one: the boundaries and the HTML were read as text. The encoded text is decoded as
    in the file."""
    received = "Received: from mail.boutique.example ([192.0.2.10]) by m; Mon 7 Dec 2026 10"
    assert len(received) == 75  # the colon of "10:00:00" is the 76th character: the encoder breaks the line there
    inner = (received + ':00:00 +0000\nContent-Type: multipart/alternative; boundary="alt"\n'
             "From: <s@boutique.example>\nSubject: Livraison\nMIME-Version: 1.0\n\n--alt\n"
             "Content-Type: text/plain; charset=utf-8\n\nLivraison jeudi.\n--alt\n"
             "Content-Type: text/html; charset=utf-8\n\n<html><body><p>Livraison <b>jeudi</b>.</p></body></html>\n"
             "--alt--\n")
    assert "10=\n:00:00" in _quoted(inner)
    parsed = parse_eml(_message("Pour info", "Voir.", _quoted(inner)).encode())
    assert [(section.heading, [line.text for line in section.lines]) for section in parsed.sections] == \
        [(None, ["Voir."]), ("Livraison", ["Livraison jeudi."])]
    assert parsed.changes == []
    subject = "Subject: R=C3=A9union du 12 mars =C3=A0 09=\n:30: avec Paul\n"  # a hand-broken Subject, as read
    quoted = ("Content-Type: message/rfc822\nContent-Transfer-Encoding: quoted-printable\n\nFrom: a@b\n" + subject
              + "MIME-Version: 1.0\nContent-Type: text/plain; charset=3Dutf-8\n\nOrdre du jour.\n")
    assert _headed(_message("Pour info", "Voir.", quoted).encode())[1][0] == "Réunion du 12 mars à 09:30: avec Paul"


def test_a_quoted_printable_messages_parts_count_once_with_the_files():
    """Its encoded text was counted by the file's checks, then its decoded bytes again: sixty messages attached in it
    were refused as over 100; they count once, as a base64 one's. Past the bound, the file is read up to the part
    over it, the report saying so (before: the whole e-mail was refused, its own body with it)."""
    def boxed(count: int) -> bytes:
        hostile = _message("Piège", "x", *(_attached(_message(f"m{n}", "y")) for n in range(count)), boundary="c")
        return _message("Boîte", "Lisez.", _quoted(hostile)).encode()

    parsed = parse_eml(boxed(60))
    assert len(parsed.sections) == 62 and parsed.changes == []
    for count in (101, 1000):
        parsed = parse_eml(boxed(count))
        assert [section.heading for section in parsed.sections] == [None, "Piège", *(f"m{n}" for n in range(97))]
        assert [line.text for line in parsed.sections[0].lines] == ["Lisez."]
        assert parsed.changes == ["e-mail of more than 100 multipart or attached message parts: read up to its byte "
                                  "20,691, the rest left out"]
        text = parsed.text or ""
        assert all(text[line.start:line.end] == line.text for section in parsed.sections for line in section.lines)


def test_an_encoded_messages_count_is_given_back_from_its_bytes_as_in_the_file():
    """What the file's count read in a quoted-printable message is given back from its bytes as in the file, no
    more: read as its declared charset, UTF-7 ("+AG0..."), its text held "message/rfc822" 200 times the file's bytes
    do not, and 150 nested parts ("=62oundary", hidden from the file's count) got past the bound of 100."""
    nested = "".join(f'Content-Type: multipart/mixed; =62oundary=3D"b{n}"\n\n--b{n}\n' for n in range(150))
    inner = f"From: <a@b.example>\nSubject: Piège\nMIME-Version: 1.0\n{nested}Content-Type: text/plain\n\nx\n"
    utf7 = "+" + base64.b64encode("message/rfc822 ".encode("utf-16-be")).decode().rstrip("=") + "-"
    for charset, spelled in (("us-ascii", ""), ("utf-7", "é " + utf7 * 200)):
        part = (f"Content-Type: message/rfc822; charset={charset}\nContent-Transfer-Encoding: quoted-printable\n\n"
                + inner + spelled)
        parsed = parse_eml(_message("Boîte", "Lisez.", part).encode())
        assert [section.heading for section in parsed.sections] == [None]
        assert "message: Piège (e-mail of more than 100 multipart or attached message parts" in parsed.changes[0]


def test_an_8bit_message_labelled_base64_but_sent_unencoded_keeps_its_accents():
    """Read from its bytes as in the file, not from the text the library read them as (U+FFFD for each byte outside
    ASCII, the part declaring no charset): "La r\ufffd\ufffdunion"."""
    inner = _message("Réunion lundi", "La réunion est déplacée à mardi.")  # sent 8bit, UTF-8
    part = "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n" + inner
    assert _headed(_message("Pour info", "Voir.", part).encode()) == \
        [(None, (), ["Voir."]), ("Réunion lundi", (), ["La réunion est déplacée à mardi."])]
