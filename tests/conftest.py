"""Shared fixtures: one organisation with a named user per role, and an outsider.

``world`` is the standard cast used by the permission matrix and most tests:
- org with services ``home`` and ``dom``;
- ``manager`` (home only), ``manager_dom`` (dom only), ``lead``, ``hr``,
  ``auditor``, ``admin``;
- ``outsider``: a lead in another organisation;
- ``subject_manager`` (home), ``subject_lead``, ``subject_hr``, ``subject_auditor``: made on
  first use (``world.user(role)``); the subjects of allegations on ``incident`` once a test
  builds ``tests.allegations.factories.subject_case`` (issue 17);
- ``incident`` (home, open), ``restricted`` (home, restricted, nobody named).
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import gc
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.test import Client, override_settings

from organisations.models import Organisation, Role, Service
from safeguard import dbroles
from tests.factories import PASSWORD, OrganisationFactory, ServiceFactory, make_incident, member
from tests.matrix import SUBJECT_ROLES


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    home: Service
    dom: Service
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    # Sessions signed in when the shared world was built (role -> session key, and
    # when; ``sign_in_once``): the first client of a role in a test takes its
    # session instead of signing in again (``force_login`` writes the session,
    # last_login, the audit trail's LOGIN entry and django-axes' record: 25 ms, in
    # nearly every test; the permission matrix took 45 % less time without it).
    sessions: dict[str, str] = field(default_factory=dict)
    session_hashes: dict[str, str] = field(default_factory=dict)
    sessions_at: float = 0.0

    def client(self, role: str) -> Client:
        client = Client()
        if role == "anonymous":
            return client
        key = self.sessions.pop(role, None)
        user = self.user(role)
        if (
            key
            and time.monotonic() - self.sessions_at < SESSION_REUSE_SECONDS
            and self.session_hashes.get(role) == user.get_session_auth_hash()
        ):
            client.cookies[settings.SESSION_COOKIE_NAME] = key
        else:  # none kept, too old, or the test changed the password (the session would end)
            client.force_login(user)
        return client

    def user(self, role: str) -> Any:
        """A named user; the ``subject_*`` users are made on first use (a member
        of the organisation in that role; ``subject_manager`` manages home), so
        tests that never meet them see the same world as before."""
        if role not in self.users and role in SUBJECT_ROLES:
            plain = SUBJECT_ROLES[role]
            services = [self.home] if plain == "manager" else None
            self.users[role] = member(self.org, Role(plain), services, username=role)
        return self.users[role]


ROLES = ["manager", "manager_dom", "lead", "hr", "auditor", "admin", "outsider", *SUBJECT_ROLES]


def build_world() -> World:
    """The standard cast (module docstring), made through the factories and services."""
    org = OrganisationFactory(name="Riverside Test Group")
    other = OrganisationFactory(name="Elsewhere Care Ltd", reference_prefix="EC")
    home = ServiceFactory(organisation=org, name="Test House")
    dom = ServiceFactory(organisation=org, name="Test Home Care", kind=Service.Kind.DOMICILIARY)
    other_service = ServiceFactory(organisation=other, name="Elsewhere House")
    users = {
        "manager": member(org, Role.MANAGER, [home], username="manager"),
        "manager_dom": member(org, Role.MANAGER, [dom], username="manager_dom"),
        "lead": member(org, Role.LEAD, username="lead"),
        "hr": member(org, Role.HR, username="hr"),
        "auditor": member(org, Role.AUDITOR, username="auditor"),
        "admin": member(org, Role.ADMIN, username="admin"),
        "outsider": member(other, Role.LEAD, username="outsider"),
    }
    w = World(org=org, other_org=other, home=home, dom=dom, users=users)
    w.objects["incident"] = make_incident(users["manager"], home)
    w.objects["restricted"] = make_incident(users["manager"], home, restricted=True)
    outsider_manager = member(other, Role.MANAGER, [other_service], username="other_manager")
    w.objects["other_incident"] = make_incident(outsider_manager, other_service)
    return w


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A session signed in at build time is used for this long at most: the session
# expires 30 minutes after its last save, a sign-in counts as re-authentication
# for 10 (SAFEGUARD_REAUTH_SECONDS), and the tests' own saves are rolled back.
SESSION_REUSE_SECONDS = 5 * 60


def sign_in_once(world: World) -> None:
    """Sign every user of a shared world in once, and keep only their sessions.

    Each sign-in is done as the tests do it (``force_login``, so the session holds
    what a real one does), in a savepoint rolled back afterwards: its other writes
    (last_login, the audit trail's LOGIN entry, django-axes' record) are not part
    of the world. Sessions with the same contents are then stored again. Not for a world
    built inside a test, whose rows are rolled back after that test."""
    engine = import_module(settings.SESSION_ENGINE)
    signed_in: dict[str, dict[str, Any]] = {}
    savepoint = transaction.savepoint()
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        signed_in[role] = dict(client.session.items())
    transaction.savepoint_rollback(savepoint)
    for role, data in signed_in.items():
        store = engine.SessionStore()
        store.update(data)
        store.create()
        world.sessions[role] = store.session_key
        world.session_hashes[role] = data[HASH_SESSION_KEY]
    world.sessions_at = time.monotonic()


class SharedWorld:
    """One ``world`` for a run of consecutive tests that use it, instead of one
    per test (building it is most of a typical test's time).

    It is built in a transaction of the app's connection that stays open; each
    test's own transaction (pytest-django) is then a savepoint inside it, rolled
    back after the test as before, so every test starts from the world as built,
    and gets a deep copy of its Python objects. Only tests that run the app's
    connection inside one transaction share it: a test that commits (flush), runs
    as the owner, or names other databases first has the shared transaction
    rolled back, as does any test that does not use ``world`` (it must not see
    the world's rows); the next test that uses it builds it again."""

    def __init__(self) -> None:
        self.atomic: Any = None
        self.world: World | None = None
        self.flavour = ""

    def get(self, flavour: str = "") -> World:
        connection = connections[DEFAULT_DB_ALIAS]
        if self.atomic is not None and (
            connection.connection is None
            or connection.closed_in_transaction
            or not connection.in_atomic_block
            or flavour != self.flavour
        ):
            self.release()  # the transaction is gone, or the test wants another world
        if self.world is None:
            # Content types cached before (by a flushed test, or in a world rolled
            # back since) may name rows that are gone; the build's audit entries
            # must not use them (tests/test_world_sessions.py).
            ContentType.objects.clear_cache()
            self.atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            self.atomic.__enter__()
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                self.world = build_world()
                if flavour:
                    WORLD_FLAVOURS[flavour](self.world)
                sign_in_once(self.world)
            self.flavour = flavour
        return self.world

    def release(self) -> None:
        if self.atomic is None:
            return
        atomic, self.atomic, self.world = self.atomic, None, None
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block:
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            atomic.__exit__(None, None, None)


def _with_subjects(world: World) -> None:
    from tests.allegations.factories import subject_case

    subject_case(world)


# ``@pytest.mark.world_with("subjects")``: the shared world with more built in,
# once per run of consecutive tests that ask for it instead of once per test.
# "subjects": ``tests.allegations.factories.subject_case`` (allegations about
# every ``subject_*`` user on the home incident), which about 480 cases of the
# permission matrix need and which took 0.3 s to build each time.
WORLD_FLAVOURS = {"subjects": _with_subjects}

_shared_stores: list[SharedWorld] = []


@pytest.fixture(scope="session")
def _shared_world_store(django_db_setup: None, django_db_blocker: Any) -> Iterator[SharedWorld]:
    store = SharedWorld()
    _shared_stores.append(store)
    yield store
    _shared_stores.remove(store)
    with django_db_blocker.unblock():
        store.release()


def _shares_world(item: Any) -> bool:
    if "world" not in item.fixturenames or "triggers_off" in item.fixturenames:
        return False
    if item.get_closest_marker("as_owner") is not None:
        return False
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return True
    kwargs = dict(marker.kwargs)
    databases = kwargs.get("databases")
    if kwargs.get("transaction") or marker.args:
        return False
    return databases is None or list(databases) == [DEFAULT_DB_ALIAS]


@pytest.fixture(autouse=True)
def _shared_world(request: Any) -> Iterator[SharedWorld | None]:
    """Set up before every other fixture of the test (``pytest_collection_modifyitems``
    puts it first), so the shared transaction is open before the test's own. Tests
    that need no database do not set one up for it."""
    if _shares_world(request.node):
        store = request.getfixturevalue("_shared_world_store")
        marker = request.node.get_closest_marker("world_with")
        with request.getfixturevalue("django_db_blocker").unblock():
            store.get(marker.args[0] if marker else "")
        yield store
        return
    for store in _shared_stores:
        with request.getfixturevalue("django_db_blocker").unblock():
            store.release()
    yield None


@pytest.fixture
def world(request: Any, db: Any, _shared_world: SharedWorld | None) -> World:
    if _shared_world is None or _shared_world.world is None:
        built = build_world()
        marker = request.node.get_closest_marker("world_with")
        if marker:
            WORLD_FLAVOURS[marker.args[0]](built)
        return built
    return copy.deepcopy(_shared_world.world)


@pytest.fixture(autouse=True)
def _evidence_storage(settings: Any, tmp_path: Any) -> None:
    """Evidence files go to a folder of the test's own, never the developer's .data/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "evidence")},
        },
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that check hashing set it back.
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def password() -> str:
    return PASSWORD


# The audit log refuses TRUNCATE (audits migration 0003) except in a test_*
# database whose session sets this; pytest-django's transactional tests
# (live_server, transaction=True) empty every table with TRUNCATE. Only the
# owner's connections set it: the app role may not TRUNCATE at all (it has no
# such privilege, safeguard/dbroles.py), and flush runs as the owner.
def _allow_audit_flush(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.alias != dbroles.OWNER:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET safeguard.allow_audit_truncate = 'on'")


connection_created.connect(_allow_audit_flush, dispatch_uid="tests.allow_audit_flush")


@pytest.fixture(autouse=True)
def _owner_connection_for_tampering(request: Any) -> Any:
    """A test that tampers with the tables (``triggers_off``) or is marked
    ``as_owner`` (the benchmark's generator drops and rebuilds indexes) runs as
    the owner role: the app role it otherwise runs as may not. Set up before the
    test's database transaction begins, undone after it ends."""
    wanted = "triggers_off" in request.fixturenames
    if not wanted and request.node.get_closest_marker("as_owner") is None:
        yield
        return
    app = connections[DEFAULT_DB_ALIAS]
    keys = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    saved = {key: app.settings_dict.get(key) for key in keys}
    owner = connections[dbroles.OWNER].settings_dict
    app.close()
    app.settings_dict.update({key: owner.get(key) for key in keys})
    yield
    app.close()
    app.settings_dict.update(saved)


@pytest.fixture(scope="session")
def django_db_modify_db_settings_xdist_suffix() -> None:
    """pytest-django names each xdist worker's test database ``test_<db>_gwN``
    and migrates each; ``django_db_setup`` gives the workers those names itself,
    as copies of one database migrated once (``test_<db>``)."""


@pytest.fixture(scope="session")
def django_db_setup(
    request: Any,
    tmp_path_factory: Any,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Any:
    """The owner role creates and migrates the test database (migrate grants the
    app role its rights there, as in production); the app's connection then
    points at it with its own role, so every test runs the app as the app role.

    Under pytest-xdist (``make test``) the first worker to need a database
    migrates ``test_<db>`` once; every worker then runs on its own copy of it,
    ``test_<db>_gwN`` (``CREATE DATABASE ... TEMPLATE``: a second, where
    migrating takes most of a minute). The last worker to finish drops the
    template; a worker that comes later builds it again."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    keepdb = django_db_keepdb and not django_db_createdb
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    owner = connections[dbroles.OWNER]
    app = connections[DEFAULT_DB_ALIAS]
    production_name = app.settings_dict["NAME"]

    def migrate_template() -> Any:
        return setup_databases(
            verbosity=verbosity,
            interactive=False,
            keepdb=keepdb,
            aliases={dbroles.OWNER},
            serialized_aliases=set(),
        )

    with django_db_blocker.unblock():
        if worker is None:
            config = migrate_template()
        else:
            shared = _WorkerDatabases(tmp_path_factory.getbasetemp().parent, worker)
            with shared.locked():
                template = shared.template()
                if template is None:
                    migrate_template()
                    template = owner.settings_dict["NAME"]
                    shared.built(template)
                owner.settings_dict["NAME"] = template
                owner.creation.clone_test_db(suffix=worker, verbosity=verbosity, keepdb=keepdb)
                shared.join()
            owner.settings_dict["NAME"] = owner.creation.get_test_db_clone_settings(worker)["NAME"]
        app.close()
        app.creation.set_as_test_mirror(owner.settings_dict)
    yield
    with django_db_blocker.unblock():
        app.close()
        app.settings_dict["NAME"] = production_name
        if worker is None:
            if not django_db_keepdb:
                teardown_databases(config, verbosity=verbosity)
            return
        _wait_until_alone(owner)
        owner.close()
        owner.settings_dict["NAME"] = template
        with shared.locked():
            last = shared.leave()
            _drop_worker_copy(owner, production_name, verbosity, django_db_keepdb, worker)
            if last and not django_db_keepdb:
                owner.settings_dict["NAME"] = template
                owner.creation.destroy_test_db(production_name, verbosity=verbosity)
                shared.built(None)


def _drop_worker_copy(owner: Any, name: str, verbosity: int, keepdb: bool, worker: str) -> None:
    """Drop this worker's copy of the test database. When a connection outlived
    ``_wait_until_alone`` (about one run in ten: an app-role connection, idle,
    held by no other process, so one of this worker's own threads; cause not
    found yet), the copy is left, said so, for the next run to replace (its
    clone drops it; `.ci/run` ends such sessions first) rather than turning a
    finished run's results into an error. The tests' outcomes stand either way."""
    from psycopg import errors

    try:
        owner.creation.destroy_test_db(name, verbosity=verbosity, keepdb=keepdb, suffix=worker)
    except Exception as error:  # Django wraps the driver's error
        if not isinstance(error.__cause__, errors.ObjectInUse):
            raise
        print(f"left for the next run to drop: {error}", file=sys.stderr)
        owner.settings_dict["NAME"] = name  # as destroy_test_db would have left it


def _wait_until_alone(owner: Any, timeout: float = 20.0) -> None:
    """Wait until nobody else is connected to this worker's test database, so
    dropping it does not fail with "being accessed by other users". A
    connection opened in a test's thread is closed only when the thread's
    objects are collected, and a server a test started may still be exiting;
    both go within moments. After ``timeout`` the drop is tried anyway, and
    who was still there is printed for whoever reads the failure."""
    gc.collect()
    deadline = time.monotonic() + timeout
    others: list[Any] = []
    while True:
        with owner.cursor() as cursor:
            cursor.execute(
                "SELECT pid, usename, application_name, state FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            others = cursor.fetchall()
        if not others or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if others:
        print(f"still connected to the test database: {others}", file=sys.stderr)
        print(
            f"processes naming it: {_processes_naming(owner.settings_dict['NAME'])}",
            file=sys.stderr,
        )


def _processes_naming(database: str) -> list[str]:
    """This user's processes whose command line or environment names ``database``
    (a server a test started and did not stop would hold a connection)."""
    import psutil

    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        with contextlib.suppress(psutil.Error):
            text = " ".join(process.info["cmdline"] or []) + " ".join(process.environ().values())
            if database in text and process.pid != os.getpid():
                found.append(f"{process.pid}: {' '.join(process.info['cmdline'] or [])[:200]}")
    return found


class _WorkerDatabases:
    """What the xdist workers of one run share about their databases, in files
    beside their temporary directories: the migrated template's name and which
    workers are using a copy of it; changed only under an exclusive lock."""

    def __init__(self, folder: Path, worker: str) -> None:
        self.folder = folder
        self.worker = worker

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with (self.folder / "test-databases.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def template(self) -> str | None:
        path = self.folder / "test-database-template"
        return path.read_text() if path.exists() else None

    def built(self, name: str | None) -> None:
        path = self.folder / "test-database-template"
        if name is None:
            path.unlink(missing_ok=True)
            (self.folder / "test-database-users").unlink(missing_ok=True)
        else:
            path.write_text(name)

    def _users(self) -> set[str]:
        path = self.folder / "test-database-users"
        return set(path.read_text().split()) if path.exists() else set()

    def _store(self, users: set[str]) -> None:
        (self.folder / "test-database-users").write_text("\n".join(sorted(users)))

    def join(self) -> None:
        self._store(self._users() | {self.worker})

    def leave(self) -> bool:
        """Whether this was the last worker using a copy."""
        users = self._users() - {self.worker}
        self._store(users)
        return not users


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """A transactional test (``transaction=True``, ``transactional_db``,
    ``live_server``) is emptied afterwards by our ``flush`` command, which
    truncates through a connection of the owner alias (the app role may not);
    Django refuses any alias a test has not declared, so declare it."""
    for item in items:
        _set_up_first(item, "_shared_world")
        names = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker is not None else {}
        if marker is not None and marker.args:
            continue
        if not (kwargs.get("transaction") or names & {"transactional_db", "live_server"}):
            continue
        if kwargs.get("databases") is None:
            kwargs["databases"] = [DEFAULT_DB_ALIAS, dbroles.OWNER]
            kwargs["transaction"] = True
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


# The run's longest tests (``--durations``: each several minutes on one worker).
# Parallel workers take tests in collection order, so these go first: started
# last, one of them would keep a worker busy after the other has finished.
LONGEST_FIRST = (
    "tests/reliability/test_make_run.py",
    "tests/e2e/test_crawl.py",
    "tests/security/test_fuzz.py::test_no_form_gives_a_server_error",
)


class _LongestFirst:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        # After pytest-django's own ordering; sorted() is stable.
        def rank(item: Any) -> int:
            for i, prefix in enumerate(LONGEST_FIRST):
                if item.nodeid.startswith(prefix):
                    return i
            return len(LONGEST_FIRST)

        items[:] = sorted(items, key=rank)


def pytest_configure(config: Any) -> None:
    config.pluginmanager.register(_LongestFirst(), "safeguard-longest-first")


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> None:
    """A transactional test's flush (as the owner) empties django_content_type and
    the rows come back with new ids; a content type cached before would then be
    a dangling foreign key in the next audit entry. Each test reads them afresh."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _set_up_first(item: Any, name: str) -> None:
    """pytest sets fixtures up in the order of ``item.fixturenames``; pytest-django's
    own autouse fixture, which opens the test's transaction, comes before ours."""
    names = getattr(item, "fixturenames", None)
    if names is not None and name in names:
        names.remove(name)
        names.insert(0, name)
