"""Reading the text of an uploaded document (.txt, .docx, text-layer .pdf) for the intake pages."""

from __future__ import annotations

import tempfile
from pathlib import Path

from luoshi import intake
from luoshi.core.errors import ValidationFailed

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def read_document(upload) -> str:
    """The text of an uploaded document; a Chinese error, on the ``file`` field, for anything else."""
    name = (getattr(upload, "name", "") or "upload").rsplit("/", 1)[-1]
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed(f"文件“{name}”超过20MB，请只上传正文。", field="file")
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix.lower()) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            return intake.read_file(handle.name)
        except intake.IntakeError as exc:
            raise ValidationFailed(f"文件“{name}”无法读取：{exc.message}", field="file") from None
