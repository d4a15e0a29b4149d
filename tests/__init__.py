"""The test suite, in three lanes, by what a test needs:

- `unit/`: no model, no process, no socket: pure logic, parsers, the HTTP edge without an index. Seconds.
- `integration/`: the real bundled model, loaded once, and FAISS, over the one session index (or small indexes of
  their own), in this process; the HTTP app through Litestar's test client (`client`).
- `system/`: processes (`rag serve`, `rag mcp`, SIGKILL), servers on sockets, Ray, replicas, reloads under load,
  models loaded again or converted, the load test. Marked `system` by `tests/conftest.py`.

`make test-fast` runs the first two; `make test` runs all three. What more than one lane uses is in `helpers/`."""
