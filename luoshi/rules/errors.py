"""The one error type of the rules kernel: a Chinese sentence with a line and column."""

from __future__ import annotations


class RuleError(ValueError):
    """A rule, a fact or a case file that cannot be used.

    ``code`` is stable for the API and the UI (``syntax``, ``unknown_variable``,
    ``type_mismatch``, ``unknown_function``, ``bad_literal``, ``bad_facts``,
    ``bad_case``); ``message`` is the Chinese sentence; ``line`` and
    ``column`` are 1-based and point into the rule text.

    >>> str(RuleError("此处缺少右括号", line=2, column=7))
    '第2行第7列：此处缺少右括号'
    >>> str(RuleError("缺少营业收入", code="bad_facts"))
    '缺少营业收入'
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None, code: str = "syntax"):
        self.message = message
        self.line = line
        self.column = column
        self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"第{self.line}行第{self.column}列：{self.message}"

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "line": self.line, "column": self.column}
