"""Keep matches and budgets following the data: receivers of the registry's and the library's signals."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from luoshi.enterprises.signals import enterprise_changed, enterprises_changed
from luoshi.policies.signals import clause_changed, document_budget_changed

# What makes a clause's matches stale: who qualifies, how much, and whether it is open at all.
MATCH_FIELDS = {"rule", "amount_formula", "figure_year", "status", "window_kind", "opens_on", "closes_on", "document"}


@receiver(enterprise_changed)
def rematch_enterprise(sender, enterprise_id: int, **kwargs) -> None:
    from luoshi.benefits.tasks import match_enterprise_task

    transaction.on_commit(lambda: match_enterprise_task.enqueue(enterprise_id))


@receiver(enterprises_changed)
def rematch_enterprises(sender, enterprise_ids, **kwargs) -> None:
    """A bulk write (a registry import): one job for the whole list, never one per enterprise. Past
    ``BULK_REMATCH_ABOVE`` enterprises, re-matching the whole base in one vectorised pass is cheaper than
    one enterprise at a time, so the job is the rebuild."""
    from luoshi.benefits.tasks import BULK_REMATCH_ABOVE, match_enterprises_task, rebuild_task

    ids = sorted(set(enterprise_ids))
    if not ids:
        return
    if len(ids) > BULK_REMATCH_ABOVE:
        transaction.on_commit(lambda: rebuild_task.enqueue())
    else:
        transaction.on_commit(lambda: match_enterprises_task.enqueue(ids))


@receiver(clause_changed)
def follow_clause(sender, clause, changed, **kwargs) -> None:
    from luoshi.benefits.services import sync_budget
    from luoshi.benefits.tasks import match_clause_task

    if "budget" in changed:
        sync_budget(clause)  # may refuse the change: the clause's transaction rolls back
    if not changed or MATCH_FIELDS & set(changed):
        clause_id = clause.pk
        transaction.on_commit(lambda: match_clause_task.enqueue(clause_id))


@receiver(document_budget_changed)
def follow_document_budget(sender, document, **kwargs) -> None:
    from luoshi.benefits.services import sync_document_budget

    sync_document_budget(document)  # may refuse the change: the document's transaction rolls back
