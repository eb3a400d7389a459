"""A throwaway PostgreSQL 15 server on 127.0.0.1 for tests and benchmarks.

`PostgresServer` runs `initdb` in a temporary directory and `pg_ctl start` on a free port,
with password authentication over TCP (so a wrong password can be tested) and durability off
(`fsync`, `synchronous_commit`: a test server is thrown away; `durable=True` keeps them).
`initdb` refuses to run as root, so as root the server runs as the `postgres` user;
otherwise as the current user.

`TcpRelay` sits between a client and the server and can cut every connection and refuse new
ones (the database "goes away") and then let them through again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

DEFAULT_BIN = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "ringkas"
PASSWORD = "ringkas-test-password"
SERVICE_ACCOUNT = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server could not be started."""


def find_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: $POSTGRES_BIN, Debian's PostgreSQL 15, PATH."""
    candidates = [os.environ.get("POSTGRES_BIN", ""), str(DEFAULT_BIN)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server; `start()` then `url(database)`; `stop()` removes every file it made."""

    def __init__(self, *, durable: bool = False, bin_dir: Path | None = None) -> None:
        found = bin_dir or find_binaries()
        if found is None:
            raise PostgresUnavailable(
                f"no PostgreSQL binaries (looked in $POSTGRES_BIN, {DEFAULT_BIN} and PATH)"
            )
        self.bin_dir = found
        self.durable = durable
        self.host = "127.0.0.1"
        self.port = 0
        self._root: Path | None = None
        self._options = ""
        self._as_service_account = os.geteuid() == 0

    @property
    def data_dir(self) -> Path:
        if self._root is None:
            raise PostgresUnavailable("the server is not started")
        return self._root / "data"

    @property
    def socket_dir(self) -> Path:
        """Where the server's Unix socket is: local connections need no password there."""
        return self.data_dir.parent

    def url(self, database: str = "postgres", *, password: str = PASSWORD) -> str:
        return (
            f"postgresql://{SUPERUSER}:{quote(password, safe='')}"
            f"@{self.host}:{self.port}/{database}"
        )

    def start(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="ringkas-pg-"))
        self._root.chmod(0o755)
        password_file = self._root / "password"
        password_file.write_text(PASSWORD + "\n")
        if self._as_service_account:
            shutil.chown(self._root, SERVICE_ACCOUNT)
            shutil.chown(password_file, SERVICE_ACCOUNT)
        try:
            self._run(
                "initdb",
                [
                    *("-D", str(self.data_dir), "-U", SUPERUSER, f"--pwfile={password_file}"),
                    *("--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8"),
                    *("--locale=C", "--no-sync"),
                ],
            )
            self._start_server()
        except BaseException:
            self._remove_files()
            raise

    def _start_server(self, attempts: int = 5) -> None:
        settings = ["listen_addresses=127.0.0.1", f"unix_socket_directories={self._root}"]
        settings += ["max_connections=200", "shared_buffers=32MB"]
        if not self.durable:
            settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        for attempt in range(attempts):
            self.port = free_port()
            self._options = " ".join(f"-c {item}" for item in [f"port={self.port}", *settings])
            try:
                self._pg_ctl_start()
                return
            except PostgresUnavailable:
                if attempt == attempts - 1:  # the port may have been taken meanwhile
                    raise

    def _pg_ctl_start(self) -> None:
        self._run(
            "pg_ctl",
            [
                *("-D", str(self.data_dir), "-l", str(self.data_dir.parent / "server.log")),
                *("-o", self._options, "-w", "-t", "30", "start"),
            ],
        )

    def restart(self) -> None:
        """Stop the server (dropping every connection) and start it again on the same port."""
        self._run("pg_ctl", ["-D", str(self.data_dir), "-m", "fast", "-w", "stop"])
        self._pg_ctl_start()

    def stop(self) -> None:
        if self._root is None:
            return
        with contextlib.suppress(PostgresUnavailable):
            self._run("pg_ctl", ["-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])
        self._remove_files()

    def create_database(self, name: str) -> str:
        """Create an empty database (from template0) and return its URL."""
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser and return psql's unaligned output."""
        result = subprocess.run(
            [
                *(str(self.bin_dir / "psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"),
                *("-h", self.host, "-p", str(self.port), "-U", SUPERUSER, "-d", database),
                *("-c", sql),
            ],
            env={**os.environ, "PGPASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def _run(self, program: str, arguments: Sequence[str]) -> None:
        command = [str(self.bin_dir / program), *arguments]
        if self._as_service_account:
            command = ["runuser", "-u", SERVICE_ACCOUNT, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=self._root
        )
        if result.returncode != 0:
            log = self._root / "server.log" if self._root else None
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise PostgresUnavailable(
                f"{program} failed ({result.returncode}): {result.stderr.strip()} {tail}".strip()
            )

    def _remove_files(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


class TcpRelay:
    """A 127.0.0.1 port that forwards to `target`; `cut()` drops and refuses, `heal()` undoes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._open = True
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        """Close every relayed connection and reset new ones, as a dead server would."""
        self._open = False
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def heal(self) -> None:
        self._open = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self._open:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, upstream_writer))
        await asyncio.gather(
            self._pipe(reader, upstream_writer),
            self._pipe(upstream_reader, writer),
            return_exceptions=True,
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            self._writers.discard(writer)
            writer.transport.abort()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m testkit.postgres [--durable] [--databases a,b]`: a server for benchmarks,
    serving until SIGINT/SIGTERM; prints one URL per database (each made empty)."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--durable", action="store_true", help="fsync and synchronous commits on")
    parser.add_argument("--databases", default="ringkas", help="comma-separated names")
    args = parser.parse_args(argv)
    server = PostgresServer(durable=args.durable)
    server.start()
    try:
        for name in filter(None, args.databases.split(",")):
            print(server.create_database(name.strip()), flush=True)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
