from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.core.errors import Conflict, NotPermitted
from luoshi.ledger import intake
from luoshi.ledger.models import Indicator, Source, Task

TEXT = (
    "2025年区委经济工作会议部署全年工作。今年重点抓好三项任务：一是加快建设先进制造业集群，"
    "区经信委牵头推进智能装备产业链建设，全年规上工业增加值增长7.5%；"
    "二是深化营商环境改革，区商务委负责实施消费品以旧换新，确保社会消费品零售总额增长6%；"
    "三是推进城市更新，年内完成老旧小区改造10个。"
)


def _rows(draft):
    tasks = [
        {"ref": t.ref, "parent": t.parent, "key": t.key, "title": t.title, "lead_unit": t.unit, "include": True}
        for t in draft.tasks
    ]
    indicators = [
        {
            "name": i.name,
            "target": i.target,
            "measure": i.measure,
            "target_kind": i.kind,
            "year": i.year,
            "owner_unit": i.unit,
            "include": True,
        }
        for i in draft.indicators
    ]
    return tasks, indicators


def test_a_draft_resolves_units_and_puts_tasks_under_their_key_task(world):
    draft = intake.propose(TEXT, year=2025)
    keys = [t for t in draft.tasks if t.key]
    assert len(keys) == 3
    led = {t.unit for t in draft.tasks if t.unit}
    assert world.jxw in led
    assert world.swj in led
    assert all(t.parent for t in draft.tasks if not t.key)
    names = [i.name for i in draft.indicators]
    assert any("规上工业增加值" in n for n in names)
    assert 'class="ik-units"' in draft.highlighted
    assert "<script" not in intake.highlight("<script>", draft.result)


def test_confirming_creates_the_ledger_once(world):
    draft = intake.propose(TEXT, year=2025)
    tasks, indicators = _rows(draft)
    for row in tasks:
        row["lead_unit"] = row["lead_unit"] or world.gov
    for row in indicators:
        row["owner_unit"] = row["owner_unit"] or world.jxw
    source = intake.confirm(
        world.supervisor,
        title="2025年区委经济工作会议",
        held_on=date(2025, 1, 10),
        kind="meeting",
        text=TEXT,
        tasks=tasks,
        indicators=indicators,
    )
    made = Task.objects.filter(source=source)
    assert made.count() == len(tasks)
    assert made.filter(parent__isnull=True).count() == 3  # the key tasks on top
    assert Indicator.objects.filter(year=2025).count() == len(indicators)
    with pytest.raises(Conflict):
        intake.confirm(
            world.supervisor,
            title="再导入一次",
            held_on=date(2025, 1, 10),
            kind="meeting",
            text=TEXT.replace("。", "。\n"),
            tasks=tasks,
            indicators=indicators,
        )
    assert Source.objects.count() == 1
    assert Task.objects.count() == len(tasks)


def test_only_supervisors_and_admins_import(world):
    with pytest.raises(NotPermitted):
        intake.confirm(
            world.jxw_reporter, title="t", held_on=date(2025, 1, 1), kind="meeting", text=TEXT, tasks=[], indicators=[]
        )


def test_the_page_reads_highlights_and_confirms(world, login):
    client = login(world.supervisor)
    url = reverse("ledger:intake")
    assert client.get(url).status_code == 200
    assert login(world.jxw_reporter).get(url).status_code == 403
    client = login(world.supervisor)
    base = {"title": "2025年区委经济工作会议", "held_on": "2025-01-10", "kind": "meeting", "text": TEXT}
    read = client.post(url, {**base, "step": "read"})
    assert read.status_code == 200
    assert 'class="ik-targets"' in read.text
    assert "确认导入" in read.text
    draft = intake.propose(TEXT, year=2025)
    form = {
        **base,
        "step": "confirm",
        "tasks-TOTAL_FORMS": len(draft.tasks),
        "tasks-INITIAL_FORMS": len(draft.tasks),
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
        "projects-TOTAL_FORMS": 0,
        "projects-INITIAL_FORMS": 0,
    }
    for n, t in enumerate(draft.tasks):
        form.update(
            {
                f"tasks-{n}-ref": t.ref,
                f"tasks-{n}-parent": t.parent,
                f"tasks-{n}-key": "on" if t.key else "",
                f"tasks-{n}-title": t.title,
                f"tasks-{n}-lead_unit": (t.unit or world.gov).pk,
                f"tasks-{n}-cadence": "monthly",
                f"tasks-{n}-include": "on",
            }
        )
    done = client.post(url, form)
    assert done.status_code == 302
    assert Task.objects.count() == len(draft.tasks)
    again = client.post(url, form)
    assert again.status_code == 400
    assert "已经导入过" in again.text
    assert Task.objects.count() == len(draft.tasks)


def test_an_unreadable_upload_is_refused_in_chinese(world, login):
    client = login(world.supervisor)
    junk = SimpleUploadedFile("会议.pdf", b"\x00\x01\x02 not a pdf")
    response = client.post(
        reverse("ledger:intake"),
        {"title": "t", "held_on": "2025-01-10", "kind": "meeting", "file": junk, "step": "read"},
    )
    assert response.status_code == 400
    assert "无法读取" in response.text


PROJECT_TEXT = (
    "2025年区政府工作部署：一是加快重大项目建设，区发展改革委牵头推进城东220千伏输变电工程和普康医疗器械生产基地建设；"
    "二是推进城市更新，区住房城乡建委负责实施胜利路片区老旧小区改造项目。"
)


def test_named_projects_go_to_the_reserve_once(world):
    from luoshi.projects.models import Project

    draft = intake.propose(PROJECT_TEXT, year=2025)
    kinds = {p.name: p.kind for p in draft.projects}
    assert kinds, "the kernel names the projects"
    assert any(k == "infrastructure" for k in kinds.values())
    rows = [
        {"name": p.name, "project_type": p.kind, "lead_unit": p.unit or world.gov, "include": True}
        for p in draft.projects
    ]
    tasks = [
        {"ref": t.ref, "parent": t.parent, "key": t.key, "title": t.title, "lead_unit": t.unit or world.gov}
        for t in draft.tasks
    ]
    intake.confirm(
        world.supervisor,
        title="区政府常务会议",
        held_on=date(2025, 2, 1),
        kind="meeting",
        text=PROJECT_TEXT,
        tasks=tasks,
        indicators=[],
        projects=rows,
    )
    created = Project.objects.filter(name__in=kinds)
    assert created.count() == len(kinds)
    assert set(created.values_list("stage", flat=True)) == {"planning"}
    again = intake.propose(PROJECT_TEXT, year=2025)
    assert all(p.known for p in again.projects)
