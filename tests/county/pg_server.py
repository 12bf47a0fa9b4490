"""A throw-away PostgreSQL server for the tests: a real one, started by the test run.

The cluster lives in a temporary folder, listens only on 127.0.0.1 (a free port,
its unix sockets in the same folder) and trusts every local connection, which is
fine for a cluster that holds nothing and is deleted at the end. ``initdb`` and
``postgres`` refuse to run as root, so as root they run as the ``postgres``
system user (Debian's ``postgresql`` package creates it) in a folder it owns.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SUPERUSER = "postgres"
NEEDED = ("initdb", "pg_ctl", "postgres")
# fsync and friends off: a crash only loses a cluster we throw away anyway.
SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
}


class PostgresUnavailable(RuntimeError):
    """The server could not be found or started; the message says why (with its log)."""


def _has_all(folder: Path) -> bool:
    return all((folder / name).is_file() and os.access(folder / name, os.X_OK)
               for name in NEEDED)


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: from PATH, else the newest Debian one."""
    found = shutil.which("pg_ctl")
    if found:
        folder = Path(found).resolve().parent  # /usr/local/bin/pg_ctl may be a symlink
        if _has_all(folder):
            return folder
    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if _has_all(p)]

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", folder.parent.name)) or (0,)

    return max(candidates, key=version) if candidates else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A started cluster; :meth:`stop` stops it and deletes its folder (also at exit)."""

    bindir: Path
    root: Path
    port: int
    as_postgres: bool  # commands run as the postgres user (we are root)
    _stopped: bool = field(default=False, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        return subprocess.run(command, cwd=self.root, capture_output=True, text=True,
                              timeout=timeout, check=False,
                              env={**os.environ, "LC_ALL": "C", "LANG": "C"})

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        try:
            if (self.data / "postmaster.pid").exists():
                self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _fail(server: PostgresServer, what: str, result: subprocess.CompletedProcess[str]) -> None:
    raise PostgresUnavailable(
        f"{what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}\n"
        f"--- server log ---\n{server.log_text()}")


def _wait_until_accepting(server: PostgresServer, deadline: float) -> None:
    """Poll a real TCP connection: pg_ctl -w only says the postmaster is up."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(server.url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
                return
        except psycopg.OperationalError as exc:
            last = exc
            time.sleep(0.1)
    raise PostgresUnavailable(
        f"PostgreSQL on 127.0.0.1:{server.port} did not accept connections in time: {last}\n"
        f"--- server log ---\n{server.log_text()}")


def start_server(timeout: float = 60) -> PostgresServer:
    """initdb + start a new cluster; :class:`PostgresUnavailable` with the log if it fails."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL is not installed: no initdb/pg_ctl/postgres on PATH or in "
            "/usr/lib/postgresql/*/bin. Install it (Debian: apt-get install postgresql; "
            "scripts/bootstrap.sh dev does).")
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="fieldsurvey-pg-"))
    if as_postgres:
        try:
            shutil.chown(root, user=SUPERUSER, group=None)
        except (LookupError, OSError) as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(
                f"running as root, but cannot hand {root} to the '{SUPERUSER}' user "
                f"(initdb refuses to run as root): {exc}") from exc
    server = PostgresServer(bindir, root, free_port(), as_postgres)
    atexit.register(server.stop)
    try:
        result = server.run("initdb", "-D", str(server.data), "-U", SUPERUSER, "-A", "trust",
                            "-E", "UTF8", "--locale=C", "--no-sync", timeout=timeout)
        if result.returncode != 0:
            _fail(server, "initdb", result)
        deadline = time.monotonic() + timeout
        for _attempt in range(3):  # the free port may be taken before the server binds it
            options = " ".join([f"-p {server.port}", f"-k {server.root}",
                                *(f"-c {k}={v}" for k, v in SETTINGS.items())])
            server.log.unlink(missing_ok=True)
            result = server.run("pg_ctl", "start", "-D", str(server.data), "-l", str(server.log),
                                "-o", options, "-w", "-t", str(int(timeout)),
                                timeout=timeout + 10)
            if result.returncode == 0:
                break
            if "could not bind" not in server.log_text():
                _fail(server, "pg_ctl start", result)
            server.port = free_port()
        else:
            _fail(server, "pg_ctl start (port always taken)", result)
        _wait_until_accepting(server, deadline)
    except BaseException:
        server.stop()
        raise
    return server
