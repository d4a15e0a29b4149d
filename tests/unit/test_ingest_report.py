"""How `rag ingest` lists the files it skipped (`IngestReport.skipped_lines`)."""

from rag.corpus.reader import Skipped
from rag.ingestion.report import IngestReport

PNG = "unsupported format .png; rag reads .txt, .md"


def test_many_files_skipped_for_one_reason_are_one_line_and_the_others_keep_theirs():
    """A wiki's HTML export holds hundreds of icons: their lines hid the one file that failed to parse."""
    icons = [Skipped(f"images/icons/{n:03}.png", PNG) for n in range(212)]
    broken = Skipped("guide.pdf", "damaged PDF: no trailer")
    report = IngestReport(index_dir="index", skipped=[icons[0], broken, *icons[1:]])
    assert report.skipped_lines() == [
        f"skipped 212 files: {PNG} (images/icons/000.png, images/icons/001.png, images/icons/002.png, and 209 more)",
        "skipped guide.pdf: damaged PDF: no trailer"]
    assert len(report.to_dict()["skipped"]) == 213  # --json still lists every file


def test_a_few_files_of_one_reason_are_each_named():
    few = [Skipped(f"n{n}.pptx", "unsupported format .pptx") for n in range(4)]
    assert IngestReport(index_dir="index", skipped=few).skipped_lines() == [
        f"skipped n{n}.pptx: unsupported format .pptx" for n in range(4)]
