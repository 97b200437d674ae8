"""History of business objects, as people read it on each object's 变更记录.

Models declare ``history = HistoricalRecords()`` (django-simple-history keeps one row per
save). Services call :func:`stamp` before saving so the row names the acting user and the
reason; :func:`changes_of` turns the rows into “who changed what from what to what”.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

from luoshi.core.actors import is_system

_KINDS = {"+": "创建", "~": "修改", "-": "删除"}


def stamp(instance: models.Model, actor, reason: str = "") -> models.Model:
    """Attribute the next save of ``instance`` to ``actor`` (with an optional reason)."""
    instance._history_user = None if actor is None or is_system(actor) else actor
    instance._change_reason = reason or None
    return instance


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model_field, value, related_names: dict) -> str:
    if value is None or value == "":
        return "（空）"
    if model_field is not None and model_field.is_relation:
        return related_names.get((model_field.name, value), f"#{value}")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def changes_of(instance: models.Model, limit: int = 100) -> list[HistoryEntry]:
    """Newest first: each save of ``instance`` with the fields it changed."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(instance)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    fields.update({f.name: f for f in model._meta.concrete_fields})

    pairs = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            raw = [(c.field, c.old, c.new) for c in delta.changes]
        else:
            raw = []
        pairs.append((record, raw))

    # Resolve foreign-key ids to names in one query per related model, not one per change.
    wanted: dict[type, set] = {}
    for _, raw in pairs:
        for name, old, new in raw:
            f = fields.get(name)
            if f is not None and f.is_relation:
                wanted.setdefault((f.name, f.related_model), set()).update(v for v in (old, new) if v is not None)
    related_names = {}
    for (fname, related_model), ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            related_names[(fname, obj.pk)] = str(obj)

    entries = []
    for record, raw in pairs:
        changes = [
            FieldChange(
                label=str(fields[name].verbose_name) if name in fields else name,
                old=_display(fields.get(name), old, related_names),
                new=_display(fields.get(name), new, related_names),
            )
            for name, old, new in raw
        ]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(user) if user else "系统",
                kind=_KINDS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
