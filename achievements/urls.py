from django.urls import path

from achievements import views

app_name = "achievements"

urlpatterns = [
    path("portfolio/achievements/new/", views.achievement_create, name="create"),
    path("portfolio/achievements/<int:pk>/delete/", views.achievement_delete, name="delete"),
    path(
        "portfolio/achievements/<int:pk>/move/<slug:direction>/",
        views.achievement_move,
        name="move",
    ),
    path(
        "portfolio/achievements/<int:pk>/evidence/", views.evidence_upload, name="evidence-upload"
    ),
    path(
        "portfolio/evidence/<uuid:public_id>/caption/",
        views.evidence_caption,
        name="evidence-caption",
    ),
    path(
        "portfolio/evidence/<uuid:public_id>/delete/",
        views.evidence_delete,
        name="evidence-delete",
    ),
    path("files/<uuid:public_id>/<slug:variant>/", views.evidence_file, name="file"),
    path(
        "s/<str:token>/files/<uuid:public_id>/<slug:variant>/",
        views.shared_evidence_file,
        name="shared-file",
    ),
]
