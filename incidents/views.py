from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from incidents import access, prior, references, services
from incidents.forms import (
    AmendmentForm,
    BodyMarkForm,
    EntryForm,
    EvidenceForm,
    GrantForm,
    IncidentFilterForm,
    IncidentForm,
    PersonLinkForm,
    RestrictForm,
    RevokeForm,
    StatusForm,
)
from incidents.models import EvidenceFile, Incident, NeedToKnowGrant, Person
from incidents.pagination import capped_page
from incidents.person_choices import log_found
from incidents.queries import chronology_window
from organisations import access as org_access
from organisations.audit import log_access, log_listed
from organisations.denials import RoleRequired
from organisations.models import Actor, Role
from organisations.reauth import reauthentication_required
from organisations.web import (
    REFUSED,
    apply_service_errors,
    submit,
    submit_and_redirect,
    submit_or_message,
)

PAGE_SIZE = 25


def _require_reader(request: HttpRequest) -> None:
    membership = org_access.require_membership(request.user)
    if membership.role not in org_access.INCIDENT_READERS:
        raise RoleRequired(*org_access.INCIDENT_READERS)


def incident_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = IncidentFilterForm(request.GET or None, user=request.user)
    qs = access.visible_incidents(request.user).select_related("service")
    if form.is_bound and form.is_valid():
        qs = form.apply(qs)
    qs = qs.prefetch_related("people").order_by("-became_aware_at", "-pk")
    page = capped_page(qs, PAGE_SIZE, request.GET.get("page"))
    filtered = any(v for k, v in request.GET.items() if k != "page")
    log_listed(
        Incident, page, view="incident_search" if filtered else "incident_list", query=request.GET
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "incidents/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": filtered,
            "can_create": access.can_create_incident(request.user),
        },
    )


def incident_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_incident(request.user):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    if request.method == "POST" and "find" in request.POST:
        # "Find" (an adult by name, when there are too many to list): the same
        # form again with what was typed, nothing validated or saved.
        found = IncidentForm.carried_over(request.POST, user=request.user)
        log_found(found.people_offer)
        return render(request, "incidents/form.html", {"form": found, "prior_concerns": []})
    form = IncidentForm(request.POST or None, user=request.user)
    earlier: list[prior.PriorConcerns] = []
    if request.method == "POST":
        valid = form.is_valid()
        # Shown whenever the adults chosen are known, so nothing typed is lost
        # and the second submit can confirm them (works without JavaScript).
        # An empty POST leaves the form unbound, without cleaned_data.
        chosen = form.cleaned_data.get("people") if form.is_bound else None
        earlier = prior.prior_concerns(request.user, chosen or [])
        if valid:
            saved = submit_and_redirect(
                request,
                form,
                _create_incident,
                success=lambda incident: f"Incident {incident.reference} logged.",
                redirect_to=lambda incident: reverse("incidents:detail", args=[incident.pk]),
                actor=request.user,
                data=form.cleaned_data,
                shown=form.shown_ids(),
            )
            if saved:
                return saved
    if earlier:
        form.show_prior_concerns(prior.names(earlier), prior.shown_ids(earlier))
        log_listed(
            Incident,
            [incident for group in earlier for incident in group.incidents],
            view="prior_concerns",
        )
    log_found(form.people_offer)
    return render(request, "incidents/form.html", {"form": form, "prior_concerns": earlier})


def _create_incident(*, actor: Actor, data: dict[str, Any], shown: set[int]) -> Incident:
    """The incident and, when the form names one, a new person: both or neither."""
    new_person = None
    if data["new_given_name"]:
        new_person = {
            "given_name": data["new_given_name"],
            "family_name": data["new_family_name"],
            "preferred_name": data["new_preferred_name"],
            "date_of_birth": data["new_date_of_birth"],
            "service": data["service"],
        }
    return prior.log_incident(
        actor=actor,
        submission=data["submission"],
        acknowledged=data["acknowledge_prior"],
        shown=shown,
        people=list(data["people"]),
        new_person=new_person,
        service=data["service"],
        categories=data["categories"],
        summary=data["summary"],
        what_happened=data["what_happened"],
        occurred_at=data["occurred_at"],
        became_aware_at=data["became_aware_at"],
        raised_by=data["raised_by"],
        risk_level=data["risk_level"],
        persons_views=data["persons_views"],
        desired_outcomes=data["desired_outcomes"],
        capacity_considerations=data["capacity_considerations"],
        views_status=data["views_status"],
        views_not_asked_reason=data["views_not_asked_reason"],
    )


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    log_access(incident, view="incident")
    can_record = access.can_record_on(request.user, incident)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "people": incident.people.all(),
            "person_links": incident.person_links.select_related("person").order_by("pk"),
            "chronology": chronology_window(incident, request.GET.get("entries")),
            "transitions": incident.transitions.select_related("changed_by"),
            "record_findings": services.current_findings(incident),
            "entry_findings": incident.record_findings.filter(entry__isnull=False)
            .select_related("entry")
            .order_by("entry__occurred_at", "pk"),
            "can_record": can_record,
            "can_manage_need_to_know": access.can_manage_need_to_know(request.user, incident),
            "referral_references": references.recorded_elsewhere(incident, request.user),
            "prior_acknowledgements": prior.acknowledgements_of(request.user, incident),
            "status_form": StatusForm(incident=incident) if can_record else None,
        },
    )


def entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_record_on(request.user, incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    form = EntryForm(request.POST or None, incident=incident)
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.add_entry,
            success="Chronology entry added.",
            redirect_to=reverse("incidents:detail", args=[incident.pk]),
            actor=request.user,
            incident=incident,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(incident, view="entry_create")
    return render(request, "incidents/entry_form.html", {"form": form, "incident": incident})


def entry_amend(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_record_on(request.user, incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    entry = access.get_entry_of(incident, entry_pk)
    latest = entry.amendments.order_by("-created_at", "-pk").first()
    form = AmendmentForm(
        request.POST or None, initial={"new_text": latest.new_text if latest else entry.facts}
    )
    if request.method == "POST" and form.is_valid():
        saved = submit_and_redirect(
            request,
            form,
            services.amend_entry,
            success="Amendment saved. The original entry remains visible.",
            redirect_to=reverse("incidents:detail", args=[incident.pk]),
            actor=request.user,
            entry=entry,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(entry, view="entry_amend")
    return render(
        request,
        "incidents/amend_form.html",
        {"form": form, "incident": incident, "entry": entry},
    )


@require_POST
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_change_status(request.user, incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    if request.POST.get("version") != str(incident.version):
        # The form's status choices came from the old version: say so first.
        messages.error(request, services.ConcurrentChange.message)
        return redirect("incidents:detail", pk=incident.pk)
    form = StatusForm(request.POST, incident=incident)
    if form.is_valid():
        submit_or_message(
            request,
            services.change_status,
            # Read after the service: the status it moved the incident to.
            success=lambda _: f"Status changed to {incident.get_status_display()}.",
            rollback=True,
            actor=request.user,
            incident=incident,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
            closure_outcome=form.cleaned_data["closure_outcome"],
            outcomes_achieved=form.cleaned_data["outcomes_achieved"],
            expected_version=form.cleaned_data["version"],
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("incidents:detail", pk=incident.pk)


def _form_errors(form: Any) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@reauthentication_required
def need_to_know(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_manage_need_to_know(request.user, incident):
        raise RoleRequired(Role.LEAD)
    form = GrantForm(
        request.POST or None, actor=request.user, initial={"version": incident.version}
    )
    if request.method == "POST" and form.is_valid():
        grant = submit(
            form,
            services.grant_need_to_know,
            actor=request.user,
            incident=incident,
            user=form.cleaned_data["user"],
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
        if grant is not REFUSED:
            name = grant.user.get_full_name() or grant.user.get_username()
            messages.success(request, f"{name} added to the need-to-know list.")
            return redirect("incidents:need_to_know", pk=incident.pk)
    grants = NeedToKnowGrant.objects.filter(incident=incident).select_related(
        "user", "granted_by", "revoked_by"
    )
    log_access(incident, view="need_to_know")
    return render(
        request,
        "incidents/need_to_know.html",
        {"incident": incident, "form": form, "grants": grants},
    )


@require_POST
@reauthentication_required
def need_to_know_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_manage_need_to_know(request.user, incident):
        raise RoleRequired(Role.LEAD)
    grant = access.get_grant_of(incident, grant_pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        submit_or_message(
            request,
            services.revoke_need_to_know,
            success="Access revoked.",
            rollback=True,
            actor=request.user,
            grant=grant,
            reason=form.cleaned_data["revoke_reason"],
            expected_version=form.cleaned_data["version"],
        )
    else:
        messages.error(request, "Say why access is being removed. " + _form_errors(form))
    return redirect("incidents:need_to_know", pk=incident.pk)


@require_POST
@reauthentication_required
def restrict(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_manage_need_to_know(request.user, incident):
        raise RoleRequired(Role.LEAD)
    form = RestrictForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    submit_or_message(
        request,
        services.set_restricted,
        success=lambda _: (
            "Incident restricted to safeguarding leads and the need-to-know list."
            if incident.restricted
            else "Restriction lifted."
        ),
        rollback=True,
        actor=request.user,
        incident=incident,
        restricted=form.cleaned_data["restricted"],
        expected_version=form.cleaned_data["version"],
    )
    return redirect("incidents:need_to_know", pk=incident.pk)


def person_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    # PostgreSQL text cannot hold NUL: a hand-edited URL must not become a 500.
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    qs = access.visible_people(request.user).select_related("service")
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(given_name__icontains=q) | Q(family_name__icontains=q))
    page = capped_page(
        qs.order_by("family_name", "given_name", "pk"), PAGE_SIZE, request.GET.get("page")
    )
    log_listed(Person, page, view="person_search" if q else "person_list", query=request.GET)
    return render(request, "incidents/person_list.html", {"page": page, "q": q})


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, pk)
    log_access(person, view="person")
    incidents = (
        access.visible_incidents(request.user)
        .filter(people=person)
        .select_related("service")
        .order_by("-became_aware_at")
    )
    return render(
        request, "incidents/person_detail.html", {"person": person, "incidents": incidents}
    )


# --- People around an incident (issue 21) ------------------------------------


def person_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone named on an incident besides the adults at risk."""
    incident = access.get_incident_for(request.user, pk)
    links = incident.person_links.select_related("person", "created_by").order_by(
        "role", "person__family_name", "person__given_name", "pk"
    )
    log_access(incident, view="person_links")
    return render(
        request,
        "incidents/person_links.html",
        {
            "incident": incident,
            "links": links,
            "can_record": access.can_record_on(request.user, incident),
        },
    )


def person_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_record_on(request.user, incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    form = PersonLinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():

        def show(exc: ValidationError) -> None:
            if isinstance(exc, services.PossibleDuplicate):
                # The service's savepoint is already undone; the page below still queries.
                form.offer(exc.people)
            apply_service_errors(form, exc)

        saved = submit_and_redirect(
            request,
            form,
            services.link_person,
            success=lambda link: (
                f"{link.person.full_name} added as {link.get_role_display().lower()}."
            ),
            redirect_to=reverse("incidents:person_links", args=[incident.pk]),
            show=show,
            actor=request.user,
            incident=incident,
            **form.cleaned_data,
        )
        if saved:
            return saved
    log_access(incident, view="person_link_create")
    return render(request, "incidents/person_link_form.html", {"form": form, "incident": incident})


def linked_person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person around incidents, and their part in each incident the viewer may see."""
    person = access.get_linked_person_for(request.user, pk)
    log_access(person, view="linked_person")
    links = (
        access.visible_person_links(request.user)
        .filter(person=person)
        .select_related("incident")
        .order_by("-incident__became_aware_at", "pk")
    )
    return render(
        request, "incidents/linked_person_detail.html", {"person": person, "links": links}
    )


# --- Evidence files (issue 21) -------------------------------------------------


def evidence_upload(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    incident = access.get_incident_for(request.user, pk)
    if not access.can_record_on(request.user, incident):
        raise RoleRequired(*access.INCIDENT_WRITERS)
    entry = access.get_entry_of(incident, entry_pk)
    form = EvidenceForm(
        request.POST or None, request.FILES or None, files=EvidenceFile.objects.filter(entry=entry)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = submit_and_redirect(
            request,
            form,
            services.add_evidence,
            success=lambda evidence: f"{evidence.original_name} added to the entry.",
            redirect_to=f"{incident_url(incident)}#entry-{entry.pk}",
            actor=request.user,
            entry=entry,
            upload=data["file"],
            description=data["description"],
            replaces=data["replaces"],
            correction_reason=data["correction_reason"],
        )
        if saved:
            return saved
    log_access(entry, view="evidence_upload")
    return render(
        request,
        "incidents/evidence_form.html",
        {"form": form, "incident": incident, "entry": entry},
    )


def incident_url(incident: Incident) -> str:
    from django.urls import reverse

    return reverse("incidents:detail", args=[incident.pk])


def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """The file itself, only through the incident's access rules, always as a
    download: never shown inline, never sniffed into something that runs."""
    incident = access.get_incident_for(request.user, pk)
    evidence = access.get_evidence_of(incident, evidence_pk)
    return attachment(evidence, view="evidence_download")


def attachment(evidence: Any, *, view: str) -> FileResponse:
    """An evidence file the caller obtained through its record's access rules,
    logged and sent as a download (also used by the decision and allegation
    apps): never shown inline, never sniffed into something that runs."""
    from incidents.uploads import evidence_storage

    try:
        handle = evidence_storage().open(evidence.storage_name, "rb")
    except FileNotFoundError as exc:
        raise Http404("evidence file missing from storage") from exc
    log_access(evidence, view=view)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Body maps (issue 21) ------------------------------------------------------


def body_map(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """An entry's body map: the marks so far (picture and list) and, for those
    who may record on the incident, the form to add one."""
    from incidents.bodymaps import place
    from incidents.queries import body_marks

    incident = access.get_incident_for(request.user, pk)
    entry = access.get_entry_of(incident, entry_pk)
    can_record = access.can_record_on(request.user, incident)
    if request.method == "POST" and not can_record:
        raise RoleRequired(*access.INCIDENT_WRITERS)
    form = None
    if can_record:
        form = BodyMarkForm(request.POST or None, entry=entry, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            view, region = data["location"]
            mark = submit(
                form,
                services.add_body_mark,
                actor=request.user,
                entry=entry,
                view=view,
                region=region,
                description=data["description"],
                size=data["size"],
                colour=data["colour"],
                seen_by=data["seen_by"],
                seen_at=data["seen_at"],
                corrects=data["corrects"],
                correction_reason=data["correction_reason"],
            )
            if mark is not REFUSED:
                messages.success(request, f"Mark added: {mark.region_label}.")
                return redirect(f"{incident_url(incident)}#entry-{entry.pk}")
    log_access(entry, view="body_map")
    placed = place(*body_marks([entry.pk]).get(entry.pk, ([], {})))
    return render(
        request,
        "incidents/body_map.html",
        {"form": form, "incident": incident, "entry": entry, "placed": placed},
    )
