"""The project's URLs plus a view that fails while holding record text."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from incidents import access as incident_access
from safeguard.urls import urlpatterns as project_urlpatterns


def boom(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incident_access.get_incident_for(request.user, pk)
    # Exceptions often quote data (database errors echo the offending value).
    raise ValueError(f"could not file {incident.summary}: {incident.what_happened}")


urlpatterns = [*project_urlpatterns, path("boom/<int:pk>/", boom, name="boom")]
