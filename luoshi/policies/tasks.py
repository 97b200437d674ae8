"""Periodic work of the policy library, run by ``luoshi tick``: application-window alerts.

A window that opens or closes within ``ALERT_WORKDAYS`` working days is announced once to the
clause's reviewers and to the commissioners of the enterprises that qualify for it; the cause
key carries the date, so a moved window is announced again and a repeated tick sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone

from luoshi import rules
from luoshi.enterprises.facts import load_base
from luoshi.enterprises.models import CommissionerAssignment
from luoshi.notices.services import notify
from luoshi.org.choices import Role
from luoshi.org.models import User
from luoshi.org.queries import users_with_role
from luoshi.policies.choices import ClauseStatus, DocumentStatus, WindowKind
from luoshi.policies.models import Clause
from luoshi.tracking import calendar

ALERT_WORKDAYS = 5


def _due(clauses, today: date) -> list[tuple[Clause, str, date, int]]:
    cal = calendar.current()
    horizon = cal.add_workdays(today, ALERT_WORKDAYS)
    due = []
    for clause in clauses:
        if clause.opens_on and today < clause.opens_on <= horizon:
            due.append((clause, "opens", clause.opens_on, cal.workdays_between(today, clause.opens_on)))
        elif clause.closes_on and today <= clause.closes_on <= horizon and (clause.opens_on or today) <= today:
            due.append((clause, "closes", clause.closes_on, cal.workdays_between(today, clause.closes_on)))
    return due


def _matched_commissioners(due: list[tuple[Clause, str, date, int]], today: date) -> dict[int, dict[int, int]]:
    """clause id → {commissioner id: number of the enterprises he serves that qualify}."""
    by_year: dict[int, list[Clause]] = defaultdict(list)
    for clause, *_ in due:
        by_year[clause.figure_year or today.year - 1].append(clause)
    serving = dict(
        CommissionerAssignment.objects.filter(ended_on__isnull=True).values_list("enterprise_id", "commissioner_id")
    )
    matched: dict[int, dict[int, int]] = {}
    for year, clauses in by_year.items():
        base = load_base(rules.Context(figure_year=year, as_of=today))
        eligible = rules.compile_batch([rules.parse(c.rule) for c in clauses]).eligible(base.table)
        for row, clause in enumerate(clauses):
            counts: dict[int, int] = defaultdict(int)
            for enterprise_id in base.ids[eligible[row]].tolist():
                commissioner = serving.get(enterprise_id)
                if commissioner is not None:
                    counts[commissioner] += 1
            matched[clause.pk] = dict(counts)
    return matched


def send_window_alerts(today: date | None = None) -> str:
    today = today or timezone.localdate()
    clauses = (
        Clause.objects.filter(status=ClauseStatus.PUBLISHED, document__status=DocumentStatus.PUBLISHED)
        .filter(window_kind=WindowKind.DATES)
        .filter(Q(opens_on__gte=today) | Q(closes_on__gte=today))
        .exclude(rule="")
        .select_related("document", "department")
    )
    due = _due(clauses, today)
    if not due:
        return "无即将开始或截止的申报窗口"
    matched = _matched_commissioners(due, today)
    commissioners = User.objects.in_bulk({uid for counts in matched.values() for uid in counts})
    sent = 0
    for clause, event, day, n in due:
        verb = "开始申报" if event == "opens" else "截止申报"
        when = "今天" if n == 0 else f"{n}个工作日后（{day:%m月%d日}）"
        title = f"《{clause.document.title}》{clause.title}将于{when}{verb}"
        link = f"/policies/clauses/{clause.pk}/"
        cause = f"policies.window.{event}:{clause.pk}:{day.isoformat()}"
        reviewers = users_with_role([Role.REVIEWER], clause.department) if clause.department_id else []
        sent += len(notify(reviewers, cause=cause, title=title, body=clause.rule_sentence, link=link))
        for uid, count in matched.get(clause.pk, {}).items():
            body = (
                f"您服务的企业中有{count}家符合条件，请提醒企业及时{('准备' if event == 'opens' else '提交')}申报材料。"
            )
            sent += len(notify([commissioners[uid]], cause=cause, title=title, body=body, link=link))
    return f"申报窗口提醒 {len(due)} 项，发出通知 {sent} 条"
