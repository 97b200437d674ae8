import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.benefits import services
from luoshi.benefits.models import BudgetAccount, BudgetEntry

pytestmark = pytest.mark.django_db
API = "/api/v1/benefits"


def _second_review(w):
    app = services.start(w.enterprise_a, w.a, w.rd, today=w.today)
    services.add_material(w.enterprise_a, app, name="申报表", upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    services.submit(w.enterprise_a, app, today=w.today, **w.account)
    services.review(w.reviewer, app, "accept")
    services.review(w.reviewer, app, "pass")
    return app


def test_checkup_api_is_scoped(desk, login):
    data = login(desk.enterprise_a).get(f"{API}/checkup/{desk.a.pk}").json()
    assert [m["clause_id"] for m in data["claimable"]] == [desk.rd.pk]
    assert login(desk.enterprise_b).get(f"{API}/checkup/{desk.a.pk}").status_code == 404


def test_approval_with_the_same_idempotency_key_reserves_once(desk, login):
    app = _second_review(desk)
    client = login(desk.reviewer)
    for _ in range(3):
        response = client.post(
            f"{API}/applications/{app.pk}/review",
            {"action": "approve"},
            content_type="application/json",
            headers={"Idempotency-Key": "approve-7"},
        )
        assert response.status_code == 200
        assert response.json()["state"] == "publicity"
    assert BudgetAccount.objects.get(clause=desk.rd).reserved == 120000
    assert BudgetEntry.objects.get(application=app).idempotency_key == "approve-7"


def test_other_departments_and_enterprises_are_refused(desk, login):
    app = _second_review(desk)
    body = {"action": "approve"}
    assert (
        login(desk.swj_reviewer)
        .post(f"{API}/applications/{app.pk}/review", body, content_type="application/json")
        .status_code
        == 404
    )
    denied = login(desk.enterprise_a).post(f"{API}/applications/{app.pk}/review", body, content_type="application/json")
    assert denied.status_code == 403
    assert "审核" in denied.json()["message"]
    assert login(desk.enterprise_b).get(f"{API}/applications/{app.pk}").status_code == 404
    bad = login(desk.reviewer).post(
        f"{API}/applications/{app.pk}/review", {"action": "return"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["field"] == "reason"
