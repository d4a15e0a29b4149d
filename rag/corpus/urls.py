"""Where a document's URL comes from, for its citations: its own entry of `sources.toml`, else the URL its file
declares (Markdown front matter's `url`, an HTML page's canonical link), else the page a site generator makes of it
below a folder entry of `sources.toml`.

A folder entry (a key ending in "/", "/" alone for the whole corpus) gives the URL its folder is published at:

    ["site/"]
    url = "https://docs.example.com/"

and each file below it without a URL of its own gets the page a documentation site (MkDocs, Docusaurus, Hugo) makes
of it: `site/billing/refunds.md` at `https://docs.example.com/billing/refunds/`, a folder's own page (`index.md`,
`_index.md`, `README.md`) at its folder's URL, a path given by its front matter (`slug`, or a `url` that is no
absolute address) from the folder's URL for one that starts with "/" (`url: /api/auth/`, `slug: /refunds`), from its
own folder's otherwise (`slug: refund-policy`). A file the site does not make a page of (a PDF, an HTML page, a
spreadsheet: anything but Markdown) is published as it is, at its own name: `site/guides/manual.pdf` at
`https://docs.example.com/guides/manual.pdf`. The deepest folder entry holding a file is the one read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urljoin

from rag.corpus.files import SUFFIXES
from rag.corpus.formats.markdown import parse_markdown
from rag.sanitize import url_refusal

# The names a site gives a folder's own page (MkDocs' and Docusaurus' index.md, Hugo's _index.md, GitHub's
# README.md): such a page is named, and published, by its folder.
FOLDER_PAGES = {"index", "_index", "readme"}
# The suffixes of the files a site generator makes pages of (Markdown); it copies the others as they are.
_PAGES = {suffix for suffix, parse in SUFFIXES.items() if parse is parse_markdown}
# Keys `entry` adds to a file's entry when a folder entry holds it: the folder's URL and the path below it.
SITE_URL, SITE_PATH = "site url", "site path"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")  # a "%" in a path its front matter gives that escapes nothing


def is_folder(key: str) -> bool:
    """Whether a key of `sources.toml` names a folder (its files' URLs), not a file."""
    return key.endswith("/")


def folder_refusal(given: object) -> str | None:
    """Why a folder entry's url is no base for its files' URLs (`rag.sanitize.url_refusal`: a relative or a
    `javascript:` address), said once of the entry rather than of each file below it; None when it is one, or gives
    none."""
    url = given.get("url") if isinstance(given, Mapping) else None
    if not isinstance(url, str) or not url.strip() or not (why := url_refusal(url.strip())):
        return None
    shown = repr(url) if len(url) <= 80 else repr(url[:80]) + "..."
    return f"its url {shown} is left out: {why}; the files below it get no URL from it"


def folder_meant(key: str, names: Iterable[str]) -> str | None:
    """The folder entry a key names another way (`docs`, `/docs/`, `./docs/`, `docs\\`) when a folder of the corpus's
    files (`names`) is there, else None."""
    folder = key.replace("\\", "/").strip().strip("/")
    while folder.startswith("./"):
        folder = folder[2:].lstrip("/")
    if not folder or folder == "." or folder + "/" == key:
        return None
    return folder + "/" if any(name.startswith(folder + "/") for name in names) else None


def entry(metadata: Mapping[str, Any], relative: str) -> dict[str, Any] | None:
    """The entry of `sources.toml` for the file at `relative` (a path with forward slashes), with the URL and the
    path below it of the deepest folder entry holding the file, if any gives a URL one may link to; None when
    neither is there."""
    own = metadata.get(relative)
    parts = relative.split("/")
    for depth in range(len(parts) - 1, -1, -1):
        folder = metadata.get("/".join(parts[:depth]) + "/")
        if isinstance(folder, Mapping) and isinstance(folder.get("url"), str) and folder["url"].strip() and \
                not folder_refusal(folder):
            return {**(own or {}), SITE_URL: folder["url"].strip(), SITE_PATH: "/".join(parts[depth:])}
    return dict(own) if own is not None else None


def page_url(meta: Mapping[str, Any], declared: str | None, slug: str | None = None) -> str | None:
    """The URL of a document: its entry's `url`, else the URL its file declares (`declared`) when it is an absolute
    address, else its page below the folder entry's URL (`meta`'s `SITE_URL` and `SITE_PATH`, from `entry`), read
    from the path its file gives (a relative `declared`, else `slug`) when it gives one; without a folder entry,
    what the file declares, as it is (None: no URL)."""
    if meta.get("url"):
        return str(meta["url"])
    site, below = meta.get(SITE_URL), meta.get(SITE_PATH)
    if not site or below is None or (declared and ":" in declared.split("/", 1)[0]):  # a scheme: an address
        return declared
    base = site if site.endswith("/") else site + "/"
    folders = below.split("/")[:-1]
    if path := (declared or slug or "").strip():
        root = path.startswith("/")
        # a "%" that escapes nothing is one ("100% sûr": 100%25%20s%C3%BBr); "./" and "../" are resolved as a browser
        # resolves them (urljoin: what is joined holds no scheme, its ":" quoted, nor a host, its leading "/" gone)
        path = quote(_STRAY_PERCENT.sub("%25", path.lstrip("/")), safe="/#?=&%")
        return urljoin(base, path if root else "".join(quote(f, safe="") + "/" for f in folders) + path)
    name, dot, suffix = below.split("/")[-1].rpartition(".")
    if not dot or f".{suffix.casefold()}" not in _PAGES:  # a file copied as it is: at its own name
        return base + "/".join(quote(p, safe="") for p in below.split("/"))
    pages = folders if name.casefold() in FOLDER_PAGES else [*folders, name]
    return base + "".join(quote(p, safe="") + "/" for p in pages)


__all__ = ["FOLDER_PAGES", "SITE_PATH", "SITE_URL", "entry", "folder_meant", "folder_refusal", "is_folder", "page_url"]
