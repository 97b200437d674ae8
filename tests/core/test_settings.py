"""Settings come from the environment through strict helpers; production settings pass --deploy."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from luoshi.env import env_bool, env_int, env_list


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("LUOSHI_X", raw)
    assert env_bool("LUOSHI_X", not expected) is expected


def test_env_bool_refuses_a_typo_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("LUOSHI_X", "flase")
    with pytest.raises(ImproperlyConfigured, match="LUOSHI_X"):
        env_bool("LUOSHI_X", False)


def test_env_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("LUOSHI_N", "abc")
    with pytest.raises(ImproperlyConfigured):
        env_int("LUOSHI_N", 1)
    monkeypatch.setenv("LUOSHI_N", "0")
    with pytest.raises(ImproperlyConfigured, match="不能小于"):
        env_int("LUOSHI_N", 1, minimum=1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("LUOSHI_L", " a.gov.cn, b.gov.cn ,")
    assert env_list("LUOSHI_L", []) == ["a.gov.cn", "b.gov.cn"]


def _django_check(tmp_path, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    environ.update(DJANGO_SETTINGS_MODULE="luoshi.settings", LUOSHI_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "django", "check", *args],
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist(tmp_path):
    result = _django_check(
        tmp_path,
        "--deploy",
        "--fail-level",
        "WARNING",
        LUOSHI_SECRET_KEY="k" * 20 + "production-secret-for-the-test-only-0123456789",
        LUOSHI_ALLOWED_HOSTS="luoshi.yongchuan.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_setting_stops_start_up_with_a_chinese_reason(tmp_path):
    result = _django_check(tmp_path, LUOSHI_DEBUG="maybe")
    assert result.returncode != 0
    assert "LUOSHI_DEBUG" in result.stderr
    assert "不是布尔值" in result.stderr


def test_a_missing_secret_key_is_generated_once_and_kept(tmp_path):
    assert _django_check(tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _django_check(tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
