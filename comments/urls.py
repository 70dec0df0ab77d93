from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("p/<str:slug>/comments/", views.thread, {"kind": "portfolio"}, name="portfolio"),
    path(
        "p/<str:slug>/achievements/<int:pk>/comments/",
        views.thread,
        {"kind": "achievement"},
        name="achievement",
    ),
    path("p/<str:slug>/journal/<int:pk>/comments/", views.thread, {"kind": "post"}, name="post"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/hide/", views.hide, name="hide"),
    path("comments/<int:pk>/unhide/", views.unhide, name="unhide"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
