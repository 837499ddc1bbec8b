"""`farmskills demo-data`: fill a database with synthetic learners, to try the reports and to benchmark.

On a terminal a progress bar counts the learners written; piped, it stays quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from bot.cli.common import ContentOpt, DbOpt, err, load_content, out


def demo_data(
    learners: Annotated[
        int, typer.Option("--learners", min=1, help="How many learners to make, e.g. 1000, 10000 or 100000.")
    ],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed at the same time gives the same data.")
    ] = 1,
    db: DbOpt = None,
    content: ContentOpt = None,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=104, help="Learners joined over this many past weeks.")
    ] = 12,
    append: Annotated[
        bool, typer.Option("--append", help="Add them to a database that already has learners.")
    ] = False,
) -> None:
    """Fill a database with realistic synthetic learners and their history, to try the reports."""
    from rich.table import Table

    from bot.demo import DemoDataError, fill_demo
    from bot.store.database import database_url, make_engine, upgrade

    curriculum = load_content(content, render_check=False)  # titles and counts only
    upgrade(db)
    engine = make_engine(db)
    try:
        with _progress(learners) as tell:
            summary = fill_demo(
                engine, curriculum, learners, seed=seed, weeks=weeks, append=append, progress=tell
            )
    except DemoDataError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    table = Table("table", "rows", title=f"Demo data: {learners:,} learners (seed {seed})")
    table.columns[1].justify = "right"
    for name, count in summary.rows.items():
        table.add_row(name, f"{count:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{summary.total_rows:,}[/bold]")
    out.print(table)
    out.print(f"✓ written to {database_url(db)} in {summary.seconds:.1f} s", highlight=False)
    out.print("now try: farmskills report --format html --out report.html", markup=False, highlight=False)


@contextmanager
def _progress(learners: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing when piped or in a test."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("learners"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("learners", total=learners)

        def tell(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tell
