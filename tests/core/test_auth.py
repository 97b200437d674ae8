"""Signing in, and the lock-out after repeated wrong passwords."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def _attempt(client, username, password):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_a_correct_password_signs_in(world, client):
    response = _attempt(client, "leader", world.password)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_says_so_in_chinese(world, client):
    response = _attempt(client, "leader", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "不正确" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "leader", "wrong-password")
    response = _attempt(client, "leader", world.password)
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()


def test_the_lockout_of_one_account_does_not_lock_another(world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _attempt(client, "leader", "wrong-password")
    assert _attempt(client, "supervisor", world.password).status_code == 302
