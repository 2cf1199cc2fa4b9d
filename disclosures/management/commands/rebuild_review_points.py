"""Check, or recompute, every decision's current review point.

The review-point projection (``disclosures/review_points.py``) is kept by
database triggers. ``--check`` compares it with what the decisions and their
reviews say and exits 1 if any row differs; without it the projection is
recomputed from the records in one transaction.
"""

from __future__ import annotations

from disclosures import review_points
from organisations.projections import ProjectionCommand


class Command(ProjectionCommand):
    help = "Check (--check) or recompute decisions' current review points from the records."
    projection = review_points.PROJECTION
    name = "review points"
    records = "the decisions and their reviews"
    command = "rebuild_review_points"
