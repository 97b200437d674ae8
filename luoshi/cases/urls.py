from django.urls import path

from luoshi.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("queue/", views.unit_queue, name="queue"),
    path("dispatch/", views.dispatch_queue, name="dispatch"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/act/", views.case_act, name="act"),
]
