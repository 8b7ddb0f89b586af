"""The cost of signing in, beside a session-token check in the same process, and proof that a
command-line write with a session token does no password hashing.

    python bench/sign_in.py [--runs 20]

(a) One sign-in (`ledger.auth.sign_in`: the user's row read, one argon2id verify at the OWASP
    parameters m=19456 KiB, t=2, p=1) against the baseline of one session-token check
    (`ledger.auth.user_for_token`: a SHA-256 and the same kind of row read), on a fresh SQLite
    ledger. Medians of `--runs`.
(b) `tiaojie login` once, then a write (`tiaojie unit add`) through the real CLI app with only
    the session: argon2's hash and verify are counted by patching `argon2.PasswordHasher`; the
    count printed for the write should be 0 (and is 1 verify for the same write with
    TIAOJIE_PASSWORD, shown for contrast).

Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PASSWORD = "bench-password"


def median_ms(fn, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class Counting:
    """Counts calls of argon2's PasswordHasher.hash and .verify while active."""

    def __init__(self) -> None:
        from argon2 import PasswordHasher

        self.cls = PasswordHasher
        self.real = {name: getattr(PasswordHasher, name) for name in ("hash", "verify")}
        self.calls = dict.fromkeys(self.real, 0)

    def __enter__(self) -> "Counting":
        for name, real in self.real.items():
            def counted(hasher, *args, _name=name, _real=real, **kwargs):  # noqa: ANN001, ANN202
                self.calls[_name] += 1
                return _real(hasher, *args, **kwargs)

            setattr(self.cls, name, counted)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, real in self.real.items():
            setattr(self.cls, name, real)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from typer.testing import CliRunner

    from tiaojie.cli import app
    from tiaojie.ledger import access, auth, passwords
    from tiaojie.ledger.context import Ledger
    from tiaojie.rules.service import open_rules
    from tiaojie.store.db import open_database

    tmp = tempfile.TemporaryDirectory()
    os.environ["XDG_CONFIG_HOME"] = str(Path(tmp.name) / "config")  # the session file stays in here
    url = f"sqlite:///{Path(tmp.name) / 'ledger.sqlite'}"
    engine = open_database(url, create=True)
    rules = open_rules(ROOT / "rules")
    ledger = Ledger(engine=engine, rules=rules, today=dt.date.today())
    admin = access.add_user(ledger, None, "admin", "admin", password=PASSWORD)
    token, _ = auth.issue_token(ledger, admin)

    auth.sign_in(ledger, "admin", PASSWORD)  # warm: argon2 imported, the hasher made
    auth.user_for_token(ledger, token)
    signing = median_ms(lambda: auth.sign_in(ledger, "admin", PASSWORD), args.runs)
    checking = median_ms(lambda: auth.user_for_token(ledger, token), args.runs)
    hashing = median_ms(lambda: passwords.hasher().verify(passwords.hash_password(PASSWORD), PASSWORD), 5) / 2
    print(f"(a) sign-in vs session token, median of {args.runs} (argon2id m={passwords.MEMORY_COST_KIB} KiB, "
          f"t={passwords.TIME_COST}, p={passwords.PARALLELISM}):")
    print(f"  one sign-in (row read + argon2id verify)   {signing:8.2f} ms")
    print(f"  one token check (SHA-256 + row read)       {checking:8.2f} ms   (baseline)")
    print(f"  ratio sign-in / token check: {signing / checking:.1f}x   (one argon2 operation alone ≈ {hashing:.1f} ms)")
    engine.dispose()

    runner = CliRunner()
    env = {"TIAOJIE_DB": url, "TIAOJIE_PASSWORD": None, "TIAOJIE_USER": None}
    login = runner.invoke(app, ["login", "--user", "admin"], env={**env, "TIAOJIE_PASSWORD": PASSWORD})
    if login.exit_code != 0:
        raise SystemExit(f"login failed: {login.output}")
    with Counting() as counted:
        write = runner.invoke(app, ["unit", "add", "B1", "基准县", "--level", "county"], env=env)
    if write.exit_code != 0:
        raise SystemExit(f"the write failed: {write.output}")
    with Counting() as by_password:
        runner.invoke(app, ["unit", "add", "B2", "基准县二", "--level", "county", "--user", "admin"],
                      env={**env, "TIAOJIE_PASSWORD": PASSWORD})
    print("(b) a CLI write (`tiaojie unit add`) after `tiaojie login`:")
    print(f"  argon2 calls with the session token: hash {counted.calls['hash']}, verify {counted.calls['verify']}")
    print(f"  argon2 calls with TIAOJIE_PASSWORD:  hash {by_password.calls['hash']}, verify {by_password.calls['verify']}"
          "   (for contrast)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
