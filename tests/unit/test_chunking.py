"""Passage ids: stable, unique within a document, and linear in the number of duplicate passages; where a long
section is cut."""

from __future__ import annotations

import hashlib
import textwrap
import time

import pytest

from rag.corpus.chunking import Chunker, unindexable
from rag.corpus.reader import read_document
from rag.passage import Chunk, with_doc_id


def _chunk(text: str) -> Chunk:
    return Chunk("", "doc", "Title", "doc.md", None, None, 0, len(text), text)


def test_ids_of_100000_duplicate_passages_are_unique_and_take_linear_time():
    """A document of 100,000 identical paragraphs (a .docx of 401 KB does it) once took minutes of CPU under the
    ingest lock: every duplicate counted up from 2 through the suffixes already taken."""
    chunks = [_chunk("same paragraph")] * 100_000
    started = time.thread_time()
    ids = [chunk.id for chunk in with_doc_id(chunks, "doc")]
    elapsed = time.thread_time() - started
    digest = hashlib.sha1(b"None\x00same paragraph").hexdigest()[:10]
    assert ids[:3] == [f"doc-{digest}", f"doc-{digest}-2", f"doc-{digest}-3"]  # the ids builds already have
    assert ids[-1] == f"doc-{digest}-100000" and len(set(ids)) == len(ids)
    # linear: about a second here; counting up through the suffixes took minutes (a bound far from both: the machine
    # may be busy, and 5 s failed once under load)
    assert elapsed < 60, f"{elapsed:.1f} s for 100,000 duplicate passages"


def test_duplicates_interleaved_with_other_passages_keep_their_numbers():
    texts = ["a", "b", "a", "c", "a", "b"]
    ids = [chunk.id for chunk in with_doc_id([_chunk(t) for t in texts], "doc")]
    assert len(set(ids)) == 6
    assert [i.count("-") for i in ids] == [1, 1, 2, 1, 2, 2]
    assert ids[4].endswith("-3") and ids[5].endswith("-2")


def _words(texts) -> list[int]:
    return [len(text.split()) for text in texts]


def test_a_hard_wrapped_section_is_cut_where_a_sentence_ends(tmp_path):
    # one paragraph wrapped at about 60 characters: line ends fall inside sentences
    sentences = [f"Phrase {n} dit que la livraison {n} se fait en {n} jours ouvrés sans frais." for n in range(12)]
    wrapped = textwrap.fill(" ".join(sentences), 60)
    (tmp_path / "aide.md").write_text(f"# Aide\n\n## Livraison\n\n{wrapped}\n", encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "aide.md")
    chunks = Chunker(_words, max_tokens=60).chunk(doc)
    assert len(chunks) > 2
    assert all(chunk.text.endswith(".") for chunk in chunks)  # no passage stops inside a sentence
    assert all(chunk.text.startswith("Phrase") for chunk in chunks)  # ... nor starts inside one
    assert " ".join(" ".join(chunk.text.split()) for chunk in chunks) == " ".join(sentences)  # nothing lost
    assert all(_words([f"{chunk.context}\n{chunk.text}"])[0] <= 60 for chunk in chunks)


def test_a_cut_stays_in_the_passage_s_second_half(tmp_path):
    # a sentence ends only on the first line: moving the cut there would leave a stub, so the cut stays put
    lines = ["Voici le début.", *("et une suite de mots sans point qui continue encore" for _ in range(8))]
    (tmp_path / "aide.md").write_text("## Suite\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    chunks = Chunker(_words, max_tokens=40).chunk(read_document(tmp_path, tmp_path / "aide.md"))
    assert chunks[0].text.startswith("Voici le début.\n") and len(chunks[0].text.split()) > 20


def test_a_paragraph_end_is_a_clean_cut_whatever_its_last_character(tmp_path):
    # one-line paragraphs apart by blank lines, ending without a full stop (a link, a code name): never split inside
    paragraphs = [f"Réponse {n}. Voir la page d'aide numéro {n} pour le détail sur https://example.org/aide/{n}"
                  for n in range(8)]
    (tmp_path / "aide.md").write_text("## Réponses\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    chunks = Chunker(_words, max_tokens=40).chunk(read_document(tmp_path, tmp_path / "aide.md"))
    assert len(chunks) > 1
    assert sorted(line for chunk in chunks for line in chunk.text.splitlines()) == sorted(paragraphs)


def test_a_title_line_goes_with_what_it_titles(tmp_path):
    body = "Une phrase de contexte qui occupe de la place dans la section. " * 4
    text = f"## Droits\n\n{body}\n\nLe déréférencement\n\n{body}\n\nPour cela :\n\n{body}\n"
    (tmp_path / "droits.md").write_text(text, encoding="utf-8")
    chunks = Chunker(_words, max_tokens=60).chunk(read_document(tmp_path, tmp_path / "droits.md"))
    assert len(chunks) > 1
    for chunk in chunks:  # no passage ends on the subtitle or on the colon announcing what follows
        assert not chunk.text.endswith(("Le déréférencement", "Pour cela :"))


def _characters(texts) -> list[int]:
    """A counter of one token a character: Chinese and Japanese have no spaces to split words at."""
    return [len(text) for text in texts]


def test_japanese_is_cut_at_its_full_stops_and_each_passage_fits(tmp_path):
    sentences = [f"返品は購入日から{n}日以内に受け付けます。" for n in range(120)]
    (tmp_path / "返品.md").write_text("# 返品\n\n" + "".join(sentences) + "\n", encoding="utf-8")
    chunks = Chunker(_characters, max_tokens=120).chunk(read_document(tmp_path, tmp_path / "返品.md"))
    assert len(chunks) > 10 and all(len(f"{c.context}\n{c.text}") <= 120 for c in chunks)
    assert all(c.text.endswith("。") for c in chunks)  # whole sentences, cut at 。 with no space after it
    assert "".join(c.text.replace("\n", "") for c in chunks) == "".join(sentences)


def test_a_file_of_one_enormous_word_gives_no_passage_without_tokenizing_it_and_says_why(tmp_path):
    """A 5 MB file of one word took 48 s and 819 MB to give no passage (the tokenizer ran over its whole line three
    times), and ingest counted it as a document: the word is now judged by a prefix, and the file said unindexable."""
    longest: list[int] = []

    def counting(texts) -> list[int]:
        longest.append(max(map(len, texts), default=0))
        return _characters(texts)

    (tmp_path / "blob.txt").write_text("Titre\n\n" + "c" * 5_000_000 + "\n", encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "blob.txt")
    assert Chunker(counting, max_tokens=100).chunk(doc) == []
    assert max(longest) < 5_000  # a prefix of the word, never its 5 MB
    skipped = unindexable(doc)
    assert skipped.source == "blob.txt"
    assert skipped.reason.startswith("no indexable text: its only words are 5,000,000 characters or longer")


def test_a_word_longer_than_a_passage_is_cut_between_characters_if_it_is_prose_left_out_if_ascii(tmp_path):
    """A line of 2 MB without a space (a base64 image) once took 40 s to cut, tokenised 19 times over, and gave
    passages of 200,000 tokens that the model truncates: now the counter reads each character about twice."""
    read: list[int] = []

    def counting(texts) -> list[int]:
        read.append(sum(map(len, texts)))
        return _characters(texts)

    thai = "การคืนสินค้าทำได้ภายในสามสิบวัน" * 20  # no spaces, no full stop
    blob = "![logo](data:image/png;base64," + "iVBORw0KGgo" * 200_000 + ")"
    text = f"# Aide\n\nAvant le logo. {blob} Après le logo.\n\n{thai}\n"
    (tmp_path / "aide.md").write_text(text, encoding="utf-8")
    chunks = Chunker(counting, max_tokens=100).chunk(read_document(tmp_path, tmp_path / "aide.md"))
    assert all(len(f"{c.context}\n{c.text}") <= 100 for c in chunks)
    kept = "".join(c.text.replace("\n", "") for c in chunks)
    assert "base64" not in kept and "Avant le logo." in kept and "Après le logo." in kept
    assert thai in kept  # cut, nothing lost
    # each passage's offsets end with its last line; the sentences around a word left out are lines apart, each
    # the source's own
    assert all(text[c.start:c.end].replace("\n", "").endswith(c.text.split("\n")[-1]) for c in chunks)
    assert sum(read) < 4 * len(text)


def test_a_section_named_as_its_document_is_not_said_twice_in_the_label(tmp_path):
    """A Markdown file without front matter takes its first heading as its title: "Sécurité › Sécurité" said it
    twice."""
    from rag.search.remembered import citation

    (tmp_path / "securite.md").write_text("# Sécurité\n\nLes paiements sont chiffrés.\n\n## Cartes\n\nVisa.\n",
                                          encoding="utf-8")
    chunks = Chunker(_words, max_tokens=60).chunk(read_document(tmp_path, tmp_path / "securite.md"))
    assert [citation(c).label for c in chunks] == ["Sécurité", "Sécurité › Cartes"]
    assert chunks[0].context == "Sécurité › Sécurité"  # what is indexed is unchanged: no layout bump


def test_a_web_page_s_h1_naming_the_page_in_a_title_that_adds_the_site_s_is_not_said_twice(tmp_path):
    """A page's <title> adds the site's name to the page's, which its <h1> repeats: "Nous contacter | Aide Lumio ›
    Nous contacter" said the page's name twice in every answer's sources about that page's introduction."""
    from rag.search.remembered import citation

    page = ("<html><head><title>Nous contacter | Aide Lumio</title></head><body><h1>Nous contacter</h1>"
            "<p>Nos conseillers sont à Lyon.</p><h2>Par téléphone</h2><p>Au 09 70 80 12 34.</p>"
            "<h2>Aide Lumio</h2><p>Une section nommée comme le site.</p></body></html>")
    (tmp_path / "contact.html").write_text(page, encoding="utf-8")
    chunks = Chunker(_words, max_tokens=60).chunk(read_document(tmp_path, tmp_path / "contact.html"))
    # a section named as any part of the title (the site's name here) reads in the title already
    assert [citation(c).label for c in chunks] == [
        "Nous contacter | Aide Lumio", "Nous contacter | Aide Lumio › Par téléphone", "Nous contacter | Aide Lumio"]
    assert chunks[0].context == "Nous contacter | Aide Lumio › Nous contacter"  # what is indexed is unchanged


def test_a_paragraph_on_one_line_cut_at_its_sentences_keeps_them_on_one_line_in_each_passage(tmp_path):
    """A long one-line paragraph is cut between passages at sentence ends; within a passage its sentences stay one
    line, as in the source (joined with line breaks, `answer.markdown` showed each sentence on a line of its own)."""
    sentences = [f"The part number {n} of every bicycle we sell is covered for {n} years against defects." for n in
                 range(12)]
    (tmp_path / "warranty.md").write_text("# Warranty\n\n" + " ".join(sentences) + "\n\nNext paragraph.\n",
                                          encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=60).chunk(
        read_document(tmp_path, tmp_path / "warranty.md"))
    assert len(chunks) > 1
    lines = [line for chunk in chunks for line in chunk.text.split("\n")]
    assert " ".join(lines[:-1]) == " ".join(sentences) and lines[-1] == "Next paragraph."
    assert all(line.endswith(".") and line.count(". ") >= 1 for line in lines[:-1])  # several sentences a line
    # Japanese sentences, cut at their full stops, join back with nothing between them
    japanese = "返品は三十日以内に受け付けます。" * 30
    (tmp_path / "henpin.md").write_text(f"# 返品\n\n{japanese}\n", encoding="utf-8")
    cut = Chunker(_characters, max_tokens=100).chunk(read_document(tmp_path, tmp_path / "henpin.md"))
    assert "".join(c.text for c in cut) == japanese and all("\n" not in c.text and " " not in c.text for c in cut)


def test_a_long_line_is_cut_where_a_sentence_ends_not_after_an_abbreviation(tmp_path):
    """A full stop after an abbreviation or an initial ("p. ej.", "z. B.", "M. Dupont", "bzw.") or before a word in
    lowercase ends no sentence: a passage never ends there, and a window's sentences (`rag.passage.sentences`) are
    cut at the same places."""
    from rag.passage import sentences as split

    german = "Zahlen Sie z. B. mit Visa bzw. Mastercard an Hr. Braun. "
    spanish = "Pague p. ej. con la Visa del Sr. Pérez. "
    french = "Contactez M. Dupont ou Mme Martin pour un devis, p. ex. par courrier. "
    assert split(german + spanish + french) == [german.strip(), spanish.strip(), french.strip()]
    # each sentence about 9 words, a passage up to 20: a cut by words would often fall after "z." or "p."
    line = (german + spanish + french) * 6
    (tmp_path / "zahlung.md").write_text(f"# Zahlung\n\n{line.strip()}\n", encoding="utf-8")
    chunks = Chunker(lambda texts: [len(t.split()) for t in texts], max_tokens=20).chunk(
        read_document(tmp_path, tmp_path / "zahlung.md"))
    assert len(chunks) > 6
    ends = {german.strip(), spanish.strip(), french.strip()}
    for chunk in chunks:
        assert chunk.text.split("\n")[-1].strip() in ends or any(chunk.text.endswith(e) for e in ends), chunk.text


@pytest.mark.parametrize(("text", "expected"), [
    # scripts without case: a full stop before any of their letters ends a sentence
    ("카드로 결제할 수 있습니다. 환불은 5일 이내에 처리됩니다.",
     ["카드로 결제할 수 있습니다.", "환불은 5일 이내에 처리됩니다."]),
    ("يمكنك الدفع بالبطاقة. يتم الاسترداد خلال خمسة أيام.", ["يمكنك الدفع بالبطاقة.", "يتم الاسترداد خلال خمسة أيام."]),
    # Spanish and German openings
    ("Pague con tarjeta. ¿Tiene preguntas?", ["Pague con tarjeta.", "¿Tiene preguntas?"]),
    ("Er sagte es. „Das ist gut.“", ["Er sagte es.", "„Das ist gut.“"]),
    # a contraction's last letter is no initial; "etc." ends a sentence before a capital
    ("You can't. The card is blocked, etc. Then call us.",
     ["You can't.", "The card is blocked, etc.", "Then call us."]),
    # units after a number end sentences; "no." and "Nr." abbreviate before a number only
    ("Il mesure 2 m. Le reste attend 10 ms. Fin.", ["Il mesure 2 m.", "Le reste attend 10 ms.", "Fin."]),
    ("Say no. I will. See no. 5 and Nr. 12 here.", ["Say no.", "I will.", "See no. 5 and Nr. 12 here."]),
    # "av. J.-C." stays whole, and a sentence after it starts anew
    ("Elle naît en 206 av. J.-C. C'est la fin.", ["Elle naît en 206 av. J.-C.", "C'est la fin."]),
    # lowercase after a full stop goes on; a unit "h" ends one before a capital
    ("Ouvert de 9 h à 18 h. Ensuite, etc. et plus.", ["Ouvert de 9 h à 18 h.", "Ensuite, etc. et plus."]),
])
def test_where_sentences_end(text, expected):
    from rag.passage import sentences as split

    assert split(text) == expected


def test_a_long_code_block_is_cut_between_its_top_level_blocks(tmp_path):
    """A configuration reference's YAML block of 40 sections cut over passages: passages opened on
    "  endpoint: https://..." and ended on "section_13:", a key cited apart from its values (the documentation-site
    audit of stop 48), as short code lines read as titles that run on and no cut was clean."""
    entries = [f"section_{n}:\n  enabled: true  # turn section {n} on\n  retries: {n % 5}\n"
               f"  endpoint: https://api.example.org/v2/s{n}" for n in range(40)]
    text = "## Reference\n\nEvery key:\n\n```yaml\n" + "\n".join(entries) + "\n```\n\nThen validate it.\n"
    (tmp_path / "config.md").write_text(text, encoding="utf-8")
    chunks = Chunker(_words, max_tokens=80).chunk(read_document(tmp_path, tmp_path / "config.md"))
    assert len(chunks) > 3
    for chunk in chunks:
        lines = chunk.text.splitlines()
        assert not lines[0][:1].isspace(), lines[0]  # no passage opens inside a section's block
        assert not lines[-1].startswith("section_"), lines[-1]  # nor ends on a section's key
