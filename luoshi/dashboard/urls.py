from django.urls import path

from luoshi.dashboard import briefing_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("screen/", views.screen, name="screen"),
    path("briefings/", briefing_views.archive, name="briefings"),
    path("briefings/generate/", briefing_views.generate_now, name="briefing_generate"),
    path("briefings/<int:briefing_id>/<str:kind>/", briefing_views.download, name="briefing_download"),
]
