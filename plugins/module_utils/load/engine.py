# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The load generator of ``load_test``: HTTP/1.1 on non-blocking sockets, one loop per process.

Chosen by measurement on loopback nginx (2 shared cores, concurrency 10,
keep-alive): a ``requests`` thread pool ~1,100 req/s (issue R7), asyncio
protocols 17,000-34,000, a bare ``select.epoll`` loop with raw ``send`` /
``recv`` of a pre-serialised request 45,000-75,000 in one process.  This is
that loop; its own CPU is ~6.5 us per request (ab -k: ~4.4, wrk: ~3.5, see
benchmarks/load_bench.py), its common case (a whole Content-Length answer in
one read) inlined.  Each virtual user is one connection (kept alive unless
asked otherwise); a response is parsed only as far as its status code and
its end.

Two models:

* closed (no ``rate``): every connection sends its next request as soon as
  the previous answer arrived; latency runs from the send to the last byte.
* open (``rate`` requests/s): request *i* is due at ``start + i / rate``
  whatever the server does; a free connection takes the next due request, and
  its latency runs from when it was *due*, so a stalled server shows as
  latency instead of silently lowering the load (no coordinated omission).

A transaction (``target['steps']``, a list of requests) makes each virtual
user send the steps in order, each after the previous answer (k6's iteration,
JMeter's transaction controller): the transaction succeeds when every step got
an expected status, a step that fails ends it (the next transaction starts
again at the first step), and its duration runs from when its first step was
due to the last step's answer, less the think time a step may ask for before
the next one (a user reading the page; JMeter leaves its timers out alike).
The request count is then shared out in whole
transactions, and a transaction that has started finishes its steps after
``duration`` (never after the time budget).

Every run is bounded by a request count and a time budget, and every request
by ``timeout``.  Several processes (``os.fork``) split the connections, the
requests and the rate, and send back their counts and a latency histogram.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import heapq
import json
import os
import select
import signal
import socket
import ssl
import time
from array import array

from ansible_collections.golive.readiness.plugins.module_utils.load.http import (
    CHUNKED,
    LENGTH,
    MAX_HEAD_BYTES,
    ProtocolError,
    chunked_end,
    parse_head,
    set_cookies,
    with_cookies,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.stats import Histogram

IDLE, CONNECTING, HANDSHAKING, SENDING, READING, THINKING = range(6)
RECV_BYTES = 65536  # below malloc's mmap threshold: larger reads cost a syscall each
SCAN_EVERY_S = 0.05
CONNECT_KINDS = ('connect', 'dns')

if hasattr(select, 'epoll'):
    _IN, _OUT = select.EPOLLIN, select.EPOLLOUT
else:  # pragma: no cover - BSD / macOS managed hosts
    _IN, _OUT = select.POLLIN, select.POLLOUT


class _Poller:
    """``select.epoll`` where there is one, else ``select.poll`` (timeouts in seconds)."""

    def __init__(self):
        if hasattr(select, 'epoll'):
            self._poller = select.epoll()
            self.poll = self._poller.poll
            self.close = self._poller.close
        else:  # pragma: no cover
            self._poller = select.poll()
            self.poll = lambda timeout: self._poller.poll(timeout * 1000.0)
            self.close = lambda: None
        self.register = self._poller.register
        self.modify = self._poller.modify
        self.unregister = self._poller.unregister


class _Conn:
    """One virtual user: its connection and the state of its request in flight."""

    __slots__ = ('sock', 'fd', 'state', 'events', 'out', 'buf', 'need', 'framing', 'status',
                 'close', 'start', 'sent_at', 'tls', 'step', 'tx_start', 'cookies', 'thought')

    def __init__(self):
        self.status = 0
        self.close = False
        self.start = 0.0
        self.sent_at = 0.0
        self.step = 0
        self.tx_start = 0.0
        self.cookies = None
        self.thought = 0.0
        self.detach()

    def detach(self):
        """Forget the connection: the user is idle, its next request opens a new one."""
        self.sock = None
        self.fd = -1
        self.state = IDLE
        self.events = 0
        self.out = None
        self.buf = b''
        self.need = 0
        self.framing = None
        self.tls = False


def resolve(host, port, timeout=None):
    """The first ``(family, sockaddr)`` of ``host:port``; raises socket.gaierror."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    family, _type, _proto, _name, sockaddr = infos[0]
    return family, sockaddr


def error_text(exc):
    """A short, secret-free sentence for a socket or TLS error."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return 'certificate verification failed: %s' % (exc.verify_message or exc.reason)
    if isinstance(exc, ssl.SSLError):
        return 'TLS error: %s' % (exc.reason or type(exc).__name__)
    if getattr(exc, 'errno', None):
        return '[Errno %d] %s' % (exc.errno, os.strerror(exc.errno))
    return '%s: %s' % (type(exc).__name__, str(exc)[:200])


def run_load(target, concurrency, requests, duration=None, rate=None, budget_s=60.0,
             phase=0.0, clock=time.perf_counter):
    """Send at most ``requests`` requests with ``concurrency`` connections; return the tallies.

    ``target`` is a dict: ``family``, ``sockaddr``, ``request`` (bytes),
    ``head_request``, ``keepalive``, ``expected`` (status codes that count as
    success), ``timeout`` (seconds per request), ``ssl_context`` and
    ``server_hostname`` (None for plain HTTP).  Sending stops after
    ``duration`` seconds (if given) and everything stops after ``budget_s``.
    ``rate`` switches to the open model, ``phase`` delays its first request.
    With ``steps`` (a list of dicts with ``request``, ``head_request``,
    ``expected`` and ``cookies``: whether the step sends back the cookies set
    earlier in its transaction) every user sends transactions of those steps instead; then
    ``requests`` allows ``requests // len(steps)`` transactions and ``rate``
    is in transactions per second.

    Returns a dict of counts, ``latencies`` (an ``array('d')`` of seconds, of
    the expected answers only) and why the run stopped; with steps also
    ``transactions`` (see :func:`_transaction_tallies`).
    """
    request = target['request']
    head_request = target['head_request']
    keepalive = target['keepalive']
    expected = frozenset(target['expected'])
    timeout = float(target['timeout'])
    ssl_context = target.get('ssl_context')
    server_hostname = target.get('server_hostname')
    family, sockaddr = target['family'], target['sockaddr']
    poller = _Poller()
    fds = {}
    conns = [_Conn() for _index in range(max(1, int(concurrency)))]
    idle = list(conns)
    latencies = array('d')
    status_counts = {}
    transport = {}
    messages = {}
    sent = in_flight = answered = connect_ok = connect_failed = 0
    unreachable = False
    start = clock()
    hard_end = start + max(0.0, budget_s)
    send_end = min(hard_end, start + duration) if duration else hard_end
    # Sending that ends at the budget is a stop by the budget, however the last answer fell.
    budget_bound = send_end >= hard_end
    interval = 1.0 / rate if rate else 0.0
    next_due = start + phase
    requests = max(0, int(requests))
    steps = target.get('steps') or None
    if steps:
        nsteps = len(steps)
        step_request = [step['request'] for step in steps]
        step_head = [step['head_request'] for step in steps]
        step_expected = [frozenset(step['expected']) for step in steps]
        step_cookies = [bool(step.get('cookies')) for step in steps]
        keep_cookies = any(step_cookies)
        step_think = [float(step.get('think_time') or 0.0) for step in steps]
        tx = _transaction_tallies(nsteps)
        tx_limit = requests // nsteps
        tx_latencies = tx['latencies']
        step_tallies = tx['steps']
    # Users thinking: a heap of (when they go on, order, user); a step index of
    # ``nsteps`` means the user thinks after its transaction, before the next one.
    thinking = []
    think_order = [0]

    def drop(conn):
        """Close the connection of ``conn`` (its request, if any, is accounted by the caller)."""
        sock = conn.sock
        if sock is not None:
            try:
                poller.unregister(conn.fd)
            except (OSError, ValueError):
                pass
            fds.pop(conn.fd, None)
            try:
                sock.close()
            except OSError:
                pass
        conn.detach()

    def fail(conn, kind, message):
        nonlocal in_flight, connect_failed, unreachable
        transport[kind] = transport.get(kind, 0) + 1
        if steps:  # the step failed, and with it the transaction
            errors = step_tallies[conn.step]['transport_errors']
            errors[kind] = errors.get(kind, 0) + 1
            tx['failed'] += 1
        if kind not in messages:
            messages[kind] = message
        if kind in CONNECT_KINDS:
            connect_failed += 1
            if not connect_ok and connect_failed >= max(3, len(conns)):
                unreachable = True
        in_flight -= 1
        drop(conn)
        idle.append(conn)

    def want(conn, events):
        if conn.events != events:
            poller.modify(conn.fd, events)
            conn.events = events

    def write(conn):
        data = conn.out if conn.out is not None else request
        try:
            written = conn.sock.send(data)
        except (BlockingIOError, InterruptedError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            written = 0
        except (OSError, ValueError) as exc:
            fail(conn, 'reset', 'sending the request failed: %s' % error_text(exc))
            return
        if written < len(data):
            conn.out = data[written:]
            conn.state = SENDING
            want(conn, _OUT)
            return
        conn.out = None
        conn.state = READING
        if conn.events != _IN:
            poller.modify(conn.fd, _IN)
            conn.events = _IN

    def connected(conn):
        nonlocal connect_ok
        connect_ok += 1
        if ssl_context is not None:
            try:
                conn.sock = ssl_context.wrap_socket(conn.sock, server_hostname=server_hostname,
                                                    do_handshake_on_connect=False)
            except (ssl.SSLError, OSError, ValueError) as exc:
                fail(conn, 'tls', error_text(exc))
                return
            conn.tls = True
            conn.state = HANDSHAKING
            handshake(conn)
            return
        write(conn)

    def handshake(conn):
        try:
            conn.sock.do_handshake()
        except ssl.SSLWantReadError:
            want(conn, _IN)
            return
        except ssl.SSLWantWriteError:
            want(conn, _OUT)
            return
        except (ssl.SSLError, OSError) as exc:
            fail(conn, 'tls', error_text(exc))
            return
        write(conn)

    def begin(conn, due, now):
        nonlocal sent, in_flight
        sent += 1
        in_flight += 1
        conn.start = due
        conn.sent_at = now
        if steps:
            conn.out = step_request[conn.step]
            if conn.cookies and step_cookies[conn.step]:
                conn.out = with_cookies(conn.out, conn.cookies)
            step_tallies[conn.step]['sent'] += 1
        if conn.sock is not None:
            write(conn)
            return
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError as exc:
            fail(conn, 'connect', 'no socket: %s' % error_text(exc))
            return
        sock.setblocking(False)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        conn.sock = sock
        conn.fd = sock.fileno()
        fds[conn.fd] = conn
        conn.events = _OUT
        poller.register(conn.fd, _OUT)
        err = sock.connect_ex(sockaddr)
        if err in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, errno.EINTR):
            conn.state = CONNECTING
            return
        if err:
            fail(conn, 'connect', 'connect to %s failed: [Errno %d] %s'
                 % (_address(sockaddr), err, os.strerror(err)))
            return
        connected(conn)

    def start_transaction(conn, due, now):
        conn.step = 0
        conn.tx_start = due
        conn.cookies = None  # every transaction starts a new session, as k6 iterations do
        conn.thought = 0.0
        tx['started'] += 1
        begin(conn, due, now)

    def step_done(conn, status, close, now):
        """A step's answer: the transaction goes on, succeeds or fails."""
        tally = step_tallies[conn.step]
        tally['status_counts'][status] = tally['status_counts'].get(status, 0) + 1
        good = status in step_expected[conn.step]
        if good:
            latencies.append(now - conn.start)
            tally['latencies'].append(now - conn.start)
        else:
            tally['unexpected'] += 1
        if close or not keepalive:
            drop(conn)  # a next step opens a new connection
        think = step_think[conn.step] if good else 0.0
        if good and conn.step + 1 < nsteps:
            conn.step += 1
            if think:
                conn.thought += think
                pause(conn, now + think)
                return
            begin(conn, now, now)
            return
        if good:
            tx['ok'] += 1
            tx_latencies.append(now - conn.tx_start - conn.thought)
        else:
            tx['failed'] += 1
        # Think after the transaction only in the closed model and when another one may start.
        if think and not interval and tx['started'] < tx_limit and now + think < send_end:
            conn.step = nsteps
            pause(conn, now + think)
            return
        conn.state = IDLE
        idle.append(conn)

    def pause(conn, until):
        conn.state = THINKING
        think_order[0] += 1
        heapq.heappush(thinking, (until, think_order[0], conn))

    def wake(now):
        """Users whose think time is over send their next step (or become idle)."""
        while thinking and thinking[0][0] <= now:
            conn = heapq.heappop(thinking)[2]
            if conn.step >= nsteps:
                conn.state = IDLE
                idle.append(conn)
            else:
                begin(conn, now, now)

    def complete(conn, status, close, now):
        nonlocal in_flight, answered
        in_flight -= 1
        answered += 1
        status_counts[status] = status_counts.get(status, 0) + 1
        conn.buf = b''
        conn.need = 0
        conn.framing = None
        if steps:
            step_done(conn, status, close, now)
            return
        if status in expected:
            latencies.append(now - conn.start)
        if close or not keepalive:
            drop(conn)
            idle.append(conn)
            return
        if not interval and sent < requests and now < send_end:
            begin(conn, now, now)  # the hot path: the next request on the same connection
            return
        conn.state = IDLE
        idle.append(conn)

    def readable(conn):
        while True:
            try:
                data = conn.sock.recv(RECV_BYTES)
            except (BlockingIOError, InterruptedError, ssl.SSLWantReadError):
                return
            except ssl.SSLWantWriteError:  # pragma: no cover - renegotiation
                return
            except (OSError, ValueError) as exc:
                fail(conn, 'reset', 'reading the response failed: %s' % error_text(exc))
                return
            if not data:
                if conn.framing == 'close' and conn.status:
                    complete(conn, conn.status, True, clock())
                else:
                    fail(conn, 'closed', 'the server closed the connection before a complete response')
                return
            received(conn, data)
            if not conn.tls or conn.state != READING or not conn.sock.pending():
                return

    def received(conn, data):
        if conn.need > 0:  # the rest of a Content-Length body
            conn.need -= len(data)
            if conn.need <= 0:
                complete(conn, conn.status, conn.close, clock())
            return
        framing = conn.framing
        if framing == 'close':
            return
        buf = conn.buf + data if conn.buf else data
        if framing == CHUNKED:
            try:
                stop = chunked_end(buf, 0)
            except ProtocolError as exc:
                fail(conn, 'protocol', str(exc))
                return
            if stop < 0:
                conn.buf = buf
            else:
                complete(conn, conn.status, conn.close, clock())
            return
        while True:
            end = buf.find(b'\r\n\r\n')
            if end < 0:
                if len(buf) > MAX_HEAD_BYTES:
                    fail(conn, 'protocol', 'the response headers exceed %d bytes' % MAX_HEAD_BYTES)
                    return
                conn.buf = buf
                return
            try:
                status, framing, length, close = parse_head(
                    buf, end, step_head[conn.step] if steps else head_request)
            except ProtocolError as exc:
                fail(conn, 'protocol', str(exc))
                return
            body = end + 4
            if 100 <= status < 200 and status != 101:
                buf = buf[body:]
                continue
            if steps and keep_cookies and b'\r\nset-cookie:' in buf[:end].lower():
                conn.cookies = set_cookies(buf[:end], conn.cookies or {})
            break
        if framing == LENGTH:
            have = len(buf) - body
            if have >= length:
                complete(conn, status, close, clock())
                return
            conn.status = status
            conn.close = close
            conn.need = length - have
            conn.buf = b''
            return
        conn.status = status
        conn.close = close
        conn.framing = framing
        conn.buf = buf[body:] if framing == CHUNKED else b''
        if framing == CHUNKED:
            try:
                stop = chunked_end(conn.buf, 0)
            except ProtocolError as exc:
                fail(conn, 'protocol', str(exc))
                return
            if stop >= 0:
                complete(conn, status, close, clock())

    def scan(now):
        for conn in conns:
            if conn.state not in (IDLE, THINKING) and now - conn.sent_at > timeout:
                if conn.state in (CONNECTING, HANDSHAKING):
                    fail(conn, 'connect' if conn.state == CONNECTING else 'tls',
                         'no connection within %gs' % timeout)
                else:
                    fail(conn, 'timeout', 'no complete response within %gs' % timeout)

    poll = poller.poll
    latencies_append = latencies.append
    request_len = len(request)
    # The inlined fast path: plain HTTP, kept-alive, closed model, not a HEAD request.
    fast = ssl_context is None and keepalive and not interval and not head_request and not steps
    burst = 1 if interval else 64
    stopped = 'requests'
    last_scan = start
    try:
        while True:
            now = clock()
            if now >= hard_end:
                stopped = 'budget'
                break
            if thinking:
                wake(now)
            more = tx['started'] < tx_limit if steps else sent < requests
            can_send = more and now < send_end and not unreachable
            if can_send and idle:
                if steps:
                    # Each idle user starts a transaction (when due, in the open model).
                    while idle and tx['started'] < tx_limit and (
                            not interval or (next_due <= now and next_due < send_end)):
                        start_transaction(idle.pop(), next_due if interval else now, now)
                        if interval:
                            next_due += interval
                elif interval:
                    while idle and next_due <= now and sent < requests \
                            and next_due < send_end:
                        begin(idle.pop(), next_due, now)
                        next_due += interval
                else:
                    while idle and sent < requests:
                        begin(idle.pop(), now, now)
            if not in_flight and not thinking:
                if unreachable:
                    stopped = 'unreachable'
                    break
                if not (tx['started'] < tx_limit if steps else sent < requests):
                    stopped = 'requests'
                    break
                if now >= send_end or (interval and next_due >= send_end):
                    stopped = 'budget' if budget_bound else 'duration'
                    break
                if not interval:
                    continue  # every request failed at once: start the next ones
            wait = SCAN_EVERY_S
            if interval and can_send and idle:
                wait = min(wait, max(0.0, next_due - now))
            if thinking:
                wait = min(wait, max(0.0, thinking[0][0] - now))
            wait = min(wait, max(0.0, hard_end - now))
            # In the steady state (every connection busy, closed model) housekeeping above is
            # needed only now and then: poll in bursts and come back when a connection is idle.
            for _burst in range(burst):
                events = poll(wait)
                for fd, _events in events:
                    conn = fds.get(fd)
                    if conn is None:
                        continue
                    conn_state = conn.state
                    if conn_state == READING:
                        if fast and not conn.need and not conn.buf and conn.framing is None:
                            # The common case, inlined: a whole Content-Length response in one
                            # recv on a kept-alive plain connection, and the next request sent.
                            try:
                                data = conn.sock.recv(RECV_BYTES)
                            except (BlockingIOError, InterruptedError):
                                continue
                            except OSError as exc:
                                fail(conn, 'reset', 'reading the response failed: %s' % error_text(exc))
                                continue
                            end = data.find(b'\r\n\r\n')
                            pos = data.find(b'\r\nContent-Length: ', 0, end)
                            if pos > 0 and data[:9] == b'HTTP/1.1 ' \
                                    and data.find(b'\r\nConnection: close', 0, end) < 0 \
                                    and data.find(b'\r\nTransfer-Encoding', 0, end) < 0:
                                stop = data.find(b'\r\n', pos + 18)
                                status = int(data[9:12])
                                if 200 <= status and status not in (204, 304) \
                                        and len(data) - end - 4 == int(data[pos + 18:stop]):
                                    now = clock()
                                    in_flight -= 1
                                    answered += 1
                                    status_counts[status] = status_counts.get(status, 0) + 1
                                    if status in expected:
                                        latencies_append(now - conn.start)
                                    if sent < requests and now < send_end:
                                        sent += 1
                                        in_flight += 1
                                        conn.start = conn.sent_at = now
                                        try:
                                            if conn.sock.send(request) == request_len:
                                                continue
                                        except (BlockingIOError, InterruptedError):
                                            pass
                                        except OSError as exc:
                                            fail(conn, 'reset', 'sending the request failed: %s'
                                                 % error_text(exc))
                                            continue
                                        # A partial send: let write() finish it.
                                        sent -= 1
                                        in_flight -= 1
                                        begin(conn, now, now)
                                        continue
                                    conn.state = IDLE
                                    idle.append(conn)
                                    continue
                            if data:
                                received(conn, data)
                            else:
                                fail(conn, 'closed',
                                     'the server closed the connection before a complete response')
                            continue
                        readable(conn)
                    elif conn_state == SENDING:
                        write(conn)
                    elif conn_state == CONNECTING:
                        err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                        if err:
                            fail(conn, 'connect', 'connect to %s failed: [Errno %d] %s'
                                 % (_address(sockaddr), err, os.strerror(err)))
                        else:
                            connected(conn)
                    elif conn_state == HANDSHAKING:
                        handshake(conn)
                    elif conn_state == THINKING:
                        # The server closed the idle connection (or sent what nobody asked
                        # for): the next step opens a new one.
                        drop(conn)
                        conn.state = THINKING
                if idle or not events or (thinking and thinking[0][0] <= clock()):
                    break
            now = clock()
            if now - last_scan >= SCAN_EVERY_S:
                last_scan = now
                scan(now)
    finally:
        end = clock()
        unfinished = in_flight
        for conn in conns:
            drop(conn)
        poller.close()
    result = dict(sent=sent, answered=answered, unfinished=unfinished,
                  status_counts=status_counts, transport_errors=transport,
                  transport_messages=messages, latencies=latencies,
                  elapsed_s=end - start, stopped=stopped, connections=connect_ok)
    if steps:
        tx['unfinished'] = tx['started'] - tx['ok'] - tx['failed']
        result['transactions'] = tx
    return result


def _transaction_tallies(nsteps):
    """Counts of a run's transactions: started / ok / failed / unfinished, their durations
    (``latencies``, seconds, of the successful ones) and per step what was sent, the
    statuses, unexpected statuses, transport errors and latencies of expected answers."""
    return dict(started=0, ok=0, failed=0, unfinished=0, latencies=array('d'),
                steps=[dict(sent=0, status_counts={}, unexpected=0, transport_errors={},
                            latencies=array('d')) for _index in range(nsteps)])


def _address(sockaddr):
    host, port = sockaddr[0], sockaddr[1]
    return '[%s]:%d' % (host, port) if ':' in host else '%s:%d' % (host, port)


def portable(result):
    """A run's tallies as JSON-safe data, latencies as a histogram."""
    out = dict(result)
    out['histogram'] = Histogram().record_many(result['latencies']).to_dict()
    del out['latencies']
    out['status_counts'] = dict((str(k), v) for k, v in result['status_counts'].items())
    if 'transactions' in result:
        tx = dict(result['transactions'])
        tx['histogram'] = Histogram().record_many(tx.pop('latencies')).to_dict()
        tx['steps'] = [dict(sent=step['sent'], unexpected=step['unexpected'],
                            transport_errors=step['transport_errors'],
                            status_counts=dict((str(k), v) for k, v in step['status_counts'].items()),
                            histogram=Histogram().record_many(step['latencies']).to_dict())
                       for step in tx['steps']]
        out['transactions'] = tx
    return out


def _add_counts(total, part):
    """Add the counts of the dict ``part`` into ``total``."""
    for name, number in part.items():
        total[name] = total.get(name, 0) + number


def empty_transactions(steps):
    """Merged transaction tallies with nothing counted yet (histograms, not latencies)."""
    return dict(started=0, ok=0, failed=0, unfinished=0, histogram=Histogram(),
                steps=[dict(sent=0, status_counts={}, unexpected=0, transport_errors={},
                            histogram=Histogram()) for _step in range(steps)])


def _merge_transactions(parts):
    """Add up the ``transactions`` of several portable results (None without any)."""
    txs = [part['transactions'] for part in parts if part.get('transactions')]
    if not txs:
        return None
    total = empty_transactions(len(txs[0]['steps']))
    for tx in txs:
        for key in ('started', 'ok', 'failed', 'unfinished'):
            total[key] += tx[key]
        total['histogram'].merge(Histogram.from_dict(tx['histogram']))
        for into, step in zip(total['steps'], tx['steps']):
            into['sent'] += step['sent']
            into['unexpected'] += step['unexpected']
            _add_counts(into['status_counts'], step['status_counts'])
            _add_counts(into['transport_errors'], step['transport_errors'])
            into['histogram'].merge(Histogram.from_dict(step['histogram']))
    return total


def merge(parts):
    """Add up the portable results of several processes into one."""
    total = dict(sent=0, answered=0, unfinished=0, status_counts={}, transport_errors={},
                 transport_messages={}, elapsed_s=0.0, connections=0, stopped=None)
    hist = Histogram()
    reasons = []
    for part in parts:
        for key in ('sent', 'answered', 'unfinished', 'connections'):
            total[key] += part[key]
        for key in ('status_counts', 'transport_errors'):
            _add_counts(total[key], part[key])
        for kind, message in part['transport_messages'].items():
            total['transport_messages'].setdefault(kind, message)
        total['elapsed_s'] = max(total['elapsed_s'], part['elapsed_s'])
        hist.merge(Histogram.from_dict(part['histogram']))
        reasons.append(part['stopped'])
    for reason in ('unreachable', 'budget', 'duration', 'requests'):
        if reason in reasons:
            total['stopped'] = reason
            break
    total['histogram'] = hist
    transactions = _merge_transactions(parts)
    if transactions is not None:
        total['transactions'] = transactions
    return total


def split(total, parts):
    """Split an integer ``total`` into ``parts`` shares that differ by at most one."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def raise_open_files(sockets):
    """Let this process hold ``sockets`` more open files: the soft limit raised toward the hard one.

    Many hosts start processes with a soft limit of 1024, below the guide's 1,000+
    connections plus what Python already holds; the hard limit is usually far higher.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = sockets + 128
    if soft == resource.RLIM_INFINITY or soft >= want:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
    except (ValueError, OSError):
        pass  # left as it is: connections beyond the limit count as transport errors


def run_processes(target, processes, concurrency, requests, duration=None, rate=None,
                  budget_s=60.0):
    """Run :func:`run_load` in ``processes`` forked processes and merge their results.

    With one process (or one connection) it runs here.  Each process gets its
    share of the connections, the requests and the rate; the open model's
    arrivals are interleaved by giving each process a phase.  A process that
    has not answered ``budget_s + timeout + 5`` seconds later is killed and
    its share counted as unfinished.
    """
    processes = max(1, min(int(processes), int(concurrency)))
    # Forked processes inherit the raised limit; each needs at most its share of sockets.
    raise_open_files(int(concurrency))
    if processes == 1 or not hasattr(os, 'fork'):
        return merge([portable(run_load(target, concurrency, requests, duration, rate, budget_s))])
    users = split(int(concurrency), processes)
    steps = len(target.get('steps') or ()) or 1
    # A transaction is never split between processes: they share out whole ones.
    shares = [share * steps for share in split(int(requests) // steps, processes)]
    children = []
    for index in range(processes):
        share_rate = rate * users[index] / float(concurrency) if rate else None
        phase = index / float(rate) if rate else 0.0
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read_fd)
            code = 0
            try:
                result = portable(run_load(target, users[index], shares[index], duration,
                                           share_rate, budget_s, phase))
                payload = json.dumps(result).encode('utf-8')
            except BaseException as exc:  # pylint: disable=broad-except
                payload = json.dumps(dict(error='%s: %s' % (type(exc).__name__, exc))).encode('utf-8')
                code = 1
            try:
                view = memoryview(payload)
                while view:
                    written = os.write(write_fd, view)
                    view = view[written:]
            finally:
                os._exit(code)
        os.close(write_fd)
        children.append((pid, read_fd, shares[index]))
    return merge(_collect(children, budget_s + float(target['timeout']) + 5.0))


def _collect(children, wait_s):
    """Read every child's JSON result within ``wait_s`` seconds; reap them all."""
    deadline = time.monotonic() + wait_s
    buffers = dict((fd, []) for _pid, fd, _share in children)
    open_fds = set(buffers)
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _w, _x = select.select(list(open_fds), [], [], left)
        for fd in ready:
            chunk = os.read(fd, 1048576)
            if chunk:
                buffers[fd].append(chunk)
            else:
                open_fds.discard(fd)
    parts = []
    for pid, fd, share in children:
        if fd in open_fds:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        os.close(fd)
        try:
            os.waitpid(pid, 0)
        except OSError:
            pass
        try:
            part = json.loads(b''.join(buffers[fd]).decode('utf-8'))
        except ValueError:
            part = dict(error='the worker process ended without a result')
        if 'error' in part:
            part = dict(sent=0, answered=0, unfinished=share, status_counts={},
                        transport_errors=dict(worker=1),
                        transport_messages=dict(worker='a load worker process failed: %s'
                                                % part['error'][:300]),
                        elapsed_s=0.0, connections=0, stopped='budget',
                        histogram=Histogram().to_dict())
        parts.append(part)
    return parts
