"""The ``luoshi`` command line."""

import json
import os
import subprocess
import sys

import pytest

from luoshi.cli import main


@pytest.fixture(autouse=True)
def no_deployment_database(monkeypatch, tmp_path):
    """By default the CLI sees a fresh machine: no database file, no database URL."""
    monkeypatch.setenv("LUOSHI_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("LUOSHI_DATABASE_URL", raising=False)


def test_workdays_add_prints_the_date(capsys):
    assert main(["workdays", "add", "2025-09-26", "3"]) == 0
    assert capsys.readouterr().out.strip() == "2025-09-30"


def test_workdays_between_counts_after_a_up_to_and_including_b(capsys):
    assert main(["workdays", "between", "2025-09-30", "2025-10-09"]) == 0
    assert capsys.readouterr().out.strip() == "1"


def test_workdays_in_an_unpublished_year_say_they_are_provisional(capsys):
    main(["workdays", "add", "2026-12-30", "5"])
    captured = capsys.readouterr()
    assert captured.out.strip() == "2027-01-06"
    assert "暂按双休日计算" in captured.err


@pytest.mark.django_db(transaction=True)
def test_workdays_follow_the_admins_overrides_when_the_database_exists(world, capsys, monkeypatch):
    from datetime import date

    from luoshi import workdays
    from luoshi.tracking import services

    services.set_day(world.admin, day=date(2027, 1, 4), is_workday=False, note="测试")
    monkeypatch.setenv("LUOSHI_DATABASE_URL", "sqlite:///already-configured-by-the-test-settings")
    try:
        assert main(["workdays", "add", "2026-12-31", "1"]) == 0
        assert capsys.readouterr().out.strip() == "2027-01-01"
        assert main(["workdays", "add", "2027-01-01", "1"]) == 0
        assert capsys.readouterr().out.strip() == "2027-01-05"
    finally:
        workdays.set_calendar(workdays.WorkCalendar())


def test_a_malformed_date_is_refused_in_chinese(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["workdays", "add", "2025-13-01", "1"])
    assert exc.value.code == 2
    assert "不是有效日期" in capsys.readouterr().err


def test_codes_are_dispatched_to_the_codes_kernel(capsys):
    assert main(["codes", "size", "--sector", "工业", "--employees", "300", "--revenue-wan", "2000", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["size"] == "中型"


def _run(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    env["LUOSHI_VAR_DIR"] = str(tmp_path)
    return subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "luoshi.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_demo_prepares_once_and_reuses_its_data(tmp_path):
    first = _run(tmp_path, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "演示账号" in first.stdout
    assert "leader" in first.stdout
    assert "http://127.0.0.1:8000/" in first.stdout
    assert (tmp_path / "luoshi.sqlite3").exists()
    second = _run(tmp_path, "demo", "--no-serve")
    assert second.returncode == 0, second.stderr
    assert "已存在，跳过" in second.stdout

    import sqlite3

    with sqlite3.connect(tmp_path / "luoshi.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        units = db.execute("SELECT COUNT(*) FROM org_unit").fetchone()[0]
        assert db.execute("SELECT COUNT(*) FROM org_unit WHERE name = '中山路街道'").fetchone()[0] == 1
    third = _run(tmp_path, "demo", "--no-serve", "--reset")
    assert third.returncode == 0, third.stderr
    with sqlite3.connect(tmp_path / "luoshi.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM org_unit").fetchone()[0] == units


def test_demo_serves_a_login_page(tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUOSHI_", "DJANGO_"))}
    env["LUOSHI_VAR_DIR"] = str(tmp_path)
    server = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-m", "luoshi.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                assert server.poll() is None, "luoshi demo exited before serving"
                assert time.monotonic() < deadline, "luoshi demo did not answer within 120 s"
                time.sleep(0.5)
        assert response.status == 200
        assert "登录落实平台" in body
    finally:
        server.terminate()
        server.wait(timeout=30)
