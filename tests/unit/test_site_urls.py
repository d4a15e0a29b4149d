"""A documentation site's pages get their URLs from one folder entry of `sources.toml` (`rag.corpus.urls`): before,
only a file's own entry gave one, and a site of hundreds of pages had none (the documentation-site audit of stop 48;
Hugo's `url: /api/auth/` was refused as "not an absolute address")."""

from __future__ import annotations

from pathlib import Path

from rag.corpus.reader import Document, read_files
from rag.corpus.urls import entry, page_url


def _site(root: Path, files: dict[str, str], sources: str) -> dict[str, str | None]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "sources.toml").write_text(sources, encoding="utf-8")
    return {o.source: o.url for o in read_files(root) if isinstance(o, Document)}


def test_a_folder_entry_gives_each_page_below_it_the_url_a_site_generator_publishes_it_at(tmp_path):
    files = {
        "docs/billing/refunds.md": "# Refunds\n\nRefunds take five days.\n",
        "docs/billing/_index.md": "# Billing\n\nInvoices and refunds.\n",
        "docs/index.md": "# Nimbus\n\nWelcome.\n",
        "docs/api/auth.md": "---\ntitle: Authentication\nurl: /api/authentication/\n---\nUse a bearer key.\n",
        "docs/api/errors.md": "---\nslug: error-codes\n---\n# Errors\n\nCodes and what to do.\n",
        "docs/api/limits.md": "---\nslug: /limits\n---\n# Limits\n\n100 requests a minute.\n",
        "docs/api/keys.md": "---\nurl: https://example.org/keys\n---\n# Keys\n\nRotate them yearly.\n",
        "docs/guides/Démarrage rapide.md": "# Démarrage\n\nInstallez le client.\n",
        "docs/guides/webhooks.md": "# Webhooks\n\nSigned with HMAC.\n",
        "blog/news.md": "# News\n\nVersion 2.4 is out.\n",
        "notes.txt": "Internal notes, published nowhere.\n",
    }
    sources = ('["docs/"]\nurl = "https://docs.example.com/"\n\n["docs/guides/"]\nurl = "https://guides.example.com"\n\n'
               '["docs/guides/webhooks.md"]\nurl = "https://example.org/hooks"\n\n["blog/"]\nurl = "https://blog.example.com/"\n')
    assert _site(tmp_path, files, sources) == {
        "docs/billing/refunds.md": "https://docs.example.com/billing/refunds/",
        "docs/billing/_index.md": "https://docs.example.com/billing/",  # a folder's own page: the folder's URL
        "docs/index.md": "https://docs.example.com/",
        "docs/api/auth.md": "https://docs.example.com/api/authentication/",  # its front matter's path, from the base
        "docs/api/errors.md": "https://docs.example.com/api/error-codes",  # a relative slug: from its own folder
        "docs/api/limits.md": "https://docs.example.com/limits",
        "docs/api/keys.md": "https://example.org/keys",  # an address of its own
        "docs/guides/Démarrage rapide.md": "https://guides.example.com/D%C3%A9marrage%20rapide/",  # the deepest
        "docs/guides/webhooks.md": "https://example.org/hooks",  # its own entry first
        "blog/news.md": "https://blog.example.com/news/",
        "notes.txt": None,  # no folder entry holds it
    }


def test_without_a_folder_entry_a_page_s_path_is_no_url_as_before(tmp_path):
    files = {"api/auth.md": "---\nurl: /api/auth/\nslug: auth\n---\n# Auth\n\nUse a bearer key.\n"}
    assert _site(tmp_path, files, "") == {"api/auth.md": None}
    (doc,) = [o for o in read_files(tmp_path) if isinstance(o, Document)]
    assert doc.changes == ["url '/api/auth/' left out: it is not an absolute address (no scheme)"]
    assert entry({}, "api/auth.md") is None and page_url({}, None, "auth") is None
    # "/" holds every file of the corpus
    assert _site(tmp_path, files, '["/"]\nurl = "https://docs.example.com/v2/"\n') == {
        "api/auth.md": "https://docs.example.com/v2/api/auth/"}


def test_a_folder_entry_naming_no_folder_or_giving_a_title_is_reported(tmp_path):
    from rag.corpus.reader import Skipped

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('["doc/"]\nurl = "https://x.example/"\n\n'
                                           '["docs/"]\nurl = "https://docs.example/"\ntitle = "Docs"\n',
                                           encoding="utf-8")
    skipped = {o.source: o.reason for o in read_files(tmp_path) if isinstance(o, Skipped)}
    assert skipped == {
        'sources.toml ["doc/"]': "names no folder of the corpus's files: paths are relative to the corpus folder, "
                                 'with / ("site/"; "/" for every file); its url is not used',
        'sources.toml ["docs/"]': "a folder's entry gives the url its files are published below: its title is not "
                                  "read"}


def test_a_file_a_site_does_not_make_a_page_of_keeps_its_name_below_a_folder_entry(tmp_path):
    # MkDocs, Docusaurus and Hugo copy what is not Markdown as it is: `guides/manual.pdf` is no `guides/manual/` page
    files = {"docs/guides/setup.md": "# Setup\n\nInstall the client.\n",
             "docs/guides/page.html": "<html><head><title>Page</title></head><body><p>A page.</p></body></html>",
             "docs/guides/notes.txt": "Plain notes.\n", "docs/Tarifs 2024.csv": "Offre,Prix\nBase,5\n",
             "docs/guides/intro.mdx": "# Intro\n\nWelcome.\n"}
    assert _site(tmp_path, files, '["docs/"]\nurl = "https://docs.example.com/"\n') == {
        "docs/guides/setup.md": "https://docs.example.com/guides/setup/",
        "docs/guides/intro.mdx": "https://docs.example.com/guides/intro/",
        "docs/guides/page.html": "https://docs.example.com/guides/page.html",
        "docs/guides/notes.txt": "https://docs.example.com/guides/notes.txt",
        "docs/Tarifs 2024.csv": "https://docs.example.com/Tarifs%202024.csv"}


def test_a_folder_entry_written_another_way_or_with_an_url_no_link_may_give_is_said_so_once(tmp_path):
    from rag.corpus.reader import Skipped

    files = {"docs/a.md": "# A\n\nText.\n", "docs/api/b.md": "# B\n\nText.\n", "notes/c.md": "# C\n\nText.\n",
             "d.md": "# D\n\nText.\n"}
    sources = ('["docs"]\nurl = "https://a.example/"\n\n["/docs/"]\nurl = "https://b.example/"\n\n'
               '["./docs/api/"]\nurl = "https://c.example/"\n\n["docs\\\\api\\\\"]\nurl = "https://d.example/"\n\n'
               '["notes/"]\nurl = "notes.example.com/"\n\n["/"]\nurl = "javascript:alert(1)"\n')
    assert _site(tmp_path, files, sources) == {"docs/a.md": None, "docs/api/b.md": None, "notes/c.md": None,
                                               "d.md": None}
    said = {o.source: o.reason for o in read_files(tmp_path) if isinstance(o, Skipped)}
    hint = ("names the folder {0} another way: a folder's entry is written [\"{0}\"] (relative to the corpus folder, "
            "with /, ending in /); its url is not used")
    assert said == {
        'sources.toml ["docs"]': hint.format("docs/"), 'sources.toml ["/docs/"]': hint.format("docs/"),
        'sources.toml ["./docs/api/"]': hint.format("docs/api/"),
        'sources.toml ["docs\\api\\"]': hint.format("docs/api/"),
        'sources.toml ["notes/"]': "its url 'notes.example.com/' is left out: it is not an absolute address (no "
                                   "scheme); the files below it get no URL from it",
        'sources.toml ["/"]': "its url 'javascript:alert(1)' is left out: scheme javascript: is not one of http, "
                              "https, mailto; the files below it get no URL from it"}
    # each file is said nothing of an address it never gave (it was: "url 'javascript:alert(1)/d/' left out")
    assert all(not o.changes for o in read_files(tmp_path) if isinstance(o, Document))


def test_a_path_from_front_matter_is_a_well_formed_url_its_dot_segments_resolved(tmp_path):
    files = {"docs/api/pct.md": '---\nslug: "100% sûr"\n---\n# Sûr\n\nText.\n',
             "docs/api/encoded.md": "---\nslug: caf%C3%A9\n---\n# Café\n\nText.\n",
             "docs/billing/up.md": "---\nslug: ../invoices/./list\n---\n# Up\n\nText.\n",
             "docs/billing/host.md": "---\nslug: //evil.example/x\n---\n# Host\n\nText.\n"}
    assert _site(tmp_path, files, '["docs/"]\nurl = "https://docs.example.com/v2"\n') == {
        "docs/api/pct.md": "https://docs.example.com/v2/api/100%25%20s%C3%BBr",  # was 100%%20s%C3%BBr
        "docs/api/encoded.md": "https://docs.example.com/v2/api/caf%C3%A9",  # already escaped: kept
        "docs/billing/up.md": "https://docs.example.com/v2/invoices/list",  # was .../billing/../invoices/./list
        "docs/billing/host.md": "https://docs.example.com/v2/evil.example/x"}  # never another host
