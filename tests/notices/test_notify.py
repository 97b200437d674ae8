"""Notices: one per person per cause, email only after commit, retried when the server fails."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from luoshi.core.errors import NotFound
from luoshi.notices import services
from luoshi.notices.models import EmailStatus, Notice

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_cause_is_sent_to_a_person_once(world):
    first = services.notify([world.jxw_reporter], cause="task:1:due", title="任务即将到期")
    again = services.notify([world.jxw_reporter], cause="task:1:due", title="任务即将到期")
    assert len(first) == 1
    assert again == []
    assert Notice.objects.filter(recipient=world.jxw_reporter).count() == 1
    assert len(mail.outbox) == 1


def test_a_new_cause_is_a_new_notice(world):
    services.notify([world.jxw_reporter], cause="task:1:due", title="即将到期")
    services.notify([world.jxw_reporter], cause="task:1:overdue", title="已逾期")
    assert Notice.objects.filter(recipient=world.jxw_reporter).count() == 2


def test_duplicates_in_one_call_are_collapsed(world):
    created = services.notify([world.leader, world.leader, world.supervisor], cause="brief:w1", title="简报")
    assert len(created) == 2


def test_no_email_goes_out_for_a_change_that_rolls_back(world):
    class Boom(Exception):
        pass

    def notify_then_fail():
        with transaction.atomic():
            services.notify([world.jxw_reporter], cause="task:2:due", title="任务即将到期")
            raise Boom

    with pytest.raises(Boom):
        notify_then_fail()
    assert mail.outbox == []
    assert not Notice.objects.filter(cause="task:2:due").exists()


def test_a_user_without_an_email_address_still_gets_the_inbox_notice(world):
    world.outsider.email = ""
    world.outsider.save(update_fields=["email"])
    [notice] = services.notify([world.outsider], cause="hello", title="你好")
    assert notice.email_status == EmailStatus.NONE
    assert mail.outbox == []


def test_a_failed_email_stays_pending_and_tick_sends_it_later(world):
    with mock.patch("luoshi.notices.services.send_mail", side_effect=OSError("smtp down")):
        [notice] = services.notify([world.jxw_reporter], cause="task:3:due", title="任务即将到期")
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.PENDING
    assert notice.email_attempts == 1
    assert services.send_pending_emails() == 1
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.SENT
    assert services.send_pending_emails() == 0
    assert len(mail.outbox) == 1


def test_an_email_that_keeps_failing_is_given_up_after_several_attempts(world):
    with mock.patch("luoshi.notices.services.send_mail", side_effect=OSError("smtp down")):
        [notice] = services.notify([world.jxw_reporter], cause="task:4:due", title="任务即将到期")
        for _ in range(services.MAX_EMAIL_ATTEMPTS):
            services.send_pending_emails()
    notice.refresh_from_db()
    assert notice.email_status == EmailStatus.FAILED


def test_a_person_cannot_mark_someone_elses_notice(world):
    [notice] = services.notify([world.enterprise_a], cause="x", title="企业A的通知", email=False)
    with pytest.raises(NotFound):
        services.mark_read(world.enterprise_b, notice.pk)
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_shows_only_my_notices_and_counts_unread(world, client):
    services.notify([world.enterprise_a], cause="a", title="给企业A", email=False)
    services.notify([world.enterprise_b], cause="b", title="给企业B", email=False)
    client.force_login(world.enterprise_a)
    body = client.get("/notices/").content.decode()
    assert "给企业A" in body
    assert "给企业B" not in body
    assert '<span class="badge">1</span>' in body


def test_marking_read_through_htmx_returns_the_updated_item(world, client):
    [notice] = services.notify([world.leader], cause="r", title="请阅", email=False)
    client.force_login(world.leader)
    response = client.post(f"/notices/{notice.pk}/read/", headers={"hx-request": "true"})
    assert response.status_code == 200
    assert "标为已读" not in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_following_a_notice_never_redirects_off_site(world, client):
    [notice] = services.notify([world.leader], cause="evil", title="x", link="https://evil.example/", email=False)
    client.force_login(world.leader)
    response = client.post(f"/notices/{notice.pk}/read/", {"follow": "1"})
    assert response["Location"] == "/notices/"


def test_the_api_lists_my_notices(world, client):
    services.notify([world.leader], cause="api", title="接口通知", email=False)
    client.force_login(world.leader)
    rows = client.get("/api/v1/notices/").json()
    assert [r["title"] for r in rows] == ["接口通知"]
