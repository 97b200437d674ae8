from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.benefits import services
from luoshi.benefits.models import Application

pytestmark = pytest.mark.django_db


def _in_publicity(w):
    app = services.start(w.enterprise_a, w.a, w.rd, today=w.today)
    services.add_material(w.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    services.submit(w.enterprise_a, app, today=w.today, **w.account)
    for action in ("accept", "pass", "approve"):
        services.review(w.reviewer, app, action, today=w.today)
    return Application.objects.get(pk=app.pk)


def test_the_checkup_page_shows_claims_and_gaps_to_whom_it_belongs(desk, login):
    page = login(desk.enterprise_a).get(reverse("benefits:checkup", args=[desk.a.pk]))
    assert page.status_code == 200
    assert "研发投入补助" in page.text
    assert "120,000.00元" in page.text
    assert login(desk.enterprise_b).get(reverse("benefits:checkup", args=[desk.a.pk])).status_code == 404
    near = login(desk.leader).get(reverse("benefits:checkup", args=[desk.c.pk]))
    assert "研发费用占营业收入比重2.4%，需≥3%" in near.text
    home = login(desk.enterprise_a).get(reverse("benefits:checkup_home"))
    assert home.status_code == 302
    assert home.url == reverse("benefits:checkup", args=[desk.a.pk])
    served = login(desk.commissioner).get(reverse("benefits:checkup_home"))
    assert desk.a.name in served.text
    assert desk.b.name not in served.text


def test_applying_through_the_pages(desk, login):
    client = login(desk.enterprise_a)
    started = client.post(reverse("benefits:apply", args=[desk.a.pk, desk.rd.pk]))
    app = Application.objects.get()
    assert started.status_code == 302
    assert started.url == reverse("benefits:application", args=[app.pk])
    bad = client.post(reverse("benefits:submit", args=[app.pk]), desk.account)
    assert bad.status_code == 400
    assert "还缺少申报材料" in bad.text
    client.post(
        reverse("benefits:material", args=[app.pk]), {"name": "申报表", "file": SimpleUploadedFile("a.pdf", b"%PDF")}
    )
    done = client.post(reverse("benefits:submit", args=[app.pk]), desk.account)
    assert done.status_code == 302
    assert Application.objects.get().state == "submitted"


def test_reviewing_through_the_pages_and_the_queue(desk, login):
    app = services.start(desk.enterprise_a, desk.a, desk.rd, today=desk.today)
    services.add_material(desk.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    services.submit(desk.enterprise_a, app, today=desk.today, **desk.account)
    client = login(desk.reviewer)
    queue = client.get(reverse("benefits:queue"))
    assert desk.a.name in queue.text
    assert login(desk.swj_reviewer).get(reverse("benefits:queue")).status_code == 200
    assert desk.a.name not in login(desk.swj_reviewer).get(reverse("benefits:queue")).text
    client = login(desk.reviewer)
    refused = client.post(reverse("benefits:act", args=[app.pk]), {"action": "return", "reason": ""})
    assert refused.status_code == 400
    assert "须写明理由" in refused.text
    client.post(reverse("benefits:act", args=[app.pk]), {"action": "accept"})
    assert Application.objects.get().state == "first_review"
    other = login(desk.swj_reviewer).post(reverse("benefits:act", args=[app.pk]), {"action": "pass"})
    assert other.status_code == 404  # not even visible to another department


def test_an_enterprise_sees_only_its_own_applications(desk, login):
    app = _in_publicity(desk)
    assert login(desk.enterprise_b).get(reverse("benefits:application", args=[app.pk])).status_code == 404
    assert desk.a.name not in login(desk.enterprise_b).get(reverse("benefits:applications")).text
    assert desk.a.name in login(desk.enterprise_a).get(reverse("benefits:applications")).text


def test_the_public_notice_needs_no_sign_in_and_shows_no_account(desk, client):
    app = _in_publicity(desk)
    page = client.get(reverse("benefits:publicity"))
    assert page.status_code == 200
    assert desk.a.name in page.text
    assert "120,000.00" in page.text
    assert "6228" not in page.text
    assert "13800000000" not in page.text
    short = client.post(reverse("benefits:object", args=[app.pk]), {"name": "李某", "contact": "139", "text": "不实"})
    assert short.status_code == 400
    assert "至少10个字" in short.text
    ok = client.post(
        reverse("benefits:object", args=[app.pk]),
        {"name": "李某", "contact": "13900000000", "text": "该企业研发费用归集不实，请核查。"},
    )
    assert ok.status_code == 302
    assert app.objections.count() == 1


def test_matches_of_a_clause_export_for_its_department_only(desk, login):
    url = reverse("benefits:clause_matches", args=[desk.rd.pk])
    page = login(desk.reviewer).get(url)
    assert page.status_code == 200
    assert desk.a.name in page.text
    assert desk.c.name in page.text
    sheet = login(desk.reviewer).get(url, {"format": "xlsx"})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(desk.swj_reviewer).get(url).status_code == 403
    assert login(desk.enterprise_a).get(url).status_code == 403


def test_the_ledger_totals_and_reconciles(desk, login):
    app = _in_publicity(desk)
    services.close_publicities(app.publicity_until + timedelta(days=1))
    services.pay(desk.reviewer, app, reference="PZ1")
    page = login(desk.leader).get(reverse("benefits:ledger"))
    assert page.status_code == 200
    assert "12.00万元" in page.text
    assert "相符" in page.text
    assert login(desk.enterprise_a).get(reverse("benefits:ledger")).status_code == 403
    sheet = login(desk.leader).get(reverse("benefits:ledger"), {"format": "xlsx"})
    assert sheet.status_code == 200
