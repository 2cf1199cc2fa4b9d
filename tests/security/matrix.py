"""Two-step verification pages: every signed-in user manages their own factor."""

from tests.matrix import OK, Case, roles

CASES = [
    Case("mfa:manage", expect=roles(OK)),
    Case("mfa:enrol", expect=roles(OK)),
    # Without a device, verify sends the user to set one up (a redirect, not login).
    Case("mfa:verify", expect=roles(OK)),
    Case("mfa:reauth", expect=roles(OK)),
    # Without a device there is nothing to regenerate: back to set-up.
    Case("mfa:recovery_codes", expect=roles(OK), method="post"),
]
