"""Benchmarks: they measure and print figures; they assert nothing (tests assert behaviour)."""
