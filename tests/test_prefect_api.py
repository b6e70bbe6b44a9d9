"""The Prefect API a `cchc run` uses: a server it starts early, unless Prefect is configured with one."""
import pytest

from flows import prefect_api


@pytest.fixture
def prefect_home(tmp_path, monkeypatch):
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "PREFECT_SERVER_EPHEMERAL_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


PROFILES = """active = "local"
[profiles.ephemeral]
PREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"
[profiles.local]
PREFECT_API_URL = "http://127.0.0.1:4200/api"
"""


def test_a_configured_api_is_used_as_it_is(prefect_home, monkeypatch):
    assert prefect_api._api_in_prefect_config() is False
    (prefect_home / "profiles.toml").write_text(PROFILES, encoding="utf-8")
    assert prefect_api._api_in_prefect_config() is True
    assert prefect_api.start_early() is None
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert prefect_api._api_in_prefect_config() is False
    (prefect_home / "prefect.toml").write_text('[api]\nurl = "http://10.0.0.5:4200/api"\n', encoding="utf-8")
    assert prefect_api._api_in_prefect_config() is True


def test_no_server_is_started_when_prefect_has_an_api_or_may_not_start_one(prefect_home, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert prefect_api.start_early() is None
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_ENABLED", "false")
    assert prefect_api.start_early() is None


def test_a_server_that_dies_is_one_clear_line_with_its_last_words(prefect_home, monkeypatch):
    broken = prefect_home / "python"
    broken.write_text("#!/bin/sh\necho starting >&2\necho 'No module named uvicorn' >&2\nexit 1\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setattr(prefect_api.sys, "executable", str(broken))
    api = prefect_api.start_early()
    try:
        with pytest.raises(prefect_api.UserError) as e:
            api.wait_ready(timeout=10)
    finally:
        api.stop()
    assert str(e.value) == "the temporary Prefect API server exited with code 1 before it was ready: No module named uvicorn"
