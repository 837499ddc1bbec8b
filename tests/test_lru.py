"""The bounded cache behind per-learner caches: it never grows past its capacity."""

from bot.lru import LruCache


def test_the_least_recently_used_entry_is_dropped_when_full() -> None:
    cache: LruCache[str, int] = LruCache(2)
    made: list[str] = []

    def make(key: str) -> int:
        made.append(key)
        return len(made)

    assert cache.get_or_make("a", lambda: make("a")) == 1
    assert cache.get_or_make("b", lambda: make("b")) == 2
    assert cache.get_or_make("a", lambda: make("a")) == 1  # kept, and now the most recent
    cache.get_or_make("c", lambda: make("c"))
    assert "b" not in cache and "a" in cache and len(cache) == 2
    assert made == ["a", "b", "c"]
