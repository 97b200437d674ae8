from django.urls import path

from luoshi.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("workbench/", views.workbench, name="workbench"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:enterprise_id>/", views.enterprise_detail, name="detail"),
    path("<int:enterprise_id>/figures/", views.record_figures, name="figures"),
    path("<int:enterprise_id>/commissioner/", views.assign_commissioner, name="assign"),
    path("<int:enterprise_id>/visits/", views.plan_visit, name="plan_visit"),
    path("<int:enterprise_id>/cases/", views.submit_case, name="submit_case"),
    path("visits/<int:visit_id>/record/", views.record_visit, name="record_visit"),
]
