"""The one error the intake kernel raises: a Chinese sentence for a person, a stable code for programs."""

from __future__ import annotations

__all__ = ["IntakeError"]


class IntakeError(ValueError):
    """Input the kernel cannot read. ``code`` is stable; ``message`` says what was wrong and what to do.

    Codes: ``empty``, ``binary``, ``encoding``, ``too_large``, ``unsupported``, ``bad_docx``,
    ``bad_pdf``, ``encrypted_pdf``, ``no_text_layer``, ``not_found``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
