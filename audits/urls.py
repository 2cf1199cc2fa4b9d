from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.search_csv, name="search_csv"),
    path("incidents/<int:pk>/", views.incident_history, name="incident_history"),
]
