"""The cockpit's precomputed snapshots: computed by ``luoshi tick``, served with their freshness."""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.utils import timezone

from luoshi.core.actors import SYSTEM
from luoshi.dashboard.metrics import cockpit
from luoshi.dashboard.models import CockpitSnapshot
from luoshi.org import permissions
from luoshi.org.choices import Role

# Who sees everything, and therefore the shared snapshot.
WHOLE_DISTRICT = (Role.LEADER, Role.ADMIN)
FRESH_HOURS = 24
# A personal snapshot nobody has opened for this long is dropped rather than refreshed every day.
KEEP_DAYS = 14


def refresh(today: date | None = None, year: int | None = None, user=None) -> CockpitSnapshot:
    """Recompute the shared snapshot (``user`` None) or ``user``'s own."""
    today = today or timezone.localdate()
    year = year or today.year
    started = time.perf_counter()
    data = cockpit(user or SYSTEM, today, year).to_dict()
    now = timezone.now()
    values = {
        "data": data,
        "computed_at": now,
        "seconds": time.perf_counter() - started,
        "scope_digest": "" if user is None else permissions.grants_digest(user),
    }
    create = {**values, "viewed_at": None if user is None else now}
    snapshot, _ = CockpitSnapshot.objects.update_or_create(
        year=year, user=user, defaults=values, create_defaults=create
    )
    return snapshot


def refresh_job(today: date | None = None) -> str:
    today = today or timezone.localdate()
    shared = refresh(today)
    CockpitSnapshot.objects.filter(user__isnull=False).filter(
        viewed_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)
    ).delete()
    CockpitSnapshot.objects.filter(user__is_active=False).delete()
    personal = 0
    for snapshot in CockpitSnapshot.objects.filter(user__isnull=False).select_related("user"):
        refresh(today, snapshot.year, snapshot.user)
        personal += 1
    extra = f"，个人快照{personal}份" if personal else ""
    return f"驾驶舱快照已更新（{shared.year}年，用时{shared.seconds:.1f}秒{extra}）"


def cockpit_for(user, today: date, year: int, *, refresh_now: bool = False) -> tuple[dict, CockpitSnapshot]:
    """The cockpit for ``user``, from a snapshot: the shared one for those who see the whole district,
    a personal one for anyone else (a 分管领导 granted some departments sees only those), made on the
    first visit, remade when stale or when the person's grants have changed since."""
    owner = None if permissions.covers_everything(user, WHOLE_DISTRICT) else user
    snapshot = CockpitSnapshot.objects.filter(year=year, user=owner).first()
    digest = "" if owner is None else permissions.grants_digest(owner)
    stale = (
        snapshot is None
        or snapshot.scope_digest != digest
        or (timezone.now() - snapshot.computed_at).total_seconds() > FRESH_HOURS * 3600
    )
    if refresh_now or stale:
        snapshot = refresh(today, year, owner)
    elif owner is not None and (snapshot.viewed_at is None or timezone.localdate(snapshot.viewed_at) < today):
        # Marks the snapshot as in use (at most once a day), so the tick keeps refreshing it.
        CockpitSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=timezone.now())
    return snapshot.data, snapshot
