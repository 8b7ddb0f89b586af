"""PostgreSQL as the boundary of a county ledger: a group role per tiaojie role, a login role per
user, what each role may touch, and which rows it sees.

A county ledger is reached from many stations, so the services' checks alone would trust every
station's copy of tiaojie. Here the database itself draws the lines:

- Group roles ``tiaojie_mediator``, ``tiaojie_clerk``, ``tiaojie_policy``, ``tiaojie_admin``
  (NOLOGIN) hold the grants of `TABLE_GRANTS`; each user's login role is a member of one.
- Row-level security confines cases, banquet filings, cadres and their reviews, and what hangs
  off a case (outcomes, escalations, payout lines, adjustments) to the signed-in user's unit and
  the units under it;
  a user without a unit sees the whole tree. Only a user who sees every unit closes a period or
  activates rules, a closed period never changes, and payments and corrections go into open
  periods only. The owner (who runs migrations) is not confined: RLS is enabled, not forced.
- The audit log takes INSERT only from application roles, each entry in the connected role's own
  name; the chain's head may only move to the newest entry.

`apply_grants` is idempotent: migration 0005 calls it, and a later migration that adds a table
must name the table in `TABLE_GRANTS` and call it again (a test checks both).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from .db import normalise_url
from .messages import Conflict, LedgerError

GROUP_ROLES = {
    "mediator": "tiaojie_mediator",
    "clerk": "tiaojie_clerk",
    "policy": "tiaojie_policy",
    "admin": "tiaojie_admin",
}

_ALL = ("mediator", "clerk", "policy", "admin")
_CASES = ("mediator", "clerk", "admin")  # case_write, banquet (ledger/access.py PERMISSIONS)
_MONEY = ("clerk", "admin")  # import, periods, adjust, dividend, collective_edit
_RULES = ("policy", "admin")  # rules_edit
_ADMIN = ("admin",)  # user_admin
_REVIEWS = ("clerk", "admin")  # review (ledger/access.py PERMISSIONS)
_MATTERS = ("mediator", "clerk", "admin")  # matter (ledger/access.py PERMISSIONS)
_VISITS = ("mediator", "clerk", "admin")  # visit (ledger/access.py PERMISSIONS)

# table → privilege → the tiaojie roles that hold it. Nothing is granted on a table not named here.
# Services never delete ledger rows, so no role may; sign-in tokens are the one exception.
TABLE_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "alembic_version": {"SELECT": _ALL},
    "units": {"SELECT": _ALL, "INSERT": _ADMIN, "UPDATE": _ADMIN},
    "users": {"SELECT": _ALL, "INSERT": _ADMIN, "UPDATE": _ADMIN},
    # row-level security keeps each user to their own tokens (an admin to everyone's)
    "sign_in_tokens": {"SELECT": _ALL, "INSERT": _ALL, "DELETE": _ALL},
    # activating rules judges again what is stored of open cases: policy staff store outcomes and a
    # case's level (CaseRepository.relevel), and write nothing else of a case
    "cases": {"SELECT": _ALL, "INSERT": _CASES, "UPDATE": _CASES, "UPDATE (level, updated_at)": ("policy",)},
    "outcomes": {"SELECT": _ALL, "INSERT": (*_CASES, "policy"), "UPDATE": (*_CASES, "policy")},
    "escalations": {"SELECT": _ALL, "INSERT": _CASES},
    "banquet_filings": {"SELECT": _ALL, "INSERT": _CASES},
    "people": {"SELECT": _ALL, "INSERT": _REVIEWS, "UPDATE": _REVIEWS},
    # a corrected review replaces the result; the audit log keeps what it replaced
    "satisfaction_reviews": {"SELECT": _ALL, "INSERT": _REVIEWS, "UPDATE": _REVIEWS},
    # residents' matters and their meetings: closing a matter, a consensus, a measure done are updates
    **{t: {"SELECT": _ALL, "INSERT": _MATTERS, "UPDATE": _MATTERS}
       for t in ("matters", "meetings", "agenda_items", "attendees", "measures")},
    # households and party members' links are kept with the people (people); visits are logged, never changed
    "households": {"SELECT": _ALL, "INSERT": _REVIEWS, "UPDATE": _REVIEWS},
    "household_links": {"SELECT": _ALL, "INSERT": _REVIEWS},
    "visits": {"SELECT": _ALL, "INSERT": _VISITS},
    # follow-up checks (ledger/access.py PERMISSIONS follow_up): a draw and a visit's result are kept, never changed
    **{t: {"SELECT": _ALL, "INSERT": ("clerk", "admin")} for t in ("follow_up_draws", "follow_up_picks", "follow_ups")},
    # claims move through their review chain by updates; each decision is logged, never changed
    **{t: {"SELECT": _ALL, "INSERT": _CASES, "UPDATE": _CASES} for t in ("claims", "claim_lines", "claim_objections")},
    "claim_decisions": {"SELECT": _ALL, "INSERT": _CASES},
    "periods": {"SELECT": _ALL, "INSERT": _MONEY, "UPDATE": _MONEY},
    "payout_lines": {"SELECT": _ALL, "INSERT": _MONEY},
    "adjustments": {"SELECT": _ALL, "INSERT": _MONEY},
    # policy staff bind a collective to its dividend policy (collective_policy)
    "collectives": {"SELECT": _ALL, "INSERT": _MONEY, "UPDATE": (*_MONEY, "policy")},
    "members": {"SELECT": _ALL, "INSERT": _MONEY, "UPDATE": _MONEY},
    "share_classes": {"SELECT": _ALL, "INSERT": _MONEY, "UPDATE": _MONEY},
    "holdings": {"SELECT": _ALL, "INSERT": _MONEY, "UPDATE": _MONEY},
    "fiscal_investments": {"SELECT": _ALL, "INSERT": _MONEY, "UPDATE": _MONEY},
    "distribution_runs": {"SELECT": _ALL, "INSERT": _MONEY},
    "allocations": {"SELECT": _ALL, "INSERT": _MONEY},
    # every write keeps the rule files that decided it, by content hash: insert-only
    "policy_files": {"SELECT": _ALL, "INSERT": _ALL},
    "rule_sets": {"SELECT": _ALL, "INSERT": _RULES},
    # every write appends to the chain; nobody but the owner rewrites it
    "audit_log": {"SELECT": _ALL, "INSERT": _ALL},
    "audit_head": {"SELECT": _ALL, "UPDATE": _ALL},
}

_VISIBLE = "{t}unit_id IN (SELECT tiaojie_visible_units(current_user))"
_OF_VISIBLE_CASE = "case_id IN (SELECT id FROM cases)"  # cases' own policy confines the subquery
_INTO_OPEN_PERIOD = "period_id IN (SELECT id FROM periods WHERE status = 'open')"
# Closing pays every case of the period: one who sees only part of the tree would pay only that part.
_SEES_WHOLE_TREE = "NOT EXISTS (SELECT 1 FROM units u WHERE u.id NOT IN (SELECT tiaojie_visible_units(current_user)))"

# table → [(policy name, command, USING, WITH CHECK)]
POLICIES: dict[str, list[tuple[str, str, str | None, str | None]]] = {
    "cases": [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))],
    # a filing without a unit belongs to no subtree: only users of the whole tree see it
    "banquet_filings": [
        (
            "tiaojie_unit_scope",
            "ALL",
            f"{_VISIBLE.format(t='')} OR (unit_id IS NULL AND tiaojie_sees_all_units(current_user))",
            f"{_VISIBLE.format(t='')} OR (unit_id IS NULL AND tiaojie_sees_all_units(current_user))",
        )
    ],
    "people": [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))],
    "satisfaction_reviews": [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))],
    **{t: [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))]
       for t in ("matters", "meetings", "agenda_items", "attendees", "measures")},
    **{t: [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))]
       for t in ("households", "household_links", "visits")},
    **{t: [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))]
       for t in ("claims", "claim_lines", "claim_decisions", "claim_objections")},
    "outcomes": [("tiaojie_unit_scope", "ALL", _OF_VISIBLE_CASE, _OF_VISIBLE_CASE)],
    "escalations": [("tiaojie_unit_scope", "ALL", _OF_VISIBLE_CASE, _OF_VISIBLE_CASE)],
    # payments and corrections go into open periods only: a closed period stays as it was paid
    "payout_lines": [("tiaojie_unit_scope", "ALL", _OF_VISIBLE_CASE, f"{_OF_VISIBLE_CASE} AND {_INTO_OPEN_PERIOD}")],
    "adjustments": [("tiaojie_unit_scope", "ALL", _OF_VISIBLE_CASE, f"{_OF_VISIBLE_CASE} AND {_INTO_OPEN_PERIOD}")],
    "follow_up_draws": [("tiaojie_unit_scope", "ALL", _VISIBLE.format(t=""), _VISIBLE.format(t=""))],
    **{t: [("tiaojie_unit_scope", "ALL", _OF_VISIBLE_CASE, _OF_VISIBLE_CASE)] for t in ("follow_up_picks", "follow_ups")},
    "periods": [
        ("tiaojie_period_read", "SELECT", "true", None),
        ("tiaojie_period_open", "INSERT", None, "true"),
        ("tiaojie_period_close", "UPDATE", "status = 'open'", _SEES_WHOLE_TREE),
    ],
    # new rules pay the whole county, and their recorded impact must be measured over all of it
    "rule_sets": [
        ("tiaojie_rules_read", "SELECT", "true", None),
        ("tiaojie_rules_activate", "INSERT", None, _SEES_WHOLE_TREE),
    ],
    "sign_in_tokens": [
        (
            "tiaojie_own_tokens",
            "ALL",
            "user_id IN (SELECT id FROM users WHERE name = current_user) OR pg_has_role('tiaojie_admin', 'MEMBER')",
            "user_id IN (SELECT id FROM users WHERE name = current_user) OR pg_has_role('tiaojie_admin', 'MEMBER')",
        )
    ],
    # An entry names who wrote it: on a connection of one's own, only oneself.
    "audit_log": [
        ("tiaojie_audit_read", "SELECT", "true", None),
        ("tiaojie_audit_append", "INSERT", None, "user_name = current_user"),
    ],
    # The head moves only to the newest entry, so nobody can rewind the chain by the head alone.
    "audit_head": [
        ("tiaojie_head_read", "SELECT", "true", None),
        (
            "tiaojie_head_advance",
            "UPDATE",
            "true",
            "seq = (SELECT max(l.seq) FROM audit_log l)"
            " AND hash = (SELECT l.hash FROM audit_log l WHERE l.seq = audit_head.seq)",
        ),
    ],
}

# SECURITY DEFINER: who sees which units must not depend on what the caller may read (were users
# or units ever confined too, a policy would recurse through them). The search_path is pinned so
# that a caller's own objects cannot stand in for units or users.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {s}.tiaojie_visible_units(who text) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $f$
    WITH RECURSIVE me AS (
        SELECT unit_id FROM users WHERE name = who AND active
    ), tree(id) AS (
        SELECT u.id FROM units u
        WHERE u.id IN (SELECT unit_id FROM me) OR EXISTS (SELECT 1 FROM me WHERE me.unit_id IS NULL)
        UNION
        SELECT u.id FROM units u JOIN tree t ON u.parent_id = t.id
    )
    SELECT id FROM tree
$f$;
CREATE OR REPLACE FUNCTION {s}.tiaojie_sees_all_units(who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $f$
    -- every unit in sight: no unit of one's own, or the root of the whole tree (the county)
    SELECT EXISTS (SELECT 1 FROM users WHERE name = who AND active)
       AND NOT EXISTS (
           SELECT 1 FROM units WHERE id NOT IN (SELECT tiaojie_visible_units(who))
       )
$f$;
REVOKE ALL ON FUNCTION {s}.tiaojie_visible_units(text), {s}.tiaojie_sees_all_units(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {s}.tiaojie_visible_units(text), {s}.tiaojie_sees_all_units(text) TO {roles};
"""

# Roles are cluster-wide and several ledgers (or tests) may create them at once: whoever loses
# the race finds the role there.
_CREATE_GROUP = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lit}) THEN
        CREATE ROLE {ident} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$
"""

_MAX_NAME_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1; a longer name would be cut, not refused


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _run(connection: Connection, statements: list[str]) -> None:
    # One round trip: with no parameters psycopg sends the statements as a single simple query.
    connection.exec_driver_sql(";\n".join(statements))


def ensure_group_roles(connection: Connection, names: tuple[str, ...] = tuple(GROUP_ROLES.values())) -> None:
    _run(connection, [_CREATE_GROUP.format(lit=_quote_literal(r), ident=quote_ident(r)) for r in names])


def apply_grants(connection: Connection, schema: str) -> None:
    """Make the ledger in ``schema`` grant, confine and protect as this module says. Safe to call
    again: it revokes the group roles' privileges first, so a narrowed grant really narrows."""
    if connection.dialect.name != "postgresql":
        return
    ensure_group_roles(connection)
    s = quote_ident(schema)
    groups = [quote_ident(g) for g in GROUP_ROLES.values()]
    all_groups = ", ".join(groups)
    tables = set(
        connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalars()
    )
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {all_groups}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {all_groups}",
        f"GRANT USAGE ON SCHEMA {s} TO {all_groups}",
    ]
    # (privilege, roles) → tables, so each distinct grant is one statement
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for table, privileges in TABLE_GRANTS.items():
        if table in tables:
            for privilege, roles in privileges.items():
                grouped.setdefault((privilege, roles), []).append(table)
    for (privilege, roles), names in sorted(grouped.items()):
        targets = ", ".join(f"{s}.{quote_ident(t)}" for t in sorted(names))
        statements.append(f"GRANT {privilege} ON {targets} TO {', '.join(quote_ident(GROUP_ROLES[r]) for r in roles)}")
    for table, sequence in _owned_sequences(connection, schema):
        inserters = TABLE_GRANTS.get(table, {}).get("INSERT", ())
        if inserters:
            statements.append(
                f"GRANT USAGE ON SEQUENCE {s}.{quote_ident(sequence)} TO "
                + ", ".join(quote_ident(GROUP_ROLES[r]) for r in inserters)
            )
    statements.append(_FUNCTIONS.format(s=s, roles=all_groups))
    for table, policies in POLICIES.items():
        if table not in tables:
            continue
        target = f"{s}.{quote_ident(table)}"
        statements.append(f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY")
        for name, command, using, check in policies:
            statements.append(f"DROP POLICY IF EXISTS {quote_ident(name)} ON {target}")
            sql = f"CREATE POLICY {quote_ident(name)} ON {target} FOR {command}"
            if using is not None:
                sql += f" USING ({using})"
            if check is not None:
                sql += f" WITH CHECK ({check})"
            statements.append(sql)
    # No role but the owner may TRUNCATE, and the owner's own privileges are not the groups'.
    _run(connection, statements)


def remove_grants(connection: Connection, schema: str) -> None:
    """Undo `apply_grants` in ``schema`` (the group roles stay: other ledgers may use them)."""
    if connection.dialect.name != "postgresql":
        return
    s = quote_ident(schema)
    all_groups = ", ".join(quote_ident(g) for g in GROUP_ROLES.values())
    statements = []
    for table, policies in POLICIES.items():
        target = f"{s}.{quote_ident(table)}"
        for name, *_ in policies:
            statements.append(f"DROP POLICY IF EXISTS {quote_ident(name)} ON {target}")
        statements.append(f"ALTER TABLE IF EXISTS {target} DISABLE ROW LEVEL SECURITY")
    statements += [
        f"DROP FUNCTION IF EXISTS {s}.tiaojie_visible_units(text)",
        f"DROP FUNCTION IF EXISTS {s}.tiaojie_sees_all_units(text)",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {all_groups}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {all_groups}",
        f"REVOKE ALL ON SCHEMA {s} FROM {all_groups}",
    ]
    _run(connection, statements)


def _owned_sequences(connection: Connection, schema: str) -> list[tuple[str, str]]:
    """(table, sequence) for each serial or identity column of the schema's tables."""
    rows = connection.execute(
        text(
            """
            SELECT t.relname, q.relname FROM pg_depend d
            JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'
            JOIN pg_class t ON t.oid = d.refobjid
            WHERE d.deptype IN ('a', 'i') AND q.relnamespace = CAST(:s AS regnamespace)
            """
        ),
        {"s": quote_ident(schema)},
    ).all()
    return [(str(table), str(sequence)) for table, sequence in rows]


class DatabaseRefused(LedgerError):
    """PostgreSQL refused a statement to the connected role: a grant the role lacks, or a row
    outside its units."""


def refusal(exc: BaseException) -> LedgerError | None:
    """A driver error that says the connected role may not do this (SQLSTATE 42501) as a message;
    None for any other error. The unit of work rolls back first, so nothing was written."""
    orig = getattr(exc, "orig", None) or exc
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    diag = getattr(orig, "diag", None)
    lines = str(orig).strip().splitlines()
    detail = getattr(diag, "message_primary", None) or (lines[0] if lines else type(orig).__name__)
    return DatabaseRefused("db_refused_by_role", detail=detail)


# --- login roles: one per tiaojie user -----------------------------------------------------------


class RoleRefused(LedgerError):
    """The database refused to create or change a user's login role."""


def create_login_role(session: Session, name: str, tiaojie_role: str, password: str) -> None:
    """Make ``name`` a PostgreSQL login role with ``password``, member of the group role of
    ``tiaojie_role``. An admin's role may create and change other roles (CREATEROLE).

    A role of that name that is already a tiaojie login role (the same person in another ledger
    of this server) is taken on: it joins the group and gets the new password. Any other existing
    role — a superuser, a role a database administrator made — is refused, never taken over."""
    from psycopg import sql

    group = GROUP_ROLES[tiaojie_role]
    _check_name(name)
    raw = _driver(session)
    role = sql.Identifier(name)
    options = sql.SQL("LOGIN CREATEROLE" if tiaojie_role == "admin" else "LOGIN NOCREATEROLE")
    with _refusals(name):
        verifier = sql.Literal(_scram(raw, name, password))
        _lock_role_name(raw, name)
        facts = _role_facts(raw, name)
        if facts is None:
            _execute(raw, sql.SQL("CREATE ROLE {} {} PASSWORD {} IN ROLE {}").format(role, options, verifier, sql.Identifier(group)))
        else:
            _require_tiaojie_role(name, facts)
            _execute(raw, sql.SQL("ALTER ROLE {} {} PASSWORD {}").format(role, options, verifier))
            _execute(raw, sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), role))


def set_role_password(session: Session, name: str, password: str) -> None:
    """A new password for a tiaojie user's login role (an admin's reset, or the user's own).

    A user of the ledger without a login role — added before the ledger had them (revision 0005),
    or whose role a database administrator dropped — gets one: an admin's reset brings them in."""
    from psycopg import sql

    _check_name(name)
    raw = _driver(session)
    with _refusals(name):
        facts = _role_facts(raw, name)
        if facts is None:
            with raw.cursor() as cur:
                found = cur.execute("SELECT role FROM users WHERE name = %s", (name,)).fetchone()
            if found is not None:
                create_login_role(session, name, str(found[0]), password)
                return
        verifier = sql.Literal(_scram(raw, name, password))
        _require_tiaojie_role(name, facts)
        _execute(raw, sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), verifier))


def set_role_login(session: Session, name: str, enabled: bool) -> None:
    """Let a tiaojie user's login role sign in, or not (a disabled user). Sessions already open
    stay open until they end."""
    from psycopg import sql

    _check_name(name)
    raw = _driver(session)
    with _refusals(name):
        _require_tiaojie_role(name, _role_facts(raw, name))
        _execute(raw, sql.SQL("ALTER ROLE {} {}").format(sql.Identifier(name), sql.SQL("LOGIN" if enabled else "NOLOGIN")))


def url_as(url: str, user: str, password: str | None) -> str:
    """The ledger's URL, signing in as ``user``. Without a password libpq finds one itself
    (PGPASSWORD, ~/.pgpass, a service file) or uses a client certificate."""
    parsed = make_url(normalise_url(url))
    # URL.set() reads None as "keep": a new URL drops the owner's password for certain
    signed_in = URL.create(parsed.drivername, user, password, parsed.host, parsed.port, parsed.database, parsed.query)
    return signed_in.render_as_string(hide_password=False)


def _check_name(name: str) -> None:
    if not name or len(name.encode("utf-8")) > _MAX_NAME_BYTES or "\x00" in name:
        raise RoleRefused("pg_role_name_too_long", role=name, limit=_MAX_NAME_BYTES)


def _driver(session: Session) -> Any:
    """The psycopg connection under the session, inside the session's transaction."""
    return session.connection().connection.driver_connection


def _scram(raw: Any, name: str, password: str) -> str:
    # The verifier is computed here, as psql's \password does: the password itself never
    # reaches the server, so no statement log or error report there can hold it.
    return raw.pgconn.encrypt_password(password.encode("utf-8"), name.encode("utf-8"), b"scram-sha-256").decode("ascii")


def _execute(raw: Any, query: Any) -> None:
    with raw.cursor() as cur:
        cur.execute(query)


def _lock_role_name(raw: Any, name: str) -> None:
    # Two stations adding the same user at once: the second waits and then finds the role.
    with raw.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ("tiaojie role " + name,))


def _role_facts(raw: Any, name: str) -> dict[str, Any] | None:
    with raw.cursor() as cur:
        cur.execute(
            """
            SELECT r.rolsuper OR r.rolreplication OR r.rolbypassrls OR r.rolcreatedb AS powerful,
                   EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                           WHERE m.member = r.oid AND g.rolname = ANY(%s)) AS tiaojie
            FROM pg_roles r WHERE r.rolname = %s
            """,
            (list(GROUP_ROLES.values()), name),
        )
        row = cur.fetchone()
    return None if row is None else {"powerful": bool(row[0]), "tiaojie": bool(row[1])}


def _require_tiaojie_role(name: str, facts: dict[str, Any] | None) -> None:
    if facts is None:
        raise RoleRefused("pg_role_missing", role=name)
    if facts["powerful"] or not facts["tiaojie"]:
        raise Conflict("pg_role_not_tiaojie", role=name)


@contextmanager
def _refusals(name: str) -> Iterator[None]:
    """The server's refusals (no privilege, a reserved name) as messages. Only the server's first
    line is kept: it names the role, never the statement, so no password verifier travels on."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        diag = getattr(exc, "diag", None)
        detail = getattr(diag, "message_primary", None) or type(exc).__name__
        raise RoleRefused("pg_role_refused", role=name, detail=detail) from None
