# Two commands for a fresh clone:  `make run` (install, ingest if needed, serve)  and  `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
export HF_HUB_OFFLINE := 1

.PHONY: run test test-fast install install-dev ingest serve lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first and pinned: the CPU build. An unpinned torch (pulled by sentence-transformers) is a multi-GB CUDA build,
# and so is PyPI's torch for Linux, pinned or not: where pip reaches PyTorch's own index, give it as TORCH_INDEX
# (make run TORCH_INDEX=https://download.pytorch.org/whl/cpu). Without it, pip takes torch where it is configured to
# (this project's CI machines keep the CPU build in their wheel folder).
TORCH_INDEX ?=
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0 $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	$(BIN)/pip install --quiet -e .
	touch $@

# The ray extra too: the test suite checks that `rag ingest --engine ray` builds the local engine's artifact.
$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,ray]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

ingest: install
	$(BIN)/rag ingest

serve: install
	$(BIN)/rag serve

run: ingest serve

test: install-dev
	$(BIN)/python -m pytest

# The fast lane: unit and integration tests (tests/__init__.py says what goes where): no process, no socket, no Ray,
# the model loaded once. Under 90 s on 2 cores; `make test` adds tests/system/.
test-fast: install-dev
	$(BIN)/python -m pytest tests/unit tests/integration

lint: install-dev
	$(BIN)/ruff check rag tests scripts
	$(BIN)/mypy rag

# Serving and ingest speed next to the bare model (docs/PERFORMANCE.md); needs wrk (apt-get install wrk).
bench: install
	$(BIN)/python -m scripts.bench.speed

# Retrieval figures of the dev set on corpus/, and of the shared datasets when they sit beside the clone
# (docs/EVALUATION.md, "Reproduce").
DATASETS := $(wildcard ../shared/datasets/piaf ../shared/datasets/cnil_faq_dev ../shared/datasets/en_stackfaq)
eval: install
	$(BIN)/rag eval tests/data/devset.jsonl $(DATASETS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
