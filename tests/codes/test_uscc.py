import pytest

from luoshi.codes.uscc import CHARSET, UsccCheck, is_valid_uscc, uscc_check_char, validate_uscc

# Built for Yongchuan (500118) with both check characters computed; they cover
# an enterprise, an individual business, a cooperative, a social organisation,
# a public institution and the rural-collective prefix N.
GENERATED_VALID = [
    "91500118MA5U7XXX1J",
    "92500118MA5U7XXX1F",
    "93500118MA5U7XXX1C",
    "52500118MA5U7F3G2G",
    "12500118MA60XKQ16G",
    "N2500118MA5U7XXX1" + uscc_check_char("N2500118MA5U7XXX1"),
]

# Printed on the business licences of 华为技术有限公司 and 深圳市腾讯计算机系统有限公司.
REAL_VALID = ["914403001922038216", "91440300708461136T"]


@pytest.mark.parametrize("code", GENERATED_VALID + REAL_VALID)
def test_valid_codes_pass_with_an_empty_reason(code):
    assert validate_uscc(code) == UsccCheck(code=code, valid=True, reason="")
    assert is_valid_uscc(code)


def test_check_char_31_is_written_as_zero():
    assert uscc_check_char("91500118MA5U00150") == "0"
    assert is_valid_uscc("91500118MA5U001500")


@pytest.mark.parametrize(
    ("code", "org_check"),
    [("91500118MA5U0002X1", "X"), ("91500118MA5U00070C", "0")],
)
def test_organisation_check_of_10_and_11_is_written_as_x_and_zero(code, org_check):
    assert code[16] == org_check
    assert is_valid_uscc(code)


def test_input_is_stripped_and_upper_cased():
    check = validate_uscc("  91500118ma5u7xxx1j\n")
    assert check.code == "91500118MA5U7XXX1J"
    assert check.valid


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "代码为空，请输入18位统一社会信用代码"),
        ("   ", "代码为空，请输入18位统一社会信用代码"),
        ("91500118MA5U7XXX1", "长度应为18位，实际为17位"),
        ("91500118MA5U7XXX1JJ", "长度应为18位，实际为19位"),
    ],
)
def test_empty_or_wrong_length_codes_say_so(code, reason):
    assert validate_uscc(code) == UsccCheck(code=code.strip(), valid=False, reason=reason)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_each_excluded_letter_is_named_with_its_position(letter):
    code = "91500118MA5U7XX" + letter + "1J"
    reason = validate_uscc(code).reason
    assert reason.startswith(f"第16位含有不允许的字符“{letter}”")
    assert "不使用字母I、O、Z、S、V" in reason


@pytest.mark.parametrize("char", ["-", "中", "Ｘ", "_"])
def test_punctuation_and_full_width_characters_are_rejected(char):
    code = "9150011" + char + "MA5U7XXX1J"
    assert validate_uscc(code).reason == f"第8位含有不允许的字符“{char}”，只能使用数字和大写字母，请核对代码"


def test_unknown_registration_authority_is_rejected():
    code = "B1500118MA5U7XXX1" + uscc_check_char("B1500118MA5U7XXX1")
    assert validate_uscc(code).reason == "第1位登记管理部门代码不能是“B”，应为1–9、A、N或Y，请核对代码"


def test_area_code_must_be_six_digits():
    code = "9150011AMA5U7XXX1" + uscc_check_char("9150011AMA5U7XXX1")
    assert validate_uscc(code).reason == "第3–8位登记管理机关行政区划码应为6位数字，实际为“50011A”，请核对代码"


def test_wrong_check_char_names_the_expected_one():
    check = validate_uscc("91500118MA5U7XXX1B")
    assert not check.valid
    assert check.reason == "第18位校验码应为J，实际为B，请核对代码"


def test_every_single_character_typo_is_caught():
    valid = "91500118MA5U7XXX1J"
    for position in range(18):
        for char in CHARSET:
            if char != valid[position]:
                typo = valid[:position] + char + valid[position + 1 :]
                assert not is_valid_uscc(typo), typo


def test_a_code_with_a_bad_organisation_check_is_rejected_even_if_the_18th_fits():
    first17 = "91500118MA5U7XXX2"  # the organisation check should be 1
    code = first17 + uscc_check_char(first17)
    assert validate_uscc(code).reason == "第17位（组织机构代码校验码）应为1，实际为2，请核对第9–17位"


@pytest.mark.parametrize(
    ("first17", "message"),
    [
        ("91500118MA5U7XXX", "计算校验码需要前17位，实际为16位"),
        ("91500118MA5U7XXXI", "第17位含有不允许的字符“I”"),
    ],
)
def test_check_char_needs_seventeen_allowed_characters(first17, message):
    with pytest.raises(ValueError, match=message):
        uscc_check_char(first17)
