"""Which worker sends: a worker leads while the time it secured lasts, hands over when it stops,
and stops counting itself the leader when it can no longer renew (it lost the database), so two
workers never send at once. The lease store here is a stand-in with a hand-set clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import OperationalError

from bot.channels.telegram.leader import Leadership

START = datetime(2026, 5, 4, 19, 0, tzinfo=UTC)
TTL = timedelta(seconds=9)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Leases:
    """One lease, kept in memory; `down` makes every call fail as a lost database would."""

    def __init__(self) -> None:
        self.holder: str | None = None
        self.until = START
        self.down = False

    def take(self, _name: str, holder: str, now: datetime, ttl: timedelta, force: bool = False) -> bool:
        if self.down:
            raise OperationalError("take", {}, Exception("database gone"))
        if force or self.holder in (None, holder) or self.until < now:
            self.holder, self.until = holder, now + ttl
            return True
        return False

    def release(self, _name: str, holder: str) -> None:
        if self.holder == holder:
            self.holder = None


def leadership(leases: Leases, clock: Clock, name: str, gained: list[str]) -> Leadership:
    async def on_gain() -> None:
        gained.append(name)

    return Leadership(leases, name, TTL, clock, on_gain)  # type: ignore[arg-type]


async def test_the_second_worker_waits_and_takes_over_only_once_the_first_stops() -> None:
    leases, clock = Leases(), Clock()
    gained: list[str] = []
    a, b = leadership(leases, clock, "a", gained), leadership(leases, clock, "b", gained)
    await a.attempt()
    await b.attempt()
    assert a.leads and not b.leads and gained == ["a"]
    await a.stop()  # a clean stop gives the lease up
    await b.attempt()
    assert b.leads and not a.leads and gained == ["a", "b"]


async def test_a_worker_that_loses_the_database_stops_leading_when_its_time_runs_out() -> None:
    leases, clock = Leases(), Clock()
    gained: list[str] = []
    a = leadership(leases, clock, "a", gained)
    await a.attempt()
    leases.down = True
    clock.now += TTL / 3
    await a.attempt()  # cannot renew, but the time it secured still holds
    assert a.leads
    clock.now = START + TTL
    assert not a.leads  # from here another worker may take the lease: a must not send
    leases.down = False
    b = leadership(leases, clock, "b", gained)
    clock.now += timedelta(seconds=1)
    await b.attempt()
    assert b.leads and not a.leads


async def test_a_long_polling_bot_restarted_after_a_crash_leads_at_once() -> None:
    leases, clock = Leases(), Clock()
    gained: list[str] = []
    await leadership(leases, clock, "before-the-crash", gained).attempt()
    restarted = leadership(leases, clock, "after-the-crash", gained)
    await restarted.attempt(True)
    assert restarted.leads and gained == ["before-the-crash", "after-the-crash"]
