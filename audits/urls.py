from django.urls import path

from audits import dashboards, views
from audits.quality import views as quality

app_name = "audits"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.search_csv, name="search_csv"),
    path("incidents/<int:pk>/", views.incident_history, name="incident_history"),
    # Oversight: record-quality audits and charts (audits/quality/, audits/dashboards.py).
    path("quality/", quality.quality_list, name="quality_list"),
    path("quality/new/", quality.quality_create, name="quality_create"),
    path("quality/<int:pk>/", quality.quality_detail, name="quality_detail"),
    path("quality/<int:pk>/records/<int:position>/", quality.quality_sample, name="quality_sample"),
    path("quality/<int:pk>/actions/", quality.quality_action, name="quality_action"),
    path("quality/<int:pk>/close/", quality.quality_close, name="quality_close"),
    path("quality/<int:pk>/report/", quality.quality_report, name="quality_report"),
    path("quality/<int:pk>/report.pdf", quality.quality_report_pdf, name="quality_report_pdf"),
    path("charts/", dashboards.charts, name="charts"),
]
