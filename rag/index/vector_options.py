"""How to build the dense index: its kind and parameters, each tied to the setting it is read from.

The vector settings are declared here once: each field of `VectorOptions` that a setting gives names it in its
metadata, and both `from_settings` and the settings an index build depends on (`settings_of`, part of an ingest's
fingerprint) are read from those fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag.settings import Settings

Kind = Literal["flat", "hnsw", "ivf", "ivfpq"]
KINDS: tuple[Kind, ...] = ("flat", "hnsw", "ivf", "ivfpq")


def _setting(name: str) -> dict[str, str]:
    """The metadata of a field read from the setting `name` (`rag.settings.Settings`)."""
    return {"setting": name}


@dataclass(frozen=True)
class VectorOptions:
    """How to build the dense index; `kind="auto"` means flat below `auto_threshold` passages, else `auto_kind`."""

    kind: Kind | Literal["auto"] = field(default="auto", metadata=_setting("index_type"))
    auto_threshold: int = field(default=50_000, metadata=_setting("index_auto_threshold"))
    auto_kind: Kind = "hnsw"
    target_recall: float = field(default=0.95, metadata=_setting("index_target_recall"))
    recall_queries: int = field(default=500, metadata=_setting("index_recall_queries"))
    hnsw_m: int = field(default=32, metadata=_setting("hnsw_m"))
    hnsw_ef_construction: int = field(default=80, metadata=_setting("hnsw_ef_construction"))
    hnsw_ef_search: int = field(default=32, metadata=_setting("hnsw_ef_search"))
    ivf_nlist: int = field(default=0, metadata=_setting("ivf_nlist"))
    ivf_nprobe: int = field(default=8, metadata=_setting("ivf_nprobe"))
    pq_m: int = field(default=48, metadata=_setting("pq_m"))
    pq_bits: int = field(default=8, metadata=_setting("pq_bits"))
    pq_rerank: int = field(default=4, metadata=_setting("pq_rerank"))

    @staticmethod
    def settings_of(settings: Settings) -> dict[str, Any]:
        """The vector settings by their names in `Settings`, in field order: what a build depends on."""
        return {f.metadata["setting"]: getattr(settings, f.metadata["setting"])
                for f in fields(VectorOptions) if "setting" in f.metadata}

    @classmethod
    def from_settings(cls, settings: Settings) -> VectorOptions:
        return cls(**{f.name: getattr(settings, f.metadata["setting"]) for f in fields(cls) if "setting" in f.metadata})

    def resolve(self, n: int) -> tuple[Kind, str]:
        """The kind to build for `n` passages, and why."""
        if self.kind != "auto":
            return self.kind, "set in the settings"
        if n < self.auto_threshold:
            return "flat", f"auto: {n} passages < {self.auto_threshold}"
        return self.auto_kind, f"auto: {n} passages >= {self.auto_threshold}"

    def nlist(self, n: int) -> int:
        """The configured number of IVF lists, or about sqrt(n), with at least 39 passages to train each."""
        return self.ivf_nlist or max(1, min(int(n ** 0.5), n // 39))

    def check(self, d: int, n: int | None = None) -> None:
        """Raise `ConfigError`, naming the setting to change, if these options cannot index `n` vectors of dimension
        `d`. Without `n` (passages not counted yet), only what `d` alone rules out, when the kind is set.

        Ingest calls it as soon as it knows `d`, and again once the passages are chunked, before embedding any:
        `build` would refuse the same after all the embedding.
        """
        kind = self.kind if n is None else self.resolve(n)[0]
        if kind == "ivfpq" and d % self.pq_m:
            raise ConfigError(f"pq_m={self.pq_m} does not divide the dimension {d}: set RAG_PQ_M to a divisor of {d}")
        if n is None or kind not in ("ivf", "ivfpq"):
            return
        nlist = self.nlist(n)
        if nlist > n:
            raise ConfigError(f"ivf_nlist={nlist} is more than the {n} passages to index: lower RAG_IVF_NLIST "
                              "(0 picks one) or use RAG_INDEX_TYPE=flat")
        if kind == "ivfpq" and n < 2 ** self.pq_bits:
            raise ConfigError(f"ivfpq needs at least 2**pq_bits = {2 ** self.pq_bits} passages to train, there are "
                              f"{n}: use RAG_INDEX_TYPE=flat or hnsw (or lower RAG_PQ_BITS)")


__all__ = ["KINDS", "Kind", "VectorOptions"]
