"""Pages of the policy library. Thin: forms in, services and queries out."""

from __future__ import annotations

import unicodedata

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from luoshi import rules
from luoshi.core.audit import changes_of
from luoshi.core.errors import DomainError
from luoshi.core.forms import add_domain_error
from luoshi.core.uploads import read_document
from luoshi.enterprises import queries as enterprise_queries
from luoshi.enterprises.facts import facts_of
from luoshi.org import permissions
from luoshi.policies import charts, queries, services, simulation
from luoshi.policies.choices import DocumentStatus, Level
from luoshi.policies.forms import (
    ClauseForm,
    DocumentForm,
    LinkForm,
    NoticeForm,
    ProposedClauseFormSet,
    SearchForm,
    SimulationForm,
)
from luoshi.policies.models import Clause, PolicyDocument, PolicyLink

LANGUAGE_EXAMPLES = [
    ("industry in C and revenue >= 2000万元 and rd_ratio >= 3%", "condition"),
    ('tags has "市级专精特新" and not tags has "外资"', "condition"),
    ("industry in [B, C, D] and revenue >= 2000万元 and revenue[-1] < 2000万元", "condition"),
    ("(revenue >= 1亿元 or revenue_growth >= 20%) and employees between 10 and 300", "condition"),
    ('street in ["中山路街道", "胜利路街道"] and age >= 2', "condition"),
    ("min(rd_expense * 10%, 50万元)", "amount"),
    ("max(min(exports * 0.5%, 100万元), 2万元)", "amount"),
]

charts_allowed = csp_update({"style-src": ["'unsafe-inline'"]})


def _today():
    return timezone.localdate()


# --- library and search ----------------------------------------------------------------------


@login_required
def library(request):
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    hits, total = queries.search(request.user, data, _today())
    page = Paginator(hits, 30).get_page(request.GET.get("page"))
    today = _today()
    for hit in page.object_list:
        if hit.clause is not None:
            hit.window = services.window_state(hit.clause, today)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "total": total,
        "query": query.urlencode(),
        "searched": bool(data.get("q")),
        "can_create": permissions.allowed(request.user, services.EDITORS),
        "can_simulate": queries.can_simulate(request.user),
    }
    template = "policies/_hits.html" if request.htmx and not request.htmx.boosted else "policies/library.html"
    return render(request, template, context)


# --- documents -------------------------------------------------------------------------------


def _document_page(request, document, *, status=200, link_form=None):
    user = request.user
    today = _today()
    clauses = queries.clauses_of(user, document)
    for clause in clauses:
        clause.window = services.window_state(clause, today)
    links = queries.links_of(user, document)
    editable = services.can_edit_document(user, document)
    if editable and link_form is None and document.level != Level.NATIONAL:
        link_form = _link_form(document)
    context = {
        "document": document,
        "in_force": document.in_force(today),
        "clauses": clauses,
        "links": links,
        "attachments": document.attachments.all(),
        "history": changes_of(document),
        "editable": editable,
        "link_form": link_form if editable else None,
        "can_simulate": queries.can_simulate(user),
    }
    return render(request, "policies/document.html", context, status=status)


def _link_form(document, data=None) -> LinkForm:
    higher = {Level.DISTRICT: [Level.MUNICIPAL, Level.NATIONAL], Level.MUNICIPAL: [Level.NATIONAL]}
    uppers = PolicyDocument.objects.filter(level__in=higher.get(document.level, []), status=DocumentStatus.PUBLISHED)
    return LinkForm(data, measure=document, uppers=uppers.order_by("level", "title"))


@login_required
def document_detail(request, document_id: int):
    return _document_page(request, queries.document_detail(request.user, document_id))


@login_required
def document_edit(request, document_id: int | None = None):
    user = request.user
    document = queries.document_detail(user, document_id) if document_id else None
    if document is not None and not services.can_edit_document(user, document):
        raise PermissionDenied
    if document is None and not permissions.allowed(user, services.EDITORS):
        raise PermissionDenied
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if document is None:
                document = services.create_document(user, **fields)
                messages.success(request, "政策文件已登记。")
            else:
                document = services.update_document(user, document, **fields)
                messages.success(request, f"已保存（第{document.version}版）。")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("policies:document", document.pk)
    status = 400 if form.errors else 200
    return render(request, "policies/document_form.html", {"form": form, "document": document}, status=status)


@login_required
@require_POST
def attach(request, document_id: int):
    document = queries.document_detail(request.user, document_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
    else:
        try:
            services.add_attachment(request.user, document, upload)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"附件“{upload.name}”已上传。")
    return redirect("policies:document", document.pk)


@login_required
@require_POST
def link(request, document_id: int):
    user = request.user
    document = queries.document_detail(user, document_id)
    form = _link_form(document, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.link_policy(
                user,
                document,
                data["upper"],
                measure_clause=data.get("measure_clause"),
                upper_clause=data.get("upper_clause", ""),
                note=data.get("note", ""),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已登记承接《{data['upper'].title}》。")
            return redirect("policies:document", document.pk)
    return _document_page(request, document, status=400, link_form=form)


def _link_for(request, link_id: int) -> PolicyLink:
    link = get_object_or_404(PolicyLink.objects.select_related("measure", "upper"), pk=link_id)
    queries.document_detail(request.user, link.measure_id)  # must see the measure
    return link


@login_required
@require_POST
def review_link(request, link_id: int):
    link = services.review_link(request.user, _link_for(request, link_id))
    messages.success(request, f"已复核：《{link.measure.title}》承接《{link.upper.title}》第{link.upper_version}版。")
    return redirect(request.POST.get("next") or "policies:crosswalk")


@login_required
@require_POST
def unlink(request, link_id: int):
    link = _link_for(request, link_id)
    measure_id = link.measure_id
    services.unlink(request.user, link)
    messages.success(request, "承接关系已删除。")
    return redirect("policies:document", measure_id)


@login_required
def crosswalk(request):
    flagged_only = request.GET.get("flagged") == "1"
    groups = queries.crosswalk(request.user, flagged_only=flagged_only)
    for group in groups:
        for item in group["links"]:
            item.editable = services.can_edit_document(request.user, item.measure)
    context = {
        "groups": groups,
        "flagged_only": flagged_only,
        "flagged": queries.flagged_count(request.user),
        "unlinked": queries.unlinked_measures(request.user),
    }
    return render(request, "policies/crosswalk.html", context)


# --- clauses ---------------------------------------------------------------------------------


@login_required
def clause_detail(request, clause_id: int):
    user = request.user
    clause = queries.clause_detail(user, clause_id)
    context = {
        "clause": clause,
        "document": clause.document,
        "window": services.window_state(clause, _today()),
        "editable": services.can_edit_clause(user, clause),
        "can_simulate": queries.can_simulate(user),
        "simulations": queries.visible_simulations(user).filter(clause=clause)[:10],
        "history": changes_of(clause),
        "check": _check_enterprise(request, clause),
        "can_check": enterprise_queries.can_browse(user),
    }
    return render(request, "policies/clause.html", context)


def _check_enterprise(request, clause: Clause) -> dict | None:
    """Evaluate the clause for one enterprise the user may see (?uscc=…): verdict, amount, trace."""
    code = (request.GET.get("uscc") or "").strip().upper()
    if not code or not clause.rule:
        return None
    enterprise = enterprise_queries.visible_enterprises(request.user).filter(Q(uscc=code) | Q(name=code)).first()
    if enterprise is None:
        return {"error": f"没有找到统一社会信用代码或名称为“{code}”的企业，或者您无权查看。", "uscc": code}
    today = _today()
    ctx = rules.Context(figure_year=clause.figure_year or today.year - 1, as_of=today)
    rule = rules.parse(clause.rule)
    amount = rules.parse(clause.amount_formula, kind="amount") if clause.amount_formula else None
    outcome = rules.evaluate(rule, facts_of(enterprise, ctx), ctx, amount=amount)
    return {"enterprise": enterprise, "outcome": outcome, "figure_year": ctx.figure_year, "uscc": code}


@login_required
def clause_edit(request, document_id: int | None = None, clause_id: int | None = None):
    user = request.user
    clause = queries.clause_detail(user, clause_id) if clause_id else None
    document = clause.document if clause else queries.document_detail(user, document_id)
    if clause is not None and not services.can_edit_clause(user, clause):
        raise PermissionDenied
    if clause is None and not services.can_edit_document(user, document):
        raise PermissionDenied
    form = ClauseForm(request.POST or None, instance=clause)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if clause is None:
                clause = services.create_clause(user, document, **fields)
                messages.success(request, "条款已新增。")
            else:
                clause = services.update_clause(user, clause, **fields)
                messages.success(request, f"条款已保存（第{clause.version}版）。")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("policies:clause", clause.pk)
    context = {
        "form": form,
        "clause": clause,
        "document": document,
        "preview": _preview(form["rule"].value() or "", "condition"),
        "amount_preview": _preview(form["amount_formula"].value() or "", "amount"),
        "variables": rules.VARIABLES.values(),
    }
    return render(request, "policies/clause_form.html", context, status=400 if form.errors else 200)


def _preview(text: str, kind: str) -> dict:
    text = text.strip()
    if not text:
        return {"empty": True, "kind": kind}
    try:
        rule = rules.parse(text, kind=kind)
    except rules.RuleError as exc:
        return {"error": exc, "kind": kind, "pointer": _pointer(text, exc)}
    labels = [rules.VARIABLES[name].label for name in sorted(rule.variables) if name in rules.VARIABLES]
    return {"sentence": rule.render(), "kind": kind, "variables": labels}


def _pointer(text: str, exc) -> tuple[str, str]:
    """The offending line and a caret under the column, for the editor's error box."""
    lines = text.splitlines() or [""]
    n = min(max(exc.line, 1), len(lines))
    gutter, line = f"{n} | ", lines[n - 1]
    # A Chinese character takes two columns of a monospaced font: pad under it with two spaces.
    before = line[: max(exc.column - 1, 0)]
    pad = "".join("  " if unicodedata.east_asian_width(ch) in "WF" else " " for ch in before)
    return gutter + line, " " * len(gutter) + pad + "^"


@login_required
@require_POST
def rule_preview(request):
    """The live preview of the rule editor: the Chinese sentence, or the error with its position."""
    kind = "amount" if request.POST.get("kind") == "amount" else "condition"
    field = "amount_formula" if kind == "amount" else "rule"
    text = request.POST.get(request.POST.get("field") or field, "")
    return render(request, "policies/_preview.html", {"preview": _preview(text[:4000], kind)})


@login_required
def language(request):
    """The rule language's reference: every variable with its label, type and unit, and examples."""
    examples = [(text, rules.parse(text, kind=kind).render()) for text, kind in LANGUAGE_EXAMPLES]
    return render(request, "policies/language.html", {"variables": rules.VARIABLES.values(), "examples": examples})


# --- simulations -----------------------------------------------------------------------------


@login_required
@charts_allowed
def simulate(request):
    user = request.user
    if not queries.can_simulate(user):
        raise PermissionDenied
    clause = None
    clause_id = request.GET.get("clause") or request.POST.get("clause")
    if clause_id and str(clause_id).isdigit():
        clause = queries.clause_detail(user, int(clause_id))
    today = _today()
    year = clause.figure_year if clause and clause.figure_year else today.year - 1
    if request.method == "POST":
        form = SimulationForm(request.POST)
    else:
        initial = {"figure_year": year, "title": f"{clause.title} 测算" if clause else ""}
        if clause is not None:
            for key, value in simulation.variants_of(clause)[0].items():
                initial[f"{key}_0"] = value
        form = SimulationForm(initial=initial)
    outcome = None
    if request.method == "POST" and form.is_valid():
        variants = form.variants()
        try:
            outcome = simulation.simulate(user, variants, figure_year=form.cleaned_data["figure_year"], today=today)
            if request.POST.get("save"):
                saved = simulation.save(
                    user, outcome, title=form.cleaned_data.get("title", ""), variants=variants, clause=clause
                )
                messages.success(request, "测算结果已保存。")
                return redirect("policies:simulation", saved.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    context = {
        "form": form,
        "clause": clause,
        "outcome": outcome,
        "chart_sets": charts.simulation_charts(outcome) if outcome else None,
        "town_rows": simulation.breakdown_table(outcome) if outcome else None,
        "recent": queries.visible_simulations(user)[:10],
    }
    return render(request, "policies/simulate.html", context, status=400 if form.errors else 200)


@login_required
@charts_allowed
def simulation_detail(request, simulation_id: int):
    saved = queries.simulation_detail(request.user, simulation_id)
    outcome = {
        "figure_year": saved.figure_year,
        "enterprises": saved.enterprise_count,
        "variants": saved.results,
    }
    stale = saved.clause is not None and saved.clause_version != saved.clause.version
    context = {
        "simulation": saved,
        "outcome": outcome,
        "chart_sets": charts.simulation_charts(outcome),
        "town_rows": simulation.breakdown_table(outcome),
        "stale": stale,
    }
    return render(request, "policies/simulation.html", context)


# --- clauses proposed from a notice ------------------------------------------------------------


@login_required
def notice_intake(request, document_id: int):
    """Paste a policy notice: its clauses come back with a suggested rule and amount to check."""
    from luoshi import intake

    user = request.user
    document = queries.document_detail(user, document_id)
    if not services.can_edit_document(user, document):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, request.FILES or None)
    context = {"document": document, "form": form}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        proposals = ProposedClauseFormSet(request.POST, prefix="clauses")
        if proposals.is_valid():
            rows = [row for row in proposals.cleaned_data if row.get("include")]
            try:
                created = services.create_proposed_clauses(user, document, rows)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已新增{len(created)}项草稿条款，请逐项核对申报期、预算和审核部门后发布。")
                return redirect("policies:document", document.pk)
        context["proposals"] = proposals
        return render(request, "policies/notice_intake.html", context, status=400)
    if request.method == "POST" and form.is_valid():
        try:
            text = (
                read_document(form.cleaned_data["file"]) if form.cleaned_data.get("file") else form.cleaned_data["text"]
            )
            result = intake.parse_text(text)
        except DomainError as exc:
            add_domain_error(form, exc)
        except intake.IntakeError as exc:
            form.add_error("text", exc.message)
        else:
            initial = [
                {
                    "title": clause.text[:30],
                    "benefit_type": services.guess_benefit_type(clause.text),
                    "text": clause.text,
                    "rule": clause.rule or "",
                    "amount_formula": clause.amount or "",
                    "conditions": "；".join(clause.conditions),
                }
                for clause in result.clauses
            ]
            context["proposals"] = ProposedClauseFormSet(prefix="clauses", initial=initial)
            if not initial:
                messages.info(request, "没有在原文中找到带条件和金额的条款。")
    return render(request, "policies/notice_intake.html", context, status=400 if form.errors else 200)
