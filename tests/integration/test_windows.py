"""Sentence windows and accent restoring with the real model and real FAISS: what a build holds, a question that
matches one sentence deep in a long passage, builds from before them, and re-ingest reuse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.index.accents import strip_accents
from rag.index.layout import MANIFEST, current_build
from rag.index.store import Index
from rag.index.windows import ROWS, VECTORS, window_texts
from rag.ingestion.pipeline import ingest
from rag.search.remembered import Remembered
from rag.search.searcher import Query, Searcher
from rag.settings import Settings
from tests.helpers.paths import unseal

# A long help page: the sentence a question asks about is the eleventh of its section, among others on the topic.
LONG = """# Guide de la médiathèque municipale

## Venir à la médiathèque

La médiathèque se trouve au centre-ville, à deux pas de la mairie et de la place du marché.
Elle est desservie par les lignes de bus 3 et 7, arrêt Hôtel de Ville, et par le tramway.
Un parking payant est situé rue des Écoles, à cent mètres de l'entrée principale.
Des places réservées aux personnes handicapées se trouvent devant le bâtiment.
Les vélos peuvent être garés dans l'abri couvert situé dans la cour intérieure.
L'entrée se fait par la porte principale, côté place; la porte latérale est réservée aux livraisons.
Un plan du bâtiment est affiché dans le hall et disponible à l'accueil sur simple demande.
Les casiers du hall permettent de déposer sacs et manteaux pendant la visite.
Le hall accueille aussi les expositions temporaires organisées chaque trimestre.
Les chiens guides d'aveugles et les chiens d'assistance sont admis dans toutes les salles, les autres animaux non.
Un ascenseur dessert les trois étages du bâtiment et la terrasse du dernier niveau.
Les toilettes sont situées au rez-de-chaussée et au deuxième étage, près de la salle d'étude.
"""
OTHERS = {
    "inscription.md": "# Inscription\n\n## S'inscrire\n\nL'inscription est gratuite pour les habitants de la "
                      "commune. Elle se fait à l'accueil avec une pièce d'identité et un justificatif de domicile.\n",
    "prets.md": "# Prêts\n\n## Combien de documents emprunter\n\nChaque carte permet d'emprunter dix livres et "
                "cinq disques pour trois semaines. Les prêts peuvent être prolongés une fois en ligne.\n",
    "animations.md": "# Animations\n\n## L'heure du conte\n\nChaque mercredi, les bibliothécaires lisent des contes "
                     "aux enfants de trois à huit ans. L'entrée est libre dans la limite des places.\n",
}
QUESTION = "Est-ce que je peux entrer avec mon chien guide ?"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder) -> Index:
    corpus = tmp_path_factory.mktemp("help")
    (corpus / "guide.md").write_text(LONG, encoding="utf-8")
    for name, text in OTHERS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("help-index"))
    ingest(settings, embedder=embedder)
    return Index.load(settings.index_dir)


def test_a_build_holds_windows_of_its_long_passages_only(built, embedder):
    windows = built.windows
    assert windows is not None and len(windows) == built.manifest["windows"]["count"] > 1
    assert built.manifest["windows"]["tokens"] == 64
    long_rows = {row for row, p in enumerate(built.passages) if p.source == "guide.md"}
    assert set(windows.rows.tolist()) <= long_rows  # the short passages have none
    texts = window_texts(built.passages, [[(int(f), int(e)) for r, f, e in windows.spans if r == row]
                                          for row in range(len(built))])
    assert all(t.startswith("Guide de la médiathèque municipale › Venir à la médiathèque\n") for t in texts)
    assert all(embedder.count_tokens([t.split("\n", 1)[1]])[0] - embedder.count_tokens([""])[0] <= 64
               or "." not in t.split("\n", 1)[1][:-1] for t in texts)
    np.testing.assert_allclose(windows.vectors, embedder.embed_passages(texts), atol=1e-5)


def test_a_question_on_one_sentence_deep_in_a_long_passage_finds_it_by_its_window(built, embedder):
    searcher = Searcher(built, embedder)
    hits = searcher.search([Query(QUESTION, k=3, mode="dense"), Query(QUESTION, k=3)])
    assert [h[0].citation.source for h in hits] == ["guide.md", "guide.md"]
    row = built.rows[hits[0][0].id]
    vector = embedder.embed_queries([built.embedded_question(QUESTION)])[0]
    own = float((built.vectors.vectors_for(np.array([row])) @ vector)[0])
    scored = float(built.dense_scores(np.array([row]), vector)[0])
    # the window of the sentence scores clearly above the passage's own vector
    assert scored > own + 0.01


def test_the_dense_side_embeds_the_question_with_the_corpus_s_accents(built):
    assert built.accents and built.manifest["accents"]["words"] == len(built.accents)
    asked = "Ou se trouve la mediatheque, quel etage ?"  # "ou": this corpus writes it plain too
    assert built.embedded_question(asked) == "Ou se trouve la médiathèque, quel étage ?"
    assert built.embedded_question("Mediatheque") == "Médiathèque"  # the first letter's case kept
    assert built.embedded_question(strip_accents(QUESTION)) == QUESTION


def _as_before_windows(build: Path) -> None:
    """Make `build` a build written before windows and the accent table: their files and manifest entries gone."""
    manifest = json.loads((unseal(build) / MANIFEST).read_text(encoding="utf-8"))
    for name in (VECTORS, ROWS, "accents.json"):
        (build / name).unlink()
        del manifest["files"][name]
    del manifest["windows"], manifest["accents"]
    (build / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_a_build_without_windows_loads_and_scores_as_before(fresh_settings, embedder):
    ingest(fresh_settings, embedder=embedder)
    build = current_build(fresh_settings.index_dir)
    assert build is not None
    _as_before_windows(build)
    index = Index.load(fresh_settings.index_dir)
    assert index.windows is None and index.accents is None
    question = "Quels sont vos horaires ?"
    vector = embedder.embed_queries([question])[0]
    rows = np.arange(len(index))
    assert index.headings is not None
    # its passages' and headings' scores (a heading worded as a question weighed: `Headings.weigh`)
    before = np.maximum(index.vectors.vectors_for(rows) @ vector, index.headings.scores(vector)[index.headings.of_row])
    np.testing.assert_array_equal(index.dense_scores(rows, vector), before)
    assert index.embedded_question("quel debit") == "quel debit"
    assert Searcher(index, embedder).search([Query(question)])[0]


def _counting(embedder, asked: list[str]):
    """`embedder`, noting in `asked` every passage text it is asked to embed."""

    class Counting:
        def __getattr__(self, name):
            return getattr(embedder, name)

        def embed_passages(self, texts, **kwargs):
            asked.extend(texts)
            return embedder.embed_passages(texts, **kwargs)

    return Counting()


def test_a_reingest_reuses_the_windows_of_unchanged_passages(fresh_settings, embedder):
    first = ingest(fresh_settings, embedder=embedder)
    before = Index.load(fresh_settings.index_dir)
    assert before.windows is not None
    article = fresh_settings.corpus_dir / "secu-debi-plateforme.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne ligne ajoutée à la fin.\n", encoding="utf-8")
    asked: list[str] = []
    counting = _counting(embedder, asked)

    second = ingest(fresh_settings, embedder=counting)  # type: ignore[arg-type]
    assert second.build_id != first.build_id
    index = Index.load(fresh_settings.index_dir)
    assert index.windows is not None
    new_windows = [t for t in asked if "\n" in t and t not in {p.indexed_text for p in index.passages}]
    assert len(new_windows) < len(before.windows) / 2  # only the changed passage's windows are embedded again
    texts = window_texts(index.passages, [[(int(f), int(e)) for r, f, e in index.windows.spans if r == row]
                                          for row in range(len(index))])
    np.testing.assert_allclose(index.windows.vectors, embedder.embed_passages(texts), atol=1e-5)


def test_windows_numbered_under_another_sentence_rule_are_neither_reused_nor_mapped_to_spans(fresh_settings, embedder):
    """A build whose windows were cut by an older sentence rule (`rag.passage.SENTENCE_RULE`) names them by sentence
    numbers that now point at other sentences: served, its windows still score (each vector is its own text's) but
    give no span to look for the highlight in; re-ingested, none of its window vectors is reused under a new text."""
    ingest(fresh_settings, embedder=embedder)
    build = current_build(fresh_settings.index_dir)
    assert build is not None
    manifest = json.loads((unseal(build) / MANIFEST).read_text(encoding="utf-8"))
    manifest["windows"].pop("sentence_rule")  # as a build from before the rule was recorded
    (build / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    old = Index.load(fresh_settings.index_dir)
    assert old.windows is not None and len(old.windows)
    vector = embedder.embed_queries(["Quels sont vos horaires ?"])[0]
    rows = sorted({int(r) for r, _, _ in old.windows.spans})
    assert Searcher(old, embedder).search([Query("Quels sont vos horaires ?")])[0]  # served all the same
    assert all(Remembered(old).near(row, vector) is None for row in rows)
    asked: list[str] = []
    counting = _counting(embedder, asked)

    article = fresh_settings.corpus_dir / "secu-debi-plateforme.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne ligne ajoutée à la fin.\n", encoding="utf-8")
    ingest(fresh_settings, embedder=counting)  # type: ignore[arg-type]
    index = Index.load(fresh_settings.index_dir)
    assert index.windows is not None and index.build_id != old.build_id
    texts = window_texts(index.passages, [[(int(f), int(e)) for r, f, e in index.windows.spans if r == row]
                                          for row in range(len(index))])
    assert set(texts) <= set(asked)  # every window embedded again
    assert any(Remembered(index).near(row, vector) is not None for row in rows)


def test_windows_off_makes_a_build_without_them(fresh_settings, embedder):
    settings = fresh_settings.model_copy(update={"passage_window_tokens": 0})
    ingest(settings, embedder=embedder)
    index = Index.load(settings.index_dir)
    assert index.windows is None and index.manifest["windows"]["count"] == 0


def test_extra_vectors_beyond_the_scan_limit_rescore_the_candidates_as_a_scan_would(built, embedder):
    vector = embedder.embed_queries([built.embedded_question(QUESTION)])[0]
    assert built.headings is not None and built.windows is not None
    rows = np.arange(len(built))
    scanned = built.extra_scores(vector)
    assert scanned is not None and scanned.headings is not None and scanned.windows is not None
    only_windows = built.extra_scores(vector, len(built.headings.vectors))  # headings fit, the windows do not
    assert only_windows is not None and only_windows.headings is not None and only_windows.windows is None
    neither = built.extra_scores(vector, 0)
    assert neither is not None and neither.headings is None and neither.windows is None
    expected = built.dense_scores(rows, vector, scanned)
    for extras in (only_windows, neither):
        np.testing.assert_allclose(built.dense_scores(rows, vector, extras), expected, rtol=0, atol=1e-6)
    # the extra vectors beyond the limit find nothing: what is found, the headings found alone
    by_headings = np.unique(built.headings.best_rows(scanned.headings, 5))
    np.testing.assert_array_equal(built.extra_rows(only_windows, 5, None), by_headings)
    assert len(built.extra_rows(neither, 5, None)) == 0
    # a row's rescored values do not depend on the rows that come with it
    for rescore in (built.headings.rescore, built.windows.rescore):
        assert [float(rescore(np.array([r]), vector)[0]) for r in rows] == rescore(rows, vector).tolist()
    np.testing.assert_array_equal(built.windows.rescore(rows, vector)[np.isin(rows, built.windows.rows, invert=True)],
                                  -np.inf)


def test_a_filter_whose_passages_hold_few_enough_extra_vectors_scores_them_all(built, embedder):
    from rag.index.store import Extras

    vector = embedder.embed_queries([built.embedded_question(QUESTION)])[0]
    assert built.windows is not None and built.headings is not None
    within = np.arange(len(built))
    headings, windows = built.headings.count_of(within), built.windows.count_of(within)
    assert headings == len(built.headings.vectors) < windows == len(built.windows) and headings < len(within)
    scanned = built.extra_scores(vector)
    assert scanned is not None and scanned.headings is not None and scanned.windows is not None
    for n in (1, 2):
        by_headings = built.headings.best_rows(scanned.headings, n, within)
        by_windows = built.windows.best_rows(scanned.windows, n, within)
        # neither kind scanned over the whole build; the filter's headings fit the limit, its windows do not
        fits_headings = Extras(None, None, vector, headings)
        np.testing.assert_array_equal(built.extra_rows(fits_headings, n, within), np.unique(by_headings))
        # both fit: found as a scan restricted to the filter finds them
        fits_both = Extras(None, None, vector, windows)
        np.testing.assert_array_equal(built.extra_rows(fits_both, n, within),
                                      np.unique(np.concatenate([by_headings, by_windows])))
    assert len(built.extra_rows(Extras(None, None, vector, headings - 1), 2, within)) == 0
    assert len(built.extra_rows(Extras(None, None, vector, windows), 2, None)) == 0  # no filter: nothing found


def test_a_searcher_past_the_scan_limit_still_finds_the_sentence_deep_in_the_long_passage(built, embedder):
    # the passage is found by its own vector and BM25, then scored by its best window as with a full scan
    scanning, limited = Searcher(built, embedder), Searcher(built, embedder, extra_scan_max=0)
    for mode in ("dense", "hybrid"):
        (full,), (rescored,) = (s.search([Query(QUESTION, k=3, mode=mode)]) for s in (scanning, limited))
        assert [h.id for h in rescored] == [h.id for h in full]
        assert [h.score for h in rescored] == pytest.approx([h.score for h in full], abs=1e-5)


def test_the_scan_limit_comes_from_the_settings(built, embedder):
    assert Searcher.from_settings(built, embedder, Settings()).extra_scan_max == 20_000
    assert Searcher.from_settings(built, embedder, Settings(extra_scan_max=0)).extra_scan_max == 0
    assert Searcher(built, embedder).extra_scan_max == Settings().extra_scan_max  # the same default built directly


def test_serving_says_which_extra_vectors_only_re_score(fresh_settings, embedder, caplog, monkeypatch):
    from rag.serving import runtime

    ingest(fresh_settings, embedder=embedder)
    monkeypatch.setattr(runtime, "load_embedder", lambda settings: embedder)
    with caplog.at_level("INFO", logger="rag.api"):
        runtime.load_searcher(fresh_settings)
        assert not [r for r in caplog.records if "RAG_EXTRA_SCAN_MAX" in r.getMessage()]
        searcher = runtime.load_searcher(fresh_settings.model_copy(update={"extra_scan_max": 0}))
    said = [r.getMessage() for r in caplog.records if "RAG_EXTRA_SCAN_MAX" in r.getMessage()]
    assert searcher.extra_scan_max == 0 and len(said) == 2
    assert "heading vectors" in said[0] and "window vectors" in said[1] and "only within a filter" in said[1]
