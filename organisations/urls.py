from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("services/new/", views.service_create, name="service_create"),
]
