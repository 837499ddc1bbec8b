"""Fewer malloc arenas for the running bot: memory a worker thread freed is reused by the next.

glibc gives each thread that allocates at the same moment as another its own arena (up to 8 per
core), and memory freed in one arena is not handed to another. The bot's threads (the asyncio
executor's workers that run database calls, the FAQ matcher's build) each grew their own: an
evening wave of 85,000 reminders took `farmskills run` from 172 to 202 MB, and 185 MB with two
arenas. Two keep the event loop and one worker from waiting on each other's lock.
"""

from __future__ import annotations

import ctypes
import logging
import platform

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Ask glibc for at most `arenas` malloc arenas from now on; False where the C library is not
    glibc (musl, macOS) or refuses, and then nothing changes."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    limited = bool(mallopt(M_ARENA_MAX, arenas))
    if limited:
        log.info("malloc arenas limited to %d", arenas)
    return limited
