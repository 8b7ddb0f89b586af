"""Alembic environment. Runs only with a connection handed in by ``tiaojie.store.db``."""

from __future__ import annotations

from alembic import context

from tiaojie.store.schema import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        # Invoked from the alembic command line (development: `alembic revision --autogenerate`).
        from tiaojie.store.db import make_engine, resolve_url

        engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url")))
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic loads this file by path (as "env_py"); imported as a module of the package — as the
# import-contract test walks every module — it must do nothing.
if __name__ != "tiaojie.store.migrations.env":
    if context.is_offline_mode():
        raise SystemExit("tiaojie migrations run online only")
    run_migrations_online()
