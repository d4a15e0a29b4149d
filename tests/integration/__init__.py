"""The real bundled model, loaded once, and FAISS, over the one session index (or small indexes of their own), in
this process: the core, ingest and the HTTP app through Litestar's test client (`client`, in `conftest.py`)."""
