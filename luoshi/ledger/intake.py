"""From a Chinese document to draft ledger items, and from the confirmed draft to the ledger.

The intake kernel (:mod:`luoshi.intake`) reads the text; this module gives it the organisation
directory, turns its findings into a draft a supervisor can edit (key tasks with their action
sentences under them, lead units resolved to units, targets as indicators), highlights every
finding in the text, and on confirmation creates the source, tasks and indicators through the
ledger's services in one transaction. A document's digest is stored with its source, so the same
document confirmed twice creates nothing the second time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from luoshi import intake
from luoshi.core.errors import Conflict, ValidationFailed
from luoshi.ledger import services
from luoshi.ledger.choices import SourceKind, TargetKind
from luoshi.ledger.models import Source
from luoshi.org import permissions
from luoshi.org.choices import UnitKind
from luoshi.org.models import Unit, UnitAlias

KINDS = {"units": "单位", "people": "人员", "targets": "目标", "projects": "项目", "money": "资金", "dates": "日期"}


def directory() -> intake.Directory:
    """The organisation directory as the kernel reads it: official names with their short names and aliases."""
    aliases: dict[int, list[str]] = {}
    for unit_id, alias in UnitAlias.objects.values_list("unit_id", "alias"):
        aliases.setdefault(unit_id, []).append(alias)
    kinds = [UnitKind.PARTY, UnitKind.GOVERNMENT, UnitKind.DEPARTMENT, UnitKind.TOWN]
    pairs = [
        (name, [n for n in (short, *aliases.get(pk, [])) if n])
        for pk, name, short in Unit.objects.filter(is_active=True, kind__in=kinds).values_list(
            "pk", "name", "short_name"
        )
    ]
    return intake.Directory.from_pairs(pairs)


def digest(text: str) -> str:
    """The same document however it was pasted: whitespace does not count."""
    return hashlib.sha256("".join(text.split()).encode()).hexdigest()


@dataclass
class DraftTask:
    ref: str
    title: str
    unit: Unit | None
    parent: str = ""  # the ref of the key task it belongs under
    key: bool = False


@dataclass
class DraftIndicator:
    name: str
    target: float
    measure: str
    kind: str
    unit: Unit | None
    year: int


@dataclass
class DraftProject:
    name: str
    kind: str  # a projects.ProjectType value
    unit: Unit | None
    known: bool  # already in the project ledger: shown, not created again


# The words that say what kind of project a name is; anything else is an industrial project.
PROJECT_KINDS = (
    (("城市更新", "老旧小区", "旧城", "棚户", "更新"), "urban_renewal"),
    (
        ("输变电", "变电站", "管线", "燃气", "道路", "大道", "桥", "铁路", "轨道", "供水", "污水", "工程"),
        "infrastructure",
    ),
    (("医院", "学校", "养老", "托育", "体育", "文化", "保障房"), "social"),
)


def project_kind(name: str) -> str:
    return next((kind for words, kind in PROJECT_KINDS if any(w in name for w in words)), "industry")


@dataclass
class Draft:
    text: str
    year: int
    result: intake.Result
    tasks: list[DraftTask] = field(default_factory=list)
    indicators: list[DraftIndicator] = field(default_factory=list)
    projects: list[DraftProject] = field(default_factory=list)
    highlighted: SafeString | str = ""


def _unit(name: str | None, cache: dict) -> Unit | None:
    if not name:
        return None
    if name not in cache:
        from luoshi.org.queries import find_unit

        cache[name] = find_unit(name)
    return cache[name]


def propose(text: str, *, year: int) -> Draft:
    """Read ``text`` and propose the ledger items it implies."""
    try:
        result = intake.parse_text(text, directory=directory(), year=year)
    except intake.IntakeError as exc:
        raise ValidationFailed(exc.message, field="text") from None
    draft = Draft(text=text, year=result.year or year, result=result)
    cache: dict[str, Unit | None] = {}
    keys = []
    for key in result.key_tasks:
        ref = f"k{key.index}"
        keys.append((key.span, ref))
        # A key task is led by the first unit its own sentence names (…区经信委牵头…), if any.
        named = next((u.name for u in result.units if key.span[0] <= u.span[0] < key.span[1]), None)
        draft.tasks.append(DraftTask(ref=ref, title=key.text[:300], unit=_unit(named, cache), key=True))
    for n, task in enumerate(result.tasks):
        parent = next((ref for span, ref in keys if span[0] <= task.span[0] < span[1]), "")
        draft.tasks.append(DraftTask(ref=f"t{n}", title=task.text[:300], unit=_unit(task.unit, cache), parent=parent))
    for target in result.targets:
        growth = target.unit == "%" and (target.change or "") in ("增长", "提高", "下降")
        draft.indicators.append(
            DraftIndicator(
                name=target.indicator[:100],
                target=target.value,
                measure=target.unit,
                kind=TargetKind.GROWTH if growth else TargetKind.LEVEL,
                unit=_unit(target.owner, cache),
                year=target.year or draft.year,
            )
        )
    from luoshi.projects.models import Project  # the project ledger sits above the ledger; read-only here

    known = set(Project.objects.filter(name__in=[p.name for p in result.projects]).values_list("name", flat=True))
    for project in result.projects:
        # Led by the unit that the key task containing the project names, when there is one.
        named = next(
            (u.name for u in result.units if u.span[0] <= project.span[0] and u.span[0] >= _start_of(project, keys)),
            None,
        )
        draft.projects.append(
            DraftProject(
                name=project.name[:200],
                kind=project_kind(project.name),
                unit=_unit(named, cache),
                known=project.name in known,
            )
        )
    draft.highlighted = highlight(text, result)
    return draft


def _start_of(project, keys) -> int:
    """Where the key task containing ``project`` starts (0 when none does)."""
    return next((span[0] for span, _ in keys if span[0] <= project.span[0] < span[1]), 0)


def highlight(text: str, result: intake.Result) -> SafeString:
    """The text with every finding marked by its kind; everything else escaped."""
    marks: list[tuple[int, int, str, str]] = []
    data = result.to_dict()
    for kind, label in KINDS.items():
        for item in data.get(kind, []):
            start, end = item["span"]
            marks.append((start, end, kind, label))
    marks.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    out, at = [], 0
    for start, end, kind, label in marks:
        if start < at:
            continue  # overlapping findings: the first and longest wins
        out.append(escape(text[at:start]))
        out.append(f'<mark class="ik-{kind}" title="{label}">{escape(text[start:end])}</mark>')
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 -- every piece of the text is escaped above


@transaction.atomic
def confirm(
    actor,
    *,
    title: str,
    held_on: date,
    kind: str,
    text: str,
    tasks: list[dict],
    indicators: list[dict],
    projects: list[dict] = (),
) -> Source:
    """Create the source, its tasks (key tasks first, action tasks under them), indicators and
    reserve-pool projects (谋划) for the named projects the project ledger does not have yet."""
    permissions.require(actor, services.STEERING, action="导入会议或文件")
    if kind not in SourceKind.values:
        raise ValidationFailed("来源类别无效。", field="kind")
    key = digest(text)
    existing = Source.objects.filter(digest=key).first()
    if existing is not None:
        raise Conflict(f"这份文件已经导入过（任务来源“{existing.title}”），没有重复创建。", code="already_imported")
    if not tasks and not indicators and not projects:
        raise ValidationFailed("请至少勾选一项任务、指标或项目。")
    source = services.create_source(actor, title=title, held_on=held_on, kind=kind)
    source.text, source.digest = text, key
    try:
        with transaction.atomic():
            source.save(update_fields=["text", "digest"])
    except IntegrityError:  # the same document confirmed at the same moment by someone else
        raise Conflict("这份文件刚刚已由他人导入，没有重复创建。", code="already_imported") from None
    created: dict[str, object] = {}
    year_end = date(held_on.year, 12, 31)
    for row in sorted(tasks, key=lambda r: not r.get("key")):
        if row.get("lead_unit") is None:
            raise ValidationFailed(f"请为任务“{row['title'][:20]}…”选择牵头单位。", field="tasks")
        created[row["ref"]] = services.create_task(
            actor,
            title=row["title"],
            lead_unit=row["lead_unit"],
            start_date=held_on,
            due_date=row.get("due_date") or year_end,
            parent=created.get(row.get("parent") or ""),
            source=source,
            cadence=row.get("cadence") or "monthly",
        )
    for row in indicators:
        if row.get("owner_unit") is None:
            raise ValidationFailed(f"请为指标“{row['name']}”选择责任单位。", field="indicators")
        services.create_indicator(
            actor,
            name=row["name"],
            measure=row.get("measure") or "",
            target=row["target"],
            year=row.get("year") or held_on.year,
            owner_unit=row["owner_unit"],
            target_kind=row.get("target_kind") or TargetKind.GROWTH,
        )
    if projects:
        from luoshi.projects import services as project_services
        from luoshi.projects.models import Project

        for row in projects:
            if Project.objects.filter(name=row["name"]).exists():
                continue  # already in the project ledger: nothing twice
            if row.get("lead_unit") is None:
                raise ValidationFailed(f"请为项目“{row['name']}”选择牵头单位。", field="projects")
            project_services.create_project(
                actor,
                name=row["name"],
                project_type=row.get("project_type") or "industry",
                lead_unit=row["lead_unit"],
                total_investment=0,
                description=f"来源：{source.title}（{held_on:%Y-%m-%d}）",
            )
    return source
