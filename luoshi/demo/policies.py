"""Demo policy library: national and municipal policies in the genre, the district's measures
that implement them, their clauses written as rules, and a saved simulation.

The upper-level documents are real in kind and name (the MIIT's 2022 优质中小企业梯度培育管理
暂行办法, the national 以旧换新 action plan); their conditions are encoded from the published
criteria, simplified where a criterion needs data the registry does not hold (patents, market
share), and the demo says so in each summary. The district measures follow the seed's package
names (“专精特新6条”, consumption trade-in, urban renewal); their wording, amounts and budgets
are invented. Windows are dated from today, so the library always has clauses open now, one
opening within a few working days and one closing soon.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.org.models import User
from luoshi.org.queries import find_unit
from luoshi.policies import services, simulation
from luoshi.policies.choices import BenefitType, ClauseStatus, DocumentStatus, Level, Mode, WindowKind
from luoshi.policies.models import Clause, PolicyDocument
from luoshi.tracking import calendar

ZJTX = "市级专精特新"
XIAOJUREN = "国家级专精特新“小巨人”"


def _exists() -> bool:
    return PolicyDocument.objects.filter(title__startswith="永川区支持专精特新").exists()


def _clause(document, actor, **fields):
    fields.setdefault("status", ClauseStatus.PUBLISHED)
    return services.create_clause(actor, document, **fields)


@transaction.atomic
def load() -> str:
    if _exists():
        return "已存在，跳过"
    # Publishing a clause starts its matching after the commit; the redemption step matches
    # everything itself, so those callbacks (and the mails they would print) are dropped here.
    mark = len(connection.run_on_commit)
    today = timezone.localdate()
    cal = calendar.current()
    year = today.year
    jxw, swj, zjw = find_unit("区经信委"), find_unit("区商务委"), find_unit("区住房城乡建委")
    reviewer = User.objects.filter(username="shenhe").first() or SYSTEM
    actor = SYSTEM

    # --- national and municipal ---------------------------------------------------------------
    miit = services.create_document(
        actor,
        title="优质中小企业梯度培育管理暂行办法",
        doc_number="工信部企业〔2022〕63号",
        issuer="工业和信息化部",
        issuer_unit=jxw,
        level=Level.NATIONAL,
        status=DocumentStatus.PUBLISHED,
        published_on=date(2022, 6, 1),
        effective_on=date(2022, 8, 1),
        summary="创新型中小企业、专精特新中小企业、专精特新“小巨人”企业三个梯度的认定条件与培育管理。"
        "演示数据按公开的认定条件编码，其中专利、细分市场占有率等平台未采集的指标未纳入规则。",
        full_text="第一章 总则\n为提升中小企业创新能力和专业化水平，分层分类培育优质中小企业。\n"
        "第二章 评价和认定\n专精特新中小企业：从事特定细分市场时间达到2年以上；上年度研发费用总额不低于100万元，"
        "且占营业收入总额比重不低于3%；上年度营业收入总额在1000万元以上。\n"
        "专精特新“小巨人”企业：在专精特新中小企业基础上，上年度营业收入1亿元以上的企业，"
        "近2年研发费用总额占营业收入总额比重不低于3%。\n第三章 动态管理\n认定有效期三年，期满复核。",
    )
    _clause(
        miit,
        actor,
        number="第十条",
        title="专精特新中小企业认定条件",
        benefit_type=BenefitType.QUALIFICATION,
        window_kind=WindowKind.ROLLING,
        department=jxw,
        rule='size in ["中型", "小型", "微型"] and age >= 2 and rd_expense >= 100万元 and rd_ratio >= 3% '
        "and revenue >= 1000万元",
        text="从事特定细分市场2年以上，上年度研发费用不低于100万元且占营业收入比重不低于3%，营业收入1000万元以上。",
    )
    _clause(
        miit,
        actor,
        number="第十一条",
        title="专精特新“小巨人”企业认定条件",
        benefit_type=BenefitType.QUALIFICATION,
        window_kind=WindowKind.ROLLING,
        department=jxw,
        rule=f'tags has "{ZJTX}" and revenue >= 1亿元 and rd_ratio >= 3% and rd_ratio[-1] >= 3%',
        text="在专精特新中小企业基础上，上年度营业收入1亿元以上，近两年研发费用占营业收入比重均不低于3%。",
    )
    tradein = services.create_document(
        actor,
        title="推动消费品以旧换新行动方案",
        doc_number="国发〔2024〕7号配套",
        issuer="商务部等部门",
        issuer_unit=swj,
        level=Level.NATIONAL,
        status=DocumentStatus.PUBLISHED,
        published_on=date(2024, 4, 12),
        effective_on=date(2024, 4, 12),
        summary="支持汽车、家电、家装厨卫等消费品以旧换新，完善回收网络，发挥流通企业带动作用。",
        full_text="一、开展汽车以旧换新。二、开展家电产品以旧换新。三、推动家装厨卫“焕新”。"
        "四、完善回收体系，支持流通企业开展以旧换新促销活动，各地可结合实际安排配套资金。",
    )
    municipal = services.create_document(
        actor,
        title="重庆市促进专精特新中小企业高质量发展若干措施",
        doc_number="渝经信发〔2023〕演示",
        issuer="重庆市经济和信息化委员会",
        issuer_unit=jxw,
        level=Level.MUNICIPAL,
        status=DocumentStatus.PUBLISHED,
        published_on=date(2023, 5, 20),
        effective_on=date(2023, 6, 1),
        expires_on=date(year + 1, 5, 31),
        summary="市级层面对专精特新企业的梯度培育、研发投入、融资和人才支持；区县配套落实。",
        full_text="一、梯度培育。二、研发投入支持：对研发投入强度达到一定水平的企业给予补助，区县配套。"
        "三、融资支持。四、人才支持。",
    )
    renewal_city = services.create_document(
        actor,
        title="重庆市城市更新提升行动若干政策措施",
        doc_number="渝府办发〔2024〕演示",
        issuer="重庆市人民政府办公厅",
        issuer_unit=zjw,
        level=Level.MUNICIPAL,
        status=DocumentStatus.PUBLISHED,
        published_on=date(2024, 3, 8),
        effective_on=date(2024, 3, 8),
        summary="老旧小区改造、完整社区建设、城市更新项目储备与融资支持。",
        full_text="一、强化项目谋划储备。二、支持社会资本参与。三、对城市更新项目贷款给予贴息。四、加强后续管理。",
    )

    # --- district measures ---------------------------------------------------------------------
    six = services.create_document(
        reviewer,
        title=f"永川区支持专精特新企业高质量发展“6条”措施（{year}年版）",
        doc_number=f"永经信发〔{year}〕12号",
        issuer="重庆市永川区经济和信息化委员会",
        issuer_unit=jxw,
        level=Level.DISTRICT,
        status=DocumentStatus.PUBLISHED,
        published_on=date(year, 3, 15),
        effective_on=date(year, 3, 15),
        expires_on=date(year + 2, 12, 31),
        summary="梯度培育奖励、研发投入补助、升规奖励、增长奖励、融资贴息和服务保障六条措施。",
        full_text="第一条 梯度培育奖励。第二条 研发投入补助。第三条 首次升规奖励。第四条 增长奖励。"
        "第五条 融资贴息。第六条 服务保障：一企一专员、政策体检、免申即享。",
    )
    opens_soon = cal.add_workdays(today, 3)
    closes_soon = cal.add_workdays(today, 4)
    c_giant = _clause(
        six,
        reviewer,
        number="第一条（一）",
        position=1,
        title="新认定国家级专精特新“小巨人”企业奖励",
        benefit_type=BenefitType.REWARD,
        mode=Mode.APPLY,
        department=jxw,
        window_kind=WindowKind.DATES,
        opens_on=opens_soon,
        closes_on=cal.add_workdays(opens_soon, 20),
        budget=Decimal("2000000"),
        rule=f'tags has "{XIAOJUREN}"',
        amount_formula="50万元",
        text="对新认定的国家级专精特新“小巨人”企业，一次性奖励50万元。",
        materials="申报表\n认定文件复印件\n营业执照",
    )
    c_zjtx = _clause(
        six,
        reviewer,
        number="第一条（二）",
        position=2,
        title="市级专精特新中小企业奖励",
        benefit_type=BenefitType.REWARD,
        mode=Mode.AUTOMATIC,
        department=jxw,
        window_kind=WindowKind.ROLLING,
        budget=Decimal("3000000"),
        rule=f'tags has "{ZJTX}"',
        amount_formula="10万元",
        text="对认定的市级专精特新中小企业，一次性奖励10万元，免申即享。",
    )
    c_rd = _clause(
        six,
        reviewer,
        number="第二条",
        position=3,
        title="研发投入补助",
        benefit_type=BenefitType.SUBSIDY,
        mode=Mode.APPLY,
        department=jxw,
        window_kind=WindowKind.DATES,
        opens_on=today - timedelta(days=20),
        closes_on=closes_soon,
        budget=Decimal("30000000"),
        rule="industry in C and revenue >= 2000万元 and rd_ratio >= 3%",
        amount_formula="min(rd_expense * 10%, 50万元)",
        text="制造业企业上年度营业收入2000万元以上、研发费用占营业收入比重3%以上的，按研发费用的10%给予补助，最高50万元。",
        materials="申报表\n上年度研发费用专项审计报告\n财务报表",
    )
    _clause(
        six,
        reviewer,
        number="第三条",
        position=4,
        title="首次升规工业企业奖励",
        benefit_type=BenefitType.REWARD,
        mode=Mode.AUTOMATIC,
        department=jxw,
        window_kind=WindowKind.ROLLING,
        budget=Decimal("1500000"),
        rule="industry in [B, C, D] and revenue >= 2000万元 and revenue[-1] < 2000万元",
        amount_formula="20万元",
        text="工业企业上年度首次达到规模以上标准（营业收入2000万元）的，奖励20万元。",
    )
    _clause(
        six,
        reviewer,
        number="第四条",
        position=5,
        title="规上工业企业增长奖励",
        benefit_type=BenefitType.REWARD,
        mode=Mode.APPLY,
        department=jxw,
        window_kind=WindowKind.DATES,
        opens_on=date(year, 4, 1),
        closes_on=date(year, 5, 31),
        budget=Decimal("2000000"),
        rule="above_scale and industry in C and revenue_growth >= 15%",
        amount_formula="min((revenue - revenue[-1]) * 1%, 30万元)",
        text="规上制造业企业营业收入增长15%以上的，按新增营业收入的1%给予奖励，最高30万元。",
    )
    _clause(
        six,
        reviewer,
        number="第五条",
        position=6,
        title="专精特新企业融资贴息",
        benefit_type=BenefitType.INTEREST,
        mode=Mode.APPLY,
        department=find_unit("区财政局"),
        window_kind=WindowKind.ROLLING,
        budget=Decimal("1000000"),
        rule=f'(tags has "{ZJTX}" or tags has "{XIAOJUREN}") and tax_paid >= 50万元',
        amount_formula="min(revenue * 0.05%, 20万元)",
        text="专精特新企业上年度纳税50万元以上的，对其新增流动资金贷款给予贴息，最高20万元。",
    )
    consumption = services.create_document(
        actor,
        title=f"永川区消费品以旧换新支持措施（{year}年）",
        doc_number=f"永商务发〔{year}〕8号",
        issuer="重庆市永川区商务委员会",
        issuer_unit=swj,
        level=Level.DISTRICT,
        status=DocumentStatus.PUBLISHED,
        published_on=date(year, 2, 20),
        effective_on=date(year, 3, 1),
        expires_on=date(year, 12, 31),
        summary="支持商贸流通企业开展以旧换新促销，按销售增长给予奖励。",
        full_text="一、对开展以旧换新活动的限额以上批发零售企业，销售额增长10%以上的给予奖励。二、支持回收网络建设。",
    )
    c_trade = _clause(
        consumption,
        actor,
        number="第一条",
        title="以旧换新销售增长奖励",
        benefit_type=BenefitType.REWARD,
        mode=Mode.APPLY,
        department=swj,
        window_kind=WindowKind.DATES,
        opens_on=today - timedelta(days=40),
        closes_on=today + timedelta(days=30),
        budget=Decimal("1200000"),
        rule="industry in F and revenue >= 500万元 and revenue_growth >= 10%",
        amount_formula="min((revenue - revenue[-1]) * 2%, 20万元)",
        text="限额以上批发零售企业营业额增长10%以上的，按新增营业额的2%奖励，最高20万元。",
    )
    renewal = services.create_document(
        actor,
        title="永川区支持城市更新项目实施办法",
        doc_number=f"永住建发〔{year}〕5号",
        issuer="重庆市永川区住房和城乡建设委员会",
        issuer_unit=zjw,
        level=Level.DISTRICT,
        status=DocumentStatus.PUBLISHED,
        published_on=date(year, 4, 10),
        effective_on=date(year, 4, 10),
        summary="对参与城市更新项目的建筑业企业和物业服务企业给予贴息和运营补助。",
        full_text="一、建筑业企业承接城市更新项目的，对项目贷款给予贴息。二、物业服务企业承接改造后小区管理的，给予运营补助。",
    )
    _clause(
        renewal,
        actor,
        number="第一条",
        title="城市更新项目贷款贴息",
        benefit_type=BenefitType.INTEREST,
        department=zjw,
        window_kind=WindowKind.ROLLING,
        budget=Decimal("3000000"),
        rule="industry in E and revenue >= 5000万元",
        amount_formula="min(revenue * 0.2%, 100万元)",
        text="年营业收入5000万元以上的建筑业企业承接城市更新项目的，按项目贷款利息给予贴息，最高100万元。",
    )
    _clause(
        renewal,
        actor,
        number="第二条",
        title="老旧小区改造后物业运营补助",
        benefit_type=BenefitType.SUBSIDY,
        department=zjw,
        window_kind=WindowKind.ROLLING,
        budget=Decimal("500000"),
        rule="industry in [7020] and employees >= 10",
        amount_formula="5万元",
        text="物业服务企业承接改造后老旧小区管理的，每个小区给予5万元运营补助。",
    )

    # --- the crosswalk, and one upper-level revision that flags it ------------------------------
    services.link_policy(actor, six, miit, measure_clause=c_giant, upper_clause="第十一条 专精特新“小巨人”企业")
    services.link_policy(actor, six, municipal, measure_clause=c_rd, upper_clause="二、研发投入支持", note="区级配套")
    services.link_policy(actor, six, miit, measure_clause=c_zjtx, upper_clause="第十条 专精特新中小企业")
    services.link_policy(actor, municipal, miit, upper_clause="第二章 评价和认定")
    services.link_policy(actor, consumption, tradein, measure_clause=c_trade, upper_clause="四、支持流通企业")
    services.link_policy(actor, renewal, renewal_city, upper_clause="三、项目贷款贴息")
    services.update_document(
        actor,
        municipal,
        full_text=municipal.full_text + "\n（修订）研发投入补助比例由区县结合财力确定，最高不超过50万元。",
    )

    # --- a saved simulation of the R&D subsidy with two variants ---------------------------------
    variants = [
        {"label": "现行方案", "rule": c_rd.rule, "amount": c_rd.amount_formula, "budget": c_rd.budget},
        {
            "label": "研发占比门槛降至2%",
            "rule": "industry in C and revenue >= 2000万元 and rd_ratio >= 2%",
            "amount": c_rd.amount_formula,
            "budget": c_rd.budget,
        },
        {
            "label": "营收门槛降至1000万、封顶30万",
            "rule": "industry in C and revenue >= 1000万元 and rd_ratio >= 3%",
            "amount": "min(rd_expense * 10%, 30万元)",
            "budget": c_rd.budget,
        },
    ]
    outcome = simulation.simulate(SYSTEM, variants, today=today)
    simulation.save(SYSTEM, outcome, title="研发投入补助门槛测算", variants=variants, clause=c_rd)
    eligible = outcome["variants"][0]["eligible"]
    del connection.run_on_commit[mark:]
    clauses = Clause.objects.count()
    return (
        f"政策文件 {PolicyDocument.objects.count()} 份、条款 {clauses} 项；研发投入补助现行方案覆盖 {eligible} 家企业"
    )
