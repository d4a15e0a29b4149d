"""What an ingest holds of its documents once they are cut into passages (`rag.ingestion.stages.cut`)."""

from __future__ import annotations

import json
import pickle
import random
import tracemalloc
from dataclasses import replace
from pathlib import Path

from rag.corpus.chunking import Chunker
from rag.corpus.reader import Corpus, read_corpus, read_document
from rag.index.analyzer import DOCUMENT_CHARS, document_language
from rag.ingestion.stages import SAID_CHARS, corpus_language, cut, said

DATA = Path(__file__).parents[1] / "data"


def _words(texts: list[str]) -> list[int]:
    return [len(text.split()) for text in texts]


def _knowledge_base(count: int) -> str:
    """`count` passage records as JSON Lines, a text of two paragraphs each."""
    rng = random.Random(5)
    words = ("demande", "compte", "données", "droit", "accès", "délai", "réponse", "plainte", "formulaire", "mois")
    return "".join(json.dumps({"id": f"kb-{n}", "title": " ".join(rng.choices(words, k=8)).capitalize() + " ?",
                               "text": "\n\n".join(" ".join(rng.choices(words, k=30)) + "." for _ in range(2))},
                              ensure_ascii=n % 2 == 0) + "\n" for n in range(count))


def test_a_knowledge_base_is_not_held_whole_beside_its_passages_once_cut(tmp_path):
    # its text (once), its sections (1.7 times the file: each line's text, its span) and its passages were all held
    # at once while it was cut (4.6 times the file at the peak, with this counter), and its text and sections all
    # through embedding (4.2 times the file held once cut)
    (tmp_path / "kb.jsonl").write_text(_knowledge_base(2_000), encoding="utf-8")
    size = (tmp_path / "kb.jsonl").stat().st_size
    tracemalloc.start()
    try:
        corpus = Corpus([read_document(tmp_path, tmp_path / "kb.jsonl")])
        tracemalloc.reset_peak()
        passages = cut(corpus, Chunker(_words, 80))
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(passages) == 2_000
    assert held < 2.0 * size, f"{held / size:.1f} times the file held once cut"
    assert peak < 3.5 * size, f"{peak / size:.1f} times the file at the peak"


def test_documents_released_once_cut_give_the_same_passages_skips_and_language():
    # cut a section at a time, ids given over the whole document (a passage's k-th copy in another section), a
    # document without indexable text skipped as before, and the language read from what is kept of each
    for folder in sorted(path for path in DATA.iterdir() if path.is_dir()):
        for tokens in (12,):
            kept, released = read_corpus(folder), read_corpus(folder)
            whole = [(doc, doc.text, list(doc.sections)) for doc in kept.documents]
            expected = cut(kept, Chunker(_words, tokens), release=False)
            languages = [document_language(said(doc, DOCUMENT_CHARS)) for doc in kept.documents]
            assert cut(released, Chunker(_words, tokens)) == expected, folder
            assert released.skipped == kept.skipped and len(released.documents) == len(kept.documents)
            assert all(doc.text == "" and doc.sections == [] and len(doc.said or "") <= SAID_CHARS
                       for doc in released.documents)
            assert [document_language(said(doc, DOCUMENT_CHARS)) for doc in released.documents] == languages
            assert corpus_language(released.documents) == corpus_language(kept.documents), folder
            # `rag eval` reads the documents' text after the cut: kept as read
            assert [(doc, doc.text, doc.sections) for doc in kept.documents] == [item for item in whole
                                                                                  if item[0] in kept.documents]


def test_a_document_cut_whole_or_a_section_at_a_time_gives_the_same_ids(tmp_path):
    # the same paragraph in two sections: its second copy's id is suffixed over the whole document
    (tmp_path / "faq.md").write_text("# Un\n\nMême réponse.\n\n# Un\n\nMême réponse.\n", encoding="utf-8")
    doc = read_document(tmp_path, tmp_path / "faq.md")
    expected = Chunker(_words, 50).chunk(replace(doc))
    assert len({chunk.id for chunk in expected}) == 2
    assert cut(Corpus([doc]), Chunker(_words, 50)) == expected


def test_the_ray_engine_s_chunking_actors_give_back_documents_let_go_of_once_cut(tmp_path):
    """The Ray engine's actors gave each document back whole (its text, sections and lines) beside its passages,
    and the driver held them all from chunking until the build was written; they now give back what the local
    engine keeps (`stages.released`: the start of what the document said, for the corpus's language)."""
    from rag.ingestion.ray import ChunkStage  # ray itself is imported only when the engine runs

    stage = object.__new__(ChunkStage)  # without loading a model: a chunker counting words
    stage.chunker, stage.count_tokens, stage.window_tokens = Chunker(_words, 80), _words, 0
    (tmp_path / "kb.jsonl").write_text(_knowledge_base(300), encoding="utf-8")
    whole = read_document(tmp_path, tmp_path / "kb.jsonl")
    outcome, chunks, windows = stage._chunked(read_document(tmp_path, tmp_path / "kb.jsonl"))
    assert chunks == Chunker(_words, 80).chunk(whole) and windows == [[] for _ in chunks]
    assert outcome.text == "" and outcome.sections == [] and outcome.said == said(whole, SAID_CHARS)[:SAID_CHARS]
    assert len(pickle.dumps(outcome)) < len(pickle.dumps(whole)) / 10
