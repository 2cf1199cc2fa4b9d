from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("rules/", views.rules_page, name="rules"),
    path("rules/<slug:code>/", views.override, name="override"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/cqc/", views.cqc_notification, name="cqc"),
]
