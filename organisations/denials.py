"""Clear denials: one "not found" page, and a role-gated page that says which role it needs.

Another organisation's record, a restricted incident the user is not on, and a
record that does not exist all get the same page, byte for byte: whether a record
exists is itself confidential. Only a refusal that depends on the user's role
alone (a page no one with that role may open, or an action on a record the user
can already see) says which role it needs; it stays a 404 like every denial.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.models import Role

# "This page is for …"
ROLE_PLURALS = {
    Role.MANAGER: "managers",
    Role.LEAD: "safeguarding leads",
    Role.HR: "HR staff",
    Role.AUDITOR: "auditors",
    Role.ADMIN: "organisation admins",
}


class RoleRequired(Http404):
    """Refused for the user's role, never for a record's visibility: raise it only
    before fetching anything by id, or after the user's own access helper has
    already handed them the record."""

    def __init__(self, *roles: str) -> None:
        super().__init__("This page needs another role.")
        self.roles = roles

    @property
    def who(self) -> str:
        names = [ROLE_PLURALS[Role(role)] for role in self.roles]
        if len(names) < 2:
            return "".join(names)
        return f"{', '.join(names[:-1])} and {names[-1]}"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's handler404. Nothing from the exception reaches the page
    except a RoleRequired's roles: messages such as "No such decision." differ
    between views and must not hint at anything."""
    role_needed = exception.who if isinstance(exception, RoleRequired) else ""
    return render(request, "404.html", {"role_needed": role_needed}, status=404)
