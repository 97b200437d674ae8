from django.urls import path

from luoshi.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("board/", views.board, name="board"),
    path("export.xlsx", views.project_export, name="export"),
    path("import/", views.import_projects, name="import"),
    path("import/errors.xlsx", views.import_errors, name="import_errors"),
    path("new/", views.project_create, name="create"),
    path("<int:project_id>/", views.project_detail, name="project"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/report/", views.report_submit, name="report"),
    path("<int:project_id>/plan/", views.plan_set, name="plan"),
    path("<int:project_id>/stage/", views.stage_move, name="stage"),
    path("<int:project_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:project_id>/reopen/", views.reopen, name="reopen"),
    path("<int:project_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:project_id>/problems/", views.problem_raise, name="problem_raise"),
    path("<int:project_id>/photos/", views.photos_upload, name="photos"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("problems/<int:problem_id>/escalate/", views.problem_escalate, name="problem_escalate"),
    path("problems/<int:problem_id>/resolve/", views.problem_resolve, name="problem_resolve"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("reserve/", views.reserve, name="reserve"),
    path("funds/", views.funds, name="funds"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/target/", views.fund_target, name="fund_target"),
    path("funds/<int:fund_id>/", views.fund_detail, name="fund"),
    path("funds/<int:fund_id>/<slug:action>/", views.fund_action, name="fund_action"),
]
