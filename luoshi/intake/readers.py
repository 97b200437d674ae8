"""Reading the files people bring: plain text in any common Chinese encoding, Word (.docx) and
PDF with a text layer. Every failure is an :class:`IntakeError` with a Chinese sentence."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

from luoshi.intake.errors import IntakeError
from luoshi.intake.source import MAX_CHARS, check_text

__all__ = ["MAX_FILE_BYTES", "decode_text", "read_file"]

MAX_FILE_BYTES = 64 * 1024 * 1024
_MAX_PDF_PAGES = 2000


def read_file(path: str | Path) -> str:
    """The text of a .txt, .docx or .pdf file (a text-layer PDF), checked to be readable text."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IntakeError("not_found", f"找不到文件“{path}”：请检查路径是否正确。") from None
    except OSError as exc:
        raise IntakeError("not_found", f"无法读取文件“{path}”：{exc.strerror or exc}。") from None
    if path.is_dir():
        raise IntakeError("not_found", f"“{path}”是文件夹，不是文件：请指定一个 .txt、.docx 或 .pdf 文件。")
    if size > MAX_FILE_BYTES:
        raise IntakeError(
            "too_large",
            f"文件过大：{size / 1024 / 1024:.1f} MB，超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后再解析。",
        )
    suffix = path.suffix.lower()
    if suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text = _read_pdf(path)
    elif suffix in (".doc", ".wps", ".xls", ".xlsx", ".ppt", ".pptx"):
        raise IntakeError("unsupported", f"不支持“{suffix}”格式：请在办公软件中另存为 .docx 或 .txt 后再导入。")
    else:
        with path.open("rb") as fh:
            text = decode_text(fh.read())
    check_text(text)
    return text


def decode_text(data: bytes) -> str:
    """Bytes of a text file as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if not data.strip():
        raise IntakeError("empty", "文件为空：请提供包含正文的文件。")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    head = data[:4096]
    if b"\x00" in head or head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x7fELF", b"MZ")):
        raise IntakeError(
            "binary",
            "文件不是文本文件（可能是图片、压缩包或程序）："
            "请提供 .txt、.docx 或带文字层的 .pdf 文件，并使用正确的扩展名。",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeError("encoding", "无法识别文件的文字编码：请另存为 UTF-8 编码的文本文件后再导入。")


def _read_docx(path: Path) -> str:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:  # pragma: no cover - python-docx is a project dependency
        raise IntakeError("unsupported", "未安装 python-docx，无法读取 Word 文件。") from None
    if not zipfile.is_zipfile(path):
        raise IntakeError(
            "bad_docx", "无法打开该 Word 文件：它不是有效的 .docx 文件（可能已损坏，或是旧版 .doc 改了扩展名）。"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            # A .docx is a zip: refuse one that would unpack to far more than any document (a zip bomb).
            if sum(info.file_size for info in archive.infolist()) > 20 * MAX_FILE_BYTES:
                raise IntakeError("too_large", "Word 文件解压后过大，无法解析：请检查文件是否正常。")
        document = docx.Document(str(path))
    except IntakeError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        if not isinstance(exc, (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError)):
            exc = type(exc).__name__
        raise IntakeError("bad_docx", f"无法读取该 Word 文件：{exc}。请用办公软件打开后另存为 .docx 再试。") from None
    parts: list[str] = []
    total = 0
    for block in _blocks(document):
        parts.append(block)
        total += len(block) + 1
        if total > MAX_CHARS:
            break
    return "\n".join(parts)


def _blocks(document):
    """Paragraphs and table rows in document order (a table row as its cells joined by tabs)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document).text
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:  # merged cells repeat their text
                        cells.append(cell.text)
                yield "\t".join(cells)


def _read_pdf(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise IntakeError("unsupported", "未安装 pypdf，无法读取 PDF 文件：请安装 pypdf 后再试。") from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise IntakeError("encrypted_pdf", "该 PDF 已加密，无法读取：请提供未加密的文件。") from None
        pages = reader.pages
        if len(pages) > _MAX_PDF_PAGES:
            raise IntakeError("too_large", f"PDF 共{len(pages)}页，超过上限{_MAX_PDF_PAGES}页，请拆分后再解析。")
        parts = []
        total = 0
        for page in pages:
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total > MAX_CHARS:
                break
    except IntakeError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        if not isinstance(exc, (PdfReadError, ValueError, KeyError, TypeError, OSError)):
            exc = type(exc).__name__
        raise IntakeError("bad_pdf", f"无法读取该 PDF 文件：{exc}。文件可能已损坏。") from None
    text = "\n".join(parts)
    if not text.strip():
        raise IntakeError(
            "no_text_layer", "该 PDF 没有文字层（可能是扫描件或图片）：请先做文字识别（OCR）或提供电子版原文。"
        )
    return text
