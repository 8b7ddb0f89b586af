"""Choosing, opening and migrating the ledger database.

``--db URL`` wins over ``TIAOJIE_DB``, which wins over a SQLite file in the user's data directory.
Every failure to reach or open the database becomes a ``StoreUnavailable`` with a bilingual
message, so the CLI never shows a driver traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from .ledger_file import LedgerFile, driver_trouble, watch
from .location import ENV_VAR, default_file, default_url
from .messages import SchemaMismatch, StoreUnavailable
from .revisions import MIGRATIONS, file_head_revision

# One key for PostgreSQL's advisory lock so that two first uses of an empty database do not both
# try to create the schema.
_MIGRATION_LOCK = 0x7469616F6A6965  # "tiaojie"


def resolve_url(cli_value: str | None = None) -> str:
    """The database URL to use. A bare path is taken as a SQLite file."""
    raw = cli_value or os.environ.get(ENV_VAR) or default_url()
    if "://" not in raw:
        raw = f"sqlite:///{Path(raw).expanduser().resolve()}"
    return normalise_url(raw)


def normalise_url(raw: str) -> str:
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError) as exc:  # e.g. a port that is not a number
        raise StoreUnavailable("db_bad_url", url=raw, detail=str(exc)) from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise StoreUnavailable("db_unsupported", scheme=url.drivername)
    return url.render_as_string(hide_password=False)


def safe_url(url: str) -> str:
    """The URL as shown to people: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or one in memory. A SQLite URI
    (``sqlite:///file:PATH?mode=ro&uri=true``) names the PATH part."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if parsed.query.get("uri") == "true" and database.startswith("file:"):
        if parsed.query.get("mode") == "memory":
            return None
        database = database[len("file:"):]
    return Path(database).expanduser()


def is_default_location(url: str) -> bool:
    """The default location: created on first run, unlike a file somebody names."""
    return sqlite_file(url) == default_file().expanduser()


def _sqlite_setup(engine: Engine, url: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy issue BEGIN itself (below) rather than pysqlite's deferred guess.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        # No memory-mapped reads of the database file (SQLite's default, said here so that it
        # stays so): a mapped file changed underneath ends the process with SIGBUS.
        cur.execute("PRAGMA mmap_size=0")
        cur.close()

    path = sqlite_file(url)
    if path is not None:
        # after the PRAGMAs above (the WAL index exists), before BEGIN below (which touches it)
        watch(engine, LedgerFile(path, read_only=make_url(url).query.get("mode") == "ro"))

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # IMMEDIATE takes the write lock up front: a read-then-write transaction (the audit head,
        # a period check) can never be overtaken by another writer between its read and write.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, check: bool = True, create: bool = True) -> Engine:
    """An engine for the URL; with ``check``, proves the server answers. Without ``create`` a
    SQLite file that does not exist is refused rather than made empty."""
    url = normalise_url(url)
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_file(url)
        if path is not None and not create and not path.exists():
            raise StoreUnavailable("db_missing", path=str(path), default=str(default_file()))
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable("db_unreachable", url=safe_url(url), detail=str(exc)) from None
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["connect_args"] = {"connect_timeout": 5}
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError) as exc:
        raise StoreUnavailable("db_bad_url", url=safe_url(url), detail=str(exc)) from None
    if parsed.get_backend_name() == "sqlite":
        _sqlite_setup(engine, url)
    if check:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (DBAPIError, SQLAlchemyError, OSError) as exc:
            engine.dispose()
            key = driver_trouble(exc) or "db_unreachable"
            raise StoreUnavailable(key, url=safe_url(url), detail=_first_line(exc)) from None
    return engine


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text_ = str(orig).strip().splitlines()
    return text_[0] if text_ else type(orig).__name__


# --- migrations ------------------------------------------------------------------------------


def alembic_config(connection=None):  # noqa: ANN001, ANN201
    """An Alembic Config built in code, pointing into the installed package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", *, only_if_fresh: bool = False) -> str:
    """Bring the schema to ``revision``; returns the revision reached.

    With ``only_if_fresh`` (first use), a database that holds other tables but no version is
    refused rather than written into; the check runs under the same lock as the upgrade.
    """
    from alembic import command
    from alembic.migration import MigrationContext

    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            current = MigrationContext.configure(conn).get_current_revision()
            if only_if_fresh and current is None:
                if [t for t in inspect(conn).get_table_names() if t != "alembic_version"]:
                    raise SchemaMismatch("db_not_ledger")
            if current is not None and current not in _known_revisions():
                # written by a newer tiaojie: upgrading cannot go back, and must not pretend to
                raise SchemaMismatch("db_ahead", current=current, head=head_revision())
            command.upgrade(alembic_config(conn), revision)
    except (DBAPIError, OSError) as exc:
        raise StoreUnavailable("db_unreachable", url=safe_url(str(engine.url)), detail=_first_line(exc)) from None
    return current_revision(engine) or ""


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def stored_revisions(engine: Engine) -> list[str] | None:
    """The revisions in the database's ``alembic_version`` table, read with plain SQL; None
    when the table is not there."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def ensure_schema(engine: Engine) -> None:
    """A new (empty) database is created at head; an older one must be upgraded explicitly."""
    head = file_head_revision()
    if head is not None and stored_revisions(engine) == [head]:
        return  # at head, as nearly every open finds it: no need to load Alembic
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        upgrade(engine, only_if_fresh=True)
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise SchemaMismatch("db_ahead", current=current, head=head)
    raise SchemaMismatch("db_behind", current=current, head=head)


def open_database(url: str | None = None, *, migrate: bool = True, create: bool = False) -> Engine:
    """Resolve the URL, connect, and make sure the schema is at head.

    A SQLite file somebody names must exist unless ``create`` (`db init`, the demo): a mistyped
    or deleted path must not quietly become an empty ledger. The default location is the
    exception — it is made on first run."""
    resolved = resolve_url(url)
    engine = make_engine(resolved, create=create or is_default_location(resolved))
    if migrate:
        try:
            ensure_schema(engine)
        except (DBAPIError, OSError) as exc:
            engine.dispose()
            raise StoreUnavailable(
                driver_trouble(exc) or "db_unreachable", url=safe_url(str(engine.url)), detail=_first_line(exc)
            ) from None
    return engine
