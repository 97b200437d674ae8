"""The demo projects load through the services, once, with every state the pages need to show."""

import pytest

from luoshi.projects.choices import Stage
from luoshi.projects.models import FundRequest, MonthlyReport, Problem, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from luoshi.demo import org, projects

    org.load()
    first = projects.load()
    return first, projects.load()


def test_the_demo_loads_once_with_the_seeds_named_projects(demo):
    first, second = demo
    assert first.startswith("项目 ")
    assert second == "已存在，跳过"
    names = set(Project.objects.values_list("name", flat=True))
    for name in (
        "普康医疗器械生产基地",
        "东方希望新材料二期",
        "重庆理文造纸技改扩能",
        "重庆永川城东220千伏输变电工程",
        "铜梁1000千伏特高压变电站500千伏送出工程（永川段）",
        "来三线至港桥燃气管线工程",
        "双龙村城中村改造",
    ):
        assert name in names


def test_the_demo_has_a_year_of_reports_colours_a_moving_reserve_and_funds(demo):
    colours = set(Project.objects.filter(withdrawn_on__isnull=True).values_list("colour", flat=True))
    assert colours == {"green", "yellow", "red"}
    pukang = Project.objects.get(name="普康医疗器械生产基地")
    assert MonthlyReport.objects.filter(project=pukang).count() >= 12
    assert MonthlyReport.objects.filter(is_late=True).exists()
    assert Project.objects.filter(stage__in=[Stage.PLANNING, Stage.RESERVE], withdrawn_on__isnull=True).count() >= 5
    assert Project.objects.filter(withdrawn_on__isnull=False).exists()
    assert Project.objects.filter(entered_pool_on__isnull=False, promoted_on__isnull=False).exists()
    assert Problem.objects.filter(case__isnull=False).exists()
    assert FundRequest.objects.values("channel").distinct().count() >= 4
