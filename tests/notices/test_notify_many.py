"""notify_many: many people, many causes, one write — still one notice per person per cause."""

import pytest
from django.core import mail
from django.db import transaction

from luoshi.notices import services
from luoshi.notices.models import EmailStatus, Notice
from luoshi.notices.services import Message
from luoshi.org.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_person_gets_each_cause_once_even_when_sent_again(world):
    messages = [
        Message(world.leader, "offer:1:7", "请确认收款账户"),
        Message(world.leader, "offer:1:7", "请确认收款账户"),  # the same pair twice in one call
        Message(world.supervisor, "offer:1:7", "请确认收款账户"),
        Message(world.leader, "offer:1:8", "请确认收款账户"),
        Message(None, "offer:1:9", "没有收件人"),
    ]
    assert services.notify_many(messages) == 3
    assert services.notify_many(messages) == 0
    assert Notice.objects.count() == 3
    assert len(mail.outbox) == 3


def test_a_pair_already_told_by_notify_is_not_told_again(world):
    services.notify([world.leader], cause="offer:2:1", title="请确认")
    assert services.notify_many([Message(world.leader, "offer:2:1", "请确认"), Message(world.leader, "x", "新")]) == 1
    assert len(mail.outbox) == 2


def test_inactive_people_and_people_without_email(world):
    world.outsider.email = ""
    world.outsider.save(update_fields=["email"])
    world.leader.is_active = False
    world.leader.save(update_fields=["is_active"])
    assert services.notify_many([Message(world.outsider, "n", "通知"), Message(world.leader, "n", "通知")]) == 1
    assert Notice.objects.get().email_status == EmailStatus.NONE
    assert mail.outbox == []


def test_no_email_goes_out_for_notices_that_roll_back(world):
    class Boom(Exception):
        pass

    def notify_then_fail():
        with transaction.atomic():
            services.notify_many([Message(world.leader, "rolled", "回滚")])
            raise Boom

    with pytest.raises(Boom):
        notify_then_fail()
    assert mail.outbox == []
    assert not Notice.objects.exists()


def test_more_emails_than_one_batch_all_go_out_once(world):
    people = User.objects.bulk_create(
        User(username=f"u{i}", email=f"u{i}@example.cn", password="!") for i in range(services.CHUNK + 20)
    )
    assert services.notify_many(Message(p, "many", "通知") for p in people) == len(people)
    assert len(mail.outbox) == len(people)
    assert not Notice.objects.filter(email_status=EmailStatus.PENDING).exists()
    assert services.send_pending_emails() == 0
