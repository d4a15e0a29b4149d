"""Outlook messages (.msg) reading: the subject the title, the HTML or plain body the text as an .eml's is read (a
reply's quote left out, a forward kept), 8-bit properties in the message's code page, attachments reported (an
attached message read: `tests.unit.test_msg_attached`; a compressed RTF body: `tests.unit.test_msg_rtf`), S/MIME,
files that are no message, or a damaged one, refused with a reason, and hostile compound files (thousands of entries,
sector chains that loop, `tests.helpers.cfb`) read in linear time and bounded memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.files import BINARY_SUFFIXES, FORMATS, refusal
from rag.corpus.formats.eml import NO_BODY, NOT_EML
from rag.corpus.formats.msg import DAMAGED, NOT_MSG, parse_msg
from tests.helpers.cfb import STORAGE, STREAM, Writer, properties
from tests.helpers.timing import grows_linearly

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


def test_a_real_outlook_message_reads_its_attached_message_under_its_subject():
    parsed = parse_msg(_file("msg-parser-outer.msg"))
    assert (parsed.title, _lines(_file("msg-parser-outer.msg"))) == ("outer subject", ["Outer body", "body"])
    assert [section.heading for section in parsed.sections] == [None, "test"]
    assert parsed.changes == []


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


def _message(entries: list[tuple[str, bytes]], extra: int = 0) -> tuple[Writer, list[int]]:
    """A message's compound file: its properties, `entries` as streams at its root, and `extra` storages named to sort
    before its attachments'."""
    file = Writer()
    ids = [file.stream("__properties_version1.0", properties())]
    ids += [file.stream(name, data) for name, data in entries]
    ids += [file.entry(f"A{n:07d}", STORAGE) for n in range(extra)]
    return file, ids


BODY = [("__substg1.0_1000001F", "Bonjour, voici la procédure.".encode("utf-16-le"))]


def test_a_message_of_thousands_of_streams_opens_in_linear_time():
    def opened(size: int) -> None:
        file, ids = _message(BODY)
        ids += [file.entry(f"s{n:07d}", STREAM, start=n + 10, size=1) for n in range(size)]  # never read
        file.children(0, ids)
        assert _text(parse_msg(file.build())) == ["Bonjour, voici la procédure."]

    assert grows_linearly(opened, 3000)  # olefile's check of the streams' first sectors is quadratic


def test_attachments_among_thousands_of_entries_are_named_in_linear_time():
    def named(size: int) -> None:
        file, ids = _message(BODY, extra=size)
        ids += [file.entry(f"__attach_version1.0_#{n:08X}", STORAGE) for n in range(size // 10)]
        file.children(0, ids)
        assert parse_msg(file.build()).changes[0].startswith(f"{size // 10} attachment(s) not read: attachment, ")

    assert grows_linearly(named, 2000)  # olefile found an entry by scanning its storage's children


@pytest.mark.parametrize("loops", [True, False])
def test_streams_whose_sector_chains_loop_or_overlap_are_not_read_past_the_file_s_size(loops):
    """Each attachment's name declares 8,000 bytes, its chain starting on its own sector and going on into one that
    loops on itself, or into a tail of sectors all the names share: a 40 KB file would be read as 8 MB of names."""
    file, ids = _message(BODY)
    tail = [file.sector("A".encode("utf-16-le") * 256) for _ in range(1 if loops else 16)]
    for at, sector in enumerate(tail):
        file.fat[sector] = tail[at + 1] if at + 1 < len(tail) else (sector if loops else 0xFFFFFFFE)
    for n in range(1000):
        storage = file.entry(f"__attach_version1.0_#{n:08X}", STORAGE)
        file.children(storage, [file.entry("__substg1.0_3707001F", STREAM, start=file.sector(b"", tail[0]),
                                           size=8000)])
        ids.append(storage)
    file.children(0, ids)
    reason = "chain of sectors loops" if loops else "more than the file has left"
    with pytest.raises(ValueError, match=f"damaged Outlook message: .*{reason}"):
        parse_msg(file.build())


def _text(parsed) -> list[str]:
    return [line.text for section in parsed.sections for line in section.lines]


def _msg(streams: dict[str, bytes], *ints: tuple[int, int], attachment: dict[str, bytes] | None = None) -> bytes:
    """A message's compound file: its fixed-size properties (`ints`: tag, value), its string and binary streams, one
    attachment's."""
    file = Writer()
    ids = [file.stream("__properties_version1.0", properties(*ints))]
    ids += [file.stream(name, data) for name, data in streams.items()]
    if attachment is not None:
        storage = file.entry("__attach_version1.0_#00000000", STORAGE)
        file.children(storage, [file.stream("__properties_version1.0", properties(header=8)),
                                *(file.stream(name, data) for name, data in attachment.items())])
        ids.append(storage)
    file.children(0, ids)
    return file.build()


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def test_an_html_body_of_pictures_alone_gives_way_to_the_plain_one():
    data = _msg({"__substg1.0_0037001F": _unicode("Plan d'accès"),
                 "__substg1.0_10130102": b'<html><body><img src="cid:plan.png"></body></html>',
                 "__substg1.0_1000001F": _unicode("Le parking est au sous-sol, accès par la rue Molière.")})
    assert _text(parse_msg(data)) == ["Le parking est au sous-sol, accès par la rue Molière."]


def test_an_html_body_without_a_code_page_is_read_in_its_meta_charset_and_a_guess_is_reported():
    html = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    assert _text(parse_msg(_msg({"__substg1.0_10130102": html.encode("cp1251")}))) == ["Привет, мир"]
    latin = _msg({"__substg1.0_1000001E": "Délai de livraison : 48 heures.".encode("cp1252")})
    parsed = parse_msg(latin)  # 8-bit text without PR_MESSAGE_CODEPAGE: read as a .txt is, and said so
    assert _text(parsed) == ["Délai de livraison : 48 heures."]
    assert any("Windows-1252" in change for change in parsed.changes)


def test_the_normalized_subject_titles_a_message_without_its_subject_and_a_long_one_is_cut():
    data = _msg({"__substg1.0_0E1D001F": _unicode("Horaires d'été"), **dict(BODY)})
    assert parse_msg(data).title == "Horaires d'été"
    long = _msg({"__substg1.0_0037001F": _unicode("mot " * 1500), **dict(BODY)})
    assert len(parse_msg(long).title or "") <= 2000


def test_an_s_mime_message_signed_in_clear_is_read_and_an_encrypted_one_refused_with_its_reason():
    mime = ("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=\"b1\"\r\n\r\n"
            "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLa garantie couvre deux ans.\r\n"
            "--b1\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n\r\nMIAGCSqGSIb3\r\n--b1--\r\n")
    signed = _msg({"__substg1.0_001A001F": _unicode("IPM.Note.SMIME.MultipartSigned"),
                   "__substg1.0_0037001F": _unicode("Garantie")},
                  attachment={"__substg1.0_37010102": mime.encode(), "__substg1.0_3707001F": _unicode("smime.p7m")})
    assert _text(parse_msg(signed)) == ["La garantie couvre deux ans."]
    encrypted = _msg({"__substg1.0_001A001F": _unicode("IPM.Note.SMIME"), "__substg1.0_0037001F": _unicode("Secret")},
                     attachment={"__substg1.0_37010102": b"0\x80\x06\t*\x86H", "__substg1.0_3707001F":
                                 _unicode("smime.p7m")})
    with pytest.raises(ValueError, match="S/MIME"):
        parse_msg(encrypted)


def test_a_message_in_4096_byte_sectors_is_read():
    """Version 4 compound files (Exchange's, some tools') put their header in a whole first sector of 4,096 bytes."""
    file = Writer(4096)
    html = "<html><body><p>" + "La garantie couvre deux ans. " * 200 + "</p></body></html>"  # past the mini stream
    ids = [file.stream("__properties_version1.0", properties()), file.stream("__substg1.0_10130102", html.encode()),
           file.stream("__substg1.0_0037001F", _unicode("Garantie"))]
    file.children(0, ids)
    parsed = parse_msg(file.build())
    assert parsed.title == "Garantie" and _text(parsed)[0].startswith("La garantie couvre deux ans.")


def test_storages_nested_thousands_deep_are_read_in_linear_time():
    """Storages named by their whole path held paths of n parts for each of n storages: 20,000 deep, 6 GB."""
    def nested(size: int) -> None:
        file, ids = _message(BODY)
        parent = 0
        for n in range(size):
            storage = file.entry(f"s{n:05d}", STORAGE)
            if parent:
                file.children(parent, [storage])
            else:
                ids.append(storage)
            parent = storage
        file.children(0, ids)
        assert _text(parse_msg(file.build())) == ["Bonjour, voici la procédure."]

    assert grows_linearly(nested, 2000)
