from tests.matrix import NOT_FOUND, OK, Case, roles

ADMIN_ONLY = roles(NOT_FOUND, admin=OK)
LEAD_ONLY = roles(NOT_FOUND, lead=OK)


def member(w):
    return {"pk": w.users["manager"].membership.pk}


def role_request(w):
    """A pending request (admin asks: manager_dom becomes an auditor)."""
    from organisations import services
    from organisations.models import Role, RoleRequest

    membership = w.users["manager_dom"].membership
    pending = RoleRequest.objects.filter(membership=membership, state="pending").first()
    if pending is None:
        pending = services.update_member(
            actor=w.users["admin"],
            membership=membership,
            role=Role.AUDITOR,
            services=[w.dom],
            active=True,
            reason="Permission matrix",
        )
    return {"pk": pending.pk}


def new_manager_account(w):
    """A manager account created in the app, not yet set up through its link."""
    from organisations import services

    if "new_manager_account" not in w.objects:
        added = services.add_member(
            actor=w.users["admin"],
            username="matrix-manager",
            first_name="Matrix",
            last_name="Manager",
            email="matrix-manager@example.org",
            role="manager",
            services=[w.home],
        )
        w.objects["new_manager_account"] = added.membership
    return {"pk": w.objects["new_manager_account"].pk}


def new_hr_account(w):
    """An HR account an admin asked for and a lead approved, not yet set up."""
    from organisations import services

    if "new_hr_account" not in w.objects:
        added = services.add_member(
            actor=w.users["admin"],
            username="matrix-hr",
            first_name="Matrix",
            last_name="HR",
            email="matrix-hr@example.org",
            role="hr",
            reason="Permission matrix",
        )
        services.decide_role_request(
            actor=w.users["lead"], role_request=added.role_request, approve=True
        )
        w.objects["new_hr_account"] = added.membership
    return {"pk": w.objects["new_hr_account"].pk}


CASES = [
    Case("home", expect=roles(OK)),
    Case("password_change", expect=roles(OK)),
    Case("password_change_done", expect=roles(OK)),
    Case("organisations:members", expect=ADMIN_ONLY),
    Case("organisations:member_create", expect=ADMIN_ONLY),
    Case("organisations:member_edit", member, ADMIN_ONLY),
    Case("organisations:service_create", expect=ADMIN_ONLY),
    # The outsider org's admin cannot open our members: 404 like everything else.
    Case(
        "organisations:member_edit",
        lambda w: {"pk": w.users["outsider"].membership.pk},
        roles(NOT_FOUND),
        label="other organisation",
    ),
    # Separation of duties: leads decide role requests; nobody else sees them.
    # The outsider is a lead of another organisation: their own (empty) list.
    Case("organisations:role_requests", expect=roles(NOT_FOUND, lead=OK, outsider=OK)),
    Case(
        "organisations:role_request_decide",
        role_request,
        LEAD_ONLY,
        method="post",
        data=lambda w: {"decision": "approve"},
    ),
    # One-time sign-in links: admins for manager/admin accounts, leads for
    # lead/HR/auditor accounts; never the other way round.
    Case("organisations:sign_in_link", new_manager_account, ADMIN_ONLY, method="post"),
    Case(
        "organisations:sign_in_link",
        new_hr_account,
        LEAD_ONLY,
        method="post",
        label="HR account",
    ),
]
# Not part of the matrix: public or session plumbing. "welcome" answers only to
# a valid one-time link (tests/organisations/test_sign_in_links.py).
PUBLIC = {"healthz", "readyz", "login", "logout", "welcome"}
