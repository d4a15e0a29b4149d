"""Ingest under faults: bad files are reported and skipped, a killed ingest leaves the served index intact, and
pruning never deletes a build that is in use."""

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag.errors import IngestError
from rag.index.layout import BUILDS, CURRENT
from rag.index.locks import Lease
from rag.index.manifest import Manifest
from rag.index.publish import LEFTOVER_GRACE_SECONDS, kept_fresh, publish
from rag.index.store import Index
from rag.ingestion.pipeline import ingest
from rag.settings import Settings
from tests.helpers.paths import CORPUS, age

SEED = {"sequra-faq-marchands.txt", "secu-debi-plateforme.txt"}
NOBODY = 65534


def sources(index: Index) -> set[str]:
    return {chunk.source for chunk in index.passages}


def test_every_kind_of_bad_file_is_reported_by_name_and_skipped(fresh_settings, embedder, tmp_path):
    corpus = fresh_settings.corpus_dir
    (corpus / "empty.txt").write_text("")
    (corpus / "blank.md").write_text("   \n\n\t\n")
    (corpus / "latin1.txt").write_bytes("Problème d'encodage, déjà vu".encode("latin-1"))  # read, reported
    (corpus / "cyrillic.txt").write_bytes("Проблема кодировки".encode("cp1251"))  # no Windows-1252 text: refused
    (corpus / "utf16-no-bom.txt").write_bytes("Bonjour à tous".encode("utf-16-le"))
    (corpus / "utf16-cut.txt").write_bytes("Bonjour à tous".encode("utf-16")[:-1])  # a byte short: said so
    (corpus / "word.txt").write_bytes("Horaires\u00a0: le magasin est « fermé\u00a0» le dimanche.".encode("cp1252"))
    (corpus / "utf32.txt").write_bytes("Garantie étendue : deux ans, pièces comprises.".encode("utf-32"))
    (corpus / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "huge.txt").write_text("Une ligne de texte tout à fait lisible.\n" * 300)  # 12 kB, over the limit
    (corpus / "escape.txt").symlink_to("/etc/hostname")
    outside = tmp_path / "outside.md"
    outside.write_text("# Secret\nNe doit pas être indexé.")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "escape-relative.md").symlink_to(Path("..") / ".." / "outside.md")
    (corpus / "device.txt").symlink_to("/dev/zero")  # never opened: it would never end
    (corpus / "dangling.txt").symlink_to(corpus / "gone.txt")
    (corpus / "loop.txt").symlink_to("loop.txt")
    (corpus / "linked").symlink_to(tmp_path, target_is_directory=True)  # a folder link: reported, not followed
    os.mkfifo(corpus / "pipe.txt")  # never opened: it would block
    (corpus / "notes.key").write_bytes(b"PK\x03\x04")  # a format rag does not read
    (corpus / ".notes.key").write_bytes(b"PK\x03\x04")  # hidden: left out, not reported
    (corpus / "~$notes.docx").write_bytes(b"\x00" * 162)  # Word's owner file of an open document: the same
    settings = fresh_settings.model_copy(update={"max_file_bytes": 10_000})
    report = ingest(settings, embedder=embedder)
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons == {
        "empty.txt": "empty file",
        "blank.md": "no text found",
        "cyrillic.txt": "not valid UTF-8 (byte 0); convert the file to UTF-8",
        "utf16-no-bom.txt": "binary file (NUL bytes)",
        "utf16-cut.txt": "UTF-16 file (by its byte order mark) cut short: its 29 bytes end inside a character; copy or "
                         "save it again, as UTF-8 to be sure",
        "image.md": "binary file (NUL bytes)",
        "huge.txt": "file too large (12,300 bytes; the limit is 10,000, RAG_MAX_FILE_BYTES)",
        "escape.txt": "symbolic link leading outside the corpus folder",
        "sub/escape-relative.md": "symbolic link leading outside the corpus folder",
        "device.txt": "symbolic link leading outside the corpus folder",
        "dangling.txt": "symbolic link to a file that does not exist",
        "loop.txt": reasons["loop.txt"],
        "pipe.txt": "not a regular file (a pipe, a device or a folder)",
        "linked": "symbolic link to a folder: not followed (copy the folder into the corpus instead)",
        "notes.key": "unsupported format .key; rag reads .txt, .text, .md, .markdown, .mdx, .rst, .rest, .html, "
                     ".htm, .csv, .tsv, .json, .jsonl, .ndjson, .adoc, .asciidoc, .asc, .pdf, .docx, .docm, .dotx, "
                     ".dotm, .doc, .dot, .odt, .fodt, .xlsx, .xlsm, .xltx, .xltm, .xls, .ods, .fods, .pptx, .ppsx, "
                     ".pptm, .potx, .potm, .odp, .fodp, .rtf, .eml, .msg, .epub, .mbox",
    }
    assert "loop" in reasons["loop.txt"]
    assert report.documents == 5
    legacy = "not valid UTF-8: read as Windows-1252 (Latin-1); save it as UTF-8 to be sure"
    assert [(c.source, c.change) for c in report.changed] == [("latin1.txt", legacy), ("word.txt", legacy)]
    index = Index.load(settings.index_dir)
    assert sources(index) == {*SEED, "latin1.txt", "word.txt", "utf32.txt"}
    texts = {chunk.source: chunk.text for chunk in index.passages}
    assert "Problème d'encodage, déjà vu" in texts["latin1.txt"]
    assert "le magasin est « fermé\u00a0» le dimanche" in texts["word.txt"]
    assert "Garantie étendue : deux ans, pièces comprises." in texts["utf32.txt"]
    again = ingest(settings, embedder=embedder)  # the fingerprint reads none of them either, and sees no change
    assert again.up_to_date


@contextmanager
def unable_to_read(path: Path) -> Iterator[None]:
    """Make `path` unreadable for the code run inside. Root reads anything, so as root the block runs with the
    effective user `nobody`, who also needs to reach the corpus and write the index: the caller's folders must
    allow that."""
    path.chmod(0)
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_unreadable_file_is_reported_and_skipped(embedder):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        root.chmod(0o755)
        corpus = root / "corpus"
        shutil.copytree(CORPUS, corpus)
        (corpus / "secret.txt").write_text("Personne ne peut lire ce fichier.")
        (corpus / "locked").mkdir()
        (corpus / "locked" / "hidden.md").write_text("# Caché\n\nDans un dossier que personne ne peut lister.")
        (corpus / "shut").mkdir()  # listed but not searchable, as `chmod -R 644` leaves a folder
        (corpus / "shut" / "inside.md").write_text("# Dedans\n\nDans un dossier que personne ne peut traverser.")
        index_dir = root / "index"
        index_dir.mkdir(mode=0o777)
        index_dir.chmod(0o777)
        settings = Settings(corpus_dir=corpus, index_dir=index_dir)
        (corpus / "locked").chmod(0)
        (corpus / "shut").chmod(0o644)
        with unable_to_read(corpus / "secret.txt"):
            report = ingest(settings, embedder=embedder)
        (corpus / "locked").chmod(0o755)
        (corpus / "shut").chmod(0o755)
        assert [(s.source, s.reason) for s in report.skipped] == [
            ("locked", "folder that cannot be read (permissions)"), ("secret.txt", "cannot read: Permission denied"),
            ("shut/inside.md", "cannot be looked at: Permission denied (check the permissions of its folder)")]
        assert report.documents == 2 and sources(Index.load(index_dir)) == SEED


@pytest.fixture
def published(index, tmp_path) -> Path:
    """An index folder holding a copy of the session's build, ready to publish more builds into."""
    target = tmp_path / "index"
    shutil.copytree(index.path.parent.parent, target, symlinks=True)
    return target


def republish(index_dir: Path, keep_builds: int = 2) -> str:
    """Publish the current build's content again as a new build, as an ingest of a changed corpus would."""
    source = Index.load(index_dir, verify=False)
    build = publish(index_dir, source.passages, source.stored_vectors(), source.lexical,
                    Manifest.from_json(source.manifest),
                    keep_builds=keep_builds)
    return build.name


def test_pruning_keeps_the_new_build_the_one_it_replaced_and_any_in_use(published):
    served = Index.load(published)  # a server holds this build
    builds = [republish(published) for _ in range(4)]  # within a second: names do not give the order
    assert served.path.is_dir(), "a build in use was pruned"
    assert Index.load_build(served.path).build_id == served.build_id
    assert sorted(p.name for p in (published / BUILDS).iterdir()) == sorted([served.build_id, *builds[-2:]])
    del served  # the server moved on
    newest = republish(published)
    assert sorted(p.name for p in (published / BUILDS).iterdir()) == sorted([builds[-1], newest])



def test_an_up_to_date_ingest_prunes_what_an_ingest_killed_before_pruning_left(fresh_settings, embedder):
    """An ingest killed after it published, before it pruned, left builds beyond RAG_KEEP_BUILDS; the next ingests
    found the corpus unchanged and left them until the corpus changed."""
    index_dir = fresh_settings.index_dir
    first = ingest(fresh_settings, embedder=embedder).build_id
    served = Index.load(index_dir)  # a server holds the first build
    builds = [republish(index_dir, keep_builds=10) for _ in range(3)]  # published, never pruned: the corpus is as read
    report = ingest(fresh_settings, embedder=embedder)
    assert report.up_to_date and report.build_id == builds[-1]
    # the current build, the newest other (the one it replaced) and the leased one
    assert sorted(p.name for p in (index_dir / BUILDS).iterdir()) == sorted([first, *builds[-2:]])
    assert served.path.is_dir() and served.build_id == first
    del served  # the server moved on
    assert ingest(fresh_settings, embedder=embedder).up_to_date
    assert sorted(p.name for p in (index_dir / BUILDS).iterdir()) == sorted(builds[-2:])

def test_keep_builds_keeps_that_many_of_the_newest_builds_without_any_lease(published):
    """Replicas on other hosts hold no lease this host can see: only `keep_builds` protects their builds."""
    builds = [republish(published, keep_builds=3) for _ in range(5)]  # within a second: names do not give the order
    assert sorted(p.name for p in (published / BUILDS).iterdir()) == sorted(builds[-3:])
    assert Index.load(published).build_id == builds[-1]
    with pytest.raises(ValueError, match="at least 2"):
        republish(published, keep_builds=1)


def test_pruning_with_a_relative_index_folder(published, monkeypatch):
    monkeypatch.chdir(published.parent)
    first, second = republish(Path("index")), republish(Path("index"))
    assert sorted(p.name for p in (published / BUILDS).iterdir()) == sorted([first, second])
    assert Index.load(Path("index")).build_id == second


def test_pruning_spares_the_temporary_folder_of_a_running_ingest(published):
    builds = published / BUILDS
    running = builds / ".tmp-20990101T000000-abcdef"
    running.mkdir()
    lease = Lease(running, exclusive=True)  # what `publish` holds while it writes on this host
    age(running, 2 * LEFTOVER_GRACE_SECONDS)  # leased: spared whatever its age
    elsewhere = builds / ".tmp-20990101T000000-0ther0"
    elsewhere.mkdir()  # another host's ingest, writing now: its lease is not seen here, its heartbeat is
    age(elsewhere, LEFTOVER_GRACE_SECONDS - 60)
    crashed = builds / ".tmp-20990101T000000-dead00"
    crashed.mkdir()
    (crashed / "vectors.faiss").write_bytes(b"half")
    age(crashed, LEFTOVER_GRACE_SECONDS + 60)  # no lease and no heartbeat for over the grace period: its writer died
    links = {name: published / f".{CURRENT}-{name}" for name in ("young", "old")}
    for link in links.values():
        link.symlink_to(Path(BUILDS) / "20990101T000000-abcdef")
    age(links["young"], LEFTOVER_GRACE_SECONDS - 60)
    age(links["old"], LEFTOVER_GRACE_SECONDS + 60)
    republish(published)
    assert running.is_dir() and elsewhere.is_dir() and not crashed.exists()
    assert links["young"].is_symlink() and not links["old"].is_symlink()
    lease.release()


def test_a_writing_ingest_keeps_its_temporary_folder_fresh(tmp_path):
    folder = tmp_path / ".tmp-20990101T000000-abcdef"
    folder.mkdir()
    age(folder, 2 * LEFTOVER_GRACE_SECONDS)
    with kept_fresh(folder, every=0.01):
        deadline = time.monotonic() + 120  # a touch every 10 ms; the deadline a hang guard only
        while time.time() - folder.stat().st_mtime > 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert time.time() - folder.stat().st_mtime < 60, "the heartbeat never touched the folder"
    age(folder, 2 * LEFTOVER_GRACE_SECONDS)
    time.sleep(0.05)
    assert time.time() - folder.stat().st_mtime > LEFTOVER_GRACE_SECONDS  # stopped with the block


def test_a_corpus_folder_this_user_cannot_read_is_an_ingest_error(embedder):
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        root.chmod(0o755)
        corpus, index_dir = root / "corpus", root / "index"
        shutil.copytree(CORPUS, corpus)
        index_dir.mkdir(mode=0o777)
        index_dir.chmod(0o777)
        with unable_to_read(corpus), pytest.raises(IngestError, match=r"cannot be read \(permissions\)"):
            ingest(Settings(corpus_dir=corpus, index_dir=index_dir), embedder=embedder)
        corpus.chmod(0o755)


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_indexed(fresh_settings, embedder):
    name = os.fsdecode(b"caf\xe9.md")  # a Latin-1 name, as an archive made on Windows unpacks
    (fresh_settings.corpus_dir / name).write_text("# Café\n\nLe café est offert.", encoding="utf-8")
    report = ingest(fresh_settings, embedder=embedder)
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("caf\\xe9.md", "file name that is not UTF-8 (bytes of another encoding, shown escaped): rename it to read it")]
    assert sources(Index.load(fresh_settings.index_dir)) == SEED
    assert ingest(fresh_settings, embedder=embedder).up_to_date


def test_an_index_folder_inside_the_corpus_folder_is_not_read(fresh_settings, embedder):
    settings = fresh_settings.model_copy(update={"index_dir": fresh_settings.corpus_dir / "index"})
    first = ingest(settings, embedder=embedder)
    assert [(s.source, s.reason) for s in first.skipped] == [
        ("index", "an index folder (it holds .ingest.lock): an index is not corpus")]
    assert first.documents == 2 and ingest(settings, embedder=embedder).up_to_date  # its own builds are no change


def test_a_file_changed_while_it_was_read_is_read_again_by_the_next_ingest(fresh_settings, embedder, monkeypatch):
    """The change check hashes the files before they are read: one rewritten in between (a sync tool, a `cp`) was
    indexed half-written, and every later ingest found the corpus "up to date"."""
    from rag.corpus import reader

    path = fresh_settings.corpus_dir / "secu-debi-plateforme.txt"
    whole = path.read_bytes()
    read_document = reader.read_document

    def caught_mid_write(root: Path, file: Path, *args: object, **kwargs: object) -> reader.Document:
        if file == path:
            path.write_bytes(whole[:45])
        return read_document(root, file, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "read_document", caught_mid_write)
    ingest(fresh_settings, embedder=embedder)
    monkeypatch.undo()
    path.write_bytes(whole)  # the file whole again, as its writer finished it
    assert Index.load(fresh_settings.index_dir).manifest["corpus"]["fingerprint"] is None
    again = ingest(fresh_settings, embedder=embedder)
    assert not again.up_to_date
    text = "".join(chunk.text for chunk in Index.load(fresh_settings.index_dir).passages)
    assert whole.decode("utf-8").split()[-1] in text


def test_an_edit_of_the_metadata_file_is_a_change(fresh_settings, embedder):
    metadata = fresh_settings.corpus_dir / "sources.toml"
    metadata.write_text('["secu-debi-plateforme.txt"]\ntitle = "Premier titre"\n', encoding="utf-8")
    ingest(fresh_settings, embedder=embedder)
    metadata.write_text('["secu-debi-plateforme.txt"]\ntitle = "Titre corrigé"\n', encoding="utf-8")
    again = ingest(fresh_settings, embedder=embedder)
    assert not again.up_to_date
    titles = {d.title for d in Index.load(fresh_settings.index_dir).documents.values()}
    assert "Titre corrigé" in titles and "Premier titre" not in titles


def test_metadata_entries_that_name_no_file_are_reported_and_the_file_count_is_the_same_when_up_to_date(
        fresh_settings, embedder):
    metadata = fresh_settings.corpus_dir / "sources.toml"
    metadata.write_text(metadata.read_text(encoding="utf-8") + '\n["./secu-debi-plateforme.txt"]\ntitle = "Typo"\n'
                        '["guides\\\\retours.md"]\ntitle = "Windows"\n', encoding="utf-8")
    (fresh_settings.corpus_dir / "notes.key").write_bytes(b"PK\x03\x04")
    first = ingest(fresh_settings, embedder=embedder)
    assert [s.source for s in first.skipped] == [
        'sources.toml ["./secu-debi-plateforme.txt"]', 'sources.toml ["guides\\retours.md"]', "notes.key"]
    assert "names no file of the corpus" in first.skipped[0].reason
    again = ingest(fresh_settings, embedder=embedder)
    assert again.up_to_date and (again.files, first.files) == (3, 3)  # two documents and notes.key, both times
    assert [s.source for s in again.skipped] == [s.source for s in first.skipped]


def test_an_index_folder_that_is_the_corpus_folder_is_refused(fresh_settings, embedder):
    """Each ingest would read the builds the last one wrote: 30 skipped files, then 59, never up to date."""
    same = fresh_settings.model_copy(update={"index_dir": fresh_settings.corpus_dir})
    with pytest.raises(IngestError, match="the index folder is the corpus folder"):
        ingest(same, embedder=embedder)
    assert sorted(p.name for p in fresh_settings.corpus_dir.iterdir()) == sorted(
        ["sequra-faq-marchands.txt", "secu-debi-plateforme.txt", "sources.toml"])  # nothing written


def test_a_build_that_cannot_fit_is_refused_before_anything_is_embedded(fresh_settings, embedder, monkeypatch):
    """A hardening audit filled a small disk: the ingest embedded the whole corpus (50 s), then failed to write. Its
    vectors and text are a floor of the build's size, measured against the free space before the model runs."""
    from rag.errors import IndexWriteFailed
    from rag.ingestion import pipeline

    first = ingest(fresh_settings, embedder=embedder).build_id
    (fresh_settings.corpus_dir / "nouveau.md").write_text("# Nouveau\n\nUn document de plus.\n", encoding="utf-8")
    embedded: list[int] = []
    real_embed = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages",
                        lambda texts, **kw: embedded.append(len(texts)) or real_embed(texts, **kw))
    usage = shutil.disk_usage(fresh_settings.index_dir)
    monkeypatch.setattr(pipeline.shutil, "disk_usage", lambda path: usage._replace(free=20_000))
    with pytest.raises(IndexWriteFailed, match=r"needs more than [\d,]+ bytes in .* and 20,000 bytes are free there: "
                                               r"nothing was embedded"):
        ingest(fresh_settings, embedder=embedder)
    assert embedded == [] and Index.load(fresh_settings.index_dir).build_id == first
    monkeypatch.undo()
    assert ingest(fresh_settings, embedder=embedder).build_id != first  # with room, the same corpus goes through
