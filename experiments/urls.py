from django.urls import path

from experiments import views

app_name = "experiments"

urlpatterns = [
    path("staff/experiments/", views.experiment_list, name="list"),
    path("staff/experiments/new/", views.experiment_create, name="create"),
    path("staff/experiments/<int:pk>/", views.experiment_detail, name="detail"),
    path("staff/experiments/<int:pk>/edit/", views.experiment_edit, name="edit"),
    path("staff/experiments/<int:pk>/start/", views.experiment_start, name="start"),
    path("staff/experiments/<int:pk>/finish/", views.experiment_finish, name="finish"),
    path("staff/experiments/<int:pk>/students.csv", views.experiment_csv, name="csv"),
]
