from django.urls import path

app_name = "audits"
urlpatterns: list = []

# Oversight: record-quality audits and charts (audits/quality/, audits/dashboards.py).
from audits import dashboards  # noqa: E402
from audits.quality import views as quality  # noqa: E402

urlpatterns += [
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
