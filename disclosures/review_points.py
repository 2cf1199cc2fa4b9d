"""The current review point of every decision, kept as a projection.

A decision's review point moves on through ``DecisionReview`` rows, never by
rewriting the decision, so "which review points are open, soonest first" is
"the latest review of each decision, or the decision itself when it has none".
Computed on the fly that is a correlated subquery per decision, evaluated for
every decision of the organisation before any can be sorted: seconds per page
once an organisation has 100,000 decisions (docs/performance.md).

``disclosures_reviewpoint`` holds that answer, one row per decision, indexed by
(organisation, due date) over the open points only. It is derived data, not a
record: database triggers write it in the same transaction as the decision or
review that changes it (so no code path can forget it, and a rolled-back
review leaves it as it was), and ``rebuild()`` recomputes it from the records,
which is also how ``manage.py rebuild_review_points --check`` proves it true
(both through ``organisations.projections``, shared by every projection).
"""

from __future__ import annotations

from organisations.projections import Projection

TABLE = "disclosures_reviewpoint"

# AFTER INSERT ON disclosures_disclosuredecision: the decision's own point.
ON_DECISION = """
INSERT INTO disclosures_reviewpoint (decision_id, organisation_id, incident_id, service_id,
                                     due_date, what, last_review_id, last_reviewed_at)
SELECT NEW.id, NEW.organisation_id, NEW.incident_id, i.service_id,
       NEW.review_date, NEW.review_what, NULL, NULL
  FROM incidents_incident i WHERE i.id = NEW.incident_id;
RETURN NULL;
"""

# AFTER INSERT ON disclosures_decisionreview: the review's next point, when it
# is the decision's latest review (by reviewed_at, then id, as displayed).
ON_REVIEW = """
UPDATE disclosures_reviewpoint
   SET due_date = NEW.next_review_date,
       what = NEW.next_review_what,
       last_review_id = NEW.id,
       last_reviewed_at = NEW.reviewed_at
 WHERE decision_id = NEW.decision_id
   AND (last_review_id IS NULL
        OR (last_reviewed_at, last_review_id) < (NEW.reviewed_at, NEW.id));
RETURN NULL;
"""

# The same answer from the records themselves.
_DERIVED = """
SELECT d.id AS decision_id, d.organisation_id, d.incident_id, i.service_id,
       CASE WHEN lr.id IS NULL THEN d.review_date ELSE lr.next_review_date END AS due_date,
       CASE WHEN lr.id IS NULL THEN d.review_what ELSE lr.next_review_what END AS what,
       lr.id AS last_review_id, lr.reviewed_at AS last_reviewed_at
  FROM disclosures_disclosuredecision d
  JOIN incidents_incident i ON i.id = d.incident_id
  LEFT JOIN LATERAL (
        SELECT r.id, r.reviewed_at, r.next_review_date, r.next_review_what
          FROM disclosures_decisionreview r
         WHERE r.decision_id = d.id
         ORDER BY r.reviewed_at DESC, r.id DESC
         LIMIT 1) lr ON true
"""

_COLUMNS = """decision_id, organisation_id, incident_id, service_id, due_date, what,
       last_review_id, last_reviewed_at"""

PROJECTION = Projection(TABLE, _COLUMNS, _DERIVED)


def rebuild() -> None:
    """Recompute every decision's review point from decisions and reviews.
    For data loaded with triggers off (the scale generator) and for repair."""
    PROJECTION.rebuild()


def differences() -> int:
    """How many projection rows disagree with the records (0 when true)."""
    return PROJECTION.differences()
