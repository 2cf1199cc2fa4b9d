"""Crawl every page each role can reach from the header and the record pages of
the demo organisation (incidents, decisions, allegations, exports, audits…) and
check, page by page (issue 20, visual accessibility):

- no page answers 5xx;
- axe-core (WCAG 2.0/2.1/2.2 A and AA rules) finds no violations, at 1280 px;
- every visible form control (input, select, textarea, radio, checkbox) has a
  border or fill with at least 3:1 contrast against what surrounds it (WCAG
  1.4.11), computed in the page with ``getComputedStyle``;
- nothing scrolls sideways at 320 px (WCAG 1.4.10):
  ``document.documentElement.scrollWidth <= innerWidth``;
- no word in a table cell is split across lines at 320 px (a column squeezed
  to a few letters: My work's "What" column read "notifica|tion" on a phone);
  a data table may scroll inside its ``.table-responsive`` wrapper instead;
- the header fits one line at 1280 px, and between the widths where it opens
  out and 1280 px the home page does not scroll sideways (the lead's header ran
  208 px off a 1024 px tablet in landscape).

One Chromium for the module, one sign-in per role, one demo load for all of
them; pages are deduplicated by URL shape (numbers replaced), so the crawl sees
each kind of page once per role rather than every record.

``SAFEGUARD_CRAWL_OUT=<dir>`` writes ``<dir>/crawl-<group>.json`` with the figures
docs/accessibility.md quotes; ``SAFEGUARD_CRAWL_SHOTS=1`` also saves screenshots of
every page at both widths there.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from tests.e2e.conftest import login, new_context, run_axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDE, NARROW = 1280, 320
# Widths around the header's breakpoints (Bootstrap's lg and xl) up to WIDE.
BETWEEN = (992, 1024, 1100, 1199, 1200, 1240)
# One line of Bootstrap's navbar is 56 px; allow for the 2 px focus/border slack.
HEADER_MAX_PX = 64
MAX_PAGES_PER_ROLE = 80
# Never followed: leaving the session, and the health endpoints (not pages).
SKIP = re.compile(r"^/(accounts/logout|healthz|readyz|static/|media/)")

CONTROL_CONTRAST_JS = """
() => {
  const parse = (s) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(s || "");
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  // What is painted behind an element: its ancestors' backgrounds, composited.
  const backdrop = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    for (const c of layers.reverse()) colour = over(c, colour);
    return colour;
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const skipTypes = ["hidden", "submit", "button", "reset", "image"];
  const failures = [];
  let checked = 0;
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (skipTypes.includes(el.type) || el.disabled) continue;
    const box = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    // Off-screen "visually hidden" inputs (e.g. a label styled as a button) and
    // controls in closed sections are not what the user sees.
    if (box.width <= 2 || box.height <= 2 || cs.visibility === "hidden") continue;
    const native = (el.type === "checkbox" || el.type === "radio") && cs.appearance !== "none";
    if (native) { checked++; continue; }  // drawn by Chromium: #767676, 4.5:1
    const behind = backdrop(el.parentElement);
    let best = 0;
    for (const side of ["Top", "Right", "Bottom", "Left"]) {
      const width = parseFloat(cs[`border${side}Width`]);
      const colour = parse(cs[`border${side}Color`]);
      if (width > 0 && cs[`border${side}Style`] !== "none" && colour) {
        best = Math.max(best, ratio(over(colour, behind), behind));
      }
    }
    const fill = parse(cs.backgroundColor);
    if (fill && fill[3] > 0) best = Math.max(best, ratio(over(fill, behind), behind));
    checked++;
    if (best < 3) {
      failures.push(`${el.tagName.toLowerCase()}[${el.type || ""}]#${el.id || el.name}: ` +
        `border ${cs.borderBottomColor} on ${behind.slice(0, 3)} = ${best.toFixed(2)}:1`);
    }
  }
  return {checked, failures};
}
"""

OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      // Report the outermost culprits only.
      if (!wide.some((w) => w.contains(el))) wide.push(el);
    }
  }
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      classes.filter(Boolean).map((c) => "." + c).join("");
  };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprits: wide.slice(0, 4).map(name),
  };
}
"""


# Words (two letters or more) of visible table cells whose text runs onto more
# than one line: the word itself was broken, not the line between words.
BROKEN_WORDS_JS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll("td, th")) {
    if (!cell.offsetParent) continue;
    const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      // Not a closed <details>' contents, which Chromium lays out unseen.
      if (!node.parentElement.checkVisibility()) continue;
      for (const m of node.data.matchAll(/[A-Za-z]{2,}/g)) {
        const word = document.createRange();
        word.setStart(node, m.index);
        word.setEnd(node, m.index + m[0].length);
        const lines = new Set([...word.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}
"""


def shape(url: str) -> str:
    """The kind of page a URL is: numbers and tokens replaced, query keys kept
    (with the values that pick a different form, e.g. ``?field=recipients``)."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27,}/", "/UUID/", path)
    query = sorted(
        # Text fields share one amend form; row-set fields have their own.
        f"{k}={v}" if k == "field" and v in {"recipients", "consultations"} else k
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in {"page", "q", "sort", "order"}
    )
    return path + ("?" + "&".join(query) if query else "")


def demo_with_a_subject() -> str:
    """Load the demo and add a member of staff who is the subject of an
    allegation on one of its incidents (they must never see it). Returns their username."""
    from allegations import services
    from incidents.demo import DEMO_PASSWORD
    from incidents.models import Incident
    from organisations.audit import acting_as
    from organisations.models import Membership, Organisation, Role
    from tests.factories import UserFactory

    call_command("seed_demo", stdout=io.StringIO())
    org = Organisation.objects.get(name="Riverside Care Group")
    lead = Membership.objects.get(organisation=org, role=Role.LEAD).user
    incident = Incident.objects.filter(organisation=org).order_by("pk").first()
    assert incident is not None
    subject = UserFactory(username="subject", first_name="Sam", last_name="Rivers")
    subject.set_password(DEMO_PASSWORD)
    subject.save()
    membership = Membership.objects.create(
        user=subject, organisation=org, role=Role.MANAGER, job_title="Deputy manager"
    )
    membership.services.set([incident.service])
    with acting_as(lead):
        staff = services.create_staff_member(
            actor=lead,
            name="Sam Rivers",
            job_title="Deputy manager",
            service=incident.service,
            user=subject,
        )
        services.create_allegation(
            actor=lead,
            incident=incident,
            staff_member=staff,
            what_is_alleged="A resident says the deputy manager shouted at her at night.",
            categories=["psychological"],
            raised_by="Resident, told the night senior",
            raised_at=incident.became_aware_at,
        )
    return "subject"


def crawl_role(browser: Any, base_url: str, username: str, shots: Path | None) -> dict[str, Any]:
    from incidents.demo import DEMO_PASSWORD

    context = new_context(browser, base_url=base_url, viewport={"width": WIDE, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    # A CSP violation or a script error (static/js/nav.js runs on every page) is a bug.
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    user = type("U", (), {"get_username": lambda self: username})()
    login(page, user, DEMO_PASSWORD)

    sideways: list[str] = []
    page.goto("/")
    for width in BETWEEN:
        page.set_viewport_size({"width": width, "height": 900})
        scroll = page.evaluate(OVERFLOW_JS)
        if scroll["scrollWidth"] > scroll["innerWidth"]:
            sideways.append(f"{width} px ({scroll['scrollWidth']} px wide)")

    seen: set[str] = set()
    queue: deque[str] = deque(["/"])
    pages: list[dict[str, Any]] = []
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        page.set_viewport_size({"width": WIDE, "height": 900})
        try:
            response = page.goto(path)
        except Exception as exc:  # a download (PDF) is not a page
            if "Download is starting" not in str(exc):
                raise
            status = page.request.get(path).status
            pages.append({"path": path, "status": status, "kind": "download"})
            continue
        status = response.status if response else 0
        record: dict[str, Any] = {"path": path, "status": status}
        pages.append(record)
        content_type = (response.headers.get("content-type", "") if response else "").lower()
        if status >= 500 or "text/html" not in content_type:
            record["kind"] = "other"
            continue
        record["kind"] = "html"
        record["console"] = errors[:]
        errors.clear()
        result = run_axe(page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        record["axe"] = [
            f"{v['id']} ({len(v['nodes'])}): {v['help']} — "
            + "; ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in result.response["violations"]
        ]
        contrast = page.evaluate(CONTROL_CONTRAST_JS)
        record["controls"] = contrast["checked"]
        record["contrast"] = contrast["failures"]
        record["header_px"] = page.evaluate(
            "() => document.querySelector('header').getBoundingClientRect().height"
        )
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if parts.netloc != urlsplit(base_url).netloc or SKIP.match(parts.path):
                continue
            target = parts.path + ("?" + parts.query if parts.query else "")
            if shape(target) not in seen:
                queue.append(target)
        if shots:
            name = f"{username}-{len(pages):02d}-" + re.sub(r"\W+", "_", path).strip("_")[:60]
            page.screenshot(path=str(shots / f"{name}-{WIDE}.png"))
        page.set_viewport_size({"width": NARROW, "height": 800})
        overflow = page.evaluate(OVERFLOW_JS)
        record["scroll_320"] = overflow
        record["broken_320"] = page.evaluate(BROKEN_WORDS_JS)
        if shots:
            page.screenshot(path=str(shots / f"{name}-{NARROW}.png"), full_page=True)
    context.close()
    return {"role": username, "pages": pages, "sideways": sideways}


def problems_of(crawl: dict[str, Any]) -> list[str]:
    out = [f"{crawl['role']} /: scrolls sideways at {w}" for w in crawl.get("sideways", [])]
    for p in crawl["pages"]:
        where = f"{crawl['role']} {p['path']}"
        if p["status"] >= 500:
            out.append(f"{where}: HTTP {p['status']}")
        if p.get("kind") != "html":
            continue
        out += [f"{where}: axe {v}" for v in p["axe"]]
        out += [f"{where}: contrast {c}" for c in p["contrast"]]
        out += [f"{where}: console {e}" for e in p["console"] if "favicon" not in e]
        scroll = p["scroll_320"]
        if scroll["scrollWidth"] > scroll["innerWidth"]:
            out.append(
                f"{where}: scrolls sideways at 320 px "
                f"({scroll['scrollWidth']} px wide; {', '.join(scroll['culprits'])})"
            )
        if p["broken_320"]:
            words = ", ".join(sorted(set(p["broken_320"]))[:6])
            out.append(f"{where}: words split across lines in table cells at 320 px ({words})")
        if p["header_px"] > HEADER_MAX_PX:
            out.append(f"{where}: header {p['header_px']:.0f} px high at 1280 px")
    return out


# Two halves, so parallel workers share the crawl; "subject" is the deputy
# manager who is the subject of an allegation (demo_with_a_subject).
ROLE_GROUPS = {
    "care": ("manager", "lead", "hr"),
    "oversight": ("auditor", "admin", "subject"),
}


@pytest.mark.parametrize("group", ROLE_GROUPS)
def test_every_page_for_every_role_is_accessible(
    browser: Any, live_server: Any, group: str
) -> None:
    subject = demo_with_a_subject()
    out_dir = os.environ.get("SAFEGUARD_CRAWL_OUT")
    out = Path(out_dir) if out_dir else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    shots = out if out and os.environ.get("SAFEGUARD_CRAWL_SHOTS") else None
    crawls = [
        crawl_role(browser, live_server.url, role, shots)
        for role in (subject if r == "subject" else r for r in ROLE_GROUPS[group])
    ]
    problems = [problem for crawl in crawls for problem in problems_of(crawl)]
    html = [p for c in crawls for p in c["pages"] if p.get("kind") == "html"]
    if out:
        summary = {
            "pages": len(html),
            "page_shapes": len({shape(p["path"]) for p in html}),
            "axe_violations": sum(len(p["axe"]) for p in html),
            "contrast_failures": sum(len(p["contrast"]) for p in html),
            "controls_checked": sum(p["controls"] for p in html),
            "scrolling_at_320": sum(
                p["scroll_320"]["scrollWidth"] > p["scroll_320"]["innerWidth"] for p in html
            ),
            "header_px": {
                c["role"]: max(p["header_px"] for p in c["pages"] if "header_px" in p)
                for c in crawls
            },
            "per_role": {c["role"]: len(c["pages"]) for c in crawls},
            "problems": problems,
            "crawls": crawls,
        }
        (out / f"crawl-{group}.json").write_text(json.dumps(summary, indent=1))
    # Each role reaches its own pages: a crawl that stopped at home proves nothing.
    assert all(len(c["pages"]) >= 3 for c in crawls), [(c["role"], c["pages"]) for c in crawls]
    assert not problems, "\n".join(problems)


def test_the_crawl_reports_each_kind_of_problem() -> None:
    """The checks above pass only if problems_of finds nothing: make sure it
    finds each kind of problem when there is one."""
    fits = {"scrollWidth": 320, "innerWidth": 320, "culprits": []}
    crawl = {
        "role": "lead",
        "sideways": ["1024 px (1208 px wide)"],
        "pages": [
            {"path": "/broken/", "status": 500, "kind": "other"},
            {
                "path": "/ok/",
                "status": 200,
                "kind": "html",
                "axe": ["color-contrast (1)"],
                "contrast": ["input#q: 1.30:1"],
                "console": ["Refused to execute inline script"],
                "scroll_320": {"scrollWidth": 456, "innerWidth": 320, "culprits": ["table"]},
                "broken_320": ["notifica", "tion", "notification"],
                "header_px": 88,
            },
            {
                "path": "/clean/",
                "status": 200,
                "kind": "html",
                "axe": [],
                "contrast": [],
                "console": [],
                "scroll_320": fits,
                "broken_320": [],
                "header_px": 56,
            },
        ],
    }
    found = problems_of(crawl)
    assert len(found) == 8, found
    assert not [p for p in found if "/clean/" in p]
    assert any("at 1024 px" in p for p in found)
    for word in ("HTTP 500", "axe", "contrast", "console", "sideways", "split", "header 88 px"):
        assert any(word in p for p in found), word
    assert shape("/disclosures/12/amend/?field=reasoning") == "/disclosures/N/amend/?field"
    assert shape("/disclosures/12/amend/?field=recipients") == (
        "/disclosures/N/amend/?field=recipients"
    )
    assert shape("/incidents/?page=3") == "/incidents/"
