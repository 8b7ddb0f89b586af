"""A private PostgreSQL server that trusts nobody, for tests of real authentication.

The machine's server trusts every local connection, so a wrong password cannot be refused there.
This one is made for the test: ``initdb`` into a temporary directory with ``scram-sha-256`` for
every connection and a superuser password, started on a free port with its socket in the same
directory, stopped and removed afterwards. ``initdb`` refuses to run as root, so as root the
server runs as the ``postgres`` user. Without the binaries the tests skip with the reason —
except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest


@dataclass(frozen=True)
class PrivateServer:
    port: int
    password: str  # the superuser's
    directory: Path
    superuser: str = "postgres"

    def url(self, database: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        user = user or self.superuser
        password = self.password if user == self.superuser and password is None else password
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password is not None else "")
        return f"postgresql+psycopg://{auth}@127.0.0.1:{self.port}/{database}"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " — CI=true requires a private PostgreSQL server")
    pytest.skip(reason)


@contextmanager
def private_server(*settings: str) -> Iterator[PrivateServer]:
    """A running server; ``settings`` are extra ``name=value`` server settings."""
    bindir = _bindir()
    if bindir is None:
        _unavailable("PostgreSQL server binaries (initdb, pg_ctl) not found")
    assert bindir is not None
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root without runuser: initdb cannot run as root")
        as_user = ["runuser", "-u", "postgres", "--"]
    directory = Path(tempfile.mkdtemp(prefix="tiaojie-pg-"))
    password = secrets.token_urlsafe(18)
    (directory / "pwfile").write_text(password + "\n", encoding="utf-8")
    if as_user:
        shutil.chown(directory, "postgres", "postgres")
        shutil.chown(directory / "pwfile", "postgres", "postgres")
    os.chmod(directory, 0o700)
    os.chmod(directory / "pwfile", 0o600)
    port = _free_port()
    data = directory / "data"
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"
    for setting in settings:
        options += f" -c {setting}"
    started = False
    try:
        try:
            subprocess.run(
                [*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
                 f"--pwfile={directory / 'pwfile'}", "-E", "UTF8", "--locale=C", "--no-sync"],
                check=True, capture_output=True, text=True,
            )
            subprocess.run(
                [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"), "-w",
                 "-t", "60", "-o", options, "start"],
                check=True, capture_output=True, text=True,
            )
            started = True
        except subprocess.CalledProcessError as exc:
            log = directory / "server.log"
            shown = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"private PostgreSQL server failed: {exc.cmd[len(as_user)]}\n{exc.stderr}\n{shown}") from None
        yield PrivateServer(port=port, password=password, directory=directory)
    finally:
        if started:
            subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                           capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)
