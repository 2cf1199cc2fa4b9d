"""Generate a realistic data set at scale, fast, for the benchmark (``python -m bench.seed``).

Rows are produced in Python (deterministic for a given seed) and streamed into
PostgreSQL with ``COPY``. Ids are allocated explicitly above whatever is in the
tables already, so a build can run on a database that holds other data (the
query-count tests build two worlds side by side) and the sequences are moved on
afterwards. Append-only triggers only forbid UPDATE and DELETE, so COPY (an
INSERT) goes through them untouched.

The first organisation is the *bench organisation*: it holds about half of the
incidents and the named fixtures the benchmark opens (a manager, a lead, an
incident with a long chronology, one for the PDF export). Each app's part is a
``_part_*`` function; a part for a later app only runs when that app's models
exist, and records itself in ``parts`` so a reused data set is rebuilt when the
schema grows.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction

# Bumped whenever the shape of the generated data changes; a stored data set
# built by another version is rebuilt by the benchmark.
GENERATOR_VERSION = 9

SERVICES_PER_ORG = 8
ROLES_PER_ORG = ("lead", "auditor", "hr", "admin")  # plus one manager per service

GIVEN = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Margaret",
    "Dorothy",
    "Joan",
    "Patricia",
    "Eileen",
    "Sheila",
    "Barbara",
    "Jean",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Jack",
    "Albert",
    "Ronald",
    "Kenneth",
    "Derek",
    "Brian",
    "Colin",
    "Trevor",
    "Dennis",
    "Raymond",
    "Keith",
    "Aisha",
    "Fatima",
    "Priya",
    "Anjali",
    "Mohammed",
    "Yusuf",
    "Tariq",
    "Kwame",
    "Chidi",
    "Wei",
    "Mei",
    "Hiroshi",
    "Siobhan",
    "Niamh",
    "Ciaran",
    "Eilidh",
    "Rhys",
    "Gethin",
    "Bronwen",
]
FAMILY = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Phillips",
    "Richardson",
    "Mitchell",
    "Bailey",
    "Carter",
    "Cook",
    "Singh",
    "Shaw",
    "Bell",
    "Collins",
    "Morgan",
    "Kelly",
    "Begum",
    "Miller",
    "Cox",
    "Marshall",
    "Simpson",
    "Anderson",
    "Ahmed",
    "Okafor",
    "Nowak",
    "Kowalski",
    "Murphy",
    "O'Brien",
    "MacLeod",
    "Campbell",
    "Stewart",
    "Fraser",
]
SUMMARIES = (
    "Bruising to left forearm",
    "Unexplained bruising on upper arm",
    "Missing money from purse",
    "Medication not given as prescribed",
    "Shouting and threats from visitor",
    "Unexplained fall in bedroom",
    "Pressure sore not reported",
    "Care call missed twice",
    "Concern about new 'friend' asking for money",
    "Resident struck by another resident",
    "Inappropriate comments by staff member",
    "Bank card used without consent",
    "Left without food or drink overnight",
    "Disclosure of historic abuse",
    "Restraint used without care plan",
    "Neighbour reports shouting at home visit",
)
CATEGORIES = (
    "physical",
    "domestic",
    "sexual",
    "psychological",
    "financial",
    "modern_slavery",
    "discriminatory",
    "organisational",
    "neglect",
    "self_neglect",
)
CATEGORY_WEIGHTS = (20, 4, 3, 14, 16, 1, 3, 6, 25, 8)
RISKS = ("low", "medium", "high", "critical")
RISK_WEIGHTS = (35, 40, 20, 5)
OUTCOMES = (
    "risk_removed",
    "risk_reduced",
    "risk_remains",
    "not_substantiated",
    "no_further_action",
    "transferred",
)
KINDS = ("observation", "direct_quote", "conversation", "call", "meeting", "action")
FACTS = (
    "Noticed a purple bruise about 3 cm across on the left forearm during personal care.",
    'She said: "He grabbed me when I would not go back to my room." Her words, written down '
    "straight away.",
    "Spoke with her daughter by phone; she had not seen the bruise at her visit on Sunday.",
    "Called the local authority safeguarding hub; the duty worker took details and gave a "
    "reference.",
    "Strategy meeting held with the social worker, the district nurse and the home manager.",
    "Body map completed and photographs taken with consent, stored in the care record.",
    "Checked the medication record: two evening doses signed for but tablets still in the pack.",
    "Moved the call rota so that two carers attend each visit until the enquiry is complete.",
    "He said he did not want the police involved but was happy for us to tell his nephew.",
    "GP visited and examined; no fracture, advised monitoring and a follow-up in a week.",
    "Reviewed the CCTV of the corridor between 21:00 and 22:00 with the deputy manager.",
    "Staff member suspended pending investigation, in line with the disciplinary policy.",
)
PRESENT = (
    "",
    "A. Patel (care worker)",
    "A. Patel (care worker), J. Okafor (senior carer)",
    "Home manager, deputy manager",
    "Social worker, district nurse, home manager",
)


@dataclass
class Ids:
    """Next free id per table, allocated above the rows already there."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str, count: int = 1) -> int:
        if table not in self.next:
            with connection.cursor() as cur:
                cur.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
                self.next[table] = cur.fetchone()[0] + 1
        first = self.next[table]
        self.next[table] += count
        return first


@dataclass
class Build:
    incidents: int
    rng: random.Random
    ids: Ids = field(default_factory=Ids)
    rows: dict[str, int] = field(default_factory=dict)
    fixtures: dict[str, Any] = field(default_factory=dict)
    parts: list[str] = field(default_factory=list)
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    # Filled by the incidents part, read by later parts.
    orgs: list[int] = field(default_factory=list)
    services: list[list[int]] = field(default_factory=list)  # per org
    users: list[dict[str, Any]] = field(default_factory=list)  # per org: role -> id(s)
    incident_rows: list[tuple[int, int, int, datetime, str, int]] = field(default_factory=list)
    # (incident id, org id, service id, became aware, reference, author)
    incident_people: dict[int, list[int]] = field(default_factory=dict)
    closed_at: dict[int, datetime] = field(default_factory=dict)  # closed incidents
    people_by_org: dict[int, list[int]] = field(default_factory=dict)


# Secondary indexes dropped for the load, recreated at the end of ``build``:
# building an index once over the loaded rows is several times cheaper than
# maintaining it row by row. Indexes behind constraints (primary keys, unique)
# stay. Everything happens in the build's transaction.
_deferred_indexes: dict[str, list[str]] = {}


def _defer_indexes(table: str) -> None:
    if table in _deferred_indexes:
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [f'"{table}"'],
        )
        found = cur.fetchall()
        for name, _definition in found:
            cur.execute(f"DROP INDEX {name}")
    _deferred_indexes[table] = [definition for _name, definition in found]


def _restore_indexes() -> None:
    with connection.cursor() as cur:
        for definitions in _deferred_indexes.values():
            for definition in definitions:
                cur.execute(definition)
    _deferred_indexes.clear()


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Stream rows into ``table`` with COPY; returns how many were written."""
    _defer_indexes(table)
    cols = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with connection.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _ts(value: datetime) -> str:
    return value.isoformat()


def build(
    *,
    incidents: int,
    detail_entries: int = 200,
    pdf_entries: int = 1000,
    register_decisions: int = 100,
    seed: int = 20261123,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Generate the data set in one transaction and return its manifest."""
    if incidents < 2:
        raise ValueError("Generate at least 2 incidents (the two named fixtures).")
    b = Build(incidents=incidents, rng=random.Random(seed))
    b.fixtures.update(
        detail_entries=detail_entries,
        pdf_entries=pdf_entries,
        register_decisions=register_decisions,
    )
    say = log or (lambda _msg: None)
    _deferred_indexes.clear()
    with transaction.atomic():
        _skip_row_triggers()
        for name, part in PARTS:
            started = time.monotonic()
            if part(b) is not False:
                b.parts.append(name)
                say(
                    f"  {name}: {sum(b.rows.values()):,} rows so far "
                    f"({time.monotonic() - started:.1f} s)"
                )
        started = time.monotonic()
        _restore_indexes()
        say(f"  indexes rebuilt ({time.monotonic() - started:.1f} s)")
        _reset_sequences(b)
        _set_replication_role("origin")
        if "disclosures" in b.parts:
            # Row triggers were off for the load: derive the review points now.
            from disclosures import review_points

            started = time.monotonic()
            review_points.rebuild()
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM disclosures_reviewpoint")
                _add(b, review_points.TABLE, cur.fetchone()[0])
            say(f"  review points derived ({time.monotonic() - started:.1f} s)")
        if "notifications" in b.parts:
            # The same for the notifications still waiting for an outcome.
            from notifications import open_notifications

            started = time.monotonic()
            open_notifications.rebuild()
            with connection.cursor() as cur:
                cur.execute(f"SELECT count(*) FROM {open_notifications.TABLE}")
                _add(b, open_notifications.TABLE, cur.fetchone()[0])
            say(f"  open notifications derived ({time.monotonic() - started:.1f} s)")
    # Fresh statistics; outside a transaction (the benchmark, not the tests)
    # also the visibility map, as autovacuum would soon set it, so index-only
    # scans work from the first request.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cur:
        for table in b.rows:
            cur.execute(f'{command} "{table}"')
    return {
        "generator": GENERATOR_VERSION,
        "incidents": incidents,
        "rows": sum(b.rows.values()),
        "tables": b.rows,
        "parts": b.parts,
        "fixtures": b.fixtures,
    }


def _skip_row_triggers() -> None:
    """Per-row foreign-key checks dominate COPY time. The generator allocates
    every id itself, so when we may (a superuser, as on the bench and test
    servers) this transaction skips row triggers: the constraints' checks and the
    append-only triggers, which only concern UPDATE and DELETE anyway."""
    with connection.cursor() as cur:
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cur.fetchone()
        if row and row[0]:
            cur.execute("SET LOCAL session_replication_role = replica")


def _set_replication_role(value: str) -> str:
    """Set this transaction's replication role when it differs, returning the
    previous one. Only a superuser may set it at all; anyone else (the owner
    role of a two-role deployment) never left "origin", so nothing is set."""
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        (previous,) = cur.fetchone() or ("origin",)
        if previous != value:
            cur.execute(f"SET LOCAL session_replication_role = {value}")
    return str(previous)


def _add(b: Build, table: str, count: int) -> None:
    b.rows[table] = b.rows.get(table, 0) + count


def _reset_sequences(b: Build) -> None:
    with connection.cursor() as cur:
        for table in b.rows:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
            )


# --- organisations ----------------------------------------------------------


def _part_organisations(b: Build) -> None:
    n_orgs = 1 + max(1, b.incidents // 10_000)
    rng = b.rng
    org0 = b.ids.take("organisations_organisation", n_orgs)
    created = _ts(b.now - timedelta(days=6 * 365))
    b.orgs = list(range(org0, org0 + n_orgs))
    _add(
        b,
        "organisations_organisation",
        copy_rows(
            "organisations_organisation",
            ["id", "name", "reference_prefix", "created_at", "sign_in_code"],
            (
                (
                    oid,
                    "Bench Care Group" if i == 0 else f"Scale Care {i}",
                    f"B{oid}",
                    created,
                    f"bench-{oid}",
                )
                for i, oid in enumerate(b.orgs)
            ),
        ),
    )
    kinds = ("care_home", "domiciliary", "supported_living", "other")
    svc0 = b.ids.take("organisations_service", n_orgs * SERVICES_PER_ORG)
    services: list[tuple[Any, ...]] = []
    for i, oid in enumerate(b.orgs):
        ids = [svc0 + i * SERVICES_PER_ORG + j for j in range(SERVICES_PER_ORG)]
        b.services.append(ids)
        for j, sid in enumerate(ids):
            place = FAMILY[(i * 7 + j) % len(FAMILY)]
            services.append(
                (sid, oid, f"{place} House {j + 1}", kinds[j % 4], f"1-{sid:09d}", True)
            )
    _add(
        b,
        "organisations_service",
        copy_rows(
            "organisations_service",
            ["id", "organisation_id", "name", "kind", "cqc_location_id", "active"],
            services,
        ),
    )
    per_org = len(ROLES_PER_ORG) + SERVICES_PER_ORG
    user0 = b.ids.take("auth_user", n_orgs * per_org)
    mem0 = b.ids.take("organisations_membership", n_orgs * per_org)
    users: list[tuple[Any, ...]] = []
    memberships: list[tuple[Any, ...]] = []
    links: list[tuple[int, int]] = []
    for i, oid in enumerate(b.orgs):
        roles: dict[str, Any] = {"manager": []}
        for k in range(per_org):
            uid = user0 + i * per_org + k
            mid = mem0 + i * per_org + k
            role = ROLES_PER_ORG[k] if k < len(ROLES_PER_ORG) else "manager"
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            username = f"scale{uid}_{role}"
            users.append(
                (
                    uid,
                    "!",
                    False,
                    username,
                    given,
                    family,
                    f"{username}@example.org",
                    False,
                    True,
                    created,
                )
            )
            memberships.append((mid, uid, oid, role, role.title(), True, created))
            if role == "manager":
                j = k - len(ROLES_PER_ORG)
                # Each manager runs two neighbouring services.
                svcs = [b.services[i][j], b.services[i][(j + 1) % SERVICES_PER_ORG]]
                links.extend((mid, s) for s in svcs)
                roles["manager"].append(uid)
                roles.setdefault("manager_services", {})[uid] = svcs
            else:
                roles[role] = uid
        b.users.append(roles)
    _add(
        b,
        "auth_user",
        copy_rows(
            "auth_user",
            [
                "id", "password", "is_superuser", "username", "first_name", "last_name",
                "email", "is_staff", "is_active", "date_joined",
            ],
            users,
        ),
    )  # fmt: skip
    _add(
        b,
        "organisations_membership",
        copy_rows(
            "organisations_membership",
            ["id", "user_id", "organisation_id", "role", "job_title", "active", "created_at"],
            memberships,
        ),
    )
    link0 = b.ids.take("organisations_membership_services", len(links))
    _add(
        b,
        "organisations_membership_services",
        copy_rows(
            "organisations_membership_services",
            ["id", "membership_id", "service_id"],
            ((link0 + n, m, s) for n, (m, s) in enumerate(links)),
        ),
    )
    manager = b.users[0]["manager"][0]
    b.fixtures.update(
        organisation=b.orgs[0],
        manager=manager,
        manager_services=b.users[0]["manager_services"][manager],
        lead=b.users[0]["lead"],
        auditor=b.users[0]["auditor"],
    )


# --- incidents --------------------------------------------------------------


def _part_incidents(b: Build) -> None:
    rng = b.rng
    n = b.incidents
    n_orgs = len(b.orgs)
    # Where each incident happens: half in the bench organisation; the two
    # named fixtures in the bench manager's first service.
    fixture_service = b.fixtures["manager_services"][0]
    placement: list[tuple[int, int]] = [(0, fixture_service), (0, fixture_service)]
    for _ in range(n - 2):
        o = 0 if n_orgs == 1 or rng.random() < 0.5 else rng.randrange(1, n_orgs)
        placement.append((o, rng.choice(b.services[o])))
    # Adults at risk: about one per two incidents, living in that service.
    per_service: dict[int, int] = {}
    for _o, s in placement:
        per_service[s] = per_service.get(s, 0) + 1
    person_rows: list[tuple[Any, ...]] = []
    people_of_service: dict[int, list[int]] = {}
    total_people = sum(math.ceil(c / 2) for c in per_service.values())
    pid = b.ids.take("incidents_person", total_people)
    org_of_service = {s: b.orgs[o] for o, svcs in enumerate(b.services) for s in svcs}
    created = _ts(b.now - timedelta(days=5 * 365))
    for s, count in per_service.items():
        ids = people_of_service.setdefault(s, [])
        for _ in range(math.ceil(count / 2)):
            dob = (
                f"{rng.randrange(1930, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
            person_rows.append(
                (
                    pid, org_of_service[s], s, rng.choice(GIVEN), rng.choice(FAMILY), dob,
                    f"NHS {rng.randrange(10**9, 10**10)}", created,
                )
            )  # fmt: skip
            ids.append(pid)
            b.people_by_org.setdefault(org_of_service[s], []).append(pid)
            pid += 1
    _add(
        b,
        "incidents_person",
        copy_rows(
            "incidents_person",
            [
                "id", "organisation_id", "service_id", "given_name", "family_name",
                "date_of_birth", "local_identifier", "created_at",
            ],
            person_rows,
        ),
    )  # fmt: skip

    # Incidents, oldest first so references count up with time.
    span = 5 * 365 * 24 * 60
    aware = [b.now - timedelta(minutes=rng.randrange(span)) for _ in range(n)]
    # The fixtures are recent (top of the list) and open.
    aware[0] = b.now - timedelta(hours=2)
    aware[1] = b.now - timedelta(hours=3)
    order = sorted(range(n), key=lambda k: aware[k])
    inc0 = b.ids.take("incidents_incident", n)
    counters: dict[tuple[int, int], int] = {}
    incident_rows: list[tuple[Any, ...]] = []
    transitions: list[tuple[Any, ...]] = []
    links: list[tuple[int, int]] = []
    for rank, k in enumerate(order):
        iid = inc0 + rank
        o, s = placement[k]
        oid = b.orgs[o]
        when = aware[k]
        year = when.year
        counters[(oid, year)] = counters.get((oid, year), 0) + 1
        reference = f"B{oid}-{year}-{counters[(oid, year)]:04d}"
        roll = rng.random()
        status = "closed" if roll < 0.6 else "under_enquiry" if roll < 0.85 else "open"
        cats = sorted(set(rng.choices(CATEGORIES, CATEGORY_WEIGHTS, k=rng.choice((1, 1, 1, 2)))))
        risk = rng.choices(RISKS, RISK_WEIGHTS)[0]
        if k < 2:
            # The fixtures are live enquiries that the filtered list always shows.
            status, risk, cats = "under_enquiry", "high", ["neglect", "physical"]
            b.fixtures["detail_incident" if k == 0 else "pdf_incident"] = iid
        outcome = rng.choice(OUTCOMES) if status == "closed" else ""
        managers = b.users[o]["manager"]
        author = managers[b.services[o].index(s) % len(managers)]
        restricted = k >= 2 and rng.random() < 0.02
        occurred = when - timedelta(minutes=rng.randrange(0, 48 * 60))
        incident_rows.append(
            (
                iid, oid, s, reference, "{" + ",".join(cats) + "}", rng.choice(SUMMARIES),
                rng.choice(FACTS) + " " + rng.choice(FACTS), _ts(occurred), _ts(when),
                "A. Patel, care worker", risk, status, outcome,
                "She wants to stay in her home and for the carer not to come again.",
                "To feel safe; to keep seeing her family.", "",
                f"LA/{rng.randrange(10**5, 10**6)}" if status != "open" else "", "", "",
                restricted, author, _ts(when), 1,
            )
        )  # fmt: skip
        ppl = people_of_service[s]
        chosen = [rng.choice(ppl)]
        if len(ppl) > 1 and rng.random() < 0.25:
            other = rng.choice(ppl)
            if other != chosen[0]:
                chosen.append(other)
        b.incident_people[iid] = chosen
        links.extend((iid, p) for p in chosen)
        transitions.append((oid, iid, "", "open", "", "Incident logged.", author, _ts(when)))
        if status != "open":
            later = when + timedelta(days=rng.randrange(1, 60))
            reason = "Enquiry complete." if status == "closed" else "Section 42 enquiry opened."
            transitions.append(
                (oid, iid, "open", status, outcome, reason, b.users[o]["lead"], _ts(later))
            )
            if status == "closed":
                b.closed_at[iid] = later
        b.incident_rows.append((iid, oid, s, when, reference, author))
    _add(
        b,
        "incidents_incident",
        copy_rows(
            "incidents_incident",
            [
                "id", "organisation_id", "service_id", "reference", "categories", "summary",
                "what_happened", "occurred_at", "became_aware_at", "raised_by", "risk_level",
                "status", "closure_outcome", "persons_views", "desired_outcomes",
                "capacity_considerations", "la_reference", "police_reference", "cqc_reference",
                "restricted", "created_by_id", "created_at", "version",
            ],
            incident_rows,
        ),
    )  # fmt: skip
    link0 = b.ids.take("incidents_incident_people", len(links))
    _add(
        b,
        "incidents_incident_people",
        copy_rows(
            "incidents_incident_people",
            ["id", "incident_id", "person_id"],
            ((link0 + m, i, p) for m, (i, p) in enumerate(links)),
        ),
    )
    tr0 = b.ids.take("incidents_statustransition", len(transitions))
    _add(
        b,
        "incidents_statustransition",
        copy_rows(
            "incidents_statustransition",
            [
                "id", "organisation_id", "incident_id", "from_status", "to_status",
                "closure_outcome", "reason", "changed_by_id", "changed_at",
            ],
            ((tr0 + m, *row) for m, row in enumerate(transitions)),
        ),
    )  # fmt: skip
    with connection.cursor() as cur:
        for (oid, year), last in counters.items():
            cur.execute(
                "INSERT INTO incidents_referencecounter (organisation_id, year, last_number) "
                "VALUES (%s, %s, %s) ON CONFLICT (organisation_id, year) "
                "DO UPDATE SET last_number = GREATEST(incidents_referencecounter.last_number, "
                "EXCLUDED.last_number)",
                [oid, year, last],
            )
    _add(b, "incidents_referencecounter", len(counters))
    # A name the search benchmark looks for: the detail fixture's person.
    detail = b.fixtures["detail_incident"]
    first_person = b.incident_people[detail][0]
    row = next(r for r in person_rows if r[0] == first_person)
    b.fixtures["search_term"] = row[4][:4].lower()
    b.fixtures["person"] = first_person


def _part_chronology(b: Build) -> None:
    """About ten entries per incident; the fixtures get their set lengths."""
    rng = b.rng
    fixture_len = {
        b.fixtures["detail_incident"]: b.fixtures["detail_entries"],
        b.fixtures["pdf_incident"]: b.fixtures["pdf_entries"],
    }
    counts = {iid: fixture_len.get(iid) or rng.randrange(5, 16) for iid, *_ in b.incident_rows}
    total = sum(counts.values())
    entry0 = b.ids.take("incidents_chronologyentry", total)
    amendments: list[tuple[Any, ...]] = []
    lead_of = {b.orgs[o]: b.users[o]["lead"] for o in range(len(b.orgs))}

    def entries() -> Iterable[tuple[Any, ...]]:
        eid = entry0
        for iid, oid, _s, when, _ref, author in b.incident_rows:
            at = when
            for m in range(counts[iid]):
                at = at + timedelta(minutes=rng.randrange(10, 60 * 24))
                if rng.random() < 0.01 or (iid in fixture_len and m % 20 == 0):
                    amendments.append(
                        (oid, eid, "Wrong time recorded.", rng.choice(FACTS), lead_of[oid], _ts(at))
                    )
                yield (
                    eid, oid, iid, rng.choice(KINDS), rng.choice(FACTS), rng.choice(PRESENT),
                    _ts(at), _ts(at + timedelta(minutes=rng.randrange(5, 120))), author,
                )  # fmt: skip
                eid += 1

    _add(
        b,
        "incidents_chronologyentry",
        copy_rows(
            "incidents_chronologyentry",
            [
                "id", "organisation_id", "incident_id", "kind", "facts", "present",
                "occurred_at", "recorded_at", "recorded_by_id",
            ],
            entries(),
        ),
    )  # fmt: skip
    am0 = b.ids.take("incidents_chronologyamendment", len(amendments))
    _add(
        b,
        "incidents_chronologyamendment",
        copy_rows(
            "incidents_chronologyamendment",
            ["id", "organisation_id", "entry_id", "reason", "new_text", "author_id", "created_at"],
            ((am0 + m, *row) for m, row in enumerate(amendments)),
        ),
    )


def _part_need_to_know(b: Build) -> None:
    """The bench manager is named on a few restricted incidents of the organisation."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM incidents_incident WHERE organisation_id = %s AND restricted "
            "ORDER BY id LIMIT 20",
            [b.fixtures["organisation"]],
        )
        restricted = [r[0] for r in cur.fetchall()]
    g0 = b.ids.take("incidents_needtoknowgrant", len(restricted))
    when = _ts(b.now - timedelta(days=30))
    _add(
        b,
        "incidents_needtoknowgrant",
        copy_rows(
            "incidents_needtoknowgrant",
            ["id", "organisation_id", "incident_id", "user_id", "reason", "granted_by_id",
             "granted_at", "revoke_reason"],
            (
                (g0 + m, b.fixtures["organisation"], iid, b.fixtures["manager"],
                 "Manager of the service.", b.fixtures["lead"], when, "")
                for m, iid in enumerate(restricted)
            ),
        ),
    )  # fmt: skip


# --- disclosure decisions (once the disclosures app has its models) ----------


def _model(label: str) -> Any:
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def copy_model(model: Any, rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> int:
    """COPY dict rows into ``model``'s table, checking the columns against the
    model first so a renamed field fails loudly rather than loading nonsense.
    Fields not given take their default, or "" when blank is allowed (as a
    form would save them); a required field without either is an error."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [c for c in columns if c not in fields]
    if unknown:
        raise RuntimeError(f"{model.__name__} has no columns {unknown}; update bench/scale.py")
    filled: dict[str, Any] = {}
    for name, f in fields.items():
        if name in columns or f.primary_key or f.null:
            continue
        if f.has_default():
            filled[name] = f.get_default()
        elif f.blank:
            filled[name] = ""
        else:
            raise RuntimeError(f"{model.__name__}: no value for {name}; update bench/scale.py")
    all_columns = [*columns, *filled]
    extra = list(filled.values())
    return copy_rows(
        model._meta.db_table,
        [fields[c].column for c in all_columns],
        ([*(row[c] for c in columns), *extra] for row in rows),
    )


SHARED = (
    "Dates and nature of the bruising, the body map, and what she said in her own words.",
    "The care plan section on moving and handling, and the rota for the two nights.",
    "Summary of the financial concern and the last three months of cash-tin records.",
)
REASONING = (
    "Sharing is necessary to protect her from further harm; the local authority leads the "
    "enquiry and needs the facts. Only what they need was shared.",
    "The police asked for the rota to identify who was on shift. Limited to those two nights.",
    "Her daughter is not named on the lasting power of attorney and she asked us not to tell "
    "her; there is no risk that overrides her wish.",
)
RECIPIENTS = (
    ("Duty social worker", "la_safeguarding", "Northshire County Council", "secure_email"),
    ("DC Hughes", "police", "Northshire Police", "phone"),
    ("Inspector", "cqc", "Care Quality Commission", "portal"),
    ("Dr Okafor", "gp_clinical", "Riverside Surgery", "secure_email"),
    ("Sarah (daughter)", "family", "", "phone"),
)


def _part_disclosures(b: Build) -> bool:
    """About three decisions per incident, each naming one or two recipients;
    100 decisions about the fixture person (on the two fixture incidents)."""
    decision_model = _model("disclosures.DisclosureDecision")
    recipient_model = _model("disclosures.Recipient")
    review_model = _model("disclosures.DecisionReview")
    if decision_model is None or recipient_model is None or review_model is None:
        return False
    rng = b.rng
    per_incident = {iid: rng.randrange(1, 6) for iid, *_ in b.incident_rows}  # mean 3
    fixture_incidents = (b.fixtures["detail_incident"], b.fixtures["pdf_incident"])
    half = b.fixtures["register_decisions"] // 2
    per_incident[fixture_incidents[0]] = half
    per_incident[fixture_incidents[1]] = b.fixtures["register_decisions"] - half
    # The fixture person is named on both fixture incidents.
    person = b.fixtures["person"]
    if person not in b.incident_people[fixture_incidents[1]]:
        link = b.ids.take("incidents_incident_people")
        copy_rows(
            "incidents_incident_people",
            ["id", "incident_id", "person_id"],
            [(link, fixture_incidents[1], person)],
        )
        _add(b, "incidents_incident_people", 1)
    total = sum(per_incident.values())
    d0 = b.ids.take(decision_model._meta.db_table, total)
    recipients: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    lead_of = {b.orgs[o]: b.users[o]["lead"] for o in range(len(b.orgs))}
    today = b.now.date()

    def review(did: int, oid: int, point: date, at: datetime, next_point: date | None) -> None:
        reviews.append(
            {
                "organisation_id": oid,
                "decision_id": did,
                "review_point_date": point.isoformat(),
                "reviewed_by_id": lead_of[oid],
                "reviewed_at": _ts(at),
                "what_changed": "Protection plan reviewed with the social worker."
                if next_point
                else "Enquiry closed; the protection plan is working.",
                "next_review_date": next_point.isoformat() if next_point else None,
                "next_review_what": "Whether the protection plan is working." if next_point else "",
                "no_further_review_reason": ""
                if next_point
                else "The enquiry is closed and the risk has been addressed.",
                "recorded_at": _ts(at + timedelta(minutes=20)),
            }
        )

    def decisions() -> Iterable[dict[str, Any]]:
        did = d0
        for iid, oid, _s, when, _ref, author in b.incident_rows:
            for number in range(1, per_incident[iid] + 1):
                decided = when + timedelta(hours=rng.randrange(1, 24 * 60))
                kind = rng.choices(("share", "share_part", "do_not_share"), (6, 2, 2))[0]
                consent = rng.choice(("obtained", "refused", "not_sought", "not_possible"))
                reason = {
                    "not_sought": "would_prejudice_protection",
                    "not_possible": "cannot_be_given",
                }.get(consent, "")
                # Live enquiries keep an open review point spread around today
                # (some overdue, some due soon), a third of them moved on by an
                # earlier review; a closed incident's decisions had a final
                # review that ended reviewing, as they would in practice.
                point = today + timedelta(days=rng.randrange(-60, 120))
                own_point = point
                closed = b.closed_at.get(iid)
                if closed is not None:
                    own_point = decided.date() + timedelta(days=rng.randrange(7, 60))
                    review(did, oid, own_point, max(closed, decided + timedelta(days=1)), None)
                elif rng.random() < 0.33:
                    at = min(decided + timedelta(days=7), b.now - timedelta(hours=1))
                    if at > decided and point > at.date():
                        own_point = at.date()
                        review(did, oid, own_point, at, point)
                yield {
                    "id": did,
                    "organisation_id": oid,
                    "incident_id": iid,
                    "recorded_number": number,
                    "decision": kind,
                    "decided_by_id": lead_of[oid],
                    "decided_at": _ts(decided),
                    "what_shared": rng.choice(SHARED) if kind != "do_not_share" else "",
                    "what_withheld": "" if kind == "share" else "Her medical history.",
                    "purpose": rng.choice(
                        ("s42_enquiry", "protection_planning", "immediate_safety")
                    ),
                    "reasoning": rng.choice(REASONING),
                    "lawful_basis": "public_task",
                    "special_condition": "sch1_para18",
                    "consent_position": consent,
                    "consent_reason": reason,
                    "consent_reason_detail": "Asking her son would alert him." if reason else "",
                    "proportionality": "Only the two incidents, not her whole history.",
                    "outcome": "Strategy discussion booked; protection plan in place.",
                    "review_date": own_point.isoformat(),
                    "review_what": "Whether the protection plan is working.",
                    "recorded_by_id": author,
                    "recorded_at": _ts(decided + timedelta(minutes=30)),
                }
                for k in range(rng.choice((1, 1, 2))):
                    name, category, org, channel = RECIPIENTS[(did + k) % len(RECIPIENTS)]
                    recipients.append(
                        {
                            "organisation_id": oid,
                            "decision_id": did,
                            "name": name,
                            "role": "Safeguarding" if category != "family" else "Daughter",
                            "recipient_organisation": org,
                            "category": category,
                            "channel": channel,
                            "shared_at": _ts(decided) if kind != "do_not_share" else None,
                        }
                    )
                did += 1

    decision_columns = [
        "id", "organisation_id", "incident_id", "recorded_number", "decision", "decided_by_id",
        "decided_at", "what_shared", "what_withheld", "purpose", "reasoning", "lawful_basis",
        "special_condition", "consent_position", "consent_reason", "consent_reason_detail",
        "proportionality", "outcome", "review_date", "review_what", "recorded_by_id",
        "recorded_at",
    ]  # fmt: skip
    _add(
        b,
        decision_model._meta.db_table,
        copy_model(decision_model, decisions(), decision_columns),
    )
    r0 = b.ids.take(recipient_model._meta.db_table, len(recipients))
    for n, row in enumerate(recipients):
        row["id"] = r0 + n
    recipient_columns = [
        "id", "organisation_id", "decision_id", "name", "role", "recipient_organisation",
        "category", "channel", "shared_at",
    ]  # fmt: skip
    _add(
        b,
        recipient_model._meta.db_table,
        copy_model(recipient_model, recipients, recipient_columns),
    )
    v0 = b.ids.take(review_model._meta.db_table, len(reviews))
    for n, row in enumerate(reviews):
        row["id"] = v0 + n
    review_columns = [
        "id", "organisation_id", "decision_id", "review_point_date", "reviewed_by_id",
        "reviewed_at", "what_changed", "next_review_date", "next_review_what",
        "no_further_review_reason", "recorded_at",
    ]  # fmt: skip
    _add(b, review_model._meta.db_table, copy_model(review_model, reviews, review_columns))
    return True


# --- agreed actions -----------------------------------------------------------


def _part_actions(b: Build) -> bool:
    """An agreed action on about one decision in three, owned by the
    organisation's lead or a manager of the incident's service (someone who
    can see the decision, as the service requires; the lead for a restricted
    incident), due from a month ago to two months ahead; about half of those
    already due were completed."""
    action_model = _model("actions.Action")
    completion_model = _model("actions.ActionCompletion")
    if action_model is None or completion_model is None:
        return False
    rng = b.rng
    today = b.now.date()
    lead_of = {b.orgs[o]: b.users[o]["lead"] for o in range(len(b.orgs))}
    owners: dict[int, list[int]] = {}  # service -> the lead and the service's managers
    for o in range(len(b.orgs)):
        for uid, svcs in b.users[o].get("manager_services", {}).items():
            for service in svcs:
                owners.setdefault(service, [b.users[o]["lead"]]).append(uid)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT d.id, d.organisation_id, d.decided_at, i.service_id, i.restricted"
            " FROM disclosures_disclosuredecision d"
            " JOIN incidents_incident i ON i.id = d.incident_id"
            " WHERE d.organisation_id = ANY(%s) ORDER BY d.id",
            [list(b.orgs)],
        )
        decisions = [row for row in cur.fetchall() if rng.random() < 0.33]
    a0 = b.ids.take(action_model._meta.db_table, len(decisions))
    actions: list[dict[str, Any]] = []
    completions: list[dict[str, Any]] = []
    for n, (did, oid, decided, service, restricted) in enumerate(decisions):
        due = today + timedelta(days=rng.randrange(-30, 60))
        lead = lead_of[oid]
        owner = lead if restricted else rng.choice(owners.get(service, [lead]))
        actions.append(
            {
                "id": a0 + n,
                "organisation_id": oid,
                "source_kind": "decision",
                "decision_id": did,
                "what": "Ask the social worker for the date of the joint visit.",
                "owner_id": owner,
                "due_date": due.isoformat(),
                "created_by_id": lead,
                "created_at": _ts(decided + timedelta(minutes=45)),
            }
        )
        if due < today and rng.random() < 0.5:
            completions.append(
                {
                    "organisation_id": oid,
                    "action_id": a0 + n,
                    "note": "Joint visit arranged and held.",
                    "completed_by_id": owner,
                    "completed_at": _ts(b.now - timedelta(days=1)),
                }
            )
    columns = [
        "id", "organisation_id", "source_kind", "decision_id", "what", "owner_id", "due_date",
        "created_by_id", "created_at",
    ]  # fmt: skip
    _add(b, action_model._meta.db_table, copy_model(action_model, actions, columns))
    c0 = b.ids.take(completion_model._meta.db_table, len(completions))
    for n, row in enumerate(completions):
        row["id"] = c0 + n
    completion_columns = [
        "id", "organisation_id", "action_id", "note", "completed_by_id", "completed_at",
    ]  # fmt: skip
    _add(
        b,
        completion_model._meta.db_table,
        copy_model(completion_model, completions, completion_columns),
    )
    return True


def _part_notifications(b: Build) -> bool:
    """Every incident's local-authority referral and CQC notification, with the
    rules' own clocks: sent (a few hours after becoming aware) for all but about
    one in fifty of those already due, which are left open and so overdue, and
    for none of those not yet due (the newest few hours)."""
    notification_model = _model("notifications.Notification")
    outcome_model = _model("notifications.NotificationOutcome")
    if notification_model is None or outcome_model is None:
        return False
    from notifications import rules

    rng = b.rng
    chosen = [rules.rule("la_referral"), rules.rule("cqc")]
    notifications: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    n0 = b.ids.take(notification_model._meta.db_table, len(b.incident_rows) * len(chosen))
    for k, (iid, oid, _sid, aware, _ref, author) in enumerate(b.incident_rows):
        for j, rule in enumerate(chosen):
            nid = n0 + k * len(chosen) + j
            due = rule.due(aware)
            notifications.append(
                {
                    "id": nid,
                    "organisation_id": oid,
                    "incident_id": iid,
                    "rule_code": rule.code,
                    "aware_at": _ts(aware),
                    "due_at": _ts(due),
                    "clock": rule.clock_label,
                    "created_at": _ts(aware),
                }
            )
            if due < b.now and rng.random() >= 0.02:
                sent = min(aware + timedelta(minutes=rng.randrange(30, 20 * 60)), b.now)
                outcomes.append(
                    {
                        "organisation_id": oid,
                        "notification_id": nid,
                        "status": "sent",
                        "sent_at": _ts(sent),
                        "sent_to": rule.recipient,
                        "reference": f"REF-{nid}",
                        "decided_by_id": author,
                        "recorded_at": _ts(sent),
                    }
                )
    columns = [
        "id", "organisation_id", "incident_id", "rule_code", "aware_at", "due_at", "clock",
        "created_at",
    ]  # fmt: skip
    _add(
        b, notification_model._meta.db_table, copy_model(notification_model, notifications, columns)
    )
    o0 = b.ids.take(outcome_model._meta.db_table, len(outcomes))
    for n, row in enumerate(outcomes):
        row["id"] = o0 + n
    outcome_columns = [
        "id", "organisation_id", "notification_id", "status", "sent_at", "sent_to", "reference",
        "decided_by_id", "recorded_at",
    ]  # fmt: skip
    _add(b, outcome_model._meta.db_table, copy_model(outcome_model, outcomes, outcome_columns))
    return True


# --- audit trail ------------------------------------------------------------


def _part_audit(b: Build) -> None:
    """One 'create' entry per incident and one 'access' for the fixtures.

    Rows carry the content hash the audit model computes, and are loaded with
    row triggers on so the commit-time trigger chains them exactly as it chains
    entries written by the app: ``verify_audit_chain`` must pass on the bench
    database (and the benchmark times it)."""
    from django.contrib.contenttypes.models import ContentType

    from audits.models import AuditEntry
    from incidents.models import Incident

    ct = ContentType.objects.get_for_model(Incident).pk
    specs: list[tuple[int, int, str, int, dict[str, Any] | None, datetime, int, int]] = []
    for iid, oid, _s, when, ref, author in b.incident_rows:
        specs.append((iid, oid, ref, 0, {"reference": ["None", ref]}, when, author, 0))
    for key in ("detail_incident", "pdf_incident"):
        iid = b.fixtures[key]
        ref = next(r[4] for r in b.incident_rows if r[0] == iid)
        specs.append(
            (iid, b.fixtures["organisation"], ref, 3, None, b.now, b.fixtures["manager"], 0)
        )
    aid = b.ids.take("audits_auditentry", len(specs))
    rows: list[tuple[Any, ...]] = []
    for iid, oid, ref, action, changes, when, actor, _ in specs:
        entry = AuditEntry(
            object_pk=str(iid), object_id=iid, object_repr=f"Incident #{iid} ({ref})",
            action=action, changes_text="", changes=changes, timestamp=when,
            organisation_id=oid, content_type_id=ct, actor_id=actor, incident_id=iid,
            view="command:bench.seed",
        )  # fmt: skip
        rows.append(
            (aid, entry.object_pk, iid, entry.object_repr, action, "",
             json.dumps(changes) if changes is not None else None, _ts(when), oid, ct, actor,
             iid, entry.view, entry.compute_content_hash())
        )  # fmt: skip
        aid += 1
    previous = _set_replication_role("origin")
    _add(
        b,
        "audits_auditentry",
        copy_rows(
            "audits_auditentry",
            [
                "id", "object_pk", "object_id", "object_repr", "action", "changes_text",
                "changes", "timestamp", "organisation_id", "content_type_id", "actor_id",
                "incident_id", "view", "content_hash",
            ],
            rows,
        ),
    )  # fmt: skip
    # Chain them (and check their deferred foreign keys) now: indexes are
    # rebuilt on this table later in the same transaction, which PostgreSQL
    # refuses while trigger events are pending.
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    _set_replication_role(previous)


PARTS: list[tuple[str, Callable[[Build], Any]]] = [
    ("organisations", _part_organisations),
    ("incidents", _part_incidents),
    ("chronology", _part_chronology),
    ("need_to_know", _part_need_to_know),
    ("disclosures", _part_disclosures),
    ("actions", _part_actions),
    ("notifications", _part_notifications),
    ("audit", _part_audit),
]


def store_manifest(manifest: dict[str, Any]) -> None:
    """Keep the manifest as the database's comment: no extra table in the schema."""
    with connection.cursor() as cur:
        cur.execute("SELECT current_database()")
        name = cur.fetchone()[0]
        text = json.dumps(manifest).replace("'", "''")
        cur.execute(f"COMMENT ON DATABASE \"{name}\" IS '{text}'")
