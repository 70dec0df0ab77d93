from django.urls import path

from journal import feeds, views

app_name = "journal"

urlpatterns = [
    path("portfolio/journal/", views.manage, name="manage"),
    path("portfolio/journal/new/", views.post_create, name="create"),
    path("portfolio/journal/<int:pk>/edit/", views.post_edit, name="edit"),
    path("portfolio/journal/<int:pk>/delete/", views.post_delete, name="delete"),
    path("portfolio/journal/<int:pk>/publish/", views.post_publish, name="publish"),
    path(
        "portfolio/journal/attachments/<uuid:public_id>/delete/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path("p/<str:slug>/journal/feed.atom", feeds.PostFeed(), name="feed"),
    path("files/journal/<uuid:public_id>/<slug:variant>/", views.attachment_file, name="file"),
    # The same posts through a secret link: what the link's holder may see, nothing more.
    path("s/<str:token>/journal/", views.shared_post_list, name="shared-list"),
    path("s/<str:token>/journal/<int:pk>/", views.shared_post_detail, name="shared-detail"),
    path(
        "s/<str:token>/journal/files/<uuid:public_id>/<slug:variant>/",
        views.shared_attachment_file,
        name="shared-file",
    ),
]
