"""Helpers shared by the forms of every app."""

from __future__ import annotations

from luoshi.core.errors import DomainError


def add_domain_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has one, else at the top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
