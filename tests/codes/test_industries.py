import json
from importlib import resources

import pytest

from luoshi.codes import industries
from luoshi.codes.industries import (
    Industry,
    UnknownIndustry,
    division,
    is_industrial,
    lookup,
    search,
    section_of,
    sections,
)

SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def test_data_file_ships_inside_the_package_with_its_source():
    raw = resources.files("luoshi.codes.data").joinpath("gbt4754_2017.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert "GB/T 4754-2017" in data["source"]["standard"]


def test_catalogue_is_loaded_once():
    assert industries._catalogue() is industries._catalogue()


def test_there_are_20_sections_and_97_contiguous_divisions():
    assert [s.code for s in sections()] == list("ABCDEFGHIJKLMNOPQRST")
    all_divisions = [d for s in sections() for d in s.divisions]
    assert all_divisions == [f"{n:02d}" for n in range(1, 98)]


@pytest.mark.parametrize(("letter", "span"), SECTION_RANGES.items())
def test_each_section_holds_its_division_range(letter, span):
    first, last = span
    assert section_of(letter).divisions == tuple(f"{n:02d}" for n in range(first, last + 1))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("A", "农、林、牧、渔业"),
        ("D", "电力、热力、燃气及水生产和供应业"),
        ("I", "信息传输、软件和信息技术服务业"),
        ("S", "公共管理、社会保障和社会组织"),
        ("01", "农业"),
        ("05", "农、林、牧、渔专业及辅助性活动"),
        ("11", "开采专业及辅助性活动"),
        ("25", "石油、煤炭及其他燃料加工业"),
        ("36", "汽车制造业"),
        ("43", "金属制品、机械和设备修理业"),
        ("46", "水的生产和供应业"),
        ("47", "房屋建筑业"),
        ("50", "建筑装饰、装修和其他建筑业"),
        ("51", "批发业"),
        ("52", "零售业"),
        ("53", "铁路运输业"),
        ("54", "道路运输业"),
        ("58", "多式联运和运输代理业"),
        ("59", "装卸搬运和仓储业"),
        ("60", "邮政业"),
        ("61", "住宿业"),
        ("62", "餐饮业"),
        ("63", "电信、广播电视和卫星传输服务"),
        ("64", "互联网和相关服务"),
        ("65", "软件和信息技术服务业"),
        ("66", "货币金融服务"),
        ("70", "房地产业"),
        ("71", "租赁业"),
        ("72", "商务服务业"),
        ("73", "研究和试验发展"),
        ("77", "生态保护和环境治理业"),
        ("79", "土地管理业"),
        ("81", "机动车、电子产品和日用产品修理业"),
        ("83", "教育"),
        ("85", "社会工作"),
        ("87", "广播、电视、电影和录音制作业"),
        ("96", "基层群众自治组织及其他组织"),
        ("97", "国际组织"),
    ],
)
def test_official_names(code, name):
    assert lookup(code).name == name


@pytest.mark.parametrize("code", ["C", "c", "34", "341", "3411", "C3411", " c341 "])
def test_section_of_accepts_every_level_and_a_section_prefix(code):
    assert section_of(code).code == "C"
    assert section_of(code).name == "制造业"


def test_lookup_reports_the_level_of_each_code():
    assert [lookup(code).level for code in ("K", "70", "702", "7020")] == ["门类", "大类", "中类", "小类"]


def test_unlisted_groups_and_classes_carry_their_divisions_name():
    assert lookup("3411") == Industry(
        code="3411", name="通用设备制造业", level="小类", section="C", division="34", named_by_division=True
    )


@pytest.mark.parametrize(
    ("code", "name"),
    [("591", "装卸搬运"), ("5920", "通用仓储"), ("5942", "危险化学品仓储"), ("7010", "房地产开发经营")],
)
def test_groups_and_classes_the_size_rules_need_have_their_own_names(code, name):
    industry = lookup(code)
    assert industry.name == name
    assert not industry.named_by_division


def test_division_of_a_class():
    assert division("7020").name == "房地产业"
    assert division("7020").section == "K"


def test_division_of_a_section_is_refused():
    with pytest.raises(UnknownIndustry, match="门类“C”下有多个大类"):
        division("C")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("00", "没有大类“00”，大类代码为01–97"),
        ("98", "没有大类“98”，大类代码为01–97"),
        ("9901", "没有大类“99”"),
        ("U", "没有门类“U”，门类代码为A–T"),
        ("1", "格式不对"),
        ("34111", "格式不对"),
        ("", "格式不对"),
        ("３４", "格式不对"),
        ("D3411", "大类34属于门类C，不是D"),
        ("597", "大类59“装卸搬运和仓储业”中没有中类“597”，可选：591、592、593、594、595、596、599"),
        ("5943", "中没有小类“5943”"),
        ("7050", "大类70“房地产业”中没有小类“7050”"),
    ],
)
def test_codes_the_standard_lacks_raise_unknown_industry(code, message):
    with pytest.raises(UnknownIndustry, match=message):
        lookup(code)


def test_unknown_industry_is_a_value_error():
    assert issubclass(UnknownIndustry, ValueError)


def test_search_finds_sections_divisions_and_listed_details_in_order():
    assert [i.code for i in search("物业")] == ["702", "7020"]
    assert [i.code for i in search("运输")][:4] == ["37", "G", "53", "54"]
    assert [i.code for i in search("  零售  ")] == ["F", "52"]


def test_search_without_a_match_or_fragment_finds_nothing():
    assert search("火星") == []
    assert search("  ") == []


@pytest.mark.parametrize("code", ["B", "06", "3411", "46"])
def test_mining_manufacturing_and_utilities_are_industrial(code):
    assert is_industrial(code)


@pytest.mark.parametrize("code", ["A", "05", "47", "4710", "51", "70"])
def test_other_sections_are_not_industrial(code):
    assert not is_industrial(code)


def test_is_industrial_rejects_unknown_codes():
    with pytest.raises(UnknownIndustry):
        is_industrial("99")
