"""The FAQ index's IDF, worked out from the postings when asked, is the number its formula gives
for every unit, and a unit no entry holds is not in it."""

from __future__ import annotations

import math

from bot.faq.coverage import WordCoverage


def test_each_units_idf_is_log_of_one_plus_entries_over_holders() -> None:
    documents = [
        (0, ["w:小麦", "w:施肥", "p:shifei"], 1.0),
        (1, ["w:小麦", "w:浇水"], 1.0),
        (1, ["w:小麦"], 0.5),  # a second field of the same entry: still one holder
        (2, ["w:玉米", "w:施肥"], 0.5),
    ]
    coverage = WordCoverage(3, documents)
    holders = {"w:小麦": 2, "w:施肥": 2, "p:shifei": 1, "w:浇水": 1, "w:玉米": 1}
    assert dict(coverage.idf) == {unit: math.log(1 + 3 / n) for unit, n in holders.items()}
    assert list(coverage.idf) == ["w:小麦", "w:施肥", "p:shifei", "w:浇水", "w:玉米"]  # first seen first
    assert "w:水稻" not in coverage.idf
    assert coverage.idf.get("w:水稻", coverage.unseen_idf) == coverage.unseen_idf
