"""The acting party of a service call.

Services take the acting user first. Work that no person starts (``luoshi demo``, ``luoshi
tick``, imports run by an operator on the server) acts as :data:`SYSTEM`, which passes every
permission check and is recorded in history as “系统”.
"""

from __future__ import annotations


class SystemActor:
    is_active = True
    is_authenticated = True
    pk = None
    id = None
    username = "system"

    def __str__(self) -> str:
        return "系统"

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM
