"""Channels by name: each channel registers what the application layer needs to know of it.

The application layer never names a channel. It asks this registry where trainers and
administrators are reached — the channel whose user ids the staff settings hold (FARMSKILLS_ADMINS,
a cohort's trainer, granted roles). Telegram registers itself as that channel; a deployment can
choose another registered one with FARMSKILLS_STAFF_CHANNEL.

The registry belongs to the application layer, so channels depend on it and it on none of them:
the built-in channels register when anything in `bot.channels` is imported (see its `__init__`),
which every program that serves learners does before it builds the service.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSpec:
    """What the application layer needs to know of one channel."""

    name: str
    # Trainers and administrators are reached here, by the user ids the staff settings hold.
    reaches_staff: bool = False


class UnknownChannel(LookupError):
    """A channel name no channel registered (a typo in FARMSKILLS_STAFF_CHANNEL, say)."""


_registered: dict[str, ChannelSpec] = {}


def register(spec: ChannelSpec) -> ChannelSpec:
    """Make a channel known by its name; registering the same spec again changes nothing."""
    known = _registered.get(spec.name)
    if known is not None and known != spec:
        raise ValueError(f"channel {spec.name!r} is registered already, as {known}")
    _registered[spec.name] = spec
    return spec


def channel(name: str) -> ChannelSpec:
    spec = _registered.get(name)
    if spec is None:
        known = ", ".join(sorted(_registered)) or "none"
        raise UnknownChannel(f"no channel is called {name!r} (known: {known})")
    return spec


def channels() -> list[ChannelSpec]:
    return [_registered[name] for name in sorted(_registered)]


def staff_channel(chosen: str | None = None) -> str:
    """Where trainers and administrators are reached: `chosen` (FARMSKILLS_STAFF_CHANNEL) when set,
    else the registered channel that reaches staff (Telegram)."""
    if chosen:
        return channel(chosen).name
    staff = [spec.name for spec in channels() if spec.reaches_staff]
    if not staff:
        raise UnknownChannel("no channel that reaches staff is registered: import bot.channels first")
    if len(staff) > 1:
        raise UnknownChannel(f"set FARMSKILLS_STAFF_CHANNEL to one of {', '.join(staff)}")
    return staff[0]
