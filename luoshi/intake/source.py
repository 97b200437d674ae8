"""The text the extractors read, and the way back to the characters of the original.

Newspaper pages and PDF text layers break lines in the middle of words and numbers
(“2\\n\\n300万元”), so the extractors read a *clean* text: the original with line breaks that
merely wrap a paragraph removed, blanks inside Chinese text removed, and full-width digits
read as digits. Every clean character is one original character, in order, so a span of the
clean text maps back to the original exactly: :meth:`Source.span` turns clean offsets into
original ones, and ``original[start:end]`` with the blanks removed is the clean slice.

A line break is kept (as a paragraph boundary) unless the document is hard-wrapped — most of
its lines have the same length, as a newspaper column has — and the line is full and does not
end a sentence.

>>> src = Source("规上工业增加值\\n\\n增长7.5%。\\n下一段")
>>> src.clean
'规上工业增加值\\n增长7.5%。\\n下一段'
>>> col = "\\n\\n".join(["区经信委将推动全区规上工", "业增加值增长7.5%，确保完", "成全年目标任务。今年全区"] * 3)
>>> src = Source(col)
>>> src.clean == "区经信委将推动全区规上工业增加值增长7.5%，确保完成全年目标任务。今年全区" * 3
True
>>> start = src.clean.index("规上工业")
>>> a, b = src.span(start, start + 4)
>>> col[a:b]
'规上工\\n\\n业'
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["MAX_CHARS", "Source", "check_text"]

from luoshi.intake.errors import IntakeError

MAX_CHARS = 2_000_000  # about a thousand pages; larger input is refused, never processed slowly

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_BLANKS = re.compile(r"[ \t\r\f\v\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Full-width digits, point, percent and ASCII-looking letters are read as their ASCII forms,
# one character for one, so offsets do not move.
_WIDE = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "％": "%"})


def check_text(text: str) -> None:
    """Refuse text that is empty, binary or too large, with a sentence saying so."""
    if len(text) > MAX_CHARS:
        raise IntakeError(
            "too_large",
            f"文本过长：共{len(text):,}个字符，超过单次解析上限{MAX_CHARS:,}个字符，请按章节拆分后分别解析。",
        )
    if not text.strip():
        raise IntakeError("empty", "文本为空：请提供包含正文的文件或文字。")
    sample = text[:200_000]
    bad = len(_CONTROL.findall(sample))
    if "\x00" in sample or bad > max(8, len(sample) // 200):
        raise IntakeError(
            "binary", "内容不是文本（含有大量控制字符），可能是二进制文件：请提供 .txt、.docx 或带文字层的 .pdf 文件。"
        )


class Source:
    """The original text, its clean reading, and the map between their offsets."""

    __slots__ = ("_clean_starts", "_orig_starts", "clean", "original", "wrapped")

    def __init__(self, original: str) -> None:
        self.original = original
        lines = [(m.start(), m.group()) for m in _LINE.finditer(original)]
        joins = _wrapped_lines(lines)
        self.wrapped = any(joins)
        pieces: list[str] = []
        clean_starts: list[int] = []
        orig_starts: list[int] = []
        pos = 0

        def keep(orig_start: int, chunk: str) -> None:
            nonlocal pos
            if not (clean_starts and orig_starts[-1] + (pos - clean_starts[-1]) == orig_start):
                clean_starts.append(pos)  # not contiguous with the previous piece: a new map entry
                orig_starts.append(orig_start)
            pieces.append(chunk)
            pos += len(chunk)

        pending_break: int | None = None  # offset of the newline that ends the previous kept line
        for (start, line), joined in zip(lines, joins, strict=True):
            body = line[:-1] if line.endswith("\n") else line
            if not body.strip():
                continue
            if pending_break is not None and pieces:
                keep(pending_break, "\n")
            for seg_start, seg in _segments(body):
                keep(start + seg_start, seg)
            pending_break = None if joined or not line.endswith("\n") else start + len(body)
        self.clean = "".join(pieces).translate(_WIDE)
        self._clean_starts = clean_starts
        self._orig_starts = orig_starts

    def offset(self, clean_index: int) -> int:
        """The original offset of the clean character at ``clean_index``."""
        k = bisect_right(self._clean_starts, clean_index) - 1
        if k < 0:
            return clean_index
        return self._orig_starts[k] + clean_index - self._clean_starts[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the clean [start, end); end is exclusive in both."""
        if end <= start:
            first = self.offset(start) if start < len(self.clean) else len(self.original)
            return first, first
        return self.offset(start), self.offset(end - 1) + 1


def _segments(body: str):
    """The non-blank runs of a line; a blank between two ASCII word characters stays (as one space)."""
    last = 0
    for m in _BLANKS.finditer(body):
        s, e = m.span()
        if s > last:
            yield last, body[last:s]
        if s > 0 and e < len(body) and _ASCII_WORD.match(body[s - 1]) and _ASCII_WORD.match(body[e]):
            yield s, " "
        last = e
    if last < len(body):
        yield last, body[last:]


def _display_width(text: str) -> int:
    """Columns a line takes in print: a Chinese character or full-width sign two, ASCII one."""
    return sum(1 if ch < "\u1100" else 2 for ch in text)


def _wrapped_lines(lines: list[tuple[int, str]]) -> list[bool]:
    """For each line, whether it merely wraps into the next one (a hard-wrapped column).

    A text is hard-wrapped when most of its lines are about as wide as the median line and
    that is narrow (a newspaper column, a PDF text layer); then a line continues into the next
    when it is about as wide as the lines around it. Where wrapped lines are separated by blank
    lines (as OCR of a newspaper page gives), a full line followed by a single line break is a
    heading or a paragraph end after all.
    """
    widths = [_display_width(_BLANKS.sub("", line.rstrip("\n"))) for _, line in lines]
    filled = [w for w in widths if w]
    joins = [False] * len(lines)
    if len(filled) < 8:
        return joins
    median = sorted(filled)[len(filled) // 2]
    near = sum(1 for w in filled if 0.85 * median <= w <= 1.12 * median)
    if median > 100 or near < 0.5 * len(filled):
        return joins
    index = [i for i, w in enumerate(widths) if w]
    refs = []
    for k in range(len(index)):
        around = sorted(widths[j] for j in index[max(0, k - 4) : k + 5])
        refs.append(around[len(around) // 2])
    # Blank lines between wrapped lines (OCR of a newspaper page) make a single line break a real
    # one, so a fuller-looking line can be trusted to wrap; without them, only nearly full lines do.
    for low in (0.75, 0.85):
        for i, ref in zip(index, refs, strict=True):
            joins[i] = low * ref <= widths[i] <= 1.12 * ref
        full = [i for i in index if joins[i] and i + 1 < len(lines)]
        blank_after = [i for i in full if lines[i + 1][1].strip() == ""]
        if full and len(blank_after) >= 0.7 * len(full):
            for i in full:
                if lines[i + 1][1].strip():
                    joins[i] = False
            break
    return joins
