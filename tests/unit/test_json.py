"""Knowledge bases exported as JSON and JSON Lines: which values are records, what of a record is indexed, where each
line is cited (escapes included), and the files refused, each with its reason."""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from pathlib import Path

import pytest

from rag.corpus.chunking import Chunker
from rag.corpus.formats.json import MAX_DEPTH, parse_json, parse_jsonl
from rag.corpus.reader import Document, read_corpus, read_document

ARTICLE = {"id": 360001, "url": "https://aide.exemple.fr/api/v2/help_center/fr/articles/360001.json",
           "html_url": "https://aide.exemple.fr/hc/fr/articles/360001-mot-de-passe", "author_id": 42, "draft": False,
           "vote_sum": 3, "section_id": 9001, "created_at": "2024-01-15T10:00:00Z", "name": "Changer mon mot de passe",
           "title": "Changer mon mot de passe", "locale": "fr", "user_segment_id": None, "label_names": ["compte"],
           "body": "<p>Ouvrez <strong>Mon compte</strong> puis Sécurité.</p><p>Saisissez le nouveau mot de passe.</p>"}


def _words(texts: list[str]) -> list[int]:
    return [len(text.split()) for text in texts]


def _lines(parsed) -> list[tuple[str | None, list[str]]]:
    return [(section.heading, [line.text for line in section.lines]) for section in parsed.sections]


def _read(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(tmp_path, path)


def test_a_help_desk_dump_gives_a_section_per_article_of_its_largest_array_and_names_the_others():
    text = json.dumps({"articles": [ARTICLE, {**ARTICLE, "title": "Délais", "body": "Cinq jours."}],
                       "sections": [{"id": 9001, "name": "Mon compte"}], "next_page": None, "count": 2})
    parsed = parse_json(text)
    assert _lines(parsed) == [
        ("Changer mon mot de passe", ["Ouvrez Mon compte puis Sécurité.", "Saisissez le nouveau mot de passe."]),
        ("Délais", ["Cinq jours."])]
    # the other keys' text: fields, embedded and indexed with the article's passages, never quoted
    assert [[line.text for line in s.fields] for s in parsed.sections] == [
        ["Label names : compte"], ["Name : Changer mon mot de passe", "Label names : compte"]]
    # ids, counts, flags, null, dates, codes and the API's address are no text; `name` repeating the title is none
    assert parsed.changes == ['records read from "articles" (2 objects); other arrays of objects not read: '
                              '"sections" (1)']
    dated = {"title": "Retours", "body": "Sous 30 jours.", "type": "article", "updated_at": "March 3, 2024",
             "publication_date": "3 mars 2024", "status": "published"}
    assert _lines(parse_json(json.dumps([dated]))) == [("Retours", ["Sous 30 jours."])]
    sideloaded_first = json.dumps({"sections": [{"name": "Compte", "description": "Votre compte"}],
                                   "articles": [ARTICLE, ARTICLE]})
    assert [s.heading for s in parse_json(sideloaded_first).sections] == [ARTICLE["title"]] * 2  # the largest array


def test_a_top_level_array_and_a_json_lines_file_are_records_and_an_faq_s_keys_are_its_question_and_answer():
    faq = [{"question": "Puis-je payer en trois fois ?", "answer": "Oui, dès 100 €.", "category": "Paiement"},
           {"heading": "Horaires", "content": "De 9 h à 18 h."}, {"text": "Une note sans titre."}]
    assert _lines(parse_json(json.dumps(faq))) == [("Puis-je payer en trois fois ?", ["Oui, dès 100 €."]),
                                                   ("Horaires", ["De 9 h à 18 h."]), (None, ["Une note sans titre."])]
    assert parse_json(json.dumps(faq)).sections[0].parents == ("Paiement",)  # a category heads its entries
    stray = parse_json(json.dumps({"data": [*faq, "note", 3, None]}))
    assert len(stray.sections) == 3 and stray.changes == [
        "3 values of the records' array left out, not objects: numbers and strings and nulls"]
    lines = "\n".join(json.dumps(record, ensure_ascii=False) for record in faq)
    assert _lines(parse_jsonl(f"\n{lines}\n\n")) == _lines(parse_json(json.dumps(faq)))  # blank lines allowed


def test_a_bad_json_lines_line_is_left_out_and_named_but_a_file_of_bad_lines_is_refused():
    good = json.dumps({"title": "Retours", "text": "Sous 30 jours."})
    parsed = parse_jsonl(f"{good}\n{good}\n{{\"title\": \"coupé\n[1, 2]\n{good}\n")
    assert len(parsed.sections) == 3
    assert parsed.changes == ["2 lines left out, not a JSON record: line 3: not valid JSON (Unterminated string "
                              "starting at, column 11); line 4: an array, not an object: each line of a JSON Lines "
                              "file is one record"]
    pretty = json.dumps([{"title": "Retours", "text": "Sous 30 jours."}], indent=2)  # a .json saved as .jsonl
    with pytest.raises(ValueError, match=r"not JSON Lines: line 1: not valid JSON .* a JSON document is read as "):
        parse_jsonl(pretty)


def test_drafts_and_records_without_title_or_text_are_left_out_and_counted():
    records = [{"title": "Publié", "body": "Oui.", "state": "published"},
               {"title": "Brouillon", "body": "Non.", "draft": True},
               {"title": "Caché", "body": "Non.", "published": False}, {"id": 4, "votes": 2},
               {"type": "article", "title": "Intercom", "body": "Non.", "state": "draft"}]
    parsed = parse_json(json.dumps(records, indent=1))
    assert _lines(parsed) == [("Publié", ["Oui."])]  # a state, a type, a date are no text
    assert parsed.changes == [
        "3 records left out, flagged as drafts (draft: true, published: false or state: draft; not published by the "
        "site) (the first at line 8)",
        "1 record without a title or a text left out (keys such as title, name, question; body, text, content, answer, "
        "description)"]


def test_nested_objects_are_left_out_and_named_unless_they_hold_the_record_s_fields():
    records = [{"title": "Livraison", "body": "En 48 h.", "author": {"name": "Marie", "email": "m@x.fr"},
                "translations": [{"locale": "en", "title": "Delivery", "body": "Within 48 h."}]}]
    parsed = parse_json(json.dumps(records))
    assert _lines(parsed) == [("Livraison", ["En 48 h."])]
    assert parsed.changes == ["nested objects not read, another thing's data than a record's text: author, "
                              "translations"]
    contentful = {"items": [{"sys": {"id": "7x"}, "fields": {"title": "Retours", "body": "Sous 30 jours."}}]}
    assert _lines(parse_json(json.dumps(contentful))) == [("Retours", ["Sous 30 jours."])]


def test_a_record_s_page_is_its_section_s_url_and_its_passages_citation(tmp_path):
    records = [ARTICLE, {"title": "API", "body": "Rien.", "url": "https://x.fr/api/v2/articles/7"},
               {"title": "Export", "body": "Rien.", "url": "https://x.fr/export/7.json"},
               {"title": "Lien", "body": "Ici.", "link": "https://x.fr/lien"},
               {"title": "Deux", "body": "Là.", "url": "https://x.fr/a", "web_url": "https://x.fr/b"}]
    doc = _read(tmp_path, "articles.json", json.dumps(records))
    pages = [ARTICLE["html_url"], None, None, "https://x.fr/lien", "https://x.fr/b"]  # a page's key first, no API's
    assert [section.url for section in doc.sections] == pages
    assert [chunk.url for chunk in Chunker(_words, 1000).chunk(doc)] == pages
    bad = _read(tmp_path, "bad.json", json.dumps([{"title": "A", "body": "B", "html_url": "https://x.fr/<script>"}]))
    assert bad.sections[0].url is None and "1 section url(s) left out" in bad.changes[0]


def test_each_line_is_cited_at_its_characters_in_the_file_escapes_included(tmp_path):
    body = 'Première ligne, "citée".\nDeuxième\tligne \\ fin.\n\nTroisième : é'
    for ascii_only in (False, True):  # é written as itself, or as \u00e9: that line is cited whole
        text = json.dumps([{"title": "Titre", "text": body}], ensure_ascii=ascii_only)
        doc = _read(tmp_path, "a.json", text)
        (section,) = doc.sections
        assert [line.text for line in section.lines] == body.replace("\n\n", "\n").split("\n")
        for line in section.lines:
            assert json.loads(f'"{text[line.start:line.end]}"') == line.text


def test_each_piece_of_a_long_line_holding_escapes_is_cited_at_its_own_stretch(tmp_path):
    sentences = [f"Phrase {n} du paragraphe, avec quelques mots de plus." for n in range(24)]
    sentences[9] = 'Il faut cliquer sur "Valider" \\ puis\tattendre.'
    text = json.dumps([{"question": "Comment faire ?", "answer": " ".join(sentences)}], ensure_ascii=False)
    doc = _read(tmp_path, "faq.json", text)
    chunks = Chunker(_words, 40).chunk(doc)
    assert len(chunks) > 3
    for chunk in chunks:
        cited = text[chunk.start:chunk.end]
        if chunk is not chunks[0]:  # the first holds the question too
            assert json.loads(f'"{cited}"') == chunk.text


def test_spans_stay_right_for_random_strings_of_escapes():
    alphabet = ['a', ' ', 'é', '"', '\\', '\t', '\n', '/', '\u2028', '😀', '\x01', '.']
    rng = random.Random(7)
    for _ in range(300):
        value = "x" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) + "y"
        for ascii_only in (False, True):
            text = json.dumps({"items": [{"title": "t", "body": value}]}, ensure_ascii=ascii_only)
            for line in parse_json(text).sections[0].lines:
                assert json.loads(f'"{text[line.start:line.end]}"') == line.text


@pytest.mark.parametrize(("text", "reason"), [
    ('{"name": "rag", "version": "1.0.0", "scripts": {"test": "pytest"}}',
     "no records: an object of keys name, version, scripts, none an array of objects; rag reads a JSON file as "
     "records"),
    ('["a", "b"]', "no records: a top-level array of strings"),
    ('[{"port": 80, "host": "localhost"}]', "no records with a title or a text: 1 records without one"),
    ('{"title": "x",}', r"not valid JSON: Expecting property name enclosed in double quotes at line 1, column 15"),
    ("[" * 100_000 + "]" * 100_000, f"nested more than {MAX_DEPTH} levels deep"),
    ('{"data": [{"title": "Retours", "text": "' + "[{" * 200 + '"}]}', None),  # brackets in a string are no nesting
])
def test_a_json_file_without_records_is_refused_saying_what_rag_reads(tmp_path, text, reason):
    (tmp_path / "kb.json").write_text(text, encoding="utf-8")
    corpus = read_corpus(tmp_path)
    if reason is None:
        assert corpus.documents and not corpus.skipped
    else:
        assert not corpus.documents and len(corpus.skipped) == 1
        assert corpus.skipped[0].reason.startswith(reason.replace("\\", "")) or reason in corpus.skipped[0].reason


def test_a_deeply_nested_json_lines_line_is_a_bad_line_not_a_crash():
    good = json.dumps({"title": "Retours", "text": "Sous 30 jours."})
    parsed = parse_jsonl(f"{good}\n{'[' * 50_000}\n{good}\n")
    assert len(parsed.sections) == 2 and "line 2: nested more than" in parsed.changes[0]


def test_json_files_are_bounded_as_every_file(tmp_path):
    (tmp_path / "kb.jsonl").write_text(json.dumps({"title": "A", "text": "B" * 200}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="file too large"):
        read_document(tmp_path, tmp_path / "kb.jsonl", max_bytes=100)


def test_a_lone_surrogate_escape_becomes_a_replacement_character_cited_in_place_not_a_crash(tmp_path):
    # `\ud800` decodes to half a pair, which no text encodes: a passage's id (a digest of its UTF-8) raised, and the
    # whole ingest with it
    record = '{"title": "Clé \\ud800", "text": "Avant \\udc00 après", "tags\\ud83d": ["un \\ud83d"]}'
    for name, text in (("kb.json", f"[{record}]"), ("kb.jsonl", f"{record}\n")):
        doc = _read(tmp_path, name, text)
        assert doc.changes == ["4 lone surrogate escapes (\\ud800 without its pair, no character) replaced by U+FFFD"]
        (chunk,) = Chunker(_words, 1000).chunk(doc)
        assert (chunk.section, chunk.text) == ("Clé \ufffd", "Avant \ufffd après")
        assert chunk.fields == "Tags\ufffd : un \ufffd"
        (line,) = doc.sections[0].lines
        assert json.loads(f'"{text[line.start:line.end]}"').replace("\udc00", "\ufffd") == line.text


def test_rag_eval_s_questions_kept_in_the_corpus_folder_are_refused_not_indexed_and_answered_from(tmp_path):
    # a dataset folder, or a corpus beside its questions: `rag eval`'s own format, gold answers included
    gold = [{"id": "q1", "question": "Délai de retour ?", "answers": ["30 jours"], "passage_ids": ["retours"],
             "style": "short"}, {"id": "q2", "question": "Horaires ?", "answers": ["9 h à 18 h"]}]
    off_topic = [{"id": "o1", "question": "Quel temps fait-il ?"}]
    conversation = [{"id": "c1", "context": ["horaires ?"], "question": "et le samedi ?", "passage_ids": ["h"]}]
    for name, records in (("questions.jsonl", gold), ("off_topic.jsonl", off_topic), ("chat.jsonl", conversation)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # an FAQ is read, whether its answer is a string or a list under another name, or beside a gold list
    faq = [{"question": "Délai de retour ?", "answer": "30 jours.", "passage_ids": ["retours"]},
           {"question": "Horaires ?", "body": ["9 h", "18 h"]}, {"question": "Paiement ?", "answers": "En trois fois."}]
    (tmp_path / "faq.json").write_text(json.dumps(faq), encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert [doc.source for doc in corpus.documents] == ["faq.json"] and len(corpus.documents[0].sections) == 3
    assert sorted(skip.source for skip in corpus.skipped) == ["chat.jsonl", "off_topic.jsonl", "questions.jsonl"]
    assert all(skip.reason.startswith("questions without an answer of their own") for skip in corpus.skipped)


def test_json_lines_named_json_is_refused_saying_to_name_it_jsonl():
    lines = "".join(json.dumps({"title": t, "text": "Texte."}) + "\n" for t in ("Retours", "Livraison"))
    with pytest.raises(ValueError, match=r"^not valid JSON: Extra data at line 2, column 1; a value a line is JSON "
                                         r"Lines: name the file \.jsonl$"):
        parse_json(lines)
    with pytest.raises(ValueError, match=r"^not valid JSON: Extra data at line 1, column 12$"):  # not a line's start
        parse_json('{"a": "b"} {"c": "d"}')
    assert len(parse_jsonl(lines).sections) == 2


def test_an_integer_of_thousands_of_digits_is_no_reason_to_refuse_a_file():
    record = '{"title": "Retours", "text": "Sous 30 jours.", "id": ' + "9" * 5_000 + "}"
    assert _lines(parse_json(f"[{record}]")) == _lines(parse_jsonl(f"{record}\n")) == [("Retours", ["Sous 30 jours."])]


@pytest.mark.parametrize("parse", [parse_json, parse_jsonl])
def test_an_unterminated_string_full_of_escaped_quotes_is_refused_at_once(parse):
    # each `\"` after a quote never closed restarted a search to the end of the text: quadratic, 80 kB took 50 s;
    # timed in this thread's CPU time (a few ms), which other jobs on a loaded machine do not add to
    tail = '{"title": "' + '\\"' * 20_000
    started = time.thread_time()
    with pytest.raises(ValueError, match="Unterminated string"):
        parse(tail)
    assert time.thread_time() - started < 1.0


def _knowledge_base(count: int) -> str:
    """`count` passage records as JSON Lines (`{"id", "title", "text", "updated_at"}`, a text of two paragraphs)."""
    rng = random.Random(5)
    words = ("demande", "compte", "données", "droit", "accès", "délai", "réponse", "plainte", "formulaire", "mois")
    return "".join(json.dumps({"id": f"kb-{n}", "title": " ".join(rng.choices(words, k=8)).capitalize() + " ?",
                               "text": "\n\n".join(" ".join(rng.choices(words, k=30)) + "." for _ in range(2)),
                               "updated_at": "2024-03-01T10:00:00Z"}, ensure_ascii=n % 2 == 0) + "\n"
                   for n in range(count))


def _peak(read, *args):
    """What `read(*args)` gives, and the peak of the memory Python allocated while it ran (tracemalloc)."""
    tracemalloc.start()
    try:
        out = read(*args)
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_json_lines_file_is_read_a_record_at_a_time_not_held_decoded_beside_its_sections(tmp_path):
    # each record's decoded values (a list of pairs, `Spanned` strings, their offsets) were all held until the last
    # record was read, beside the sections made of them: 4.4 times the file at the peak; and the file's bytes beside
    # its text while it was parsed
    text = _knowledge_base(2_000)
    parsed, peak = _peak(parse_jsonl, text)
    assert len(parsed.sections) == 2_000 and peak < 2.5 * len(text), f"{peak / len(text):.1f} times the text"
    (tmp_path / "kb.jsonl").write_text(text, encoding="utf-8")
    size = (tmp_path / "kb.jsonl").stat().st_size
    doc, peak = _peak(read_document, tmp_path, tmp_path / "kb.jsonl")
    assert len(doc.sections) == 2_000 and peak < 3.5 * size, f"{peak / size:.1f} times the file"


def test_a_title_that_is_a_number_titles_its_record_cited_at_its_digits(tmp_path):
    # `{"title": 404, ...}` (an error code's page, a numbered article) lost its title, and its record its heading
    text = '[{"id": 7, "title": 404, "text": "La page demandée n\'existe pas."}, {"name": -2.5e3, "body": "Froid."}]\n'
    doc = _read(tmp_path, "erreurs.json", text)
    assert [(section.heading, [line.text for line in section.lines]) for section in doc.sections] == [
        ("404", ["La page demandée n'existe pas."]), ("-2.5e3", ["Froid."])]
    assert text[doc.sections[0].heading_start:].startswith("404, ")
    # a number is still no title beside a title of text, nor text under another key (an id, a count)
    assert _lines(parse_jsonl('{"title": "Retours", "name": 3, "votes": 12, "text": "Sous 30 jours."}\n')) == [
        ("Retours", ["Sous 30 jours."])]
    # a record of numbers alone (a metrics file left in the corpus) gives no passage of a bare number: refused
    with pytest.raises(ValueError, match="no records with a title or a text"):
        parse_json('[{"name": 1, "value": 3.2}, {"name": 2, "value": 4}]')


def test_json_lines_ending_in_a_carriage_return_alone_are_lines_as_universal_newlines_read_them():
    records = [json.dumps({"title": title, "text": "Texte."}) for title in ("Retours", "Livraison", "Paiement")]
    expected = [("Retours", ["Texte."]), ("Livraison", ["Texte."]), ("Paiement", ["Texte."])]
    for end in ("\n", "\r\n", "\r"):
        assert _lines(parse_jsonl(end.join(records) + end)) == expected, repr(end)
    # in a file of \n lines a \r alone is white space inside its record, as JSON reads it, not the record's end
    inside = '{"title": "Retours",\r "text": "Texte."}'
    assert _lines(parse_jsonl("\n".join([inside, *records[1:]]) + "\n")) == expected
    parsed = parse_jsonl("\r".join([*records, "{cut", json.dumps({"title": "Brouillon", "draft": True})]))
    assert parsed.changes == ["1 line left out, not a JSON record: line 4: not valid JSON (Expecting property name "
                              "enclosed in double quotes, column 2)",
                              "1 record left out, flagged as drafts (draft: true, published: false or state: draft; "
                              "not published by the site) (the first at line 5)"]
