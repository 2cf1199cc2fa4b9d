from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/sign-in-link/", views.sign_in_link, name="sign_in_link"),
    path("services/new/", views.service_create, name="service_create"),
    path("role-requests/", views.role_requests, name="role_requests"),
    path("role-requests/<int:pk>/decide/", views.role_request_decide, name="role_request_decide"),
]
