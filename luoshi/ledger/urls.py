from django.urls import path

from luoshi.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.task_list, name="tasks"),
    path("export.xlsx", views.task_export, name="export"),
    path("import/", views.import_ledger, name="import"),
    path("import/errors.xlsx", views.import_errors, name="import_errors"),
    path("intake/", views.intake_page, name="intake"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/report/", views.report_submit, name="report"),
    path("tasks/<int:task_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("tasks/<int:task_id>/evaluate/", views.task_evaluate, name="evaluate"),
    path("tasks/<int:task_id>/close/", views.task_close, name="close"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("reports/<int:report_id>/review/", views.report_review, name="review"),
    path("notices/<int:notice_id>/", views.supervision_notice, name="supervision_notice"),
    path("inbox/", views.reporter_inbox, name="inbox"),
    path("review/", views.review_queue, name="review_queue"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<int:indicator_id>/", views.indicator_detail, name="indicator"),
]
