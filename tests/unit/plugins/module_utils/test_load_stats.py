"""Latency histograms of load_test: bucket bounds, percentiles against exact values, merging."""

import random

from hypothesis import given, settings, strategies as st

from ansible_collections.golive.readiness.plugins.module_utils.probes.http import percentile
from ansible_collections.golive.readiness.plugins.module_utils.load.stats import (
    EXACT_LIMIT,
    Histogram,
    bucket_bounds,
    bucket_index,
)


def exact_rank(values, q):
    """Nearest-rank percentile, the definition the histogram approximates."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


@given(st.integers(min_value=0, max_value=10 ** 10))
def test_every_value_lies_in_its_bucket_within_0_2_percent(value):
    low, high = bucket_bounds(bucket_index(value))
    assert low <= value <= high
    assert high - low <= max(0, value) / 256.0


def test_buckets_are_contiguous_and_ordered():
    previous_high = -1
    for index in range(0, 6000):
        low, high = bucket_bounds(index)
        assert low == previous_high + 1
        previous_high = high
    assert bucket_bounds(EXACT_LIMIT - 1) == (EXACT_LIMIT - 1, EXACT_LIMIT - 1)


@settings(max_examples=60)
@given(st.lists(st.floats(min_value=0, max_value=30.0), min_size=1, max_size=400),
       st.sampled_from([50, 90, 95, 99]))
def test_percentiles_match_exact_nearest_rank(seconds, q):
    hist = Histogram().record_many(seconds)
    micros = [int(v * 1e6 + 0.5) for v in seconds]
    exact = exact_rank(micros, q)
    assert abs(hist.percentile_us(q) - exact) <= exact / 256.0 + 1
    assert hist.count == len(seconds)
    assert hist.min_us == min(micros) and hist.max_us == max(micros)


def test_close_to_http_check_percentile_on_a_realistic_sample():
    rng = random.Random(7)
    seconds = [rng.lognormvariate(-6, 0.8) for _index in range(20000)]
    hist = Histogram().record_many(seconds)
    for q in (50, 95, 99):
        reference = percentile(seconds, q) * 1e6
        assert abs(hist.percentile_us(q) - reference) / reference < 0.01


def test_merge_equals_recording_everything_in_one():
    rng = random.Random(3)
    parts = [[rng.expovariate(500) for _index in range(1000)] for _index in range(3)]
    merged = Histogram()
    for part in parts:
        merged.merge(Histogram.from_dict(Histogram().record_many(part).to_dict()))
    whole = Histogram().record_many([v for part in parts for v in part])
    assert merged.counts == whole.counts
    assert (merged.count, merged.min_us, merged.max_us, merged.sum_us) == \
        (whole.count, whole.min_us, whole.max_us, whole.sum_us)
    assert merged.summary_ms() == whole.summary_ms()


def test_empty_histogram():
    hist = Histogram()
    assert hist.percentile_us(95) is None
    assert hist.summary_ms() == {}
    assert Histogram().merge(hist).count == 0


def test_record_one_and_summary_in_ms():
    hist = Histogram()
    for value in (1000, 2000, 3000, -5):
        hist.record(value)
    summary = hist.summary_ms()
    assert summary['min_ms'] == 0.0 and summary['max_ms'] == 3.0
    assert summary['p50_ms'] == 1.0 or abs(summary['p50_ms'] - 1.0) < 0.01
