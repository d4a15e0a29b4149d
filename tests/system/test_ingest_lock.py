"""The ingest lock of a process killed with SIGKILL is free again: the kernel drops it with the process."""

import os
import signal
import subprocess
import sys

import pytest

from rag.errors import IngestBusy
from rag.index.locks import IngestLock
from rag.ingestion.pipeline import ingest
from tests.helpers.paths import ROOT


def no_model():
    raise AssertionError("the model was loaded")


def test_the_lock_is_released_when_its_holder_dies(fresh_settings):
    with subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from rag.index.locks import IngestLock; "
         "lock = IngestLock(Path(sys.argv[1])); print('locked', flush=True); sys.stdin.read()",
         str(fresh_settings.index_dir)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
            with pytest.raises(IngestBusy, match=f"pid {holder.pid} on host "):
                ingest(fresh_settings, embedder_factory=no_model)
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
    IngestLock(fresh_settings.index_dir).release()  # free again: the kernel dropped it with the process
