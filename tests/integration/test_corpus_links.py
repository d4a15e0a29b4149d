"""A file the corpus folder holds under several names (symbolic links to it, in a chain or a folder of links, hard
links) is read once, under the name that is not a link, and each other name is reported with the one read: else
the same text is indexed twice, each copy cited and taking a result."""

import os
from pathlib import Path

import pytest

from rag.errors import IngestError
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.settings import Settings

SEED = {"sequra-faq-marchands.txt", "secu-debi-plateforme.txt"}
FAQ = "# FAQ des retours\n\n## Délai\n\nUn article se retourne sous 30 jours, frais de port offerts.\n"


def sources(settings: Settings) -> set[str]:
    return {passage.source for passage in Index.load(settings.index_dir).passages}


def same_as(name: str, how: str) -> str:
    return f"same file as {name} ({how}): read once"


def test_a_file_with_several_names_is_read_once_under_the_one_that_is_not_a_link(fresh_settings, embedder):
    corpus = fresh_settings.corpus_dir
    (corpus / "faq.md").write_text(FAQ, encoding="utf-8")
    (corpus / "latest.md").symlink_to("faq.md")
    (corpus / "chain.md").symlink_to("latest.md")  # a link to a link to it
    os.link(corpus / "faq.md", corpus / "hard.md")  # no link at all: the first name listed is read
    (corpus / "to-hard.md").symlink_to("hard.md")  # a link to another name of it
    (corpus / "aaa").mkdir()  # a folder of links, listed before the file they lead to
    (corpus / "aaa" / "faq.md").symlink_to(Path("..") / "faq.md")
    (corpus / "big.txt").write_text("Une ligne de texte tout à fait lisible.\n" * 300)  # 12 kB, over the limit
    (corpus / "big-link.txt").symlink_to("big.txt")  # keeps the reason of the file it leads to
    settings = fresh_settings.model_copy(update={"max_file_bytes": 10_000})
    report = ingest(settings, embedder=embedder)
    too_large = "file too large (12,300 bytes; the limit is 10,000, RAG_MAX_FILE_BYTES)"
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("aaa/faq.md", same_as("faq.md", "a symbolic link to it")),
        ("big-link.txt", too_large),
        ("big.txt", too_large),
        ("chain.md", same_as("faq.md", "a symbolic link to it")),
        ("hard.md", same_as("faq.md", "a hard link to it: one file under two names")),
        ("latest.md", same_as("faq.md", "a symbolic link to it")),
        ("to-hard.md", same_as("faq.md", "a symbolic link to hard.md, the same file under another name")),
    ]
    assert report.documents == 3 and report.files == 10
    assert sources(settings) == {*SEED, "faq.md"}
    manifest = Index.load(settings.index_dir).manifest["corpus"]
    assert [f["source"] for f in manifest["files"] if f["source"] not in SEED] == ["faq.md"]
    assert {s["source"] for s in manifest["skipped"]} == {s.source for s in report.skipped}
    assert ingest(settings, embedder=embedder).up_to_date


def test_a_link_to_a_file_no_listing_holds_is_its_only_copy_and_is_read(fresh_settings, embedder):
    corpus = fresh_settings.corpus_dir
    (corpus / ".drafts").mkdir()  # hidden: its files are not listed, a link to one is
    (corpus / ".drafts" / "faq.md").write_text(FAQ, encoding="utf-8")
    (corpus / "faq.md").symlink_to(Path(".drafts") / "faq.md")
    (corpus / "retours.md").symlink_to(Path(".drafts") / "faq.md")
    report = ingest(fresh_settings, embedder=embedder)
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("retours.md", same_as("faq.md", "both are symbolic links to .drafts/faq.md"))]
    assert sources(fresh_settings) == {*SEED, "faq.md"}


def test_a_link_added_or_removed_later_is_a_change_that_embeds_nothing(fresh_settings, embedder):
    corpus = fresh_settings.corpus_dir
    (corpus / "faq.md").write_text(FAQ, encoding="utf-8")
    first = ingest(fresh_settings, embedder=embedder)
    (corpus / "latest.md").symlink_to("faq.md")
    added = ingest(fresh_settings, embedder=embedder)
    assert not added.up_to_date and added.embedded == 0 and added.reused == added.passages == first.passages
    assert [s.source for s in added.skipped] == ["latest.md"] and sources(fresh_settings) == {*SEED, "faq.md"}
    assert ingest(fresh_settings, embedder=embedder).up_to_date
    (corpus / "latest.md").unlink()
    removed = ingest(fresh_settings, embedder=embedder)
    assert not removed.up_to_date and removed.embedded == 0 and removed.skipped == []


def test_a_hard_link_replaced_by_a_copy_is_read_again(fresh_settings, embedder):
    """The same names and bytes, but two files where there was one: the copy is a document of its own now."""
    corpus = fresh_settings.corpus_dir
    (corpus / "faq.md").write_text(FAQ, encoding="utf-8")
    os.link(corpus / "faq.md", corpus / "retours.md")
    assert [s.source for s in ingest(fresh_settings, embedder=embedder).skipped] == ["retours.md"]
    (corpus / "retours.md").unlink()
    (corpus / "retours.md").write_text(FAQ, encoding="utf-8")
    again = ingest(fresh_settings, embedder=embedder)
    assert not again.up_to_date and again.skipped == []
    assert sources(fresh_settings) == {*SEED, "faq.md", "retours.md"}


def test_a_title_given_to_a_name_that_is_not_read_is_reported(fresh_settings, embedder):
    corpus = fresh_settings.corpus_dir
    (corpus / "faq.md").write_text(FAQ, encoding="utf-8")
    (corpus / "latest.md").symlink_to("faq.md")
    with (corpus / "sources.toml").open("a", encoding="utf-8") as metadata:
        metadata.write('\n["latest.md"]\ntitle = "Retours (dernière version)"\n')
    report = ingest(fresh_settings, embedder=embedder)
    link = same_as("faq.md", "a symbolic link to it")
    assert [(s.source, s.reason) for s in report.skipped] == [
        ('sources.toml ["latest.md"]', f"names a file read under another name ({link}): its title and url are not "
                                       "used; give them under the name read"),
        ("latest.md", link)]
    assert report.files == 4 and report.documents == 3


def _mirrored_notes(settings, embedder) -> Path:
    """The corpus folder of `settings` with 12 notes, each copied into archives/ and miroir/, ingested: 38
    documents with the seed files."""
    corpus = settings.corpus_dir
    for folder in ("archives", "miroir"):
        (corpus / folder).mkdir()
    for n in range(12):
        text = f"Note {n}\n\nLa note numéro {n} parle du sujet {n}.\n"
        for name in (f"note-{n}.txt", f"archives/note-{n}.txt", f"miroir/note-{n}.txt"):
            (corpus / name).write_text(text, encoding="utf-8")
    assert ingest(settings, embedder=embedder).documents == 38
    return corpus


def test_copies_replaced_by_links_are_no_documents_lost(fresh_settings, embedder):
    """A build that indexed every copy (made before links were read once, or from copies a user then replaced by
    links) lost documents by name only: their text is still indexed, under the name read, so `RAG_MAX_DOCUMENT_LOSS`
    does not stop the ingest."""
    corpus = _mirrored_notes(fresh_settings, embedder)
    for folder in ("archives", "miroir"):
        for n in range(12):
            (corpus / folder / f"note-{n}.txt").unlink()
            (corpus / folder / f"note-{n}.txt").symlink_to(Path("..") / f"note-{n}.txt")
    report = ingest(fresh_settings, embedder=embedder)  # 24 of 38 documents by name: over the 50% default
    assert report.documents == 14 and len(report.skipped) == 24 and report.embedded == 0


def test_a_second_name_is_no_failed_file_of_the_vector_store(fresh_settings, embedder):
    """`file_counts.failed` counts the files whose text the build lacks: a link to a file read has its text indexed
    under the name read, and a sources.toml entry is no file (the ingest report does not count it as one either)."""
    from rag.http.vector_stores import describe

    corpus = fresh_settings.corpus_dir
    (corpus / "faq.md").write_text(FAQ, encoding="utf-8")
    (corpus / "latest.md").symlink_to("faq.md")
    os.link(corpus / "faq.md", corpus / "hard.md")
    (corpus / "image.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # a file that fails: binary
    (corpus / "image-link.htm").symlink_to("image.htm")  # one file, one failure
    with (corpus / "sources.toml").open("a", encoding="utf-8") as metadata:
        metadata.write('\n["nowhere.md"]\ntitle = "Nulle part"\n')
    report = ingest(fresh_settings, embedder=embedder)
    assert len(report.skipped) == 5 and report.documents == 3
    counts = describe(Index.load(fresh_settings.index_dir), fresh_settings).file_counts
    assert (counts.completed, counts.failed, counts.total) == (3, 1, 4)


def test_links_to_files_that_cannot_be_read_are_documents_lost(fresh_settings, embedder):
    """A second name's text is indexed under the name read only if that name is read: links to files refused once
    opened (binary, damaged) lost their text with them, and `RAG_MAX_DOCUMENT_LOSS` counts them."""
    corpus = _mirrored_notes(fresh_settings, embedder)
    for n in range(12):
        (corpus / f"note-{n}.txt").write_bytes(b"\x00\x01 damaged \x00")  # every original now unreadable
        for folder in ("archives", "miroir"):
            (corpus / folder / f"note-{n}.txt").unlink()
            (corpus / folder / f"note-{n}.txt").symlink_to(Path("..") / f"note-{n}.txt")
    with pytest.raises(IngestError, match="36 would go"):  # 36 of 38: only the seed's 2 documents are left
        ingest(fresh_settings, embedder=embedder)


def test_a_second_name_of_a_file_refused_once_opened_says_it_is_not_read(fresh_settings, embedder):
    """A file refused only once opened (binary) is read under no name: its other names do not say 'read once'."""
    corpus = fresh_settings.corpus_dir
    (corpus / "image (1).htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")  # a name holding " (" too
    (corpus / "lien.htm").symlink_to("image (1).htm")
    os.link(corpus / "image (1).htm", corpus / "photo.htm")
    report = ingest(fresh_settings, embedder=embedder)
    binary = "binary file (NUL bytes)"
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("image (1).htm", binary),
        ("lien.htm", f"same file as image (1).htm (a symbolic link to it), which is not read: {binary}"),
        ("photo.htm", f"same file as image (1).htm (a hard link to it: one file under two names), which is not read: "
                      f"{binary}")]
    assert ingest(fresh_settings, embedder=embedder).skipped == report.skipped  # as the manifest keeps them
