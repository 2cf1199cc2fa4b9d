"""The measurements of ``make bench``. Runs inside a Django process on the bench database.

Every page is measured the same way: a few warm-up requests, then at least 50
timed requests through Django's test client (the full middleware stack,
sessions, templates), one more request under ``CaptureQueriesContext`` for the
query count. Its *floor* is the same rows fetched by one hand-written SQL query
through a plain psycopg connection and joined into minimal HTML: what the page
would cost with no framework at all. The ratio page / floor says how much the
framework and our code add.
"""

from __future__ import annotations

import html
import http.client as httpclient
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

BASE_DIR = Path(settings.BASE_DIR)
WARMUP = 5


def not_available(keys: list[str], reason: str) -> dict[str, Any]:
    return {**dict.fromkeys(keys), "note": f"not available: {reason}"}


PAGE_KEYS = ["p50_ms", "p95_ms", "queries", "floor_p95_ms", "ratio"]
PDF_KEYS = [
    "entries",
    "pages",
    "seconds",
    "sign_seconds",
    "sign_share",
    "processes",
    "peak_memory_mb",
    "peak_rss_mb",
    "chromium_seconds",
    "ratio",
]
HTTP_KEYS = ["rps", "p99_ms"]
AUDIT_KEYS = ["entries", "per_s"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> dict[str, Any]:
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
        trgm = bool(cur.fetchone()[0])
    return {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": pg,
        "pg_trgm": trgm,
    }


# --- pages ------------------------------------------------------------------


@dataclass
class Page:
    """One page of the benchmark. ``url`` raises NoReverseMatch while the page
    does not exist in the code yet; ``unavailable`` then says why in the JSON.
    ``floor`` runs the page's rows as one hand-written query, into minimal HTML."""

    name: str
    user: str  # fixture key of the user who opens it
    url: Callable[[dict[str, Any]], str]
    floor: Callable[[Any, dict[str, Any]], str] | None
    unavailable: str = "no such page"

    def resolve(self, manifest: dict[str, Any]) -> str | None:
        try:
            return self.url(manifest)
        except NoReverseMatch:
            return None


def _rows_html(rows: list[tuple[Any, ...]]) -> str:
    """Minimal HTML: one escaped table row per database row."""
    out = ["<!doctype html><title>floor</title><table>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


LIST_SQL = """
SELECT i.id, i.reference, i.restricted, i.summary,
       (SELECT string_agg(p.given_name || ' ' || p.family_name, ', '
                          ORDER BY p.family_name, p.given_name)
          FROM incidents_incident_people ip JOIN incidents_person p ON p.id = ip.person_id
         WHERE ip.incident_id = i.id),
       s.name, i.risk_level, i.status, i.became_aware_at
  FROM incidents_incident i JOIN organisations_service s ON s.id = i.service_id
 WHERE i.organisation_id = %(org)s
   AND ((NOT i.restricted AND i.service_id = ANY(%(services)s))
        OR EXISTS (SELECT 1 FROM incidents_needtoknowgrant g
                    WHERE g.incident_id = i.id AND g.user_id = %(user)s
                      AND g.revoked_at IS NULL))
   {extra}
 ORDER BY i.became_aware_at DESC, i.id DESC
 LIMIT 25
"""

FILTERS = {"status": "under_enquiry", "risk": "high", "category": "neglect"}


def _list_params(m: dict[str, Any]) -> dict[str, Any]:
    f = m["fixtures"]
    return {"org": f["organisation"], "services": f["manager_services"], "user": f["manager"]}


def floor_list(cur: Any, m: dict[str, Any]) -> str:
    cur.execute(LIST_SQL.format(extra=""), _list_params(m))
    return _rows_html(cur.fetchall())


def floor_list_filtered(cur: Any, m: dict[str, Any]) -> str:
    extra = "AND i.status = %(status)s AND i.risk_level = %(risk)s AND i.categories @> %(cat)s"
    cur.execute(
        LIST_SQL.format(extra=extra),
        {
            **_list_params(m),
            "status": FILTERS["status"],
            "risk": FILTERS["risk"],
            "cat": [FILTERS["category"]],
        },
    )
    return _rows_html(cur.fetchall())


def floor_search(cur: Any, m: dict[str, Any]) -> str:
    extra = """AND (i.reference ILIKE %(like)s OR i.id = ANY(ARRAY(
        SELECT ip.incident_id FROM incidents_incident_people ip
         WHERE ip.person_id = ANY(ARRAY(
               SELECT p.id FROM incidents_person p
                WHERE p.organisation_id = %(org)s
                  AND (p.given_name ILIKE %(like)s OR p.family_name ILIKE %(like)s))))))"""
    cur.execute(
        LIST_SQL.format(extra=extra),
        {**_list_params(m), "like": "%" + m["fixtures"]["search_term"] + "%"},
    )
    return _rows_html(cur.fetchall())


def floor_detail(cur: Any, m: dict[str, Any]) -> str:
    f = m["fixtures"]
    cur.execute(
        """
        SELECT i.reference, i.summary, i.what_happened, s.name, i.status, i.risk_level,
               e.id, e.kind, e.facts, e.present, e.occurred_at, e.recorded_at,
               u.first_name || ' ' || u.last_name, a.reason, a.new_text, a.created_at
          FROM incidents_incident i
          JOIN organisations_service s ON s.id = i.service_id
          LEFT JOIN LATERAL (SELECT * FROM incidents_chronologyentry e
                              WHERE e.incident_id = i.id
                              ORDER BY e.occurred_at DESC, e.id DESC LIMIT 50) e ON true
          LEFT JOIN auth_user u ON u.id = e.recorded_by_id
          LEFT JOIN incidents_chronologyamendment a ON a.entry_id = e.id
         WHERE i.id = %(incident)s AND i.organisation_id = %(org)s
         ORDER BY e.occurred_at, e.id, a.created_at, a.id
        """,
        {"incident": f["detail_incident"], "org": f["organisation"]},
    )
    return _rows_html(cur.fetchall())


REGISTER_SQL = """
SELECT d.id, d.number, i.reference, d.decision, d.decided_at,
       u.first_name || ' ' || u.last_name, d.purpose, d.what_shared, d.reasoning,
       (SELECT string_agg(r.name || ', ' || r.role || ' (' || r.recipient_organisation || ')',
                          '; ' ORDER BY r.id)
          FROM disclosures_recipient r WHERE r.decision_id = d.id)
  FROM disclosures_disclosuredecision d
  JOIN incidents_incident i ON i.id = d.incident_id
  JOIN auth_user u ON u.id = d.decided_by_id
 WHERE d.organisation_id = %(org)s
   AND d.incident_id IN (SELECT ip.incident_id FROM incidents_incident_people ip
                          WHERE ip.person_id = %(person)s)
 ORDER BY d.decided_at DESC, d.id DESC
 LIMIT 25
"""

REVIEWS_SQL = """
SELECT d.id, d.number, i.reference, s.name, u.first_name || ' ' || u.last_name,
       rp.due_date, rp.what, i.summary
  FROM disclosures_reviewpoint rp
  JOIN disclosures_disclosuredecision d ON d.id = rp.decision_id
  JOIN incidents_incident i ON i.id = d.incident_id
  JOIN organisations_service s ON s.id = i.service_id
  JOIN auth_user u ON u.id = d.decided_by_id
 WHERE rp.organisation_id = %(org)s AND rp.due_date IS NOT NULL
 ORDER BY rp.due_date, i.reference, d.number
 LIMIT 25
"""

# My work for a lead: open review points and open actions due in the next
# fortnight or overdue (the lead's own, and the organisation's overdue ones),
# the first ten of each, with their counts.
MY_WORK_SQL = """
(SELECT 'review', d.id, i.reference, rp.due_date
   FROM disclosures_reviewpoint rp
   JOIN disclosures_disclosuredecision d ON d.id = rp.decision_id
   JOIN incidents_incident i ON i.id = d.incident_id
  WHERE rp.organisation_id = %(org)s AND rp.due_date IS NOT NULL
    AND rp.due_date <= current_date + 14
  ORDER BY rp.due_date LIMIT 20)
UNION ALL
(SELECT 'action', a.id, 'ACT-' || a.id, a.due_date
   FROM actions_action a
  WHERE a.organisation_id = %(org)s
    AND (a.due_date < current_date OR (a.owner_id = %(lead)s AND a.due_date <= current_date + 14))
    AND NOT EXISTS (SELECT 1 FROM actions_actioncompletion c WHERE c.action_id = a.id)
    AND NOT EXISTS (SELECT 1 FROM actions_action n WHERE n.corrects_id = a.id)
  ORDER BY a.due_date LIMIT 20)
"""

AUDIT_HISTORY_SQL = """
SELECT a.id, a.timestamp, a.action, u.first_name || ' ' || u.last_name, a.object_repr,
       a.additional_data
  FROM audits_auditentry a
  LEFT JOIN auth_user u ON u.id = a.actor_id
 WHERE a.organisation_id = %(org)s AND a.object_id = %(incident)s
 ORDER BY a.timestamp DESC, a.id DESC
 LIMIT 25
"""


def floor_register(cur: Any, m: dict[str, Any]) -> str:
    f = m["fixtures"]
    cur.execute(REGISTER_SQL, {"org": f["organisation"], "person": f["person"]})
    return _rows_html(cur.fetchall())


def floor_reviews(cur: Any, m: dict[str, Any]) -> str:
    cur.execute(REVIEWS_SQL, {"org": m["fixtures"]["organisation"]})
    return _rows_html(cur.fetchall())


def floor_my_work(cur: Any, m: dict[str, Any]) -> str:
    f = m["fixtures"]
    cur.execute(MY_WORK_SQL, {"org": f["organisation"], "lead": f["lead"]})
    return _rows_html(cur.fetchall())


def floor_audit_history(cur: Any, m: dict[str, Any]) -> str:
    f = m["fixtures"]
    cur.execute(AUDIT_HISTORY_SQL, {"org": f["organisation"], "incident": f["detail_incident"]})
    return _rows_html(cur.fetchall())


PAGES: list[Page] = [
    Page("incident_list", "manager", lambda m: reverse("incidents:list"), floor_list),
    Page(
        "incident_list_filtered",
        "manager",
        lambda m: (
            reverse("incidents:list")
            + f"?status={FILTERS['status']}&risk={FILTERS['risk']}&category={FILTERS['category']}"
        ),
        floor_list_filtered,
    ),
    Page(
        "incident_search",
        "manager",
        lambda m: reverse("incidents:list") + "?q=" + m["fixtures"]["search_term"],
        floor_search,
    ),
    Page(
        "incident_detail",
        "manager",
        lambda m: reverse("incidents:detail", args=[m["fixtures"]["detail_incident"]]),
        floor_detail,
    ),
    Page(
        "decision_register",
        "lead",
        lambda m: reverse("disclosures:person_register", args=[m["fixtures"]["person"]]),
        floor_register,
        unavailable="the disclosure decision register (disclosures) is not merged yet",
    ),
    Page(
        "reviews_due",
        "lead",
        lambda m: reverse("disclosures:reviews_due"),
        floor_reviews,
        unavailable="disclosure reviews due (disclosures) are not merged yet",
    ),
    Page(
        "my_work",
        "lead",
        lambda m: reverse("my_work"),
        floor_my_work,
        unavailable="My work (organisations.my_work) is not merged yet",
    ),
    # A manager's My work: their services' review points and notifications
    # (no organisation-wide index range, so more rows are read and sorted)
    # and the actions they own.
    Page("my_work_manager", "manager", lambda m: reverse("my_work"), None),
    Page(
        "audit_history",
        "lead",
        lambda m: reverse("audits:incident_history", args=[m["fixtures"]["detail_incident"]]),
        floor_audit_history,
        unavailable="the incident audit history view (audits) is not merged yet",
    ),
    # Issue 22: every alert kind grouped over the organisation's incidents.
    Page("pattern_alerts", "lead", lambda m: reverse("incidents:pattern_alerts"), None),
    # The first page of every shift: My work's counts and each role's panels.
    Page("home_lead", "lead", lambda m: reverse("home"), None),
    Page("home_manager", "manager", lambda m: reverse("home"), None),
    # Forms that pick adults (incidents.person_choices): every adult the user
    # may see was listed until 2026-12-07 (16 s for the lead's "Log incident";
    # the audit trail's filter, 3.8 s, is not here: its query count follows the
    # kinds of record on its first page, which the two query-count worlds differ in).
    Page("incident_create", "lead", lambda m: reverse("incidents:create"), None),
    Page("incident_create_manager", "manager", lambda m: reverse("incidents:create"), None),
]


def client_for(user_id: int) -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    return client


def _timed(fn: Callable[[], Any], n: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock milliseconds of ``n`` calls; this process's CPU milliseconds
    into ``cpu`` (Django's own work, unaffected by waiting on the database or
    by other processes competing for the cores)."""
    times = []
    for _ in range(n):
        c = time.process_time()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
    return times


def pages(manifest: dict[str, Any], *, requests: int) -> dict[str, Any]:
    import psycopg

    out: dict[str, Any] = {}
    # The floor's own connection, to the same database (run.py put its URL here).
    floor_conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    try:
        for page in PAGES:
            url = page.resolve(manifest)
            if url is None:
                out[page.name] = not_available(PAGE_KEYS, page.unavailable)
                continue
            client = client_for(manifest["fixtures"][page.user])
            page_url: str = url

            def get(client: Client = client, url: str = page_url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")

            _timed(get, WARMUP)
            with CaptureQueriesContext(connection) as ctx:
                get()
            queries = len(ctx.captured_queries)  # now: the next request clears the log
            cpu: list[float] = []
            times = _timed(get, requests, cpu)
            result: dict[str, Any] = {
                "p50_ms": round(percentile(times, 50), 2),
                "p95_ms": round(percentile(times, 95), 2),
                "queries": queries,
                "floor_p95_ms": None,
                "ratio": None,
                "cpu_p50_ms": round(percentile(cpu, 50), 2),
                "requests": requests,
                "url": url,
            }
            if page.floor is not None:
                with floor_conn.cursor() as cur:
                    floor = page.floor
                    _timed(lambda cur=cur, floor=floor: floor(cur, manifest), WARMUP)
                    ftimes = _timed(lambda cur=cur, floor=floor: floor(cur, manifest), requests)
                result["floor_p95_ms"] = round(percentile(ftimes, 95), 2)
                result["ratio"] = round(result["p95_ms"] / max(result["floor_p95_ms"], 0.01), 1)
            out[page.name] = result
            print(
                f"  {page.name:<24} p50 {result['p50_ms']:7.2f} ms  p95 {result['p95_ms']:7.2f}"
                f" ms  {result['queries']:3d} queries  floor {result['floor_p95_ms']} ms"
                f"  cpu {result['cpu_p50_ms']} ms",
                flush=True,
            )
    finally:
        floor_conn.close()
    return out


# --- PDF --------------------------------------------------------------------


def pdf(manifest: dict[str, Any], *, entries: int = 1000) -> dict[str, Any]:
    """WeasyPrint export of an ``entries``-item chronology (in its own process, for
    an honest peak RSS) against Chromium printing the very same HTML and CSS.

    The document is ``chronology.sample.sample_document`` (built by the
    timeline's own item builders: entries, decisions with every decision-log
    field, reviews, amendments). Wall seconds are the keys the targets use;
    ``cpu_seconds`` and ``chromium_cpu_seconds`` are given too, as wall time
    on a shared machine is noisy, and ``chromium_pages`` shows that both
    printed the same layout."""
    import json as _json
    import resource
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "bench.pdf_worker", str(entries), tmp],
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if done.returncode != 0:
            return not_available(PDF_KEYS, f"export failed: {done.stderr.strip()[-300:]}")
        result: dict[str, Any] = _json.loads(done.stdout.strip().splitlines()[-1])
        chromium = "/usr/bin/chromium"
        if not os.path.exists(chromium):
            result.update(chromium_seconds=None, ratio=None, note="chromium not installed")
            return result
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}/chromium.pdf",
                f"file://{tmp}/export.html",
            ],
            capture_output=True,
            check=False,
            timeout=600,
        )
        result["chromium_seconds"] = round(time.perf_counter() - started, 2)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Chromium's own processes, as far as they are reaped through the browser.
        result["chromium_cpu_seconds"] = round(
            after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime, 2
        )
        try:
            from pypdf import PdfReader

            result["chromium_pages"] = len(PdfReader(f"{tmp}/chromium.pdf").pages)
        except Exception:  # no readable file: no page count, not a failed bench
            result["chromium_pages"] = None
        result["ratio"] = (
            round(result["seconds"] / result["chromium_seconds"], 2)
            if result["chromium_seconds"]
            else None
        )
    return result


# --- HTTP -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, cookie: str) -> int:
    conn = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(port: int, path: str, cookie: str, *, seconds: float, threads: int) -> dict[str, Any]:
    """Closed-loop load: ``threads`` clients each sending one request after another."""
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    deadline = time.perf_counter() + seconds

    def worker(k: int) -> None:
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                ok = _get(port, path, cookie) == 200
            except OSError:
                ok = False
            if ok:
                latencies[k].append((time.perf_counter() - t) * 1000)
            else:
                errors[k] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    all_ms = [x for lat in latencies for x in lat]
    return {
        "rps": round(len(all_ms) / elapsed, 1),
        "p99_ms": round(percentile(all_ms, 99), 1) if all_ms else None,
        "p50_ms": round(statistics.median(all_ms), 1) if all_ms else None,
        "requests": len(all_ms),
        "errors": sum(errors),
        "seconds": round(elapsed, 1),
        "concurrency": threads,
        "url": path,
    }


def http(manifest: dict[str, Any], *, bench_url: str, seconds: float) -> dict[str, Any]:
    port = _free_port()
    client = client_for(manifest["fixtures"]["manager"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "SAFEGUARD_ENV": "development",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # Access lines are still formatted and written (as in production), but
        # not into the benchmark's report.
        "GUNICORN_ACCESSLOG": os.devnull,
    }
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "safeguard.wsgi:application",
            "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/healthz", "") == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.2)
        targets = {
            "incident_list": reverse("incidents:list"),
            "incident_detail": reverse(
                "incidents:detail", args=[manifest["fixtures"]["detail_incident"]]
            ),
        }
        out = {}
        for name, path in targets.items():
            for _ in range(4):  # warm both workers
                _get(port, path, cookie)
            out[name] = load(port, path, cookie, seconds=seconds, threads=4)
            print(
                f"  {name:<24} {out[name]['rps']:7.1f} req/s  p99 {out[name]['p99_ms']} ms"
                f"  ({out[name]['requests']} requests, {out[name]['errors']} errors)",
                flush=True,
            )
        return out
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


# --- audit chain ------------------------------------------------------------


def audit_verify() -> dict[str, Any]:
    """Throughput of the end-to-end hash-chain verification on the bench database."""
    from audits.chain import verify_chain

    started = time.perf_counter()
    report = verify_chain()
    seconds = time.perf_counter() - started
    return {
        "entries": report.count,
        "per_s": round(report.count / seconds, 1) if seconds else None,
        "seconds": round(seconds, 2),
        "chain_ok": report.ok,
        **({"note": report.problem} if report.problem else {}),
    }


# --- report -----------------------------------------------------------------


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def table(results: dict[str, Any]) -> str:
    lines = [
        "",
        f"Scale: {results['scale']['incidents']:,} incidents, {results['scale']['rows']:,} rows"
        f" · {results['machine']['cores']} cores, {results['machine']['memory_gb']} GB,"
        f" PostgreSQL {results['machine']['postgresql']}",
        "",
        f"{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'floor ms':>10}{'ratio':>7}",
    ]
    for name, r in results["pages"].items():
        lines.append(
            f"{name:<24}{_fmt(r['p50_ms']):>9}{_fmt(r['p95_ms']):>9}{_fmt(r['queries']):>9}"
            f"{_fmt(r['floor_p95_ms']):>10}{_fmt(r['ratio']):>7}"
            + (f"  {r['note']}" if r.get("note") else "")
        )
    p = results["pdf"]
    lines += [
        "",
        f"PDF: {_fmt(p['entries'])} entries, {_fmt(p['pages'])} pages, {_fmt(p['seconds'])} s,"
        f" {_fmt(p.get('processes'))} process(es), peak {_fmt(p.get('peak_memory_mb'))} MB;"
        f" signing {_fmt(p.get('sign_seconds'))} s ({_fmt(p.get('sign_share'))} of it);"
        f" Chromium {_fmt(p['chromium_seconds'])} s;"
        f" ratio {_fmt(p['ratio'])}" + (f"  ({p['note']})" if p.get("note") else ""),
        "",
    ]
    for name, h in results["http"].items():
        lines.append(f"HTTP {name:<20} {_fmt(h['rps']):>8} req/s   p99 {_fmt(h['p99_ms'])} ms")
    a = results["audit_verify"]
    lines += [
        "",
        f"Audit chain: {_fmt(a['entries'])} entries, {_fmt(a['per_s'])} per second"
        + (f"  ({a['note']})" if a.get("note") else ""),
        "",
    ]
    return "\n".join(lines)
