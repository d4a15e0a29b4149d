"""The test suite, in three lanes: `unit/` (no model, no process, seconds), `integration/` (the real model and FAISS
over one session index, in this process) and `system/` (processes, servers on sockets, Ray, replicas, load).

`make test-fast` runs the first two; `make test` runs all three (the `system` marker names the third)."""
