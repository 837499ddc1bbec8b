"""Running `farmskills` as a real process, as a trainer or operator would, from tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.content_builder import REPO


def farmskills(
    *args: str, stdin: str | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=full_env,
        timeout=120,
    )


def last_line_printed_by(script: str) -> str:
    """Run `script` in a fresh Python (nothing imported yet) and return what it printed last."""
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.strip().splitlines()[-1]
