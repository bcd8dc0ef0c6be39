"""The one JPEG quality search, shared by photos and documents: exact on monotone sizes, never
over the cap, each quality measured once."""

from __future__ import annotations

import math

import pytest

from photocheck.io.jpeg import highest_quality


def _sizes(base: float, growth: float):
    """Bytes growing exponentially with quality, as JPEG's roughly do."""
    return lambda q: base * math.exp(growth * q)


@pytest.mark.parametrize("start", [None, 30])
@pytest.mark.parametrize("growth", [0.01, 0.03, 0.08])
def test_exact_on_monotone_sizes(start, growth):
    size = _sizes(1000.0, growth)
    for cap in range(1000, 200_000, 3_777):
        probed: list[int] = []

        def counted(q: int, probed: list[int] = probed) -> float:
            probed.append(q)
            return size(q)

        got = highest_quality(counted, cap, 30, 95, start=start)
        fitting = [q for q in range(30, 96) if size(q) <= cap]
        assert got == (max(fitting) if fitting else None)
        assert len(probed) == len(set(probed)), "each quality is measured once"
        assert len(probed) <= 9


def test_first_probe_and_nothing_fits():
    probed: list[int] = []
    assert highest_quality(lambda q: probed.append(q) or 10.0, 100, 30, 95) == 95 and probed == [95]
    probed.clear()
    assert highest_quality(lambda q: probed.append(q) or 1e9, 100, 30, 95, start=30) is None and probed == [30]


def test_non_monotone_sizes_never_return_a_miss():
    wobbly = {q: 1000 + 50 * q + (400 if q % 7 == 0 else 0) for q in range(30, 96)}
    for cap in range(2000, 7000, 97):
        got = highest_quality(wobbly.__getitem__, cap, 30, 95)
        assert got is None or wobbly[got] <= cap
