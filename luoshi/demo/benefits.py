"""Demo redemption: matches for every open clause, applications in every state, a 免申即享 clause
whose budget is nearly spent, and last year's R&D subsidy paid out so that 问效 has something to say.

The current year's applications go through :mod:`luoshi.benefits.services` acting as the system
(the enterprise applies, the department reviews). Last year's payments are history: they are
written directly with their dates, reservations and payments, as the other demo steps back-date
theirs. To give the effect view a real signal, the funded enterprises' latest revenue and R&D are
raised by a few percent — the demo's own invention, said here so nobody mistakes it for a finding.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from luoshi import rules
from luoshi.benefits import matching, services
from luoshi.benefits.choices import EntryKind, State, Verdict
from luoshi.benefits.models import Application, BudgetAccount, BudgetEntry, Match
from luoshi.core.actors import SYSTEM
from luoshi.core.errors import DomainError
from luoshi.enterprises.facts import load_base
from luoshi.enterprises.models import Enterprise, YearFigure
from luoshi.org.queries import find_unit
from luoshi.policies import services as policy_services
from luoshi.policies.choices import BenefitType, ClauseStatus, DocumentStatus, Level, WindowKind
from luoshi.policies.models import Clause

SEED = 20250601
BANKS = ("重庆农村商业银行永川支行", "中国工商银行永川支行", "中国建设银行永川支行", "重庆银行永川支行")


def _exists() -> bool:
    return Application.objects.exists()


def _account(enterprise: Enterprise, rng: random.Random) -> dict:
    return {
        "bank_name": rng.choice(BANKS),
        "bank_account": "".join(str(rng.randrange(10)) for _ in range(19)),
        "account_holder": enterprise.name,
        "contact": f"财务部 023-4{rng.randrange(1000000, 9999999)}",
    }


def _apply(enterprise: Enterprise, clause: Clause, rng: random.Random, today: date) -> Application:
    app = services.start(SYSTEM, enterprise, clause, today=today)
    for name in clause.material_list:
        upload = ContentFile(f"%PDF-1.4 {enterprise.name} {name}".encode(), name=f"{name}.pdf")
        services.add_material(SYSTEM, app, name=name, upload=upload)
    return services.submit(SYSTEM, app, today=today, **_account(enterprise, rng))


def _steps(app: Application, steps: list[tuple[str, str]], today: date) -> Application:
    for action, reason in steps:
        app = services.review(SYSTEM, app, action, reason=reason, today=today)
    return app


def _current(today: date, rng: random.Random) -> dict[str, int]:
    """The R&D subsidy open now: applications walked to every state of the road."""
    clause = Clause.objects.get(title="研发投入补助", document__title__startswith="永川区支持专精特新")
    eligible = list(
        Match.objects.filter(clause=clause, verdict=Verdict.ELIGIBLE).select_related("enterprise").order_by("-amount")
    )
    # qiye's enterprise first when it qualifies: its user then meets an application of its own.
    eligible.sort(key=lambda m: m.enterprise.name != "重庆永川智测装备有限公司")
    plan = [
        ("draft", []),
        ("submitted", []),
        ("first_review", [("accept", "")]),
        ("second_review", [("accept", ""), ("pass", "")]),
        ("returned", [("accept", ""), ("return", "研发费用专项审计报告未加盖会计师事务所公章，请补正后重新提交。")]),
        ("rejected", [("reject", "经核查，研发费用中含生产人员工资，归集不符合规定。")]),
        ("publicity", [("accept", ""), ("pass", ""), ("approve", "")]),
        ("objection", [("accept", ""), ("pass", ""), ("approve", "")]),
        ("disbursing", [("accept", ""), ("pass", ""), ("approve", "")]),
        ("paid", [("accept", ""), ("pass", ""), ("approve", "")]),
    ]
    counts: dict[str, int] = {}
    for i, match in enumerate(eligible[:40]):
        target, steps = plan[i % len(plan)]
        try:
            if target == "draft":
                services.start(SYSTEM, match.enterprise, clause, today=today)
            else:
                app = _steps(_apply(match.enterprise, clause, rng, today), steps, today)
                if target == "objection":
                    services.lodge_objection(
                        app,
                        name="王先生",
                        contact="139****2210",
                        text="该企业去年已享受同类研发补助，是否重复支持，请核查。",
                    )
                if target in ("disbursing", "paid"):
                    services.close_publicities(app.publicity_until + timedelta(days=1))
                if target == "paid":
                    services.pay(SYSTEM, app, reference=f"YC{today:%Y%m}{i:04d}")
        except DomainError:
            continue  # a budget run dry or a window closed: the demo keeps what went through
        counts[target] = counts.get(target, 0) + 1
    return counts


def _automatic(today: date, rng: random.Random) -> int:
    """市级专精特新奖励 (免申即享): most offers confirmed, so the budget is nearly spent."""
    clause = Clause.objects.get(title="市级专精特新中小企业奖励")
    matching.match_clause(clause, today)
    offers = list(Application.objects.filter(clause=clause, state=State.CONFIRMING).select_related("enterprise"))
    budget = clause.budget or Decimal(0)
    confirmed = 0
    for app in offers:
        spent = BudgetAccount.objects.filter(clause=clause).values_list("reserved", flat=True).first() or 0
        if app.amount_estimated and spent + app.amount_estimated > budget * Decimal("0.92"):
            break
        services.confirm_account(SYSTEM, app, today=today, **_account(app.enterprise, rng))
        confirmed += 1
    return confirmed


def _history(today: date, rng: random.Random) -> int:
    """Last year's measure: its R&D subsidy paid out a year and more ago, with a planted effect."""
    year = today.year
    jxw = find_unit("区经信委")
    old = policy_services.create_document(
        SYSTEM,
        title=f"永川区支持专精特新企业高质量发展“6条”措施（{year - 2}年版）",
        doc_number=f"永经信发〔{year - 2}〕9号",
        issuer="重庆市永川区经济和信息化委员会",
        issuer_unit=jxw,
        level=Level.DISTRICT,
        status=DocumentStatus.PUBLISHED,
        published_on=date(year - 2, 3, 1),
        effective_on=date(year - 2, 3, 1),
        expires_on=date(year - 2, 12, 31),
        summary=f"{year - 2}年度的6条措施，已由{year}年版接续。",
    )
    clause = policy_services.create_clause(
        SYSTEM,
        old,
        number="第二条",
        title=f"{year - 2}年度研发投入补助",
        benefit_type=BenefitType.SUBSIDY,
        department=jxw,
        window_kind=WindowKind.DATES,
        opens_on=date(year - 2, 4, 1),
        closes_on=date(year - 2, 5, 31),
        budget=Decimal("20000000"),
        rule="industry in C and revenue >= 2000万元 and rd_ratio >= 3%",
        amount_formula="min(rd_expense * 10%, 50万元)",
        figure_year=year - 3,
        status=ClauseStatus.PUBLISHED,
    )
    ctx = rules.Context(figure_year=year - 3, as_of=date(year - 2, 4, 1))
    base = load_base(ctx)
    batch = rules.compile_batch([rules.parse(clause.rule)])
    eligible = batch.eligible(base.table)[0]
    amounts = batch.amounts(rules.parse(clause.amount_formula, kind="amount"), base.table)
    account = services.account_for(clause)
    funded = []
    for i in [int(k) for k in eligible.nonzero()[0]]:
        if rng.random() > 0.6:
            continue  # about six in ten of those eligible applied and were funded
        amount = Decimal(repr(float(amounts[i]))).quantize(Decimal("0.01"))
        if account.reserved + account.paid + amount > account.total:
            break
        paid_at = datetime(year - 2, 7, rng.randint(1, 28), 10, tzinfo=timezone.get_current_timezone())
        app = Application.objects.create(
            enterprise_id=int(base.ids[i]),
            clause=clause,
            clause_version=clause.version,
            state=State.PAID,
            figure_year=year - 3,
            amount_estimated=amount,
            amount_approved=amount,
            submitted_at=paid_at - timedelta(days=60),
            approved_at=paid_at - timedelta(days=20),
            publicity_from=(paid_at - timedelta(days=19)).date(),
            publicity_until=(paid_at - timedelta(days=12)).date(),
            paid_at=paid_at,
            payment_reference=f"YC{year - 2}07{len(funded):04d}",
        )
        for kind in (EntryKind.RESERVE, EntryKind.CONSUME):
            BudgetEntry.objects.create(account=account, application=app, kind=kind, amount=amount)
        account.paid += amount
        funded.append(int(base.ids[i]))
    BudgetAccount.objects.filter(pk=account.pk).update(paid=account.paid)
    # The planted effect on the latest year (see the module docstring).
    YearFigure.objects.filter(enterprise_id__in=funded, year=year - 1, revenue__isnull=False).update(
        revenue=F("revenue") * Decimal("1.06")
    )
    YearFigure.objects.filter(enterprise_id__in=funded, year=year - 1, rd_expense__isnull=False).update(
        rd_expense=F("rd_expense") * Decimal("1.12")
    )
    return len(funded)


@transaction.atomic
def load() -> str:
    if _exists():
        return "已存在，跳过"
    # Matching notifies enterprises and commissioners and emails them after the commit; in the demo
    # those mails would only flood the console, so the step keeps the in-app notices and drops the mail.
    mark = len(connection.run_on_commit)
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 -- demo data, not secrets
    funded = _history(today, rng)
    rebuilt = matching.rebuild(today)
    counts = _current(today, rng)
    confirmed = _automatic(today, rng)
    del connection.run_on_commit[mark:]
    states = "、".join(f"{State(k).label if k in State.values else '公示有异议'}{v}" for k, v in counts.items())
    return f"{rebuilt}；研发投入补助申报（{states}）；免申即享确认{confirmed}家；去年兑现{funded}家"
