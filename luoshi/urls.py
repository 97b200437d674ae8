from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi.api.urls import api
from luoshi.core import views as core_views
from luoshi.dashboard import views as dashboard_views

admin.site.site_header = "落实 · 后台管理"
admin.site.site_title = "落实后台"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz/", core_views.healthz, name="healthz"),
    path("help/", core_views.help_page, name="help"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("luoshi.org.urls")),
    path("notices/", include("luoshi.notices.urls")),
    path("calendar/", include("luoshi.tracking.urls")),
    path("ledger/", include("luoshi.ledger.urls")),
    path("cases/", include("luoshi.cases.urls")),
    path("enterprises/", include("luoshi.enterprises.urls")),
    path("policies/", include("luoshi.policies.urls")),
    path("dashboard/", include("luoshi.dashboard.urls")),
    path("projects/", include("luoshi.projects.urls")),
    path("benefits/", include("luoshi.benefits.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "luoshi.core.views.handler403"
handler404 = "luoshi.core.views.handler404"
