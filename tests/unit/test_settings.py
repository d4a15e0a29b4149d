
import pytest
from pydantic import ValidationError

from rag.settings import Settings


def test_every_setting_has_a_description():
    for name, field in Settings.model_fields.items():
        assert field.description, name


def test_environment_is_read_with_prefix(monkeypatch):
    monkeypatch.setenv("RAG_K_DEFAULT", "7")
    monkeypatch.setenv("RAG_API_KEYS", "alpha, beta")
    settings = Settings()
    assert settings.k_default == 7 and settings.api_keys == ["alpha", "beta"]


def test_bad_values_are_refused():
    with pytest.raises(ValidationError, match="dense_weight"):
        Settings(dense_weight=1.5)
    with pytest.raises(ValidationError):
        Settings(port=0)


def test_the_public_url_is_an_http_address_kept_without_trailing_slash():
    assert Settings(public_url="https://rag.example.org/docs/").public_url == "https://rag.example.org/docs"
    for wrong in ("rag.example.org", "ftp://rag.example.org", "https://rag.example.org/?a=1", "https://x/#top"):
        with pytest.raises(ValidationError, match="public_url must be an http or https address"):
            Settings(public_url=wrong)


def test_side_by_side_embedding_uses_the_cpus_a_container_quota_leaves(tmp_path):
    """RAG_EMBED_WORKERS unset: as many threads as CPUs this process may use, fewer under a cgroup v2 quota."""
    from rag.embedding.bundled import usable_cpus

    everything = usable_cpus(tmp_path / "absent")
    quota = tmp_path / "cpu.max"
    quota.write_text("max 100000\n")
    assert usable_cpus(quota) == everything
    quota.write_text("50000 100000\n")  # half a CPU: one thread
    assert usable_cpus(quota) == 1
    quota.write_text(f"{100000 * everything + 1} 100000\n")  # a little more than them all: them all
    assert usable_cpus(quota) == everything
    with pytest.raises(ValidationError):
        Settings(embed_workers=0)
