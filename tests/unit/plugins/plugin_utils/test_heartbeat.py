"""The heartbeat's line: only after an interval, only hosts still running, bounded."""

import time

from ansible_collections.golive.readiness.plugins.plugin_utils.heartbeat import Heartbeat


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def beat(interval=10, max_hosts=3):
    clock = Clock()
    hb = Heartbeat(interval, None, max_hosts=max_hosts, clock=clock)
    hb._thread = False  # no thread: the test reads line() at chosen times
    return hb, clock


def test_no_line_before_an_interval_and_only_hosts_still_running():
    hb, clock = beat()
    hb.task_started('Load test')
    for host in ('web1', 'web2', 'db1'):
        hb.host_started(host)
    clock.now += 9.9
    assert hb.line(clock()) is None
    hb.host_done('web2')
    clock.now += 0.1
    assert hb.line(clock()) == 'heartbeat: TASK [Load test] running for 10 s, still on 2 hosts: web1, db1'
    hb.host_done('web1')
    hb.host_done('db1')
    clock.now += 10
    assert hb.line(clock()) is None


def test_host_list_is_bounded_and_a_new_task_starts_over():
    hb, clock = beat(max_hosts=2)
    hb.task_started('t1')
    for i in range(5):
        hb.host_started('h%d' % i)
    clock.now += 25
    assert hb.line(clock()) == 'heartbeat: TASK [t1] running for 25 s, still on 5 hosts: h0, h1 (+3 more)'
    hb.task_started('t2')
    hb.host_started('h9')
    assert hb.line(clock()) is None
    clock.now += 10
    assert hb.line(clock()).endswith('still on 1 host: h9')
    hb.stop()
    assert hb.line(clock() + 100) is None


def test_off_at_zero_and_at_most_one_line_per_interval_in_real_time():
    off = Heartbeat(0, None)
    off.task_started('t')
    assert off._thread is None and not off.enabled
    lines = []
    hb = Heartbeat(0.2, lines.append)
    hb.task_started('slow')
    hb.host_started('web1')
    time.sleep(1.1)
    hb.stop()
    count = len(lines)
    time.sleep(0.3)
    assert len(lines) == count, 'nothing after stop'
    assert 1 <= count <= 5, lines  # 1.1 s at 0.2 s: at most 5, however busy the machine
    assert all('still on 1 host: web1' in line for line in lines)
