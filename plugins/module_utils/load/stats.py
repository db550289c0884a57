# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Latency histograms for ``load_test``: constant memory, mergeable across processes.

Latencies are recorded in whole microseconds in log-linear buckets (the
HdrHistogram idea): values below 512 us are exact, above that every power of
two is split into 256 buckets, so any value is known to within 0.2 %.  A
histogram is a dict ``{bucket index: count}`` plus exact min / max / sum, so
worker processes send it back as JSON and the parent adds them up.

The load loop appends raw latencies (seconds) to an ``array('d')`` (cheap on
the hot path) and converts them with :meth:`Histogram.record_many` once the
stage is over.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
from collections import Counter

SUB_BITS = 8
SUB_COUNT = 1 << SUB_BITS          # buckets per power of two
EXACT_LIMIT = 2 * SUB_COUNT        # values below this are their own bucket


def bucket_index(value_us):
    """Index of the bucket holding ``value_us`` (a non-negative int)."""
    if value_us < EXACT_LIMIT:
        return value_us if value_us > 0 else 0
    shift = value_us.bit_length() - (SUB_BITS + 1)
    return shift * SUB_COUNT + (value_us >> shift)


def bucket_bounds(index):
    """The ``(lowest, highest)`` microsecond values of bucket ``index``."""
    if index < EXACT_LIMIT:
        return index, index
    shift = index // SUB_COUNT - 1
    mantissa = index - shift * SUB_COUNT
    low = mantissa << shift
    return low, low + (1 << shift) - 1


class Histogram:
    """Counts of latencies per bucket, with exact count, min, max and sum."""

    __slots__ = ('counts', 'count', 'min_us', 'max_us', 'sum_us')

    def __init__(self):
        self.counts = {}
        self.count = 0
        self.min_us = None
        self.max_us = None
        self.sum_us = 0

    def record(self, value_us):
        """Record one latency in microseconds."""
        value_us = int(value_us)
        if value_us < 0:
            value_us = 0
        index = bucket_index(value_us)
        self.counts[index] = self.counts.get(index, 0) + 1
        self.count += 1
        self.sum_us += value_us
        if self.min_us is None or value_us < self.min_us:
            self.min_us = value_us
        if self.max_us is None or value_us > self.max_us:
            self.max_us = value_us

    def record_many(self, seconds):
        """Record an iterable of latencies in seconds (floats).

        The conversion to whole microseconds and the counting run at C speed
        (``map`` over float methods, ``Counter``); Python code only runs once
        per distinct microsecond value, of which a load test has few.
        """
        micros = Counter(map(int, map((0.5).__add__, map((1000000.0).__mul__, seconds))))
        counts = self.counts
        for value_us, number in micros.items():
            if value_us < 0:
                value_us = 0
            if value_us < EXACT_LIMIT:
                index = value_us
            else:
                shift = value_us.bit_length() - (SUB_BITS + 1)
                index = shift * SUB_COUNT + (value_us >> shift)
            counts[index] = counts.get(index, 0) + number
            self.count += number
            self.sum_us += value_us * number
            if self.min_us is None or value_us < self.min_us:
                self.min_us = value_us
            if self.max_us is None or value_us > self.max_us:
                self.max_us = value_us
        return self

    def merge(self, other):
        """Add the counts of ``other`` (a Histogram) to this one."""
        for index, number in other.counts.items():
            self.counts[index] = self.counts.get(index, 0) + number
        self.count += other.count
        self.sum_us += other.sum_us
        if other.min_us is not None and (self.min_us is None or other.min_us < self.min_us):
            self.min_us = other.min_us
        if other.max_us is not None and (self.max_us is None or other.max_us > self.max_us):
            self.max_us = other.max_us
        return self

    def percentile_us(self, q):
        """The ``q``-th percentile (0-100) in microseconds, nearest rank; None when empty.

        The value is the middle of its bucket, kept within the exact min and max.
        """
        if not self.count:
            return None
        if q <= 0:
            return float(self.min_us)
        if q >= 100:
            return float(self.max_us)
        rank = max(1, int(math.ceil(q / 100.0 * self.count)))
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                low, high = bucket_bounds(index)
                value = (low + high) / 2.0
                return float(min(max(value, self.min_us), self.max_us))
        return float(self.max_us)  # pragma: no cover - the counts add up to count

    def mean_us(self):
        """The mean in microseconds; None when empty."""
        return self.sum_us / float(self.count) if self.count else None

    def summary_ms(self):
        """min / p50 / p90 / p95 / p99 / max / mean in milliseconds (3 decimals), or {} when empty."""
        if not self.count:
            return {}

        def ms(value):
            return round(value / 1000.0, 3)
        return dict(min_ms=ms(self.min_us), p50_ms=ms(self.percentile_us(50)),
                    p90_ms=ms(self.percentile_us(90)), p95_ms=ms(self.percentile_us(95)),
                    p99_ms=ms(self.percentile_us(99)), max_ms=ms(self.max_us),
                    mean_ms=ms(self.mean_us()))

    def to_dict(self):
        """A JSON-safe form (bucket indexes as strings), for sending between processes."""
        return dict(counts=dict((str(k), v) for k, v in self.counts.items()), count=self.count,
                    min_us=self.min_us, max_us=self.max_us, sum_us=self.sum_us)

    @classmethod
    def from_dict(cls, data):
        """Rebuild a histogram from :meth:`to_dict`."""
        hist = cls()
        hist.counts = dict((int(k), v) for k, v in data['counts'].items())
        hist.count = data['count']
        hist.min_us = data['min_us']
        hist.max_us = data['max_us']
        hist.sum_us = data['sum_us']
        return hist
