from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organisations import access
from organisations.models import Role


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is. (Per-role dashboards build on this.)"""
    membership = access.membership_of(request.user)
    if membership is None:
        return render(request, "organisations/no_membership.html", status=403)
    if membership.role in (Role.MANAGER, Role.LEAD, Role.AUDITOR):
        return redirect("incidents:list")
    return render(request, "organisations/home.html", {"membership": membership})
