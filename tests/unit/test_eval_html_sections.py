"""scripts/eval/html_sections.py reads any file of a list, by its suffix: a file no reader takes is recorded as an
error, as ingest skips it, not a crash of the whole comparison."""

from __future__ import annotations

from scripts.eval.html_sections import read


def test_a_file_without_reader_is_recorded(tmp_path) -> None:
    (tmp_path / "notes.xyz").write_text("Bonjour", encoding="utf-8")
    (tmp_path / "page.txt").write_text("Bonjour", encoding="utf-8")
    assert read(tmp_path / "notes.xyz") == [("error", ["no reader for .xyz"])]
    assert read(tmp_path / "page.txt") == [(None, ["Bonjour"])]
