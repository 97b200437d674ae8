"""Malformed input gets a clear Chinese error or a bounded, correct result — never a crash or a hang."""

import random
import signal
import zipfile
from contextlib import contextmanager

import docx
import pytest

from luoshi.intake import IntakeError, parse_file, parse_text, read_file
from luoshi.intake.readers import decode_text
from tests.intake.pdfmaker import text_pdf


@contextmanager
def no_hang(seconds: int = 60):
    """Fail instead of hanging: an alarm interrupts a call that runs away."""

    def stop(signum, frame):
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _chinese(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_an_empty_file_is_refused_with_a_chinese_sentence(tmp_path):
    for content in (b"", b"   \n\t\n", "\u3000\n".encode()):
        path = tmp_path / "empty.txt"
        path.write_bytes(content)
        with pytest.raises(IntakeError) as caught:
            parse_file(path)
        assert caught.value.code == "empty"
        assert _chinese(caught.value.message)


def test_a_binary_file_is_refused(tmp_path):
    rng = random.Random(7)
    samples = {
        "random.txt": bytes(rng.randrange(256) for _ in range(50_000)),
        "picture.txt": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(5000)),
        "program.bin": b"\x7fELF" + b"\x00" * 100,
    }
    for name, data in samples.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(IntakeError) as caught:
            parse_file(path)
        assert caught.value.code in ("binary", "encoding"), name
        assert _chinese(caught.value.message)


def test_text_with_control_characters_is_refused():
    with pytest.raises(IntakeError) as caught:
        parse_text("区经信委\x00\x01\x02\x03" * 100)
    assert caught.value.code == "binary"


def test_a_20_mb_text_is_refused_at_once(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(("区经信委将推动规上工业增加值增长7.5%。" * 400_000).encode())  # about 20 MB of UTF-8
    assert path.stat().st_size > 19_000_000
    with no_hang(30), pytest.raises(IntakeError) as caught:
        parse_file(path)
    assert caught.value.code == "too_large"
    assert "拆分" in caught.value.message


def test_text_just_under_the_limit_is_parsed_in_bounded_time():
    sentence = (
        "区经信委负责人表示，将加快实施城东110千伏变电站工程，确保3月底前开工，"
        "全年新建5G基站500个，按研发费用的10%补助最高50万元。\n"
    )
    text = sentence * (1_000_000 // len(sentence))
    with no_hang(120):
        r = parse_text(text)
    assert len(r.targets) == text.count("5G基站")
    assert len(r.projects) == text.count("变电站工程")


@pytest.mark.parametrize(
    "text",
    [
        "1" * 200_000,
        "一" * 200_000,
        "、" * 200_000,
        "“" * 100_000 + "项目",
        "区" * 100_000,
        ("一是" + "加快" * 50 + "；") * 2000,
        "按" + "的" * 100_000 + "10%",
        "第" + "一二三" * 30_000 + "季度",
        "\n" * 50_000 + "区经信委",
        "a " * 100_000,
        "万亿" * 50_000 + "元",
        "（一）" * 50_000,
    ],
)
def test_pathological_text_neither_crashes_nor_hangs(text):
    with no_hang(60):
        r = parse_text(text)
    for field in r.FIELDS:
        for item in getattr(r, field):
            start, end = item.span
            assert 0 <= start <= end <= len(text)


def test_bad_arguments_are_type_errors():
    with pytest.raises(TypeError):
        parse_text(b"bytes")  # type: ignore[arg-type]


def test_encodings_people_use_are_read():
    text = "区经信委将推动规上工业增加值增长7.5%。"
    assert decode_text(text.encode("gb18030")) == text
    assert decode_text(text.encode("utf-8-sig")) == text
    assert decode_text(text.encode("utf-16")) == text


def test_a_missing_file_and_a_folder_are_refused(tmp_path):
    with pytest.raises(IntakeError) as caught:
        read_file(tmp_path / "nothing.txt")
    assert caught.value.code == "not_found"
    with pytest.raises(IntakeError):
        read_file(tmp_path)


def test_a_docx_is_read_with_its_tables(tmp_path):
    document = docx.Document()
    document.add_paragraph("区经信委2025年工作要点")
    document.add_paragraph("一、加快建设现代制造业基地")
    document.add_paragraph("全年新建5G基站500个，确保3月底前开工。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "牵头单位"
    table.rows[0].cells[1].text = "区财政局"
    path = tmp_path / "plan.docx"
    document.save(path)
    r = parse_file(path)
    assert [t.value for t in r.targets] == [500]
    assert [u.name for u in r.units] == ["区经济和信息化委员会", "区财政局"]
    assert r.key_tasks[0].text == "加快建设现代制造业基地"


def test_a_damaged_docx_and_an_old_doc_are_refused(tmp_path):
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IntakeError) as caught:
        parse_file(broken)
    assert caught.value.code == "bad_docx"
    other_zip = tmp_path / "other.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a Word document")
    with pytest.raises(IntakeError) as caught:
        parse_file(other_zip)
    assert caught.value.code == "bad_docx"
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(IntakeError) as caught:
        parse_file(old)
    assert caught.value.code == "unsupported"


def test_a_text_layer_pdf_is_read(tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(text_pdf(["区经信委2025年工作要点", "全年新建5G基站500个，确保3月底前开工。"]))
    r = parse_file(path)
    assert [(t.indicator, t.value, t.unit) for t in r.targets] == [("5G基站", 500, "个")]
    assert [d.date for d in r.dates] == ["2025", "2025-03-31"]


def test_a_pdf_without_text_and_a_damaged_pdf_are_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    scanned = tmp_path / "scanned.pdf"
    with scanned.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(IntakeError) as caught:
        parse_file(scanned)
    assert caught.value.code == "no_text_layer"
    assert "OCR" in caught.value.message
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(text_pdf(["区经信委"])[:200])
    with pytest.raises(IntakeError) as caught:
        parse_file(damaged)
    assert caught.value.code in ("bad_pdf", "no_text_layer")
