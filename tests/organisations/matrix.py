from tests.matrix import NOT_FOUND, OK, Case, roles

CASES = [
    Case("home", expect=roles(OK)),
    Case("password_change", expect=roles(OK)),
    Case("password_change_done", expect=roles(OK)),
]
# Not part of the matrix: public or session plumbing.
PUBLIC = {"healthz", "readyz", "login", "logout"}
_ = NOT_FOUND
