from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from organisations import access, services, signin
from organisations.denials import RoleRequired
from organisations.forms import (
    MemberForm,
    MembershipEditForm,
    RoleDecisionForm,
    ServiceForm,
)
from organisations.models import Membership, Role
from organisations.paging import plain_page
from organisations.reauth import reauthentication_required
from organisations.web import REFUSED, submit, submit_and_redirect, submit_or_message


def _require_admin(request: HttpRequest) -> None:
    if not access.can_administer(request.user):
        raise RoleRequired(Role.ADMIN)


def members(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    qs = (
        access.administered_memberships(request.user)
        .prefetch_related("services")
        .order_by("-active", "user__last_name", "user__first_name", "pk")
    )
    page = plain_page(qs, 50, request.GET.get("page"))
    pending_ids = set(
        access.administered_role_requests(request.user)
        .filter(state="pending", membership__in=[m.pk for m in page.object_list])
        .values_list("membership_id", flat=True)
    )
    return render(
        request,
        "organisations/members.html",
        {
            "page": page,
            "services": access.administered_services(request.user),
            "pending_ids": pending_ids,
        },
    )


def _link_url(request: HttpRequest, issued: signin.IssuedLink) -> str:
    return request.build_absolute_uri(reverse("welcome", args=[issued.token]))


def _show_link(
    request: HttpRequest, membership: Membership, issued: signin.IssuedLink
) -> HttpResponse:
    """The one time a sign-in link is shown: rendered, never stored or redirected."""
    return render(
        request,
        "organisations/sign_in_link.html",
        {
            "member": membership,
            "url": _link_url(request, issued),
            "expires_at": issued.link.expires_at,
        },
    )


def member_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    membership = access.require_membership(request.user)
    form = MemberForm(
        request.POST or None,
        services=access.administered_services(request.user),
        sign_in_code=membership.organisation.sign_in_code,
    )
    if request.method == "POST" and form.is_valid():
        added = submit(form, services.add_member, actor=request.user, **form.cleaned_data)
        if added is not REFUSED:
            if added.link is not None:
                messages.success(request, f"{added.membership.display_name} added.")
                return _show_link(request, added.membership, added.link)
            messages.success(
                request,
                f"{added.membership.display_name} added. The "
                f"{added.membership.get_role_display()} role waits for a safeguarding "
                "lead's approval; the lead who approves it receives the sign-in link to "
                "hand over.",
            )
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
        role_request = submit(
            form,
            services.update_member,
            actor=request.user,
            membership=membership,
            **form.cleaned_data,
        )
        if role_request is not REFUSED:
            if role_request is not None:
                messages.success(
                    request,
                    f"{membership.display_name} updated. The "
                    f"{role_request.get_role_display()} role waits for a safeguarding "
                    "lead's approval.",
                )
            else:
                messages.success(request, f"{membership.display_name} updated.")
            return redirect("organisations:members")
    return render(
        request,
        "organisations/member_form.html",
        {
            "form": form,
            "title": f"Edit {membership.display_name}",
            "member": membership,
            "pending": access.pending_role_request_of(membership),
            "can_issue_link": access.may_issue_sign_in_link(request.user, membership)
            and signin.awaiting_set_up(membership.user),
        },
    )


@require_POST
@reauthentication_required
def sign_in_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a new one-time link for an account not yet set up (the old one ends)."""
    membership = access.get_sign_in_link_membership_for(request.user, pk)
    issued = submit_or_message(
        request, services.reissue_sign_in_link, actor=request.user, membership=membership
    )
    if issued is REFUSED:
        return redirect("home")
    return _show_link(request, membership, issued)


def role_requests(request: HttpRequest) -> HttpResponse:
    """Leads: role requests to decide, the history, and accounts awaiting set-up."""
    return _role_requests_page(request)


def _role_requests_page(
    request: HttpRequest, *, failed: Any = None, form: RoleDecisionForm | None = None
) -> HttpResponse:
    """The role-requests page; after a refused decision, ``failed`` (the request)
    shows the error summary and ``form``'s errors by that request's fields."""
    if not access.has_role(request.user, "lead"):
        raise Http404
    history = access.role_requests_for_lead(request.user).exclude(state="pending")
    page = plain_page(history, 50, request.GET.get("page"))
    errors: list[tuple[str, str]] = []
    reason_errors: list[str] = []
    if failed is not None and form is not None:
        reason_errors = [str(e) for e in form.errors.get("reason", [])]
        errors.extend((str(e), "") for e in form.non_field_errors())
        errors.extend(
            (f"Decision: {e}", f"#approve-{failed.pk}") for e in form.errors.get("decision", [])
        )
        errors.extend((f"Reason: {e}", f"#reason-{failed.pk}") for e in reason_errors)
    return render(
        request,
        "organisations/role_requests.html",
        {
            "pending": list(access.pending_role_requests(request.user).order_by("requested_at")),
            "page": page,
            "awaiting": list(access.awaiting_set_up_for_lead(request.user)[:50]),
            "decide_errors": errors,
            "failed_pk": failed.pk if failed is not None else None,
            "failed_reason": form["reason"].value() if failed is not None and form else "",
            "reason_errors": reason_errors,
        },
    )


@require_POST
@reauthentication_required
def role_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    role_request = access.get_role_request_for(request.user, pk)
    form = RoleDecisionForm(request.POST)
    if form.is_valid():
        decision = submit(
            form,
            services.decide_role_request,
            actor=request.user,
            role_request=role_request,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
        if decision is not REFUSED:
            member = role_request.membership
            if decision.role_request.state == "approved":
                messages.success(
                    request,
                    f"Approved: {member.display_name} is now "
                    f"{decision.role_request.get_role_display()}.",
                )
                if decision.link is not None:
                    return _show_link(request, member, decision.link)
            else:
                messages.success(request, f"Refused: {member.display_name}'s role request.")
            return redirect("organisations:role_requests")
    # The page again, with the summary and the error by this request's field.
    return _role_requests_page(request, failed=role_request, form=form)


def service_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.add_service,
            success=lambda service: f"Service {service.name} added.",
            redirect_to=reverse("organisations:members"),
            actor=request.user,
            **form.cleaned_data,
        )
        if saved:
            return saved
    return render(
        request, "organisations/member_form.html", {"form": form, "title": "Add a service"}
    )
