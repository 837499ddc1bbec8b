"""A throwaway PostgreSQL server for the test suite: Debian's package, a cluster in /tmp, loopback only.

    python -m tests.postgres_server start [--port 54329]   # prints the URL for the tests
    python -m tests.postgres_server stop [--port 54329]

The cluster trusts connections from 127.0.0.1 (no password): it holds nothing but test databases
and listens on nothing but loopback. PostgreSQL refuses to run as root, so when run as root the
server runs as the `postgres` user Debian's package creates. `.ci/run` uses this; so can a person:
`export FARMSKILLS_TEST_DATABASE_URL=$(python -m tests.postgres_server start)`.
"""

from __future__ import annotations

import argparse
import getpass
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_PORT = 54329
SERVER_USER = "postgres"  # Debian's package creates it; used only when we are root


def bin_dir() -> Path:
    """The newest installed server's binaries (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise SystemExit("no PostgreSQL server found: apt-get install -y postgresql")


def data_dir(port: int) -> Path:
    return Path(f"/tmp/farmskills-pg-{port}")


def user() -> str:
    """The database's superuser: the OS user who runs the server."""
    return SERVER_USER if os.geteuid() == 0 else getpass.getuser()


def url(port: int) -> str:
    return f"postgresql+psycopg://{user()}@127.0.0.1:{port}/postgres"


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *cmd]
    return cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")


def start(port: int) -> str:
    binaries, data = bin_dir(), data_dir(port)
    if not (data / "PG_VERSION").exists():
        if data.exists():
            shutil.rmtree(data)
        data.mkdir(mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(data, SERVER_USER, SERVER_USER)
        _run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                user(),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ]
        )
    status = subprocess.run(
        _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "status"]),
        capture_output=True,
        check=False,
    )
    if status.returncode != 0:
        # Tuned for throwaway data: nothing must survive a crash, so no fsync, no full pages.
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        _run(
            [
                str(binaries / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(data / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        )
    for _ in range(50):
        ready = subprocess.run(
            [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True
        )
        if ready.returncode == 0:
            break
        time.sleep(0.2)
    return url(port)


def stop(port: int) -> None:
    data = data_dir(port)
    if (data / "PG_VERSION").exists():
        _run([str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(data, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    if args.action == "start":
        print(start(args.port))
    else:
        stop(args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
