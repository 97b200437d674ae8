from datetime import date

import pytest
from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.projects import services
from luoshi.projects.choices import Maturity, ProjectType, Stage


def months_ago(n: int) -> tuple[int, int]:
    """(year, month) ``n`` months before today's month."""
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return index // 12, index % 12 + 1


@pytest.fixture
def projects(world, django_capture_on_commit_callbacks):
    """Three projects of this year:

    - ``pukang`` (普康医疗, 区经信委 leads, 在建 in 中山路街道, 24,000万元 planned this year):
      ``jxw_reporter`` reports for it; ``swj``'s and the towns' reporters cannot see it.
    - ``mall`` (商圈改造, 区商务委 leads, 在建): ``jxw_reporter`` and ``zsl_reporter`` can neither see nor report it.
    - ``renewal`` (城中村改造, 中山路街道 leads, in the reserve): ``zsl_reporter``'s own.
    - ``leader``, ``supervisor`` and ``admin`` see all three; ``enterprise_a`` and ``outsider`` see none.
    """
    year = timezone.localdate().year
    world.year = year
    # The services refresh derived figures after commit; run those callbacks here.
    with django_capture_on_commit_callbacks(execute=True):
        _create(world, year)
    for p in ("pukang", "mall", "renewal"):
        getattr(world, p).refresh_from_db()
    return world


def _create(world, year: int) -> None:
    world.pukang = services.create_project(
        world.supervisor,
        name="普康医疗器械生产基地",
        code="GY-001",
        project_type=ProjectType.INDUSTRY,
        stage=Stage.CONSTRUCTION,
        lead_unit=world.jxw,
        town=world.zsl,
        owner_name="重庆普康医疗器械有限公司",
        total_investment="100000",
        invested_before="20000",
        start_date=date(year - 1, 3, 1),
        end_date=date(year + 1, 12, 31),
    )
    services.set_year_plan(world.supervisor, world.pukang, year=year, amount="24000")
    world.mall = services.create_project(
        world.supervisor,
        name="渝西广场商圈提档升级",
        code="CS-001",
        project_type=ProjectType.URBAN_RENEWAL,
        stage=Stage.CONSTRUCTION,
        lead_unit=world.swj,
        total_investment="30000",
        start_date=date(year, 1, 1),
        end_date=date(year + 1, 6, 30),
    )
    services.set_year_plan(world.supervisor, world.mall, year=year, amount="12000")
    world.renewal = services.create_project(
        world.zsl_reporter,
        name="双龙村城中村改造",
        project_type=ProjectType.URBAN_RENEWAL,
        stage=Stage.RESERVE,
        lead_unit=world.zsl,
        town=world.zsl,
        total_investment="45000",
        maturity=Maturity.FEASIBILITY,
        channel="local_special_bonds",
    )


@pytest.fixture
def system():
    return SYSTEM
