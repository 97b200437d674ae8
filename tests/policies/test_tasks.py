from datetime import date

from luoshi.notices.models import Notice
from luoshi.policies import services, tasks


def test_window_alerts_reach_reviewers_and_commissioners_of_matches_once(library):
    # 2025-06-10 (Tue): the R&D clause closes 2025-06-13, three working days later.
    first = tasks.send_window_alerts(date(2025, 6, 10))
    assert "申报窗口提醒 1 项" in first
    reviewer = Notice.objects.get(recipient=library.reviewer, cause__startswith="policies.window.closes")
    assert "3个工作日后" in reviewer.title
    commissioner = Notice.objects.get(recipient=library.commissioner)
    assert "1家符合条件" in commissioner.body  # he serves a, which qualifies
    assert not Notice.objects.filter(recipient=library.swj_reviewer).exists()
    tasks.send_window_alerts(date(2025, 6, 10))
    assert Notice.objects.filter(cause__startswith="policies.window").count() == 2


def test_a_window_opening_soon_is_announced_and_a_moved_window_again(library):
    services.update_clause(library.reviewer, library.rd, opens_on=date(2025, 6, 16), closes_on=date(2025, 6, 30))
    assert "1 项" in tasks.send_window_alerts(date(2025, 6, 10))
    assert Notice.objects.filter(recipient=library.reviewer, cause__contains="opens:").count() == 1
    services.update_clause(library.reviewer, library.rd, opens_on=date(2025, 6, 17))
    tasks.send_window_alerts(date(2025, 6, 10))
    assert Notice.objects.filter(recipient=library.reviewer, cause__contains="opens:").count() == 2


def test_nothing_due_sends_nothing(library):
    assert tasks.send_window_alerts(date(2025, 1, 6)) == "无即将开始或截止的申报窗口"
    assert not Notice.objects.filter(cause__startswith="policies.window").exists()
