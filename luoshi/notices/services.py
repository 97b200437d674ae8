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
from django.core.mail import get_connection, send_mail
from django.db import connection, transaction
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
    """:func:`notify` for many (recipient, cause) pairs at once: one ``INSERT … ON CONFLICT DO NOTHING
    RETURNING`` per 500 notices, then after commit their emails in batches. The unique ``(recipient,
    cause)`` keeps it idempotent: a pair already told (now, or by a concurrent sender) is skipped by the
    database itself. Returns how many notices were created now.

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
    table = connection.ops.quote_name(Notice._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = [
        (
            user.pk,
            message.cause,
            message.title[:200],
            message.body,
            message.link,
            now,
            (EmailStatus.PENDING if email and user.email else EmailStatus.NONE).value,
            0,
        )
        for user, message in wanted.values()
    ]
    created = 0
    emailed: list[int] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (recipient_id, cause, title, body, link, created_at, email_status, "  # noqa: S608
                f"email_attempts) VALUES {values} ON CONFLICT (recipient_id, cause) DO NOTHING "
                "RETURNING id, email_status",
                [value for row in chunk for value in row],
            )
            returned = cursor.fetchall()
            created += len(returned)
            emailed.extend(pk for pk, status in returned if status == EmailStatus.PENDING)
        if emailed:
            transaction.on_commit(lambda: send_pending_emails(emailed))
    return created


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
        mails = {
            pk: (title, body, link, address)
            for pk, title, body, link, address in Notice.objects.filter(pk__in=[pk for pk, _ in claimed]).values_list(
                "pk", "title", "body", "link", "recipient__email"
            )
        }
        mailer = get_connection()  # one connection for the batch, not one per email
        for pk, attempts in claimed:
            title, body, link, address = mails[pk]
            try:
                send_mail(
                    subject=f"【落实】{title}",
                    message=_email_text(title, body, link),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[address],
                    connection=mailer,
                )
                sent += 1
            except Exception:  # the mail server's failure must not lose the notice
                log.exception("email for notice %s failed", pk)
                status = EmailStatus.FAILED if attempts + 1 >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
                Notice.objects.filter(pk=pk).update(email_status=status, emailed_at=None)
    return sent


def _email_text(title: str, body: str, link: str) -> str:
    parts = [body or title]
    if link:
        parts.append(f"查看：{link}")
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
