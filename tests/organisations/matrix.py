from tests.matrix import NOT_FOUND, OK, Case, roles

ADMIN_ONLY = roles(NOT_FOUND, admin=OK)


def member(w):
    return {"pk": w.users["manager"].membership.pk}


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
]
# Not part of the matrix: public or session plumbing.
PUBLIC = {"healthz", "readyz", "login", "logout"}
