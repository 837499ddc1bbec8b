"""LruCache: a dictionary that keeps only the most recently used entries, so per-learner caches
stay bounded when one process serves 100,000 learners."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def __contains__(self, key: K) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def drop_where(self, done_with: Callable[[V], bool]) -> int:
        """Drop every entry whose value `done_with` says is no longer needed; how many went."""
        gone = [key for key, value in self._items.items() if done_with(value)]
        for key in gone:
            del self._items[key]
        return len(gone)

    def peek(self, key: K) -> V | None:
        """The entry for `key` if there is one, leaving it where it is in the order."""
        return self._items.get(key)

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The entry for `key`, made (and the oldest entry dropped if full) when missing."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        if len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return value
