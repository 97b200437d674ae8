"""Pages of redemption. Thin: forms in, services and queries out."""

from __future__ import annotations

import io

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from luoshi.benefits import evaluation, queries, services
from luoshi.benefits.choices import State, Verdict
from luoshi.benefits.forms import (
    AccountForm,
    LedgerFilterForm,
    MaterialForm,
    ObjectionForm,
    PayForm,
    ResolveForm,
    ReviewForm,
)
from luoshi.benefits.models import Application, Objection
from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError
from luoshi.core.forms import add_domain_error
from luoshi.enterprises import queries as enterprise_queries
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.policies import queries as policy_queries
from luoshi.tracking import timeline

charts_allowed = csp_update({"style-src": ["'unsafe-inline'"]})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today():
    return timezone.localdate()


# --- 政策体检 ------------------------------------------------------------------------------------


@login_required
def checkup_home(request):
    """An enterprise user goes to its own checkup; a commissioner picks among the enterprises he serves."""
    user = request.user
    served = enterprise_queries.served_by(user) if permissions.allowed(user, (Role.COMMISSIONER,)) else None
    if served is None:
        own = list(enterprise_queries.visible_enterprises(user).values_list("pk", flat=True)[:2])
        if len(own) == 1:
            return redirect("benefits:checkup", own[0])
        raise PermissionDenied
    rows = served.annotate(
        claimable=Count("matches", filter=_eligible_open()),
        amount=Sum("matches__amount", filter=_eligible_open()),
    ).order_by("-amount", "name")
    return render(request, "benefits/checkup_home.html", {"rows": rows})


def _eligible_open():
    from django.db.models import Q

    from luoshi.benefits.matching import matchable

    return Q(matches__verdict=Verdict.ELIGIBLE, matches__clause__in=matchable(_today()))


def _checkup_page(request, enterprise, *, status=200, account_forms=None):
    user = request.user
    result = queries.checkup(enterprise, _today())
    offers = [a for a in result.applications.values() if a.state == State.CONFIRMING]
    account_forms = account_forms or {}
    for offer in offers:
        offer.form = account_forms.get(offer.pk) or AccountForm(initial={"account_holder": enterprise.name})
    context = {
        "enterprise": enterprise,
        "result": result,
        "offers": offers,
        "may_apply": services.can_act_for(user, enterprise),
    }
    return render(request, "benefits/checkup.html", context, status=status)


@login_required
def checkup(request, enterprise_id: int):
    return _checkup_page(request, queries.checkup_enterprise(request.user, enterprise_id))


@login_required
@require_POST
def apply(request, enterprise_id: int, clause_id: int):
    enterprise = queries.checkup_enterprise(request.user, enterprise_id)
    clause = policy_queries.clause_detail(request.user, clause_id)
    try:
        app = services.start(request.user, enterprise, clause)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("benefits:checkup", enterprise.pk)
    return redirect("benefits:application", app.pk)


@login_required
@require_POST
def confirm(request, application_id: int):
    app = queries.application_detail(request.user, application_id)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            services.confirm_account(request.user, app, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "收款账户已确认，申请进入公示。")
            return redirect("benefits:application", app.pk)
    return _checkup_page(request, app.enterprise, status=400, account_forms={app.pk: form})


# --- applications ---------------------------------------------------------------------------------


@login_required
def applications(request):
    rows = queries.visible_applications(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        rows = rows.filter(state=state)
    if (request.GET.get("clause") or "").isdigit():
        rows = rows.filter(clause_id=int(request.GET["clause"]))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "benefits/applications.html", {"page": page, "states": State.choices, "state": state})


def _application_page(request, app, *, status=200, **forms):
    user = request.user
    applicant = services.can_act_for(user, app.enterprise)
    reviewer = services.can_review(user, app.clause)
    editable = applicant and app.state in (State.DRAFT, State.RETURNED)
    have = set(app.materials.values_list("name", flat=True))
    context = {
        "app": app,
        "clause": app.clause,
        "materials": app.materials.all(),
        "required": [(m, m in have) for m in app.clause.material_list],
        "objections": app.objections.all(),
        "events": timeline.events_of(app),
        "history": changes_of(app),
        "checks": (app.eligibility or {}).get("checks", []),
        "material_form": forms.get("material")
        or (MaterialForm(materials=app.clause.material_list) if editable else None),
        "submit_form": forms.get("submit")
        or (
            AccountForm(
                initial={
                    "account_holder": app.enterprise.name,
                    "bank_name": app.bank_name,
                    "bank_account": app.bank_account,
                    "contact": app.contact,
                }
            )
            if editable
            else None
        ),
        "review_form": forms.get("review")
        or (
            ReviewForm(initial={"amount": app.amount_estimated})
            if reviewer and app.state in services.ACTIONS_FROM
            else None
        ),
        "pay_form": forms.get("pay") or (PayForm() if reviewer and app.state == State.DISBURSING else None),
        "resolve_form": ResolveForm() if reviewer else None,
        "reviewer": reviewer,
    }
    return render(request, "benefits/application.html", context, status=status)


@login_required
def application_detail(request, application_id: int):
    return _application_page(request, queries.application_detail(request.user, application_id))


@login_required
@require_POST
def add_material(request, application_id: int):
    app = queries.application_detail(request.user, application_id)
    form = MaterialForm(request.POST, request.FILES, materials=app.clause.material_list)
    if form.is_valid():
        try:
            services.add_material(request.user, app, name=form.cleaned_data["name"], upload=form.cleaned_data["file"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已上传“{form.cleaned_data['name']}”。")
            return redirect("benefits:application", app.pk)
    return _application_page(request, app, status=400, material=form)


@login_required
@require_POST
def submit(request, application_id: int):
    app = queries.application_detail(request.user, application_id)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            services.submit(request.user, app, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "申报已提交，资格核验通过，等待审核部门受理。")
            return redirect("benefits:application", app.pk)
    return _application_page(request, app, status=400, submit=form)


@login_required
@require_POST
def act(request, application_id: int):
    app = queries.application_detail(request.user, application_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            app = services.review(
                request.user,
                app,
                data["action"],
                reason=data["reason"],
                amount=data["amount"],
                idempotency_key=data["idempotency_key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已办理，申报现为“{app.get_state_display()}”。")
            return redirect("benefits:application", app.pk)
    return _application_page(request, app, status=400, review=form)


@login_required
@require_POST
def pay(request, application_id: int):
    app = queries.application_detail(request.user, application_id)
    form = PayForm(request.POST)
    if form.is_valid():
        try:
            app = services.pay(
                request.user,
                app,
                reference=form.cleaned_data["reference"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已拨付{app.amount_approved}元。")
            return redirect("benefits:application", app.pk)
    return _application_page(request, app, status=400, pay=form)


@login_required
@require_POST
def resolve(request, objection_id: int):
    objection = get_object_or_404(Objection, pk=objection_id)
    app = queries.application_detail(request.user, objection.application_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        services.resolve_objection(request.user, objection, **form.cleaned_data)
        messages.success(request, "异议已处理。")
    else:
        messages.error(request, "请选择核查结论并填写处理意见。")
    return redirect("benefits:application", app.pk)


@login_required
def queue(request):
    if not permissions.allowed(request.user, services.REVIEWERS):
        raise PermissionDenied
    rows = queries.review_queue(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "benefits/queue.html", {"page": page, "today": _today()})


# --- public notice --------------------------------------------------------------------------------


def publicity(request):
    """公示: open to the public, no sign-in; names, amounts and dates only."""
    rows = queries.on_public_notice(_today())
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "benefits/publicity.html", {"page": page, "form": ObjectionForm()})


@require_POST
def object_to(request, application_id: int):
    app = get_object_or_404(Application, pk=application_id, state=State.PUBLICITY)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.lodge_objection(app, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "异议已收到，审核部门将在公示期内核查处理。")
            return redirect("benefits:publicity")
    rows = queries.on_public_notice(_today())
    page = Paginator(rows, 100).get_page(1)
    context = {"page": page, "form": form, "failed_for": app.pk}
    return render(request, "benefits/publicity.html", context, status=400)


# --- clauses, ledger, budgets ------------------------------------------------------------------------


@login_required
def clause_matches(request, clause_id: int):
    clause = policy_queries.clause_detail(request.user, clause_id)
    if not queries.can_see_clause_matches(request.user, clause):
        raise PermissionDenied
    verdict = request.GET.get("verdict") if request.GET.get("verdict") in Verdict.values else None
    rows = queries.clause_matches(clause, verdict)
    if request.GET.get("format") == "xlsx":
        return _matches_xlsx(clause, rows)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    run = getattr(clause, "match_run", None)
    return render(
        request, "benefits/clause_matches.html", {"clause": clause, "page": page, "verdict": verdict, "run": run}
    )


def _matches_xlsx(clause, rows) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("匹配企业")
    sheet.append(["企业名称", "统一社会信用代码", "所在镇街", "结论", "测算金额（元）", "差距", "数据年度"])
    for m in rows.iterator(chunk_size=2000):
        town = m.enterprise.town.display_name if m.enterprise.town_id else ""
        amount = float(m.amount) if m.amount is not None else None
        sheet.append(
            [m.enterprise.name, m.enterprise.uscc, town, m.get_verdict_display(), amount, m.gap, m.figure_year]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="clause-{clause.pk}-matches.xlsx"'
    return response


@login_required
def ledger(request):
    if not permissions.allowed(request.user, (*queries.OVERSEERS, Role.REVIEWER)):
        raise PermissionDenied
    form = LedgerFilterForm(request.GET or None)
    data = dict(form.cleaned_data) if form.is_valid() else {}
    if (request.GET.get("clause") or "").isdigit():
        data["clause"] = int(request.GET["clause"])
    rows = queries.ledger(request.user, data)
    totals = rows.aggregate(approved=Sum("amount_approved"), count=Count("pk"))
    paid = rows.filter(state=State.PAID).aggregate(paid=Sum("amount_approved"))["paid"]
    by_department = (
        rows.values("clause__department__short_name", "clause__department__name")
        .annotate(n=Count("pk"), total=Sum("amount_approved"))
        .order_by("-total")
    )
    by_town = (
        rows.values("enterprise__town__name").annotate(n=Count("pk"), total=Sum("amount_approved")).order_by("-total")
    )
    if request.GET.get("format") == "xlsx":
        return _ledger_xlsx(rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "totals": totals,
        "paid": paid,
        "by_department": by_department,
        "by_town": by_town,
        "budgets": queries.budgets(request.user),
        "query": query.urlencode(),
    }
    return render(request, "benefits/ledger.html", context)


def _ledger_xlsx(rows) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("兑现台账")
    sheet.append(
        [
            "企业名称",
            "统一社会信用代码",
            "镇街",
            "政策",
            "条款",
            "审核部门",
            "状态",
            "核定金额（元）",
            "核定时间",
            "拨付时间",
            "凭证号",
        ]
    )
    for a in rows.iterator(chunk_size=2000):
        sheet.append(
            [
                a.enterprise.name,
                a.enterprise.uscc,
                a.enterprise.town.display_name if a.enterprise.town_id else "",
                a.clause.document.title,
                a.clause.title,
                a.clause.department.display_name if a.clause.department_id else "",
                a.get_state_display(),
                float(a.amount_approved or 0),
                timezone.localtime(a.approved_at).strftime("%Y-%m-%d") if a.approved_at else "",
                timezone.localtime(a.paid_at).strftime("%Y-%m-%d") if a.paid_at else "",
                a.payment_reference,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="disbursements.xlsx"'
    return response


# --- 问效 and 全链条 -------------------------------------------------------------------------------


@login_required
@charts_allowed
def effect(request, clause_id: int):
    clause = policy_queries.clause_detail(request.user, clause_id)
    if not queries.can_see_clause_matches(request.user, clause):
        raise PermissionDenied
    result = evaluation.effect_of(clause, _today())
    chart = result.report.chart() if result.report is not None else None
    return render(request, "benefits/effect.html", {"clause": clause, "result": result, "chart": chart})


@login_required
def chain(request, document_id: int):
    if not permissions.allowed(request.user, (*queries.OVERSEERS, Role.REVIEWER)):
        raise PermissionDenied
    document = policy_queries.document_detail(request.user, document_id)
    return render(request, "benefits/chain.html", evaluation.chain_of(document))
