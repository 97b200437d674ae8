"""The demo enterprises and their service desk: two thousand enterprises with valid codes and
figures, one commissioner each, a year of visits and cases in every state of the workflow."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from luoshi import codes
from luoshi.cases import queries as case_queries
from luoshi.cases.choices import Action, CaseSource, CaseState
from luoshi.cases.models import Case, CaseType
from luoshi.cases.services import transition
from luoshi.demo import enterprises as demo
from luoshi.demo import org
from luoshi.enterprises import queries, services
from luoshi.enterprises.choices import FigureSource, VisitStatus
from luoshi.enterprises.models import ChainNode, CommissionerAssignment, Enterprise, EnterpriseTag, Visit, YearFigure
from luoshi.org.models import Unit, User
from luoshi.tracking import timeline
from luoshi.tracking.choices import Colour
from luoshi.tracking.models import TimelineEvent

pytestmark = pytest.mark.django_db

# The demo is dated relative to the day it is loaded; the tests load it on a fixed day (late
# November, as the demo is meant to be seen) so that what they see does not depend on when they run.
TODAY = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TOTAL = demo.GENERATED + len(demo.NAMED)


@pytest.fixture(scope="module")
def demo_desk(django_db_setup, django_db_blocker):
    """Load the org demo and this step once for the module, inside a transaction rolled back at
    its end; each test then runs in a savepoint of its own."""
    with pytest.MonkeyPatch.context() as mp, django_db_blocker.unblock():
        mp.setattr(timezone, "now", lambda: TODAY)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            org.load()
            yield demo.load()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_summary_counts_what_was_loaded(demo_desk):
    above = Enterprise.objects.filter(above_scale=True).count()
    assert demo_desk.startswith(f"企业 {TOTAL:,} 家（规上 {above:,} 家），服务专员 9 名")
    assert f"诉求 {Case.objects.count():,} 件" in demo_desk
    assert "服务拒绝" not in demo_desk  # no service refused a step of the replayed year


def test_a_second_load_skips(demo_desk):
    assert demo.load() == "已存在，跳过"
    assert Enterprise.objects.count() == TOTAL


def test_about_two_thousand_enterprises_across_the_23_streets_and_towns(demo_desk):
    assert Enterprise.objects.count() == TOTAL
    assert Enterprise.objects.values("town").distinct().count() == 23
    assert not Enterprise.objects.filter(town__isnull=True).exists()
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)
    for fact in ("普康医疗", "东方希望", "理文"):
        assert Enterprise.objects.filter(name__contains=fact).exists(), fact


def test_every_credit_code_is_valid_and_registered_in_yongchuan(demo_desk):
    codes_ = list(Enterprise.objects.values_list("uscc", flat=True))
    assert all(codes.is_valid_uscc(code) for code in codes_)
    assert {code[:8] for code in codes_} == {"91500118", "92500118"}  # 企业 and 个体工商户


def test_industries_are_known_classes_that_fit_the_chain(demo_desk):
    classes = {seg: {code for code, _ in cls} for _chain, segs in demo.CHAINS for seg, _w, cls in segs}
    for code, name, chain in Enterprise.objects.values_list("industry_code", "industry_name", "chain__name"):
        assert codes.lookup(code).name == name
        if chain:
            assert code in classes[chain], (code, chain)
    roots = ChainNode.objects.filter(parent__isnull=True)
    assert {"智能装备", "轨道交通装备", "汽摩及零部件"} <= set(roots.values_list("name", flat=True))
    assert ChainNode.objects.get(name="智能检测装备").parent.name == "智能装备"
    assert Enterprise.objects.filter(chain__isnull=False).count() > TOTAL // 2


def test_figures_cover_the_last_three_years_and_size_is_derived(demo_desk):
    years = set(YearFigure.objects.values_list("year", flat=True))
    assert years == {2023, 2024, 2025}
    statistics = YearFigure.objects.filter(source=FigureSource.STATISTICS)
    assert statistics.filter(verified=True).count() > 0.9 * statistics.count()
    above = Enterprise.objects.filter(above_scale=True).count()
    assert 0.1 * TOTAL < above < 0.5 * TOTAL
    assert Enterprise.objects.filter(size_class="大型").exists()
    # The bulk path works size and 规上 out as the service does.
    sample = Enterprise.objects.filter(figures__isnull=False).distinct().order_by("?")[:60]
    for enterprise in sample:
        before = (enterprise.size_class, enterprise.size_reason, enterprise.above_scale, enterprise.scale_reason)
        services.derive(enterprise)
        enterprise.refresh_from_db()
        after = (enterprise.size_class, enterprise.size_reason, enterprise.above_scale, enterprise.scale_reason)
        assert before == after


def test_tags_are_given_and_above_scale_is_not_a_tag(demo_desk):
    counts = dict(EnterpriseTag.objects.annotate(n=Count("enterprises")).values_list("name", "n"))
    for name in demo.TAGS:
        assert counts.get(name, 0) > 0, name
    assert not EnterpriseTag.objects.filter(name__contains="规上").exists()


def test_every_enterprise_has_exactly_one_commissioner(demo_desk):
    open_ = CommissionerAssignment.objects.filter(ended_on__isnull=True)
    per_enterprise = Counter(open_.values_list("enterprise_id", flat=True))
    assert len(per_enterprise) == TOTAL
    assert set(per_enterprise.values()) == {1}
    commissioners = User.objects.filter(pk__in=open_.values("commissioner")).values_list("username", flat=True)
    assert len(commissioners) == 9
    assert "zhuanyuan" in commissioners
    # A few changed hands, and the history shows it.
    ended = CommissionerAssignment.objects.filter(ended_on__isnull=False)
    assert 10 <= ended.count() <= 100
    moved = ended.first()
    assert moved.reason
    current = open_.get(enterprise=moved.enterprise)
    assert current.started_on == moved.ended_on
    assert CommissionerAssignment.history.filter(id=moved.pk).count() == 2


def test_the_demo_enterprises_are_linked_to_their_units(demo_desk):
    for username, name in (("qiye", "重庆永川智测装备有限公司"), ("qiye2", "重庆永川轨道交通部件有限公司")):
        user = User.objects.get(username=username)
        enterprise = Enterprise.objects.get(name=name)
        assert enterprise.unit == Unit.objects.get(name=name)
        assert list(queries.visible_enterprises(user)) == [enterprise]
    zhice = Enterprise.objects.get(name="重庆永川智测装备有限公司")
    assert zhice.above_scale
    assert zhice.chain.name == "智能检测装备"
    assert CommissionerAssignment.objects.get(enterprise=zhice, ended_on__isnull=True).commissioner.username == (
        "zhuanyuan"
    )


def test_a_year_of_visits_reaches_about_sixty_percent(demo_desk):
    today = timezone.localdate()
    done = Visit.objects.filter(status=VisitStatus.DONE)
    visited = done.values("enterprise").distinct().count()
    assert 0.5 * TOTAL < visited < 0.7 * TOTAL
    assert not done.filter(visited_on__gt=today).exists()
    assert done.filter(visited_on__lt=today - timedelta(days=250)).exists()  # spread over the year
    planned = Visit.objects.filter(status=VisitStatus.PLANNED)
    assert planned.filter(planned_on__gt=today).exists()
    visit = done.filter(cases__isnull=False).first()
    assert visit.findings
    assert visit.visitors
    assert Case.objects.filter(visit=visit, source=CaseSource.VISIT).exists()
    assert timezone.localdate(visit.created_at) <= visit.visited_on


def test_cases_are_in_every_state_with_live_colours(demo_desk):
    states = Counter(Case.objects.values_list("state", flat=True))
    assert set(states) == set(CaseState.values)
    assert Case.objects.filter(colour=Colour.RED).exclude(state=CaseState.FOLLOWED_UP).exists()
    assert Case.objects.filter(colour=Colour.YELLOW).exists()
    assert Case.objects.filter(reopen_count__gt=0, state=CaseState.FOLLOWED_UP).exists()
    assert Case.objects.filter(reopen_count__gt=0, state=CaseState.IN_PROGRESS).exists()
    assert TimelineEvent.objects.filter(kind=Action.TRANSFER).exists()
    assert TimelineEvent.objects.filter(kind=Action.RETURN).exists()
    assert set(CaseType.objects.values_list("name", flat=True)) >= {n for n, *_ in demo.CASE_TYPES}


def test_case_dates_are_in_the_past_and_in_order(demo_desk):
    now = timezone.now()
    assert not Case.objects.filter(submitted_at__gt=now).exists()
    for case in Case.objects.filter(state=CaseState.FOLLOWED_UP).order_by("?")[:40]:
        events = list(timeline.events_of(case))
        moments = [e.at for e in events]
        assert moments == sorted(moments)
        assert moments[0] == case.submitted_at
        assert case.accepted_at >= case.submitted_at
        assert case.resolved_at <= now
        history = list(case.history.order_by("history_date", "history_id"))
        assert len(history) == len(events)
        assert history[-1].history_date == moments[-1]
    numbers = list(Case.objects.order_by("id").values_list("submitted_at", flat=True))
    assert numbers == sorted(numbers)


def test_qiye_has_a_resolved_case_waiting_for_its_follow_up(demo_desk):
    qiye = User.objects.get(username="qiye")
    mine = case_queries.visible_cases(qiye)
    assert mine.count() >= 3
    assert mine.filter(state=CaseState.FOLLOWED_UP).exists()
    waiting = mine.get(state=CaseState.RESOLVED)
    assert transition(qiye, waiting, Action.FOLLOW_UP, rating=5).state == CaseState.FOLLOWED_UP


def test_the_two_units_with_a_reporter_have_cases_in_their_queues(demo_desk):
    for username in ("jxw", "zhongshanlu"):
        queue = case_queries.unit_queue(User.objects.get(username=username))
        assert queue.count() >= 3, username
    duchayuan = User.objects.get(username="duchayuan")
    assert case_queries.dispatch_queue(duchayuan).exists()
