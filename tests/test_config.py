"""The settings' secrets: kept out of what child processes are given, inherit, or a traceback shows."""

from __future__ import annotations

from service.config import SECRETS, Settings, forget_secret_variables, from_env, without_secrets


def test_config_secrets_are_removed_from_the_environment_once_read() -> None:
    environ = {
        "EVENTGRAPH_TOKEN": "t0ken",
        "EVENTGRAPH_STORE_USER": "someone",
        "EVENTGRAPH_STORE_PASSWORD": "passw0rd",
        "EVENTGRAPH_PORT": "9000",
        "HOME": "/home/someone",
    }
    settings = from_env(environ)
    forget_secret_variables(environ)
    assert (settings.token, settings.store_user, settings.store_password) == ("t0ken", "someone", "passw0rd")
    assert environ == {"EVENTGRAPH_PORT": "9000", "HOME": "/home/someone"}
    forget_secret_variables(environ)  # again: nothing left to remove, no error
    assert from_env(environ).token is None


def test_config_settings_without_secrets_keep_everything_else() -> None:
    settings = Settings(token="t0ken", store_user="someone", store_password="passw0rd", port=9000, threads=3)
    bare = without_secrets(settings)
    assert all(getattr(bare, name) is None for name in SECRETS)
    assert (bare.port, bare.threads, bare.store) == (9000, 3, settings.store)


def test_config_the_settings_repr_shows_no_secret() -> None:
    text = repr(Settings(token="t0ken-in-repr", store_password="passw0rd-in-repr"))
    assert "t0ken-in-repr" not in text and "passw0rd-in-repr" not in text
    assert "port=8000" in text
