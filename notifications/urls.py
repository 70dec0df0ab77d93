from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/unread/", views.unread_badge, name="unread"),
    path("notifications/read-all/", views.mark_all_read, name="mark-all-read"),
    path("notifications/settings/", views.preferences, name="settings"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
