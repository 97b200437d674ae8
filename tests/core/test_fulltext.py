"""Chinese full-text search: the same tests run on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection, migrations
from django.utils.safestring import SafeString

from luoshi.core.fulltext import FullTextIndex, Hit, highlight, query_tokens, tokenize

POLICIES = [
    (1, "专精特新中小企业奖励办法", "对新认定的国家级专精特新“小巨人”企业给予一次性奖励50万元。"),
    (2, "研发投入补助实施细则", "企业年度研发投入增长部分按10%给予补助，单个企业最高补助200万元。"),
    (3, "以旧换新消费补贴活动方案", "个人消费者购买新能源汽车、家电等商品并交售旧家电的，给予消费补贴。"),
    (4, "城市更新项目支持政策", "对纳入城市更新计划的老旧小区改造、街区更新项目给予资金支持。"),
    (5, "稳岗补贴申领指南", "不裁员或少裁员的参保企业可申领稳岗补贴，返还上年度失业保险费的50%。"),
    (6, "中小企业融资担保贴息", "对专精特新中小企业获得的银行贷款给予贴息，降低融资成本。"),
    (7, "数字化转型示范项目奖励", "对获评数字化车间、智能工厂的企业给予奖励。"),
    (8, "高新技术企业认定奖励", "首次通过高新技术企业认定的，给予一次性奖励20万元。"),
    (9, "人才引进安家补贴", "引进高层次人才给予安家补贴，最高100万元。"),
    (10, "5G网络建设补助", "支持基站建设，COVID-19期间减免租金。"),
]
CLAUSES = [(101, "第三条", "研发投入补助资金按季度拨付。"), (102, "第五条", "稳岗补贴不得重复申领。")]


@pytest.fixture
def index(db):
    """A policy index, created and dropped through its own migration operations."""
    search = FullTextIndex("test_fulltext_search")
    (operation,) = search.operations()
    schema_editor = SimpleNamespace(connection=connection)
    operation.code(None, schema_editor)
    for object_id, title, body in POLICIES:
        search.replace("document", object_id, title=title, body=body)
    for object_id, title, body in CLAUSES:
        search.replace("clause", object_id, title=title, body=body)
    yield search
    operation.reverse_code(None, schema_editor)


def ids(hits: list[Hit], kind: str = "document") -> list[int]:
    return [hit.object_id for hit in hits if hit.kind == kind]


def test_the_migration_operation_is_reversible():
    (operation,) = FullTextIndex("policies_search").operations()
    assert isinstance(operation, migrations.RunPython)
    assert operation.reversible


def test_the_storage_suits_the_database(index):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index.table])
            assert "fts5" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [index.table])
            assert any("gin" in indexdef for (indexdef,) in cursor.fetchall())


def test_it_refuses_a_table_name_that_is_not_a_plain_identifier():
    with pytest.raises(ValueError, match="table name"):
        FullTextIndex('policies"; drop table x; --')


def test_tokens_are_words_without_punctuation_and_latin_is_lowercased():
    expected = ["专精", "特新", "中小", "企业", "小企业", "中小企业", "covid", "19"]
    assert tokenize("专精特新中小企业，COVID-19！") == expected
    assert tokenize("  ，。！ ") == []


def test_a_title_match_ranks_above_a_body_match(index):
    hits = index.search("专精特新")
    assert ids(hits) == [1, 6]
    assert hits[0].score > hits[1].score > 0


def test_all_words_must_match_when_some_document_has_them_all(index):
    assert ids(index.search("研发投入 补助")) == [2]
    assert ids(index.search("研发投入补助", kinds=["clause"]), "clause") == [101]


def test_any_word_matches_when_no_document_has_them_all(index):
    assert sorted(ids(index.search("稳岗 安家", kinds=["document"]))) == [5, 9]


def test_a_longer_word_in_the_text_is_found_by_a_shorter_query(index):
    assert 6 in ids(index.search("小企业"))
    assert ids(index.search("城市更新")) == [4]


def test_latin_and_digits_match_whatever_their_case(index):
    assert ids(index.search("5g")) == [10]
    assert ids(index.search("Covid")) == [10]


def test_kinds_restrict_the_results(index):
    hits = index.search("稳岗补贴", kinds=["clause"])
    assert [(hit.kind, hit.object_id) for hit in hits] == [("clause", 102)]
    assert {hit.kind for hit in index.search("稳岗补贴")} == {"document", "clause"}
    assert index.search("稳岗补贴", kinds=[]) == []


def test_limit_caps_the_results(index):
    assert len(index.search("奖励 补贴 补助", limit=2)) == 2


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "，。！？"])
def test_an_empty_query_finds_nothing(index, query):
    assert index.search(query) == []


def test_replace_is_idempotent_and_forgets_the_old_text(index):
    for _ in range(2):
        index.replace("document", 3, title="家电以旧换新补贴", body="交售旧家电的，给予补贴。")
    assert ids(index.search("以旧换新")) == [3]
    assert index.search("新能源汽车") == []


def test_delete_removes_an_entry_and_may_be_repeated(index):
    index.delete("document", 5)
    index.delete("document", 5)
    assert ids(index.search("稳岗补贴")) == []
    assert ids(index.search("稳岗补贴"), "clause") == [102]


def test_rebuild_replaces_one_kind_and_leaves_the_others(index):
    clauses = [("clause", n, f"第{n}条", f"城市更新项目第{n}批资金支持。") for n in range(1, 2001)]
    assert index.rebuild([*clauses, ("clause", 7, "第七条", "稳岗补贴按月发放。")], kinds=["clause"]) == 2000
    assert len(index.search("城市更新", kinds=["clause"], limit=5000)) == 1999
    assert ids(index.search("研发投入"), "clause") == []  # the old clause 101 is gone
    assert ids(index.search("稳岗补贴"), "clause") == [7]
    assert ids(index.search("研发投入")) == [2]  # documents untouched


def test_rebuild_refuses_entries_outside_its_kinds(index):
    with pytest.raises(ValueError, match="outside"):
        index.rebuild([("document", 1, "标题", "正文")], kinds=["clause"])


@pytest.mark.parametrize(
    "query",
    [
        '" OR 1=1 --',
        "*",
        "NEAR(",
        "'; drop table test_fulltext_search; --",
        '"稳岗补贴"',
        "AND",
        "补贴 OR",
        "-补贴",
        "title:补贴",
        "(补贴",
        "补贴*",
        "稳岗 & | ! 补贴",
        "\\",
        "\x00补贴",
        "a" * 5000,
    ],
)
def test_hostile_queries_never_raise_or_inject(index, query):
    assert isinstance(index.search(query), list)
    assert ids(index.search("研发投入")) == [2]  # the table is still there and intact


def test_query_tokens_keep_no_syntax():
    assert query_tokens('专精特新 "OR 1=1 -- NEAR(*)') == ["专精", "特新", "or", "1", "near"]


def test_highlight_escapes_html_and_marks_query_words():
    html = highlight("<script>alert(1)</script>稳岗补贴申领，补贴按月发放", "稳岗补贴")
    assert isinstance(html, SafeString)
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>稳岗补贴</mark>申领，<mark>补贴</mark>按月发放"


def test_highlight_never_lets_markup_through_the_query():
    html = highlight('稳岗补贴 <img src=x onerror="alert(1)">', '<img src=x onerror="alert(1)"> 补贴')
    assert "<img" not in html
    assert "<mark>补贴</mark>" in html


def test_the_index_offers_tokenize_and_highlight_too(index):
    assert index.tokenize("稳岗补贴") == tokenize("稳岗补贴")
    assert index.highlight("稳岗补贴", "补贴") == "稳岗<mark>补贴</mark>"


def test_highlight_centres_on_the_first_match_and_marks_cut_ends():
    text = "前言" * 100 + "对专精特新企业给予奖励" + "附则" * 100
    html = highlight(text, "专精特新", width=40)
    assert html.startswith("…")
    assert html.endswith("…")
    assert "对<mark>专精特新</mark>企业" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) == 42


def test_highlight_without_a_match_shows_the_beginning():
    assert highlight("稳岗补贴申领指南" * 20, "安家", width=8) == "稳岗补贴申领指南…"
    assert highlight("短文 & 说明", "") == "短文 &amp; 说明"
