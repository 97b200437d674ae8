"""The cockpit's precomputed snapshot: computed by ``luoshi tick``, served with its freshness."""

from __future__ import annotations

import time
from datetime import date

from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.dashboard.metrics import cockpit
from luoshi.dashboard.models import CockpitSnapshot
from luoshi.org import permissions
from luoshi.org.choices import Role

# Who sees everything, and therefore the shared snapshot.
WHOLE_DISTRICT = (Role.LEADER, Role.ADMIN)
FRESH_HOURS = 24


def refresh(today: date | None = None, year: int | None = None) -> CockpitSnapshot:
    today = today or timezone.localdate()
    year = year or today.year
    started = time.perf_counter()
    data = cockpit(SYSTEM, today, year).to_dict()
    snapshot, _ = CockpitSnapshot.objects.update_or_create(
        year=year,
        defaults={"data": data, "computed_at": timezone.now(), "seconds": time.perf_counter() - started},
    )
    return snapshot


def refresh_job(today: date | None = None) -> str:
    snapshot = refresh(today)
    return f"驾驶舱快照已更新（{snapshot.year}年，用时{snapshot.seconds:.1f}秒）"


def cockpit_for(user, today: date, year: int, *, refresh_now: bool = False) -> tuple[dict, CockpitSnapshot | None]:
    """The cockpit data for ``user``: the shared snapshot for those who see the whole district,
    computed live for anyone else (a 分管领导 granted some departments sees only those)."""
    if not permissions.covers_everything(user, WHOLE_DISTRICT):
        return cockpit(user, today, year).to_dict(), None
    snapshot = CockpitSnapshot.objects.filter(year=year).first()
    stale = snapshot is None or (timezone.now() - snapshot.computed_at).total_seconds() > FRESH_HOURS * 3600
    if refresh_now or stale:
        snapshot = refresh(today, year)
    return snapshot.data, snapshot
