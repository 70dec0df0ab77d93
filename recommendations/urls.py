from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/<str:key>/answer/", views.respond, name="respond"),
]
