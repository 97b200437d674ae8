"""Read side of the policy library: who sees what, search with filters, the crosswalk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet

from luoshi.core.errors import NotFound
from luoshi.org import permissions
from luoshi.org.choices import Role
from luoshi.policies import search as fulltext
from luoshi.policies.choices import ClauseStatus, DocumentStatus, WindowKind
from luoshi.policies.models import Clause, PolicyDocument, PolicyLink, Simulation
from luoshi.policies.services import EDITORS

# Published policy is public to every signed-in user; drafts only to those who keep them and to
# the leadership.
DRAFT_READERS = (Role.LEADER, Role.ADMIN)
SIMULATORS = (Role.REVIEWER, Role.LEADER, Role.ADMIN)
GOVERNMENT = (Role.LEADER, Role.SUPERVISOR, Role.UNIT_REPORTER, Role.COMMISSIONER, Role.REVIEWER, Role.ADMIN)


def _keeper_q(user, field: str) -> Q | None:
    return permissions.unit_q(user, EDITORS, field=field)


def visible_documents(user) -> QuerySet[PolicyDocument]:
    qs = PolicyDocument.objects.all()
    if permissions.allowed(user, DRAFT_READERS):
        return qs
    q = Q(status__in=[DocumentStatus.PUBLISHED, DocumentStatus.REPEALED])
    keeper = _keeper_q(user, "issuer_unit")
    if keeper is not None:
        q |= keeper
    return qs.filter(q)


def visible_clauses(user) -> QuerySet[Clause]:
    qs = Clause.objects.all()
    if permissions.allowed(user, DRAFT_READERS):
        return qs
    q = Q(status=ClauseStatus.PUBLISHED, document__status=DocumentStatus.PUBLISHED)
    for field in ("document__issuer_unit", "department"):
        keeper = _keeper_q(user, field)
        if keeper is not None:
            q |= keeper
    return qs.filter(q)


def document_detail(user, document_id: int) -> PolicyDocument:
    document = visible_documents(user).select_related("issuer_unit").filter(pk=document_id).first()
    if document is None:
        raise NotFound("没有找到这份政策文件，或者您无权查看。")
    return document


def clause_detail(user, clause_id: int) -> Clause:
    clause = visible_clauses(user).select_related("document", "department").filter(pk=clause_id).first()
    if clause is None:
        raise NotFound("没有找到这项政策条款，或者您无权查看。")
    return clause


def open_q(today: date, prefix: str = "") -> Q:
    """Clauses taking applications on ``today`` (published, in a published document in force)."""
    p = prefix
    window = Q(**{f"{p}window_kind": WindowKind.ROLLING}) | (
        Q(**{f"{p}opens_on__lte": today}) & (Q(**{f"{p}closes_on__gte": today}) | Q(**{f"{p}closes_on__isnull": True}))
    )
    in_force = (
        Q(**{f"{p}document__status": DocumentStatus.PUBLISHED})
        & (Q(**{f"{p}document__effective_on__isnull": True}) | Q(**{f"{p}document__effective_on__lte": today}))
        & (Q(**{f"{p}document__expires_on__isnull": True}) | Q(**{f"{p}document__expires_on__gte": today}))
    )
    return Q(**{f"{p}status": ClauseStatus.PUBLISHED}) & window & in_force


@dataclass
class Hit:
    kind: str  # "document" or "clause"
    document: PolicyDocument
    clause: Clause | None
    snippet: str


def search(user, data: dict, today: date, *, limit: int = 200) -> tuple[list[Hit], int]:
    """Documents and clauses matching the filters (cleaned data of ``SearchForm``), best first.

    With words to look for, the full-text index ranks; without, the newest documents come first.
    Returns the hits on this page and how many there are in all (up to ``limit``).
    """
    documents = visible_documents(user).select_related("issuer_unit")
    clauses = visible_clauses(user).select_related("document", "department")
    if data.get("level"):
        documents = documents.filter(level=data["level"])
        clauses = clauses.filter(document__level=data["level"])
    if data.get("issuer"):
        documents = documents.filter(issuer__contains=data["issuer"])
        clauses = clauses.filter(document__issuer__contains=data["issuer"])
    if data.get("status"):
        documents = documents.filter(status=data["status"])
        clauses = clauses.filter(document__status=data["status"])
    clause_only = bool(data.get("open_now") or data.get("benefit_type") or data.get("department"))
    if data.get("open_now"):
        clauses = clauses.filter(open_q(today))
    if data.get("benefit_type"):
        clauses = clauses.filter(benefit_type=data["benefit_type"])
    if data.get("department"):
        clauses = clauses.filter(department=data["department"])
    words = (data.get("q") or "").strip()
    if not words:
        if clause_only:
            rows = list(clauses.order_by("closes_on", "id")[:limit])
            return [Hit("clause", c.document, c, c.rule_sentence) for c in rows], len(rows)
        rows = list(documents.order_by("-published_on", "-id")[:limit])
        return [Hit("document", d, None, d.summary) for d in rows], len(rows)

    kinds = [fulltext.CLAUSE] if clause_only else None
    ranked = fulltext.INDEX.search(words, kinds=kinds, limit=limit)
    doc_ids = [h.object_id for h in ranked if h.kind == fulltext.DOCUMENT]
    clause_ids = [h.object_id for h in ranked if h.kind == fulltext.CLAUSE]
    found_docs = documents.in_bulk(doc_ids) if doc_ids else {}
    found_clauses = clauses.in_bulk(clause_ids) if clause_ids else {}
    hits: list[Hit] = []
    for h in ranked:
        if h.kind == fulltext.DOCUMENT and h.object_id in found_docs:
            d = found_docs[h.object_id]
            text = "\n".join(p for p in (d.summary, d.full_text) if p)
            hits.append(Hit("document", d, None, fulltext.highlight(text, words)))
        elif h.kind == fulltext.CLAUSE and h.object_id in found_clauses:
            c = found_clauses[h.object_id]
            text = "\n".join(p for p in (c.text, c.rule_sentence) if p)
            hits.append(Hit("clause", c.document, c, fulltext.highlight(text, words)))
    return hits, len(hits)


def clauses_of(user, document: PolicyDocument) -> list[Clause]:
    return list(visible_clauses(user).filter(document=document).select_related("department"))


def links_of(user, document: PolicyDocument) -> dict[str, list[PolicyLink]]:
    """The policies this one implements (upward) and the measures implementing it (downward)."""
    visible = visible_documents(user)
    base = PolicyLink.objects.filter(measure__in=visible, upper__in=visible).select_related(
        "measure", "upper", "measure_clause"
    )
    return {
        "implements": list(base.filter(measure=document).order_by("upper__level", "upper__title")),
        "implemented_by": list(base.filter(upper=document).order_by("measure__title")),
    }


def crosswalk(user, *, flagged_only: bool = False) -> list[dict]:
    """Every visible upper-level policy with the district measures implementing it.

    A link is flagged when its upper policy was revised after the link was last reviewed.
    """
    visible = visible_documents(user)
    links = (
        PolicyLink.objects.filter(measure__in=visible, upper__in=visible)
        .select_related("measure__issuer_unit", "upper", "measure_clause")
        .annotate(flagged=Q(upper_version__lt=F("upper__version")))
        .order_by("upper__level", "upper__published_on", "upper_id", "measure__title")
    )
    if flagged_only:
        links = links.filter(upper_version__lt=F("upper__version"))
    groups: dict[int, dict] = {}
    for link in links:
        group = groups.setdefault(link.upper_id, {"upper": link.upper, "links": [], "flagged": 0})
        group["links"].append(link)
        group["flagged"] += bool(link.flagged)
    return list(groups.values())


def flagged_count(user) -> int:
    visible = visible_documents(user)
    return PolicyLink.objects.filter(
        measure__in=visible, upper__in=visible, upper_version__lt=F("upper__version")
    ).count()


def unlinked_measures(user) -> QuerySet[PolicyDocument]:
    """District measures that name no upper-level policy: the crosswalk's blind spots."""
    from luoshi.policies.choices import Level

    return (
        visible_documents(user)
        .filter(level=Level.DISTRICT)
        .annotate(n=Count("implements"))
        .filter(n=0)
        .order_by("title")
    )


def can_simulate(user) -> bool:
    return permissions.allowed(user, SIMULATORS)


def visible_simulations(user) -> QuerySet[Simulation]:
    qs = Simulation.objects.select_related("clause__document", "created_by")
    if permissions.allowed(user, DRAFT_READERS):
        return qs
    q = Q(created_by=user)
    keeper = _keeper_q(user, "clause__department")
    if keeper is not None:
        q |= keeper
    return qs.filter(q)


def simulation_detail(user, simulation_id: int) -> Simulation:
    simulation = visible_simulations(user).filter(pk=simulation_id).first()
    if simulation is None:
        raise NotFound("没有找到这次测算，或者您无权查看。")
    return simulation


def clause_prefetch() -> Prefetch:
    return Prefetch("clauses", queryset=Clause.objects.select_related("department").order_by("position", "id"))
