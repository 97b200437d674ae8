from django.urls import path

from luoshi.benefits import views

app_name = "benefits"
urlpatterns = [
    path("checkup/", views.checkup_home, name="checkup_home"),
    path("checkup/<int:enterprise_id>/", views.checkup, name="checkup"),
    path("apply/<int:enterprise_id>/<int:clause_id>/", views.apply, name="apply"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("applications/<int:application_id>/materials/", views.add_material, name="material"),
    path("applications/<int:application_id>/submit/", views.submit, name="submit"),
    path("applications/<int:application_id>/confirm/", views.confirm, name="confirm"),
    path("applications/<int:application_id>/act/", views.act, name="act"),
    path("applications/<int:application_id>/pay/", views.pay, name="pay"),
    path("objections/<int:objection_id>/resolve/", views.resolve, name="resolve"),
    path("queue/", views.queue, name="queue"),
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/<int:application_id>/objection/", views.object_to, name="object"),
    path("clauses/<int:clause_id>/", views.clause_matches, name="clause_matches"),
    path("ledger/", views.ledger, name="ledger"),
    path("effect/<int:clause_id>/", views.effect, name="effect"),
    path("chain/<int:document_id>/", views.chain, name="chain"),
]
