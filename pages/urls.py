"""The composed pages keep their URL names in the namespaces of the apps whose addresses
they are (``accounts:dashboard``, ``portfolios:editor``, ``achievements:edit``,
``journal:detail``, ...). A lower app's urls.py cannot import these views, so
portfolio_site/urls.py adds each list here to its app's patterns."""

from django.urls import path

from pages import cv_views, views

account_patterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("students/<int:pk>/", views.student_detail, name="student-detail"),
]

portfolio_patterns = [
    path("portfolio/", views.editor, name="editor"),
    path("portfolio/profile/", views.profile_edit, name="profile"),
    path("portfolio/preview/<slug:audience>/", views.preview, name="preview"),
    path("portfolio/cv/", cv_views.own_cv, name="cv"),
    path("p/<str:slug>/cv/", cv_views.public_cv, name="public-cv"),
    path("p/<str:slug>/", views.public_page, name="public"),
    path("s/<str:token>/", views.shared_page, name="shared"),
]

achievement_patterns = [
    path("portfolio/achievements/<int:pk>/edit/", views.achievement_edit, name="edit"),
]

journal_patterns = [
    path("p/<str:slug>/journal/", views.post_list, name="list"),
    path("p/<str:slug>/journal/<int:pk>/", views.post_detail, name="detail"),
]
