"""A letter among a document's bold lines (Word, OpenDocument, PDF without headings of their own): its subject line,
and the bold lines of its head and its closing, none of which heads a section (`read_letter`).

A letter says what it is about in one bold line, labelled as a letter's field ("Objet : ...", "Subject:") or standing
above its salutation ("Madame, Monsieur,"; a reference or a date may stand between): a line of the letter, as the
addresses and the date above it and the text under it are, not a section's title. A document is read as a letter only
where that is plain: one such line, in its head (short lines only above it); several "Objet : ..." lines title the
decisions of minutes, a bold title over "Chers actionnaires," a report's section, and both stay headings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.corpus.formats.line_shapes import GREETING, SENTENCE_END, short

# A letter's subject line, by the field that labels it ("Objet : Résiliation de votre contrat", "Subject:", "Betreff:",
# "Oggetto:", "Asunto:", "Re :"): a line of the letter that says what all of it is about, not the title of the text
# after it (the address and date above it are as much the letter's)
_SUBJECT = re.compile(r"(?i:objet|subject|re|betreff|oggetto|asunto|assunto|onderwerp|concerne)\s*:")
# A letter's closing formula, opening its paragraph ("Veuillez agréer, Madame, Monsieur, ...", "Cordialement", "Yours
# sincerely", "Mit freundlichen Grüßen"): what a bold line right above it stands with, the letter's last words, not a
# section it heads ("Nous restons à votre disposition pour toute question", its full stop left out)
_CLOSING = re.compile(
    r"(?i:(?:veuillez\s+|(?:je|nous)\s+vous\s+pri(?:e|ons)\s+d(?:e\s+|['’]\s*))(?:agr[ée]er|recevoir|croire)|"
    r"recevez(?=\s*,)|(?:bien\s+)?cordialement|bien\s+à\s+vous|(?:(?:sincères|meilleures|nos|mes)\s+)?salutations|"
    r"(?:yours\s+)?(?:sincerely|faithfully)|(?:(?:kind|best|warm)\s+)?regards|"
    r"(?:mit\s+)?freundliche[nm]?\s+grü(?:ß|ss)en?|(?:viele|beste)\s+grü(?:ß|ss)e|(?:cordiali|distinti)\s+saluti|"
    r"atentamente|saludos)\b")
_SALUTATION_WORDS = 8  # "Madame la Directrice des ressources humaines", "Sehr geehrte Frau Professorin Dr. Schmidt"
# The short lines that may stand between a subject and its salutation: a reference ("Réf. : 2026-117"), a file's
# handler ("Dossier suivi par Mme Roux"), a date, an addressee's line ("À l'attention de M. Martin"); a few, as a
# letter's head has, so that a bold line is not a subject because a greeting stands somewhere under it
_BETWEEN = 3
# The short lines under a letter's closing formula that are its signature (`signature`): the signer's name, role and
# company; and the lines its formula may wrap over ("l'expression de nos salutations" / "distinguées.")
_SIGNATURE = 4
_WRAPPED = 2
# A memo's header fields, naming its sender and its readers ("À : l'ensemble du personnel", "De : Direction des
# ressources humaines", "To:", "From:", "Von:", "Cc :"), where a letter has addresses: over such fields, a subject with
# a salutation under it ("Bonjour à tous,") is a memo's, whose bold title above them ("Note de service") stays its title
_MEMO_FIELD = re.compile(r"(?i:[àa]|de|to|from|von|an|da|para|cc|destinataires?|exp[ée]diteur|émetteur)\s*:")
# An annex's or an enclosure's label opening a line under a letter's signature ("Annexe 1 : Conditions particulières",
# "Pièces jointes :", "P.J. :", "Enclosures:", "Anlage"): a part of its own after the letter, none of the signature's
# lines, whatever its weight
_ANNEX = re.compile(r"(?i:annexes?|annex|appendix|anhang|anlagen?|allegat[oi]|anexos?|pi[èe]ces?\s+jointes?|"
                    r"p\.\s?j\.?|enclosures?|encl\.)(?!\w)")
# A postscript's or a note's mark opening a paragraph ("P.S. : ...", "PS :", "P.-S.", "N.B. :"): what may follow a
# letter's signature at once, none of its sections' text
_POSTSCRIPT = re.compile(r"(?:P\.?\s?-?\s?S\.?|N\.\s?B\.?)(?!\w)")


class Paragraph(Protocol):
    """A document's paragraph as far as a letter goes: its text, and its kind (None: body text)."""

    @property
    def text(self) -> str: ...

    @property
    def kind(self) -> str | None: ...


@dataclass(frozen=True)
class Letter:
    """A letter read in a document: its subject line's index (None: the document is none), and the indexes of the bold
    lines that are the letter's text, never headings (its letterhead, its last words, its signature)."""

    subject: int | None = None
    text: frozenset[int] = frozenset()


def salutation(text: str) -> bool:
    """Whether a paragraph is a letter's salutation: a greeting word ("Madame", "Dear", "Sehr geehrte", "Bonjour")
    and a few words of titles and names, ending on a comma ("Madame, Monsieur,", "Dear Mr and Mrs Smith,"), or on a
    colon after "Dear" ("Dear Mr. Smith:", as American letters write it). "Monsieur le Maire expose :", which opens an
    item of minutes, is none."""
    shown = text.strip()
    words = shown[:-1].split()
    return len(shown) <= 60 and 0 < len(words) <= _SALUTATION_WORDS and \
        (shown.endswith(",") or (shown.endswith(":") and words[0].lower() == "dear")) and \
        not any(mark in shown[:-1] for mark in ":;!?") and bool(GREETING.fullmatch(" ".join(words[:2])))


def signature(lines: Sequence[str], subject: int, heads: Callable[[int], bool]) -> set[int]:
    """The indexes of a letter's lines (a PDF's, which has no paragraphs to tell; its subject at line `subject`)
    that are its signature: under its last closing formula (`_CLOSING`, opening a line under the salutation that
    stands under the subject, as `_greeted` finds it; in a memo, which has none, a quoted message's "Cordialement,"
    signs nothing) and the lines it wraps over (`_WRAPPED` at most, up to one ending a sentence), the short lines,
    at most `_SIGNATURE` (the signer's name, role and company), text whatever follows them (a footer, a P.S.), up to
    the first one that `heads` a paragraph (a bold annex's title under the signature, over its text, heads it) or is
    labelled as an annex or enclosures (`_ANNEX`: "Annexe 1 : Conditions", "Pièces jointes :", in any weight)."""
    greeted = next((i for i in range(subject + 1, min(subject + 2 + _BETWEEN, len(lines))) if salutation(lines[i])),
                   None)
    if greeted is None:
        return set()
    closing = next((i for i in range(len(lines) - 1, greeted, -1) if _CLOSING.match(lines[i].lstrip())), None)
    if closing is None:
        return set()
    end = closing  # the formula's last line: it ends on a full stop or a comma, or a line or two under it
    while end + 1 < len(lines) and end - closing < _WRAPPED and not lines[end].rstrip().endswith(SENTENCE_END):
        end += 1
    signed: set[int] = set()
    for i in range(end + 1, min(end + 1 + _SIGNATURE, len(lines))):
        if not short(lines[i].strip()) or heads(i) or _ANNEX.match(lines[i].lstrip()):
            break
        signed.add(i)
    return signed


def read_letter(paragraphs: Sequence[Paragraph], bold: Collection[int]) -> Letter:
    """The letter the `paragraphs` are, their `bold` lines (indexes of body paragraphs that may head sections) told.

    Its subject: the first bold line in its head (only short lines above it: a letterhead, addresses, a date) that is
    labelled as one (`_SUBJECT`, the only such bold line in the document: several title a record's sections), or that
    stands above a salutation (`salutation`, right under it or under a few short lines: a reference, a date,
    `_greeted`) under a line of body text (not under a bold title: "Résultats" between "Rapport annuel 2025" and
    "Chers actionnaires," is a report's section). Its text: the bold lines above a subject over a salutation (the
    letter's head: a memo's "MEMORANDUM" over its "Subject:" line stays its title, as does a "Note de service" over
    its fields, "À :" and "De :", `_MEMO_FIELD`, and over a salutation), a bold line right above its
    closing formula (`_CLOSING`, its last words) and one right under it, its signature, whatever follows the
    signature's block (`_signs`: a role or a company under it, a postscript, a footer; an annex's title under the
    closing, over its text, heads it)."""
    lines = sorted(bold)
    labelled = [i for i in lines if _SUBJECT.match(paragraphs[i].text.lstrip())]
    head = next((i for i, paragraph in enumerate(paragraphs) if not short(paragraph.text.strip())), len(paragraphs))
    subject = next((i for i in lines if i <= head and (
        (labelled == [i]) or (i > 0 and paragraphs[i - 1].kind is None and i - 1 not in bold and
                              _greeted(paragraphs, i, bold)))), None) if len(labelled) <= 1 else None
    if subject is None:
        return Letter()
    text = {i for i in lines if i < subject} if _greeted(paragraphs, subject, bold) and not any(
        paragraph.kind is None and _MEMO_FIELD.match(paragraph.text.lstrip()) for paragraph in paragraphs[:subject]) \
        else set()
    for i in lines:
        if i > subject and ((i + 1 < len(paragraphs) and _CLOSING.match(paragraphs[i + 1].text.lstrip())) or
                            (paragraphs[i - 1].kind is None and _CLOSING.match(paragraphs[i - 1].text.lstrip()) and
                             _signs(paragraphs, i, bold))):
            text.add(i)
    return Letter(subject, frozenset(text))


def _greeted(paragraphs: Sequence[Paragraph], i: int, bold: Collection[int]) -> bool:
    """Whether a salutation (`salutation`) stands under line `i`: right under it, or under at most `_BETWEEN` short
    lines of body text not in bold (a reference, a date, an addressee's line)."""
    for j in range(i + 1, min(i + 2 + _BETWEEN, len(paragraphs))):
        if _greets(paragraphs, j):
            return True
        if paragraphs[j].kind is not None or j in bold or not short(paragraphs[j].text.strip()):
            return False
    return False


def _signs(paragraphs: Sequence[Paragraph], i: int, bold: Collection[int]) -> bool:
    """Whether bold line `i`, right under the closing formula, is the letter's signature, whatever follows its block
    (a footer's legal lines, a postscript): a short line of body text under it (the signer's role, a company: a
    title stands over its text), a postscript (`_POSTSCRIPT`), or only short lines up to the next bold line or the
    end (`_heads_nothing`). An annex's title under the closing, over its text, heads it."""
    after = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
    if after is not None and after.kind is None and i + 1 not in bold and (
            short(after.text.strip()) or _POSTSCRIPT.match(after.text.lstrip())):
        return True
    return _heads_nothing(paragraphs, i, bold)


def _heads_nothing(paragraphs: Sequence[Paragraph], i: int, bold: Collection[int]) -> bool:
    """Whether only short lines stand under bold line `i` up to the next bold line or the end (a scan that stops at
    the next bold line: each paragraph is looked at once over the document's signatures)."""
    for j in range(i + 1, len(paragraphs)):
        if j in bold:
            return True
        if not short(paragraphs[j].text.strip()):
            return False
    return True


def _greets(paragraphs: Sequence[Paragraph], i: int) -> bool:
    return i < len(paragraphs) and paragraphs[i].kind is None and salutation(paragraphs[i].text)


__all__ = ["Letter", "Paragraph", "read_letter", "salutation", "signature"]
