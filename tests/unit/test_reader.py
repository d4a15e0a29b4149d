"""Files that go missing while a corpus folder is read: a link to nothing, or a file deleted during the ingest."""

from pathlib import Path

import pytest

from rag.corpus import reader
from rag.corpus.reader import VANISHED, Skipped, corpus_files, read_file, refusal

DANGLING = "symbolic link to a file that does not exist"


def test_a_file_deleted_after_the_folder_was_listed_vanished(tmp_path):
    (tmp_path / "faq.md").write_text("# FAQ\n\nRéponse.\n", encoding="utf-8")
    (tmp_path / "gone.md").write_text("# Parti\n\nSupprimé pendant l'ingest.\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "nowhere.md")
    listed = list(corpus_files(tmp_path))
    (tmp_path / "gone.md").unlink()
    reasons = {path.name: refusal(tmp_path, path) for path in listed}
    assert reasons == {"faq.md": None, "gone.md": VANISHED, "link.md": DANGLING}
    assert read_file(tmp_path, tmp_path / "gone.md") == Skipped("gone.md", VANISHED)
    assert read_file(tmp_path, tmp_path / "link.md") == Skipped("link.md", DANGLING)


def _deleted_once_checked(monkeypatch: pytest.MonkeyPatch, victim: Path) -> None:
    """`victim` deleted right after the checks made without opening a file, before it is read."""
    checked = reader.refusal

    def then_deleted(root: Path, file: Path, max_bytes: int) -> str | None:
        reason = checked(root, file, max_bytes)
        victim.unlink()
        return reason

    monkeypatch.setattr(reader, "refusal", then_deleted)


def test_a_file_deleted_between_its_checks_and_its_reading_vanished(tmp_path, monkeypatch):
    path = tmp_path / "faq.txt"
    path.write_text("Question ?\nRéponse.\n", encoding="utf-8")
    _deleted_once_checked(monkeypatch, path)
    assert read_file(tmp_path, path) == Skipped("faq.txt", VANISHED)


def test_a_link_whose_file_is_deleted_while_it_is_read_is_a_link_to_nothing(tmp_path, monkeypatch):
    target = tmp_path / "target.txt"
    target.write_text("Question ?\nRéponse.\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    _deleted_once_checked(monkeypatch, target)
    assert read_file(tmp_path, tmp_path / "link.txt") == Skipped("link.txt", DANGLING)
