"""The search thread's BLAS setting, seen from a fresh process."""

from __future__ import annotations

import os

from tests.helpers.paths import ROOT


def test_the_search_thread_runs_numpy_blas_on_one_thread():
    """Under load, a matrix product on OpenBLAS's threads waits for the second one to wake (docs/SCALE.md). Checked in
    a new process, as the server starts: this one's BLAS settings depend on the tests run before."""
    import json
    import subprocess
    import sys

    probe = ("import json\n"
             "from threadpoolctl import threadpool_info\n"
             "from rag.serving.runtime import single_threaded_search\n"
             "before = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
             "single_threaded_search()  # as the server's start-up calls it\n"
             "after = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
             "print(json.dumps([before, after]))\n")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    before, after = json.loads(out.stdout)
    assert before and all(n == 2 for n in before)  # two threads to start with, as on a 2-core machine
    assert after == [1] * len(before)  # one afterwards, numpy's OpenBLAS and FAISS's alike
