"""``luoshi intake parse FILE --json`` prints exactly the documented structure."""

import json

from luoshi.intake.cli import main

KEYS = {
    "units": {"name", "alias", "span"},
    "people": {"name", "title", "unit", "span"},
    "targets": {"indicator", "change", "value", "unit", "year", "owner", "span"},
    "projects": {"name", "span"},
    "money": {"text", "value", "qualifier", "span"},
    "dates": {"text", "date", "span"},
    "key_tasks": {"index", "text", "span"},
    "tasks": {"text", "unit", "span"},
    "clauses": {"text", "span", "conditions", "rule", "amount"},
}
TEXT = (
    "区经信委2025年工作要点\n"
    "区经济和信息化委员会党组书记、主任李明远表示，区经信委将加快实施城东110千伏变电站工程，确保3月底前开工，"
    "一是全年新建5G基站500个；二是兑现惠企资金不低于3亿元。\n"
)


def test_parse_json_prints_the_documented_keys(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["parse", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == set(KEYS)
    for field, keys in KEYS.items():
        for item in out[field]:
            assert set(item) == keys, field
            start, end = item["span"]
            assert 0 <= start < end <= len(TEXT)
    assert out["money"][0]["value"] == 300_000_000
    assert out["targets"][0]["value"] == 500
    assert out["dates"][1]["date"] == "2025-03-31"
    assert [k["index"] for k in out["key_tasks"]] == [1, 2]


def test_a_directory_file_normalises_units(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(TEXT, encoding="utf-8")
    directory = tmp_path / "units.json"
    directory.write_text(json.dumps({"units": [["重庆市永川区经济和信息化委员会", ["区经信委"]]]}), encoding="utf-8")
    assert main(["parse", str(path), "--json", "--directory", str(directory)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {u["name"] for u in out["units"]} == {"重庆市永川区经济和信息化委员会"}


def test_unreadable_input_is_a_chinese_error_with_exit_code_2(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["parse", str(empty), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == "empty"
    assert main(["parse", str(tmp_path / "missing.txt")]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_the_summary_lists_what_was_found(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "李明远" in out
    assert "城东110千伏变电站工程" in out
