"""How many texts the bundled model embeds side by side when RAG_EMBED_WORKERS is unset: the CPUs this process may
use (`rag.embedding.bundled.usable_cpus`)."""

from rag.embedding.bundled import usable_cpus


def test_no_quota_leaves_every_cpu_the_process_may_run_on(tmp_path):
    everything = usable_cpus(tmp_path / "no-cgroups", tmp_path / "no-membership")
    assert everything >= 1
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert usable_cpus(tmp_path, tmp_path / "no-membership") == everything


def test_a_quota_of_the_root_or_of_any_cgroup_above_the_process_caps_it(tmp_path):
    everything = usable_cpus(tmp_path / "no-cgroups", tmp_path / "no-membership")
    membership = tmp_path / "cgroup"
    membership.write_text("0::/system.slice/rag.service\n")
    unit = tmp_path / "system.slice" / "rag.service"
    unit.mkdir(parents=True)
    (unit / "cpu.max").write_text("max 100000\n")
    assert usable_cpus(tmp_path, membership) == everything
    (tmp_path / "system.slice" / "cpu.max").write_text("50000 100000\n")  # half a CPU, one level up: one thread
    assert usable_cpus(tmp_path, membership) == 1
    (tmp_path / "system.slice" / "cpu.max").write_text(f"{100000 * everything + 1} 100000\n")  # more than them all
    assert usable_cpus(tmp_path, membership) == everything
    (tmp_path / "cpu.max").write_text("garbled\n")  # unreadable: no quota there
    assert usable_cpus(tmp_path, membership) == everything


def test_the_lone_text_session_sizes_its_threads_to_the_cpus_left(monkeypatch):
    """ONNX Runtime's default (one thread per core of the machine) unless the process may use fewer CPUs."""
    from rag.embedding import bundled

    monkeypatch.setattr(bundled.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(bundled, "usable_cpus", lambda: 2)  # a container limited to 2 CPUs on a 64-core host
    assert bundled.lone_threads() == 2
    monkeypatch.setattr(bundled, "usable_cpus", lambda: 64)
    assert bundled.lone_threads() == 0
