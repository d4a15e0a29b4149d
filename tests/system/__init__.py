"""Processes, sockets and whole deployments: `rag serve`, `rag ingest` and `rag mcp` in subprocesses, SIGKILL, uvicorn
servers in threads, Ray, replicas, reloads under load, models loaded anew or converted, the load test. Every test
here is marked `system` (by `tests/conftest.py`)."""
