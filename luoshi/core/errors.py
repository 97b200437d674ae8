"""Domain errors: what a person can meet, as a Chinese sentence with a stable code.

Services raise these; the web layer shows ``message`` and the API returns
``{"code": ..., "message": ...}`` with ``status``. Nothing else in the stack decides wording.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400


class NotPermitted(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409
