"""What `rag search` and `rag documents` print, over the session's index of the seed corpus (French)."""

from __future__ import annotations

import re

import pytest

from rag import cli


@pytest.fixture
def index_args(index, settings, embedder, monkeypatch) -> list[str]:
    monkeypatch.setattr("rag.serving.runtime.load_embedder", lambda *a, **k: embedder)  # no second model load
    return ["--index", str(settings.index_dir)]


def _ranks(out: str) -> list[str]:
    return re.findall(r"^\[(\d+)\] ", out, flags=re.MULTILINE)


def test_search_prints_rag_k_default_passages_unless_given_k(index_args, monkeypatch, capsys):
    monkeypatch.setenv("RAG_K_DEFAULT", "2")
    assert cli.main(["search", *index_args, "carte de séjour"]) == 0
    assert _ranks(capsys.readouterr().out) == ["1", "2"]
    assert cli.main(["search", *index_args, "-k", "3", "carte de séjour"]) == 0
    assert _ranks(capsys.readouterr().out) == ["1", "2", "3"]


def test_an_unanswered_question_is_said_so_in_the_question_language(index_args, capsys):
    """The seed corpus is French: a French question reads French, an English one English (its user's)."""
    assert cli.main(["search", *index_args, "-k", "2", "Quelle est la capitale de l'Australie ?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Les documents ne semblent pas répondre à cette question.\nSources les plus proches :\n")
    assert _ranks(out) == ["1", "2"]
    assert cli.main(["search", *index_args, "-k", "2", "What is the capital of Australia?"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The documents do not seem to answer this question.\nClosest sources:\n")
    assert _ranks(out) == ["1", "2"]


def test_documents_count_in_the_singular_and_plural(index_args, capsys):
    assert cli.main(["documents", *index_args]) == 0
    out = capsys.readouterr().out
    counts = re.findall(r"  (\d+) (passages?)  ", out)
    assert counts and all((n == "1") == (noun == "passage") for n, noun in counts)
    assert re.search(r"^2 documents in build ", out, flags=re.MULTILINE)
    assert cli.main(["documents", *index_args, "--source", "secu-debi-plateforme.txt"]) == 0
    assert re.search(r"^1 document in build ", capsys.readouterr().out, flags=re.MULTILINE)
    # a source that matches nothing says how paths are written, as `rag search --source` does
    assert cli.main(["documents", *index_args, "--source", "corpus/secu-debi-plateforme.txt"]) == 0
    assert re.search(r"^0 documents in build \S+ under 'corpus/secu-debi-plateforme.txt': paths are relative to the "
                     r"corpus folder$", capsys.readouterr().out, flags=re.MULTILINE)


def test_a_filter_matching_no_document_names_the_options_and_rag_documents(index_args, capsys):
    assert cli.main(["search", *index_args, "--doc-id", "nope", "carte de séjour"]) == 7
    assert "--doc-id: no document 'nope' in the served index; `rag documents` lists" in capsys.readouterr().err
    assert cli.main(["search", *index_args, "--source", "faq/", "carte de séjour"]) == 7
    assert "--source: no document has the source path or folder 'faq/'; paths are relative to the corpus folder, " \
           "as `rag documents` prints them" in capsys.readouterr().err


def test_a_file_name_with_a_line_break_is_printed_on_one_line(tmp_path, embedder, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "retours\nfaux.md").write_text("# Retours\n\nLes retours sont gratuits pendant trente jours.\n")
    monkeypatch.setattr("rag.embedding.load.ModelSpec.load", lambda self: embedder)
    monkeypatch.setattr("rag.serving.runtime.load_embedder", lambda *a, **k: embedder)
    index = ["--index", str(tmp_path / "index")]
    assert cli.main(["ingest", str(corpus), *index]) == 0
    capsys.readouterr()
    assert cli.main(["documents", *index]) == 0
    assert "retours\\nfaux.md" in capsys.readouterr().out
    assert cli.main(["search", *index, "retours gratuits"]) == 0
    out = capsys.readouterr().out
    assert "retours\\nfaux.md:" in out and not any(line.startswith("faux.md") for line in out.splitlines())


def test_documents_of_an_index_without_any_name_no_source(index_args, capsys, monkeypatch):
    """No --source and no document: the hint about source paths read `_line(None)` and raised AttributeError."""
    from rag.index.store import Index

    monkeypatch.setattr(Index, "documents_under", lambda self, source: [])
    assert cli.main(["documents", *index_args]) == 0
    assert re.search(r"^0 documents in build \S+$", capsys.readouterr().out, flags=re.MULTILINE)
