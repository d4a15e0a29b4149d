"""The chunk-length and citation invariants, on every passage of the seed corpus and of the help centre's long
pages, with the real tokenizer."""

import html
import re

from rag.corpus.chunking import Chunker
from rag.corpus.reader import read_corpus
from rag.index.store import Index
from rag.ingestion.stages import chunker_for
from tests.helpers.paths import CORPUS, HELP_CENTRE


def test_no_passage_exceeds_the_model_window(index: Index, embedder):
    counts = embedder.count_tokens([p.indexed_text for p in index.passages])
    assert max(counts) <= embedder.max_tokens
    assert len(index.passages) >= 10


def test_every_line_of_every_passage_occurs_in_order_in_its_cited_span(index: Index):
    for passage in index.passages:
        source = (CORPUS / passage.source).read_text(encoding="utf-8")
        span = source[passage.start:passage.end]
        cursor = 0
        for line in passage.text.split("\n"):
            found = span.find(line, cursor)
            assert found >= 0, (passage.id, line)
            cursor = found + len(line)


def test_citations_are_complete(index: Index):
    for passage in index.passages:
        assert passage.doc_id and passage.title and passage.source.endswith(".txt")
        assert 0 <= passage.start < passage.end


def test_long_sections_are_split_not_truncated(index: Index):
    service = [p for p in index.passages if p.section == "Service client et désabonnement"]
    assert len(service) >= 2
    joined = " ".join(p.text for p in service)
    assert "de son abonnement." in joined  # the section's last sentence is still indexed


def _help_centre(embedder) -> list:
    chunker = chunker_for(embedder, None)
    return [chunk for doc in read_corpus(HELP_CENTRE).documents for chunk in chunker.chunk(doc)]


def test_the_help_centre_s_passages_keep_the_invariants_with_the_real_tokenizer(embedder):
    """Long pages as users keep them (hard-wrapped Markdown, nested headings, HTML tables): every passage fits the
    model, and its cited span holds its text (each line in order for text formats; each word, tags left out, for
    HTML, whose offsets delimit elements)."""
    chunks = _help_centre(embedder)
    assert len(chunks) > 80
    assert max(embedder.count_tokens([c.indexed_text for c in chunks])) <= embedder.max_tokens
    for chunk in chunks:
        source = (HELP_CENTRE / chunk.source).read_text(encoding="utf-8")
        assert 0 <= chunk.start < chunk.end <= len(source), chunk.id
        span = source[chunk.start:chunk.end]
        if chunk.source.endswith(".html"):
            shown = "".join(html.unescape(re.sub(r"<[^>]+>", "", span)).split())
            assert all(word in shown for word in chunk.text.replace(" | ", " ").split()), chunk.id
            continue
        cursor = 0
        for line in chunk.text.split("\n"):
            found = span.find(line, cursor)
            assert found >= 0, (chunk.id, line)
            cursor = found + len(line)


def test_the_help_centre_s_sections_carry_their_heading_paths(embedder):
    chunks = _help_centre(embedder)
    sections = {c.section for c in chunks if c.source == "boutique/livraison.md"}
    assert {"Express (Chronopost) › Délais", "Domicile (Colissimo) › Délais",
            "Point relais (Mondial Relay) › Délais"} <= sections
    rows = [line for c in chunks if c.source.endswith(".html") for line in c.text.split("\n") if " | " in line]
    assert rows  # an HTML table row is one line of its cells


def test_text_without_spaces_keeps_the_invariants_with_the_real_tokenizer(tmp_path, embedder):
    """Japanese (cut at 。), Thai without any break, and a base64 image inline: passages came out at 1,259 and
    201,439 tokens, which the model truncates."""
    japanese = "".join(f"返品は購入日から{n}日以内に受け付けます。" for n in range(120))
    thai = "การคืนสินค้าทำได้ภายในสามสิบวัน" * 40
    blob = "![logo](data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" * 10_000 + ")"
    (tmp_path / "aide.md").write_text(f"# ヘルプ\n\n{japanese}\n\n{thai}\n\nLogo : {blob} fin.\n", encoding="utf-8")
    chunker = chunker_for(embedder, None)
    chunks = [chunk for doc in read_corpus(tmp_path).documents for chunk in chunker.chunk(doc)]
    assert max(embedder.count_tokens([c.indexed_text for c in chunks])) <= chunker.max_tokens
    source = (tmp_path / "aide.md").read_text(encoding="utf-8")
    for chunk in chunks:
        span, cursor = source[chunk.start:chunk.end], 0
        for line in chunk.text.split("\n"):
            found = span.find(line, cursor)
            assert found >= 0, (chunk.id, line)
            cursor = found + len(line)
    kept = "".join(c.text.replace("\n", "") for c in chunks)
    assert japanese in kept and thai in kept and "base64" not in kept and "fin." in kept


def test_a_run_on_line_is_cut_between_words_with_the_real_tokenizer(tmp_path, embedder):
    """Counted alone, a one-token word merges with the prompt's last token and counts 0: runs were packed too full,
    then halved between two characters ("reto|urs")."""
    import random

    vocabulary = ["les", "retours", "sont", "acceptés", "pendant", "trente", "jours,", "accompagnés", "du",
                  "justificatif", "d'achat", "original", "colis", "remboursement", "livraison", "l'article", "échangé"]
    rng = random.Random(1)
    words = [rng.choice(vocabulary) for _ in range(600)]
    (tmp_path / "faq.md").write_text("# Retours\n\n" + " ".join(words) + "\n", encoding="utf-8")
    chunker = chunker_for(embedder, None)
    chunks = [chunk for doc in read_corpus(tmp_path).documents for chunk in chunker.chunk(doc)]
    assert len(chunks) > 2 and max(embedder.count_tokens([c.indexed_text for c in chunks])) <= chunker.max_tokens
    assert [word for c in chunks for word in c.text.split()] == words


def test_a_heading_that_leaves_little_room_loses_no_word_and_no_passage_runs_over(tmp_path, embedder):
    """A heading path near the limit left a word or two of room: ordinary words were taken for base64 and left
    out ("accompagnés", "d'achat" lost). They are cut to fit instead, and every passage, heading included, fits."""
    question = ("Comment puis-je retourner un article acheté en ligne lorsque la commande a été livrée en plusieurs "
                "colis séparés ?")
    body = "Les retours sont acceptés pendant trente jours, accompagnés du justificatif d'achat original."
    (tmp_path / "faq.md").write_text(f"# Retours et remboursements\n\n## {question}\n\n{body}\n", encoding="utf-8")
    heading = embedder.count_tokens([f"Retours et remboursements › {question}\n"])[0]
    for limit in range(heading + 1, heading + 4):
        chunker = Chunker(embedder.count_tokens, limit)
        chunks = [c for doc in read_corpus(tmp_path).documents for c in chunker.chunk(doc) if c.section]
        assert "".join("".join(c.text.split()) for c in chunks) == "".join(body.split()), limit
        assert max(embedder.count_tokens([c.indexed_text for c in chunks])) <= limit


def test_the_api_describes_the_cited_span_as_the_help_centre_s_passages_have_it(embedder):
    """`start` is not the passage's first character: a Markdown passage's span starts at its section's heading, an
    HTML one's at a tag. The descriptions clients read (OpenAPI, the connector's output schema) say what is true."""
    from rag.mcp.connector import FetchMetadata
    from rag.schemas import Citation

    spans = {(c.source.rsplit(".", 1)[1], (HELP_CENTRE / c.source).read_text(encoding="utf-8")[c.start:c.end])
             for c in _help_centre(embedder)}
    assert all(span.startswith("#") for kind, span in spans if kind == "md")
    assert all(span.startswith("<") for kind, span in spans if kind == "html")
    for model in (Citation, FetchMetadata):
        described = model.model_fields["start"].description or ""
        assert "source_text[start:end]" in described and "heading line" in described, model
        assert "first character" not in described


def test_an_ingests_short_text_file_is_cut_at_no_title_line_and_a_long_one_is(tmp_path, embedder):
    """What `rag ingest` cuts (`stages.cut`, the real tokenizer, the default passage size): a short answer to the
    question its title asks, whose lists are named by title lines, is one section; the same lines in a file of
    several passages head theirs."""
    from rag.ingestion.stages import cut
    from rag.settings import Settings

    lists = ("Il existe des listes d'opposition sur lesquelles vous pouvez vous inscrire gratuitement :\n\n"
             "La liste Robinson\n\nElle recense les personnes qui ne souhaitent pas recevoir de courriers "
             "publicitaires par voie postale.\n\nLa liste rouge\n\nVos coordonnées ne sont pas dans l'annuaire et "
             "ne sont pas communiquées pour des démarches publicitaires.\n")
    (tmp_path / "court.txt").write_text(lists, encoding="utf-8")
    filler = "\n\n".join(f"Le paragraphe {n} de ce guide détaille une étape de la démarche, ses délais, ses pièces "
                         f"et les recours possibles en cas de refus de la demande numéro {n}." for n in range(30))
    (tmp_path / "long.txt").write_text(f"{lists}\n{filler}\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('["court.txt"]\ntitle = "Comment ne plus recevoir de publicités ?"\n'
                                           '["long.txt"]\ntitle = "Comment faire une demande ?"\n', encoding="utf-8")
    corpus = read_corpus(tmp_path)
    chunks = cut(corpus, chunker_for(embedder, Settings().max_passage_tokens))
    short = [c for c in chunks if c.source == "court.txt"]
    assert [c.section for c in short] == [None]
    assert short[0].text.split("\n") == [line for line in lists.splitlines() if line]
    assert {"La liste Robinson", "La liste rouge"} <= {c.section for c in chunks if c.source == "long.txt"}
