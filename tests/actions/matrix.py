"""Who may open each agreed-action page: an action is visible exactly where
its source is; agreeing, changing and completing follow the source's writers
(completing: the owner too). "My work" opens for everyone and shows only what
the reader may see."""

from tests.actions import factories as f
from tests.matrix import HIDDEN, NOT_FOUND, OK, SUBJECTS, Case, links_to, roles, subject_roles

READERS = roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK)
WRITERS = roles(NOT_FOUND, manager=OK, lead=OK)
LEAD_ONLY = roles(NOT_FOUND, lead=OK)
OUTSIDER_ONLY = roles(NOT_FOUND, outsider=OK)
SG_SIDE = roles(NOT_FOUND, lead=OK, manager=OK)
HR_ONLY = roles(NOT_FOUND, hr=OK)
SUBJECT = SUBJECTS


def _pk(build):
    return lambda w: {"pk": build(w).pk}


def _source(slug, build):
    return lambda w: {"kind": slug, "pk": build(w).pk}


def _sg_decision(w):
    from tests.allegations.factories import with_content

    with_content(w)
    return w.objects["sg_decision"]


def _hr_decision(w):
    from tests.allegations.factories import with_content

    with_content(w)
    return w.objects["hr_decision"]


def _other_decision(w):
    from tests.disclosures.factories import make_decision

    return make_decision(w.users["outsider"], w.objects["other_incident"])


def _subject_decision(w):
    from tests.allegations.factories import subject_case

    subject_case(w)
    return w.objects["subject_decision"]


def _overdue_subject_action(w):
    if "overdue_subject_action" not in w.objects:
        w.objects["overdue_subject_action"] = f.overdue(w, "lead", _subject_decision(w))
    return w.objects["overdue_subject_action"]


CASES = [
    Case("actions:create", _source("decision", f.decision), WRITERS),
    Case("actions:create", _source("decision", f.decision), WRITERS, method="post", label="empty"),
    Case("actions:create", _source("meeting", f.meeting), WRITERS, label="meeting"),
    Case(
        "actions:create",
        _source("safeguarding-decision", _sg_decision),
        SG_SIDE,
        label="safeguarding decision",
    ),
    Case("actions:create", _source("hr-decision", _hr_decision), HR_ONLY, label="HR decision"),
    Case(
        "actions:create",
        _source("decision", _other_decision),
        OUTSIDER_ONLY,
        label="other organisation",
    ),
    Case(
        "actions:create",
        _source("decision", _subject_decision),
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case("actions:detail", _pk(f.decision_action), READERS),
    Case("actions:detail", _pk(f.restricted_action), LEAD_ONLY, label="restricted"),
    Case("actions:detail", _pk(f.other_action), OUTSIDER_ONLY, label="other organisation"),
    Case(
        "actions:detail",
        _pk(lambda w: f.side_action(w, "safeguarding")),
        SG_SIDE,
        label="safeguarding side",
    ),
    Case("actions:detail", _pk(lambda w: f.side_action(w, "hr")), HR_ONLY, label="HR side"),
    Case(
        "actions:detail",
        _pk(f.subject_action),
        subject_roles(NOT_FOUND, manager=OK, lead=OK, auditor=OK),
        label=SUBJECT,
    ),
    Case("actions:complete", _pk(f.decision_action), WRITERS),
    Case("actions:complete", _pk(f.decision_action), WRITERS, method="post", label="empty"),
    Case("actions:complete", _pk(f.other_action), OUTSIDER_ONLY, label="other organisation"),
    Case("actions:complete", _pk(lambda w: f.side_action(w, "hr")), HR_ONLY, label="HR side"),
    Case("actions:change", _pk(f.decision_action), WRITERS),
    Case("actions:change", _pk(f.other_action), OUTSIDER_ONLY, label="other organisation"),
    Case(
        "actions:change",
        _pk(f.subject_action),
        subject_roles(NOT_FOUND, manager=OK, lead=OK),
        label=SUBJECT,
    ),
    Case("my_work", expect=roles(OK)),
    # A lead sees every overdue action of the organisation they may see; the
    # subject of an allegation on the incident does not, lead or not.
    Case(
        "my_work",
        lambda w: (_overdue_subject_action(w), {})[1],
        subject_roles(HIDDEN, listing=True, lead=OK),
        shows=links_to("actions:detail", lambda w: _overdue_subject_action(w).pk),
        label=SUBJECT,
    ),
]
