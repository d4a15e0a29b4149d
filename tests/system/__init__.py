"""Processes and sockets: `rag serve` and `rag mcp` in subprocesses, uvicorn servers in threads, SIGKILL, Ray,
replicas, the load test. Marked `system` (by `tests/conftest.py`)."""
