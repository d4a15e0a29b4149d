
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

