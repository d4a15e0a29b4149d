"""Saved e-mail (.eml) reading: the subject the title, the HTML or plain body the text, a reply's quoted messages and
the signature left out (a forwarded message kept), charsets, attachments reported, hostile files in linear time."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS, refusal
from rag.corpus.formats import eml_bounds
from rag.corpus.formats.eml import HEADER_MAX, MULTIPARTS_MAX, NOT_EML, parse_eml
from rag.corpus.formats.eml_flowed import unflowed
from rag.corpus.reader import read_document
from tests.helpers.timing import grows_linearly

DATA = Path(__file__).resolve().parents[1] / "data" / "eml"


def _file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _lines(data: bytes) -> list[str]:
    return [line.text for section in parse_eml(data).sections for line in section.lines]


def _mail(body: str, content_type: str = "text/plain; charset=utf-8", subject: str = "Question",
          encoding: str = "8bit") -> bytes:
    return (f"From: Support <support@boutique.example>\nSubject: {subject}\nMIME-Version: 1.0\n"
            f"Content-Type: {content_type}\nContent-Transfer-Encoding: {encoding}\n\n{body}").encode()


def test_eml_is_a_format_rag_reads():
    assert BINARY_SUFFIXES[".eml"] is parse_eml
    assert ".eml" in FORMATS.split(", ")
    assert refusal(DATA, DATA / "latin1-qp.eml") is None


def test_the_subject_is_the_title_without_its_reply_and_forward_prefixes():
    assert parse_eml(_file("outlook-reponse.eml")).title == "Remboursement d'une commande annulée"
    assert parse_eml(_file("thunderbird-flowed.eml")).title == "Réinitialiser le mot de passe"
    assert parse_eml(_file("transfert-procedure.eml")).title == "Procédure de retour d’un colis abîmé"
    assert parse_eml(_mail("x", subject="AW: TR : RE: Lieferung")).title == "Lieferung"
    assert parse_eml(_mail("x", subject="Retour : mode d'emploi")).title == "Retour : mode d'emploi"


def test_the_html_part_is_read_as_a_page_and_the_plain_one_not_besides():
    lines = _lines(_file("gmail-reponse.eml"))
    assert lines[:3] == ["Bonjour Paul,",
                         "Pour changer l’adresse de livraison d’une commande pas encore expédiée :",
                         "ouvrez Mes commandes ;"]  # the HTML list, not the plain part's "1. ouvrez *Mes commandes*"
    assert not any("*" in line for line in lines)
    assert parse_eml(_file("gmail-reponse.eml")).blocks


def test_a_plain_text_body_is_read_as_a_txt_file_its_flowed_lines_joined():
    parsed = parse_eml(_file("thunderbird-flowed.eml"))
    lines = [line.text for section in parsed.sections for line in section.lines]
    assert ("Pour réinitialiser votre mot de passe, cliquez sur « Mot de passe oublié » sous le formulaire de "
            "connexion, puis suivez le lien reçu par e-mail : il reste valable 24 heures.") in lines
    text = parsed.text or ""
    assert all(text[line.start:line.end] == line.text for section in parsed.sections for line in section.lines)


def test_unflowed_joins_soft_breaks_of_one_quote_depth_and_unstuffs():
    assert unflowed("un \ndeux\n trois", False) == "un deux\ntrois"
    assert unflowed("un \ndeux", True) == "undeux"
    assert unflowed("> cité \n> suite\nréponse", False) == "> cité suite\nréponse"
    assert unflowed("-- \nSignature", False) == "-- \nSignature"


def test_charsets_quoted_printable_base64_and_an_unknown_charset():
    assert _lines(_file("latin1-qp.eml"))[1].startswith("Les frais de retour restent à votre charge")
    encoded = base64.encodebytes("Délai de livraison : 48 heures.".encode()).decode()
    assert _lines(_mail(encoded, encoding="base64")) == ["Délai de livraison : 48 heures."]
    bogus = _mail("", content_type="text/plain; charset=x-inconnu").replace(b"\n\n", "\n\nCafé crème.".encode())
    assert _lines(bogus) == ["Café crème."]  # decoded as a .txt file is
    latin = _mail("", content_type="text/plain").replace(b"\n\n", "\n\nCafé crème.".encode("latin-1"))
    assert _lines(latin) == ["Café crème."]


def test_attachments_are_not_read_and_are_reported():
    parsed = parse_eml(_file("outlook-reponse.eml"))
    assert parsed.changes == ["1 attachment(s) not read: conditions-remboursement.pdf"]
    assert not any("PDF" in line for line in _lines(_file("outlook-reponse.eml")))


def test_an_inline_image_is_nothing():
    assert _lines(_file("outlook-reponse.eml"))[2] == "Cordialement, Le service client"


@pytest.mark.parametrize("name, last", [
    ("outlook-reponse.eml", "Cordialement, Le service client"),  # Outlook's "De : ... Envoyé :" block
    ("gmail-reponse.eml", "Bonne journée,"),  # gmail_quote, and the gmail_signature before it
    ("apple-mail.eml", "Une carte cadeau expirée peut être prolongée une fois de 3 mois : envoyez-nous son numéro."),
    ("thunderbird-flowed.eml", "Bien à vous,"),  # the "-- " signature and the "> " quote after it
    ("talon-apple-mail.eml", "Hello"),  # a "> " run ending the message
])
def test_a_replys_quoted_message_and_signature_are_left_out(name, last):
    lines = _lines(_file(name))
    assert lines[-1] == last
    assert not any("@" in line for line in lines)


def test_a_plain_outlook_reply_and_a_gmail_attribution_wrapped_on_two_lines_are_left_out():
    body = ("Le colis part sous 24 heures.\n\n-----Original Message-----\nFrom: client@exemple.fr\n"
            "Sent: Monday\nSubject: Délai\n\nQuand part mon colis ?\n")
    assert _lines(_mail(body)) == ["Le colis part sous 24 heures."]
    body = ("Le colis part sous 24 heures.\n\nLe lun. 3 mars 2025 à 10:02, Paul <p@exemple.fr> a\nécrit :\n\n"
            "> Quand part mon colis ?\n")
    assert _lines(_mail(body)) == ["Le colis part sous 24 heures."]
    body = "Das Paket geht morgen raus.\n\nAm 3. März 2025 um 10:02 schrieb Paul <p@beispiel.de>:\n> Wann?\n"
    assert _lines(_mail(body)) == ["Das Paket geht morgen raus."]


def test_a_forwarded_message_and_an_answer_between_quotes_are_kept():
    lines = _lines(_file("transfert-procedure.eml"))
    assert lines[0] == "Pour info, la procédure à suivre."
    assert lines[-1] == "renvoyez le produit sans attendre la fin du litige."
    # Thunderbird bottom-posting: the reply below the quote it answers
    assert _lines(_file("talon-thunderbird.eml"))[-1] == "Hello"
    body = "Le ven. 7 mars, X a écrit :\n> Quel délai ?\n48 heures.\n> Et le prix ?\nGratuit.\n"
    assert _lines(_mail(body))[-1] == "Gratuit."
    forwarded = "Voici.\n\n---------- Forwarded message ---------\nFrom: x\nSent: y\nSubject: z\n\nProcédure.\n"
    assert _lines(_mail(forwarded, subject="Procédure")) == ["Voici.", "Procédure."]
    thunderbird = ("Voici.\n\n-------- Message transféré --------\nSujet : z\nDate : lun.\nDe : x <x@y>\n\n"
                   "Le ven. 7 mars, X a écrit :\n> Procédure.\n")
    assert _lines(_mail(thunderbird, subject="Procédure")) == ["Voici.", "Le ven. 7 mars, X a écrit :", "> Procédure."]


def test_a_thunderbird_html_reply_below_its_quote_keeps_the_quote_and_one_above_it_does_not():
    quote = ('<div class="moz-cite-prefix">Le 05/03/2025 à 13:40, Marie a écrit&nbsp;:<br></div>'
             "<blockquote type=\"cite\"><p>Quel délai ?</p><blockquote type=\"cite\"><p>Avant.</p></blockquote>"
             "</blockquote>")
    signature = '<pre class="moz-signature" cols="72">-- \nService client</pre>'
    html = "text/html; charset=utf-8"
    assert _lines(_mail(f"<p>48 heures.</p>{quote}{signature}", html)) == ["48 heures."]
    below = _lines(_mail(f"{quote}<p>48 heures.</p>{signature}", html))
    assert below[-2:] == ["Avant.", "48 heures."]  # the quote it answers kept, the signature not
    unmarked = _lines(_mail("<p>48 heures.</p><p>On Mon, X wrote:</p><blockquote><p>Quel délai ?</p></blockquote>",
                            html))
    assert unmarked[-1] == "Quel délai ?"  # no client's mark: kept


def test_a_forwarded_messages_header_block_is_left_out_its_addresses_with_it():
    assert not any("@" in line or "Forwarded" in line for line in _lines(_file("transfert-procedure.eml")))
    outlook = ("Pour info.\n\nDe : Logistique <log@boutique.example>\nEnvoyé : jeudi 6 mars 2025 16:12\n"
               "À : SAV <sav@boutique.example>\nObjet : Colis\n\nRenvoyez le produit.\n")
    assert _lines(_mail(outlook, subject="TR: Colis")) == ["Pour info.", "Renvoyez le produit."]


def test_a_file_that_is_no_email_is_refused():
    for data in (b"Bonjour, ceci est un simple texte.\n", b"%PDF-1.4\n", b"PK\x03\x04\x00", b"\x00\x01"):
        with pytest.raises(ValueError, match="not an e-mail"):
            parse_eml(data)
    with pytest.raises(ValueError, match="not an e-mail"):
        parse_eml(b"X-Rien: 1\n\nTexte")  # a header line, none a message has
    assert NOT_EML.startswith("not an e-mail")


def test_a_message_without_a_body_or_with_an_attachment_only_has_no_text():
    with pytest.raises(ValueError, match="no text found"):
        parse_eml(b"From: a@b.example\nSubject: Vide\n\n")
    only = (b"From: a@b.example\nSubject: Fichier\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
            b"--b\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBE\n--b--\n")
    with pytest.raises(ValueError, match="no text found"):
        parse_eml(only)


def test_hostile_messages_are_bounded():
    deep = b"From: a@b.example\nSubject: x\nMIME-Version: 1.0\n" + b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(MULTIPARTS_MAX + 1))
    with pytest.raises(ValueError, match="multipart or attached message parts"):
        parse_eml(deep + b"Content-Type: text/plain\n\nx\n")
    nested = b"From: a@b.example\nSubject: x\n" + b"Content-Type: message/rfc822\n\n" * 2000 + b"\nx\n"
    with pytest.raises(ValueError, match="multipart or attached message parts"):
        parse_eml(nested)
    params = _mail("x", content_type="text/plain; " + "p=v; " * 2000 + "charset=utf-8")
    with pytest.raises(ValueError, match="Content- header of more than"):
        parse_eml(params)
    injected = _mail("Texte.", subject="=?utf-8?q?Colis=0D=0ABcc=3A_x=40y?=")
    assert parse_eml(injected).title == "Colis Bcc: x@y"  # on one line
    big = _mail("Texte.\n", content_type="multipart/mixed; boundary=b").replace(
        b"Texte.\n", b"--b\nContent-Type: text/plain\n\nTexte.\n--b\nContent-Type: application/octet-stream\n"
        b"Content-Transfer-Encoding: base64\n\n" + b"QUFB" * 19 * 2**18 + b"\n--b--\n")
    assert _lines(big) == ["Texte."]  # the 20 MB attachment not decoded


def test_reading_takes_linear_time():
    def message(n: int) -> bytes:
        quoted = "".join(f"> ligne citée {i}\n" for i in range(n))
        text = "".join(f"Paragraphe {i} de la réponse.\n\n" for i in range(n))
        return _mail(text + "Le lun., X a écrit :\n" + quoted)

    messages = {n: message(n) for n in (2000, 8000)}
    assert grows_linearly(lambda n: parse_eml(messages[n]), 2000)
    first = b"\n\n--b\nContent-Type: text/plain\n\nTexte.\n"
    parts = {n: _mail("", content_type="multipart/mixed; boundary=b").replace(b"\n\n", first + b"".join(
        b"--b\nContent-Type: text/plain; name=f%d.txt\n\nx\n" % i for i in range(n)) + b"--b--\n") for n in (200, 800)}
    assert grows_linearly(lambda n: parse_eml(parts[n]), 200)
    subjects = {n: _mail("x", subject="=?utf-8?q?caf=C3=A9?= " * n) for n in (4000, 16000)}
    assert grows_linearly(lambda n: parse_eml(subjects[n]), 4000)
    assert (parse_eml(subjects[4000]).title or "").endswith("cafécafé")  # cut between encoded words
    html = {n: _mail("<div>" * n + "texte" + "</div>" * n, "text/html; charset=utf-8") for n in (2000, 8000)}
    assert grows_linearly(lambda n: parse_eml(html[n]), 2000)


def test_an_eml_file_is_read_with_its_title(tmp_path):
    (tmp_path / "reponse.eml").write_bytes(_file("gmail-reponse.eml"))
    document = read_document(tmp_path, tmp_path / "reponse.eml")
    assert document.title == "Changer l’adresse de livraison"
    assert "ouvrez <b>Mes commandes</b>" in document.text


@pytest.mark.parametrize("charset", ["undefined", "idna", "punycode", "utf\x00-8"])
def test_a_charset_whose_codec_fails_is_decoded_as_a_txt_file(charset):
    data = _mail("Texte é.", content_type=f'text/plain; charset="{charset}"')
    assert _lines(data) == ["Texte é."]


def test_a_content_header_of_lines_ended_by_bare_carriage_returns_is_bounded_too():
    params = _mail("x", content_type="text/plain; " + "p=v; " * 2000 + "charset=utf-8").replace(b"\n", b"\r")
    with pytest.raises(ValueError, match="Content- header of more than"):
        parse_eml(params)


def test_a_message_of_thousands_of_parts_is_read_up_to_the_bound():
    """Past `PARTS_MAX` parts, the parts over the bound are left out and the report says so (before: the whole e-mail
    was refused); a file whose parts before the bound hold no text is refused, saying why."""
    from rag.corpus.formats.eml import PARTS_MAX

    def parts(n: int, end: bytes = b"\n", text: bytes = b"x") -> bytes:
        body = b"".join(b"--b%s%s%s%s" % (end, end, text, end) for _ in range(n)) + b"--b--" + end
        return _mail("", content_type="multipart/mixed; boundary=b").replace(b"\n", end) + body

    assert set(_lines(parts(PARTS_MAX // 2))) == {"x"}
    for end in (b"\n", b"\r\n", b"\r"):
        parsed = parse_eml(parts(PARTS_MAX * 3, end))
        assert [line.text for section in parsed.sections for line in section.lines] == ["x"] * PARTS_MAX
        assert parsed.changes == [f"e-mail of more than {PARTS_MAX:,} parts: read up to its byte "
                                  f"{parts(PARTS_MAX, end).index(b'--b--'):,}, the rest left out"]
    with pytest.raises(ValueError, match="parts: a hostile file"):
        parse_eml(parts(PARTS_MAX + 1, text=b""))
    assert grows_linearly(lambda size: parse_eml(parts(size * PARTS_MAX)), 20)  # the parts past it only scanned
    both = parts(PARTS_MAX * 2)[:-6] + b"--b\nContent-Type: message/rfc822\n\n" * (MULTIPARTS_MAX * 2)
    parsed = parse_eml(both)  # past the multiparts' bound, and before that, the parts': read up to the first
    assert [line.text for section in parsed.sections for line in section.lines] == ["x"] * PARTS_MAX
    assert parsed.changes[0].startswith(f"e-mail of more than {PARTS_MAX:,} parts: read up to its byte ")


def test_a_file_past_the_bound_is_cut_at_a_delimiter_line_not_at_a_signatures_dashes():
    """The part over the bound is left out whole: the file is cut at its delimiter line, not at a line of its text
    opening on "--", a signature's `-- ` or `-----Original Message-----` (before: cut there, that part's first lines
    read, as if whole); a file whose only part is over it is refused."""
    head = 'From: a@b.example\nSubject: Test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
    first = "--b\nContent-Type: text/plain\n\nBonjour.\n"
    for dashes in ("-- \nJean\n", "-----Original Message-----\nFrom: c@d.example\n"):
        over = f"--b\nContent-Type: text/plain\n\nDeuxième partie.\n{dashes}" + "message/rfc822\n" * 101 + "--b--\n"
        parsed = parse_eml((head + first + over).encode())
        assert [line.text for section in parsed.sections for line in section.lines] == ["Bonjour."]
        assert parsed.changes == [f"e-mail of more than {MULTIPARTS_MAX} multipart or attached message parts: read up "
                                  f"to its byte {len((head + first).encode())}, the rest left out"]
        with pytest.raises(ValueError, match="hostile file"):
            parse_eml((head + over).encode())


def test_every_text_part_of_a_mixed_message_is_read_in_order():
    mixed = _mail("", content_type="multipart/mixed; boundary=b").replace(b"\n\n", b"\n\n" + (
        "--b\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Premier texte.</p></body></html>\n"
        "--b\nContent-Type: image/png\nContent-Disposition: inline; filename=a.png\n\niVBO\n"
        "--b\nContent-Type: text/html; charset=utf-8\n\n<html><body><p>Second texte.</p></body></html>\n"
        "--b\nContent-Type: text/plain; charset=utf-8\n\nTroisième texte.\n--b--\n").encode(), 1)
    assert _lines(mixed) == ["Premier texte.", "Second texte.", "Troisième texte."]
    plain = _mail("", content_type="multipart/mixed; boundary=b").replace(b"\n\n", b"\n\n" + (
        b"--b\nContent-Type: text/plain\n\nPremier texte.\n--b\nContent-Type: text/plain\n\nSecond texte.\n"
        b"--b--\n"), 1)
    assert _lines(plain) == ["Premier texte.", "Second texte."]


def test_an_attached_message_is_read_after_the_body_under_its_subject_as_an_outlook_messages_is():
    """Forwarded as an attachment (Outlook's, Gmail's), a message is read, as .msg reads it: not only named."""
    data = _mail("", content_type="multipart/mixed; boundary=b").replace(b"\n\n", b"\n\n" + (
        "--b\nContent-Type: text/plain\n\nVoir le message joint.\n--b\nContent-Type: message/rfc822\n\n"
        "From: p@x.example\nSubject: Procédure\nContent-Type: text/html\n\n<p>Ouvrez la commande.</p>\n"
        "--b--\n").encode(), 1)
    parsed = parse_eml(data)
    assert [(section.heading, [line.text for line in section.lines]) for section in parsed.sections] == \
        [(None, ["Voir le message joint."]), ("Procédure", ["Ouvrez la commande."])]
    assert parsed.changes == []


def test_a_quote_is_kept_when_it_is_the_whole_text_or_quotes_no_message():
    article = "Voici l'article 12 du contrat :\n\n> Le preneur paie le loyer.\n> Il ne sous-loue pas.\n"
    assert _lines(_mail(article))[-1] == "> Il ne sous-loue pas."
    assert _lines(_mail("Lancez :\n> pip install rag\n\nPuis :\n> rag serve\n"))[-1] == "> rag serve"
    assert _lines(_mail("Hello\n\n> Subject: Test\n> From: bob@x.example\n>\n> Hi\n")) == ["Hello"]
    forward = ("-----Original Message-----\nFrom: Paul\nSent: Monday\nTo: Me\nSubject: Procédure\n\n"
               "Pour rembourser, ouvrez la commande.\n")
    assert _lines(_mail(forward, subject="Procédure"))[-1] == "Pour rembourser, ouvrez la commande."
    html = ('<div class="gmail_quote"><div>Le lun. 3 mars, Paul &lt;p@x&gt; a écrit :</div>'
            "<blockquote>Ouvrez la commande.</blockquote></div>")
    assert _lines(_mail(html, "text/html; charset=utf-8"))[-1] == "Ouvrez la commande."


def test_a_forward_in_a_cited_blockquote_is_kept_and_yahoo_and_proton_quotes_are_not():
    apple = ('<div>Pour info.</div><blockquote type="cite"><div>Début du message réexpédié :</div>'
             "<div><b>De: </b>Paul &lt;p@x.example&gt;</div><div><b>Objet: </b>Procédure</div>"
             "<div>Ouvrez la commande.</div></blockquote>")
    assert _lines(_mail(apple, "text/html; charset=utf-8")) == ["Pour info.", "Ouvrez la commande."]
    yahoo = ('<div>La réponse est 42.</div><div id="yahoo_quoted_1" class="yahoo_quoted"><div>Le lundi 3 mars, '
             "Paul &lt;p@x.example&gt; a écrit :</div><div>Quelle est-elle ?</div></div>")
    assert _lines(_mail(yahoo, "text/html; charset=utf-8")) == ["La réponse est 42."]
    proton = ('<div>La réponse est 42.</div><div class="protonmail_quote">------- Original Message -------<br>'
              'Le lundi 3 mars, Paul &lt;p@x.example&gt; a écrit :<br><blockquote class="protonmail_quote" '
              'type="cite">Quelle est-elle ?</blockquote></div>')
    assert _lines(_mail(proton, "text/html; charset=utf-8")) == ["La réponse est 42."]


def test_a_procedure_that_names_the_fields_of_a_message_is_kept():
    procedure = ("Pour écrire au client :\nDe : votre adresse\nEnvoyé : le jour même\nObjet : Remboursement\n"
                 "Puis attendez sa réponse.\n")
    assert _lines(_mail(procedure))[-1] == "Puis attendez sa réponse."
    reply = ("La réponse est 42.\n\nDe : Paul <p@x.example>\nEnvoyé : lundi 3 mars 2025 10:02\nÀ : Moi\n"
             "Objet : question\n\nQuelle est-elle ?\n")
    assert _lines(_mail(reply)) == ["La réponse est 42."]



def test_hotmails_html_quote_of_gt_lines_is_left_out():
    hotmail = ("<div dir='ltr'>Hello<br><br><div><div id=\"SkyDrivePlaceholder\"></div>&gt; Subject: Test<br>"
               "&gt; From: bob@x.example<br>&gt; Date: Mon, 2 Apr 2012 17:44:22 +0400<br>&gt; <br>&gt; Hi<br>"
               "</div></div>")
    assert _lines(_mail(hotmail, "text/html; charset=utf-8")) == ["Hello"]
    cited = "<p>Voici l'article 12 :</p><p>&gt; Le preneur paie le loyer.</p>"
    assert _lines(_mail(cited, "text/html; charset=utf-8"))[-1] == "> Le preneur paie le loyer."


def test_a_signature_delimiter_without_its_trailing_space_ends_the_text_before_a_few_short_lines():
    signed = "Votre colis part demain.\n\nCordialement,\n--\nLéa Martin\nService client\n01 23 45 67 89\n"
    assert _lines(_mail(signed)) == ["Votre colis part demain.", "Cordialement,"]
    quoted = signed + "\nLe lun. 3 mars 2025 à 10:02, Claire <c@exemple.fr> a écrit :\n> Où est mon colis ?\n"
    assert _lines(_mail(quoted)) == ["Votre colis part demain.", "Cordialement,"]  # its few lines end at the quote
    steps = "Étape 1 : ouvrez le portail.\n--\n" + "".join(f"Étape {n} : une ligne de la procédure.\n" for n in
                                                          range(2, 12))
    assert _lines(_mail(steps))[-1] == "Étape 11 : une ligne de la procédure."  # "--" between steps heads more


def test_bare_signature_delimiters_are_read_in_linear_time():
    def message(size: int) -> bytes:
        return _mail("--\nune ligne\n" * size)

    assert grows_linearly(lambda size: parse_eml(message(size)), 2000)


@pytest.mark.parametrize("after", [
    "Ordre du jour :\n- budget 2026\n- recrutements\n",  # more of the message: an agenda
    "PS : le portail sera fermé samedi pour maintenance,\npensez à enregistrer vos demandes avant.\n",
    "1. Ouvrez le portail.\n2. Choisissez Remboursement.\n",
    "Merci de vérifier votre commande avant de la valider.\n",  # a sentence, not a name
])
def test_a_bare_dash_line_heading_more_of_the_message_is_no_signature(after):
    lines = _lines(_mail(f"Réunion mardi 10 h, salle B.\n--\n{after}"))
    assert lines[-1] == after.strip().splitlines()[-1].strip(), lines


def test_outlooks_rule_over_a_quoted_message_in_plain_text_is_left_out_with_it():
    body = ("Votre remboursement part demain.\n\n________________________________\nDe : Claire <c@exemple.fr>\n"
            "Envoyé : lundi 10 novembre 2025 09:12\nÀ : Service client\nObjet : Remboursement\n\n"
            "Bonjour, où en est mon remboursement ?\n")
    assert _lines(_mail(body)) == ["Votre remboursement part demain."]


def test_a_header_the_library_cannot_parse_refuses_the_message_with_a_value_error():
    """The library raised IndexError on a Content-Disposition "filename*" without a value: an .mbox lost every message
    with the one holding it."""
    bad = (b"Subject: Notes\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n"
           b"See attached.\n--B\nContent-Type: text/plain\nContent-Disposition: attachment; filename*\n\nx\n--B--\n")
    with pytest.raises(ValueError, match="damaged e-mail"):
        parse_eml(bad)


def test_an_alternatives_html_of_pictures_alone_gives_way_to_its_plain_text_read_once():
    """As an Outlook message's (`rag.corpus.formats.msg`): the HTML part holding no text (an image, a blank line), the
    plain one beside it is read in its place, never both; an HTML part with text stays the one read."""
    def alternative(html: str, plain: str = "Le colis part demain.\n\nService client") -> bytes:
        return ("From: <s@boutique.example>\nSubject: Suivi\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
                "boundary=m\n\n--m\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain; "
                f"charset=utf-8\n\n{plain}\n--a\nContent-Type: text/html; charset=utf-8\n\n<html><body>{html}</body>"
                "</html>\n--a--\n--m\nContent-Type: application/pdf\nContent-Disposition: attachment; "
                "filename=suivi.pdf\n\nJVBE\n--m--\n").encode()

    for pictures in ('<img src="cid:colis.png">', "&nbsp;<br>"):
        parsed = parse_eml(alternative(pictures))
        assert [line.text for section in parsed.sections for line in section.lines] == \
            ["Le colis part demain.", "Service client"]
        assert parsed.changes == ["1 attachment(s) not read: suivi.pdf"]
    assert _lines(alternative("<p>Le colis part jeudi.</p>")) == ["Le colis part jeudi."]
    with pytest.raises(ValueError, match="no text found"):
        parse_eml(alternative("<img>", plain=""))


@pytest.mark.parametrize("before", [b"", b"Subject: s\r", b"Subject: s\n", b"Subject: s\r\n"])
@pytest.mark.parametrize("name", [b"Content-Type", b"CONTENT-type", b"cOnTeNt-X"])
def test_the_checks_before_parsing_find_a_long_content_header_in_any_case_where_a_line_begins(before, name):
    """At byte 0 or after a CR, an LF or both, in any case: as the library reads a header line."""
    data = before + name + b": text/plain; x=" + b"a" * HEADER_MAX + b"\nSubject: s\n\nTexte.\n"
    with pytest.raises(ValueError, match="Content- header of more than"):
        parse_eml(data)


def test_the_checks_before_parsing_skip_a_long_header_whose_name_only_ends_content():
    data = b"Subject: s\nX-Content-Type: " + b"a" * (HEADER_MAX + 10) + b"\n\nTexte.\n"
    assert _lines(data) == ["Texte."]


@pytest.mark.parametrize("word", [b"BOUNDARY =", b"boundary=", b"Message/RFC822", b"message/rfc822"])
def test_the_checks_before_parsing_count_nesting_words_in_any_case(word):
    assert _lines(_mail("Texte.\n") + (word + b"\n") * MULTIPARTS_MAX) == ["Texte."] + [word.decode()] * MULTIPARTS_MAX
    with pytest.raises(ValueError, match=f"more than {MULTIPARTS_MAX} multipart"):
        parse_eml(_mail("Texte.\n") + (word + b"\n") * (MULTIPARTS_MAX + 1))


@pytest.mark.parametrize("pattern", [eml_bounds._BOUNDARY, eml_bounds._ATTACHED, eml_bounds._CONTENT_HEADER,
                                     eml_bounds._BOUNDARY_VALUE, eml_bounds._DELIMITER])
def test_the_checks_before_parsing_skip_to_a_literal_word(pattern):
    """A 40 MB attachment's base64 lines took 7 s to check where a pattern ignored case or began a line ("^"): the
    scan tried every byte. Each pattern scanning the file begins with a literal word, in the bytes lowered once."""
    assert not pattern.flags & (re.IGNORECASE | re.MULTILINE)
    assert re.match(rb"[a-z0-9-]", pattern.pattern)
