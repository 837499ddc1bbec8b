"""DeliveryReceipts: which owed messages a channel already took, written the instant it says so.

Between "Telegram took the message" and "its outbox row is deleted" lies a database write that may
wait behind other writers; a process killed in that gap would send the message again after a
restart. So the sender first appends the row's id to this small local file — an append, with no
database lock to wait for — then deletes receipted rows in batches. At start, rows a killed process
receipted but never deleted are deleted before anything is sent, so nothing Telegram took is sent
twice. (Lost only if the machine itself dies before the file reaches its page cache: then the
message may go twice, never zero times.)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path


def receipts_path(database_url: str) -> Path:
    """Beside a SQLite file; for a database server, one file per database in the temp folder."""
    if database_url.startswith("sqlite:///") and database_url != "sqlite:///:memory:":
        return Path(database_url.removeprefix("sqlite:///") + ".receipts")
    digest = hashlib.sha1(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"farmskills-{digest}.receipts"


class DeliveryReceipts:
    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, owed_id: int) -> None:
        # A few bytes appended to a local file: done before the event loop moves on, on purpose.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{owed_id}\n".encode())
        finally:
            os.close(fd)

    def read(self) -> set[int]:
        try:
            lines = self.path.read_text(encoding="ascii", errors="ignore").split()
        except FileNotFoundError:
            return set()
        return {int(line) for line in lines if line.isdecimal()}

    def clear(self) -> None:
        """Every receipted row is deleted from the outbox: start the file afresh."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
