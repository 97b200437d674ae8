import json

import pytest

from luoshi.cli import main


def test_check_prints_the_sentence(capsys):
    assert main(["rules", "check", "industry in C and revenue >= 2000万元 and rd_ratio >= 3%"]) == 0
    assert (
        capsys.readouterr().out.strip()
        == "制造业企业，且上年度营业收入不低于2000万元，且研发费用占营业收入比重不低于3%"
    )


def test_check_points_at_the_error_and_exits_2(capsys):
    assert main(["rules", "check", "industry in C and\nrevenu >= 1"]) == 2
    err = capsys.readouterr().err
    assert "第2行第1列" in err
    assert "revenue（营业收入）" in err
    assert "^" in err
    assert main(["rules", "check", "--json", "rd_ratio >= 3"]) == 2
    assert json.loads(capsys.readouterr().out) == {
        "ok": False,
        "error": "研发费用占营业收入比重是百分比，请写成3%",
        "line": 1,
        "column": 13,
        "code": "type_mismatch",
    }


def test_eval_with_facts_gives_verdict_amount_trace_and_gap(tmp_path, capsys):
    facts = tmp_path / "facts.json"
    facts.write_text(
        json.dumps({"industry": "3911", "figures": {"2024": {"revenue": "2500", "rd_expense": "52.5"}}}), "utf-8"
    )
    rule = "industry in C and revenue >= 2000万元 and rd_ratio >= 3%"
    args = ["rules", "eval", rule, "--facts", str(facts), "--year", "2024", "--amount", "min(rd_expense * 10%, 50万元)"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "near_miss"
    assert out["amount"] is None
    assert [g["gap"] for g in out["gaps"]] == ["研发费用占营业收入比重2.1%，需≥3%"]
    assert len(out["checks"]) == 3
    assert main(args) == 0
    assert "差一项条件" in capsys.readouterr().out


def test_eval_refuses_malformed_facts(tmp_path, capsys):
    facts = tmp_path / "facts.json"
    facts.write_text("{not json", "utf-8")
    assert main(["rules", "eval", "industry in C", "--facts", str(facts)]) == 2
    assert "读取企业数据失败" in capsys.readouterr().err


@pytest.mark.django_db
def test_eval_and_simulate_read_the_registry(library, capsys):
    assert main(["rules", "eval", library.rd.rule, "--enterprise", library.a.uscc, "--year", "2024", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "eligible"
    assert (
        main(["rules", "simulate", library.rd.rule, "--amount", library.rd.amount_formula, "--year", "2024", "--json"])
        == 0
    )
    outcome = json.loads(capsys.readouterr().out)
    assert outcome["enterprises"] == 3
    assert outcome["variants"][0]["eligible"] == 1
    assert outcome["variants"][0]["cost"] == "120000.00"


def test_cases_runs_regulation_case_files(tmp_path, capsys):
    assert main(["rules", "cases", "tests/rules/cases/rd_subsidy.yaml", "tests/rules/cases/export_award.yaml"]) == 0
    out = capsys.readouterr().out
    assert "rd_subsidy.yaml：" in out
    assert "通过" in out
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "title: 错误的期望\nfigure_year: 2024\nrule: revenue >= 2000万元\nenterprises:\n"
        "  - name: 营收1000万\n    facts: {figures: {2024: {revenue: 1000}}}\n    expect: {verdict: eligible}\n",
        "utf-8",
    )
    assert main(["rules", "cases", str(wrong)]) == 1
    assert "✗ 营收1000万" in capsys.readouterr().out
