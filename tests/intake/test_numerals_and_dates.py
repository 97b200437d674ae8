"""Chinese numerals and dates as documents write them."""

import pytest

from luoshi.intake import parse_text, read_number
from luoshi.intake.dates import document_year, find_dates


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("七点五", 7.5),
        ("两千", 2000),
        ("一百二十", 120),
        ("百亿", 10_000_000_000),
        ("十", 10),
        ("二十八万", 280_000),
        ("一千万", 10_000_000),
        ("三十万零五百", 300_500),
        ("1,850", 1850),
        ("1.2万", 12_000),
        ("156.8", 156.8),
        ("零点五", 0.5),
    ],
)
def test_it_reads_numbers_in_arabic_and_chinese(text, value):
    assert read_number(text) == value


@pytest.mark.parametrize("text", ["", "万", "点五", "abc", "一点"])
def test_it_refuses_what_is_not_a_number(text):
    assert read_number(text) is None


def test_chinese_numerals_in_targets_and_money_are_read_in_their_units():
    r = parse_text("2025年，全区要确保规上工业增加值增长百分之七点五，帮助两千余名高校毕业生实现就业，打造百亿级商圈，"
                   "数字经济营业收入突破一百二十亿元。")  # fmt: skip
    values = {(t.value, t.unit) for t in r.targets}
    assert (7.5, "%") in values
    assert (2000, "名") in values
    assert (120, "亿元") in values
    money = {m.text: m.value for m in r.money}
    assert money["百亿级"] == 10_000_000_000
    assert money["一百二十亿元"] == 12_000_000_000


def test_relative_dates_resolve_against_the_documents_year():
    found = {
        text: iso for _, _, text, iso in find_dates("今年、明年、去年、上半年、三季度、年底前、6月中旬、10月底", 2025)
    }
    assert found == {
        "今年": "2025",
        "明年": "2026",
        "去年": "2024",
        "上半年": "2025-06-30",
        "三季度": "2025-09-30",
        "年底": "2025-12-31",
        "6月中旬": "2025-06-20",
        "10月底": "2025-10-31",
    }


def test_recurring_and_durations_are_not_dates():
    assert find_dates("每月底报送，每季度通报，每年4月申报，满6个月，三年内有效", 2025) == []


def test_an_invalid_day_is_kept_without_a_date():
    assert find_dates("2025年2月30日", 2025)[0][3] is None


def test_the_documents_year_is_that_of_its_first_full_date_else_the_most_named():
    assert document_year("区政府召开常务会议\n2024年12月30日，会议部署2025年、2025年工作") == 2024
    assert document_year("2025年工作要点：2025年……2024年") == 2025
    assert document_year("没有年份") is None


def test_relative_dates_follow_a_meeting_held_the_year_before():
    r = parse_text("2024年12月30日，区委召开经济工作会议，部署明年工作，要求年底前完成清单。")
    assert [(d.text, d.date) for d in r.dates] == [
        ("2024年12月30日", "2024-12-30"),
        ("明年", "2025"),
        ("年底", "2024-12-31"),
    ]
