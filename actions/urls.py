from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("new/<slug:kind>/<int:pk>/", views.action_create, name="create"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/complete/", views.action_complete, name="complete"),
    path("<int:pk>/change/", views.action_change, name="change"),
]
