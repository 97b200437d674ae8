from django.urls import path

from luoshi.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
