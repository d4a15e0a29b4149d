# CPU-only image: torch's CPU wheel, the package with its bundled model (converted for ONNX Runtime at build time, into
# RAG_MODEL_CACHE inside the image: a read-only root file system at run time is fine), the corpus ingested at build.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 \
    RAG_CORPUS_DIR=/app/corpus RAG_INDEX_DIR=/app/var/index RAG_MODEL_CACHE=/app/models RAG_HOST=0.0.0.0 RAG_PORT=8000

WORKDIR /app
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md LICENSE ./
# The dependencies first, from pyproject.toml alone (an empty package stands in): a change to the code rebuilds the
# layers from here on, not this one.
RUN mkdir rag && touch rag/__init__.py && pip install --no-cache-dir . && pip uninstall --yes rag && rm -rf rag build
COPY rag ./rag
RUN pip install --no-cache-dir --no-deps .
COPY corpus ./corpus

RUN useradd --create-home --uid 10001 rag && mkdir -p /app/var /app/models && chown -R rag /app/var /app/models
USER rag
RUN rag ingest --quiet

EXPOSE 8000
# on the port the server listens on, RAG_PORT as the container is run with it (a 503 raises: unhealthy too)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('RAG_PORT') or '8000'; host = os.environ.get('RAG_HOST', '').strip(); host = '127.0.0.1' if host in ('', '0.0.0.0', '::') else host; host = f'[{host}]' if ':' in host else host; sys.exit(urllib.request.urlopen(f'http://{host}:{port}/readyz', timeout=4).status != 200)"]
CMD ["rag", "serve"]
