"""Hermetic tests: each test gets its own home; storage tests run on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.pgserver import running_server
from tracker.domain.clock import Clock
from tracker.domain.i18n import set_language
from tracker.domain.phones import show_numbers
from tracker.domain.settings import Settings, load_settings, sqlite_url
from tracker.service import Tracker
from tracker.storage import db
from tracker.storage.models import Base

# Hypothesis keeps neither examples nor its caches in the checkout: tests leave no files behind.
hypothesis_settings.register_profile("hermetic", database=None)
hypothesis_settings.load_profile("hermetic")


def pytest_configure(config: pytest.Config) -> None:
    config._topup_hypothesis_dir = tempfile.mkdtemp(prefix="topup-hypothesis-")  # type: ignore[attr-defined]
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = config._topup_hypothesis_dir  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(getattr(config, "_topup_hypothesis_dir", ""), ignore_errors=True)


# 2026-11-24 12:00 in Almaty: tests see the same "now" whatever the machine's clock says.
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Each test starts in English (a test that switches the language must not change the next one's)."""
    set_language("en")
    show_numbers(False)
    yield
    set_language("en")
    show_numbers(False)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point topup's home at a temporary directory and make output deterministic."""
    home = tmp_path / "home"
    monkeypatch.setenv("TOPUP_HOME", str(home))
    monkeypatch.delenv("TOPUP_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("LANGUAGE", "en")
    return home


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A PostgreSQL server for the session: TOPUP_TEST_DATABASE_URL, or one started here."""
    given = os.environ.get("TOPUP_TEST_DATABASE_URL")
    if given:
        yield given
        return
    try:
        with running_server() as url:
            yield url
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        yield None


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory, postgres_url: str | None) -> dict[str, str | None]:
    """Databases migrated once with Alembic; each test gets a copy (SQLite) or an emptied one (PostgreSQL)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = db.make_engine(sqlite_url(path))
    db.migrate(engine)
    engine.dispose()
    pg = None
    if postgres_url:
        pg = str(make_url(postgres_url).set(database="topup_test"))
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text("DROP DATABASE IF EXISTS topup_test"))
            c.execute(text("CREATE DATABASE topup_test"))
        admin.dispose()
        engine = db.make_engine(pg)
        db.migrate(engine)
        engine.dispose()
    return {"sqlite": str(path), "postgresql": pg}


def fresh_database_url(backend: str, templates: dict[str, str | None], tmp_path: Path) -> str:
    if backend == "sqlite":
        target = tmp_path / "topup.sqlite3"
        shutil.copyfile(templates["sqlite"], target)  # type: ignore[arg-type]
        return sqlite_url(target)
    url = templates["postgresql"]
    if url is None:
        pytest.skip("no PostgreSQL server available (install Debian's postgresql package)")
    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as c:
        c.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(backend: str, templates: dict[str, str | None], tmp_path: Path) -> str:
    return fresh_database_url(backend, templates, tmp_path)


@pytest.fixture
def settings(home: Path, database_url: str) -> Settings:
    return load_settings(home=home, database_url=database_url)


@pytest.fixture
def clock() -> Clock:
    return Clock(fixed=NOW)


@pytest.fixture
def tracker(settings: Settings, clock: Clock) -> Iterator[Tracker]:
    engine = db.make_engine(settings.database_url)
    t = Tracker(settings, engine, clock)
    yield t
    t.close()


@pytest.fixture
def pg_admin_url(postgres_url: str | None) -> str:
    if postgres_url is None:
        pytest.skip("no PostgreSQL server available")
    return postgres_url


@pytest.fixture
def empty_database(backend: str, tmp_path: Path, postgres_url: str | None) -> Iterator[str]:
    """A database with no schema at all, for migration tests."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "empty.sqlite3")
        return
    if postgres_url is None:
        pytest.skip("no PostgreSQL server available")
    name = f"empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    yield str(make_url(postgres_url).set(database=name))
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()
