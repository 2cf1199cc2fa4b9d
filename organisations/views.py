from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organisations import access, services
from organisations.denials import RoleRequired
from organisations.forms import MemberForm, MembershipEditForm, ServiceForm
from organisations.models import Role


def _require_admin(request: HttpRequest) -> None:
    if not access.can_administer(request.user):
        raise RoleRequired(Role.ADMIN)


def _apply(form: MemberForm | MembershipEditForm | ServiceForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def members(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    qs = (
        access.administered_memberships(request.user)
        .prefetch_related("services")
        .order_by("-active", "user__last_name", "user__first_name", "pk")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/members.html",
        {"page": page, "services": access.administered_services(request.user)},
    )


def member_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = MemberForm(request.POST or None, services=access.administered_services(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{membership.display_name} added.")
            return redirect("organisations:members")
    return render(request, "organisations/member_form.html", {"form": form, "title": "Add a user"})


def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    membership = access.get_membership_for(request.user, pk)
    form = MembershipEditForm(
        request.POST or None,
        services=access.administered_services(request.user),
        initial={
            "role": membership.role,
            "job_title": membership.job_title,
            "services": membership.services.all(),
            "active": membership.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(actor=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"{membership.display_name} updated.")
            return redirect("organisations:members")
    return render(
        request,
        "organisations/member_form.html",
        {"form": form, "title": f"Edit {membership.display_name}", "member": membership},
    )


def service_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.add_service(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"Service {service.name} added.")
            return redirect("organisations:members")
    return render(
        request, "organisations/member_form.html", {"form": form, "title": "Add a service"}
    )
