"""Hostile URLs and control characters through a real ingest and the command line."""

from __future__ import annotations

from pathlib import Path

ESC = "\x1b[2J\x1b]0;owned\x07"  # clear the screen, set the window title


def test_the_ingest_report_lists_the_urls_left_out(tmp_path: Path, embedder):
    from rag.ingestion.pipeline import ingest
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "front.md").write_text("---\nurl: javascript:alert(1)\n---\n# A\nLes retours sont acceptés.\n")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = ingest(settings, embedder=embedder)
    assert [(c.source, c.change[:20]) for c in report.changed] == [("front.md", "url 'javascript:aler")]
    again = ingest(settings, embedder=embedder)  # up to date: the report still says so
    assert again.up_to_date and again.changed == report.changed


def test_the_command_line_prints_no_control_character_from_a_corpus(tmp_path: Path, embedder, capsys, monkeypatch):
    from rag import cli
    from rag.ingestion.pipeline import ingest
    from rag.settings import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"evil{ESC}.md").write_text("# Retours\nLes retours sont acceptés sous 14 jours.\n")
    (corpus / "notes.txt").write_bytes("Les retours\x9b2J ici.\n".encode())  # C1 CSI, in UTF-8
    (corpus / f"skipped{ESC}.ods").write_text("x")  # a file name `rag ingest` reports
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    ingest(settings, embedder=embedder)
    # `rag search` loads no second model
    monkeypatch.setattr("rag.serving.runtime.load_embedder", lambda *a, **k: embedder)
    for argv in (["ingest", str(corpus), "--index", str(settings.index_dir), "--force", "--quiet"],
                 ["documents", "--index", str(settings.index_dir)],
                 ["documents", "--index", str(settings.index_dir), "--json"],
                 ["search", "--index", str(settings.index_dir), "retours"],
                 ["search", "--index", str(settings.index_dir), "--json", "retours"]):
        assert cli.main(argv) == 0
        out, err = capsys.readouterr()
        assert not any(ch in out + err for ch in "\x1b\x07\x9b"), (argv, out + err)
        assert ("skipped" if argv[0] == "ingest" else "evil") in out + err
