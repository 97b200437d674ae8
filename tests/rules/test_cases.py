from pathlib import Path

import pytest

from luoshi.rules import CaseFile, RuleError, load_case_file, run_case_file

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def test_there_are_case_files_for_several_policies():
    assert len(CASES) >= 4


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_regulation_cases_pass(path):
    case_file = load_case_file(path)
    assert isinstance(case_file, CaseFile)
    assert case_file.title
    assert case_file.cases
    failures = [f"{r.name}：{r.message}" for r in run_case_file(case_file) if not r.passed]
    assert not failures, "\n".join(failures)


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_expectation_fails_with_a_chinese_message(tmp_path):
    path = write(
        tmp_path,
        """
title: 测试
figure_year: 2024
rule: rd_ratio >= 3%
amount: rd_expense * 10%
enterprises:
  - name: 甲
    facts: {figures: {2024: {revenue: 1000, rd_expense: 20}}}
    expect: {verdict: eligible, amount: 1}
  - name: 乙
    facts: {figures: {2024: {revenue: 1000, rd_expense: 30}}}
    expect: {verdict: eligible, amount: 1}
  - name: 丙
    facts: {figures: {2024: {revenue: 1000, rd_expense: 20}}}
    expect: {verdict: near_miss, gap: 差一点}
""",
    )
    results = run_case_file(path)
    assert [r.passed for r in results] == [False, False, False]
    assert results[0].message == "预期符合条件，实际差一项；预期金额1.00元，实际无"
    assert results[1].message == "预期金额1.00元，实际30000.00元"
    assert results[2].message == "预期差距“差一点”，实际“研发费用占营业收入比重2%，需≥3%”"


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("[1, 2]", "bad_case", "映射"),
        ("title: x\nfigure_year: 2024\nenterprises: [{expect: eligible}]", "bad_case", "缺少字段“rule”"),
        (
            "title: x\nfigure_year: 2024\nrule: revenu > 1\nenterprises: [{expect: eligible}]",
            "unknown_variable",
            "规则有误",
        ),
        ("title: x\nfigure_year: 2024\nrule: revenue > 1\nenterprises: [{expect: maybe}]", "bad_case", "预期结论"),
        (
            "title: x\nfigure_year: 2024\nrule: revenue > 1\nenterprises: [{facts: {size: 巨型}, expect: eligible}]",
            "bad_case",
            "企业规模“巨型”无效",
        ),
        (
            "title: x\nfigure_year: 二〇二四\nrule: revenue > 1\nenterprises: [{expect: eligible}]",
            "bad_case",
            "figure_year",
        ),
        ("title: [unclosed", "bad_case", "无法读取"),
    ],
)
def test_a_bad_case_file_is_refused_with_a_chinese_message(tmp_path, text, code, fragment):
    with pytest.raises(RuleError) as info:
        load_case_file(write(tmp_path, text))
    assert info.value.code == code
    assert fragment in info.value.message
