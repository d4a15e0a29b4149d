"""What an ingest did, as `rag ingest` reports it (text or JSON) and `rag.ingest` returns it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rag.corpus.reader import Changed, Skipped
from rag.embedding.names import BUNDLED_MODEL
from rag.search.fusion import MULTILINGUAL


@dataclass
class IngestReport:
    """What an ingest did."""

    index_dir: str
    up_to_date: bool = False
    build_id: str | None = None
    files: int = 0
    documents: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)  # files indexed with something left out (an unsafe url)
    # the files indexed now against the build published before, by their content: {"added": [...], "modified": [...],
    # "removed": [...], "renamed": [[old, new], ...], "metadata": [...]} sources (metadata: the same bytes under
    # another title or URL: sources.toml's, or a new passage layout's reading); None on the first build of an index
    # folder
    since: dict[str, list[Any]] | None = None
    seconds: float = 0.0
    model_seconds: float = 0.0  # part of `seconds` spent importing and loading the model (0 on Ray: the actors do)
    # the model that embedded the build (under `RAG_MODEL=auto` the one its corpus got), the languages its card
    # declares (["multilingual"] for the bundled model), and the language lexical search reads (`RAG_LANGUAGE=auto`:
    # the corpus's): what a question in another language can expect is said by them, and was said nowhere before
    model: str | None = None
    model_languages: list[str] = field(default_factory=list)
    language: str | None = None

    def differences(self, shown: int = 5) -> str:
        """`since` in a line, up to `shown` sources a list ("1 added (faq.md); 2 removed (a.md, b.md); 1 renamed
        (c.md -> d.md); title or URL changed for 1 file (e.md)"), "no file, title or URL changed" for a build made anew
        of the same files; "" when up to date or there was no build before. A title or URL changed is not said to be
        sources.toml's: a release that reads files anew (a new passage layout) titles some otherwise, and the manifest
        does not record the layout a build was read with."""
        def listed(sources: list[Any]) -> str:
            more = f", and {len(sources) - shown} more" if len(sources) > shown else ""
            return ", ".join(s if isinstance(s, str) else " -> ".join(s) for s in sources[:shown]) + more

        def said(what: str, sources: list[Any]) -> str:
            if what != "metadata":
                return f"{len(sources)} {what} ({listed(sources)})"
            many = len(sources) > 1
            return (f"{'titles or URLs' if many else 'title or URL'} changed for {len(sources)} file"
                    f"{'s' if many else ''} ({listed(sources)})")

        if self.since is not None and not self.up_to_date and not any(self.since.values()):
            # read again and built anew for another reason (--force, a setting, a key of sources.toml that gives no
            # title or URL): the operator learns the build serves the same files as the one before
            return "no file, title or URL changed"
        return "; ".join(said(what, sources) for what, sources in (self.since or {}).items() if sources)

    def read_languages(self, model: Mapping[str, Any], language: str) -> None:
        """The build's model (its manifest's `model`) and the language its lexical search reads."""
        self.model, self.model_languages, self.language = str(model["name"]), list(model.get("languages", [])), language

    def reading(self) -> list[tuple[str, bool]]:
        """What the build reads, as lines, each with whether it is a warning: its model, the languages the model
        reads and lexical search's ("model X (reads many languages), lexical search in fr"); for a model of declared
        languages that are not many, the warning that a question in another language is read poorly (French questions
        of en_stackfaq with all-MiniLM-L6-v2, `RAG_MODEL=auto`'s English model: R@5 0.72 against 0.86 with the
        bundled model, every one said not answerable; `scripts.eval.languages_audit`). None before a build."""
        if self.model is None:
            return []
        many = bool(MULTILINGUAL & set(self.model_languages))
        declared = "many languages" if many else ", ".join(self.model_languages) or "no declared language"
        lines = [(f"model {self.model} (reads {declared}), lexical search in {self.language}", False)]
        if not many and self.model_languages:
            lines.append((f"{self.model} reads {declared} only: questions in another language find little and are "
                          f"said not answerable; RAG_MODEL={BUNDLED_MODEL} reads about a hundred languages (then rag "
                          "ingest)", True))
        return lines

    def skipped_lines(self, shown: int = 3) -> list[str]:
        """The skipped files as `rag ingest` prints them, a line each ("skipped a.ods: unsupported format .ods; ..."),
        but one line for the files of one reason when more than `shown + 1` share it ("skipped 212 files: unsupported
        format .png; ... (images/a.png, images/b.png, images/c.png, and 209 more)"): a wiki's HTML export holds
        hundreds of icons and style sheets, whose lines hid the one file that failed. `--json` lists every file."""
        by_reason: dict[str, list[str]] = {}
        for skipped in self.skipped:
            by_reason.setdefault(skipped.reason, []).append(skipped.source)
        lines: list[str] = []
        for reason, sources in by_reason.items():
            if len(sources) <= shown + 1:
                lines.extend(f"skipped {source}: {reason}" for source in sources)
            else:
                named = ", ".join(sources[:shown])
                lines.append(f"skipped {len(sources)} files: {reason} ({named}, and {len(sources) - shown} more)")
        return lines

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["skipped"] = [{"source": s.source, "reason": s.reason} for s in self.skipped]
        out["changed"] = [{"source": c.source, "change": c.change} for c in self.changed]
        return out


__all__ = ["IngestReport"]
