"""The case workflow as an explicit transition table: (state, action) → (next state, who may do it).

Roles are names of the parties a service resolves against the case: the dispatcher (督查员 or
系统管理员 受理、交办), the handler (联络员 of the unit the case is assigned to) and the
follower (the enterprise's own user, its commissioner, or the dispatcher, who rate the result).
"""

from __future__ import annotations

from luoshi.cases.choices import Action, CaseState

DISPATCHER, HANDLER, FOLLOWER = "dispatcher", "handler", "follower"

TRANSITIONS: dict[tuple[str, str], tuple[str, frozenset[str]]] = {
    (CaseState.SUBMITTED, Action.ACCEPT): (CaseState.ACCEPTED, frozenset({DISPATCHER})),
    (CaseState.ACCEPTED, Action.ASSIGN): (CaseState.ASSIGNED, frozenset({DISPATCHER})),
    (CaseState.ASSIGNED, Action.START): (CaseState.IN_PROGRESS, frozenset({HANDLER})),
    (CaseState.ASSIGNED, Action.TRANSFER): (CaseState.ASSIGNED, frozenset({HANDLER, DISPATCHER})),
    (CaseState.IN_PROGRESS, Action.TRANSFER): (CaseState.ASSIGNED, frozenset({HANDLER, DISPATCHER})),
    (CaseState.ASSIGNED, Action.RETURN): (CaseState.ACCEPTED, frozenset({HANDLER})),
    (CaseState.IN_PROGRESS, Action.RETURN): (CaseState.ACCEPTED, frozenset({HANDLER})),
    (CaseState.IN_PROGRESS, Action.SUSPEND): (CaseState.SUSPENDED, frozenset({HANDLER})),
    (CaseState.SUSPENDED, Action.RESUME): (CaseState.IN_PROGRESS, frozenset({HANDLER, DISPATCHER})),
    (CaseState.IN_PROGRESS, Action.RESOLVE): (CaseState.RESOLVED, frozenset({HANDLER})),
    (CaseState.RESOLVED, Action.FOLLOW_UP): (CaseState.FOLLOWED_UP, frozenset({FOLLOWER})),
    (CaseState.RESOLVED, Action.REOPEN): (CaseState.IN_PROGRESS, frozenset({FOLLOWER})),
}

# Actions that must say why: a person reading the timeline later needs the reason.
NEEDS_REASON = {Action.TRANSFER, Action.RETURN, Action.SUSPEND, Action.RESOLVE, Action.REOPEN}


def next_state(state: str, action: str) -> tuple[str, frozenset[str]] | None:
    """
    >>> next_state("submitted", "accept")[0] == "accepted"
    True
    >>> next_state("resolved", "assign") is None
    True
    """
    return TRANSITIONS.get((state, action))


def actions_from(state: str) -> list[str]:
    return [action for (from_state, action) in TRANSITIONS if from_state == state]
