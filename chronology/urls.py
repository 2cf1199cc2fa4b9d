from django.urls import path

from chronology import views

app_name = "chronology"
urlpatterns = [
    path("incident/<int:pk>/", views.timeline_view, name="timeline"),
    path("incident/<int:pk>/export/", views.export_create, name="export_create"),
    path("exports/", views.export_register, name="exports"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("verify/", views.verify, name="verify"),
]
