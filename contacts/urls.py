from django.urls import path

from contacts import views

app_name = "contacts"

urlpatterns = [
    path("contacts/new/<slug:slug>/", views.request_new, name="new"),
    path("contacts/sent/", views.sent_list, name="sent"),
    path("contacts/invitations/", views.inbox, name="inbox"),
    path("contacts/settings/", views.contact_settings, name="settings"),
    path("contacts/<int:pk>/", views.request_detail, name="detail"),
    path("contacts/<int:pk>/answer/", views.request_answer, name="answer"),
    path("contacts/<int:pk>/messages/", views.message_post, name="message"),
    path("contacts/<int:pk>/block/", views.employer_block, name="block"),
    path("contacts/<int:pk>/report/", views.employer_report, name="report"),
    path("contacts/blocked/<int:pk>/unblock/", views.employer_unblock, name="unblock"),
]
