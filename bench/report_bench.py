"""How fast the administrator report is at 1,000, 10,000 and 100,000 learners, in every format.

For each size the benchmark fills a fresh database with `fill_demo` (timed on its own): SQLite by
default, or PostgreSQL — a throwaway server it starts and stops (`--postgres`) or a server you give
(`--database-url`, where it creates one database per size, `farmskills_bench_<size>`). It
then makes each report format in a fresh child process — query, render and write the file — and
reports the time of that work; then it runs `farmskills report` itself as a child and reports its
wall time (interpreter start-up, imports and loading the content included) and peak memory (the
whole process, Python and its libraries included). Targets at 100,000 learners: under 10 s and
under 500 MB per format.

    python -m bench.report_bench                    # 1k, 10k, 100k
    python -m bench.report_bench --sizes 1000       # one size
    python -m bench.report_bench --quick            # 1k only, for CI's log
    python -m bench.report_bench --formats html xlsx --sizes 100000   # some formats, one size
    python -m bench.report_bench --sizes 100000 --keep DIR --reuse    # again, on the same data
    python -m bench.report_bench --postgres --sizes 100000            # on PostgreSQL (port 54331)
    python -m bench.report_bench --database-url postgresql+psycopg://user@host:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

FORMATS = ("text", "csv", "html", "xlsx")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def make_one(db_url: str, fmt: str, out: Path) -> dict[str, float]:
    """In the child: build and write one report; return seconds and peak MB."""
    from bot.cli.report import result_bytes
    from bot.content.loader import load_curriculum
    from bot.reports.build import build_report
    from bot.reports.model import ReportFilter
    from bot.store.database import make_engine

    curriculum = load_curriculum()
    engine = make_engine(db_url)
    began = time.perf_counter()
    cpu_began = time.process_time()
    report = build_report(engine, curriculum, ReportFilter(), NOW, lang="zh")
    built = time.perf_counter()
    out.write_bytes(result_bytes(report, fmt))
    done = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    size = out.stat().st_size
    cpu = time.process_time() - cpu_began
    return {
        "query_s": built - began,
        "total_s": done - began,
        "cpu_s": cpu,
        "peak_mb": peak_mb,
        "bytes": size,
    }


def fill(db_url: str, learners: int) -> tuple[float, int]:
    from bot.content.loader import load_curriculum
    from bot.demo import fill_demo
    from bot.store.database import make_engine, upgrade

    upgrade(db_url)
    summary = fill_demo(make_engine(db_url), load_curriculum(), learners, seed=1, now=NOW)
    return summary.seconds, summary.total_rows


def cli_run(db_url: str, fmt: str, out: Path) -> tuple[float, float, float]:
    """`farmskills report` as an operator runs it: wall time (start-up included), CPU time (user and
    system: what the run costs however busy the machine is) and peak MB."""
    began = time.perf_counter()
    args = [
        sys.executable,
        "-m",
        "bot",
        "report",
        "--format",
        fmt,
        "--out",
        str(out),
        "--db",
        db_url,
        "--lang",
        "zh",
    ]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - began
        if status != 0:
            errors.seek(0)
            raise RuntimeError(f"farmskills report --format {fmt} failed: {errors.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def counted(db_url: str) -> int:
    """The rows of a database filled earlier (for --reuse)."""
    from bot.demo import COLUMNS
    from bot.store.database import make_engine

    engine = make_engine(db_url)
    with engine.connect() as conn:
        return sum(int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {t}").scalar() or 0) for t in COLUMNS)


def pg_database(server_url: str, learners: int, fresh: bool) -> tuple[str, bool]:
    """A database for one size on the PostgreSQL server at `server_url`: (its URL, whether it
    already holds learners). Made afresh unless `fresh` is false and it exists."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"farmskills_bench_{learners}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and fresh:
            conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
        if not exists or fresh:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    return url, bool(exists) and not fresh


@contextmanager
def postgres_server(port: int) -> Iterator[str]:
    """A throwaway PostgreSQL server (tests/postgres_server.py) for the run, stopped after it."""
    from tests import postgres_server

    url = postgres_server.start(port)
    try:
        yield url
    finally:
        postgres_server.stop(port)


def database(folder: Path, learners: int, server_url: str | None, reuse: bool) -> tuple[str, bool]:
    """The database URL for one size and whether it is already filled (with --reuse)."""
    if server_url is not None:
        return pg_database(server_url, learners, fresh=not reuse)
    db = folder / f"demo-{learners}.db"
    if reuse and db.exists():
        return f"sqlite:///{db}", True
    db.unlink(missing_ok=True)
    return f"sqlite:///{db}", False


def run(
    sizes: list[int],
    folder: Path,
    formats: tuple[str, ...] = FORMATS,
    reuse: bool = False,
    server_url: str | None = None,
) -> None:
    engine = "PostgreSQL" if server_url else "SQLite"
    print(f"database: {engine}")
    print("in-process: query and render only; CLI: `farmskills report` end to end (start-up included)")
    print("each time as wall/CPU seconds: wall time grows on a busy machine, CPU time much less")
    heads = " | ".join(f"{f:>4}: in-proc s   CLI s        MB" for f in formats)
    print(f"{'learners':>9} {'rows':>11} {'fill s':>7} | {heads}")
    for learners in sizes:
        db_url, filled = database(folder, learners, server_url, reuse)
        if filled:
            fill_s, rows = float("nan"), counted(db_url)
        else:
            fill_s, rows = fill(db_url, learners)
        cells = []
        for fmt in formats:
            out = folder / f"report-{learners}.{fmt}"
            child = subprocess.run(
                [sys.executable, "-m", "bench.report_bench", "--one", fmt, db_url, str(out)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            wall, cpu, peak = cli_run(db_url, fmt, out)
            inproc = f"{figures['total_s']:.2f}/{figures['cpu_s']:.2f}"
            cells.append(f"{inproc:>11} {wall:6.2f}/{cpu:5.2f} {max(peak, figures['peak_mb']):4.0f}")
        print(f"{learners:>9,} {rows:>11,} {fill_s:7.1f} | " + " | ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="1,000 learners only")
    parser.add_argument("--one", nargs=3, metavar=("FORMAT", "DB_URL", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="folder to keep the databases and reports in")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--reuse", action="store_true", help="with --keep: use the databases already there")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql+psycopg://…): one database per size is made on it",
    )
    where.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL server, stop it after"
    )
    parser.add_argument("--pg-port", type=int, default=54331, help="the --postgres server's port")
    args = parser.parse_args()
    if args.one:
        fmt, db_url, out = args.one
        print(json.dumps(make_one(db_url, fmt, Path(out))))
        return
    sizes = [1_000] if args.quick else args.sizes
    formats = tuple(args.formats)
    if args.postgres:
        with postgres_server(args.pg_port) as server_url, tempfile.TemporaryDirectory() as folder:
            run(sizes, args.keep or Path(folder), formats, False, server_url)
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(sizes, args.keep, formats, args.reuse, args.database_url)
        return
    with tempfile.TemporaryDirectory(prefix="farmskills-report-bench-") as folder:
        run(sizes, Path(folder), formats, False, args.database_url)


if __name__ == "__main__":
    main()
