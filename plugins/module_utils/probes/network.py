# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network measurements for ``network_check``: TCP reachability, DNS, firewall.

- TCP: one connect per target (``targets:<name>``), timed with ``time.perf_counter``;
  refused and timed out are both ``fail``, each with its own message.
- DNS (``dns:<name>``): the system resolver (``socket.getaddrinfo``: /etc/hosts,
  nsswitch, resolv.conf) or, with a resolver address, one minimal DNS query over
  UDP built and parsed here with the standard library (RFC 1035), so no dnspython
  is needed.  Resolution time is judged, and optionally the answer.
- Firewall (``firewall``, only when asked for): the ruleset as nftables (``nft -j list ruleset``),
  iptables (``iptables-save``) or ufw (``ufw status verbose``) shows it, reduced to
  "is a firewall active, and does it drop inbound traffic by default".

Probes run concurrently on the shared bounded runner; every probe has its own
timeout and the whole call a total budget.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import ipaddress
import json
import random
import re
import socket
import struct
import time

from ansible_collections.golive.readiness.plugins.module_utils.concurrency import (
    TimedOut,
    run_bounded,
)
from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Entries,
    Option,
    OptionCheck,
    Runner,
)
from ansible_collections.golive.readiness.plugins.module_utils.host_tools import find_tool, run_tool
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    UNKNOWN,
    WARN,
    Component,
    check_result,
    measured,
    skipped,
    unknown,
)

MATCHES = ('all', 'any', 'exact')
FAMILIES = ('any', 'ipv4', 'ipv6')
MAX_TIMEOUT = 60.0
HOSTNAME = re.compile(r'^(?=.{1,253}\.?$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)'
                      r'(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$')

# DNS wire format (RFC 1035, RFC 3596).
QTYPES = {'A': 1, 'AAAA': 28}
TYPE_CNAME = 5
RCODES = {0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED'}
MAX_POINTERS = 32


def valid_host(host):
    """True for an IP address or a syntactically valid host name."""
    if not host or not isinstance(host, str):
        return False
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(HOSTNAME.match(host))


def target_name(target):
    """Label of a TCP target: its name, else ``host:port``."""
    if target.get('name'):
        return target['name']
    host = target['host']
    if ':' in host:
        host = '[%s]' % host
    return '%s:%s' % (host, target['port'])


def dns_name(entry):
    """Label of a DNS check: its name, else the query (``@resolver`` when one is given)."""
    if entry.get('name'):
        return entry['name']
    if entry.get('resolver'):
        return '%s@%s' % (entry['query'], entry['resolver'])
    return entry['query']


def input_errors(params, opts):
    """Problems the catalogue cannot see: names and addresses, unique records, merged limits."""
    given_targets, given_dns = params.get('targets') or [], params.get('dns') or []
    errors = TARGETS.order_errors('targets', given_targets, opts)
    errors.extend(DNS.order_errors('dns', given_dns, opts))
    seen = {}
    for index, target in enumerate(TARGETS.merged(given_targets, opts)):
        where = 'targets[%d]' % index
        if not valid_host(target['host']):
            errors.append('%s.host: %r is not a host name or IP address' % (where, target['host']))
        name = 'targets:%s' % target_name(target)
        if name in seen:
            errors.append('%s.name: %r repeats %s; give each target a unique name'
                          % (where, name, seen[name]))
        seen.setdefault(name, where)
    for index, entry in enumerate(DNS.merged(given_dns, opts)):
        where = 'dns[%d]' % index
        if not entry['query'] or not HOSTNAME.match(entry['query']):
            errors.append('%s.query: %r is not a DNS name' % (where, entry['query']))
        if entry['resolver'] is not None:
            try:
                ipaddress.ip_address(entry['resolver'])
            except ValueError:
                errors.append('%s.resolver: %r is not an IP address' % (where, entry['resolver']))
        for addr in entry['expected'] or ():
            try:
                ipaddress.ip_address(addr)
            except ValueError:
                errors.append('%s.expected: %r is not an IP address' % (where, addr))
        name = 'dns:%s' % dns_name(entry)
        if name in seen:
            errors.append('%s.name: %r repeats %s; give each DNS check a unique name'
                          % (where, name, seen[name]))
        seen.setdefault(name, where)
    return errors


# ---------------------------------------------------------------- TCP


def connect(host, port, timeout, clock=time.perf_counter):
    """Open and close one TCP connection; return ``(outcome, ms, detail)``.

    ``outcome`` is ``ok``, ``refused``, ``timeout``, ``resolve`` or ``error``;
    ``ms`` the time to connect (or to give up).
    """
    start = clock()
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return 'resolve', (clock() - start) * 1000.0, str(exc)
    family, socktype, proto, _canon, address = infos[0]
    sock = socket.socket(family, socktype, proto)
    sock.settimeout(timeout)
    start = clock()
    try:
        sock.connect(address)
        elapsed = (clock() - start) * 1000.0
        return 'ok', elapsed, address[0]
    except socket.timeout:
        return 'timeout', (clock() - start) * 1000.0, address[0]
    except ConnectionRefusedError:
        return 'refused', (clock() - start) * 1000.0, address[0]
    except OSError as exc:
        return 'error', (clock() - start) * 1000.0, exc.strerror or str(exc)
    finally:
        sock.close()


def judge_connect(target, outcome, ms, detail):
    """The record of one TCP target from what :func:`connect` returned."""
    label = target_name(target)
    name = 'targets:%s' % label
    limits = target['latency']
    where = '%s:%s' % (target['host'], target['port'])
    details = dict(host=target['host'], port=target['port'], outcome=outcome)
    if outcome == 'ok':
        details['address'] = detail
        return measured(name, round(ms, 3), 'ms', limits.get('warn'), limits.get('fail'),
                        subject='TCP connect time to %s' % where,
                        remediation='Find the slow hop (traceroute, mtr) or move the peers closer.',
                        details=details)
    if outcome == 'refused':
        message = ('TCP connect to %s refused (%s answered with a reset: nothing listens on port %s '
                   'or a firewall rejects it)' % (where, detail, target['port']))
        remediation = 'Start the service on port %s, or open the port to this host.' % target['port']
    elif outcome == 'timeout':
        message = ('TCP connect to %s timed out after %gs (no answer: the packets are dropped by '
                   'a firewall, or the host is down or unroutable)' % (where, target['timeout']))
        remediation = ('Check that the host is up and that firewalls and security groups let '
                       'this host reach port %s.' % target['port'])
    elif outcome == 'resolve':
        message = 'TCP connect to %s: cannot resolve %s (%s)' % (where, target['host'], detail)
        remediation = 'Fix the name in DNS or /etc/hosts, or give the address.'
    else:
        message = 'TCP connect to %s failed: %s' % (where, detail)
        remediation = 'Check routes and interfaces between the hosts.'
    return check_result(name, FAIL, value=None, unit='ms', warn=limits.get('warn'),
                        fail=limits.get('fail'), message=message, remediation=remediation,
                        duration_ms=ms, details=details)


# ---------------------------------------------------------------- DNS wire format


def encode_name(name):
    """Encode a DNS name as length-prefixed labels."""
    out = b''
    for label in name.rstrip('.').split('.'):
        raw = label.encode('idna') if any(ord(c) > 127 for c in label) else label.encode('ascii')
        if not 0 < len(raw) < 64:
            raise ValueError('bad label %r in %r' % (label, name))
        out += struct.pack('!B', len(raw)) + raw
    return out + b'\x00'


def encode_query(name, qtype, ident):
    """A standard query (recursion desired) for one name and type."""
    header = struct.pack('!HHHHHH', ident, 0x0100, 1, 0, 0, 0)
    return header + encode_name(name) + struct.pack('!HH', QTYPES[qtype], 1)


def decode_name(packet, offset):
    """Decode a (possibly compressed) name at ``offset``; return ``(name, next_offset)``."""
    labels = []
    jumped = False
    next_offset = offset
    pointers = 0
    while True:
        if offset >= len(packet):
            raise ValueError('name runs past the end of the packet')
        length = packet[offset]
        if length & 0xC0 == 0xC0:
            if offset + 1 >= len(packet):
                raise ValueError('truncated compression pointer')
            pointers += 1
            if pointers > MAX_POINTERS:
                raise ValueError('compression pointer loop')
            target = ((length & 0x3F) << 8) | packet[offset + 1]
            if not jumped:
                next_offset = offset + 2
            jumped = True
            offset = target
            continue
        if length & 0xC0:
            raise ValueError('unsupported label type')
        offset += 1
        if length == 0:
            break
        labels.append(packet[offset:offset + length].decode('ascii', 'replace'))
        offset += length
    if not jumped:
        next_offset = offset
    return '.'.join(labels), next_offset


def decode_response(packet, ident=None):
    """Parse a DNS response: ``{id, rcode, rcode_name, truncated, addresses, cnames}``."""
    if len(packet) < 12:
        raise ValueError('response shorter than a DNS header')
    rid, flags, qdcount, ancount, _ns, _ar = struct.unpack('!HHHHHH', packet[:12])
    if ident is not None and rid != ident:
        raise ValueError('response id %d does not match the query id %d' % (rid, ident))
    if not flags & 0x8000:
        raise ValueError('not a response')
    offset = 12
    for _index in range(qdcount):
        _name, offset = decode_name(packet, offset)
        offset += 4
    addresses = []
    cnames = []
    for _index in range(ancount):
        _name, offset = decode_name(packet, offset)
        if offset + 10 > len(packet):
            raise ValueError('truncated answer record')
        rtype, _rclass, _ttl, rdlength = struct.unpack('!HHIH', packet[offset:offset + 10])
        offset += 10
        rdata = packet[offset:offset + rdlength]
        if len(rdata) != rdlength:
            raise ValueError('truncated answer data')
        if rtype == QTYPES['A'] and rdlength == 4:
            addresses.append(socket.inet_ntop(socket.AF_INET, rdata))
        elif rtype == QTYPES['AAAA'] and rdlength == 16:
            addresses.append(socket.inet_ntop(socket.AF_INET6, rdata))
        elif rtype == TYPE_CNAME:
            cnames.append(decode_name(packet, offset)[0])
        offset += rdlength
    rcode = flags & 0x000F
    return dict(id=rid, rcode=rcode, rcode_name=RCODES.get(rcode, 'RCODE%d' % rcode),
                truncated=bool(flags & 0x0200), addresses=addresses, cnames=cnames)


def query_udp(server, port, name, qtype, timeout, rand=random.SystemRandom()):
    """Ask ``server`` for ``name`` / ``qtype`` over UDP; return the decoded response."""
    ident = rand.randint(0, 0xFFFF)
    family = socket.AF_INET6 if ':' in server else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    deadline = time.monotonic() + timeout
    try:
        sock.connect((server, port))
        sock.send(encode_query(name, qtype, ident))
        while True:  # bounded by the deadline: stray datagrams are skipped
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout('timed out')
            sock.settimeout(left)
            packet = sock.recv(4096)
            try:
                return decode_response(packet, ident)
            except ValueError:
                continue
    finally:
        sock.close()


def resolve(entry, clock=time.perf_counter):
    """Resolve one entry; return ``(addresses, ms, error)`` where error is None or text."""
    families = {'any': socket.AF_UNSPEC, 'ipv4': socket.AF_INET, 'ipv6': socket.AF_INET6}
    start = clock()
    if not entry['resolver']:
        try:
            infos = socket.getaddrinfo(entry['query'], None, families[entry['family']],
                                       socket.SOCK_STREAM)
        except socket.gaierror as exc:
            return [], (clock() - start) * 1000.0, 'does not resolve: %s' % exc.strerror
        addresses = []
        for info in infos:
            if info[4][0] not in addresses:
                addresses.append(info[4][0])
        return addresses, (clock() - start) * 1000.0, None
    qtypes = {'any': ('A', 'AAAA'), 'ipv4': ('A',), 'ipv6': ('AAAA',)}[entry['family']]
    addresses = []
    for qtype in qtypes:
        try:
            response = query_udp(entry['resolver'], entry['resolver_port'], entry['query'], qtype,
                                 entry['timeout'])
        except socket.timeout:
            return [], (clock() - start) * 1000.0, ('no answer from resolver %s within %gs'
                                                    % (entry['resolver'], entry['timeout']))
        except OSError as exc:
            return [], (clock() - start) * 1000.0, ('resolver %s: %s'
                                                    % (entry['resolver'], exc.strerror or exc))
        if response['rcode'] == 3:
            return [], (clock() - start) * 1000.0, 'does not exist (NXDOMAIN)'
        if response['rcode'] != 0:
            return [], (clock() - start) * 1000.0, 'resolver answered %s' % response['rcode_name']
        for address in response['addresses']:
            if address not in addresses:
                addresses.append(address)
    if not addresses:
        return [], (clock() - start) * 1000.0, 'has no %s record' % ' or '.join(qtypes)
    return addresses, (clock() - start) * 1000.0, None


def normal_ip(text):
    """Canonical text of an address (``::0001`` and ``::1`` compare equal)."""
    try:
        return str(ipaddress.ip_address(text.split('%', 1)[0]))
    except ValueError:
        return text


def judge_answer(expected, addresses, match):
    """Compare the answer with the expected addresses; return ``(ok, text)``."""
    want = set(normal_ip(a) for a in expected)
    got = set(normal_ip(a) for a in addresses)
    missing = sorted(want - got)
    extra = sorted(got - want)
    if match == 'any':
        ok = bool(want & got)
    elif match == 'exact':
        ok = not missing and not extra
    else:
        ok = not missing
    if ok:
        return True, ''
    parts = []
    if missing:
        parts.append('missing %s' % ', '.join(missing))
    if extra and match != 'all':
        parts.append('unexpected %s' % ', '.join(extra))
    if match == 'any':
        parts = ['none of %s' % ', '.join(sorted(want))]
    return False, '; '.join(parts)


def judge_dns(entry, addresses, ms, error):
    """The record of one DNS check."""
    name = 'dns:%s' % dns_name(entry)
    limits = entry['resolution_time']
    via = ('resolver %s' % entry['resolver']) if entry['resolver'] else 'the system resolver'
    details = dict(query=entry['query'], resolver=entry['resolver'] or 'system',
                   addresses=addresses, expected=entry['expected'])
    if error:
        return check_result(name, FAIL, unit='ms', warn=limits.get('warn'), fail=limits.get('fail'),
                            message='%s via %s %s' % (entry['query'], via, error),
                            remediation='Add or fix the record in DNS (or /etc/hosts), or fix '
                                        'the resolver configuration (/etc/resolv.conf).',
                            duration_ms=ms, details=details)
    record = measured(name, round(ms, 3), 'ms', limits.get('warn'), limits.get('fail'),
                      subject='%s via %s (%s) resolution time' % (entry['query'], via, ', '.join(addresses)),
                      remediation='Use a closer or caching resolver (e.g. systemd-resolved, '
                                  'nscd, unbound) or fix the slow one.', details=details)
    record['duration_ms'] = round(ms, 3)
    if entry['expected']:
        ok, why = judge_answer(entry['expected'], addresses, entry['match'])
        if not ok:
            record['status'] = FAIL
            record['message'] = ('%s via %s resolves to %s, not the expected %s (match %s: %s)'
                                 % (entry['query'], via, ', '.join(addresses),
                                    ', '.join(entry['expected']), entry['match'], why))
            record['remediation'] = ('Fix the DNS record (or a stale /etc/hosts entry or cache) so '
                                     'the name points at the expected addresses.')
    return record


# ---------------------------------------------------------------- firewall


def _is_final_drop(rule):
    """True for an nft rule whose only statement is an unconditional drop or reject."""
    exprs = rule.get('expr') or []
    verdicts = [e for e in exprs if isinstance(e, dict) and ('drop' in e or 'reject' in e)]
    harmless = ('drop', 'reject', 'counter', 'log')
    others = [e for e in exprs if isinstance(e, dict) and not any(k in e for k in harmless)]
    return bool(verdicts) and not others


def parse_nft(text):
    """Reduce ``nft -j list ruleset`` to the input base chains.

    Returns ``{'chains': [{family, table, name, policy, rules, final_drop}], 'rules': N}``.
    """
    data = json.loads(text)
    chains = {}
    rule_count = 0
    last_rule = {}
    per_chain = {}
    for item in data.get('nftables', []):
        if 'chain' in item:
            chain = item['chain']
            key = (chain.get('family'), chain.get('table'), chain.get('name'))
            chains[key] = chain
        elif 'rule' in item:
            rule = item['rule']
            rule_count += 1
            key = (rule.get('family'), rule.get('table'), rule.get('chain'))
            last_rule[key] = rule
            per_chain[key] = per_chain.get(key, 0) + 1
    inputs = []
    for key, chain in sorted(chains.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        if chain.get('hook') != 'input' or chain.get('type', 'filter') != 'filter':
            continue
        if chain.get('family') not in ('ip', 'ip6', 'inet'):
            continue
        inputs.append(dict(family=chain.get('family'), table=chain.get('table'),
                           name=chain.get('name'), policy=chain.get('policy', 'accept'),
                           final_drop=_is_final_drop(last_rule.get(key, {})),
                           rules=per_chain.get(key, 0)))
    return dict(chains=inputs, rules=rule_count)


def nft_verdict(parsed):
    """Judge nftables input chains: ``(active, drops_v4, drops_v6, text)``.

    A packet must pass every base chain on the hook, so one dropping chain per
    family is enough; ``inet`` covers both families.
    """
    chains = parsed['chains']
    active = parsed['rules'] > 0 or any(c['policy'] != 'accept' for c in chains)
    drops = [c for c in chains if c['policy'] == 'drop' or c['final_drop']]
    v4 = any(c['family'] in ('ip', 'inet') for c in drops)
    v6 = any(c['family'] in ('ip6', 'inet') for c in drops)
    text = ', '.join('%s %s %s policy %s%s' % (c['family'], c['table'], c['name'], c['policy'],
                                               ' (ends in drop)' if c['final_drop'] else '')
                     for c in chains) or 'no input chain'
    return active, v4, v6, text


def parse_iptables_save(text):
    """``{'policy': 'ACCEPT'|'DROP'|None, 'rules': N, 'final_drop': bool}`` of the filter INPUT chain."""
    table = None
    policy = None
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('*'):
            table = line[1:]
        elif table == 'filter' and line.startswith(':INPUT '):
            policy = line.split()[1]
        elif table == 'filter' and line.startswith('-A INPUT '):
            rules.append(line)
    final = bool(rules) and re.match(r'^-A INPUT( -m comment --comment \S+)? -j (DROP|REJECT)\b',
                                     rules[-1]) is not None
    return dict(policy=policy, rules=len(rules), final_drop=final)


def parse_ufw(text):
    """``{'active': bool, 'incoming': 'deny'|'allow'|'reject'|None}`` from ``ufw status verbose``."""
    active = bool(re.search(r'^Status:\s*active', text, re.M))
    match = re.search(r'^Default:\s*(\w+)\s*\(incoming\)', text, re.M)
    return dict(active=active, incoming=match.group(1) if match else None)


def probe_firewall(timeout, tools=None):
    """Read each firewall front end; return a dict per tool with ``state`` and what it found.

    ``state`` is ``read`` (parsed), ``missing`` (not installed) or ``denied`` (could not read).
    """
    tools = tools or dict((name, find_tool(name)) for name in ('nft', 'iptables-save', 'ufw'))
    found = {}
    if tools.get('nft'):
        rc, out, err = run_tool([tools['nft'], '-j', 'list', 'ruleset'], timeout)
        if rc == 0:
            try:
                found['nftables'] = dict(state='read', **parse_nft(out or '{"nftables": []}'))
            except ValueError as exc:
                found['nftables'] = dict(state='denied', error='unreadable JSON: %s' % exc)
        else:
            found['nftables'] = dict(state='denied', error=(err or out).strip()[:300])
    else:
        found['nftables'] = dict(state='missing')
    if tools.get('iptables-save'):
        rc, out, err = run_tool([tools['iptables-save'], '-t', 'filter'], timeout)
        if rc == 0:
            found['iptables'] = dict(state='read', **parse_iptables_save(out))
            found['iptables']['nf_tables'] = '(nf_tables)' in out
        else:
            found['iptables'] = dict(state='denied', error=(err or out).strip()[:300])
    else:
        found['iptables'] = dict(state='missing')
    if tools.get('ufw'):
        rc, out, err = run_tool([tools['ufw'], 'status', 'verbose'], timeout)
        if rc == 0:
            found['ufw'] = dict(state='read', **parse_ufw(out))
        else:
            found['ufw'] = dict(state='denied', error=(err or out).strip()[:300])
    else:
        found['ufw'] = dict(state='missing')
    return found


def judge_firewall(found, require_default_drop=True):
    """The ``firewall`` record from what :func:`probe_firewall` found."""
    name = 'firewall'
    details = dict(found)
    active = []
    dropping = []
    notes = []
    ufw = found.get('ufw', {})
    if ufw.get('state') == 'read' and ufw['active']:
        active.append('ufw')
        notes.append('ufw active, incoming %s' % ufw['incoming'])
        if ufw['incoming'] in ('deny', 'reject'):
            dropping.append('ufw')
    nft = found.get('nftables', {})
    v6_open = False
    if nft.get('state') == 'read':
        is_active, v4, v6, text = nft_verdict(nft)
        if is_active:
            active.append('nftables')
            notes.append('nftables input: %s' % text)
            if v4:
                dropping.append('nftables')
                v6_open = not v6
    ipt = found.get('iptables', {})
    # iptables-nft rules are already in the nftables ruleset; only legacy rules add anything.
    if ipt.get('state') == 'read' and not (ipt.get('nf_tables') and nft.get('state') == 'read'):
        if ipt['rules'] or (ipt['policy'] not in (None, 'ACCEPT')):
            active.append('iptables')
            notes.append('iptables INPUT policy %s, %d rules' % (ipt['policy'], ipt['rules']))
            if ipt['policy'] == 'DROP' or ipt['final_drop']:
                dropping.append('iptables')
    readable = [k for k, v in found.items() if v.get('state') == 'read']
    denied = ['%s (%s)' % (k, v.get('error') or 'no permission') for k, v in found.items()
              if v.get('state') == 'denied']
    if not readable:
        if denied:
            return check_result(name, UNKNOWN, message='cannot read the firewall rules: %s'
                                % '; '.join(denied),
                                remediation='Run the check as root (become: true); reading the '
                                            'ruleset needs CAP_NET_ADMIN.', details=details)
        return check_result(name, UNKNOWN, message='no firewall tool found (nft, iptables-save, ufw)',
                            remediation='Install nftables (or iptables / ufw) and load a ruleset.',
                            details=details)
    details['active'] = active
    if not active:
        message = 'no firewall is active: %s have no input rules' % ', '.join(readable)
        if denied:
            message += ' (could not read %s)' % '; '.join(denied)
        return check_result(name, FAIL if not denied else UNKNOWN, value='none', message=message,
                            remediation='Load a ruleset that drops inbound traffic by default and '
                                        'allows only the service ports (the golive.readiness '
                                        'hardening role does).', details=details)
    if dropping:
        status = WARN if v6_open and dropping == ['nftables'] else PASS
        message = '%s active with a default-drop input policy (%s)' % (dropping[0], '; '.join(notes))
        if status == WARN:
            message += '; IPv6 input is not dropped by default'
        return check_result(name, status, value=dropping[0], message=message,
                            remediation='Drop IPv6 input by default too (an inet family table '
                                        'covers both).', details=details)
    status = FAIL if require_default_drop else PASS
    return check_result(name, status, value=active[0],
                        message='%s active but input is accepted by default (%s)'
                        % (active[0], '; '.join(notes)),
                        remediation='Set the input chain policy to drop (nft: policy drop; '
                                    'iptables -P INPUT DROP; ufw default deny incoming) after '
                                    'allowing the service ports.', details=details)


# ---------------------------------------------------------------- all together


def probe_target(target):
    """Connect to one target and judge it."""
    return judge_connect(target, *connect(target['host'], target['port'], target['timeout']))


def probe_dns(entry):
    """Resolve one entry and judge it."""
    return judge_dns(entry, *resolve(entry))


def probe_and_judge_firewall(firewall):
    """Read and judge the firewall, timed."""
    start = time.perf_counter()
    record = judge_firewall(probe_firewall(firewall['timeout']), firewall['require_default_drop'])
    record['duration_ms'] = round((time.perf_counter() - start) * 1000.0, 3)
    return record


def probe_all(targets, dns, firewall, total_timeout=30.0, workers=16):
    """Run every probe concurrently within ``total_timeout``; return the records in order."""
    tasks = [(('tcp', index), functools.partial(probe_target, target))
             for index, target in enumerate(targets)]
    tasks += [(('dns', index), functools.partial(probe_dns, entry)) for index, entry in enumerate(dns)]
    if firewall['enabled']:
        tasks.append((('firewall', 0), functools.partial(probe_and_judge_firewall, firewall)))
    outcomes = run_bounded(tasks, workers, total_timeout)
    records = []
    for key, _func in tasks:
        ok, value = outcomes[key]
        if ok:
            records.append(value)
            continue
        kind, index = key
        if kind == 'tcp':
            name, unit = 'targets:%s' % target_name(targets[index]), 'ms'
        elif kind == 'dns':
            name, unit = 'dns:%s' % dns_name(dns[index]), 'ms'
        else:
            name, unit = 'firewall', None
        if isinstance(value, TimedOut):
            records.append(check_result(name, FAIL if kind != 'firewall' else UNKNOWN, unit=unit,
                                        message='no result within the module\'s total_timeout of %gs'
                                        % total_timeout,
                                        remediation='Raise total_timeout or the workers, or find '
                                                    'why the probe hangs.'))
        else:
            records.append(unknown(name, 'could not measure: %s: %s'
                                   % (type(value).__name__, str(value)[:300]), unit=unit,
                                   remediation='See the error; the check itself failed.'))
    if not firewall['enabled']:
        records.append(skipped('firewall', 'the firewall is not checked: set firewall.enabled to '
                                           'read its rules'))
    return records


# The readiness guide: network latency under 50 ms.
LATENCY = Check('latency', unit='ms', warn=50.0, switch=False)
RESOLUTION_TIME = Check('resolution_time', unit='ms', warn=100.0, fail=1000.0, switch=False)
TIMEOUT = Option('float', 3.0, low=0, high=MAX_TIMEOUT, low_open=True)
TARGETS = Entries(dict(
    host=Option('str', required=True),
    port=Option('int', low=1, high=65535, required=True),
    name=Option('str'),
    timeout=TIMEOUT,
), limits=dict(latency=LATENCY))
DNS = Entries(dict(
    query=Option('str', required=True),
    name=Option('str'),
    expected=Option('list', elements='str'),
    match=Option('str', 'all', choices=list(MATCHES)),
    family=Option('str', 'any', choices=list(FAMILIES)),
    resolver=Option('str'),
    resolver_port=Option('int', 53, low=1, high=65535),
    timeout=TIMEOUT,
), limits=dict(resolution_time=RESOLUTION_TIME))
# The firewall is read only when asked for: a user who lists TCP targets or names to resolve
# asked about reachability, not about this host's ruleset (which needs root to read).
CATALOGUE = Catalogue('network', options=dict(
    total_timeout=Option('float', 30.0, low=0, high=300, low_open=True),
    workers=Option('int', 16, low=1, high=64),
), checks=[
    OptionCheck('targets', TARGETS, formerly='tcp'),
    LATENCY,
    OptionCheck('dns', DNS),
    RESOLUTION_TIME,
    Check('firewall', limits=False, switch=False, options=dict(
        enabled=Option('bool', False),
        require_default_drop=Option('bool', True),
        timeout=Option('float', 10.0, low=0, high=MAX_TIMEOUT, low_open=True),
    )),
])


def measure(params, opts):
    """Run every probe concurrently and return the ``readiness`` result."""
    report = Component('network')
    for record in probe_all(TARGETS.merged(params.get('targets'), opts),
                            DNS.merged(params.get('dns'), opts), opts['firewall'],
                            params['total_timeout'], params['workers']):
        report.add(record)
    return report.result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs the standard library only.
    """
    return Runner(CATALOGUE, measure, input_errors)
