from django.urls import path

from portfolios import views

app_name = "portfolios"

urlpatterns = [
    path("portfolio/share/", views.share_links, name="share-links"),
    path("portfolio/share/<int:pk>/", views.share_link_visits, name="share-link-visits"),
    path("portfolio/share/<int:pk>/revoke/", views.share_link_revoke, name="share-link-revoke"),
    path("p/<str:slug>/photo/<slug:variant>/", views.photo, name="photo"),
    path("p/<str:slug>/follow/", views.follow, name="follow"),
    path("p/<str:slug>/unfollow/", views.unfollow, name="unfollow"),
    path("following/", views.following_list, name="following"),
    path("s/<str:token>/photo/<slug:variant>/", views.shared_photo, name="shared-photo"),
]
