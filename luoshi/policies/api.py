"""/api/v1/policies: the policy library, the rule checker and simulations, scoped like the pages."""

from __future__ import annotations

from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status

from luoshi import rules
from luoshi.core.errors import ValidationFailed
from luoshi.enterprises import queries as enterprise_queries
from luoshi.enterprises.facts import facts_of
from luoshi.org.models import Unit
from luoshi.policies import queries, services, simulation
from luoshi.policies.forms import SearchForm
from luoshi.policies.models import PolicyLink
from luoshi.policies.schemas import (
    ClauseIn,
    ClauseOut,
    DocumentDetailOut,
    DocumentIn,
    EvaluateIn,
    LinkOut,
    RuleIn,
    RuleOut,
    SearchOut,
    SimulationIn,
    SimulationOut,
)


def _unit(unit_id: int | None, field: str) -> Unit | None:
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ValidationFailed(f"单位{unit_id}不存在。", field=field)
    return unit


def build_router() -> Router:
    router = Router(tags=["政策库"])

    @router.get(
        "/documents",
        response=SearchOut,
        summary="检索政策",
        description="参数同政策库页面：q level issuer "
        "status benefit_type department open_now；有关键词时按相关度排序，最多200条",
    )
    def search(request):
        form = SearchForm(request.GET)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            raise ValidationFailed(f"检索条件有误：{errors[0]}", field=field)
        hits, total = queries.search(request.auth, form.cleaned_data, timezone.localdate())
        return {"count": total, "results": [{**h.__dict__, "snippet": str(h.snippet)} for h in hits]}

    @router.post("/documents", response={201: DocumentDetailOut}, summary="登记政策文件")
    def create_document(request, payload: DocumentIn):
        data = payload.dict()
        data["issuer_unit"] = _unit(data.pop("issuer_unit_id"), "issuer_unit_id")
        document = services.create_document(request.auth, **data)
        return Status(201, _detail(request.auth, document))

    def _detail(user, document):
        document.visible_clauses = queries.clauses_of(user, document)
        return document

    @router.get("/documents/{document_id}", response=DocumentDetailOut, summary="政策文件及其条款")
    def document_detail(request, document_id: int):
        return _detail(request.auth, queries.document_detail(request.auth, document_id))

    @router.patch("/documents/{document_id}", response=DocumentDetailOut, summary="修订政策文件")
    def update_document(request, document_id: int, payload: DocumentIn):
        document = queries.document_detail(request.auth, document_id)
        data = payload.dict(exclude_unset=True)
        if "issuer_unit_id" in data:
            data["issuer_unit"] = _unit(data.pop("issuer_unit_id"), "issuer_unit_id")
        return _detail(request.auth, services.update_document(request.auth, document, **data))

    @router.get("/documents/{document_id}/links", response=list[LinkOut], summary="承接关系（上下级）")
    def document_links(request, document_id: int):
        document = queries.document_detail(request.auth, document_id)
        visible = queries.visible_documents(request.auth)
        links = (
            PolicyLink.objects.filter(Q(measure=document) | Q(upper=document))
            .filter(measure__in=visible, upper__in=visible)
            .annotate(flagged=Q(upper_version__lt=F("upper__version")))
        )
        return list(links)

    @router.post("/documents/{document_id}/clauses", response={201: ClauseOut}, summary="新增条款")
    def create_clause(request, document_id: int, payload: ClauseIn):
        document = queries.document_detail(request.auth, document_id)
        data = payload.dict()
        data["department"] = _unit(data.pop("department_id"), "department_id")
        return Status(201, services.create_clause(request.auth, document, **data))

    @router.get("/clauses/{clause_id}", response=ClauseOut, summary="条款")
    def clause_detail(request, clause_id: int):
        return queries.clause_detail(request.auth, clause_id)

    @router.patch("/clauses/{clause_id}", response=ClauseOut, summary="修改条款")
    def update_clause(request, clause_id: int, payload: ClauseIn):
        clause = queries.clause_detail(request.auth, clause_id)
        data = payload.dict(exclude_unset=True)
        if "department_id" in data:
            data["department"] = _unit(data.pop("department_id"), "department_id")
        return services.update_clause(request.auth, clause, **data)

    @router.post("/rules/check", response=RuleOut, summary="检查规则", description="解析规则，返回中文释义或出错位置")
    def check_rule(request, payload: RuleIn):
        kind = "amount" if payload.kind == "amount" else "condition"
        try:
            rule = rules.parse(payload.rule, kind=kind)
        except rules.RuleError as exc:
            return {"ok": False, "error": str(exc), "line": exc.line, "column": exc.column, "code": exc.code}
        return {"ok": True, "sentence": rule.render(), "variables": sorted(rule.variables)}

    @router.post("/rules/evaluate", summary="按规则核对一家企业", description="返回结论、金额、逐条核对和差距")
    def evaluate(request, payload: EvaluateIn):
        enterprise = enterprise_queries.enterprise_detail(request.auth, payload.enterprise_id)
        rule = services.check_rule(payload.rule)
        if rule is None:
            raise ValidationFailed("请填写申报条件。", field="rule")
        amount = services.check_rule(payload.amount, kind="amount", field="amount")
        today = timezone.localdate()
        ctx = rules.Context(figure_year=payload.figure_year or today.year - 1, as_of=today)
        outcome = rules.evaluate(rule, facts_of(enterprise, ctx), ctx, amount=amount)
        return {"enterprise_id": enterprise.pk, "figure_year": ctx.figure_year, **outcome.to_dict()}

    @router.post(
        "/simulations",
        response=SimulationOut,
        summary="政策测算",
        description="在全部企业上测算1—3个方案；save=true 时保存快照",
    )
    def simulate(request, payload: SimulationIn):
        clause = queries.clause_detail(request.auth, payload.clause_id) if payload.clause_id else None
        variants = [v.dict() for v in payload.variants]
        outcome = simulation.simulate(request.auth, variants, figure_year=payload.figure_year)
        saved_id = None
        if payload.save:
            saved_id = simulation.save(request.auth, outcome, title=payload.title, variants=variants, clause=clause).pk
        return {"id": saved_id, **outcome}

    @router.get("/simulations/{simulation_id}", response=SimulationOut, summary="已保存的测算")
    def simulation_detail(request, simulation_id: int):
        saved = queries.simulation_detail(request.auth, simulation_id)
        return {
            "id": saved.pk,
            "figure_year": saved.figure_year,
            "enterprises": saved.enterprise_count,
            "variants": saved.results,
        }

    @router.post("/links/{link_id}/review", response=LinkOut, summary="复核承接关系")
    def review(request, link_id: int):
        link = get_object_or_404(PolicyLink, pk=link_id)
        queries.document_detail(request.auth, link.measure_id)
        link = services.review_link(request.auth, link)
        link.flagged = False
        return link

    return router


router = build_router()
