from datetime import date, timedelta
from decimal import Decimal

import pytest

from luoshi.enterprises import services as enterprise_services
from luoshi.org.choices import Role
from luoshi.policies import services
from luoshi.policies.choices import BenefitType, ClauseStatus, DocumentStatus, Level, WindowKind
from tests.enterprises.fixtures import make_uscc
from tests.factories import make_user

TODAY = date(2025, 6, 10)


@pytest.fixture
def library(enterprises):
    """A small policy library on top of the ``enterprises`` world.

    - ``reviewer`` (政策审核员 of 区经信委) keeps ``measure`` (a district measure of 区经信委) and
      the national ``upper`` document; ``swj_reviewer`` (of 区商务委) keeps ``trade`` and cannot touch
      区经信委's documents.
    - ``measure`` has a published clause ``rd`` (制造业 + 营业收入≥2000万元 + 研发占比≥3%, 10% up to 50万元)
      open from 2025-06-01 to 2025-06-13, and a draft clause ``draft``.
    - Enterprise ``a`` (3411, 2024: 营收2500万, 研发120万 = 4.8%) qualifies; ``b`` (零售) does not; a third
      enterprise ``c`` (3411, 研发60万 of 2500万 = 2.4%) is a near miss.
    """
    w = enterprises
    w.reviewer = make_user("reviewer", grants=[(Role.REVIEWER, w.jxw)])
    w.swj_reviewer = make_user("swj_reviewer", grants=[(Role.REVIEWER, w.swj)])
    w.upper = services.create_document(
        w.admin,
        title="优质中小企业梯度培育管理暂行办法",
        doc_number="工信部企业〔2022〕63号",
        issuer="工业和信息化部",
        issuer_unit=w.jxw,
        level=Level.NATIONAL,
        status=DocumentStatus.PUBLISHED,
        published_on=date(2022, 6, 1),
        full_text="专精特新中小企业：研发费用占营业收入比重不低于3%。",
    )
    w.measure = services.create_document(
        w.reviewer,
        title="永川区支持专精特新企业发展若干措施",
        issuer="区经信委",
        issuer_unit=w.jxw,
        level=Level.DISTRICT,
        status=DocumentStatus.PUBLISHED,
        published_on=date(2025, 3, 1),
        summary="研发投入补助、梯度培育奖励。",
    )
    w.trade = services.create_document(
        w.swj_reviewer,
        title="永川区消费品以旧换新支持措施",
        issuer="区商务委",
        issuer_unit=w.swj,
        level=Level.DISTRICT,
        status=DocumentStatus.DRAFT,
        summary="以旧换新销售增长奖励。",
    )
    w.rd = services.create_clause(
        w.reviewer,
        w.measure,
        number="第二条",
        title="研发投入补助",
        benefit_type=BenefitType.SUBSIDY,
        department=w.jxw,
        window_kind=WindowKind.DATES,
        opens_on=date(2025, 6, 1),
        closes_on=date(2025, 6, 13),
        budget=Decimal("1000000"),
        rule="industry in C and revenue >= 2000万元 and rd_ratio >= 3%",
        amount_formula="min(rd_expense * 10%, 50万元)",
        figure_year=2024,
        status=ClauseStatus.PUBLISHED,
    )
    w.draft = services.create_clause(
        w.reviewer,
        w.measure,
        title="首台套奖励（草稿）",
        benefit_type=BenefitType.REWARD,
        rule="industry in C",
    )
    w.c = enterprise_services.register_enterprise(
        w.supervisor, uscc=make_uscc("MA5U7C03"), name="重庆丙企业有限公司", industry_code="3411", town=w.zsl
    )
    enterprise_services.record_figures(
        w.supervisor, w.c, year=2024, revenue=Decimal("2500"), rd_expense=Decimal("60"), employees=80
    )
    w.today = TODAY
    w.later = TODAY + timedelta(days=30)
    return w
