
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
