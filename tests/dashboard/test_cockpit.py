from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.http import QueryDict
from django.utils import timezone

from luoshi.benefits import queries as benefit_queries
from luoshi.benefits import services as benefit_services
from luoshi.benefits.forms import LedgerFilterForm
from luoshi.cases import queries as case_queries
from luoshi.cases.forms import CaseFilterForm
from luoshi.core.actors import SYSTEM
from luoshi.dashboard import metrics, services
from luoshi.dashboard.models import CockpitSnapshot
from luoshi.ledger import queries as ledger_queries
from luoshi.ledger import services as ledger_services
from luoshi.ledger.forms import TaskFilterForm
from luoshi.ledger.models import Task
from luoshi.policies import queries as policy_queries
from luoshi.policies.forms import SearchForm
from luoshi.projects import queries as project_queries
from luoshi.projects.forms import ProjectFilterForm
from luoshi.tracking.choices import Colour, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(desk):
    """``desk`` plus two tasks (one overdue and red) and one paid application."""
    w = desk
    today = w.today
    w.late = ledger_services.create_task(
        SYSTEM,
        title="完成智能装备产业园一期",
        lead_unit=w.jxw,
        start_date=today - timedelta(days=90),
        due_date=today - timedelta(days=10),
    )
    w.fine = ledger_services.create_task(
        SYSTEM,
        title="开展消费季活动",
        lead_unit=w.swj,
        start_date=today - timedelta(days=5),
        due_date=today + timedelta(days=200),
    )
    Task.objects.filter(pk=w.late.pk).update(status=Status.OVERDUE, colour=Colour.RED, status_reason="已逾期10个工作日")
    app = benefit_services.start(w.enterprise_a, w.a, w.rd, today=today)
    benefit_services.add_material(w.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    benefit_services.submit(w.enterprise_a, app, today=today, **w.account)
    for action in ("accept", "pass", "approve"):
        app = benefit_services.review(w.reviewer, app, action, today=today)
    benefit_services.close_publicities(app.publicity_until + timedelta(days=1))
    benefit_services.pay(w.reviewer, app, reference="PZ1")
    return w


def _rows_behind(user, link: str):
    """What the page at ``link`` lists for ``user``: its own form and query with the link's parameters."""
    parts = urlsplit(link)
    params = QueryDict(parts.query)
    if parts.path == "/ledger/":
        form = TaskFilterForm(params)
        assert form.is_valid(), form.errors
        return ledger_queries.ledger_rows(user, form.cleaned_data).count()
    if parts.path == "/cases/":
        form = CaseFilterForm(params)
        assert form.is_valid(), form.errors
        return case_queries.case_list(user, form.cleaned_data).count()
    if parts.path == "/policies/":
        form = SearchForm(params)
        assert form.is_valid(), form.errors
        return policy_queries.search(user, form.cleaned_data, timezone.localdate())[1]
    if parts.path == "/policies/crosswalk/":
        return sum(len(g["links"]) for g in policy_queries.crosswalk(user, flagged_only=True))
    if parts.path == "/projects/":
        form = ProjectFilterForm(params)
        assert form.is_valid(), form.errors
        return project_queries.project_rows(user, form.cleaned_data).count()
    if parts.path == "/projects/funds/":
        return project_queries.fund_summary(user, int(params["year"]))
    if parts.path == "/benefits/ledger/":
        form = LedgerFilterForm(params)
        assert form.is_valid(), form.errors
        return benefit_queries.ledger(user, form.cleaned_data)
    raise AssertionError(f"no rule for {link}")


def test_every_number_equals_the_rows_its_link_opens(district, login):
    user = district.leader
    cockpit = metrics.cockpit(user, district.today)
    client = login(user)
    checked = 0
    for section in cockpit.sections:
        for tile in section.tiles:
            if not tile.link:
                continue
            assert client.get(tile.link).status_code == 200, tile.link
            behind = _rows_behind(user, tile.link)
            if tile.key == "money_approved":
                total = behind.aggregate(s=Sum("amount_approved"))["s"] or 0
                assert tile.value == float((Decimal(total) / 10000).quantize(Decimal("0.01")))
            elif tile.key == "money_paid":
                total = behind.filter(state="paid").aggregate(s=Sum("amount_approved"))["s"] or 0
                assert tile.value == float((Decimal(total) / 10000).quantize(Decimal("0.01")))
            elif tile.key in ("cases_on_time", "investment"):
                continue  # a rate; its link lists the rows it is computed from
            elif tile.key == "funds_won":
                assert tile.value == float(behind.approved)
            else:
                assert tile.value == behind, tile.key
            checked += 1
    assert checked >= 9
    assert cockpit.tile("tasks_overdue").value == 1
    assert cockpit.tile("money_paid").value == 12.0
    for unit in cockpit.units:
        for _label, count, link in unit["cells"]:
            assert count == _rows_behind(user, link)


def test_the_cockpit_is_for_the_leadership_and_supervisors(district, login):
    assert login(district.leader).get("/dashboard/").status_code == 200
    assert login(district.supervisor).get("/dashboard/").status_code == 200
    for persona in (district.jxw_reporter, district.enterprise_a, district.reviewer, district.commissioner):
        assert login(persona).get("/dashboard/").status_code == 403
        assert login(persona).get("/dashboard/screen/").status_code == 403


def test_the_leadership_reads_a_snapshot_and_sees_how_fresh_it_is(district, login):
    page = login(district.leader).get("/dashboard/")
    snapshot = CockpitSnapshot.objects.get(year=district.today.year)
    assert "数据更新于" in page.text
    stamp = snapshot.computed_at
    login(district.leader).get("/dashboard/")
    assert CockpitSnapshot.objects.get(pk=snapshot.pk).computed_at == stamp  # served, not recomputed
    login(district.leader).get("/dashboard/?refresh=1")
    assert CockpitSnapshot.objects.get(pk=snapshot.pk).computed_at > stamp
    assert "按您的权限计算" not in page.text
    assert "按您的权限计算" in login(district.supervisor).get("/dashboard/").text
    assert "驾驶舱快照已更新" in services.refresh_job(district.today)


def test_the_big_screen_refreshes_itself(district, login):
    page = login(district.leader).get("/dashboard/screen/")
    assert 'hx-trigger="every 60s"' in page.text
    assert "data-fullscreen" in page.text
    partial = login(district.leader).get("/dashboard/screen/", headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    assert "在办任务" in partial.text


@pytest.mark.parametrize(
    ("persona", "shows", "hides"),
    [
        ("leader", ["完整驾驶舱", "在办任务"], []),
        ("supervisor", ["逾期事项", "完成智能装备产业园一期"], ["完整驾驶舱"]),
        ("jxw_reporter", ["待我填报"], ["完整驾驶舱", "逾期事项"]),
        ("commissioner", ["专员工作台"], ["完整驾驶舱"]),
        ("reviewer", ["申报审核", "待办申报"], ["完整驾驶舱"]),
        ("enterprise_a", ["政策体检", "重庆甲企业有限公司"], ["完整驾驶舱", "逾期事项", "重庆乙企业有限公司"]),
        ("enterprise_b", ["重庆乙企业有限公司"], ["重庆甲企业有限公司", "完整驾驶舱"]),
    ],
)
def test_each_role_sees_its_own_first_screen_only(district, login, persona, shows, hides):
    page = login(getattr(district, persona)).get("/").text
    for text in shows:
        assert text in page, text
    for text in hides:
        assert text not in page, text


def test_a_person_with_several_roles_can_switch(district, login):
    from luoshi.org.choices import Role
    from luoshi.org.services import grant_role

    grant_role(SYSTEM, user=district.reviewer, role=Role.SUPERVISOR, unit=district.root, include_subunits=True)
    client = login(district.reviewer)
    first = client.get("/").text
    assert "切换角色" in first
    assert "逾期事项" in first
    assert "待办申报" in client.get("/?as=reviewer").text
    # asking for a role one does not hold falls back to the first one held
    assert "逾期事项" in client.get("/?as=leader").text


def test_the_shared_snapshot_is_only_for_those_who_see_everything(district, login):
    from luoshi.org.choices import Role
    from tests.factories import make_user

    partial = make_user("fenguan", grants=[(Role.LEADER, district.jxw, True)])  # 分管 区经信委 only
    page = login(partial).get("/dashboard/")
    assert page.status_code == 200
    assert "按您的权限计算" in page.text
    assert not CockpitSnapshot.objects.filter(user=None).exists()
    data, snapshot = services.cockpit_for(partial, district.today, district.today.year)
    assert snapshot.user == partial
    assert data["sections"][2]["tiles"][0]["value"] == 1  # 区经信委's own task, not 区商务委's


def test_a_personal_snapshot_is_served_until_the_persons_grants_change(district, login):
    from luoshi.org.choices import Role
    from luoshi.org.models import RoleGrant
    from luoshi.org.services import grant_role
    from tests.factories import make_user

    partial = make_user("fenguan", grants=[(Role.LEADER, district.jxw, True)])
    year = district.today.year
    login(partial).get("/dashboard/")
    first = CockpitSnapshot.objects.get(year=year, user=partial)
    login(partial).get("/dashboard/")
    assert CockpitSnapshot.objects.get(pk=first.pk).computed_at == first.computed_at  # served, not recomputed

    # A wider grant: the old snapshot is never shown again.
    grant_role(SYSTEM, user=partial, role=Role.LEADER, unit=district.swj, include_subunits=True)
    partial = type(partial).objects.get(pk=partial.pk)  # a fresh request loads the grants anew
    data, snapshot = services.cockpit_for(partial, district.today, year)
    assert snapshot.computed_at > first.computed_at
    assert data["sections"][2]["tiles"][0]["value"] == 2  # now 区商务委's task too

    # ... and a narrower one likewise: what the person may no longer see is not served from before.
    RoleGrant.objects.filter(user=partial, unit=district.swj).update(revoked_at=timezone.now())
    partial = type(partial).objects.get(pk=partial.pk)
    data, _ = services.cockpit_for(partial, district.today, year)
    assert data["sections"][2]["tiles"][0]["value"] == 1


def test_the_tick_refreshes_personal_snapshots_in_use_and_drops_forgotten_ones(district, login):
    from luoshi.org.choices import Role
    from tests.factories import make_user

    year = district.today.year
    kept = make_user("kept", grants=[(Role.LEADER, district.jxw, True)])
    forgotten = make_user("forgotten", grants=[(Role.LEADER, district.swj, True)])
    for user in (kept, forgotten):
        services.cockpit_for(user, district.today, year)
    CockpitSnapshot.objects.filter(user=forgotten).update(
        viewed_at=timezone.now() - timedelta(days=services.KEEP_DAYS + 1)
    )
    before = CockpitSnapshot.objects.get(user=kept).computed_at
    message = services.refresh_job(district.today)
    assert "个人快照1份" in message
    assert CockpitSnapshot.objects.get(user=kept).computed_at > before
    assert not CockpitSnapshot.objects.filter(user=forgotten).exists()
    assert CockpitSnapshot.objects.filter(user=None, year=year).exists()
