from datetime import date

import pytest

from luoshi.core.actors import SYSTEM
from luoshi.ledger import services


@pytest.fixture
def ledger(world):
    """Two tasks: 区经信委 leads one with 中山路街道 co-operating; 区商务委 leads the other alone.

    - ``jxw_reporter`` reports on the first (lead), never on the second.
    - ``zsl_reporter`` reports on the first as co-unit, and cannot see the second.
    - ``enterprise_a`` sees neither.
    """
    source = services.create_source(SYSTEM, title="2026年区委经济工作会议", held_on=date(2026, 1, 2))
    world.source = source
    world.jxw_task = services.create_task(
        world.supervisor,
        title="推动规上工业增加值增长7.5%",
        lead_unit=world.jxw,
        co_units=[world.zsl],
        start_date=date(2026, 1, 5),
        due_date=date(2026, 12, 31),
        source=source,
        areas=["工业"],
        code="2.1",
    )
    world.swj_task = services.create_task(
        world.supervisor,
        title="实施消费载体培优行动",
        lead_unit=world.swj,
        start_date=date(2026, 1, 5),
        due_date=date(2026, 12, 31),
        source=source,
        areas=["商贸"],
        code="3.1",
    )
    return world
