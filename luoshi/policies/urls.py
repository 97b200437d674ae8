from django.urls import path

from luoshi.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.document_edit, name="document_new"),
    path("<int:document_id>/", views.document_detail, name="document"),
    path("<int:document_id>/edit/", views.document_edit, name="document_edit"),
    path("<int:document_id>/attachments/", views.attach, name="attach"),
    path("<int:document_id>/links/", views.link, name="link"),
    path("<int:document_id>/clauses/new/", views.clause_edit, name="clause_new"),
    path("<int:document_id>/intake/", views.notice_intake, name="notice_intake"),
    path("links/<int:link_id>/review/", views.review_link, name="review_link"),
    path("links/<int:link_id>/delete/", views.unlink, name="unlink"),
    path("crosswalk/", views.crosswalk, name="crosswalk"),
    path("clauses/<int:clause_id>/", views.clause_detail, name="clause"),
    path("clauses/<int:clause_id>/edit/", views.clause_edit, name="clause_edit"),
    path("rules/", views.language, name="language"),
    path("rules/preview/", views.rule_preview, name="rule_preview"),
    path("simulate/", views.simulate, name="simulate"),
    path("simulations/<int:simulation_id>/", views.simulation_detail, name="simulation"),
]
