"""API tokens: hashed, shown once, revocable, expiring; and the API honours them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.core.errors import NotFound, ValidationFailed
from luoshi.org import services
from luoshi.org.models import ApiToken

pytestmark = pytest.mark.django_db


def test_only_the_digest_of_a_token_is_stored(world):
    token, raw = services.issue_token(world.jxw_reporter, name="同步脚本")
    assert raw.startswith("ls_")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix)
    assert services.authenticate_token(raw) == world.jxw_reporter


def test_a_revoked_token_no_longer_authenticates(world):
    token, raw = services.issue_token(world.jxw_reporter, name="同步脚本")
    services.revoke_token(world.jxw_reporter, token)
    assert services.authenticate_token(raw) is None


def test_an_expired_token_no_longer_authenticates(world):
    token, raw = services.issue_token(world.jxw_reporter, name="短期", expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.authenticate_token(raw) is None


def test_a_token_of_a_deactivated_user_no_longer_authenticates(world):
    _, raw = services.issue_token(world.jxw_reporter, name="同步脚本")
    world.jxw_reporter.is_active = False
    world.jxw_reporter.save(update_fields=["is_active"])
    assert services.authenticate_token(raw) is None


def test_garbage_and_lookalike_tokens_are_refused(world):
    _, raw = services.issue_token(world.jxw_reporter, name="同步脚本")
    assert services.authenticate_token("") is None
    assert services.authenticate_token("Bearer nonsense") is None
    assert services.authenticate_token(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None


def test_one_user_cannot_revoke_another_users_token(world):
    token, raw = services.issue_token(world.enterprise_a, name="企业A脚本")
    with pytest.raises(NotFound):
        services.revoke_token(world.enterprise_b, token)
    assert services.authenticate_token(raw) == world.enterprise_a


def test_a_token_needs_a_purpose_and_a_future_expiry(world):
    with pytest.raises(ValidationFailed):
        services.issue_token(world.jxw_reporter, name="  ")
    with pytest.raises(ValidationFailed):
        services.issue_token(world.jxw_reporter, name="x", expires_at=timezone.now() - timedelta(days=1))


def test_the_api_accepts_a_bearer_token(world, client):
    _, raw = services.issue_token(world.jxw_reporter, name="同步脚本")
    response = client.get("/api/v1/org/me", headers={"authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "jxw_reporter"
    assert body["grants"][0]["unit_name"] == "重庆市永川区经济和信息化委员会"


def test_the_api_refuses_a_revoked_token(world, client):
    token, raw = services.issue_token(world.jxw_reporter, name="同步脚本")
    services.revoke_token(world.jxw_reporter, token)
    assert client.get("/api/v1/org/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401


def test_the_tokens_page_shows_a_new_token_once(world, login):
    client = login(world.jxw_reporter)
    response = client.post("/tokens/", {"name": "统计同步"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith("ls_")
    assert raw in response.content.decode()
    again = client.get("/tokens/")
    assert raw not in again.content.decode()
    assert "统计同步" in again.content.decode()


def test_the_tokens_page_cannot_revoke_someone_elses_token(world, login):
    token, _ = services.issue_token(world.enterprise_a, name="企业A脚本")
    response = login(world.enterprise_b).post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
