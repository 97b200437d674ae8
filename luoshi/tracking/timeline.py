"""The timeline every tracked object shares: record an event, read them back in order."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from luoshi.core.actors import is_system
from luoshi.tracking.models import TimelineEvent


def record(obj: models.Model, actor, kind: str, text: str, *, at=None, **data) -> TimelineEvent:
    return TimelineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        at=at or timezone.now(),
        actor=None if actor is None or is_system(actor) else actor,
        kind=kind,
        text=text[:500],
        data=data,
    )


def events_of(obj: models.Model):
    return TimelineEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
