"""Helpers for the reliability tests: committed-data marker, gunicorn processes
on loopback ephemeral ports, and simulated managers writing through HTTP."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import psutil
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# Committed-data tests flush the database afterwards. ``available_apps`` makes
# that flush TRUNCATE ... CASCADE, which the table django-auditlog's own
# migration creates (unused: we swap in audits.AuditEntry) needs.
committed_db = pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL for the database Django is connected to (TCP or socket)."""
    auth = quote(settings_dict.get("USER") or "")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"])
    # The embedded server's URL puts its socket folder in OPTIONS["host"].
    host = settings_dict.get("HOST") or (settings_dict.get("OPTIONS") or {}).get("host") or ""
    name = settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgresql://{auth}@/{name}?host={quote(host)}"
    return f"postgresql://{auth}@{host}:{settings_dict.get('PORT') or 5432}/{name}"


def app_env(database_url: str, **overrides: str) -> dict[str, str]:
    """Environment for app processes: development mode (no TLS on loopback),
    DEBUG off (real error pages), the test process's secret key (so sessions
    created here are valid there), workers never recycled during a test."""
    # The URL given is the only one: a DATABASE_OWNER_URL of the test run names
    # another database (settings refuse the mismatch).
    env = {
        k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_NAME", "DATABASE_OWNER_URL"}
    }
    env.update(
        DATABASE_URL=database_url,
        SAFEGUARD_ENV="development",
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        GUNICORN_BIND="127.0.0.1:0",
        GUNICORN_WORKERS="2",
        GUNICORN_MAX_REQUESTS="0",
        GUNICORN_TIMEOUT="30",
        LOG_LEVEL="INFO",  # gunicorn logs the port it listens on at INFO
    )
    env.update(overrides)
    return env


class Gunicorn:
    """One gunicorn master (with its workers) from the project's gunicorn.conf.py."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> Gunicorn:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = 40) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            if not self.port:
                log = self.log_path.read_text()
                found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log)
                self.port = int(found.group(1)) if found else 0
            if self.port and fetch(self.port, "GET", "/healthz").status == 200:
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready:\n{self.log_path.read_text()[-3000:]}")

    @property
    def pids(self) -> set[int]:
        """The master and its workers: unchanged means nothing was restarted."""
        assert self.proc is not None
        master = psutil.Process(self.proc.pid)
        return {master.pid} | {child.pid for child in master.children()}

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        # A worker its master left behind (the master killed, or gone first) would
        # keep its database connection, and the test database could not be dropped
        # at the end of the run: end whatever is left of the master's session.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)


@dataclass
class Reply:
    status: int
    location: str = ""
    body: str = ""
    set_cookies: list[str] = field(default_factory=list)


def fetch(
    port: int, method: str, path: str, data: dict[str, Any] | None = None, cookies: str = ""
) -> Reply:
    """One HTTP request to 127.0.0.1, redirects not followed. Status 0 is a
    transport failure (refused, reset, timed out)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookies} if cookies else {}
    body = None
    if data is not None:
        body = urlencode(data, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        return Reply(
            status=response.status,
            location=response.getheader("Location", ""),
            body=response.read().decode("utf-8", "replace"),
            set_cookies=response.headers.get_all("Set-Cookie") or [],
        )
    except OSError:
        return Reply(status=0)
    finally:
        conn.close()


class Browser:
    """A manager's browser: its own cookies (session, CSRF)."""

    def __init__(self, session_key: str) -> None:
        self.cookies = {"sessionid": session_key}
        self.csrf_token = ""

    def request(
        self, port: int, method: str, path: str, data: dict[str, Any] | None = None
    ) -> Reply:
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf_token}
        cookies = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = fetch(port, method, path, data, cookies)
        for header in reply.set_cookies:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', reply.body)
        if token:
            self.csrf_token = token.group(1)
        return reply


def local_minutes_ago(minutes: int) -> str:
    moment = datetime.now(ZoneInfo(settings.TIME_ZONE)) - timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class Action:
    """One kind of write a manager makes. ``form`` builds the POST for a unique
    marker; ``acknowledged`` says whether the reply told the user it was saved.
    ``confirm``, when set, turns a reply that asks the user to confirm (the
    decision form's record-quality warnings) into the second POST, or None.
    Each kind has a lookup in ``world.verify``."""

    kind: str
    path: Callable[[dict[str, Any], int], str]
    form: Callable[[dict[str, Any], int, str], dict[str, Any]]
    acknowledged: Callable[[Reply, dict[str, Any], int], bool]
    confirm: Callable[[Reply, dict[str, Any]], dict[str, Any] | None] | None = None


ENTRY = Action(
    kind="entry",
    path=lambda world, me: f"/incidents/{world['incidents'][me]}/entries/new/",
    form=lambda world, me, marker: {
        "kind": "observation",
        "occurred_at": local_minutes_ago(10),
        "facts": f"Handover note {marker}: resident said 'I slept well'.",
        "present": "Night care worker",
    },
    acknowledged=lambda reply, world, me: (
        reply.status == 302 and reply.location == f"/incidents/{world['incidents'][me]}/"
    ),
)
INCIDENT = Action(
    kind="incident",
    path=lambda world, me: "/incidents/new/",
    form=lambda world, me, marker: {
        "service": world["service"],
        # A new adult each time: the world's adult has earlier concerns, which
        # the form shows and asks to be acknowledged first (incidents/prior.py).
        "new_given_name": "Rosa",
        "new_family_name": f"Load {marker}"[:100],
        "categories": ["neglect"],
        "summary": f"Missed medication {marker}",
        "what_happened": "Evening medication was not given; found at 22:00 by the night worker.",
        "occurred_at": local_minutes_ago(90),
        "became_aware_at": local_minutes_ago(60),
        "raised_by": "B. Night, care worker",
        "risk_level": "medium",
    },
    acknowledged=lambda reply, world, me: (
        reply.status == 302 and re.fullmatch(r"/incidents/\d+/", reply.location) is not None
    ),
)


def local_date_in(days: int) -> str:
    return (datetime.now(ZoneInfo(settings.TIME_ZONE)).date() + timedelta(days=days)).isoformat()


def formset(prefix: str, *rows: dict[str, str]) -> dict[str, str]:
    """A formset as the browser posts it: management form plus one row each."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def posted_rows(form: dict[str, Any], prefix: str) -> int:
    return int(form.get(f"{prefix}-TOTAL_FORMS", 0))


# Every manager records decisions on the first incident, so the per-incident
# decision numbering is contended the whole time.
def _decision_path(world: dict[str, Any], me: int) -> str:
    return f"/disclosures/incident/{world['incidents'][0]}/new/"


def _share_decision(world: dict[str, Any], me: int, marker: str) -> dict[str, Any]:
    """A complete "share" decision with two recipients: no quality warnings."""
    return {
        "save": "1",
        "decision": "share",
        "decided_by": world["users"][me],
        "decided_at": local_minutes_ago(20),
        "purpose": "protection_planning",
        "what_shared": (
            "Bruising about 3 cm across the left wrist seen at the 08:00 call; her son "
            "stays in the room during personal care."
        ),
        "what_withheld": "",
        **formset(
            "recipients",
            {
                "name": "Sam Ellis",
                "role": "Safeguarding duty social worker",
                "organisation": "Riverside Council Adult Safeguarding",
                "category": "la_safeguarding",
                "channel": "secure_email",
                "shared_at": local_minutes_ago(15),
            },
            {
                "name": "Dr Priya Shah",
                "role": "GP",
                "organisation": "Riverside Medical Practice",
                "category": "gp_clinical",
                "channel": "phone",
                "shared_at": local_minutes_ago(12),
            },
        ),
        "reasoning": (
            f"Decision {marker}: the injury, her fear when her son is present and her quiet "
            "request point to coercive control with a risk of serious harm. Partner agencies "
            "must plan her protection now; waiting for a private moment could take weeks."
        ),
        "lawful_basis": "public_task",
        "special_condition": "sch1_para18",
        "proportionality": (
            "Only the injury and the access barrier were shared; her medical history and "
            "finances were left out as not needed for planning."
        ),
        "consent_position": "not_sought",
        "consent_reason": "would_prejudice_protection",
        "consent_reason_detail": (
            "Her son is present at every visit; asking openly could alert him and trigger "
            "retaliation."
        ),
        "confidentiality_measures": "Secure email only; the incident is restricted internally.",
        **formset("consultations", {"name": "", "role": "", "advice": ""}),
        "outcome": "Social worker to arrange a joint visit by Friday; advocacy referral made.",
        "review_date": local_date_in(7),
        "review_what": "Whether private contact has been achieved and consent can be sought.",
    }


def _withhold_decision(world: dict[str, Any], me: int, marker: str) -> dict[str, Any]:
    """A hurried "do not share" decision (one recipient considered, one person
    consulted) whose thin reasoning draws a record-quality warning that the
    manager then confirms: the form's two-step save."""
    return {
        "save": "1",
        "decision": "do_not_share",
        "decided_by": world["users"][me],
        "decided_at": local_minutes_ago(20),
        "purpose": "other",
        "what_shared": "",
        "what_withheld": "Details of the injury and of the night staff's concerns.",
        **formset(
            "recipients",
            {
                "name": "Jo Price",
                "role": "Daughter",
                "organisation": "Family",
                "category": "family",
                "channel": "phone",
                "shared_at": "",
            },
        ),
        "reasoning": f"Daughter asked for details ({marker}); the person has capacity and said no.",
        "consent_position": "refused",
        "consent_discussion": "Explained what her daughter asked for and what we would say.",
        "understanding_checked": "She explained back in her own words and repeated her answer.",
        **formset(
            "consultations",
            {"name": "Daniel Reyes", "role": "Safeguarding lead", "advice": "Respect the refusal."},
        ),
        "outcome": "Told the daughter we cannot share details without her mother's agreement.",
        "review_date": local_date_in(14),
        "review_what": "Whether she wants her daughter told anything at the next visit.",
    }


def _confirm_warnings(reply: Reply, form: dict[str, Any]) -> dict[str, Any] | None:
    """The "Save with these warnings" button: the same input, the fingerprint
    of the warnings shown, and ``confirm``. None if the reply shows no warnings."""
    if reply.status != 200 or 'id="quality-warnings"' not in reply.body:
        return None
    found = re.search(r'name="quality_fingerprint" value="([0-9a-f]+)"', reply.body)
    if not found:
        return None
    second = {k: v for k, v in form.items() if k != "save"}
    return {**second, "confirm": "1", "quality_fingerprint": found.group(1)}


def _decision_acknowledged(reply: Reply, world: dict[str, Any], me: int) -> bool:
    return reply.status == 302 and re.fullmatch(r"/disclosures/\d+/", reply.location) is not None


DECISION = Action(
    kind="decision",
    path=_decision_path,
    form=_share_decision,
    acknowledged=_decision_acknowledged,
)
DECISION_CONFIRMED = Action(
    kind="decision",
    path=_decision_path,
    form=_withhold_decision,
    acknowledged=_decision_acknowledged,
    confirm=_confirm_warnings,
)
# Per round, as on a real shift: chronology entries, a new incident, and
# disclosure decisions (one clean, one saved after confirming its warnings).
ACTIONS = [ENTRY, DECISION, ENTRY, INCIDENT, ENTRY, DECISION_CONFIRMED, ENTRY]


@dataclass
class Ledger:
    """Everything the simulated managers saw, recorded as it happened."""

    acks: dict[str, list[str]] = field(default_factory=dict)
    # marker -> the redirect that acknowledged it (names the record's incident)
    where: dict[str, str] = field(default_factory=dict)
    # marker -> what was posted for it: {"path": form URL, "recipients": rows}
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    # kind -> replies that asked the user to confirm record-quality warnings
    prompts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    by_port: Counter[int] = field(default_factory=Counter)
    # (time, port, status, kind) of every request
    events: list[tuple[float, int, int, str]] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prompted(self, port: int, kind: str, reply: Reply) -> None:
        """A first step that asked for confirmation (nothing saved yet)."""
        with self.lock:
            self.statuses[reply.status] += 1
            self.by_port[port] += 1
            self.events.append((time.monotonic(), port, reply.status, kind))
            self.prompts[kind] += 1

    def record(
        self,
        port: int,
        kind: str,
        marker: str,
        reply: Reply,
        acked: bool,
        sent: dict[str, Any] | None = None,
    ) -> None:
        with self.lock:
            self.statuses[reply.status] += 1
            self.by_port[port] += 1
            self.events.append((time.monotonic(), port, reply.status, kind))
            if acked:
                self.acks.setdefault(kind, []).append(marker)
                self.where[marker] = reply.location
                self.sent[marker] = sent or {}
            elif reply.status == 503:
                if "Service unavailable" not in reply.body or "Traceback" in reply.body:
                    self.unexpected.append(f"{kind}: 503 without the unavailable page")
            else:
                self.unexpected.append(f"{kind}: status {reply.status} {reply.location}")

    def acked_after(self, moment: float) -> Counter[int]:
        """Acknowledged writes per server after ``moment``."""
        return Counter(p for t, p, s, _ in self.events if t > moment and s == 302)


def run_managers(
    world: dict[str, Any],
    ports: list[int],
    seconds: float,
    actions: list[Action] = ACTIONS,
    stop: threading.Event | None = None,
    opened: threading.Event | None = None,
) -> Ledger:
    """Each manager (a thread with its own session) writes as fast as the
    servers answer, alternating between the servers like a load balancer
    without sticky sessions, for ``seconds`` or until ``stop`` is set.

    Every manager first opens a form (the CSRF cookie and token, as a browser
    would), before any writing starts; ``opened`` is set once they all have,
    so a fault test can wait for it before breaking anything."""
    ledger = Ledger()
    browsers = []
    for me in range(len(world["sessions"])):
        browser = Browser(world["sessions"][me])
        reply = browser.request(ports[0], "GET", ENTRY.path(world, me))
        if reply.status != 200:
            ledger.unexpected.append(f"manager {me} could not open the form: {reply.status}")
        browsers.append(browser)
    if opened is not None:
        opened.set()
    if ledger.unexpected:
        return ledger
    deadline = time.monotonic() + seconds

    def manager(me: int) -> None:
        browser = browsers[me]
        for step in itertools.count():
            if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
                return
            action = actions[(step + me) % len(actions)]
            port = ports[(step + me) % len(ports)]
            marker = f"M{me}-{uuid.uuid4().hex[:12]}"
            form = action.form(world, me, marker)
            path = action.path(world, me)
            reply = browser.request(port, "POST", path, form)
            second = action.confirm(reply, form) if action.confirm is not None else None
            if second is not None:
                ledger.prompted(port, action.kind, reply)
                # No sticky sessions: the confirmation may reach the other server.
                port = ports[(step + me + 1) % len(ports)]
                reply = browser.request(port, "POST", path, second)
            sent = {"path": path, "recipients": posted_rows(form, "recipients")}
            acked = action.acknowledged(reply, world, me)
            ledger.record(port, action.kind, marker, reply, acked, sent)

    threads = [threading.Thread(target=manager, args=(i,)) for i in range(len(world["sessions"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
        assert not thread.is_alive(), "a simulated manager did not stop"
    return ledger


def run_module(env: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run ``python -m tests.reliability.world ...`` against ``env``'s database."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.reliability.world", *args],
        cwd=ROOT,
        env=env,
        input=stdin.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return done.stdout.decode()


def verify_audit_chain(env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Run the audits app's chain verification against ``env``'s database."""
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit_chain"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


@contextmanager
def servers(
    env: dict[str, str],
    tmp_path: Path,
    count: int = 2,
    while_booting: Callable[[], Any] | None = None,
) -> Iterator[list[Gunicorn]]:
    """Start ``count`` gunicorn masters at once (running ``while_booting``
    meanwhile: they need no database to boot); stop them all afterwards."""
    started = [Gunicorn(env, tmp_path / f"gunicorn-{i}.log").start() for i in range(count)]
    try:
        if while_booting is not None:
            while_booting()
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` against ``env``'s database; its output, or the failure."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr).decode()[-3000:]
    return done.stdout.decode()
