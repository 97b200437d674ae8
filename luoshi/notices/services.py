"""Sending notices: the one door every capability uses to tell a person something.

A notice is keyed by ``(recipient, cause)``; sending the same cause again is a no-op, so
``luoshi tick`` may run every minute without repeating itself. Email goes out after the
transaction commits (never for a change that rolled back); one that fails stays pending and
:func:`send_pending_emails` retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from luoshi.core.errors import NotFound
from luoshi.notices.models import EmailStatus, Notice

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5


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


def send_pending_emails(ids: Iterable[int] | None = None) -> int:
    """Send the pending emails (these ids, or all); returns how many went out."""
    qs = Notice.objects.filter(email_status=EmailStatus.PENDING).select_related("recipient")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    sent = 0
    for notice in qs[:500]:
        # Claim the row first so that two senders (a request and `luoshi tick`) never both send it.
        claimed = Notice.objects.filter(pk=notice.pk, email_status=EmailStatus.PENDING).update(
            email_attempts=notice.email_attempts + 1, email_status=EmailStatus.SENT, emailed_at=timezone.now()
        )
        if not claimed:
            continue
        try:
            send_mail(
                subject=f"【落实】{notice.title}",
                message=_email_body(notice),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notice.recipient.email],
            )
            sent += 1
        except Exception:  # the mail server's failure must not lose the notice
            log.exception("email for notice %s failed", notice.pk)
            status = EmailStatus.FAILED if notice.email_attempts + 1 >= MAX_EMAIL_ATTEMPTS else EmailStatus.PENDING
            Notice.objects.filter(pk=notice.pk).update(email_status=status, emailed_at=None)
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
