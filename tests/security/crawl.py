"""Discover every page and every form a role can reach, from the permission matrix.

Every app must declare its URLs in ``tests/<app>/matrix.py`` (the matrix test
fails otherwise), so the matrix is the map of the application: each GET case a
role may open is a page, and every ``<form>`` on those pages is a form to
attack. Pages and forms added by later apps are covered as soon as their matrix
cases exist — no per-form test code to remember.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from django.utils import timezone

from tests.matrix import OK, Case

TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", ""}


@dataclass
class Field:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    maxlength: int | None = None
    options: list[str] = field(default_factory=list)
    multiple: bool = False

    @property
    def is_text(self) -> bool:
        return self.tag == "textarea" or (self.tag == "input" and self.type in TEXT_TYPES)


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    has_csrf: bool = False

    @property
    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        return (
            self.method,
            re.sub(r"\d+", "N", self.action),
            tuple(sorted({f.name for f in self.fields})),
        )

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_text]


@dataclass
class Page:
    url: str
    forms: list[Form] = field(default_factory=list)
    inline_problems: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page(url=url)
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._script_has_src = True

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v or "") for k, v in attrs_list}
        for name, value in attrs.items():
            if name.startswith("on"):
                self.page.inline_problems.append(f"<{tag} {name}=…> event handler attribute")
            if name == "style":
                self.page.inline_problems.append(f"<{tag} style=…> inline style attribute")
            if name in ("href", "src", "action") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.page.inline_problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.page.inline_problems.append("<style> element")
        if tag == "script":
            self._script_has_src = bool(attrs.get("src"))
        if tag == "form":
            action = attrs.get("action") or self.page.url
            self._form = Form(
                page=self.page.url,
                action=urljoin(self.page.url, action),
                method=(attrs.get("method") or "get").lower(),
            )
            self.page.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            name = attrs.get("name", "")
            kind = attrs.get("type", "text").lower()
            if name == "csrfmiddlewaretoken":
                self._form.has_csrf = True
                return
            if not name or kind in ("submit", "button", "image", "reset", "file"):
                return
            maxlength = attrs.get("maxlength")
            existing = next(
                (f for f in self._form.fields if f.name == name and f.type == kind), None
            )
            if kind in ("checkbox", "radio") and existing is not None:
                existing.options.append(attrs.get("value", "on"))
                return
            self._form.fields.append(
                Field(
                    tag="input",
                    name=name,
                    type=kind,
                    value=attrs.get("value", ""),
                    maxlength=int(maxlength) if maxlength and maxlength.isdigit() else None,
                    options=[attrs.get("value", "on")] if kind in ("checkbox", "radio") else [],
                )
            )
        elif tag == "textarea" and attrs.get("name"):
            maxlength = attrs.get("maxlength")
            self._textarea = Field(
                tag="textarea",
                name=attrs["name"],
                type="textarea",
                maxlength=int(maxlength) if maxlength and maxlength.isdigit() else None,
            )
            self._form.fields.append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = Field(
                tag="select", name=attrs["name"], type="select", multiple="multiple" in attrs
            )
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "script":
            self._script_has_src = True

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and not self._script_has_src and data.strip():
            self.page.inline_problems.append("inline <script> content")
        if self._textarea is not None:
            self._textarea.value += data


def parse(url: str, html: str) -> Page:
    parser = _Parser(url)
    parser.feed(html)
    parser.close()
    return parser.page


# --- The map, from the permission matrix -------------------------------------------

ROLE_PREFERENCE = ("lead", "manager", "hr", "auditor", "admin", "manager_dom")


def matrix_cases() -> list[Case]:
    from tests.test_permission_matrix import CASES

    return list(CASES)


def page_urls(world: Any, role: str) -> list[str]:
    """Every GET page of the matrix that ``role`` may open, with real objects."""
    urls: list[str] = []
    for case in matrix_cases():
        if case.method != "get" or case.expect.get(role) != OK:
            continue
        try:
            url = reverse(case.url_name, kwargs=case.kwargs(world))
        except (ValidationError, PermissionDenied, NoReverseMatch):
            # A kwargs builder that cannot run twice (e.g. a duplicate grant), or
            # no longer can after the attack changed things (e.g. the incident
            # was restricted through its own form, so a manager cannot record).
            continue
        if url not in urls:
            urls.append(url)
    return urls


def crawl(client: Client, urls: list[str]) -> list[Page]:
    pages = []
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if "html" not in response.get("Content-Type", ""):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        pages.append(parse(urljoin("http://testserver", final), response.content.decode()))
    return pages


SKIP_ACTIONS = {"logout"}


def _skipped(form: Form) -> bool:
    path = urlsplit(form.action).path
    return any(path == reverse(name) for name in SKIP_ACTIONS)


def forms_of(pages: list[Page]) -> list[Form]:
    seen: set[Any] = set()
    found: list[Form] = []
    for page in pages:
        for form in page.forms:
            if _skipped(form) or form.signature in seen:
                continue
            seen.add(form.signature)
            found.append(form)
    return found


def fresh_copy(client: Client, form: Form) -> Form | None:
    """The same form as the page shows it now (new version numbers, new choices)."""
    response = client.get(form.page, follow=True)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    for candidate in parse(form.page, response.content.decode()).forms:
        if candidate.signature == form.signature:
            return candidate
    return None


def sensible_value(f: Field) -> Any:
    """A valid-looking value for a field that is not under attack."""
    now = timezone.localtime()
    if f.tag == "select":
        choices = [o for o in f.options if o]
        return choices[:1] if f.multiple else (choices[0] if choices else "")
    if f.type in ("checkbox", "radio"):
        return f.options[:1] if f.type == "checkbox" else f.options[0]
    if f.value:
        return f.value
    if f.type == "date":
        return (now - timedelta(days=1)).strftime("%Y-%m-%d")
    if f.type == "datetime-local":
        return (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    if f.type == "time":
        return "09:30"
    if f.type == "number":
        return "1"
    return "Test"


def submit(client: Client, form: Form, data: dict[str, Any]) -> Any:
    path = urlsplit(form.action)
    url = path.path + (f"?{path.query}" if path.query and form.method == "post" else "")
    if form.method == "post":
        return client.post(url, data, follow=True)
    return client.get(path.path, data, follow=True)


# --- Every URL pattern, with placeholder arguments -----------------------------------


def all_patterns() -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                found.append((f"{namespace}{p.name}" if p.name else "", p))

    walk(get_resolver().url_patterns, "")
    return found


def placeholder_url(name: str, pattern: URLPattern) -> str:
    """Reverse ``name`` with made-up arguments of the right shape."""
    from django.urls.converters import IntConverter, UUIDConverter

    candidates = ["x", "0" * 64, "a" * 64, "1", "2026-01-01", "x" * 8]
    converters = dict(getattr(pattern.pattern, "converters", {}))
    for attempt in candidates:
        kwargs: dict[str, Any] = {}
        for arg, converter in converters.items():
            if isinstance(converter, IntConverter):
                kwargs[arg] = 987654
            elif isinstance(converter, UUIDConverter):
                kwargs[arg] = "00000000-0000-4000-8000-000000000000"
            else:
                kwargs[arg] = attempt
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"Cannot build a placeholder URL for {name}: add a candidate above")
