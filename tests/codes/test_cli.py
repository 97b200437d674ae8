import json

import pytest

from luoshi.codes.cli import main


def run(capsys, *argv):
    """Run the command and return (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert err == ""
    return code, json.loads(out)


# ---------------------------------------------------------------- uscc


def test_uscc_json_for_a_valid_code_exits_0(capsys):
    code, out, _ = run(capsys, "uscc", "91500118ma5u7xxx1j", "--json")
    assert code == 0
    assert out == '{"code": "91500118MA5U7XXX1J", "valid": true, "reason": ""}\n'


def test_uscc_json_for_an_invalid_code_exits_1_with_a_chinese_reason(capsys):
    assert run_json(capsys, "uscc", "91500118MA5U7XXX1B") == (
        1,
        {"code": "91500118MA5U7XXX1B", "valid": False, "reason": "第18位校验码应为J，实际为B，请核对代码"},
    )


def test_uscc_plain_output_is_one_chinese_line(capsys):
    assert run(capsys, "uscc", "91500118MA5U7XXX1J") == (
        0,
        "91500118MA5U7XXX1J：有效的统一社会信用代码\n",
        "",
    )
    assert run(capsys, "uscc", "123") == (1, "123：无效，长度应为18位，实际为3位\n", "")


# ---------------------------------------------------------------- size


def test_size_by_sector_json(capsys):
    code, payload = run_json(capsys, "size", "--sector", "工业", "--employees", "300", "--revenue-wan", "2000")
    assert code == 0
    assert payload == {
        "size": "中型",
        "sector": "工业",
        "reason": "工业：从业人员300人≥300人且营业收入2000万元≥2000万元，属中型企业",
    }


def test_size_by_industry_code_finds_the_sector(capsys):
    code, payload = run_json(capsys, "size", "--industry", "4710", "--revenue-wan", "6000", "--assets-wan", "4999.99")
    assert code == 0
    assert (payload["size"], payload["sector"]) == ("小型", "建筑业")


def test_size_ignores_figures_the_sector_does_not_use(capsys):
    code, payload = run_json(capsys, "size", "--sector", "其他未列明行业", "--employees", "10", "--assets-wan", "1")
    assert (code, payload["size"]) == (0, "小型")


def test_size_plain_output_is_the_reason(capsys):
    code, out, _ = run(capsys, "size", "--sector", "零售业", "--employees", "9", "--revenue-wan", "50000")
    assert (code, out) == (0, "零售业：从业人员9人<10人，属微型企业\n")


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--sector", "建筑业", "--revenue-wan", "9000"], "建筑业的划型需要资产总额（万元）"),
        (["--sector", "工业", "--employees", "-3", "--revenue-wan", "5"], "从业人员不能为负数，实际为-3人"),
        (["--sector", "制造业", "--employees", "3"], "未知的划型行业“制造业”"),
        (["--industry", "53", "--employees", "3", "--revenue-wan", "5"], "铁路运输业不在"),
        (["--industry", "99", "--employees", "3"], "GB/T 4754-2017 中没有大类“99”"),
        (["--industry", "59", "--employees", "3", "--revenue-wan", "5"], "要按中类划型"),
    ],
)
def test_size_errors_are_json_on_stdout_with_exit_2(capsys, argv, error):
    code, payload = run_json(capsys, "size", *argv)
    assert code == 2
    assert list(payload) == ["error"]
    assert error in payload["error"]


def test_size_error_without_json_goes_to_stderr(capsys):
    code, out, err = run(capsys, "size", "--sector", "建筑业", "--revenue-wan", "9000")
    assert (code, out) == (2, "")
    assert err == "错误：建筑业的划型需要资产总额（万元）\n"


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["size"],
        ["size", "--sector", "工业", "--industry", "3411"],
        ["size", "--sector", "工业", "--employees", "many"],
        ["size", "--sector", "工业", "--revenue-wan", "一千"],
        ["bogus"],
    ],
)
def test_usage_errors_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "usage: luoshi codes" in err


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "统一社会信用代码" in out


# ---------------------------------------------------------------- industry


def test_industry_lookup_json(capsys):
    assert run_json(capsys, "industry", "7020") == (
        0,
        {
            "code": "7020",
            "name": "物业管理",
            "level": "小类",
            "named_by_division": False,
            "section": {"code": "K", "name": "房地产业"},
            "division": {"code": "70", "name": "房地产业"},
            "industrial": False,
        },
    )


def test_industry_lookup_of_a_section_has_no_division(capsys):
    code, payload = run_json(capsys, "industry", "c")
    assert (code, payload["code"], payload["division"], payload["industrial"]) == (0, "C", None, True)


@pytest.mark.parametrize(
    ("query", "line"),
    [
        ("C", "C 制造业（门类，含大类13–43）"),
        ("34", "34 通用设备制造业（大类，门类C 制造业）"),
        ("7010", "7010 房地产开发经营（小类，属大类70 房地产业，门类K 房地产业）"),
        ("3411", "3411（小类，名称未收录；属大类34 通用设备制造业，门类C 制造业）"),
    ],
)
def test_industry_lookup_plain_line(capsys, query, line):
    assert run(capsys, "industry", query) == (0, line + "\n", "")


def test_industry_name_search_lists_matches(capsys):
    assert run(capsys, "industry", "物业") == (0, "702 物业管理（中类）\n7020 物业管理（小类）\n", "")
    code, payload = run_json(capsys, "industry", "物业")
    assert code == 0
    assert payload["query"] == "物业"
    assert [r["code"] for r in payload["results"]] == ["702", "7020"]


def test_industry_search_without_match_exits_1(capsys):
    assert run(capsys, "industry", "火星") == (1, "没有找到名称含“火星”的行业\n", "")
    assert run_json(capsys, "industry", "火星") == (1, {"query": "火星", "results": []})


def test_industry_unknown_code_exits_2(capsys):
    assert run_json(capsys, "industry", "98") == (
        2,
        {"error": "GB/T 4754-2017 中没有大类“98”，大类代码为01–97"},
    )
    code, out, err = run(capsys, "industry", "Z")
    assert (code, out) == (2, "")
    assert err.startswith("错误：GB/T 4754-2017 中没有门类“Z”")
