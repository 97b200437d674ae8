"""What the policy library announces, for apps that keep something derived from it.

``clause_changed`` is sent inside the transaction that created or changed a clause (or the
document it belongs to), with ``clause`` and ``changed`` (the names of the fields that changed;
empty for a new clause). A receiver may refuse the change by raising a DomainError: the
service's transaction rolls back and the person sees the message.
"""

from django.dispatch import Signal

clause_changed = Signal()

# Sent inside the transaction that changed a document's overall budget, with ``document``;
# a receiver may refuse it (a budget below what is already committed) by raising a DomainError.
document_budget_changed = Signal()
