"""Sending notices: the one door every capability uses to tell a person something.

A notice is keyed by ``(recipient, cause)``; sending the same cause again is a no-op, so
``luoshi tick`` may run every minute without repeating itself. Email goes out after the
transaction commits (never for a change that rolled back); one that fails stays pending and
:func:`send_pending_emails` retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luoshi.core.errors import NotFound
from luoshi.notices.models import EmailStatus, Notice

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5
CHUNK = 500  # rows per statement or email batch (SQLite allows 999 parameters per statement)


class Message(NamedTuple):
    """One notice to send with :func:`notify_many`."""

    recipient: object
    cause: str
    title: str
    body: str = ""
    link: str = ""


def notify(
    recipients: Iterable,
    *,
    cause: str,
    title: str,
    body: str = "",
    link: str = "",
    email: bool = True,
) -> list[Notice]:
    """Notify each recipient once for ``cause``; returns only the notices created now."""
    created: list[Notice] = []
    seen: set[int] = set()
    with transaction.atomic():
        for user in recipients:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            wants_email = email and bool(user.email)
            # get_or_create copes with a concurrent sender: the unique constraint makes
            # the loser fetch the winner's row instead of failing.
            notice, is_new = Notice.objects.get_or_create(
                recipient=user,
                cause=cause,
                defaults={
                    "title": title[:200],
                    "body": body,
                    "link": link,
                    "email_status": EmailStatus.PENDING if wants_email else EmailStatus.NONE,
                },
            )
            if is_new:
                created.append(notice)
        if any(n.email_status == EmailStatus.PENDING for n in created):
            ids = [n.pk for n in created if n.email_status == EmailStatus.PENDING]
            transaction.on_commit(lambda: send_pending_emails(ids))
    return created


def notify_many(messages: Iterable[Message], *, email: bool = True) -> int:
    """:func:`notify` for many (recipient, cause) pairs at once: one read of the pairs already told,
    one bulk insert, and after commit one batch of emails. The unique ``(recipient, cause)`` keeps it
    idempotent (a concurrent sender's row wins, silently). Returns how many notices were created now.

    Matching tells thousands of enterprises of one clause at once; :func:`notify` per enterprise costs
    a SELECT, a savepoint and an INSERT per person, then an email claim each after commit.
    """
    wanted: dict[tuple[int, str], tuple] = {}
    for message in messages:
        user = message.recipient
        if user is None or not user.is_active:
            continue
        wanted.setdefault((user.pk, message.cause), (user, message))
    if not wanted:
        return 0
    created: list[Notice] = []
    with transaction.atomic():
        pairs = list(wanted)
        told: set[tuple[int, str]] = set()
        for start in range(0, len(pairs), CHUNK):
            chunk = pairs[start : start + CHUNK]
            told.update(
                Notice.objects.filter(
                    recipient_id__in={pk for pk, _ in chunk}, cause__in={cause for _, cause in chunk}
                ).values_list("recipient_id", "cause")
            )
        for key, (user, message) in wanted.items():
            if key in told:
                continue
            created.append(
                Notice(
                    recipient_id=user.pk,
                    cause=message.cause,
                    title=message.title[:200],
                    body=message.body,
                    link=message.link,
                    email_status=EmailStatus.PENDING if email and user.email else EmailStatus.NONE,
                )
            )
        Notice.objects.bulk_create(created, batch_size=CHUNK, ignore_conflicts=True)
        emailed = [(n.recipient_id, n.cause) for n in created if n.email_status == EmailStatus.PENDING]
        if emailed:
            transaction.on_commit(lambda: send_pending_emails(_pending_ids(emailed)))
    return len(created)


def _pending_ids(pairs: list[tuple[int, str]]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        wanted = set(chunk)
        rows = Notice.objects.filter(
            recipient_id__in={pk for pk, _ in chunk},
            cause__in={cause for _, cause in chunk},
            email_status=EmailStatus.PENDING,
        ).values_list("pk", "recipient_id", "cause")
        ids.extend(pk for pk, recipient, cause in rows if (recipient, cause) in wanted)
    return ids


def send_pending_emails(ids: Iterable[int] | None = None) -> int:
    """Send the pending emails (these ids, or up to 500 of all); returns how many went out.

    Rows are claimed a batch at a time, in one transaction, before anything is sent, so that two
    senders (a request and `luoshi tick`) never both send one: PostgreSQL skips the rows another
    sender has locked; SQLite's IMMEDIATE transactions take the write lock first, so the second
    sender sees them claimed.
    """
    batches: list[list[int] | None] = [None]
    if ids is not None:
        ids = list(ids)
        batches = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    sent = 0
    for batch in batches:
        with transaction.atomic():
            qs = Notice.objects.filter(email_status=EmailStatus.PENDING)
            if batch is not None:
                qs = qs.filter(pk__in=batch)
            claimed = list(
                qs.order_by("pk").select_for_update(skip_locked=True).values_list("pk", "email_attempts")[:CHUNK]
            )
            Notice.objects.filter(pk__in=[pk for pk, _ in claimed]).update(
                email_attempts=F("email_attempts") + 1, email_status=EmailStatus.SENT, emailed_at=timezone.now()
            )
        notices = Notice.objects.filter(pk__in=[pk for pk, _ in claimed]).select_related("recipient").in_bulk()
        for pk, attempts in claimed:
            notice = notices[pk]
            try:
                send_mail(
                    subject=f"【落实】{notice.title}",
                    message=_email_body(notice),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[notice.recipient.email],
                )
                sent += 1
            except Exception:  # the mail server's failure must not lose the notice
                log.exception("email for notice %s failed", pk)
                status = EmailStatus.FAILED if attempts + 1 >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
                Notice.objects.filter(pk=pk).update(email_status=status, emailed_at=None)
    return sent


def _email_body(notice: Notice) -> str:
    parts = [notice.body or notice.title]
    if notice.link:
        parts.append(f"查看：{notice.link}")
    parts.append("——落实平台（请勿直接回复此邮件）")
    return "\n\n".join(parts)


def mark_read(actor, notice_id: int) -> Notice:
    notice = Notice.objects.filter(pk=notice_id, recipient=actor).first()
    if notice is None:
        # Someone else's notice looks exactly like a missing one.
        raise NotFound("没有找到这条通知。")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def mark_all_read(actor) -> int:
    return Notice.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
