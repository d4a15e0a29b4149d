
from pathlib import Path

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
    assert Settings(dense_weight="0.3").dense_weight == 0.3 and Settings(dense_weight="auto").dense_weight == "auto"
    with pytest.raises(ValidationError):
        Settings(port=0)


def test_the_public_url_is_an_http_address_kept_without_trailing_slash():
    assert Settings(public_url="https://rag.example.org/docs/").public_url == "https://rag.example.org/docs"
    for wrong in ("rag.example.org", "ftp://rag.example.org", "https://rag.example.org/?a=1", "https://x/#top"):
        with pytest.raises(ValidationError, match="public_url\n  Value error, must be an http or https address"):
            Settings(public_url=wrong)


def test_cors_origins_are_origins_a_browser_sends():
    """`Origin` is scheme, host and port: an origin with a path or a slash, or no address at all, matched nothing."""
    kept = ["https://app.example.org", "http://localhost:3000", "*"]
    assert Settings(cors_origins=",".join(kept)).cors_origins == kept
    for wrong in ("notaurl", "https://app.example.org/", "app.example.org", "ftp://app.example.org",
                  "https://app.example.org/chat"):
        with pytest.raises(ValidationError, match=f"{wrong!r} is no origin: give its scheme and host"):
            Settings(cors_origins=wrong)


def test_a_default_k_above_the_largest_is_refused_naming_both(monkeypatch, capsys):
    from rag import cli

    with pytest.raises(ValidationError, match=r"RAG_K_DEFAULT \(60\) is larger than RAG_K_MAX \(50\)"):
        Settings(k_default=60)
    assert Settings(k_default=50).k_default == 50
    monkeypatch.setenv("RAG_K_DEFAULT", "8")
    monkeypatch.setenv("RAG_K_MAX", "6")
    assert cli.main(["documents"]) == 6
    assert "invalid settings: RAG_K_DEFAULT (8) is larger than RAG_K_MAX (6)" in capsys.readouterr().err


def test_a_reload_poll_too_short_to_be_of_use_is_refused_as_it_would_spin_a_core(monkeypatch, capsys):
    from rag import cli

    assert Settings(reload_poll_seconds=0).reload_poll_seconds == 0  # the watch off
    assert Settings(reload_poll_seconds=0.5).reload_poll_seconds == 0.5
    for tiny in (0.0001, 0.49):
        with pytest.raises(ValidationError, match=r"at least 0\.5 s, or 0 to turn the watch off"):
            Settings(reload_poll_seconds=tiny)
    monkeypatch.setenv("RAG_RELOAD_POLL_SECONDS", "0.0001")
    assert cli.main(["serve"]) == 6  # before anything loads or listens
    assert "invalid settings: RAG_RELOAD_POLL_SECONDS: 0.0001 s would check" in capsys.readouterr().err


def test_what_clients_are_told_names_the_folders_by_their_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    settings = Settings(index_dir=tmp_path / "link", corpus_dir=Path("docs"))
    said = settings.without_paths(f"no index in {tmp_path / 'link'}: build {tmp_path / 'real' / 'b1'} is gone; "
                                  f"{tmp_path / 'docs' / 'a.md'} unreadable; docs/a.md; {tmp_path / 'elsewhere'}")
    assert said == (f"no index in RAG_INDEX_DIR: build RAG_INDEX_DIR/b1 is gone; RAG_CORPUS_DIR/a.md unreadable; "
                    f"docs/a.md; {tmp_path / 'elsewhere'}")
    assert Settings(index_dir=Path("/"), corpus_dir=Path("/")).without_paths("/srv/x") == "/srv/x"
    # a relative folder of several parts is named as given too; one of a single part reads as a word ("the corpus")
    relative = Settings(index_dir=Path("work/fresh"), corpus_dir=Path("corpus"))
    assert relative.without_paths("no index in work/fresh; the corpus is fine") == (
        "no index in RAG_INDEX_DIR; the corpus is fine")
    # a path is named whole: not inside a longer name, nor in a URL's path
    data = Settings(index_dir=Path("/data/index"), corpus_dir=Path("/data"))
    assert data.without_paths("/database/x, /data-old/y, https://example.com/data/z, '/data/a.md', /data/index/b") == (
        "/database/x, /data-old/y, https://example.com/data/z, 'RAG_CORPUS_DIR/a.md', RAG_INDEX_DIR/b")
    assert data.without_paths("no build in /data/index. Fix that; /data.old stays") == (
        "no build in RAG_INDEX_DIR. Fix that; /data.old stays")


def test_a_bad_value_is_named_as_the_user_gave_it_an_option_or_a_variable(monkeypatch, capsys):
    from rag import cli

    assert cli.main(["serve", "--port", "99999"]) == 6
    assert "invalid settings: --port: must be at most 65535" in capsys.readouterr().err
    monkeypatch.setenv("RAG_PORT", "99999")
    assert cli.main(["serve"]) == 6
    assert "invalid settings: RAG_PORT: must be at most 65535" in capsys.readouterr().err
    monkeypatch.delenv("RAG_PORT")
    assert cli.main(["search", "--url", "localhost:8871", "retours"]) == 6
    assert "(--url, or RAG_URL) must start with http://" in capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("RAG_BATCH_MAX", "0", "RAG_BATCH_MAX: must be at least 1"),
    ("RAG_MAX_BODY_BYTES", "abc", "RAG_MAX_BODY_BYTES: must be an integer"),
    ("RAG_BODY_TIMEOUT_SECONDS", "soon", "RAG_BODY_TIMEOUT_SECONDS: must be a number"),
    ("RAG_K_DEFAULT", "60", "invalid settings: RAG_K_DEFAULT (60) is larger than RAG_K_MAX (50)"),
    # "could not convert string to float: 'abc'", and "RAG_DENSE_WEIGHT: dense_weight must be" for 2
    ("RAG_DENSE_WEIGHT", "abc", "RAG_DENSE_WEIGHT: must be 'auto' or a number between 0 and 1 (got 'abc')"),
    ("RAG_DENSE_WEIGHT", "2", "RAG_DENSE_WEIGHT: must be 'auto' or a number between 0 and 1 (got '2')"),
    ("RAG_PUBLIC_URL", "ftp://x", "RAG_PUBLIC_URL: must be an http or https address"),
])
def test_a_bad_setting_is_said_in_the_server_s_words_not_pydantic_s(monkeypatch, capsys, variable, value, said):
    """As HTTP and MCP say a refused value (`rag.wording`): "Input should be greater than or equal to 1", "Value
    error, ..." were pydantic's."""
    from rag import cli

    monkeypatch.setenv(variable, value)
    assert cli.main(["documents"]) == 6
    err = capsys.readouterr().err
    assert said in err
    assert "Input should" not in err and "Value error" not in err and "unable to parse" not in err


def test_none_sets_what_may_be_none_as_the_table_says(monkeypatch):
    monkeypatch.setenv("RAG_MAX_PASSAGE_TOKENS", "none")
    monkeypatch.setenv("RAG_EMBED_WORKERS", "none")
    assert (Settings().max_passage_tokens, Settings().embed_workers) == (None, None)
    monkeypatch.setenv("RAG_PUBLIC_URL", "None")  # any case
    monkeypatch.setenv("RAG_ADMIN_KEYS", "NONE")  # "none: admin routes off"
    assert (Settings().public_url, Settings().admin_keys) == (None, [])
    monkeypatch.setenv("RAG_API_KEY", "none")  # elsewhere a value as any other: the key a client sends
    monkeypatch.setenv("RAG_QUERY_PROMPT", "none")
    assert (Settings().api_key, Settings().query_prompt) == ("none", "none")
    for name, value in (("RAG_API_KEYS", "none"), ("RAG_API_KEYS", "k1,None"), ("RAG_ALLOWED_HOSTS", "none"),
                        ("RAG_CORS_ORIGINS", "NONE")):  # neither a key anyone could guess nor silently no check
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match="leave the setting empty"):
            Settings()
        monkeypatch.delenv(name)
    monkeypatch.setenv("RAG_K_MAX", "none")
    with pytest.raises(ValueError, match="k_max"):
        Settings()


def test_the_per_client_connection_cap_is_an_eighth_of_the_connections_unless_set():
    """Half let two addresses take every place (a hardening audit: 2 answers of 196 for a third client)."""
    assert Settings().client_connections == 64 and Settings(max_connections=16).client_connections == 8
    assert Settings(max_connections=5).client_connections == 5  # 8 at least, all of them when fewer
    assert Settings(max_connections_per_client=0).client_connections == 0  # no cap
    assert Settings(max_connections_per_client="none").client_connections == 64


def test_a_variable_in_the_prefix_that_names_no_setting_is_warned_of_naming_the_one_it_misspells():
    """`RAG_APIKEYS=secret` was ignored without a word: the server started with no key at all."""
    from rag.settings import unknown_variables

    warnings = unknown_variables({"RAG_APIKEYS": "secret", "RAG_PROT": "80", "RAG_K_MAX": "9", "rag_k_default": "3",
                                  "RAG_CORPUS_HOST": "/srv/docs", "HOME": "/root", "PAGER": "less"})
    assert warnings == ["RAG_APIKEYS is no setting of rag and is ignored: did you mean RAG_API_KEYS?",
                        "RAG_PROT is no setting of rag and is ignored: did you mean RAG_PORT?"]
    assert unknown_variables({"RAG_ZZZ": "1"}) == [
        "RAG_ZZZ is no setting of rag and is ignored (the settings: docs/CONFIGURATION.md)"]
    assert unknown_variables({f"RAG_{name.upper()}": "1" for name in Settings.model_fields}) == []


def test_the_variables_the_deployment_files_read_are_not_warned_of():
    """deploy/compose.yaml reads RAG_CORPUS_HOST, which its comment tells the operator to set: every `rag` command
    run from that shell said "did you mean RAG_CORPUS_DIR?", a rename that would break the compose file. Every
    `${RAG_...}` a deployment file reads is a setting or such a variable."""
    import re
    from pathlib import Path

    from rag.settings import unknown_variables

    deploy = Path(__file__).resolve().parents[2] / "deploy"
    read = {name for path in deploy.rglob("*") if path.is_file()
            for name in re.findall(r"\$\{(RAG_[A-Z0-9_]+)", path.read_text(encoding="utf-8"))}
    assert "RAG_CORPUS_HOST" in read
    assert unknown_variables(dict.fromkeys(read, "x")) == []


def test_each_command_says_which_variables_it_ignores_a_server_in_its_log(monkeypatch, capsys, tmp_path):
    import json
    import logging

    from rag import cli

    monkeypatch.setenv("RAG_APIKEYS", "secret")
    assert cli.main(["documents", "--index", str(tmp_path)]) == 4  # no index: the warning came first
    err = capsys.readouterr().err
    assert "rag: warning: RAG_APIKEYS is no setting of rag and is ignored: did you mean RAG_API_KEYS?" in err
    assert "secret" not in err
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        monkeypatch.setenv("RAG_RELOAD_POLL_SECONDS", "0")  # no index and no watch: exit 4, once its log is set up
        assert cli.main(["serve", "--index", str(tmp_path)]) == 4
    finally:
        root.handlers[:], root.level = handlers, level
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    assert {"level": "warning", "logger": "rag.settings",
            "message": "RAG_APIKEYS is no setting of rag and is ignored: did you mean RAG_API_KEYS?"}.items() <= \
        records[0].items()


@pytest.mark.parametrize("variable", ["RAG_API_KEYS", "RAG_ADMIN_KEYS", "RAG_ALLOWED_HOSTS", "RAG_CORS_ORIGINS"])
def test_a_list_of_commas_alone_is_refused_not_read_as_none(monkeypatch, capsys, variable):
    """`RAG_API_KEYS=",,"` (a template whose values were not filled in) was read as no key: a server open to all."""
    from rag import cli

    monkeypatch.setenv(variable, " , ,")
    assert cli.main(["documents"]) == 6
    assert f"invalid settings: {variable}: holds commas but no value: for none, leave" in capsys.readouterr().err
    monkeypatch.setenv(variable, "  ")  # spaces alone: the same (the review of stop 47)
    assert cli.main(["documents"]) == 6
    assert f"invalid settings: {variable}: holds spaces but no value: for none, leave" in capsys.readouterr().err
    monkeypatch.setenv(variable, "")  # empty: none, as the table says
    assert getattr(Settings(), variable[4:].lower()) == []
    value = "https://a.example.org" if variable == "RAG_CORS_ORIGINS" else "a.example.org"  # an origin has a scheme
    monkeypatch.setenv(variable, f"{value},")  # a trailing comma is no mistake
    assert getattr(Settings(), variable[4:].lower()) == [value]


def test_a_choice_is_read_in_any_case(monkeypatch):
    """RAG_LOG_LEVEL=INFO, as Python's logging and most tools spell levels, stopped the server (exit 6)."""
    for variable, value in (("RAG_LOG_LEVEL", "INFO"), ("RAG_LOG_FORMAT", "Text"), ("RAG_DEFAULT_MODE", " Dense "),
                            ("RAG_INDEX_TYPE", "HNSW"), ("RAG_INGEST_ENGINE", "Local"), ("RAG_DENSE_WEIGHT", "AUTO")):
        monkeypatch.setenv(variable, value)
    settings = Settings()
    assert (settings.log_level, settings.log_format, settings.default_mode, settings.index_type,
            settings.ingest_engine, settings.dense_weight) == ("info", "text", "dense", "hnsw", "local", "auto")
