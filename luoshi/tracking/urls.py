from django.urls import path

from luoshi.tracking import views

app_name = "tracking"
urlpatterns = [
    path("", views.year_calendar, name="calendar"),
    path("confirm/", views.confirm_year, name="confirm_year"),
]
